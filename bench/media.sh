#!/usr/bin/env bash
# The media checks' cost (natives-media through target/release/mediacost): the recording
# probe on a 1 MiB recording per format (CPU per probe), and the photo pipeline on a
# 12-megapixel ~5 MiB phone-like JPEG and on the worst photo the limits admit (40 MP,
# progressive, 4:4:4): wall time, CPU time and peak RSS (the process's VmHWM, and
# /usr/bin/time's maximum resident set as a cross-check). docs/performance.md, "Media checks".
#
# The inputs are made here, not committed: ffmpeg (apt-get install -y ffmpeg), jpegtran
# (libjpeg-turbo-progs) and exiftool (libimage-exiftool-perl) into target/media/.
#
# Usage (from bench/): cargo build --release --bin mediacost && ./media.sh
set -euo pipefail
bench=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$bench")
out="$bench/target/media"
cost="$bench/target/release/mediacost"
mkdir -p "$out"
[ -x "$cost" ] || { echo "build it first: cargo build --release --bin mediacost" >&2; exit 1; }

ff() { ffmpeg -v error -y "$@"; }

# About 1 MiB of speech at 32 kbit/s (~260 s, under the 5-minute limit): the committed
# sentence, looped. Opus in 20 ms packets, MediaRecorder's smallest and the most packets
# to walk. ffmpeg's AAC encoder spends ~48 kbit/s on it whatever is asked: 175 s.
speech() { echo -stream_loop -1 -i "$repo/media/fixtures/sentence.m4a" -t "$1" -ac 1; }
ff $(speech 262) -c:a libopus -b:a 32k "$out/1mib.ogg"
ff $(speech 262) -c:a libopus -b:a 32k -f webm -live 1 -cluster_time_limit 1000 pipe:1 >"$out/1mib.webm"
ff $(speech 262) -c:a libmp3lame -b:a 32k "$out/1mib.mp3"
ff $(speech 175) -c:a aac -b:a 32k "$out/1mib.m4a"
ff $(speech 175) -c:a aac -b:a 32k -movflags frag_keyframe+empty_moov+default_base_moof \
  -frag_duration 1000000 "$out/1mib-fragmented.m4a"

echo "## Recording probe (about 1 MiB each)"
"$cost" audio audio/ogg "$out/1mib.ogg"
"$cost" audio audio/webm "$out/1mib.webm" | tail -n +3
"$cost" audio audio/mpeg "$out/1mib.mp3" | tail -n +3
"$cost" audio audio/mp4 "$out/1mib.m4a" "$out/1mib-fragmented.m4a" | tail -n +3

# A phone-like photo: 12 MP, ~4.9 MiB (photo-12mp.sh).
"$bench/photo-12mp.sh" "$out/12mp.jpg"
# The worst the limits admit: 7300x5474 (39.96 MP), 4:4:4, progressive (the decoder keeps
# every coefficient of the image before the first pixel).
ff -f lavfi -i "testsrc2=s=7300x5474" -frames:v 1 -q:v 4 -pix_fmt yuvj444p "$out/40mp-baseline.jpg"
jpegtran -progressive -copy none -outfile "$out/40mp-progressive.jpg" "$out/40mp-baseline.jpg"

echo
echo "## Photo pipeline (one process each)"
for photo in 12mp.jpg 40mp-progressive.jpg; do
  for run in 1 2 3; do
    /usr/bin/time -f "  /usr/bin/time: %e s wall, %U s user, %S s sys, max RSS %M KiB" \
      "$cost" photo image/jpeg "$out/$photo"
  done
done
