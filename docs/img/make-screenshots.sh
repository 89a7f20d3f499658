#!/usr/bin/env bash
# Remake the README's map screenshots from `visitplan demo` output with headless Chromium.
# Needs: apt-get install -y chromium fonts-wqy-microhei pngquant (pngquant keeps them small).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
.venv/bin/visitplan demo --out-dir "$out" >/dev/null

shot() {  # page, png, width,height
    chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$out/profile" --hide-scrollbars --window-size="$3" \
        --virtual-time-budget=3000 --screenshot="$2" "file://$1" >/dev/null 2>&1
    if command -v pngquant >/dev/null; then
        pngquant --force --skip-if-larger --quality 65-90 --output "$2" "$2" || true
    fi
}
shot "$out/demo-day.html" docs/img/day-map.png 1100,760
shot "$out/demo-month/month.html" docs/img/month-map.png 1100,760
shot "$out/demo-month/territory.html" docs/img/territory-map.png 1100,760
shot "$out/demo-day-schedule.html" docs/img/schedule-page.png 375,760
ls -l docs/img/*.png
