#!/usr/bin/env bash
# Builds the visitor widget into edge/public/ (served by the edge as static assets):
#   edge/public/widget.js                 the loader (stable URL, short cache)
#   edge/public/widget/baton-HASH.{js,wasm,css}   content-hashed, cached for a year
#   edge/public/_headers                  CORS + caching rules for those paths (our block only)
# Pipeline: cargo (wasm32, release profile) →
# wasm-bindgen --target web --remove-name-section → npm binaryen wasm-opt -Oz → esbuild minify.
# The previous build's files are kept, so a loader cached for a few minutes still finds them.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$BATON_ROOT"
for bin in "$WASM_BINDGEN_BIN" "$WASM_OPT_BIN" "$ESBUILD_BIN"; do
  [[ -x "$bin" ]] || { echo "build-widget: missing $bin; run scripts/setup.sh" >&2; exit 1; }
done

echo "build-widget: cargo build --release --target wasm32-unknown-unknown -p baton-widget"
cargo build --release --target wasm32-unknown-unknown -p baton-widget
target_dir="$(cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')"
wasm_in="$target_dir/wasm32-unknown-unknown/release/baton_widget.wasm"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$WASM_BINDGEN_BIN" --target web --no-typescript --remove-name-section \
  --out-dir "$work" --out-name baton "$wasm_in"
# Features are read from the module's target_features section (kept by wasm-bindgen).
"$WASM_OPT_BIN" -Oz --converge "$work/baton_bg.wasm" -o "$work/opt.wasm"
"$ESBUILD_BIN" widget/style.css --minify --log-level=warning --outfile="$work/min.css"
# The file-sending add-on (widget/attach.js), fetched only when a chat first reaches a person:
# the glue imports it by its hashed name (the inline snippet of widget/src/web/attach.rs),
# bundled into the glue so that no snippets/ folder has to be served.
"$ESBUILD_BIN" widget/attach.js --minify --format=esm --log-level=warning --outfile="$work/attach.js"
hash() { sha256sum "$1" | cut -c1-12; }
attach="attach-$(hash "$work/attach.js").js"
"$ESBUILD_BIN" "$work/baton.js" --bundle --minify --format=esm --log-level=warning --outfile="$work/min.js"
sed -i "s/__BATON_ATTACH__/$attach/" "$work/min.js"
grep -q "$attach" "$work/min.js" || { echo "build-widget: the glue does not name $attach" >&2; exit 1; }

out="edge/public/widget"
mkdir -p "$out"
js="baton-$(hash "$work/min.js").js"
wasm="baton-$(hash "$work/opt.wasm").wasm"
css="baton-$(hash "$work/min.css").css"
cp "$work/min.js" "$out/$js"
cp "$work/opt.wasm" "$out/$wasm"
cp "$work/min.css" "$out/$css"
cp "$work/attach.js" "$out/$attach"

# Keep this build and the previous one; remove older generations.
manifest="$out/manifest.json"
previous=""
[[ -f "$manifest" ]] && previous="$(node -e 'const m=require(process.argv[1]);console.log([m.js,m.wasm,m.css,m.attach].join(" "))' "$(realpath "$manifest")")"
printf '{"js":"%s","wasm":"%s","css":"%s","attach":"%s"}\n' "$js" "$wasm" "$css" "$attach" >"$manifest"
for file in "$out"/baton-* "$out"/attach-*; do
  [[ -e "$file" ]] || continue
  name="$(basename "$file")"
  case " $js $wasm $css $attach $previous " in
    *" $name "*) ;;
    *) rm -f "$file" ;;
  esac
done

sed -e "s/__BATON_JS__/$js/" -e "s/__BATON_WASM__/$wasm/" -e "s/__BATON_CSS__/$css/" widget/loader.js \
  | "$ESBUILD_BIN" --minify --loader=js --target=es2020 --log-level=warning >edge/public/widget.js

# _headers: replace only our block, other builds (dashboard) keep theirs.
headers="edge/public/_headers"
touch "$headers"
node - "$headers" <<'JS'
const fs = require("fs");
const file = process.argv[2];
const begin = "# --- widget (scripts/build-widget.sh) ---";
const end = "# --- end widget ---";
const block = `${begin}
/widget.js
  Access-Control-Allow-Origin: *
  Cache-Control: public, max-age=300
  X-Content-Type-Options: nosniff
/widget/*
  Access-Control-Allow-Origin: *
  Cache-Control: public, max-age=31536000, immutable
  X-Content-Type-Options: nosniff
${end}`;
let text = fs.readFileSync(file, "utf8");
const re = new RegExp(`${begin.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}[\\s\\S]*?${end}`);
text = re.test(text) ? text.replace(re, block) : (text.trimEnd() ? text.trimEnd() + "\n\n" : "") + block + "\n";
fs.writeFileSync(file, text);
JS
echo "build-widget: edge/public/widget.js → widget/$js, widget/$wasm, widget/$css (+ widget/$attach on use)"
