#!/usr/bin/env bash
# Figures for the README: release build time, WASM and binary sizes, and
# requests per second of the signed-in Users page next to the home page.
#   scripts/bench.sh          uses the warm build cache
#   scripts/bench.sh --cold   builds into an empty target directory first (slow)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
scripts/setup.sh >/dev/null
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
command -v brotli >/dev/null || { apt-get update -qq && apt-get install -y -qq brotli >/dev/null; }

cleanup=()
trap 'for c in "${cleanup[@]}"; do eval "$c"; done' EXIT
if [ "${1:-}" = "--cold" ]; then
  export CARGO_TARGET_DIR="$(mktemp -d)"
  cleanup+=("rm -rf '$CARGO_TARGET_DIR'")
fi
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

started=$(date +%s)
log=$(mktemp)
cargo leptos build --release >"$log" 2>&1 || { tail -n 40 "$log"; exit 1; }
built=$(( $(date +%s) - started ))

wasm=target/site/pkg/boardroom.wasm
js=target/site/pkg/boardroom.js
css=target/site/pkg/boardroom.css
bin="$CARGO_TARGET_DIR/release/boardroom"
kb() { echo "$(( ($1 + 512) / 1024 )) KB"; }
size() { stat -c %s "$1"; }

echo "release build (cargo leptos build --release): ${built} s $( [ "${1:-}" = "--cold" ] && echo cold || echo warm)"
echo "WASM: $(kb "$(size $wasm)") raw, $(kb "$(gzip -9c $wasm | wc -c)") gzip, $(kb "$(brotli -c -q 11 $wasm | wc -c)") brotli"
echo "JS glue: $(kb "$(size $js)") raw; CSS: $(kb "$(size $css)") raw, $(kb "$(gzip -9c $css | wc -c)") gzip"
echo "server binary: $(kb "$(size "$bin")")"

# A running server with one signed-in owner.
port=3300
data=$(mktemp -d)
DATABASE_URL="sqlite://$data/bench.db" LISTEN_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT="$PWD/target/site" RUST_LOG=warn "$bin" &
server=$!
cleanup+=("kill $server 2>/dev/null" "rm -rf '$data'")
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
jar="$data/cookies"
curl -fs -c "$jar" -o /dev/null -D "$data/headers" "http://127.0.0.1:$port/api/sign_up" \
  --data-urlencode name=Bench --data-urlencode email=bench@example.com \
  --data-urlencode password="correct horse" --data-urlencode workspace=Bench
workspace=$(sed -n 's#^location: /w/\([^/]*\)/boards.*#\1#ip' "$data/headers" | tr -d '\r')
cookie=$(awk '$6 == "boardroom_session" { print $6 "=" $7 }' "$jar")
for i in $(seq 1 5); do
  curl -fs -b "$jar" -o /dev/null "http://127.0.0.1:$port/api/invite_user" \
    --data-urlencode workspace_id="$workspace" --data-urlencode emails="person$i@example.com"
done

rps() { wrk -t2 -c16 -d10s "$@" | awk '/Requests\/sec/ { print $2 }'; }
echo "home page (signed out) /: $(rps "http://127.0.0.1:$port/") requests/s"
echo "sign-in page /signin: $(rps "http://127.0.0.1:$port/signin") requests/s"
echo "Users page (signed in, 1 member, 5 pending) /w/…/users: $(rps -H "Cookie: $cookie" "http://127.0.0.1:$port/w/$workspace/users") requests/s"
echo "server memory after the runs: $(( $(awk '/VmRSS/ { print $2 }' /proc/$server/status) / 1024 )) MB RSS"
