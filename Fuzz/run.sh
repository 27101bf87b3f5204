#!/usr/bin/env bash
# Builds the libFuzzer targets (with AddressSanitizer) and runs each for SECONDS (default 60).
#   Fuzz/run.sh            # the bounded run CI does
#   SECONDS_EACH=14400 Fuzz/run.sh   # four hours each
#   NICE="nice -n 19" SECONDS_EACH=3600 Fuzz/run.sh   # an hour each, at lowest priority
# Crashes are written to Fuzz/findings/; turn each into a regression test.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${SECONDS_EACH:-60}
cd "$root"
# SwiftPM hands each sanitizer to the driver separately and the frontend keeps only the last
# one, so without the combined -Xswiftc flag nothing is instrumented for coverage and libFuzzer
# runs blind ("no interesting inputs were found"). The combined flag reaches every frontend.
# A failed build must stop here: fuzzing a binary left by an earlier build would test old code.
mkdir -p "$root/.build-fuzz"
if ! swift build --package-path Fuzz --scratch-path "$root/.build-fuzz" -c debug \
  --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address > "$root/.build-fuzz/build.log" 2>&1; then
  grep -vE "ld.gold: warning|^\[" "$root/.build-fuzz/build.log" >&2 || true
  echo "fuzz build failed (full log: .build-fuzz/build.log)" >&2
  exit 1
fi
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
  # Inputs kept in Fuzz/regressions/<target>/ (past findings, hand-made edge cases) seed every run;
  # the unit suite replays them too (RegressionCorpusTests).
  [ -d "Fuzz/regressions/$target" ] && cp Fuzz/regressions/"$target"/* "$corpus"/ 2>/dev/null || true
  log=".build-fuzz/$target.log"
  echo "fuzzing $target for ${seconds}s (full log: $log)" >&2
  SWIFT_BACKTRACE=enable=no ${NICE:-} "$bin/$target" -max_total_time="$seconds" -max_len=65536 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=Fuzz/findings/ "$corpus" > "$log" 2>&1 || true
  grep -E "INITED|Done [0-9]+ runs|ERROR|SUMMARY|stat::number_of_executed_units|stat::peak_rss" "$log" >&2 || true
  grep -E "^#[0-9]+" "$log" | tail -n 1 >&2 || true
  if grep -q "no interesting inputs were found" "$log"; then
    echo "fuzzing $target ran without coverage feedback: the build is not instrumented" >&2
    exit 1
  fi
  if ls Fuzz/findings/crash-* Fuzz/findings/leak-* Fuzz/findings/oom-* Fuzz/findings/timeout-* >/dev/null 2>&1; then
    echo "fuzzing found a crash: see Fuzz/findings/" >&2
    exit 1
  fi
done
echo "fuzzing: no crash in ${seconds}s per target" >&2
