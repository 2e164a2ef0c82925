#!/usr/bin/env bash
# Chaos: kills workerd (kill -9, by pid) at a random instant of every round while visitors leave
# messages, chats are missed, archived and forwarded and ticket webhooks go to a loopback
# receiver failing 30 % of requests; then checks every ticket, index row, statistics fact and
# webhook exists exactly once, and prints the counts. Runs its own edge on a free port.
#   bash scripts/chaos.sh [--rounds 100] [--per-round 6] [--seed S]
# With BATON_PREBUILT=1 the existing edge build is reused (scripts/test.sh does that).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$BATON_ROOT"
[[ "${BATON_PREBUILT:-}" == 1 ]] || bash scripts/build-edge.sh >/dev/null
cargo build -q -p baton-tests --bin baton-chaos
export BATON_BOOTSTRAP_TOKEN="${BATON_BOOTSTRAP_TOKEN:-chaos-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')}"
"${CARGO_TARGET_DIR:-target}/debug/baton-chaos" "$@"
