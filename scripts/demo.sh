#!/usr/bin/env bash
# The README's first command: install what is missing, build, ingest SampleLogs/ into the default
# database (./smtptls.sqlite, or $SMTPTLS_DB), print the legacy-TLS report, import the sample
# connector configuration, print impact and readiness, write the HTML summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release
bin=.build/release/smtptls
db=${SMTPTLS_DB:-smtptls.sqlite}
"$bin" ingest --db "$db" SampleLogs
"$bin" legacy --db "$db"
"$bin" connectors import --db "$db" contrib/sample-connectors/*
"$bin" impact --db "$db" --all
"$bin" readiness --db "$db" --as-of 2024-03-01
"$bin" summary --db "$db" --day 2024-03-01 --format html -o smtptls-summary.html
