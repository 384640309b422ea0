#!/usr/bin/env bash
# Every check Boardroom has: formatting, lints for both targets, unit and API
# tests on SQLite and PostgreSQL, rolling restarts behind HAProxy, the SDKs,
# and Playwright in headless Chromium with maildev.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "Installing what is missing"
scripts/setup.sh --test

step "Checking PostgreSQL on 127.0.0.1:5432"
pg_up() { psql -h 127.0.0.1 -U postgres -d postgres -tAc 'SELECT 1' >/dev/null 2>&1; }
if ! pg_up; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  for _ in $(seq 1 60); do pg_up && break; sleep 0.5; done
  pg_up || { echo "PostgreSQL is not reachable on 127.0.0.1:5432 as user postgres" >&2; exit 1; }
fi
# Drop databases left by interrupted earlier runs.
psql -h 127.0.0.1 -U postgres -d postgres -tAc \
  "SELECT datname FROM pg_database WHERE datname LIKE 'boardroom_test_%'" |
  while read -r db; do [ -n "$db" ] && psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS \"$db\"" >/dev/null; done

step "cargo fmt"
cargo fmt --all --check

step "cargo clippy (server and tests)"
cargo clippy --all-targets --features ssr -- -D warnings

step "cargo clippy (Rust SDK and CLI)"
cargo clippy -p boardroom-sdk --all-targets -- -D warnings

step "cargo clippy (browser)"
cargo clippy --lib --features hydrate --target wasm32-unknown-unknown -- -D warnings

step "Unit and API tests (SQLite and PostgreSQL)"
cargo test --features ssr

step "The code server and islands share, natively and in WebAssembly (Node)"
cargo clippy -p boardroom-shared-tests --all-targets -- -D warnings
cargo test -p boardroom-shared-tests
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test -p boardroom-shared-tests --target wasm32-unknown-unknown

step "Building the app"
cargo leptos build

export BOARDROOM_BIN="$CARGO_TARGET_DIR/debug/boardroom"
export LEPTOS_SITE_ROOT="$PWD/target/site"

step "Rolling restarts: three instances on PostgreSQL behind HAProxy, under load"
scripts/cluster.sh

step "Rust SDK and CLI against a running server"
cargo test -p boardroom-sdk

step "Python SDK against a running server (pytest)"
(cd sdk/python && ../../target/pyenv/bin/python -m pytest -q tests)

step "End-to-end tests in headless Chromium, mail through maildev"
E2E_DATA_DIR="$(mktemp -d)"
export E2E_DATA_DIR
trap 'rm -rf "$E2E_DATA_DIR"' EXIT
(cd end2end && npx playwright test)
