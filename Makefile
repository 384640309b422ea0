# The two commands a newcomer needs. Each installs what is missing first.
.PHONY: run test bench

## Serve http://127.0.0.1:3000 on a SQLite file in ./data, with the dev mailbox.
run:
	scripts/setup.sh
	cargo leptos watch

## Run every check: fmt, clippy, unit and API tests on SQLite and PostgreSQL, Playwright.
test:
	scripts/test.sh

## Build for release and print sizes and throughput (not part of the tests).
bench:
	scripts/bench.sh
