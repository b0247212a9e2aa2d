#!/bin/sh
# The HTML report in a real browser: `zabsim run` a scenario with faults, `zabsim report` its
# record, open the page in headless Chromium, and check that it rendered without errors (the
# page copies window errors and console.error into #errors; Chromium's own log is searched for
# console errors too), that the diagram drew the expected lanes and fault markers (the page
# writes what it drew into #render-status), that zoom, pan, hover and reset work (the page's
# #selftest), and save a screenshot.
# Exit 77 (CTest SKIP_RETURN_CODE) when no Chromium is installed.
#
# usage: report_browser.sh ZABSIM SCENARIO WORKDIR EXPECTED_LANES MIN_FAULT_MARKERS [MIN_WITNESS_MARKS [MAX_DRAW_MS]]
# MAX_DRAW_MS bounds the time the page takes to draw the whole run once (default 10000): a guard
# against a page that is unusable, far above what it takes (30-100 ms for the 60 s run on this
# project's machine), so that a loaded CI machine does not make it flake; not a benchmark.
set -eu
zabsim=$1 scenario=$2 work=$3 lanes=$4 faults=$5 witness=${6:-0} max_draw_ms=${7:-10000}

chromium=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$chromium" ]; then
  echo "SKIP: no chromium installed (apt-get install -y chromium)"
  exit 77
fi
rm -rf "$work"
mkdir -p "$work"
code=0
"$zabsim" run "$scenario" --out "$work/run" >"$work/run.txt" || code=$?
if [ "$code" -ne 0 ] && [ "$code" -ne 1 ] && [ "$code" -ne 3 ]; then
  echo "zabsim run failed with exit code $code"; cat "$work/run.txt"; exit 1
fi
"$zabsim" report "$work/run/record.json" -o "$work/report.html"

# --no-sandbox: Chromium refuses to run as root otherwise (CI runs as root).
flags="--headless --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars --no-first-run
       --user-data-dir=$work/profile --enable-logging=stderr --v=0"
# shellcheck disable=SC2086
timeout 120 "$chromium" $flags --virtual-time-budget=10000 --dump-dom "file://$work/report.html" \
  >"$work/dom.html" 2>"$work/chromium.log"
# The page's own #selftest drives wheel zoom, drag pan, hover and reset with synthetic events.
# shellcheck disable=SC2086
timeout 120 "$chromium" $flags --window-size=1400,900 --virtual-time-budget=10000 --dump-dom \
  "file://$work/report.html#selftest" >"$work/selftest.html" 2>>"$work/chromium.log"
# shellcheck disable=SC2086
timeout 120 "$chromium" $flags --window-size=1400,900 --screenshot="$work/report.png" \
  "file://$work/report.html" >/dev/null 2>>"$work/chromium.log"

fail() { echo "FAIL: $*"; echo "--- chromium log:"; tail -20 "$work/chromium.log"; exit 1; }
grep -q 'id="render-status"' "$work/dom.html" || fail "no #render-status in the page's DOM"
grep -q '>rendered</div>' "$work/dom.html" || fail "the diagram did not finish drawing"
if ! grep -q '<div id="errors"></div>' "$work/dom.html"; then
  sed -n 's/.*<div id="errors"[^>]*>\([^<]*\)<.*/\1/p' "$work/dom.html"
  fail "the page reported errors"
fi
if grep -E 'CONSOLE.*(Uncaught|[Ee]rror)' "$work/chromium.log"; then fail "console errors in chromium's log"; fi
grep -q "data-lanes=\"$lanes\"" "$work/dom.html" ||
  fail "expected lanes $lanes, got: $(grep -o 'data-lanes="[^"]*"' "$work/dom.html")"
drawn=$(sed -n 's/.*data-fault-markers="\([0-9]*\)".*/\1/p' "$work/dom.html")
[ -n "$drawn" ] && [ "$drawn" -ge "$faults" ] || fail "expected at least $faults fault markers, drew '$drawn'"
marked=$(sed -n 's/.*data-witness-marks="\([0-9]*\)".*/\1/p' "$work/dom.html")
[ -n "$marked" ] && [ "$marked" -ge "$witness" ] || fail "expected at least $witness witness marks, drew '$marked'"
grep -q 'data-selftest="ok"' "$work/selftest.html" ||
  fail "zoom/pan/hover self-test: $(grep -o 'data-selftest="[^"]*"' "$work/selftest.html")"
grep -q '<div id="errors"></div>' "$work/selftest.html" || fail "the page reported errors during the self-test"
draw_ms=$(sed -n 's/.*data-draw-ms="\([0-9]*\)[.0-9]*".*/\1/p' "$work/dom.html")
[ -n "$draw_ms" ] && [ "$draw_ms" -le "$max_draw_ms" ] || fail "drawing the whole run took '$draw_ms' ms (bound $max_draw_ms)"
[ -s "$work/report.png" ] || fail "no screenshot"
echo "ok: lanes $lanes, $drawn fault markers, $marked witness marks, whole run drawn in $draw_ms ms, screenshot $work/report.png ($(wc -c <"$work/report.png") bytes)"
