#!/usr/bin/env bash
# Opens every example report (Reports/*.html) in Debian's chromium, headless, and checks that
#  - the page loads and its DOM holds the report (title, the Kaplan–Meier figure's <svg>);
#  - the browser logs no error: no console error, no blocked or failed resource (the pages carry
#    a Content-Security-Policy that forbids scripts and every external resource, so anything
#    that tried to load or run would be reported here);
#  - the Kaplan–Meier plot is not blank: rendered on its own, its data region (inside the axes,
#    without the legend and the risk table) shows both arms' curve colours.
# Screenshots go to Reports/screenshots/ (not committed). Installs chromium through apt when it
# is missing (sudo when not root). Run from anywhere: bash Reports/check-in-browser.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
  as_root=()
  if [ "$(id -u)" -ne 0 ]; then as_root=(sudo); fi
  echo "Installing chromium" >&2
  "${as_root[@]}" apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -q --no-install-recommends chromium >&2
fi
mkdir -p Reports/screenshots
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
flags=(--headless=new --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --user-data-dir="$profile"
  --disable-background-networking --disable-component-update --disable-sync)
status=0
for page in Reports/*.html; do
  name=$(basename "$page" .html)
  url="file://$PWD/$page"
  dom=$(timeout 120 chromium "${flags[@]}" --enable-logging=stderr --v=0 --dump-dom "$url" 2>"$profile/$name.log" || true)
  png="Reports/screenshots/$name.png"
  timeout 120 chromium "${flags[@]}" --window-size=1100,1800 --screenshot="$png" "$url" >/dev/null 2>&1 || true
  problems=()
  grep -q "<h1>Overall survival" <<<"$dom" || problems+=("the page did not load (no report heading in the DOM)")
  grep -q '<figure id="figure-km">' <<<"$dom" || problems+=("no Kaplan-Meier figure in the DOM")
  # Console messages and resource errors (dbus and GPU chatter of a headless browser is not the page's).
  if grep -E "CONSOLE|Uncaught|Content Security Policy|ERR_|Refused to" "$profile/$name.log" >/dev/null; then
    problems+=("the browser reported: $(grep -E "CONSOLE|Uncaught|Content Security Policy|ERR_|Refused to" "$profile/$name.log" | head -3 | tr '\n' ' ')")
  fi
  plot="$profile/$name-km.html"
  plotpng="Reports/screenshots/$name-km.png"
  if [ ! -s "$png" ]; then
    problems+=("no screenshot")
  elif ! python3 Reports/plot_not_blank.py extract "$page" "$plot"; then
    problems+=("no Kaplan-Meier plot to check")
  else
    timeout 120 chromium "${flags[@]}" --window-size=720,600 --screenshot="$plotpng" "file://$plot" >/dev/null 2>&1 || true
    if [ ! -s "$plotpng" ] || ! python3 Reports/plot_not_blank.py check "$plot" "$plotpng" >"$profile/$name-km.txt"; then
      problems+=("the Kaplan-Meier plot looks blank ($plotpng; $(cat "$profile/$name-km.txt" 2>/dev/null))")
    fi
  fi
  if [ ${#problems[@]} -eq 0 ]; then
    echo "ok   $page ($png)"
  else
    status=1
    for p in "${problems[@]}"; do echo "FAIL $page: $p"; done
  fi
done
exit $status
