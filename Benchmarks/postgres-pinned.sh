#!/usr/bin/env bash
# PostgreSQL against SQLite as a fleet runs them (issue #15): the database server on a core of
# its own, the collector on another, so the server's work does not compete with the scanning.
# A throwaway cluster (scripts/postgres-test-cluster.sh) is pinned to core 1 (its backends
# inherit the postmaster's affinity); each run ingests CORPUS into an empty database with
# `taskset -c 0 smtptls ingest --jobs 1`, alternating with SQLite. Prints each run's wall time,
# the commit thread's busy time and the server core's CPU time. Needs 2 cores, the postgresql
# package and a release build (swift build -c release). Not part of the test suite. With
# BASELINE set to another smtptls binary, each round also ingests into PostgreSQL with it.
#   [BASELINE=old-smtptls] Benchmarks/postgres-pinned.sh CORPUS [RUNS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
corpus=${1:?a directory of logs}
runs=${2:-3}
bin=$root/.build/release/smtptls
[ -x "$bin" ] || { echo "build first: swift build -c release" >&2; exit 2; }
dir=$(mktemp -d)
chmod 755 "$dir"   # the cluster runs as postgres when this runs as root
url=$(bash "$root/scripts/postgres-test-cluster.sh" start "$dir/pg")
trap 'bash "$root/scripts/postgres-test-cluster.sh" stop "$dir/pg"; rm -rf "$dir"' EXIT
for pid in $(pgrep -f "$dir/pg/data"); do taskset -pc 1 "$pid" >/dev/null; done
core1() { awk '/^cpu1 /{print $2 + $3 + $4 + $7 + $8}' /proc/stat; }   # clock ticks (1/100 s)
run() {  # label, database, binary
  local out
  out=$(/usr/bin/time -f "%e" taskset -c 0 "${3:-$bin}" ingest --jobs 1 --db "$2" "$corpus" 2>&1)
  echo -n "$1: $(echo "$out" | tail -1) s wall, $(echo "$out" | grep -o 'database commits [0-9.]* s' || true)"
}
postgres() {  # label, binary: into an empty database
  psql -q -h "$dir/pg" -U smtptls -d smtptls -c "DROP SCHEMA public CASCADE; CREATE SCHEMA public;" 2>/dev/null
  local before
  before=$(core1)
  run "$1" "$url" "$2"
  echo ", server core busy $(( $(core1) - before ))0 ms"
}
for i in $(seq "$runs"); do
  postgres "run $i PostgreSQL" "$bin"
  if [ -n "${BASELINE:-}" ]; then postgres "run $i PostgreSQL, baseline binary" "$BASELINE"; fi
  rm -f "$dir"/s.sqlite*
  run "run $i SQLite" "$dir/s.sqlite"
  echo
done
