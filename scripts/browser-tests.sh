#!/usr/bin/env bash
# Browser tests (tests/browser/**/*.test.mjs, node:test) against a running edge, in three engines:
# the full widget and dashboard suites in Debian's Chromium (playwright-core), and one journey
# per screen in Firefox ESR (puppeteer-core, WebDriver BiDi) and WebKitGTK (WebKitWebDriver +
# selenium-webdriver) from tests/browser/engines/:
#
#   BATON_EDGE_URL=http://127.0.0.1:8787 BATON_BOOTSTRAP_TOKEN=… bash scripts/browser-tests.sh [FILTER]
#
# The edge must already serve the built widget/dashboard (build them before it starts: wrangler
# dev only sees asset files that existed when it (re)loaded). Each test creates its own sites
# through the bootstrap API. FILTER limits the run to test files whose path contains it
# (`widget`, `dashboard`, `firefox`, `webkit`, `engines`, a file name).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$BATON_ROOT"
: "${BATON_EDGE_URL:?set BATON_EDGE_URL to the running edge}"
: "${BATON_BOOTSTRAP_TOKEN:?set BATON_BOOTSTRAP_TOKEN (the bootstrap secret of the edge)}"
export BATON_EDGE_URL BATON_BOOTSTRAP_TOKEN
chromium="${CHROMIUM_BIN:-/usr/bin/chromium}"
[[ -x "$chromium" ]] || { echo "browser-tests: no Chromium at $chromium; run scripts/setup.sh" >&2; exit 1; }

mapfile -t files < <(find tests/browser -name '*.test.mjs' -not -path '*/node_modules/*' | sort | grep -F -- "${1:-}")
if [[ ${#files[@]} -eq 0 ]]; then
  echo "browser-tests: no test files match '${1:-}'" >&2
  exit 1
fi
# Chromium's temporary profiles go to a scratch directory that is removed afterwards.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
echo "browser-tests: ${#files[@]} files against $BATON_EDGE_URL"
# One file at a time: each launches its own browser, and the machines have 2 cores. WebKit's
# MiniBrowser needs a display (its --headless hangs): the WebKit files run under xvfb-run.
webkit=() others=()
for f in "${files[@]}"; do
  if [[ "$f" == *webkit* ]]; then webkit+=("$f"); else others+=("$f"); fi
done
status=0
if [[ ${#others[@]} -gt 0 ]]; then
  TMPDIR="$scratch" node --test --test-concurrency=1 --test-timeout=600000 "${others[@]}" || status=$?
fi
if [[ ${#webkit[@]} -gt 0 ]]; then
  command -v xvfb-run >/dev/null || { echo "browser-tests: no xvfb-run; run scripts/setup.sh" >&2; exit 1; }
  TMPDIR="$scratch" xvfb-run -a node --test --test-concurrency=1 --test-timeout=600000 "${webkit[@]}" || status=$?
  # (xvfb-run starts its own X server for this run only and stops it afterwards.)
fi
exit "$status"
