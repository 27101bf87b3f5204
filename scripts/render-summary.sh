#!/usr/bin/env bash
# Renders an HTML summary to PNG in headless Chromium — the check that the report really
# displays (charts, tables, phone width) in a browser.
#   scripts/render-summary.sh summary.html summary.png [width=412] [height=2400]
# Needs Debian's chromium (apt-get install chromium).
set -euo pipefail
html=$(realpath "$1"); png=$2; width=${3:-412}; height=${4:-2400}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || { echo "render-summary.sh needs chromium (apt-get install chromium)" >&2; exit 2; }
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
  --window-size="$width,$height" --screenshot="$png" "file://$html" >/dev/null 2>&1
[ -s "$png" ] && echo "rendered $png" >&2
