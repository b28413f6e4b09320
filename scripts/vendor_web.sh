#!/usr/bin/env bash
# Fetches the web client's library and the browser test's accessibility checker from
# the npm registry (`npm pack` checks each tarball against the registry's integrity
# hash) and copies their ES modules into the repository, as committed:
#   web/vendor/preact-<v>/   preact.js, hooks.js (its `from "preact"` made relative,
#                            so no import map is needed), LICENSE
#   web/vendor/htm-<v>/      htm.js, LICENSE
#   scripts/browser/vendor/  axe.min.js, LICENSE (axe-core, MPL-2.0; the tests only)
# Source-map comments are dropped (the maps are not vendored). To upgrade: change a
# version here, run this, update the imports in web/app/html.js and the versions in
# web/vendor/README.md, and delete the old folder.
set -euo pipefail
PREACT=11.2.0
HTM=3.1.1
AXE=4.14.1

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "preact@$PREACT" "htm@$HTM" "axe-core@$AXE" >/dev/null
for tarball in *.tgz; do
  mkdir "${tarball%.tgz}"
  tar xzf "$tarball" -C "${tarball%.tgz}"
done
strip_map() { sed '/^\/\/# sourceMappingURL=/d' "$1"; }

preact="$root/web/vendor/preact-$PREACT"
mkdir -p "$preact"
strip_map "preact-$PREACT/package/dist/preact.mjs" >"$preact/preact.js"
strip_map "preact-$PREACT/package/hooks/dist/hooks.mjs" | sed 's#from"preact"#from"./preact.js"#' >"$preact/hooks.js"
cp "preact-$PREACT/package/LICENSE" "$preact/LICENSE"

htm="$root/web/vendor/htm-$HTM"
mkdir -p "$htm"
strip_map "htm-$HTM/package/dist/htm.mjs" >"$htm/htm.js"
cp "htm-$HTM/package/LICENSE" "$htm/LICENSE"

axe="$root/scripts/browser/vendor"
mkdir -p "$axe"
cp "axe-core-$AXE/package/axe.min.js" "$axe/axe.min.js"
cp "axe-core-$AXE/package/LICENSE" "$axe/LICENSE"
echo "vendored preact $PREACT, htm $HTM, axe-core $AXE"
