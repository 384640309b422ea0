#!/usr/bin/env bash
# Rolling restarts with nothing failed: three instances on one PostgreSQL
# database behind HAProxy, which sends requests only to instances whose
# /readyz says 200. While a load of pages, sign-ins and invitations over the
# API goes through HAProxy, each instance in turn is told to stop (SIGTERM)
# and started again. Then it checks that:
#   - no request failed (none refused, dropped or answered 5xx);
#   - every invitation made was emailed exactly once (an SMTP listener counts);
#   - sessions hold across instances: one session made before the run and each
#     made during it open the Users page on every instance;
#   - rate limits are shared: eleven sign-ins from one address in a minute, spread
#     over the instances, and the eleventh is refused.
#
#   scripts/cluster.sh    uses BOARDROOM_BIN (default target/debug/boardroom,
#                         from `cargo leptos build`) and LEPTOS_SITE_ROOT
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${BOARDROOM_BIN:-$PWD/target/debug/boardroom}"
site="${LEPTOS_SITE_ROOT:-$PWD/target/site}"
[ -x "$bin" ] || { echo "no server binary at $bin: run cargo leptos build first" >&2; exit 1; }
if ! command -v haproxy >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null
fi

say() { printf '%s\n' "$*" >&2; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
cleanup=()
trap 'for c in "${cleanup[@]}"; do eval "$c" || true; done' EXIT
dir=$(mktemp -d)
cleanup+=("rm -rf '$dir'")

# --- PostgreSQL, SMTP, HAProxy ----------------------------------------------------
psql_() { psql -h 127.0.0.1 -U postgres -d postgres -qtAc "$1"; }
database="boardroom_test_cluster_$$"
psql_ "CREATE DATABASE $database" >/dev/null
cleanup+=("psql -h 127.0.0.1 -U postgres -d postgres -qc 'DROP DATABASE IF EXISTS $database WITH (FORCE)' >/dev/null 2>&1")
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$database"

smtp_port=$(free_port)
touch "$dir/sink.log"
python3 scripts/bench/smtp_sink.py "$smtp_port" "$dir/sink.log" &
cleanup+=("kill $! 2>/dev/null")

lb_port=$(free_port)
ports=($(free_port) $(free_port) $(free_port))
names=(a b c)
base="http://127.0.0.1:$lb_port"
# The configuration the README shows, with this run's ports. HAProxy reaches
# the instances from 127.0.0.2, the one address they trust to say who the
# client is.
{
  cat <<CFG
global
    stats socket $dir/haproxy.sock mode 600 level admin

defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    # Event streams stay open; the app sends a keep-alive every 15 s.
    timeout tunnel 1h
    # A connection an instance refused (it has just stopped) is retried on another.
    retries 3
    option redispatch 1
    retry-on conn-failure
    option forwardfor

frontend web
    bind 127.0.0.1:$lb_port
    default_backend boardroom

backend boardroom
    balance roundrobin
    option httpchk GET /readyz
    http-check expect status 200
    default-server source 127.0.0.2 inter 500ms fastinter 250ms downinter 500ms fall 1 rise 2
    http-response set-header X-Served-By %[srv_name]
CFG
  for i in 0 1 2; do echo "    server ${names[$i]} 127.0.0.1:${ports[$i]} check"; done
} >"$dir/haproxy.cfg"
haproxy -c -q -f "$dir/haproxy.cfg"
haproxy -db -f "$dir/haproxy.cfg" >"$dir/haproxy.log" 2>&1 &
cleanup+=("kill $! 2>/dev/null")

# --- Three instances ------------------------------------------------------------
pids=(0 0 0)
start() { # INDEX
  local i=$1
  LISTEN_ADDR="127.0.0.1:${ports[$i]}" BASE_URL="$base" LEPTOS_SITE_ROOT="$site" \
    SMTP_URL="smtp://127.0.0.1:$smtp_port" TRUSTED_PROXIES=127.0.0.2 SHUTDOWN_GRACE=2s RUST_LOG=warn \
    INVITATIONS_PER_HOUR_PER_WORKSPACE=0 INVITATIONS_PER_HOUR_PER_INVITER=0 \
    "$bin" >>"$dir/instance-${names[$i]}.log" 2>&1 &
  pids[$i]=$!
  cleanup+=("kill ${pids[$i]} 2>/dev/null")
}
# HAProxy's view of an instance: UP, DOWN, …
status_of() { # NAME
  python3 - "$dir/haproxy.sock" "$1" <<'PY'
import csv, socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b"show stat\n")
data = b""
while chunk := s.recv(65536):
    data += chunk
rows = csv.DictReader(data.decode().lstrip("# ").splitlines())
print(next((r["status"] for r in rows if r["pxname"] == "boardroom" and r["svname"] == sys.argv[2]), "?"))
PY
}
wait_up() { # INDEX
  for _ in $(seq 1 240); do [ "$(status_of "${names[$1]}")" = UP ] && return 0; sleep 0.25; done
  say "instance ${names[$1]} never came up:"; tail -n 20 "$dir/instance-${names[$1]}.log" >&2; return 1
}
# The first one applies the migrations; the others find them done.
start 0
wait_up 0
password="cluster password 1"
made=$(printf '%s\n' "$password" | "$bin" admin create-user --email owner@cluster.example --name "Cluster Owner" \
  --workspace "Cluster" --password-stdin)
token=$(sed -n 's/^API token: //p' <<<"$made")
workspace=$(sed -n 's/^Created workspace.*(\(.*\))$/\1/p' <<<"$made")
start 1
start 2
wait_up 1
wait_up 2

jar="$dir/cookies"
curl -fsS -c "$jar" -o /dev/null "$base/api/sign_in" \
  --data-urlencode email=owner@cluster.example --data-urlencode password="$password"
cookie=$(awk '$6 == "boardroom_session" { print $6 "=" $7 }' "$jar")

# --- Load, and each instance restarted in turn under it ----------------------------
say "load through HAProxy on $base; restarting a, b and c in turn…"
python3 scripts/cluster/load.py "$base" "$token" "$workspace" "$cookie" owner@cluster.example "$password" \
  "$dir/stop" "$dir/load.json" &
load=$!
sleep 3
for i in 0 1 2; do
  t0=$(date +%s.%N)
  kill -TERM "${pids[$i]}"
  wait "${pids[$i]}" || { say "instance ${names[$i]} did not stop cleanly:"; tail -n 20 "$dir/instance-${names[$i]}.log" >&2; exit 1; }
  start "$i"
  wait_up "$i"
  say "  ${names[$i]}: stopped and back in $(python3 -c "import time; print(f'{time.time() - $t0:.1f}')") s"
  sleep 2
done
touch "$dir/stop"
wait "$load"

# --- Checks ----------------------------------------------------------------------
failed=0
check() { # WHAT CONDITION...
  local what=$1; shift
  if "$@"; then say "  ok: $what"; else say "  FAILED: $what"; failed=1; fi
}
say "waiting for the outbox to send every invitation…"
invited=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["invited"]))' "$dir/load.json")
for _ in $(seq 1 240); do
  [ "$(grep -c '@cluster.example' "$dir/sink.log")" -ge "$invited" ] && break
  sleep 0.5
done
sleep 2  # anything sent twice would arrive now
python3 - "$dir/load.json" "$dir/sink.log" <<'PY' || failed=1
import collections, json, sys
summary = json.load(open(sys.argv[1]))
received = collections.Counter(line.strip() for line in open(sys.argv[2]) if "@cluster.example" in line)
invited = summary["invited"]
total = sum(summary["requests"].values())
print(f"  {total} requests: " + ", ".join(f"{k} {v}" for k, v in sorted(summary["requests"].items())), file=sys.stderr)
for kind, by in sorted(summary["served_by"].items()):
    print(f"    {kind}: " + ", ".join(f"{k} {v}" for k, v in sorted(by.items())), file=sys.stderr)
ok = True
def check(what, cond, detail=""):
    global ok
    print(f"  {'ok' if cond else 'FAILED'}: {what}" + (f" ({detail})" if detail and not cond else ""), file=sys.stderr)
    ok = ok and cond
failures = summary["failures"]
check("0 failed requests", not failures, "; ".join(f"{f['kind']}: {f['what']}" for f in failures[:10]))
check(f"every invitation emailed exactly once ({len(invited)} made)",
      len(invited) > 0 and all(received[a] == 1 for a in invited) and set(received) == set(invited),
      f"{sum(1 for a in invited if received[a] == 0)} never, {sum(1 for a in invited if received[a] > 1)} twice, "
      f"{len(set(received) - set(invited))} not made")
for kind in ("Users page", "Users page, new session"):
    check(f"sessions hold on every instance ({kind})",
          set(summary["served_by"].get(kind, {})) == {"a", "b", "c"}, str(summary["served_by"].get(kind)))
check("sign-ins during the restarts", summary["requests"].get("sign-in", 0) >= 5)
sys.exit(0 if ok else 1)
PY

# Limits: ten sign-ins a minute from one address, whichever instance answers.
statuses=$(python3 - "$base" <<'PY'
import http.client, sys, urllib.parse
url = urllib.parse.urlsplit(sys.argv[1])
form = urllib.parse.urlencode({"email": "owner@cluster.example", "password": "not the password"})
seen = []
for _ in range(11):
    c = http.client.HTTPConnection(url.hostname, url.port, timeout=60, source_address=("127.0.5.1", 0))
    c.request("POST", "/api/sign_in", body=form, headers={"Content-Type": "application/x-www-form-urlencoded"})
    r = c.getresponse(); r.read()
    seen.append(f"{r.status}:{r.getheader('X-Served-By')}")
print(" ".join(seen))
PY
)
refused=$(tr ' ' '\n' <<<"$statuses" | grep -c '^429:' || true)
served=$(tr ' ' '\n' <<<"$statuses" | cut -d: -f2 | sort -u | wc -l)
last=${statuses##* }
check "rate limits shared: of 11 sign-ins from one address over $served instances, the 11th refused ($statuses)" \
  test "$refused" = 1 -a "${last%%:*}" = 429 -a "$served" = 3

if [ "$failed" != 0 ]; then
  say "HAProxy's log:"; tail -n 30 "$dir/haproxy.log" >&2
  for n in "${names[@]}"; do say "instance $n:"; tail -n 15 "$dir/instance-$n.log" >&2; done
  exit 1
fi
say "cluster: rolling restarts with nothing failed"
