#!/usr/bin/env bash
# The README's demo command: installs what is missing, builds the edge, starts it locally and
# offline on workerd (wrangler dev), seeds the demo site and its agents, prints the logins.
# State persists in .wrangler/demo between runs. Stop with Ctrl-C.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$BATON_ROOT"
port="${BATON_DEMO_PORT:-8787}"
state="$BATON_ROOT/.wrangler/demo"
mkdir -p "$state"
token_file="$state/bootstrap-token"
[[ -s "$token_file" ]] || head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$token_file"
export BATON_BOOTSTRAP_TOKEN="$(cat "$token_file")"
base="http://127.0.0.1:$port"

bash scripts/build-edge.sh
# --- web: build the widget and dashboard into edge/public before the edge starts ------------
bash scripts/build-widget.sh
bash scripts/build-dashboard.sh
# --- end web ---------------------------------------------------------------------------------
echo "demo: starting wrangler dev on $base"
edge_pid=""
trap '[[ -z "$edge_pid" ]] || kill -TERM -- "-$edge_pid" 2>/dev/null || true; [[ -z "$edge_pid" ]] || wait "$edge_pid" 2>/dev/null || true' EXIT INT TERM
source scripts/start-edge.sh
start_edge "$port" "$state/data" "$state/wrangler.log"

# The demo site: a kayak tour operator with its knowledge base and two agents.
node -e '
const kb = require(process.argv[1]);
const body = {
  site: { id: "northwind", name: "Northwind Kayak Tours", settings: {
    knowledge_base: kb,
    contact_details: "Call us on +47 912 34 567 (9-17) or write to hello@northwindkayak.example.",
    groups: ["bookings", "support"],
  } },
  agents: [
    { email: "ann@northwind.example", name: "Ann", password: "demo-password-ann", role: "admin" },
    { email: "bob@northwind.example", name: "Bob", password: "demo-password-bob", role: "agent" },
  ],
};
process.stdout.write(JSON.stringify(body));
' "$BATON_ROOT/demo-site/knowledge-base.json" >"$state/bootstrap.json"
curl -fsS -X POST "$base/api/v1/bootstrap" -H "authorization: Bearer $BATON_BOOTSTRAP_TOKEN" \
  -H 'content-type: application/json' --data @"$state/bootstrap.json" >/dev/null

# --- web: start the demo site and print its URL ------------------------------------------
# The customer's website, on its own origin, embedding the widget with one <script> tag.
site_port="${BATON_DEMO_SITE_PORT:-8080}"
setsid node scripts/serve-demo-site.mjs --port "$site_port" --edge "$base" >"$state/demo-site.log" 2>&1 &
site_pid=$!
trap 'kill -TERM -- "-$site_pid" "-$edge_pid" 2>/dev/null || true; wait "$edge_pid" 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 1 40); do
  curl -fsS -o /dev/null "http://127.0.0.1:$site_port/" 2>/dev/null && break
  kill -0 "$site_pid" 2>/dev/null || { cat "$state/demo-site.log"; exit 1; }
  sleep 0.25
done
echo
echo "  Demo website with the chat widget: http://localhost:$site_port/  (Northwind Kayak Tours)"
echo "  Agent dashboard (installable as an app): $base/app/  (sign in with a login below)"
# --- end web ---------------------------------------------------------------------------------
cat <<MSG

  Baton demo is running (edge on workerd, offline): $base
  Demo site id: northwind

  Agent logins
    admin  ann@northwind.example / demo-password-ann
    agent  bob@northwind.example / demo-password-bob

  Try the whole handoff by hand, in two terminals:
    cargo run -q -p baton-tests --bin baton-chat -- visitor --edge $base --site northwind
    cargo run -q -p baton-tests --bin baton-chat -- agent --edge $base --site northwind \\
        --email ann@northwind.example --password demo-password-ann
  (type /help in either). API reference: docs/API.md. Logs: $state/wrangler.log

  A new business signs up at $base/app/#signup ; the emails the edge sends (verification
  and invitation links) are printed below as they go out.
  Ctrl-C stops the demo.
MSG
BATON_EDGE_LOG="$state/wrangler.log" node scripts/demo-mail.mjs &
mail_pid=$!
trap 'kill -TERM "$mail_pid" 2>/dev/null; kill -TERM -- "-$site_pid" "-$edge_pid" 2>/dev/null || true; wait "$edge_pid" 2>/dev/null || true' EXIT INT TERM
wait "$edge_pid"
