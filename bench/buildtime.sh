#!/usr/bin/env bash
# Release build time of the functions from a clean target folder, for one set of profile
# settings: wall time, CPU time (user + system, all processes: the figure that does not
# depend on what else the machine runs), peak memory, binary and zip size.
#
# Usage: bench/buildtime.sh NAME [VAR=VALUE…] [-- cargo build arguments]
#   bench/buildtime.sh fat-cu1                                   # the root Cargo.toml's profile
#   bench/buildtime.sh thin-cu16 CARGO_PROFILE_RELEASE_LTO=thin CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
#   bench/buildtime.sh per-function -- --bin get-me              # an older tree's binaries
# The build goes to $BUILDTIME_DIR/NAME (default /work/target-buildtime/NAME), which is
# removed first; `--keep` as the first argument keeps it (a warm rebuild). Default cargo
# arguments: -p natives-functions --bins (every binary sam build builds).
set -euo pipefail
keep=""
[ "${1:-}" = "--keep" ] && { keep=1; shift; }
name=$1; shift
vars=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do vars+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(-p natives-functions --bins)
bench=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$bench")
dir=${BUILDTIME_DIR:-/work/target-buildtime}/$name
[ -n "$keep" ] || rm -rf "$dir"
mkdir -p "$dir"
cd "$repo"
rm -f "$dir.cpu"
env "${vars[@]}" CARGO_TARGET_DIR="$dir" RUSTC_WRAPPER="$bench/rustc-cpu.sh" RUSTC_CPU_LOG="$dir.cpu" \
    /usr/bin/time -f "%U %S %e %M" -o "$dir.time" \
    nice -n 19 cargo build --release --locked "${args[@]}" >"$dir.log" 2>&1
read -r user sys wall rss <"$dir.time"
echo "$name: wall $(python3 -c "print(f'{$wall/60:.1f}')") min, CPU $(python3 -c "print(f'{($user+$sys)/60:.1f}')") min" \
    "(user $user s, sys $sys s), peak RSS $((rss / 1024)) MiB, load at the end $(cut -d' ' -f1-3 /proc/loadavg)"
# The machine is shared, so wall time depends on the others' load; CPU time does not.
# On an idle 2-core machine the build takes about (CPU of everything before our crates)/2
# plus our crates' CPU, which run one after another (natives-shared, then the functions'
# library, then the binary with its LTO link): "idle estimate".
python3 - "$dir.cpu" <<'PY'
import sys
rows = [line.split() for line in open(sys.argv[1]) if len(line.split()) == 4]
cpu = lambda r: float(r[2]) + float(r[3])
ours = [r for r in rows if r[0].startswith("natives-")]
rest = sum(cpu(r) for r in rows if not r[0].startswith("natives-"))
tail = sum(cpu(r) for r in ours)
print(f"  idle estimate {(rest / 2 + tail) / 60:.1f} min: dependencies {rest / 60:.1f} CPU-min, "
      f"our crates {tail / 60:.1f} CPU-min ({', '.join(f'{r[1]} {cpu(r) / 60:.1f}' for r in ours)})")
top = sorted(rows, key=cpu, reverse=True)[:5]
print("  largest units: " + ", ".join(f"{r[1]} {cpu(r) / 60:.1f}" for r in top))
PY
for bin in "$dir"/release/*; do
    [ -f "$bin" ] && [ -x "$bin" ] || continue
    zip=$(python3 - "$bin" <<'PY'
import io, sys, zipfile
b = io.BytesIO()
with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    info = zipfile.ZipInfo("bootstrap")
    info.compress_type = zipfile.ZIP_DEFLATED
    z.writestr(info, open(sys.argv[1], "rb").read(), compresslevel=9)
print(len(b.getvalue()))
PY
)
    echo "  $(basename "$bin"): binary $(python3 -c "print(f'{$(stat -c %s "$bin")/1048576:.2f}')") MiB, zip $(python3 -c "print(f'{$zip/1048576:.2f}')") MiB"
done
