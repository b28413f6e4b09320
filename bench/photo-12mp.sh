#!/usr/bin/env bash
# A phone-like photo, made, not committed: 4000x3000 (12 MP), detailed enough to weigh
# ~4.9 MiB at quality 2, stored sideways (EXIF orientation 6), baseline 4:2:0 as cameras
# write it. Needs ffmpeg and exiftool. The same file every run (ffmpeg's noise is seeded).
#
# Usage: ./photo-12mp.sh OUT.jpg   (media.sh's pipeline figures; coldstart --photo OUT.jpg)
set -euo pipefail
out=${1:?usage: photo-12mp.sh OUT.jpg}
ffmpeg -v error -y -f lavfi -i "mandelbrot=s=4000x3000:end_pts=1,noise=alls=50:allf=u" \
  -frames:v 1 -q:v 2 -pix_fmt yuvj420p "$out"
exiftool -q -overwrite_original -Orientation#=6 "$out"
