#!/usr/bin/env python3
"""Reports at scale: every report on a year of a fleet's rollups, at 1x and 10x the rows.

    python3 Benchmarks/report_scale.py --bin .build/release/smtptls --rows 1000000 --factor 10

Builds two databases with the schema of `smtptls` (it ingests an empty log to create them) and
fills the private rollup tables with synthetic rows shaped like a fleet: SERVERS servers,
365 days, four connectors each, a recurring pool of remote parties, a protocol mix with some
legacy, probes, failures and refused logins. Then it times each report (median of --runs) on
both and prints the cost ratio: a report whose 10x run costs more than ~12x its 1x run has
turned quadratic. With --postgres URL, the 1x database is also copied into that (empty) PostgreSQL database and every
report timed there beside SQLite. Not part of the test suite; figures go to docs/performance.md by
hand.
"""
import argparse
import os
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

SERVERS = 8
DAYS = 365
START_DAY = 19723  # 2024-01-01
# Each remote party keeps one behaviour all year, as real TLS stacks do: most are modern, a few
# legacy-only, some mixed (they would upgrade), a few plaintext, failing or on Exchange 2010.
PROFILES = [("modern", 80), ("legacy", 4), ("mixed", 5), ("plaintext", 6), ("failing", 3), ("unlogged", 2)]


def day_text(n):
    return time.strftime("%Y-%m-%d", time.gmtime(n * 86400))


def pick(rng, weighted):
    total = sum(w for _, w in weighted)
    r = rng.uniform(0, total)
    for value, w in weighted:
        r -= w
        if r <= 0:
            return value
    return weighted[-1][0]


def create(binary, path):
    with tempfile.TemporaryDirectory() as d:
        log = os.path.join(d, "RECV.LOG")
        with open(log, "w") as f:
            f.write("#Software: Microsoft Exchange Server\n#Version: 15.0.0.0\n#Log-type: SMTP Receive Protocol Log\n")
            f.write("#Date: 2024-01-01T00:00:00.000Z\n")
            f.write("#Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context\n")
        subprocess.run([binary, "ingest", "-q", "--db", path, "--server", "EX00", log], check=True)


def fill(path, rows, seed=1):
    """Adds about `rows` session_rollup rows (and as many identity rows) to the database."""
    rng = random.Random(seed)
    db = sqlite3.connect(path)
    db.execute("PRAGMA synchronous = OFF")
    per_server_day = max(1, rows // (SERVERS * DAYS))
    parties = [(f"{rng.randrange(1, 224)}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
                pick(rng, PROFILES), rng.choice(["TLS1.0", "TLS1.0", "TLS1.1", "SSL3"]))
               for _ in range(max(1000, per_server_day * 20))]
    # Schema version 6: rollups hold ids of texts (`dictionary`) and suites (`suite`).
    text_ids = {value: i for i, value in db.execute("SELECT id, value FROM dictionary")}
    suite_ids = {tuple(r[1:]): r[0] for r in db.execute(
        "SELECT id, protocol, role, cipher, cipher_bits, mac, mac_bits, key_exchange, key_exchange_bits FROM suite")}

    def tid(value):
        if value not in text_ids:
            text_ids[value] = db.execute("INSERT INTO dictionary (value) VALUES (?)", (value,)).lastrowid
        return text_ids[value]

    def sid(suite):
        if suite not in suite_ids:
            suite_ids[suite] = db.execute(
                """INSERT INTO suite (protocol, role, cipher, cipher_bits, mac, mac_bits, key_exchange, key_exchange_bits)
                   VALUES (?,?,?,?,?,?,?,?)""", suite).lastrowid
        return suite_ids[suite]

    session_sql = """INSERT OR IGNORE INTO session_rollup (day, server, log_type, connector, remote_ip, outcome, suite, error,
        activity, protocol, sessions, first_seen, last_seen) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"""
    identity_sql = """INSERT OR IGNORE INTO identity_rollup (day, server, log_type, connector, remote_ip, outcome, protocol, ehlo,
        sender_domain, auth_user, cert_subject, cert_thumbprint, sessions, first_seen, last_seen)
        VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"""
    auth_sql = """INSERT OR IGNORE INTO auth_failure_rollup (day, server, log_type, connector, remote_ip, user, mechanism, error,
        sessions, first_seen, last_seen) VALUES (?,?,?,?,?,?,?,?,?,?,?)"""
    coverage_sql = "INSERT OR IGNORE INTO coverage (server, log_type, hour, sessions) VALUES (?,?,?,?)"
    for s in range(SERVERS):
        server = f"EX{s + 1:02d}"
        connectors = [f"{server}\\Default Frontend {server}", f"{server}\\Client Frontend {server}",
                      f"{server}\\Inbound partners", "Outbound to Internet"]
        for d in range(DAYS):
            day = START_DAY + d
            dt = day_text(day)
            t0 = day * 86_400_000
            sessions, identities, auths = [], [], []
            for _ in range(per_server_day):
                ip, profile, old = parties[rng.randrange(len(parties))]
                connector = connectors[rng.randrange(4)]
                log_type = "send" if connector.startswith("Outbound") else "receive"
                outcome = {"plaintext": "plaintext", "failing": "failed", "unlogged": "tls_unlogged"}.get(profile, "tls")
                protocol = ""
                if outcome == "tls":
                    modern = rng.choice(["TLS1.2", "TLS1.2", "TLS1.2", "TLS1.3"])
                    protocol = old if profile == "legacy" or (profile == "mixed" and rng.random() < 0.3) else modern
                activity = rng.choice(["none", "greeted", "mail", "mail"]) if outcome == "plaintext" else "mail"
                n = rng.randrange(1, 40)
                first = t0 + rng.randrange(86_400_000 // 2)
                last = first + rng.randrange(86_400_000 // 2)
                tls = outcome == "tls"
                suite = (protocol, "server", "CALG_AES_256", 256, "CALG_SHA_384", 0, "CALG_ECDH_EPHEM", 384) \
                    if tls else ("", "", "", -1, "", -1, "", -1)
                party = (dt, tid(server), log_type, tid(connector), tid(ip))
                sessions.append(party + (outcome, sid(suite), tid("UnknownCredentials" if outcome == "failed" else ""),
                                         activity, protocol, n, first, last))
                host = "mx" + ip.replace(".", "-") + ".example.net"
                identities.append(party + (outcome, protocol, tid(host), tid(host.split(".", 1)[1]), 0, 0, 0,
                                           n, first, last))
                if connector.find("Client") >= 0 and rng.random() < 0.05:
                    auths.append(party + (tid(f"user{rng.randrange(500)}@contoso.com"), tid("LOGIN"), tid("LogonDenied"),
                                          rng.randrange(1, 20), first, last))
            db.executemany(session_sql, sessions)
            db.executemany(identity_sql, identities)
            db.executemany(auth_sql, auths)
            db.executemany(coverage_sql, [(server, lt, f"{dt}T{h:02d}", 100) for lt in ("receive", "send") for h in range(24)])
        db.commit()
    count = db.execute("SELECT COUNT(*) FROM session_rollup").fetchone()[0] + db.execute(
        "SELECT COUNT(*) FROM identity_rollup").fetchone()[0]
    db.close()
    return count


REPORTS = [
    ("legacy (whole year)", ["legacy", "--format", "csv"]),
    ("legacy (one month)", ["legacy", "--since", "2024-06-01", "--until", "2024-06-30", "--format", "csv"]),
    ("impact (default: last 30 days)", ["impact", "--format", "csv"]),
    ("impact --all (whole year)", ["impact", "--all", "--format", "csv"]),
    ("impact (one week)", ["impact", "--since", "2024-06-01", "--until", "2024-06-07", "--format", "csv"]),
    ("readiness (as of the last day)", ["readiness", "--as-of", "2024-12-30", "--format", "csv"]),
    ("summary markdown (one day)", ["summary", "--day", "2024-06-15", "--format", "markdown"]),
    ("summary json (one day)", ["summary", "--day", "2024-06-15", "--format", "json"]),
    ("summary html (one day)", ["summary", "--day", "2024-06-15", "--format", "html"]),
    ("summary markdown (30 days)", ["summary", "--since", "2024-06-01", "--until", "2024-06-30"]),
]


def timed(binary, db, args, runs):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        r = subprocess.run([binary] + args + ["--db", db], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - t)
        if r.returncode not in (0, 3):  # 3: summary saw legacy TLS
            sys.exit(f"{' '.join(args)} failed ({r.returncode}): {r.stderr.decode()[:300]}")
    return statistics.median(times)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", required=True)
    p.add_argument("--rows", type=int, default=1_000_000, help="session rollup rows of the 1x database")
    p.add_argument("--factor", type=int, default=10)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--dir", default="bench-reports")
    p.add_argument("--postgres", metavar="URL",
                   help="also copy the 1x database into this empty PostgreSQL database (smtptls copy) "
                        "and time every report there beside SQLite, checking that both print the same")
    a = p.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    sizes = []
    for label, rows in (("1x", a.rows), (f"{a.factor}x", a.rows * a.factor)):
        path = os.path.join(a.dir, f"reports-{rows}.sqlite")
        if not os.path.exists(path):
            t = time.perf_counter()
            create(a.bin, path)
            n = fill(path, rows)
            print(f"built {path}: {n:,} rollup rows in {time.perf_counter() - t:.0f} s", file=sys.stderr)
        db = sqlite3.connect(path)
        n = sum(db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                for t in ("session_rollup", "identity_rollup", "auth_failure_rollup"))
        db.close()
        sizes.append((label, path, n))
    print(f"| report | {sizes[0][0]} ({sizes[0][2]:,} rows) s | {sizes[1][0]} ({sizes[1][2]:,} rows) s | ratio |")
    print("|---|---|---|---|")
    for name, args in REPORTS:
        small = timed(a.bin, sizes[0][1], args, a.runs)
        big = timed(a.bin, sizes[1][1], args, a.runs)
        print(f"| {name} | {small:.2f} | {big:.2f} | {big / small:.1f}x |", flush=True)
    if a.postgres:
        compare_postgres(a, sizes[0])


def output(binary, db, args):
    text = subprocess.run([binary] + args + ["--db", db], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout.decode()
    return re.sub(r'(Generated |"generated_at" : ")[0-9T:.\-]+Z', r"\1", text)


def compare_postgres(a, size):
    """The 1x database copied into PostgreSQL; each report timed on both stores."""
    label, path, n = size
    t = time.perf_counter()
    subprocess.run([a.bin, "copy", "--db", path, "--to", a.postgres], check=True, stderr=subprocess.DEVNULL)
    print(f"\ncopied {n:,} rollup rows into PostgreSQL in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    print(f"\n| report ({n:,} rows) | SQLite s | PostgreSQL s | same output |")
    print("|---|---|---|---|")
    for name, args in REPORTS:
        lite = timed(a.bin, path, args, a.runs)
        pg = timed(a.bin, a.postgres, args, a.runs)
        same = output(a.bin, path, args) == output(a.bin, a.postgres, args)
        print(f"| {name} | {lite:.2f} | {pg:.2f} | {'yes' if same else 'NO'} |", flush=True)


if __name__ == "__main__":
    main()
