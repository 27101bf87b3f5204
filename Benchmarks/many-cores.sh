#!/usr/bin/env bash
# Runs the throughput comparison and the scaling table on a machine without Swift, from the
# bundle that Benchmarks/bundle.sh wrote to .build-bundle/ (see there). Needs python3 and
# coreutils' taskset only. Generates both corpus shapes with the bundled binary, so nothing
# large travels:
#
#   bash Benchmarks/many-cores.sh [RESULTS_DIR]      # RUNS=5 by default
#   STEPS=scaling bash Benchmarks/many-cores.sh      # only some of: large small scaling
#
# Writes compare-large.md, compare-small.md and scaling.md into RESULTS_DIR (default: a
# temporary directory, printed), and echoes them.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
results=${1:-$(mktemp -d)}
mkdir -p "$results"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$root/.build-bundle/zstd" -dc "$root/.build-bundle/bundle.tar.zst" | tar -C "$work" -xf -
python3 -m zipfile -e "$work"/wheel/duckdb-*.whl "$work/pylib"
export PATH="$work/bin:$PATH" PYTHONPATH="$work/pylib"
bin=$work/bin/smtptls
runs=${RUNS:-5}

corpus() {  # name, generate arguments…
  local dir=$work/$1; shift
  "$bin" generate -o "$dir/logs" "$@" --legacy "" >/dev/null
  (cd "$dir/logs" && find . -name '*.LOG' | while read -r f; do
     mkdir -p "$dir/zst/$(dirname "$f")"; zstd -q -3 "$f" -o "$dir/zst/$f.zst"; done)
}
steps=" ${STEPS:-large small scaling} "

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')" | tee "$results/machine.txt"
if [[ $steps == *" large "* || $steps == *" scaling "* ]]; then corpus large --hours 24 --sessions-per-hour 6000; fi
if [[ $steps == *" small "* ]]; then corpus small --hours 96 --sessions-per-hour 400 --modern EX01,EX02,EX03,EX04; fi
if [[ $steps == *" large "* ]]; then
  python3 "$root/Benchmarks/compare.py" --bin "$bin" --corpus "$work/large" --runs "$runs" | tee "$results/compare-large.md"
fi
if [[ $steps == *" small "* ]]; then
  python3 "$root/Benchmarks/compare.py" --bin "$bin" --corpus "$work/small" --runs "$runs" | tee "$results/compare-small.md"
fi
if [[ $steps == *" scaling "* ]]; then
  python3 "$root/Benchmarks/scaling.py" --bin "$bin" --corpus "$work/large/logs" --jobs 1,2,4,8,16 --runs 3 | tee "$results/scaling.md"
fi
