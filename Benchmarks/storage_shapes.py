#!/usr/bin/env python3
"""What integer-keyed rollups would buy (issue #11's next step), measured with SQLite alone.

    python3 Benchmarks/storage_shapes.py            # 200,000 upserts per shape, 2 M rows to read

Upserts: the session rollup's key as smtptls stores it today (16 columns, 12 of them text),
the same key with a 64-bit hash of the text columns after the day (text kept as payload), and
the key as integers (ids into a dictionary table). Reads: a GROUP BY on address and EHLO name
over 2 M rows, on text columns, through a view that joins the ids back to text, and grouped by
ids first with the text joined afterwards. Times include Python's own per-row cost (the same
for every shape), so the ratios understate SQLite's.
"""
import os
import random
import sqlite3
import tempfile
import time

UPSERTS = 200_000
READ_ROWS = 2_000_000


def upserts(directory):
    random.seed(1)
    addresses = [f"198.51.{random.randint(0, 255)}.{random.randint(0, 255)}" for _ in range(UPSERTS)]
    suite = ("TLS1.2", "server", "CALG_AES_256", 256, "CALG_SHA_384", 384, "CALG_ECDH_EPHEM", 384)
    shapes = {
        "text key (today)": (
            """CREATE TABLE t(server TEXT, day TEXT, log_type TEXT, connector TEXT, remote_ip TEXT, outcome TEXT,
               protocol TEXT, role TEXT, cipher TEXT, cipher_bits INT, mac TEXT, mac_bits INT, key_exchange TEXT,
               key_exchange_bits INT, error TEXT, activity TEXT, sessions INT, first_seen INT, last_seen INT,
               PRIMARY KEY(day, server, log_type, connector, remote_ip, outcome, protocol, role, cipher, cipher_bits,
                           mac, mac_bits, key_exchange, key_exchange_bits, error, activity)) WITHOUT ROWID""",
            "INSERT INTO t VALUES (" + ",".join("?" * 19) + ")",
            [("EX01", "2024-03-01", "receive", "EX01\\Default Frontend EX01", a, "tls") + suite + ("", "mail", 1, 1, 1)
             for a in addresses]),
        "day + hash key, text as payload": (
            """CREATE TABLE t(day TEXT, h INT, server TEXT, log_type TEXT, connector TEXT, remote_ip TEXT, outcome TEXT,
               protocol TEXT, role TEXT, cipher TEXT, cipher_bits INT, mac TEXT, mac_bits INT, key_exchange TEXT,
               key_exchange_bits INT, error TEXT, activity TEXT, sessions INT, first_seen INT, last_seen INT,
               PRIMARY KEY(day, h)) WITHOUT ROWID""",
            "INSERT INTO t VALUES (" + ",".join("?" * 20) + ")",
            [("2024-03-01", hash(a) & 0xFFFFFFFFFFFF, "EX01", "receive", "EX01\\Default Frontend EX01", a, "tls") + suite
             + ("", "mail", 1, 1, 1) for a in addresses]),
        "integer key (ids)": (
            """CREATE TABLE t(day TEXT, server INT, log_type INT, connector INT, remote INT, outcome INT, suite INT,
               error INT, activity INT, sessions INT, first_seen INT, last_seen INT,
               PRIMARY KEY(day, server, log_type, connector, remote, outcome, suite, error, activity)) WITHOUT ROWID""",
            "INSERT INTO t VALUES (" + ",".join("?" * 12) + ")",
            [("2024-03-01", 1, 0, 3, i, 0, 5, 0, 2, 1, 1, 1) for i in range(len(addresses))]),
    }
    update = (" ON CONFLICT DO UPDATE SET sessions = sessions + excluded.sessions,"
              " first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)")
    for name, (create, insert, rows) in shapes.items():
        path = os.path.join(directory, "u.sqlite")
        if os.path.exists(path):
            os.remove(path)
        db = sqlite3.connect(path)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(create)
        timings = []
        for _ in range(2):  # new keys, then the same keys again (updates)
            start = time.perf_counter()
            with db:
                db.executemany(insert + update, rows)
            timings.append(time.perf_counter() - start)
        db.close()
        print(f"| {name} | {UPSERTS / timings[0]:,.0f} | {UPSERTS / timings[1]:,.0f} | {os.path.getsize(path) // 1024:,} |")


def reads(directory):
    random.seed(2)
    db = sqlite3.connect(os.path.join(directory, "r.sqlite"))
    db.execute("CREATE TABLE names(id INTEGER PRIMARY KEY, value TEXT UNIQUE)")
    db.executemany("INSERT INTO names VALUES (?,?)", [(i, f"198.51.{i // 256}.{i % 256}") for i in range(70_000)])
    db.executemany("INSERT INTO names VALUES (?,?)", [(100_000 + i, f"mail{i}.example.org") for i in range(70_000)])
    db.execute("""CREATE TABLE ti(day TEXT, server INT, connector INT, remote INT, ehlo INT, outcome INT, sessions INT,
                  PRIMARY KEY(day, server, connector, remote, ehlo, outcome)) WITHOUT ROWID""")
    db.execute("""CREATE TABLE tt(day TEXT, server TEXT, connector TEXT, remote_ip TEXT, ehlo TEXT, outcome TEXT,
                  sessions INT, PRIMARY KEY(day, server, connector, remote_ip, ehlo, outcome)) WITHOUT ROWID""")
    rows = []
    for i in range(READ_ROWS):
        r = random.randint(0, 69_999)
        rows.append((f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}", i % 8, i % 4, r, r, i % 4, 1))
    outcomes = ["tls", "failed", "plaintext", "tls_unlogged"]
    with db:
        db.executemany("INSERT OR IGNORE INTO ti VALUES (?,?,?,?,?,?,?)", rows)
        db.executemany("INSERT OR IGNORE INTO tt VALUES (?,?,?,?,?,?,?)",
                       [(d, f"EX0{s}", f"EX0{s}\\Default", f"198.51.{r // 256}.{r % 256}", f"mail{e}.example.org",
                         outcomes[o], n) for d, s, c, r, e, o, n in rows])
    db.execute("""CREATE VIEW vi AS SELECT t.day, ip.value AS remote_ip, eh.value AS ehlo, t.sessions
                  FROM ti t JOIN names ip ON ip.id = t.remote JOIN names eh ON eh.id = 100000 + t.ehlo""")
    for name, sql in [
        ("text columns", "SELECT remote_ip, ehlo, sum(sessions) FROM tt GROUP BY 1, 2"),
        ("ids through a decoding view", "SELECT remote_ip, ehlo, sum(sessions) FROM vi GROUP BY 1, 2"),
        ("grouped by ids, then decoded", """SELECT ip.value, eh.value, s FROM
            (SELECT remote, ehlo, sum(sessions) AS s FROM ti GROUP BY 1, 2) g
            JOIN names ip ON ip.id = g.remote JOIN names eh ON eh.id = 100000 + g.ehlo"""),
    ]:
        start = time.perf_counter()
        db.execute(sql).fetchall()
        print(f"| {name} | {time.perf_counter() - start:.2f} |")
    db.close()


with tempfile.TemporaryDirectory() as d:
    print(f"SQLite {sqlite3.sqlite_version}\n\n| upsert key | new keys per s | updates per s | table KB |\n|---|---|---|---|")
    upserts(d)
    print(f"\n| GROUP BY address, EHLO over {READ_ROWS:,} rows | s |\n|---|---|")
    reads(d)
