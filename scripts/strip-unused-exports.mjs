// Removes the wasm-bindgen classes of wasm-streams (IntoUnderlyingSource, IntoUnderlyingSink,
// IntoUnderlyingByteSource) from a web app's JS glue, and writes the graph for
// `wasm-metadce` that drops their exports (and the code only they reach) from the wasm.
//
// Why: leptos's server_fn pulls in wasm-streams, whose #[wasm_bindgen] exports are roots that
// no optimiser may remove, although nothing in the widget ever creates one (the glue has no
// `__wrap` for them). Gone, they save ~1 KB brotli of wasm and JS.
//   node scripts/strip-unused-exports.mjs GLUE.js MODULE.wasm GRAPH.json
// Rewrites GLUE.js in place. Fails if a removed export is still referenced by the glue, so a
// wasm-bindgen that starts using them breaks the build instead of the widget.
import { readFileSync, writeFileSync } from "node:fs";

const [gluePath, wasmPath, graphPath] = process.argv.slice(2);
if (!graphPath) {
  console.error("usage: node scripts/strip-unused-exports.mjs GLUE.js MODULE.wasm GRAPH.json");
  process.exit(2);
}
let glue = readFileSync(gluePath, "utf8");
const classes = [...glue.matchAll(/^export class (IntoUnderlying\w*) \{$/gm)].map((m) => m[1]);
const removed = [];
const cut = (re) => {
  glue = glue.replace(re, (text) => {
    removed.push(text);
    return "";
  });
};
for (const name of classes) {
  cut(new RegExp(`^export class ${name} \\{\\n[\\s\\S]*?^\\}\\n`, "m"));
  cut(new RegExp(`^if \\(Symbol\\.dispose\\) ${name}\\.prototype\\[Symbol\\.dispose\\].*\\n`, "m"));
  cut(new RegExp(`^const ${name}Finalization = [^;]*;\\n`, "m"));
}
const dropped = new Set(
  removed.flatMap((text) => [...text.matchAll(/wasm\.(\w+)/g)].map((m) => m[1])),
);
for (const name of classes) {
  if (new RegExp(`\\b${name}\\b`).test(glue)) {
    console.error(`strip-unused-exports: ${name} is still used by the glue; not stripping`);
    process.exit(1);
  }
}
const module = new WebAssembly.Module(readFileSync(wasmPath));
const exports = WebAssembly.Module.exports(module).map((e) => e.name);
for (const name of dropped) {
  if (new RegExp(`wasm\\.${name}\\b`).test(glue)) {
    console.error(`strip-unused-exports: export ${name} is still used by the glue`);
    process.exit(1);
  }
}
const kept = exports.filter((name) => !dropped.has(name));
const imports = WebAssembly.Module.imports(module);
const graph = [
  {
    name: "js",
    root: true,
    reaches: [...kept.map((_, i) => `e${i}`), ...imports.map((_, i) => `i${i}`)],
  },
  ...kept.map((name, i) => ({ name: `e${i}`, export: name })),
  ...imports.map((imp, i) => ({ name: `i${i}`, import: [imp.module, imp.name] })),
];
writeFileSync(gluePath, glue);
writeFileSync(graphPath, JSON.stringify(graph));
console.log(
  `strip-unused-exports: ${classes.length} classes, ${dropped.size} exports dropped` +
    ` (${exports.length - kept.length} present in the wasm)`,
);
