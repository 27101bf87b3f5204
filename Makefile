# smtptls — the README's two commands are `make demo` and `make test`.
SWIFT ?= swift
DB ?= smtptls.sqlite

.PHONY: demo test unit test-asan test-tsan fuzz-smoke deps build release clean

## Install what is missing, build, ingest SampleLogs/ into $(DB), print the legacy-TLS report,
## and write the day's HTML summary.
demo: deps release
	./.build/release/smtptls ingest --db $(DB) SampleLogs
	./.build/release/smtptls legacy --db $(DB)
	./.build/release/smtptls summary --db $(DB) --day 2024-03-01 --format html -o smtptls-summary.html

## Run every test (what .ci/run runs): the suite, the suite under AddressSanitizer and
## ThreadSanitizer, and a bounded fuzzing run (60 s per target).
test: unit test-asan test-tsan fuzz-smoke

## The test suite alone (the quick loop while developing).
unit: deps
	$(SWIFT) build
	$(SWIFT) test

test-asan: deps
	LSAN_OPTIONS=suppressions=$(CURDIR)/.ci/lsan.supp $(SWIFT) test --scratch-path .build-asan --sanitize=address

test-tsan: deps
	$(SWIFT) test --scratch-path .build-tsan --sanitize=thread

fuzz-smoke: deps
	SECONDS_EACH=$${SECONDS_EACH:-60} bash Fuzz/run.sh

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

clean:
	rm -rf .build .build-asan .build-tsan .build-fuzz $(DB) $(DB)-wal $(DB)-shm $(DB).ingest-lock
