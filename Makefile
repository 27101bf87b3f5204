# smtptls — the README's two commands are `make demo` and `make test`.
SWIFT ?= swift
DB ?= smtptls.sqlite

.PHONY: demo test deps build release clean

## Install what is missing, build, ingest SampleLogs/ into $(DB), print the legacy-TLS report.
demo: deps release
	./.build/release/smtptls ingest --db $(DB) SampleLogs
	./.build/release/smtptls legacy --db $(DB)

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
