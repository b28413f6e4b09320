#!/usr/bin/env bash
# Where a warm function's CPU goes. Builds the function's binary (its template `Binary:`) with symbols (the release profile,
# not stripped, with line tables, in its own target dir so the Lambda build is untouched),
# runs it under `perf record` in the cold-start emulator (bench/src/bin/coldstart.rs)
# against a fresh local stack, and prints the function's self time by component.
#
# Usage: bench/profile.sh [function, default get-me] [warm invocations, default 3000]
# Needs: perf (Debian's linux-perf, installed if missing), python3, the bench built
# (`cd bench && cargo build --release`). The first run builds every dependency; later runs
# relink the binary.
set -euo pipefail
function=${1:-get-me}
warm=${2:-3000}
bench=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$bench")
target=${PROFILE_TARGET_DIR:-$repo/target/profiling}
out=$(mktemp -d)
# The binary the template deploys the function with.
binary=$(grep -B8 "Handler: $function\$" "$repo/infra/template.yaml" | grep -o 'natives-[a-z]*' | tail -1)
[ -n "$binary" ] || { echo "no function $function in infra/template.yaml" >&2; exit 1; }

command -v perf >/dev/null || { apt-get update -qq && apt-get install -y -qq linux-perf >/dev/null; }
(cd "$repo" && CARGO_PROFILE_RELEASE_STRIP=false CARGO_PROFILE_RELEASE_DEBUG=line-tables-only \
    CARGO_TARGET_DIR="$target" nice -n 10 cargo build --release --locked -q \
    -p natives-functions --bin "$binary")
mkdir -p "$out/bin"
cp "$target/release/$binary" "$out/bin/"

# The stack only answers; its own speed is not measured (on-CPU time is the function's).
(cd "$repo" && cargo build --locked -q -p natives-local)
"$repo/target/debug/natives-local" serve --addr 127.0.0.1:0 --data-dir "$out/data" \
    2>"$out/serve.log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$out"' EXIT
for _ in $(seq 100); do [ -s "$out/data/endpoints.json" ] && break; sleep 0.1; done

cd "$bench" # the emulator finds the floor (hello) in target/release/
perf record -q -F 10000 -o "$out/perf.data" -- target/release/coldstart \
    --data-dir "$out/data" --repo "$repo" --bin-dir "$out/bin" --runs 1 --warm "$warm" \
    --local-bin "$repo/target/debug/natives-local" \
    "$function" | grep -E "^\| (function|---|$function |hello )" || true
perf report -i "$out/perf.data" --comm "${binary:0:15}" --no-children --sort sym --stdio \
    --percentage relative 2>/dev/null | python3 -c '
import collections, re, sys
components = [
    ("kernel (as sampled; schedstat puts it nearer 12%)", lambda k, s: k == "k"),
    ("crypto: Ed25519 verify, SHA-2, HMAC (aws-lc, jsonwebtoken)",
     lambda k, s: re.match(r"<?(L|aws_lc|jsonwebtoken|sha2|pkey_|evp_)", s)),
    ("AWS SDK: orchestrator, DynamoDB client, SigV4, JSON protocol",
     lambda k, s: re.match(r"<?&?(mut )?<?aws_(smithy|sdk|runtime|sigv4|types|credential|config)", s)),
    ("HTTP: hyper, http, httparse, bytes, url",
     lambda k, s: re.match(r"<?&?(mut )?<?(hyper|http|httparse|bytes|url|idna|percent_encoding|tower)", s)),
    ("Lambda runtime: lambda_runtime, lambda_http, API Gateway event",
     lambda k, s: re.match(r"<?&?(mut )?<?(lambda_|aws_lambda_events)", s)),
    ("tokio, futures", lambda k, s: re.match(r"<?&?(mut )?<?(tokio|futures|mio)", s)),
    ("serde, serde_json, serde_dynamo, base64", lambda k, s: re.match(r"<?&?(mut )?<?(serde|base64)", s)),
    ("glibc malloc/free/memmove",
     lambda k, s: re.match(r"(_int_|__mem|cfree|malloc|unlink_chunk|__libc_|realloc|tcache)", s)),
    ("tracing", lambda k, s: "tracing" in s[:30]),
    ("our code (natives_*, the binary)", lambda k, s: "natives_" in s[:40]),
    ("core/alloc/std (fmt, hashing, UTF-8; callers above)",
     lambda k, s: re.match(r"<?&?(mut )?<?(core|alloc|std|hashbrown|T as|\[)", s)),
]
totals = collections.Counter()
for line in sys.stdin:
    m = re.match(r"\s*([\d.]+)%\s+\[(.)\]\s+(.*)", line)
    if not m:
        continue
    share, kind, symbol = float(m.group(1)), m.group(2), m.group(3).strip()
    name = next((n for n, test in components if test(kind, symbol)), "other")
    totals[name] += share
print(f"\nself time of {sys.argv[1]} by component (% of its samples):")
for name, share in totals.most_common():
    print(f"{share:6.1f}  {name}")
' "$function"
