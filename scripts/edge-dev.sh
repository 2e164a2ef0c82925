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
source "$BATON_ROOT/scripts/no-devtools-proxy.sh"
"$WRANGLER_BIN" d1 migrations apply DB --local --persist-to "$state" >/dev/null
# Web Push: a VAPID key pair per local state (kept in it, so subscriptions outlive a restart);
# a deploy sets the secret VAPID_PRIVATE_KEY instead (README, "Deploy"). Subscriptions may
# point at a loopback push service only here.
vapid_file="$state/vapid-private-key"
if [[ -z "${BATON_VAPID_PRIVATE_KEY:-}" && ! -s "$vapid_file" ]]; then
  node -e 'const {generateKeyPairSync} = require("node:crypto");
    process.stdout.write(generateKeyPairSync("ec", {namedCurve: "prime256v1"}).privateKey.export({format: "jwk"}).d)' \
    > "$vapid_file"
fi
vapid_key="${BATON_VAPID_PRIVATE_KEY:-$(cat "$vapid_file")}"
# Reply addresses of ticket answers are signed with EMAIL_REPLY_SECRET; locally a fixed one
# (a deploy sets its own secret, see README "Deploy").
# Locally the LLM key may go to a loopback endpoint only (tests and demos run one there); a
# deploy sets its own LLM_ALLOWED_URLS (see README, "Security model"). Sign-up is open locally
# (BATON_SIGNUP=invite|off to try the others) and the FAQ import may fetch loopback pages;
# a deploy's SIGNUP defaults to off (wrangler.toml).
exec "$WRANGLER_BIN" dev --ip 127.0.0.1 --port "$port" --persist-to "$state" \
  --show-interactive-dev-session=false --test-scheduled --var "BOOTSTRAP_TOKEN:${BATON_BOOTSTRAP_TOKEN:?set BATON_BOOTSTRAP_TOKEN}" \
  --var "LLM_ALLOWED_URLS:${BATON_LLM_ALLOWED_URLS:-http://127.0.0.1:*}" \
  --var "EMAIL_REPLY_SECRET:${BATON_EMAIL_REPLY_SECRET:-local-only-reply-secret-0123456789}" \
  --var "SIGNUP:${BATON_SIGNUP:-open}" --var "IMPORT_LOOPBACK:1" \
  --var "VAPID_PRIVATE_KEY:$vapid_key" --var "VAPID_SUBJECT:mailto:push@baton.invalid" \
  --var "PUSH_ALLOW_LOOPBACK:true"
