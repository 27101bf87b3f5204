# Shortcuts for developers; the README's two commands are scripts/demo.sh and scripts/test.sh
# (no make needed on a fresh machine).
.PHONY: demo test unit fuzz clean

demo:
	bash scripts/demo.sh

test:
	bash scripts/test.sh

unit:
	bash scripts/test.sh unit

fuzz:
	SECONDS_EACH=$${SECONDS_EACH:-600} bash Fuzz/run.sh

clean:
	rm -rf .build .build-asan .build-tsan .build-fuzz smtptls.sqlite smtptls.sqlite-wal smtptls.sqlite-shm smtptls.sqlite.ingest-lock smtptls-summary.html
