# shellcheck shell=bash
# One way to start the local edge and wait until it answers, for every script that needs one:
#
#   source scripts/start-edge.sh
#   start_edge PORT STATE_DIR LOG     # sets edge_pid (its process group: kill -- -$edge_pid)
#
# Uses the existing build (BATON_PREBUILT=1) and BATON_BOOTSTRAP_TOKEN from the environment.
# Returns non-zero, with the log printed, if wrangler dev exits or is not healthy in 90 s.
start_edge() {
  local port="$1" state="$2" log="$3"
  # Read by the tests that check what the edge would have emailed (tests/src/mail.rs).
  export BATON_EDGE_LOG="$log"
  BATON_PREBUILT=1 setsid bash "$BATON_ROOT/scripts/edge-dev.sh" "$port" "$state" >"$log" 2>&1 &
  edge_pid=$!
  local url="http://127.0.0.1:$port/api/v1/health"
  for _ in $(seq 1 180); do
    if curl -fsS "$url" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$edge_pid" 2>/dev/null; then
      cat "$log"; echo "wrangler dev exited" >&2; return 1
    fi
    sleep 0.5
  done
  curl -fsS "$url" >/dev/null 2>&1 || { cat "$log"; echo "edge not healthy on $port" >&2; return 1; }
}
