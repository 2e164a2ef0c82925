#!/usr/bin/env bash
# Runs the edge locally and offline on workerd: scripts/edge-dev.sh [PORT] [STATE_DIR]
# Applies the D1 migrations to STATE_DIR first. With BATON_PREBUILT=1 the existing build is
# reused (tests); otherwise wrangler's [build] command rebuilds the worker.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
port="${1:-8787}"
state="${2:-$BATON_ROOT/.wrangler/state}"
mkdir -p "$state"
cd "$BATON_ROOT/edge"
export CI=true
"$WRANGLER_BIN" d1 migrations apply DB --local --persist-to "$state" >/dev/null
# Reply addresses of ticket answers are signed with EMAIL_REPLY_SECRET; locally a fixed one
# (a deploy sets its own secret, see README "Deploy").
# Locally the LLM key may go to a loopback endpoint only (tests and demos run one there); a
# deploy sets its own LLM_ALLOWED_URLS (see README, "Security model").
exec "$WRANGLER_BIN" dev --ip 127.0.0.1 --port "$port" --persist-to "$state" \
  --show-interactive-dev-session=false --var "BOOTSTRAP_TOKEN:${BATON_BOOTSTRAP_TOKEN:?set BATON_BOOTSTRAP_TOKEN}" \
  --var "LLM_ALLOWED_URLS:${BATON_LLM_ALLOWED_URLS:-http://127.0.0.1:*}" \
  --var "EMAIL_REPLY_SECRET:${BATON_EMAIL_REPLY_SECRET:-local-only-reply-secret-0123456789}"
