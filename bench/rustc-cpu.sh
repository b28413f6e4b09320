#!/usr/bin/env bash
# RUSTC_WRAPPER for bench/buildtime.sh: runs rustc and appends "package crate user sys"
# (CPU seconds of that one compilation, LTO and linking included) to $RUSTC_CPU_LOG.
set -u
rustc=$1; shift
crate=""
prev=""
for arg in "$@"; do
    [ "$prev" = "--crate-name" ] && crate=$arg
    prev=$arg
done
[ -n "$crate" ] || exec "$rustc" "$@"
times=$(mktemp)
/usr/bin/time -f "%U %S" -o "$times" "$rustc" "$@"
rc=$?
echo "${CARGO_PKG_NAME:-?} $crate $(tail -n 1 "$times")" >>"$RUSTC_CPU_LOG"
rm -f "$times"
exit $rc
