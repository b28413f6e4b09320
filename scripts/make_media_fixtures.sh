#!/usr/bin/env bash
# Makes the media fixtures in media/fixtures/ (committed: the tests never need these tools).
#
# Needs espeak-ng, ffmpeg (ffprobe), exiftool, cwebp and python3
# (`apt-get install -y espeak-ng ffmpeg libimage-exiftool-perl webp`). The WebM that
# Chromium's MediaRecorder writes is recorded in headless Chromium (Debian's chromium,
# Playwright from .venv, as scripts/test sets them up) from the same sentence played as a
# fake microphone; without them that one file is kept as committed.
#
# Each recording's duration as ffprobe measures it goes to durations.tsv (for files whose
# header has none, the end of the last packet), so the tests compare against a figure from
# another demuxer.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/media/fixtures"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
cd "$out"

ff() { ffmpeg -v error -y "$@"; }

# A spoken sentence, 22.05 kHz mono, about 6.4 s.
espeak-ng -v en-us -s 150 -w "$work/sentence.wav" \
  "Hello, I am learning Spanish, and I would like to practise speaking with a native speaker every day."

# Firefox's MediaRecorder: Ogg/Opus.
ff -i "$work/sentence.wav" -ac 1 -c:a libopus -b:a 24k sentence.ogg
# WebM/Opus written as a live stream, as MediaRecorder does: no duration, no cues,
# unknown-size segment.
ff -i "$work/sentence.wav" -ac 1 -c:a libopus -b:a 24k -f webm -live 1 -cluster_time_limit 1000 \
  pipe:1 >sentence.webm
ff -i "$work/sentence.wav" -ac 1 -c:a libmp3lame -b:a 32k sentence.mp3
ff -i "$work/sentence.wav" -ac 1 -c:a aac -b:a 32k sentence.m4a
# Safari's MediaRecorder: fragmented MP4/AAC (the header's duration is 0).
ff -i "$work/sentence.wav" -ac 1 -c:a aac -b:a 32k \
  -movflags frag_keyframe+empty_moov+default_base_moof -frag_duration 1000000 sentence-fragmented.m4a
# Six minutes: the sentence, then silence, in the cheapest codec (Opus at 6 kbit/s).
ff -i "$work/sentence.wav" -af apad=whole_dur=360 -ac 1 -ar 48000 -c:a libopus -b:a 6k \
  -frame_duration 60 -application voip six-minutes.ogg
# Containers without audio.
ff -f lavfi -i "testsrc=s=64x48:d=1:r=10" -c:v libvpx -b:v 50k video-only.webm
ff -f lavfi -i "testsrc=s=64x48:d=1:r=10" -c:v mpeg4 -q:v 10 video-only.mp4

# Chromium's MediaRecorder, for real: audio/webm;codecs=opus from the sentence as its
# microphone.
python="$root/.venv/bin/python"
if [ -x /usr/bin/chromium ] && [ -x "$python" ] && "$python" -c "import playwright" 2>/dev/null; then
  cat >"$work/record.html" <<'EOF'
<!doctype html><meta charset=utf-8><script>
async function record(ms) {
  const stream = await navigator.mediaDevices.getUserMedia({audio: true});
  const recorder = new MediaRecorder(stream, {mimeType: 'audio/webm;codecs=opus', audioBitsPerSecond: 24000});
  const parts = [];
  recorder.ondataavailable = e => parts.push(e.data);
  const stopped = new Promise(r => recorder.onstop = r);
  recorder.start(1000);
  await new Promise(r => setTimeout(r, ms));
  recorder.stop();
  await stopped;
  stream.getTracks().forEach(t => t.stop());
  const bytes = new Uint8Array(await new Blob(parts).arrayBuffer());
  let s = ''; for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}
</script>
EOF
  "$python" - "$work/sentence.wav" "$work/record.html" sentence-mediarecorder.webm <<'EOF'
import base64, sys
from playwright.sync_api import sync_playwright
wav, page_file, out = sys.argv[1:]
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
        "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-audio-capture={wav}%noloop"])
    page = browser.new_page()
    page.goto(f"file://{page_file}")
    open(out, "wb").write(base64.b64decode(page.evaluate("record(6600)")))
    browser.close()
EOF
else
  echo "no chromium or playwright: sentence-mediarecorder.webm kept as committed" >&2
fi

duration() {
  local d
  d="$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$1")"
  if [ "$d" = "N/A" ]; then
    d="$(ffprobe -v error -select_streams a:0 -show_entries packet=pts_time,duration_time -of csv=p=0 "$1" |
      awk -F, '{ e = $1 + $2; if (e > m) m = e } END { printf "%.6f", m }')"
  fi
  echo "$d"
}
{
  printf 'file\tffprobe_seconds\n'
  for f in sentence.ogg sentence.webm sentence-mediarecorder.webm sentence.mp3 sentence.m4a \
    sentence-fragmented.m4a six-minutes.ogg; do
    printf '%s\t%s\n' "$f" "$(duration "$f")"
  done
} >durations.tsv

# A phone photo stored sideways: 800x600 with a red block top left, EXIF orientation 6
# (turn 90° clockwise to view), GPS, XMP and a comment.
ff -f lavfi -i "color=gray:s=800x600,drawbox=x=0:y=0:w=200:h=150:color=red:t=fill" -frames:v 1 \
  -q:v 3 photo-exif-gps.jpg
exiftool -q -overwrite_original -Orientation#=6 -GPSLatitude=48.8584 -GPSLatitudeRef=N \
  -GPSLongitude=2.2945 -GPSLongitudeRef=E -Make=PhoneMaker -XMP:Creator="Ann Example" \
  -Comment="taken at home" photo-exif-gps.jpg
# A PNG with transparency and text chunks.
ff -f lavfi -i "color=black@0.0:s=600x400,format=rgba" -f lavfi -i "color=green:s=200x100,format=rgba" \
  -filter_complex "[0][1]overlay=100:100" -frames:v 1 "$work/text.png"
rm -f photo-text.png photo.webp
exiftool -q -o photo-text.png -PNG:Comment="secret note" -PNG:Author="Ann Example" "$work/text.png"
# A WebP (lossy) with EXIF GPS (exiftool cannot write WebP: cwebp copies the EXIF of the
# JPEG it is made from).
ff -f lavfi -i "testsrc=s=700x500" -frames:v 1 -q:v 3 "$work/webp.jpg"
exiftool -q -overwrite_original -GPSLatitude=48.8584 -GPSLatitudeRef=N -GPSLongitude=2.2945 \
  -GPSLongitudeRef=E "$work/webp.jpg"
cwebp -quiet -q 80 -metadata exif "$work/webp.jpg" -o photo.webp
# Not an image the function accepts.
cat >drawing.svg <<'EOF'
<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><circle cx="50" cy="50" r="40" fill="red"/></svg>
EOF
# Decompression bombs: a valid PNG header and a few bytes of data, declaring
# 100,000 x 100,000 (sides over the limit) and 9,000 x 5,000 (45 MP, sides within it).
python3 - <<'EOF'
import struct, zlib
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
def bomb(name, width, height):
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    # The first rows of zeros; a decoder would need width*height*3 bytes for them all.
    idat = zlib.compress(b"\0" * (1 + 3 * width) * 4, 9)
    with open(name, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b""))
bomb("bomb-100000x100000.png", 100000, 100000)
bomb("bomb-45mp.png", 9000, 5000)
EOF

ls -l "$out"
