#!/usr/bin/env bash
# Warm latency and throughput through the local stack (release build of natives-local),
# with wrk: the public read (GET /v1/tariffs), an authenticated read (GET /v1/me) and the
# cheapest refused request, at 1 and at 32 connections, 10 s each; then login (argon2id)
# p50 over 20 requests and the server's peak RSS.
#
# Usage: bench/load.sh [duration, default 10s]
# Needs: cargo build --release -p natives-local (built here if missing); wrk (installed if missing).
set -euo pipefail
duration=${1:-10s}
bench=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$bench")
server="$repo/target/release/natives-local"

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
[ -x "$server" ] || (cd "$repo" && nice -n 19 cargo build --release -p natives-local)

data=$(mktemp -d)
"$server" serve --addr 127.0.0.1:0 --data-dir "$data" 2>"$data/serve.log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 100); do [ -s "$data/endpoints.json" ] && break; sleep 0.1; done
api=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["api"])' "$data/endpoints.json")

# A user and an access token (15 minutes: plenty for these runs).
email="load-$$@example.com"
curl -sf -X POST "$api/v1/accounts" -H 'content-type: application/json' -d "{\"email\":\"$email\",
  \"password\":\"correct horse battery\",\"display_name\":\"Ada\",\"date_of_birth\":\"1990-12-10\",
  \"country\":\"GB\",\"native_languages\":[\"en-GB\"],\"learning_languages\":[\"de\"],
  \"accepted_terms_version\":\"2026-11-01\"}" >/dev/null
token=$(curl -sf -X POST "$api/v1/sessions" -H 'content-type: application/json' \
  -d "{\"email\":\"$email\",\"password\":\"correct horse battery\"}" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')

cat >"$data/refresh.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"refresh_token":"not-a-valid-refresh-token-not-a-valid-refresh-token"}'
wrk.headers["Content-Type"] = "application/json"
LUA

echo "| request | connections | p50 (ms) | p99 (ms) | req/s | non-2xx |"
echo "|---|---:|---:|---:|---:|---:|"
run() { # <label> <connections> <wrk args...>
    local label=$1 connections=$2; shift 2
    local threads=$(( connections < 2 ? 1 : 2 ))
    wrk -t"$threads" -c"$connections" -d"$duration" --latency "$@" >"$data/wrk.txt"
    python3 - "$label" "$connections" "$data/wrk.txt" <<'PY'
import re, sys
label, connections, text = sys.argv[1], sys.argv[2], open(sys.argv[3]).read()
def ms(v):
    n, unit = re.match(r"([\d.]+)(us|ms|s|m)$", v).groups()
    return float(n) * {"us": 1e-3, "ms": 1, "s": 1e3, "m": 6e4}[unit]
if "Latency Distribution" not in text:
    sys.exit(f"wrk output not understood:\n{text}")
p50 = ms(re.search(r"50%\s+(\S+)", text).group(1))
p99 = ms(re.search(r"99%\s+(\S+)", text).group(1))
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
print(f"| {label} | {connections} | {p50:.2f} | {p99:.2f} | {rps:,.0f} | {bad.group(1) if bad else 0} |")
PY
}
for c in 1 32; do
    run "GET /v1/tariffs (public)" "$c" "$api/v1/tariffs"
    run "GET /v1/me (bearer token)" "$c" -H "authorization: Bearer $token" "$api/v1/me"
    run "POST /v1/sessions/refresh, invalid token → 401" "$c" -s "$data/refresh.lua" "$api/v1/sessions/refresh"
done

echo
python3 - "$api" "$email" <<'PY'
import http.client, json, statistics, sys, time, urllib.parse
api, email = urllib.parse.urlparse(sys.argv[1]), sys.argv[2]
body = json.dumps({"email": email, "password": "correct horse battery"})
times = []
conn = http.client.HTTPConnection(api.hostname, api.port)
for _ in range(20):
    start = time.perf_counter()
    conn.request("POST", "/v1/sessions", body, {"content-type": "application/json"})
    response = conn.getresponse(); response.read()
    times.append((time.perf_counter() - start) * 1000)
    assert response.status == 200, response.status
times.sort()
print(f"login (POST /v1/sessions, argon2id), 1 connection, 20 requests: "
      f"p50 {statistics.median(times):.1f} ms, min {times[0]:.1f} ms, max {times[-1]:.1f} ms")
PY
echo "natives-local peak RSS (VmHWM): $(awk '/VmHWM/ {printf "%.1f MiB", $2/1024}' /proc/$pid/status)"
