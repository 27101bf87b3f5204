#!/usr/bin/env bash
# The README's second command, and exactly what CI runs: the test suite, the suite under
# AddressSanitizer and ThreadSanitizer, and a bounded fuzzing run (60 s per target). The
# PostgreSQL tests start (and stop) a throwaway cluster of their own on a Unix socket.
#   scripts/test.sh          # everything (about 25 minutes on 2 cores from a clean clone)
#   scripts/test.sh unit     # the suite alone
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --postgresql-server
swift build
swift test
[ "${1:-all}" = unit ] && exit 0
LSAN_OPTIONS="suppressions=$PWD/.ci/lsan.supp" swift test --scratch-path .build-asan --sanitize=address
swift test --scratch-path .build-tsan --sanitize=thread
SECONDS_EACH="${SECONDS_EACH:-60}" bash Fuzz/run.sh
