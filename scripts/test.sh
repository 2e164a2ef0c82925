#!/usr/bin/env bash
# The README's test command: installs what is missing, then runs every check and test.
#   1. cargo fmt --check and clippy -D warnings (native crates natively, wasm crates for wasm32)
#   2. core: unit, simulation, golden protocol and bot corpus tests (native, simulated clock)
#   3. widget and dashboard: model tests, builds, their size caps
#   4. the edge bundle: worker-build, then `wrangler deploy --dry-run`
#   5. end-to-end tests against a real `wrangler dev` (workerd) on 127.0.0.1, a short chaos run
#      (workerd killed at random instants: scripts/chaos.sh), then the browser tests against the
#      same edge: the full suites in Chromium, one journey per screen in Firefox ESR and in
#      WebKitGTK (scripts/browser-tests.sh)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$BATON_ROOT"
step() { printf '\n== %s\n' "$*"; }

step "format and lint"
cargo fmt --all -- --check
# Native crates natively; the browser and Worker crates for wasm32, where they run.
# The widget's and dashboard's unit tests run natively, so they are linted natively too.
cargo clippy -p baton-core -p baton-tests -p baton-widget -p baton-dashboard --all-targets -- -D warnings
cargo clippy -p baton-edge -p baton-widget -p baton-dashboard -p wasm-streams@0.5.0 --target wasm32-unknown-unknown -- -D warnings

step "core: rules with a simulated clock"
cargo test -p baton-core --all-features

step "widget: model tests, build, size check"
cargo test -p baton-widget
bash scripts/build-widget.sh
bash scripts/bench-widget.sh --check

step "dashboard: model tests, build, size check"
cargo test -p baton-dashboard
bash scripts/build-dashboard.sh
bash scripts/bench-dashboard.sh --check

# The web builds come first: wrangler dev serves only the asset files present when it starts.
step "edge: build and deploy dry-run"
bash scripts/build-edge.sh
dist="$(mktemp -d)"
(cd edge && BATON_PREBUILT=1 CI=true "$WRANGLER_BIN" deploy --dry-run --outdir "$dist" >/dev/null)
echo "deploy bundle: $(du -sh "$dist" | cut -f1) in $dist"
rm -rf "$dist"

step "end to end against wrangler dev"
state="$(mktemp -d)"
port="${BATON_TEST_PORT:-8788}"
export BATON_BOOTSTRAP_TOKEN="test-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export BATON_EDGE_URL="http://127.0.0.1:$port"
log="$state/wrangler.log"
edge_pid=""
cleanup() {
  [[ -z "$edge_pid" ]] || kill -KILL -- "-$edge_pid" 2>/dev/null || true
  [[ -z "$edge_pid" ]] || wait "$edge_pid" 2>/dev/null || true
  rm -rf "$state"
}
trap cleanup EXIT
source scripts/start-edge.sh
start_edge "$port" "$state/data" "$log"
# signup_invitations.rs ages an invitation link in the edge's D1 (its state directory).
export BATON_EDGE_STATE="$state/data"
echo "edge ready at $BATON_EDGE_URL"
if ! cargo test -p baton-tests -- --nocapture; then
  echo "---- wrangler dev log (last 80 lines)"; tail -n 80 "$log"
  exit 1
fi
step "chaos: workerd killed (kill -9) at random instants, then every effect exactly once"
# A short run (3 kills) on its own edge and port; the README's command runs 100.
BATON_PREBUILT=1 bash scripts/chaos.sh --rounds 3
# --- web: browser tests (Chromium, Firefox, WebKit) against the same edge --------------------
step "browser tests (Chromium; Firefox and WebKit journeys) against $BATON_EDGE_URL"
if ! bash scripts/browser-tests.sh; then
  # A page that does not load is usually the edge's doing: keep its side for the diagnosis.
  echo "---- wrangler dev log (last 120 lines)"; tail -n 120 "$log"
  exit 1
fi
# --- end web ---------------------------------------------------------------------------------
step "all tests passed"
