#!/usr/bin/env bash
# Packs what the benchmarks need onto a many-core machine that has no Swift (the lent 16-core
# machine: Ubuntu 24.04, python3, nothing else of ours):
#
#   Benchmarks/bundle.sh                 # writes .build-bundle/ (git-ignored, ~45 MB)
#   # on the other machine, from the repository root with .build-bundle/ beside it:
#   bash Benchmarks/many-cores.sh        # compare.py and scaling.py there
#
# The bundle: a release smtptls built --static-swift-stdlib (its C libraries — SQLite, zstd,
# libpq and what libpq pulls in — beside it, found through a wrapper's LD_LIBRARY_PATH so that
# nothing else on that machine loads them), ripgrep, the zstd CLI, and the DuckDB wheel for
# Python 3.12 (abi3) from PyPI. Everything but the zstd CLI is one tar.zst.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
for tool in zstd rg strip; do
  command -v "$tool" >/dev/null || { echo "bundle.sh needs $tool (apt-get install zstd ripgrep binutils)" >&2; exit 2; }
done
swift build -c release --static-swift-stdlib --scratch-path .build-static --product smtptls >&2
out=$root/.build-bundle
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/lib" "$stage/wheel"
strip -o "$stage/bin/smtptls.real" .build-static/release/smtptls
# Shared libraries other than glibc's own and the compiler runtime every Linux has.
ldd .build-static/release/smtptls | awk '$3 ~ /^\// { print $3 }' \
  | grep -Ev '/(libc|libm|libresolv|libpthread|libdl|ld-linux[^/]*|libstdc\+\+|libgcc_s|libz)\.so' \
  | while read -r lib; do cp -L "$lib" "$stage/lib/"; done
cat > "$stage/bin/smtptls" <<'WRAP'
#!/bin/sh
here=$(dirname "$(readlink -f "$0")")
LD_LIBRARY_PATH="$here/../lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" exec "$here/smtptls.real" "$@"
WRAP
chmod +x "$stage/bin/smtptls"
cp "$(command -v rg)" "$stage/bin/rg"
cp "$(command -v zstd)" "$stage/bin/zstd"
python3 -m pip --version >/dev/null 2>&1 && pip=(python3 -m pip) || pip=("$root/.build/bench-venv/bin/pip")
"${pip[@]}" download -q duckdb --python-version 3.12 --only-binary=:all: \
  --platform manylinux_2_28_x86_64 --no-deps -d "$stage/wheel"
rm -rf "$out"; mkdir -p "$out"
cp "$(command -v zstd)" "$out/zstd"
tar -C "$stage" -cf - bin lib wheel | zstd -q -19 -T0 -o "$out/bundle.tar.zst"
du -sh "$out"/* >&2
