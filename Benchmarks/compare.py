"""Times smtptls against rg, zstd -dc, DuckDB and Python's csv module on the same corpus.

Runs alternate (tool A, B, C, ..., then again) so that noise hits every tool alike; reports the
median of each, GB/s, ratios to DuckDB and to `zstd -dc`, and peak resident memory. Writes the
table between the markers in docs/performance.md.
"""
import argparse, csv, datetime, glob, os, platform, re, statistics, subprocess, sys, tempfile, time

p = argparse.ArgumentParser()
p.add_argument("--bin", required=True)
p.add_argument("--corpus", required=True)
p.add_argument("--runs", type=int, default=3)
p.add_argument("--doc")
p.add_argument("--baseline", help="another smtptls binary (e.g. the previous release) timed beside this one")
a = p.parse_args()

logs = os.path.join(a.corpus, "logs")
zst = os.path.join(a.corpus, "zst")
log_files = sorted(glob.glob(os.path.join(logs, "**", "*.LOG"), recursive=True))
zst_files = sorted(glob.glob(os.path.join(zst, "**", "*.zst"), recursive=True))
plain_bytes = sum(os.path.getsize(f) for f in log_files)
cores = os.cpu_count() or 1
tmp = tempfile.mkdtemp(prefix="smtptls-bench-")

def db():
    path = os.path.join(tmp, "bench.sqlite")
    for suffix in ("", "-wal", "-shm", ".ingest-lock"):
        try: os.remove(path + suffix)
        except FileNotFoundError: pass
    return path

DUCKDB_SQL = """
SELECT connector, regexp_extract(remote, '^\\[?([^\\]]*?)\\]?:[0-9]+$', 1) AS ip,
       regexp_extract(context, 'TLS protocol (\\S+)', 1) AS protocol,
       count(*) AS n, min(ts) AS first_seen, max(ts) AS last_seen
FROM read_csv('{glob}', header=false, comment='#', ignore_errors=true, null_padding=true, quote='"',
              columns={{'ts':'VARCHAR','connector':'VARCHAR','session':'VARCHAR','seq':'VARCHAR','local':'VARCHAR',
                       'remote':'VARCHAR','event':'VARCHAR','data':'VARCHAR','context':'VARCHAR'}})
WHERE context LIKE 'TLS protocol%'
GROUP BY ALL
"""

def duckdb_cmd(threads):
    code = ("import duckdb,sys; c=duckdb.connect(); c.execute('SET threads=%d'); "
            "print(len(c.execute(sys.argv[1]).fetchall()))" % threads)
    return [sys.executable, "-c", code, DUCKDB_SQL.format(glob=os.path.join(logs, "**", "*.LOG"))]

subset = log_files[0]
subset_bytes = os.path.getsize(subset)
PY_CSV = ("import csv,sys,collections\nc=collections.Counter()\n"
          "with open(sys.argv[1], newline='', encoding='utf-8', errors='replace') as f:\n"
          "  for row in csv.reader(f):\n"
          "    if len(row)==9 and row[8].startswith('TLS protocol'): c[(row[1], row[5].rsplit(':',1)[0], row[8].split()[2])]+=1\n"
          "print(len(c))")

zst_dir_bytes = plain_bytes  # throughput is quoted on uncompressed bytes for every tool
# "one core" rows run under `taskset -c 0`: smtptls --jobs 1 still has a merge and a commit thread
# besides its scanning worker, DuckDB and the shell pipeline have helpers too; pinning makes every
# per-core figure the work of one core.
one = ["taskset", "-c", "0"]
tools = [
    ("smtptls ingest, one core", lambda: one + [a.bin, "ingest", "-q", "--jobs", "1", "--db", db(), logs], plain_bytes),
    *([("smtptls ingest, one core, baseline binary", lambda: one + [a.baseline, "ingest", "-q", "--jobs", "1", "--db", db(), logs], plain_bytes)]
      if a.baseline else []),
    ("smtptls ingest, --jobs 1 unpinned", lambda: [a.bin, "ingest", "-q", "--jobs", "1", "--db", db(), logs], plain_bytes),
    (f"smtptls ingest, {cores} cores", lambda: [a.bin, "ingest", "-q", "--jobs", str(cores), "--db", db(), logs], plain_bytes),
    ("smtptls ingest .zst, one core", lambda: one + [a.bin, "ingest", "-q", "--jobs", "1", "--db", db(), zst], plain_bytes),
    ("rg -c SP_PROT, one core", lambda: one + ["rg", "-j1", "-c", "SP_PROT", logs], plain_bytes),
    ("zstd -dc > /dev/null, one core", lambda: one + ["sh", "-c", "cat " + " ".join(zst_files) + " | zstd -dc > /dev/null"], plain_bytes),
    ("DuckDB read_csv + GROUP BY, one core", lambda: one + duckdb_cmd(1), plain_bytes),
    (f"DuckDB read_csv + GROUP BY, {cores} cores", lambda: duckdb_cmd(cores), plain_bytes),
    ("Python csv module (one 8 MB file), one core", lambda: one + [sys.executable, "-c", PY_CSV, subset], subset_bytes),
]

# Peak RSS: /usr/bin/time's, where it is installed. Without it (a lent machine), wait4's, which
# also counts the pages the child shared with this Python process when it was forked (~15 MB):
# a floor under the small tools' figures, not theirs.
TIME = ["/usr/bin/time", "-f", "%M"] if os.access("/usr/bin/time", os.X_OK) else []
results = {name: [] for name, _, _ in tools}
for run in range(a.runs):
    for name, cmd, nbytes in tools:
        argv = cmd()
        t0 = time.perf_counter()
        with tempfile.TemporaryFile() as err:
            proc = subprocess.Popen(TIME + argv, stdout=subprocess.DEVNULL, stderr=err)
            _, status, usage = os.wait4(proc.pid, 0)
            elapsed = time.perf_counter() - t0
            err.seek(0)
            errors = err.read().decode(errors="replace")
        if status != 0:
            print(f"{name} failed: {errors[-500:]}", file=sys.stderr)
            continue
        rss_kb = int(errors.strip().splitlines()[-1]) if TIME else usage.ru_maxrss
        results[name].append((elapsed, rss_kb, nbytes))
        print(f"run {run + 1}: {name}: {elapsed:.2f} s, {rss_kb / 1024:.0f} MB peak", file=sys.stderr)

def median_rate(name):
    r = results[name]
    if not r: return None
    return statistics.median(n / e / 1e9 for e, _, n in r)

duck = median_rate("DuckDB read_csv + GROUP BY, one core")
zstd_rate = median_rate("zstd -dc > /dev/null, one core")
rows = []
for name, _, _ in tools:
    r = results[name]
    if not r: continue
    rate = median_rate(name)
    rss = max(x[1] for x in r) / 1024
    rows.append(f"| {name} | {statistics.median(x[0] for x in r):.2f} | {rate:.3f} | "
                f"{rate / duck:.2f}× | {rate / zstd_rate:.2f}× | {rss:.0f} |")

now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
table = "\n".join([
    f"Measured {now} on {platform.node() or 'this machine'}: {cores} cores, {platform.machine()}, warm page cache; "
    f"corpus {plain_bytes / 1e9:.3f} GB in {len(log_files)} files; median of {a.runs} alternating runs"
    + ("." if TIME else "; peak RSS from wait4 (at least this Python's ~15 MB at fork)."),
    "",
    "| tool | median s | GB/s | vs DuckDB one core | vs zstd -dc one core | peak RSS MB |",
    "|---|---|---|---|---|---|",
    *rows,
])
print(table)
if a.doc and os.path.exists(a.doc):
    text = open(a.doc).read()
    begin, end = "<!-- compare.sh:begin -->", "<!-- compare.sh:end -->"
    if begin in text and end in text:
        text = text[:text.index(begin) + len(begin)] + "\n" + table + "\n" + text[text.index(end):]
        open(a.doc, "w").write(text)
