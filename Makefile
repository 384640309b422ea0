# The two commands a newcomer needs. Each installs what is missing first.
.PHONY: run dev test bench

## Serve http://127.0.0.1:3000 on a SQLite file in ./data, with the dev mailbox:
## the release build, as people using it get it.
run:
	scripts/setup.sh
	cargo leptos serve --release --precompress

## The development loop: a debug build, rebuilt and reloaded on every change.
## (Rebuilds on change write plain asset names, so names are not hashed here.)
dev:
	scripts/setup.sh
	LEPTOS_HASH_FILES=false cargo leptos watch

## Run every check: fmt, clippy, unit and API tests on SQLite and PostgreSQL, Playwright.
test:
	scripts/test.sh

## Build for release and print sizes and throughput (not part of the tests);
## `make bench DB=postgres` measures on the local PostgreSQL.
DB ?= sqlite
bench:
	DB=$(DB) scripts/bench.sh
