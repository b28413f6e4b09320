#!/usr/bin/env bash
# Release-build smoke test: the binaries the functions deploy, built with the release
# profile for this machine's architecture; each function's binary starts in the cold-start emulator as each
# function (its _HANDLER and template environment) and answers the function's example
# event (events/<function>.json, filled by the local stack) with its route's success
# status from docs/openapi.yaml, cold and warm. Exits non-zero if one does not.
#
# Usage: bench/smoke.sh [function…]     (default: every function)
# Target folders: RELEASE_TARGET_DIR (default target/) for the functions, BENCH_TARGET_DIR
# (default bench/target/) for the emulator. From cold, the release build dominates
# (docs/performance.md, "Release build").
set -euo pipefail
bench=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$bench")
release_target=${RELEASE_TARGET_DIR:-$repo/target}
bench_target=${BENCH_TARGET_DIR:-$bench/target}
out=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && { kill $pid 2>/dev/null; wait $pid 2>/dev/null; }; rm -rf "$out"' EXIT

(cd "$repo" && CARGO_TARGET_DIR="$release_target" nice -n 19 cargo build --release --locked -q \
    -p natives-functions --bins)
(cd "$bench" && CARGO_TARGET_DIR="$bench_target" nice -n 19 cargo build --release --locked -q \
    --bin coldstart --bin hello)
(cd "$repo" && cargo build --locked -q -p natives-local)

"$repo/target/debug/natives-local" serve --addr 127.0.0.1:0 --data-dir "$out/data" \
    2>"$out/serve.log" &
pid=$!
for _ in $(seq 300); do [ -s "$out/data/endpoints.json" ] && break; sleep 0.1; done

cd "$bench"
"$bench_target/release/coldstart" --data-dir "$out/data" --repo "$repo" \
    --hello "$bench_target/release/hello" --bin-dir "$release_target/release" \
    --local-bin "$repo/target/debug/natives-local" --runs 1 --warm 1 --smoke "$@" \
    | sed -n '/### Smoke test/,$p'
