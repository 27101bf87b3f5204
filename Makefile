# smtptls — the README's two commands are `make demo` and `make test`.
SWIFT ?= swift
DB ?= smtptls.sqlite

.PHONY: demo test deps build release clean

## Install what is missing, build, ingest SampleLogs/ into $(DB), print the legacy-TLS report,
## and write the day's HTML summary.
demo: deps release
	./.build/release/smtptls ingest --db $(DB) SampleLogs
	./.build/release/smtptls legacy --db $(DB)
	./.build/release/smtptls summary --db $(DB) --day 2024-03-01 --format html -o smtptls-summary.html

## Run every test (what .ci/run runs).
test: deps
	$(SWIFT) build
	$(SWIFT) test

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

clean:
	rm -rf .build $(DB) $(DB)-wal $(DB)-shm $(DB).ingest-lock
