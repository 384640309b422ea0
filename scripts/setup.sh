#!/usr/bin/env bash
# Installs what building and running Boardroom needs, skipping what is already there.
#   scripts/setup.sh          toolchain, cargo-leptos, wasm-bindgen CLI, npm packages
#   scripts/setup.sh --test   the above plus Chromium and HAProxy (apt), the end-to-end npm packages and pytest
set -euo pipefail
cd "$(dirname "$0")/.."

TOOLCHAIN=$(sed -n 's/^channel = "\(.*\)"/\1/p' rust-toolchain.toml)
CARGO_LEPTOS_VERSION=0.3.11
WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' Cargo.toml)
export PATH="$HOME/.cargo/bin:$PATH"

log() { printf '\033[1m==> %s\033[0m\n' "$*"; }

if ! rustup toolchain list | grep -q "^$TOOLCHAIN"; then
  log "Installing Rust $TOOLCHAIN"
  rustup toolchain install "$TOOLCHAIN" --profile minimal -c clippy -c rustfmt -t wasm32-unknown-unknown
fi
rustup target list --installed --toolchain "$TOOLCHAIN" | grep -q wasm32-unknown-unknown \
  || rustup target add wasm32-unknown-unknown --toolchain "$TOOLCHAIN"

if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  log "Installing cargo-leptos $CARGO_LEPTOS_VERSION (about 15 minutes, once per machine)"
  cargo "+$TOOLCHAIN" install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  log "Installing wasm-bindgen CLI $WASM_BINDGEN_VERSION"
  # Not --locked: the CLI's lock file names a webpki-roots release the registry no longer serves.
  cargo "+$TOOLCHAIN" install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

if [ ! -x node_modules/.bin/tailwindcss ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "Installing npm packages (Tailwind, wasm-opt)"
  npm ci --no-audit --no-fund
fi

# The API reference page's Swagger UI, served from the site's assets.
if [ ! -f public/vendor/swagger-ui/swagger-ui-bundle.js ] || [ package-lock.json -nt public/vendor/swagger-ui/swagger-ui-bundle.js ]; then
  mkdir -p public/vendor/swagger-ui
  cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css \
     node_modules/swagger-ui-dist/LICENSE public/vendor/swagger-ui/
fi

if [ "${1:-}" = "--test" ]; then
  # Chromium for the end-to-end tests, HAProxy for the rolling-restart test.
  packages=()
  command -v chromium >/dev/null || packages+=(chromium)
  command -v haproxy >/dev/null || packages+=(haproxy)
  if [ ${#packages[@]} -gt 0 ]; then
    log "Installing ${packages[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
  fi
  if [ ! -x target/pyenv/bin/schemathesis ] || ! target/pyenv/bin/python -c 'import dkim, nacl' 2>/dev/null; then
    log "Installing pytest, openapi-spec-validator and schemathesis for the Python SDK's tests, dkimpy to check signed mail"
    python3 -m venv target/pyenv
    target/pyenv/bin/pip install --quiet --disable-pip-version-check \
      "pytest>=7,<9" "openapi-spec-validator>=0.7,<0.8" "schemathesis>=4.32,<5" "dkimpy>=1.1,<2" "pynacl>=1.5,<2"
  fi
  if [ ! -d end2end/node_modules/@playwright/test ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
    log "Installing end-to-end npm packages (Playwright, maildev)"
    (cd end2end && npm ci --no-audit --no-fund)
  fi
fi
