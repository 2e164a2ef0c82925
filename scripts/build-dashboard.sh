#!/usr/bin/env bash
# Builds the agent dashboard into edge/public/app/ (served by the edge at /app/, same origin as
# the API so the HttpOnly session cookie works):
#   index.html, sw.js, manifest.webmanifest, icon*.svg       stable names, revalidated
#   dashboard-HASH.js, dashboard-HASH.wasm, boot-HASH.js,    content-hashed, cached for a year
#   app-HASH.css                                             (the first screen)
#   dashboard-split_NAME-HASH.wasm, dashboard-chunk_N-HASH.wasm
#                                                            lazy screens, fetched on first use
#   edge/public/_headers                                       our block only (CSP, caching)
# Pipeline: cargo (wasm32, release profile, linked with --emit-relocs) → wasm-split-cli (cuts
# each `wasm_split` point of view/lazy.rs, and the code only it reaches, into its own module)
# → wasm-bindgen --target web --keep-lld-exports --remove-name-section on the main module → npm
# binaryen wasm-opt -Oz on every module → esbuild minify (bundles the split loader).
# Prints the sizes (raw, gzip, brotli): the first screen, then each lazy module.
# The previous build's hashed files are kept, so an open tab or a service worker still finds them.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$BATON_ROOT"
for bin in "$WASM_BINDGEN_BIN" "$WASM_OPT_BIN" "$ESBUILD_BIN" "$WASM_SPLIT_BIN"; do
  [[ -x "$bin" ]] || { echo "build-dashboard: missing $bin; run scripts/setup.sh" >&2; exit 1; }
done

# --emit-relocs only on the final link (arguments after `--` reach the dashboard crate alone):
# wasm-split needs the relocations to move functions and data out; the dependencies' builds
# stay shared with clippy and the other crates.
echo "build-dashboard: cargo rustc --release --target wasm32-unknown-unknown -p baton-dashboard --lib -- -C link-arg=--emit-relocs"
cargo rustc --release --target wasm32-unknown-unknown -p baton-dashboard --lib -- -C link-arg=--emit-relocs
target_dir="$(cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')"
wasm_in="$target_dir/wasm32-unknown-unknown/release/baton_dashboard.wasm"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# → $work/dashboard.wasm (main, still to be bound), split_*.wasm / chunk_*.wasm, and
# __wasm_split.js (the loader; it imports initSync from ./dashboard.js, wasm-bindgen's glue).
"$WASM_SPLIT_BIN" "$wasm_in" "$work" --target web --out-name dashboard
"$WASM_BINDGEN_BIN" --target web --no-typescript --remove-name-section --keep-lld-exports \
  --out-dir "$work" --out-name dashboard "$work/dashboard.wasm"
# Features come from the module's target_features section (kept by wasm-bindgen).
"$WASM_OPT_BIN" -Oz "$work/dashboard_bg.wasm" -o "$work/opt.wasm"

out="edge/public/app"
mkdir -p "$out"
hash() { sha256sum "$1" | cut -c1-12; }
# Lazy modules: optimised, content-hashed, and renamed in the loader before it is bundled.
chunks=()
for module in "$work"/split_*.wasm "$work"/chunk_*.wasm; do
  [[ -e "$module" ]] || continue
  stem="$(basename "$module" .wasm)"
  "$WASM_OPT_BIN" -Oz "$module" -o "$work/$stem.opt"
  name="dashboard-$stem-$(hash "$work/$stem.opt").wasm"
  cp "$work/$stem.opt" "$out/$name"
  sed -i "s|\"\./$stem\.wasm\"|\"./$name\"|" "$work/__wasm_split.js"
  chunks+=("$name")
done
# --bundle: inlines wasm-bindgen's JS snippets (snippets/…, e.g. the Web Push glue) and the
# split loader into one file.
"$ESBUILD_BIN" "$work/dashboard.js" --bundle --minify --format=esm --log-level=warning --outfile="$work/min.js"
"$ESBUILD_BIN" dashboard/static/app.css --minify --log-level=warning --outfile="$work/min.css"

js="dashboard-$(hash "$work/min.js").js"
wasm="dashboard-$(hash "$work/opt.wasm").wasm"
css="app-$(hash "$work/min.css").css"
# The boot module starts the app with the wasm next to it (no inline script: strict CSP).
printf "import init from './%s';\ninit({ module_or_path: new URL('./%s', import.meta.url) });\n" \
  "$js" "$wasm" >"$work/boot.js"
boot="boot-$(hash "$work/boot.js").js"
cp "$work/min.js" "$out/$js"
cp "$work/opt.wasm" "$out/$wasm"
cp "$work/min.css" "$out/$css"
cp "$work/boot.js" "$out/$boot"
cp dashboard/static/manifest.webmanifest dashboard/static/icon.svg dashboard/static/icon-maskable.svg "$out/"
sed -e "s/__CSS__/$css/" -e "s/__JS__/$js/" -e "s/__WASM__/$wasm/" -e "s/__BOOT__/$boot/" \
  dashboard/static/index.html >"$out/index.html"
shell="[\"./\", \"./$boot\", \"./$js\", \"./$wasm\", \"./$css\", \"./manifest.webmanifest\", \"./icon.svg\"]"
version="$(cat "$out/$js" "$out/$wasm" "$out/$css" "$out/index.html" | sha256sum | cut -c1-12)"
sed -e "s|__VERSION__|$version|" -e "s|__SHELL__|$shell|" dashboard/static/sw.js >"$out/sw.js"

# Keep this build and the previous one; remove older generations of hashed files.
manifest="$out/build.json"
previous=""
[[ -f "$manifest" ]] && previous="$(node -e 'const m=require(process.argv[1]);console.log([m.js,m.wasm,m.css,m.boot,...(m.chunks||[])].join(" "))' "$(realpath "$manifest")")"
chunk_list=""
for name in "${chunks[@]}"; do chunk_list+="\"$name\","; done
printf '{"js":"%s","wasm":"%s","css":"%s","boot":"%s","chunks":[%s]}\n' "$js" "$wasm" "$css" "$boot" "${chunk_list%,}" >"$manifest"
for file in "$out"/dashboard-* "$out"/app-* "$out"/boot-*; do
  [[ -e "$file" ]] || continue
  name="$(basename "$file")"
  case " $js $wasm $css $boot ${chunks[*]} $previous " in
    *" $name "*) ;;
    *) rm -f "$file" ;;
  esac
done

# _headers: replace only our block; the widget's build keeps its own.
headers="edge/public/_headers"
touch "$headers"
node - "$headers" <<'JS'
const fs = require("fs");
const file = process.argv[2];
const begin = "# --- dashboard (scripts/build-dashboard.sh) ---";
const end = "# --- end dashboard ---";
// The dashboard renders visitor text: a strict CSP is the second line of defence behind
// text-only rendering. 'wasm-unsafe-eval' is what WebAssembly needs, nothing more.
const block = `${begin}
/app/*
  Content-Security-Policy: default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; worker-src 'self'; manifest-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'
  X-Content-Type-Options: nosniff
  Referrer-Policy: no-referrer
  Cache-Control: no-cache
/app/dashboard-*
  Cache-Control: public, max-age=31536000, immutable
/app/boot-*
  Cache-Control: public, max-age=31536000, immutable
/app/app-*
  Cache-Control: public, max-age=31536000, immutable
${end}`;
let text = fs.readFileSync(file, "utf8");
const re = new RegExp(`${begin.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}[\\s\\S]*?${end}`);
text = re.test(text) ? text.replace(re, block) : (text.trimEnd() ? text.trimEnd() + "\n\n" : "") + block + "\n";
fs.writeFileSync(file, text);
JS

node - "$out" "index.html" "$boot" "$js" "$wasm" "$css" -- "${chunks[@]}" <<'JS'
const fs = require("fs"), zlib = require("zlib"), path = require("path");
const [dir, ...rest] = process.argv.slice(2);
const cut = rest.indexOf("--");
const kb = (n) => (n / 1024).toFixed(1).padStart(7) + " KB";
const table = (title, files) => {
  let total = [0, 0, 0];
  for (const name of files) {
    const data = fs.readFileSync(path.join(dir, name));
    const sizes = [data.length, zlib.gzipSync(data, { level: 9 }).length,
      zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length];
    sizes.forEach((s, i) => (total[i] += s));
    console.log(`build-dashboard: ${name.padEnd(44)} raw ${kb(sizes[0])}  gzip ${kb(sizes[1])}  brotli ${kb(sizes[2])}`);
  }
  console.log(`build-dashboard: ${title.padEnd(44)} raw ${kb(total[0])}  gzip ${kb(total[1])}  brotli ${kb(total[2])}`);
};
table("first screen", rest.slice(0, cut));
table("lazy screens (on first use)", rest.slice(cut + 1));
JS
echo "build-dashboard: edge/public/app/ ready (served at /app/)"
