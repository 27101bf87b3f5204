#!/usr/bin/env python3
"""How `smtptls ingest` and `smtptls scan` scale with --jobs on one machine.

    Benchmarks/scaling.py --bin .build/release/smtptls [--corpus DIR] [--jobs 1,2,4,8,16] [--runs 3]

Needs only the smtptls binary and python3 (no Swift, zstd or DuckDB), so a release binary built
with --static-swift-stdlib can be carried to a many-core machine. Generates the corpus with the
binary itself unless --corpus holds one. Runs every job count once per round, rounds alternating,
and prints medians, speed-up over one job, parallel efficiency and peak RSS as a Markdown table.
Before any figures it checks that every job count produced the same rollups as one job.
"""
import argparse, os, platform, resource, statistics, subprocess, sys, tempfile, time

ap = argparse.ArgumentParser()
ap.add_argument("--bin", required=True)
ap.add_argument("--corpus", default=None)
ap.add_argument("--hours", type=int, default=24)
ap.add_argument("--sessions-per-hour", type=int, default=6000)
ap.add_argument("--jobs", default="1,2,4,8,16")
ap.add_argument("--runs", type=int, default=3)
args = ap.parse_args()
jobs = [int(j) for j in args.jobs.split(",")]
work = tempfile.mkdtemp(prefix="smtptls-scaling-")
corpus = args.corpus or os.path.join(work, "corpus")
if not os.path.exists(os.path.join(corpus, "truth.json")):
    subprocess.run([args.bin, "generate", "-o", corpus, "--hours", str(args.hours),
                    "--sessions-per-hour", str(args.sessions_per_hour), "--legacy", ""],
                   check=True, stdout=subprocess.DEVNULL)
size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(corpus) for f in fs if f.endswith(".LOG"))
files = sum(1 for d, _, fs in os.walk(corpus) for f in fs if f.endswith(".LOG"))
subprocess.run(["cat"] + [os.path.join(d, f) for d, _, fs in os.walk(corpus) for f in fs],
               stdout=subprocess.DEVNULL, check=True)  # warm the page cache

def run(argv):
    """Wall seconds, peak RSS (KB, from wait4) and peak anonymous RSS (KB, /proc sampled every
    20 ms: the process's own memory, without the pages of mapped log files) of one child."""
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    anon = 0
    while True:
        pid, status, usage = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        try:
            with open(f"/proc/{p.pid}/status") as f:
                for line in f:
                    if line.startswith("RssAnon:"):
                        anon = max(anon, int(line.split()[1]))
        except OSError:
            pass
        time.sleep(0.02)
    elapsed = time.perf_counter() - t0
    if status != 0:
        sys.exit(f"{' '.join(argv)} failed ({status})")
    return elapsed, usage.ru_maxrss, anon

def rollups(db):
    """The public rollup view's rows, sorted (whatever its column count)."""
    out = subprocess.run([args.bin, "query", "--db", db, "--format", "csv", "SELECT * FROM session_rollup"],
                         check=True, capture_output=True).stdout
    return sorted(out.splitlines())

results = {}
serial = {}
reference = None
for r in range(args.runs):
    for j in jobs:
        for mode in ("ingest", "scan"):
            db = os.path.join(work, f"r{r}-j{j}.sqlite")
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(db + suffix):
                    os.remove(db + suffix)
            argv = [args.bin, "ingest", "-q", "--jobs", str(j), "--db", db, corpus] if mode == "ingest" \
                else [args.bin, "scan", "--jobs", str(j), corpus]
            results.setdefault((mode, j), []).append(run(argv))
            if mode == "ingest" and r == 0:  # one more ingest per job count, for its serial stages
                stages = subprocess.run([args.bin, "ingest", "--jobs", str(j), "--db", db + ".stages", corpus],
                                        capture_output=True, text=True).stderr
                serial[j] = next((l for l in stages.splitlines() if l.startswith("serial stages")), "")
            if mode == "ingest" and r == 0:
                got = rollups(db)
                reference = reference or got
                if got != reference:
                    sys.exit(f"--jobs {j} gave different rollups from --jobs {jobs[0]}")
            if os.path.exists(db):
                os.remove(db)

cpu = platform.processor() or ""
try:
    with open("/proc/cpuinfo") as f:
        cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
except Exception:
    pass
print(f"{os.cpu_count()} CPUs ({cpu}); corpus {size / 1e9:.2f} GB in {files} files; "
      f"median of {args.runs} alternating runs; rollups identical for every --jobs\n")
print("| command | --jobs | median s | GB/s | speed-up | efficiency | peak RSS MB | peak anon RSS MB |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for mode in ("ingest", "scan"):
    base = statistics.median(t for t, _, _ in results[(mode, jobs[0])])
    for j in jobs:
        ts = [t for t, _, _ in results[(mode, j)]]
        med = statistics.median(ts)
        rss = max(m for _, m, _ in results[(mode, j)]) / 1024
        anon = max(a for _, _, a in results[(mode, j)]) / 1024
        print(f"| {mode} | {j} | {med:.2f} | {size / med / 1e9:.3f} | {base / med:.2f}× | "
              f"{base / med / (j / jobs[0]) * 100:.0f} % | {rss:.0f} | {anon:.0f} |")
for j, line in serial.items():
    print(f"{'' if j != jobs[0] else chr(10)}One more ingest with --jobs {j}: {line}  ")
