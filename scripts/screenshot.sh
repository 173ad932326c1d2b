#!/usr/bin/env bash
# Renders a concbench report.html to PNG with headless Chromium, so a person can look at it.
# A tool for people, not part of CI. Installs Debian's chromium (and a CJK font for Korean
# reports) when missing.
#
#   scripts/screenshot.sh concbench-report/<timestamp>/report.html [out.png] [width] [height]
#
# Chromium shoots the window, not the page: the height (default 9000 px) is what is captured;
# below the report the image is blank. With Python's PIL installed, the blank is cropped.
set -euo pipefail

html=${1:?usage: scripts/screenshot.sh REPORT.html [OUT.png] [WIDTH]}
out=${2:-${html%.html}.png}
width=${3:-1100}
height=${4:-9000}

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
fc-list 2>/dev/null | grep -qi "Emoji" || need+=(fonts-noto-color-emoji)
if [ ${#need[@]} -gt 0 ]; then
    echo "installing ${need[*]} (Debian packages)..." >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

abs=$(cd "$(dirname "$html")" && pwd)/$(basename "$html")
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --hide-scrollbars --window-size="${width},${height}" \
    --screenshot="$out" "file://$abs" >/dev/null 2>&1

if command -v python3 >/dev/null 2>&1 && python3 -c 'import PIL' >/dev/null 2>&1; then
    python3 - "$out" <<'PY'
import sys
from PIL import Image, ImageChops
path = sys.argv[1]
img = Image.open(path).convert("RGB")
bg = Image.new("RGB", img.size, (255, 255, 255))
box = ImageChops.difference(img, bg).getbbox()
if box:
    img.crop((0, 0, img.size[0], min(img.size[1], box[3] + 24))).save(path)
PY
fi
echo "$out"
