#!/usr/bin/env bash
# Installs the system packages smtptls builds and tests with, when missing (Debian/Ubuntu).
#   libzstd-dev, libsqlite3-dev, zlib1g-dev, libpq-dev: the C libraries (found by pkg-config)
#   pkg-config: how SwiftPM finds them;  gzip, zstd, tar: the tests build fixtures with them
#   --postgresql-server: also PostgreSQL's server (`postgresql`), which the tests start a
#   throwaway cluster of (scripts/postgres-test-cluster.sh); the tool itself never needs it
set -euo pipefail

missing=()
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
command -v gzip >/dev/null 2>&1 || missing+=(gzip)
command -v zstd >/dev/null 2>&1 || missing+=(zstd)
command -v tar >/dev/null 2>&1 || missing+=(tar)
if command -v pkg-config >/dev/null 2>&1; then
  pkg-config --exists libzstd || missing+=(libzstd-dev)
  pkg-config --exists sqlite3 || missing+=(libsqlite3-dev)
  pkg-config --exists zlib || missing+=(zlib1g-dev)
  pkg-config --exists libpq || missing+=(libpq-dev)
else
  missing+=(libzstd-dev libsqlite3-dev zlib1g-dev libpq-dev)
fi
if [ "${1:-}" = --postgresql-server ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  missing+=(postgresql)
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "installing: ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "error: need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
