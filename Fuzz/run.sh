#!/usr/bin/env bash
# Builds the libFuzzer targets (with AddressSanitizer) and runs each for SECONDS (default 60).
#   Fuzz/run.sh            # the bounded run CI does
#   SECONDS_EACH=14400 Fuzz/run.sh   # four hours each
# Crashes are written to Fuzz/findings/; turn each into a regression test.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${SECONDS_EACH:-60}
cd "$root"
swift build --package-path Fuzz --scratch-path "$root/.build-fuzz" -c debug \
  --sanitize=fuzzer --sanitize=address 2>&1 | grep -vE "ld.gold: warning|^\[" >&2 || true
[ -x "$root/.build-fuzz/debug/FuzzScanner" ] || { echo "fuzz build failed" >&2; exit 1; }
bin="$root/.build-fuzz/debug"
mkdir -p Fuzz/findings .build-fuzz/corpus-scanner .build-fuzz/corpus-archives
# Seeds: the sample logs (without their header) and compressed/tar forms of one of them.
find SampleLogs -name '*.LOG' -exec sh -c 'tail -c 4000 "$1" > ".build-fuzz/corpus-scanner/$(basename "$1")"' _ {} \;
sample=$(find SampleLogs -name '*.LOG' | head -n 1)
head -c 20000 "$sample" | gzip -c > .build-fuzz/corpus-archives/seed.gz
head -c 20000 "$sample" | zstd -q -c > .build-fuzz/corpus-archives/seed.zst 2>/dev/null || true
tar -cf .build-fuzz/corpus-archives/seed.tar -C SampleLogs truth.json
for target in FuzzScanner FuzzArchives; do
  corpus=.build-fuzz/corpus-scanner
  [ "$target" = FuzzArchives ] && corpus=.build-fuzz/corpus-archives
  echo "fuzzing $target for ${seconds}s" >&2
  "$bin/$target" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 \
    -artifact_prefix=Fuzz/findings/ "$corpus" 2>&1 | grep -E "^#[0-9]+ *DONE|Done [0-9]+ runs|ERROR|SUMMARY" >&2 || true
  if ls Fuzz/findings/crash-* Fuzz/findings/leak-* >/dev/null 2>&1; then
    echo "fuzzing found a crash: see Fuzz/findings/" >&2
    exit 1
  fi
done
echo "fuzzing: no crash in ${seconds}s per target" >&2
