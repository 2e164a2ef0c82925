#!/usr/bin/env bash
# Benchmarks: prints one table of figures (latency under load, claim races, fan-out, ladder
# accuracy incl. a restart, memory), then the widget's bytes, host-page impact and Lighthouse
# comparison, and the dashboard's bytes and sign-in times, against a fresh local `wrangler dev`. Not a test: run it
# twice to see the spread.   bash scripts/bench.sh [--quick]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$BATON_ROOT"
bash scripts/build-edge.sh >/dev/null
# The widget and dashboard are served by the same edge; wrangler dev only sees asset files
# present at start.
bash scripts/build-widget.sh >/dev/null
bash scripts/build-dashboard.sh >/dev/null
cargo build -q --release -p baton-tests --bin baton-bench
state="$(mktemp -d)"
port="${BATON_BENCH_PORT:-8797}"
export BATON_BOOTSTRAP_TOKEN="bench-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export BATON_EDGE_URL="http://127.0.0.1:$port"
edge_pid=""
trap '[[ -z "$edge_pid" ]] || kill -KILL -- "-$edge_pid" 2>/dev/null || true; [[ -z "$edge_pid" ]] || wait "$edge_pid" 2>/dev/null || true; rm -rf "$state"' EXIT
source scripts/start-edge.sh
start_edge "$port" "$state/data" "$state/wrangler.log"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -m); wrangler $("$WRANGLER_BIN" --version 2>/dev/null | tail -1)"
ulimit -n 65536 2>/dev/null || true
"${CARGO_TARGET_DIR:-target}/release/baton-bench" "$@"
echo
echo "== widget: bytes shipped, host-page impact (Chromium), Lighthouse with vs without the tag"
bash scripts/bench-widget.sh
echo
echo "== dashboard: first-screen bytes, sign-in → Active list cold and warm (Chromium)"
bash scripts/bench-dashboard.sh
