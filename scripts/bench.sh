#!/usr/bin/env bash
# make bench: the release build's sizes and speed, in one run on one machine.
#
# Builds for release (precompressed assets), starts the server on a fresh
# SQLite file (or, with DB=postgres, a fresh database on the local
# PostgreSQL) with an SMTP listener that accepts everything, seeds three
# workspaces of 1,000, 10,000 and 100,000 members and as many pending
# invitations straight into the database, and 1,000,000 audit events into the
# largest, then measures with wrk (2 threads, 16 connections, 10 s each): the
# home page; the signed-in Users page and the list API (200 a page) at each
# size; the Activity page and the audit API, newest first and filtered; the
# export of all 1,000,000 events (time, and the server's memory during it);
# inviting over the API; then the time to
# deliver 10,000 queued emails; and the server's memory after all of it.
# On PostgreSQL the emails are delivered by three instances sharing the
# database, and afterwards the list queries of a Users page and the two list
# APIs at 100,000 are run once more with auto_explain, their plans (EXPLAIN
# ANALYZE) written to target/bench/postgres-plans.txt and summed up.
# Last, benches/drivers.rs compares sqlx's Any driver with the database's own
# on the list query and an invitation's transaction, and benches/smtp.rs
# sends 1,000 messages to the same listener through lettre's own sockets
# (Nagle on) and through the app's (TCP_NODELAY).
#
#   DB=postgres scripts/bench.sh   (make bench DB=postgres) the same on PostgreSQL
#
#   scripts/bench.sh          uses the warm build cache
#   scripts/bench.sh --cold   builds into an empty target directory first (slow)
#   BENCH_PROFILE=DIR scripts/bench.sh
#                             also records the server with perf during the
#                             100,000-row Users page, list API and invite runs
#                             and the delivery, and writes each profile's top
#                             functions to DIR/NAME.txt (the figures are then
#                             lower than without it)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
scripts/setup.sh >/dev/null
missing=()
for tool in wrk brotli python3 curl; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
fi

cleanup=()
trap 'for c in "${cleanup[@]}"; do eval "$c" || true; done' EXIT
if [ "${1:-}" = "--cold" ]; then
  export CARGO_TARGET_DIR="$(mktemp -d)"
  cleanup+=("rm -rf '$CARGO_TARGET_DIR'")
fi
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

say() { printf '%s\n' "$*" >&2; }
kb() { echo "$(( ($1 + 512) / 1024 )) KB"; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# --- Build --------------------------------------------------------------------
say "building for release (cargo leptos build --release --precompress)…"
started=$(date +%s)
log=$(mktemp)
cleanup+=("rm -f '$log'")
cargo leptos build --release --precompress >"$log" 2>&1 || { tail -n 40 "$log"; exit 1; }
built=$(( $(date +%s) - started ))
# The drivers' and the SMTP sockets' comparisons (benches/drivers.rs,
# benches/smtp.rs), built now so as not to build during the run.
cargo bench --no-run --features ssr --bench drivers --bench smtp >"$log" 2>&1 || { tail -n 40 "$log"; exit 1; }
bin="$CARGO_TARGET_DIR/release/boardroom"
hashes="$CARGO_TARGET_DIR/release/hash.txt"
hash_of() { sed -n "s/^$1: //p" "$hashes"; }
pkg=target/site/pkg
wasm="$pkg/boardroom.$(hash_of wasm).wasm"
js="$pkg/boardroom.$(hash_of js).js"
css="$pkg/boardroom.$(hash_of css).css"
size() { stat -c %s "$1"; }

# --- Server, mail and data ----------------------------------------------------
data=$(mktemp -d)
cleanup+=("rm -rf '$data'")
case "${DB:-sqlite}" in
  sqlite)
    db="$data/bench.db"
    export DATABASE_URL="sqlite://$db"
    engine=SQLite
    sql() { python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1], timeout=60).execute(sys.argv[2]).fetchone()[0])' "$db" "$1"; }
    ;;
  postgres)
    pg_up() { psql -h 127.0.0.1 -U postgres -d postgres -tAc 'SELECT 1' >/dev/null 2>&1; }
    if ! pg_up; then
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
      for _ in $(seq 1 60); do pg_up && break; sleep 0.5; done
    fi
    pg_name="boardroom_bench_$$"
    psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE $pg_name"
    cleanup+=("psql -h 127.0.0.1 -U postgres -d postgres -qc 'DROP DATABASE IF EXISTS $pg_name WITH (FORCE)' >/dev/null 2>&1")
    db="postgres://postgres@127.0.0.1:5432/$pg_name"
    export DATABASE_URL="$db"
    engine="PostgreSQL $(psql -h 127.0.0.1 -U postgres -d postgres -tAc 'SHOW server_version' | cut -d' ' -f1)"
    sql() { psql "$db" -qtAc "$1"; }
    ;;
  *) echo "DB is sqlite or postgres, not ${DB}" >&2; exit 2 ;;
esac
smtp_port=$(free_port)
python3 scripts/bench/smtp_sink.py "$smtp_port" "$data/sink.log" &
cleanup+=("kill $! 2>/dev/null")
touch "$data/sink.log"

password="bench password 1"
made=$(printf '%s\n' "$password" | "$bin" admin create-user --email owner@bench.example --name "Bench Owner" \
  --workspace "Size 1000" --password-stdin)
token=$(sed -n 's/^API token: //p' <<<"$made")
ws_1000=$(sed -n 's/^Created workspace.*(\(.*\))$/\1/p' <<<"$made")
owner=$(sql "SELECT id FROM users WHERE email = 'owner@bench.example'")

# An instance on a free port, its address in $started_at and its process in $started.
start_server() { # LOG
  local port
  port=$(free_port)
  started_at="http://127.0.0.1:$port"
  LISTEN_ADDR="127.0.0.1:$port" BASE_URL="$started_at" LEPTOS_SITE_ROOT="$PWD/target/site" \
    SMTP_URL="smtp://127.0.0.1:$smtp_port" RUST_LOG=warn \
    INVITATIONS_PER_HOUR_PER_WORKSPACE=0 INVITATIONS_PER_HOUR_PER_INVITER=0 \
    "$bin" >"$1" 2>&1 &
  started=$!
  cleanup+=("kill $started 2>/dev/null")
  for _ in $(seq 1 200); do curl -fs "$started_at/readyz" >/dev/null && break; sleep 0.05; done
}
start_server "$data/server.log"
server=$started
base=$started_at

api() { # METHOD PATH [JSON]
  curl -fsS -X "$1" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    ${3:+--data "$3"} "$base/api/v1$2"
}
field() { python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
ws_10000=$(api POST /workspaces '{"name": "Size 10000"}' | field id)
ws_100000=$(api POST /workspaces '{"name": "Size 100000"}' | field id)

say "seeding 1,000, 10,000 and 100,000 members and pending invitations…"
for size in 1000 10000 100000; do
  ws_var="ws_$size"
  ws="${!ws_var}"
  api POST "/workspaces/$ws/roles" \
    '{"role_name": "reviewer", "permission": "READ", "resource": "DATA", "target": "USER"}' >/dev/null
  python3 scripts/bench/seed.py "$db" members "$ws" "$owner" "$size" "s$size"
done
say "seeding 1,000,000 audit events…"
python3 scripts/bench/seed.py "$db" events "$ws_100000" "$owner" 1000000 ev
# What autovacuum would otherwise do to the new rows during the measurements.
[ "$engine" = SQLite ] || psql "$db" -qc "VACUUM (ANALYZE)"

jar="$data/cookies"
curl -fsS -c "$jar" -o /dev/null "$base/api/sign_in" \
  --data-urlencode email=owner@bench.example --data-urlencode password="$password"
cookie=$(awk '$6 == "boardroom_session" { print $6 "=" $7 }' "$jar")

# --- Measurements -------------------------------------------------------------
# wrk's requests/s and 99th percentile (in ms) of one 10-second run.
run() {
  wrk -t2 -c16 -d10s --latency "$@" | awk '
    /Requests\/sec/ { rps = $2 }
    $1 == "99%" { v = $2; unit = v; gsub(/[0-9.]/, "", unit); sub(/[a-z]+$/, "", v)
                  ms = (unit == "us") ? v / 1000 : (unit == "s") ? v * 1000 : v; p99 = ms }
    /^created/ { made = $2; refused = $4 }
    END { printf "%d %.1f %s %s\n", rps, p99, made, refused }'
}
row() { printf '| %s | %s |\n' "$1" "$2"; }
# With BENCH_PROFILE: `profiled NAME` starts perf on the server, `profiled`
# stops it and writes NAME's report.
profiling=""
profiled() {
  [ -n "${BENCH_PROFILE:-}" ] || return 0
  if [ -n "$profiling" ]; then
    kill -INT "$perf_pid" && wait "$perf_pid" 2>/dev/null || true
    { perf report -i "$BENCH_PROFILE/$profiling.data" --stdio --no-children -g none --percent-limit 0.5 \
      --sort comm,symbol 2>/dev/null | grep -v -e '^$' -e '^#' | cut -c1-160 | head -n 60 || true; } \
      >"$BENCH_PROFILE/$profiling.txt"
    profiling=""
  fi
  if [ -n "${1:-}" ]; then
    mkdir -p "$BENCH_PROFILE"
    perf record -F 999 -g -p "$server" -o "$BENCH_PROFILE/$1.data" >/dev/null 2>&1 &
    perf_pid=$!
    profiling=$1
    sleep 0.5
  fi
}
declare -A rps p99 bytes gz

say "measuring…"
read -r rps[home] p99[home] _ < <(run "$base/")
for size in 1000 10000 100000; do
  ws_var="ws_$size"
  ws="${!ws_var}"
  users="$base/w/$ws/users"
  bytes[$size]=$(curl -fsS -b "$jar" -o /dev/null -w '%{size_download}' "$users")
  gz[$size]=$(curl -fsS -b "$jar" -H 'Accept-Encoding: br' -o /dev/null -w '%{size_download}' "$users")
  [ "$size" = 100000 ] && profiled users_page
  read -r rps[users_$size] p99[users_$size] _ < <(run -H "Cookie: $cookie" "$users")
  [ "$size" = 100000 ] && profiled list_api
  read -r rps[members_$size] p99[members_$size] _ < <(run -H "Authorization: Bearer $token" \
    "$base/api/v1/workspaces/$ws/users?limit=200")
  profiled
  read -r rps[pending_$size] p99[pending_$size] _ < <(run -H "Authorization: Bearer $token" \
    "$base/api/v1/workspaces/$ws/invitations?limit=200")
done

# The Activity tab and the audit API over 1,000,000 events: the newest
# page, and a page two filters narrow (one kind, by one of 50 people).
activity="$base/w/$ws_100000/activity"
narrow="kind=member.roles&actor=actor3%40bench.example"
profiled activity
read -r rps[activity] p99[activity] _ < <(run -H "Cookie: $cookie" "$activity")
profiled
read -r rps[activity_f] p99[activity_f] _ < <(run -H "Cookie: $cookie" "$activity?$narrow")
read -r rps[audit_api] p99[audit_api] _ < <(run -H "Authorization: Bearer $token" \
  "$base/api/v1/workspaces/$ws_100000/audit-events?limit=200")
read -r rps[audit_api_f] p99[audit_api_f] _ < <(run -H "Authorization: Bearer $token" \
  "$base/api/v1/workspaces/$ws_100000/audit-events?limit=200&$narrow")
# The whole trail exported, with the server's memory before and its most during.
anon() { awk '/RssAnon/ { print $2 }' /proc/$server/status; }
anon_before=$(anon)
export_out="$data/export.csv"
t0=$(date +%s.%N)
curl -fsS -H "Authorization: Bearer $token" -o "$export_out" \
  "$base/api/v1/workspaces/$ws_100000/audit-events/export?format=csv" &
curl_pid=$!
anon_most=$anon_before
while kill -0 "$curl_pid" 2>/dev/null; do a=$(anon); [ "$a" -gt "$anon_most" ] && anon_most=$a; sleep 0.1; done
wait "$curl_pid"
t1=$(date +%s.%N)
export_seconds=$(python3 -c "print(f'{$t1 - $t0:.1f}')")
export_rows=$(( $(wc -l <"$export_out") - 1 ))
export_mb=$(( $(stat -c %s "$export_out") / 1048576 ))
rm -f "$export_out"

profiled invite
read -r rps[invite] p99[invite] created refused < <(run -s scripts/bench/invite.lua \
  -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  "$base/api/v1/workspaces/$ws_100000/invitations")
profiled
stored=$(sql "SELECT COUNT(*) FROM invitations WHERE email LIKE 'load-%'")
unqueued=$(sql "SELECT COUNT(*) FROM invitations i WHERE i.email LIKE 'load-%' AND NOT EXISTS (SELECT 1 FROM emails e WHERE e.subject_id = i.id)")

say "letting the outbox drain, then delivering 10,000 queued emails…"
outbox() { sql "SELECT COUNT(*) FROM emails WHERE state IN ('queued', 'sending')"; }
for _ in $(seq 1 1200); do [ "$(outbox)" = 0 ] && break; sleep 0.5; done
# On PostgreSQL, two more instances share the delivery.
senders=("$base")
helpers=()
if [ "$engine" != SQLite ]; then
  for n in 2 3; do
    start_server "$data/server-$n.log"
    senders+=("$started_at")
    helpers+=("$started")
  done
fi
before=$(wc -l <"$data/sink.log")
python3 scripts/bench/seed.py "$db" queued "$ws_1000" "$owner" 10000 q
# One more invitation to each instance wakes its worker at once (otherwise
# it looks every 5 s).
profiled delivery
t0=$(date +%s.%N)
for n in "${!senders[@]}"; do
  curl -fsS -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    --data "{\"email\": \"wake$n@bench.example\"}" "${senders[$n]}/api/v1/workspaces/$ws_1000/invitations" >/dev/null &
done
target=$(( before + 10000 + ${#senders[@]} ))
for _ in $(seq 1 6000); do [ "$(wc -l <"$data/sink.log")" -ge "$target" ] && break; sleep 0.05; done
t1=$(date +%s.%N)
profiled
delivered=$(grep -c -- '-q@bench.example' "$data/sink.log" || true)
distinct=$(grep -- '-q@bench.example' "$data/sink.log" | sort -u | wc -l)
sleep 1
recorded=$(sql "SELECT COUNT(*) FROM emails WHERE id LIKE 'e-q-%' AND state = 'sent'")
rss=$(( $(awk '/VmRSS/ { print $2 }' /proc/$server/status) / 1024 ))
peak=$(( $(awk '/VmHWM/ { print $2 }' /proc/$server/status) / 1024 ))
seconds=$(python3 -c "print(f'{$t1 - $t0:.1f}')")
[ ${#helpers[@]} -eq 0 ] || kill "${helpers[@]}"

# --- PostgreSQL: what the list queries cost in the database -------------------
# An instance of its own, whose connections load auto_explain, opens the
# Users page and both list APIs at 100,000 twice each; the second time's
# plans, with their timings, are what the database spent.
if [ "$engine" != SQLite ]; then
  say "plans of the list queries at 100,000 rows (auto_explain)…"
  pg_log=$(pg_lsclusters -h | awk 'NR == 1 { print $7 }')
  from=$(( $(stat -c %s "$pg_log") + 1 ))
  for setting in "session_preload_libraries = 'auto_explain'" "auto_explain.log_min_duration = 0" \
      "auto_explain.log_analyze = on" "auto_explain.log_buffers = on"; do
    psql "$db" -qc "ALTER DATABASE $pg_name SET $setting"
  done
  start_server "$data/explain.log"
  explained=$started_at
  mark() { psql "$db" -qc "DO \$\$ BEGIN RAISE LOG 'bench: %', '$1'; END \$\$"; }
  for what in users_page users_api invitations_api; do
    case $what in
      users_page) args=(-b "$jar" "$explained/w/$ws_100000/users") ;;
      users_api) args=(-H "Authorization: Bearer $token" "$explained/api/v1/workspaces/$ws_100000/users?limit=200") ;;
      invitations_api) args=(-H "Authorization: Bearer $token" "$explained/api/v1/workspaces/$ws_100000/invitations?limit=200") ;;
    esac
    mark warm
    curl -fsS -o /dev/null "${args[@]}"
    mark "$what"
    curl -fsS -o /dev/null "${args[@]}"
  done
  mark end
  kill "$started"
  psql "$db" -qc "ALTER DATABASE $pg_name RESET ALL"
  mkdir -p target/bench
  tail -c "+$from" "$pg_log" >target/bench/postgres-plans.txt
  declare -A explain
  while IFS='|' read -r what summary; do explain[$what]=$summary; done < <(python3 - target/bench/postgres-plans.txt <<'PY'
import re, sys
section, found = None, {}
for line in open(sys.argv[1], errors="replace"):
    m = re.search(r"LOG:  bench: (\w+)", line)
    if m:
        section = m.group(1)
        continue
    m = re.search(r"LOG:  duration: ([0-9.]+) ms  plan:", line)
    if m and section not in (None, "warm", "end"):
        n, ms, top = found.get(section, (0, 0.0, (0.0, "")))
        found[section] = (n + 1, ms + float(m.group(1)), max(top, (float(m.group(1)), "")))
for section, (n, ms, top) in found.items():
    print(f"{section}|{n} statements, {ms:.2f} ms in PostgreSQL (slowest {top[0]:.2f} ms)")
PY
  )
fi

# sqlx's Any driver against the database's own, on a database of their own.
say "comparing sqlx's Any driver with the native one…"
if [ "$engine" = SQLite ]; then
  drivers_db="sqlite://$data/drivers.db"
else
  psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE ${pg_name}_drivers"
  cleanup+=("psql -h 127.0.0.1 -U postgres -d postgres -qc 'DROP DATABASE IF EXISTS ${pg_name}_drivers WITH (FORCE)' >/dev/null 2>&1")
  drivers_db="postgres://postgres@127.0.0.1:5432/${pg_name}_drivers"
fi
drivers=$(cargo bench --features ssr --bench drivers -- "$drivers_db" 2>"$log" | grep '^|') || { tail -n 20 "$log"; exit 1; }

# What TCP_NODELAY is worth: the same messages to the same listener through
# lettre's own sockets and through the app's.
say "sending through lettre's own SMTP sockets and through the app's…"
sockets=$(cargo bench --features ssr --bench smtp -- "$smtp_port" 2>"$log" | grep '^|') || { tail -n 20 "$log"; exit 1; }

# --- Report -------------------------------------------------------------------
pct() { python3 -c "print(f'{100 * $1 / $2:.0f} %')"; }
echo
echo "Boardroom bench, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $engine; wrk -t2 -c16 -d10s"
echo
echo "| figure | result |"
echo "|---|---|"
row "release build (cargo leptos build --release --precompress, $( [ "${1:-}" = "--cold" ] && echo cold || echo warm))" "${built} s"
row "WASM" "$(kb "$(size "$wasm")") raw, $(kb "$(size "$wasm.gz")") gzip, $(kb "$(size "$wasm.br")") brotli"
row "JS glue, CSS (brotli)" "$(kb "$(size "$js.br")"), $(kb "$(size "$css.br")")"
bundle=$(( $(size "$wasm.br") + $(size "$js.br") ))
row "WASM + JS, brotli, against the 200 KB budget" "$(kb "$bundle") ($( [ "$bundle" -le 204800 ] && echo "within it" || echo "$(kb $(( bundle - 204800 ))) over"))"
row "server binary" "$(kb "$(size "$bin")")"
# What the WASM is made of: the five biggest items of the build before
# wasm-bindgen and wasm-opt (twiggy, installed here once).
if ! command -v twiggy >/dev/null; then
  say "installing twiggy (once)…"
  cargo install twiggy --locked --quiet >/dev/null 2>&1 || true
fi
pre="$CARGO_TARGET_DIR/front/wasm32-unknown-unknown/wasm-release/boardroom.wasm"
if command -v twiggy >/dev/null && [ -f "$pre" ]; then
  # Grouped by crate (the part of each item's name before the first `[`),
  # code and data only: the names and custom sections go before shipping.
  top=$(twiggy top -n 1000000 -f csv "$pre" 2>/dev/null | python3 -c '
import collections, csv, re, sys
csv.field_size_limit(sys.maxsize)
by = collections.Counter()
for r in csv.DictReader(sys.stdin):
    name = r["Name"]
    if "section" in name or name.startswith(("export ", "import ")):
        continue
    m = re.match(r"^[<&(]*(?:mut |dyn )?([A-Za-z_0-9]+)\[", name)
    by[m.group(1) if m else name.split(" ")[0]] += int(r["ShallowSize"])
print("; ".join(f"{k} {(v + 512) // 1024} KB" for k, v in by.most_common(5)))')
  row "biggest crates in the WASM's code before wasm-opt" "$top"
fi
row "home page (signed out)" "${rps[home]} req/s, p99 ${p99[home]} ms"
for size in 1000 10000 100000; do
  row "Users page, $size + $size" "${rps[users_$size]} req/s ($(pct "${rps[users_$size]}" "${rps[home]}") of home), p99 ${p99[users_$size]} ms, $(kb "${bytes[$size]}") HTML ($(kb "${gz[$size]}") brotli)"
done
for size in 1000 10000 100000; do
  row "list API, 200 a page, $size rows" "users ${rps[members_$size]} req/s (p99 ${p99[members_$size]} ms), invitations ${rps[pending_$size]} req/s (p99 ${p99[pending_$size]} ms)"
done
row "Activity page, 1,000,000 events" "${rps[activity]} req/s ($(pct "${rps[activity]}" "${rps[home]}") of home), p99 ${p99[activity]} ms; filtered by kind and actor: ${rps[activity_f]} req/s, p99 ${p99[activity_f]} ms"
row "audit API, 200 a page, 1,000,000 events" "${rps[audit_api]} req/s (p99 ${p99[audit_api]} ms); filtered by kind and actor: ${rps[audit_api_f]} req/s (p99 ${p99[audit_api_f]} ms)"
row "audit export, 1,000,000 events as CSV" "${export_seconds} s for $export_rows rows ($export_mb MB); server memory (anonymous) $(( anon_before / 1024 )) MB before, at most $(( anon_most / 1024 )) MB during"
row "invite API, 16 connections" "${rps[invite]} req/s, p99 ${p99[invite]} ms; $created created, $refused refused, $stored stored, $unqueued without their email queued"
row "10,000 queued emails to a local SMTP listener, ${#senders[@]} instance(s)" "${seconds} s; $delivered received, $(( delivered - distinct )) twice, $(( 10000 - distinct )) lost, $recorded recorded as sent"
if [ "$engine" != SQLite ]; then
  row "in the database, Users page at 100,000 (plans in target/bench/postgres-plans.txt)" "${explain[users_page]:-?}"
  row "in the database, users API at 100,000" "${explain[users_api]:-?}"
  row "in the database, invitations API at 100,000" "${explain[invitations_api]:-?}"
fi
row "server memory after the run" "$rss MB RSS (peak $peak MB)"
echo "$drivers"
echo "$sockets"
