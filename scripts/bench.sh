#!/usr/bin/env bash
# Benchmarks: prints one table of figures (latency under load, claim races, fan-out, ladder
# accuracy incl. a restart, memory), then the widget's bytes, host-page impact and Lighthouse
# comparison, and the dashboard's bytes and sign-in times, against a fresh local `wrangler dev`. Not a test: run it
# twice to see the spread.   bash scripts/bench.sh [--quick]
# Each latency level also runs, right after Baton, against the stored relay baseline
# (tests/bench/relay, its own wrangler dev on port+1); Baton's latency percentiles and workerd CPU
# per message are printed as ratios to it.
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
relay_port="$((port + 1))"
edge_pid=""
relay_pid=""
trap 'for p in "$edge_pid" "$relay_pid"; do [[ -z "$p" ]] || kill -KILL -- "-$p" 2>/dev/null || true; [[ -z "$p" ]] || wait "$p" 2>/dev/null || true; done; rm -rf "$state"' EXIT
source scripts/start-edge.sh
start_edge "$port" "$state/data" "$state/wrangler.log"
# The relay baseline: its own wrangler dev (offline, as scripts/edge-dev.sh) in its own process
# group, so the trap ends it and all its workerd children. No build step: plain JS.
mkdir -p "$state/relay"
# Same dev tooling as the edge (edge-dev.sh): no DevTools proxy.
source scripts/no-devtools-proxy.sh
(cd tests/bench/relay && CI=true exec setsid "$WRANGLER_BIN" dev --ip 127.0.0.1 --port "$relay_port" \
  --persist-to "$state/relay" --show-interactive-dev-session=false) >"$state/relay.log" 2>&1 &
relay_pid=$!
for _ in $(seq 1 180); do
  curl -fsS "http://127.0.0.1:$relay_port/" >/dev/null 2>&1 && break
  kill -0 "$relay_pid" 2>/dev/null || { cat "$state/relay.log"; echo "relay wrangler dev exited" >&2; exit 1; }
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$relay_port/" >/dev/null 2>&1 || { cat "$state/relay.log"; echo "relay not up on $relay_port" >&2; exit 1; }
export BATON_RELAY_URL="http://127.0.0.1:$relay_port"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -m); wrangler $("$WRANGLER_BIN" --version 2>/dev/null | tail -1)"
ulimit -n 65536 2>/dev/null || true
"${CARGO_TARGET_DIR:-target}/release/baton-bench" "$@"
echo
echo "== widget: bytes shipped, host-page impact (Chromium), Lighthouse with vs without the tag"
bash scripts/bench-widget.sh
echo
echo "== dashboard: first-screen bytes, sign-in → Active list cold and warm (Chromium)"
bash scripts/bench-dashboard.sh
