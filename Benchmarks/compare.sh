#!/usr/bin/env bash
# Side-by-side throughput of smtptls and the tools a user would pick instead.
#
#   Benchmarks/compare.sh              # ~1 GB corpus, 3 alternating runs, table into docs/performance.md
#   RUNS=5 SESSIONS_PER_HOUR=12000 Benchmarks/compare.sh
#   SHAPE=small Benchmarks/compare.sh  # many ~0.5 MB hourly files (lightly loaded servers), table on stdout only
#   BASELINE=/path/to/older/smtptls Benchmarks/compare.sh   # time an older build beside this one
#
# Builds smtptls in release mode, generates the corpus once (bench-corpus/, git-ignored), makes
# .zst copies, installs DuckDB from PyPI into .build/bench-venv, then runs compare.py.
# Needs: zstd, ripgrep (rg), python3 with venv; /usr/bin/time for peak RSS if installed. Not part of the test suite.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
shape=${SHAPE:-large}
if [ "$shape" = small ]; then
  corpus=${CORPUS:-$root/bench-corpus-small}
  sph=${SESSIONS_PER_HOUR:-400}
  generate_args=(--hours 96 --modern EX01,EX02,EX03,EX04)
  doc=()
else
  corpus=${CORPUS:-$root/bench-corpus}
  sph=${SESSIONS_PER_HOUR:-6000}
  generate_args=(--hours 24)
  doc=(--doc "$root/docs/performance.md")
fi

for tool in zstd rg python3 taskset; do
  command -v "$tool" >/dev/null || { echo "compare.sh needs $tool (apt-get install zstd ripgrep python3-venv)" >&2; exit 2; }
done

swift build -c release >&2
bin=$root/.build/release/smtptls

if [ ! -f "$corpus/logs/truth.json" ]; then
  echo "generating corpus in $corpus (one time)…" >&2
  "$bin" generate -o "$corpus/logs" "${generate_args[@]}" --sessions-per-hour "$sph" --legacy ""
fi
if [ ! -d "$corpus/zst" ]; then
  echo "compressing a .zst copy…" >&2
  (cd "$corpus/logs" && find . -name '*.LOG' | while read -r f; do
     mkdir -p "$corpus/zst/$(dirname "$f")"; zstd -q -3 "$f" -o "$corpus/zst/$f.zst"; done)
fi
venv=$root/.build/bench-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q duckdb
fi
baseline=()
[ -n "${BASELINE:-}" ] && baseline=(--baseline "$BASELINE")
exec "$venv/bin/python" "$root/Benchmarks/compare.py" --bin "$bin" --corpus "$corpus" --runs "${RUNS:-3}" "${doc[@]}" "${baseline[@]}"
