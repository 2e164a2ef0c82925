#!/usr/bin/env bash
# Widget benchmark (README "Widget"): bytes shipped and host-page impact.
#
#   bash scripts/bench-widget.sh           sizes, then Chromium figures: click → interactive and
#                                          long tasks, and Lighthouse on a page with vs without
#                                          the tag (starts its own edge unless BATON_EDGE_URL +
#                                          BATON_BOOTSTRAP_TOKEN are set)
#   bash scripts/bench-widget.sh --check   sizes only; fails above the hard caps below
#
# Sizes are of what build-widget.sh wrote to edge/public: the loader (widget.js) and the whole
# widget (wasm + JS glue + CSS), raw / gzip -9 / brotli q11.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$BATON_ROOT"

# Hard caps in bytes, brotli. Set just over the current size: growing past them is a decision
# (raise the cap in the same commit, with the reason), never an accident.
# Loader 1500 → 1520: waiting for a press on the launcher to end before the widget's launcher
# replaces it (a click whose release came after the load was lost: the chat stayed shut) took
# 1511 B; the target stays 2 KB.
LOADER_CAP=1520
# 101000 → 101600 (issue 11): the "Did you mean…?" buttons and their live-region announcement
# cost ~400 B brotli after trimming (fixed buttons, no extra frame); with main as of da223ac the
# whole widget is 101564 B (99.2 KiB).
# 101600 → 102000 (merge of issues 9, 10, 11, 15): the core protocol the widget links grew (new
# event kinds and close codes); 101764 B (99.4 KiB). Still under 100 KiB, but over a decimal
# 100 KB: winning bytes back is issue 15's item 6.
# 102000 → 102100 (merge of issues 12, 13, 14, 16, 17): the queue place, rating and transcript
# commands paid for themselves (issue 13 stripped unused wasm-streams exports, −1 178 B), but the
# core types the widget links gained fields (settings and summaries); 102025 B (99.6 KiB).
# 102100 → 102200 (no widget change): the same sources build to two different wasm files, with
# identical function sizes but a different layout, 102046 B or 102123 B brotli, depending on
# whether baton-core was recompiled in the same cargo run (measured on main 6704627: touch
# widget/src/lib.rs → 102046; touch core/src/lib.rs too → 102123, each time). A cap inside that
# spread fails at random. Why rustc lays the module out differently is not found yet.
# 102200 → 98700 (issue 13, "Delete this conversation"): the button came in with savings
# (serde_json out of the wasm; fewer distinct reactive value types, each a copy of Leptos's
# render-effect code; no Signal::derive): 98482 B, with or without baton-core recompiled in the
# run (a pre-format build of the same code measured 98585: panic locations moved). Lowered to
# just above, so the room won (~3.5 KB) is kept for attachments, not lost to drift.
# 98700 → 100400 (issue 12, files in the chat): showing files (the name as a link, an image above
# it, through the one link view) and handing the panel to the add-on cost ~1.8 KB (100306 B);
# sending (paperclip, paste, drop, upload) is widget/attach.js, 0.9 KB brotli fetched only when
# a chat first reaches a person, so not counted here. Still under issue 12's 101 000 B and the
# SPEC's 100 KiB.
# 100400 → 94700 (issue 15): HTTP and the add-on's import through the glue's promises instead of
# Rust futures, no char-boundary panic (strings sliced with `get`), the languages and the start
# body from the glue: 94522 B. A wasm-streams stub (89537 B) was not taken: see the README.
# 94700 → 89800 (issue 15, item 6): wasm-streams 0.5, which Leptos's server functions pull in,
# replaced by stubs/wasm-streams (root [patch]; the edge's worker uses 0.7, untouched), and the
# export-stripping step it made needless removed: 89662 B, with or without baton-core recompiled.
WIDGET_CAP=89800

manifest="edge/public/widget/manifest.json"
[[ -f "$manifest" ]] || { echo "bench-widget: no $manifest; run scripts/build-widget.sh" >&2; exit 1; }
node - "$LOADER_CAP" "$WIDGET_CAP" <<'JS'
const fs = require("fs");
const zlib = require("zlib");
const [loaderCap, widgetCap] = process.argv.slice(2).map(Number);
const m = JSON.parse(fs.readFileSync("edge/public/widget/manifest.json", "utf8"));
const size = (file) => {
  const b = fs.readFileSync(file);
  return {
    raw: b.length,
    gzip: zlib.gzipSync(b, { level: 9 }).length,
    brotli: zlib.brotliCompressSync(b, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
};
const rows = [
  ["loader widget.js", size("edge/public/widget.js")],
  ["widget wasm", size(`edge/public/widget/${m.wasm}`)],
  ["widget JS glue", size(`edge/public/widget/${m.js}`)],
  ["widget CSS", size(`edge/public/widget/${m.css}`)],
];
const whole = rows.slice(1).reduce((a, [, s]) => ({
  raw: a.raw + s.raw, gzip: a.gzip + s.gzip, brotli: a.brotli + s.brotli,
}), { raw: 0, gzip: 0, brotli: 0 });
rows.push(["whole widget", whole]);
// Fetched only when a chat first reaches a person (sending files), so not in the widget's cap.
if (m.attach) rows.push(["+ files add-on", size(`edge/public/widget/${m.attach}`)]);
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`.padStart(10);
console.log(`${"bytes shipped".padEnd(18)}${"raw".padStart(10)}${"gzip".padStart(10)}${"brotli".padStart(10)}`);
for (const [name, s] of rows) console.log(`${name.padEnd(18)}${kb(s.raw)}${kb(s.gzip)}${kb(s.brotli)}`);
console.log(`targets: loader ≤ 2 KB brotli, whole widget ≤ 90 KB brotli (issue 15); caps: loader ${loaderCap} B, widget ${widgetCap} B`);
const loader = rows[0][1].brotli;
let failed = false;
if (loader > loaderCap) { console.error(`size check: loader is ${loader} B brotli, over its cap of ${loaderCap} B`); failed = true; }
if (whole.brotli > widgetCap) { console.error(`size check: widget is ${whole.brotli} B brotli, over its cap of ${widgetCap} B`); failed = true; }
if (failed) process.exit(1);
console.log(`size check: ok (loader ${loader} B, widget ${whole.brotli} B brotli)`);
JS
[[ "${1:-}" == "--check" ]] && exit 0

# Host-page impact needs an edge that serves this build.
if [[ -z "${BATON_EDGE_URL:-}" || -z "${BATON_BOOTSTRAP_TOKEN:-}" ]]; then
  port="${BATON_BENCH_PORT:-8786}"
  state="$(mktemp -d)"
  export BATON_BOOTSTRAP_TOKEN="bench-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  export BATON_EDGE_URL="http://127.0.0.1:$port"
  edge_pid=""
  trap '[[ -z "$edge_pid" ]] || kill -s KILL -- "-$edge_pid" 2>/dev/null || true; [[ -z "$edge_pid" ]] || wait "$edge_pid" 2>/dev/null || true; rm -rf "$state"' EXIT
  source scripts/start-edge.sh
  start_edge "$port" "$state/data" "$state/wrangler.log"
fi
echo "host-page impact in Chromium against $BATON_EDGE_URL:"
scratch="$(mktemp -d)"
TMPDIR="$scratch" node tests/browser/widget/bench.mjs
echo
echo "host page with vs without the tag (Lighthouse):"
TMPDIR="$scratch" node tests/browser/widget/lighthouse.mjs
rm -rf "$scratch"
