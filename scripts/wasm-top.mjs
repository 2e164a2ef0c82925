// Where the bytes of a wasm module go (a small stand-in for `twiggy top`, which is not installed
// here): section sizes, data segments, and the largest functions by body size, named from the
// module's "name" section (build without --remove-name-section to have one). Used by hand when
// slimming the widget or dashboard:
//   node scripts/wasm-top.mjs path/to/module.wasm [N] [--group]
// --group sums function sizes by crate (the name's first path segment, demangled roughly).
import { readFileSync } from "node:fs";

const [file, countArg, ...flags] = process.argv.slice(2);
if (!file) {
  console.error("usage: node scripts/wasm-top.mjs MODULE.wasm [N] [--group]");
  process.exit(2);
}
const top = Number(countArg || 40);
const bytes = readFileSync(file);
let pos = 8;
const u32 = () => {
  let result = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[pos++];
    result |= (b & 0x7f) << shift;
    if (!(b & 0x80)) return result >>> 0;
    shift += 7;
  }
};
const name = () => {
  const len = u32();
  const s = bytes.subarray(pos, pos + len).toString("utf8");
  pos += len;
  return s;
};

const sections = [];
let importedFuncs = 0;
const bodies = [];
const names = new Map();
let dataBytes = 0;
const SECTION = ["custom", "type", "import", "function", "table", "memory", "global", "export", "start", "element", "code", "data", "datacount"];
while (pos < bytes.length) {
  const id = bytes[pos++];
  const size = u32();
  const start = pos;
  const end = pos + size;
  let label = SECTION[id] || `#${id}`;
  if (id === 0) label = `custom "${name()}"`;
  if (id === 2) {
    for (let n = u32(), i = 0; i < n; i++) {
      name();
      name();
      const kind = bytes[pos++];
      if (kind === 0) { u32(); importedFuncs++; }
      else if (kind === 1) { pos++; const f = u32(); u32(); if (f & 1) u32(); }
      else if (kind === 2) { const f = u32(); u32(); if (f & 1) u32(); }
      else if (kind === 3) { pos += 2; }
      else if (kind === 4) { pos++; u32(); }
    }
  }
  if (id === 10) {
    for (let n = u32(), i = 0; i < n; i++) {
      const len = u32();
      bodies.push({ index: importedFuncs + i, size: len });
      pos += len;
    }
  }
  if (id === 11) dataBytes = size;
  if (label === 'custom "name"') {
    while (pos < end) {
      const sub = bytes[pos++];
      const len = u32();
      const subEnd = pos + len;
      if (sub === 1) {
        for (let n = u32(), i = 0; i < n; i++) {
          const index = u32();
          names.set(index, name());
        }
      }
      pos = subEnd;
    }
  }
  sections.push({ label, size });
  pos = end;
  void start;
}

console.log(`${file}: ${bytes.length} bytes`);
for (const s of sections) console.log(`  ${s.label.padEnd(28)} ${String(s.size).padStart(9)}`);
console.log(`  data segments: ${dataBytes} bytes; ${bodies.length} functions, ${importedFuncs} imported`);

/** The first path segment of a (legacy-mangled or plain) Rust symbol: its crate, roughly. */
function crateOf(raw) {
  const m = /^_ZN(\d+)/.exec(raw);
  if (m) return raw.slice(3 + m[1].length, 3 + m[1].length + Number(m[1]));
  return raw.replace(/^[<&*\s]+/, "").split(/::|[ <>]/)[0] || "?";
}
if (flags.includes("--group")) {
  const groups = new Map();
  for (const b of bodies) {
    const raw = names.get(b.index) || "?";
    const crate = crateOf(raw);
    groups.set(crate, (groups.get(crate) || 0) + b.size);
  }
  for (const [crate, size] of [...groups].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${String(size).padStart(9)}  ${crate}`);
  }
} else {
  for (const b of bodies.sort((a, b) => b.size - a.size).slice(0, top)) {
    console.log(`${String(b.size).padStart(9)}  ${names.get(b.index) || `func[${b.index}]`}`);
  }
}
