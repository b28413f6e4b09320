#!/usr/bin/env bash
# Size of each function's Lambda artefact: the release binary, zipped as `bootstrap`
# (what `sam build` / `cargo lambda build --output-format zip` upload), and the
# duplicated crate versions the functions link.
#
# A function deploys its row's binary (functions/src/bin/: natives-core, natives-voice…),
# so there is one zip per binary; a folder of per-function binaries (an older build) or
# the one binary natives-functions (older still) is listed as it is.
#
# Usage (from anywhere): bench/sizes.sh [release dir, default target/release]
#   needs: cargo build --release -p natives-functions --bins; (cd bench && cargo build --release) for hello
set -euo pipefail
bench=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$bench")
out="$bench/target/zips"
mkdir -p "$out"

zip_bootstrap() { # <binary> <zip>
    python3 - "$1" "$2" <<'PY'
import sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    info = zipfile.ZipInfo("bootstrap")
    info.external_attr = 0o755 << 16          # executable, as Lambda needs
    info.compress_type = zipfile.ZIP_DEFLATED
    with open(src, "rb") as f:
        z.writestr(info, f.read(), compresslevel=9)
PY
}

mib() { python3 -c "print(f'{$1/1048576:.2f}')"; }

echo "| function | binary (MiB) | zip (MiB) | zip < 6 MB |"
echo "|---|---:|---:|---|"
binaries=()
for floor in hello hello-probe hello-photo; do
    [ -x "$bench/target/release/$floor" ] && binaries+=("$floor:$bench/target/release/$floor")
done
release=${1:-$repo/target/release}
deployed=$(grep -ho 'Binary: natives-[a-z]*' "$repo/infra/template.yaml" | sort | uniq -c | awk '{print $3 ":" $1}')
if [ -x "$release/natives-core" ]; then
    for entry in $deployed; do
        name=${entry%%:*}
        binaries+=("$name ($(cut -d: -f2 <<<"$entry") functions):$release/$name")
    done
elif [ -x "$release/natives-functions" ]; then
    binaries+=("natives-functions (all $(ls "$repo"/events/*.json | wc -l) functions):$release/natives-functions")
else
    for event in "$repo"/events/*.json; do
        name=$(basename "$event" .json)
        bin="$release/$name"
        [ -x "$bin" ] && binaries+=("$name:$bin") || echo "| $name | (no release build) | | |"
    done
fi
for entry in "${binaries[@]}"; do
    name=${entry%%:*}; bin=${entry#*:}
    zip="$out/${name%% *}.zip"
    zip_bootstrap "$bin" "$zip"
    size=$(stat -c %s "$bin"); zsize=$(stat -c %s "$zip")
    ok=$([ "$zsize" -lt 6000000 ] && echo yes || echo NO)
    echo "| $name | $(mib "$size") | $(mib "$zsize") | $ok |"
done

echo
echo "Duplicated crate versions linked by the functions (cargo tree -d -e normal -p natives-functions):"
echo
cd "$repo"
cargo tree -d --depth 0 -e normal -p natives-functions --locked --offline 2>/dev/null \
    | grep . | sort -u | awk '{n[$1]=n[$1] " " $2} END {for (k in n) print "- " k ":" n[k]}' | sort
echo
heavy="hyper h2 rustls ring aws-lc-rs http tokio-rustls hyper-rustls rustls-webpki"
echo "Heavy ones and who pulls the older version in:"
for crate in $heavy; do
    versions=$(cargo tree -d --depth 0 -e normal -p natives-functions --locked --offline 2>/dev/null \
        | awk -v c="$crate" '$1 == c {print $2}' | sort -uV)
    [ "$(echo "$versions" | grep -c .)" -ge 2 ] || continue
    oldest=$(echo "$versions" | head -1)
    parent=$(cargo tree -i "$crate@${oldest#v}" -e normal -p natives-functions --locked --offline --depth 1 2>/dev/null | sed -n 2p | sed 's/^[^a-z]*//')
    echo "- $crate: $(echo $versions) — $oldest via $parent"
done
# ring next to aws-lc-rs means two crypto providers are linked.
ring_users=$(cargo tree -i ring -e normal -p natives-functions --locked --offline --depth 1 2>/dev/null | sed -n 2p | sed 's/^[^a-z]*//')
if [ -n "$ring_users" ]; then
    echo "- ring is linked (besides aws-lc-rs), via $ring_users"
else
    echo "- ring is not linked: aws-lc-rs is the only crypto provider"
fi
