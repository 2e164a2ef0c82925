#!/usr/bin/env node
// Serves demo-site/ as a customer's own website would: its own origin (not the edge's), the one
// widget <script> tag pointing at the edge (the placeholder __BATON_EDGE__ is replaced), and a
// strict Content-Security-Policy that allows exactly what README "Widget" documents.
//
//   node scripts/serve-demo-site.mjs [--port 8080] [--edge http://127.0.0.1:8787]
//
// No dependencies: node:http only. Static files, GET/HEAD, no directory listings.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const port = Number(option("port", process.env.BATON_DEMO_SITE_PORT || 8080));
const edge = option("edge", process.env.BATON_EDGE_URL || "http://127.0.0.1:8787").replace(/\/+$/, "");
const root = join(fileURLToPath(new URL("..", import.meta.url)), "demo-site");

const edgeOrigin = new URL(edge).origin;
const socketOrigin = edgeOrigin.replace(/^http/, "ws");
const csp = [
  "default-src 'self'",
  `script-src 'self' ${edgeOrigin} 'wasm-unsafe-eval'`,
  `connect-src 'self' ${edgeOrigin} ${socketOrigin}`,
  "style-src 'self'",
  // The edge too: images sent in a chat show as thumbnails in the widget.
  `img-src 'self' data: ${edgeOrigin}`,
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const types = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

const handler = async (req, res) => {
  const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
  const file = normalize(join(root, path.endsWith("/") ? `${path}index.html` : path));
  const type = types[extname(file)];
  if (!["GET", "HEAD"].includes(req.method) || !file.startsWith(root + sep) || !type) {
    res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
    return;
  }
  try {
    let body = await readFile(file);
    if (type.startsWith("text/html")) body = body.toString().replaceAll("__BATON_EDGE__", edge);
    res.writeHead(200, {
      "content-type": type,
      "content-security-policy": csp,
      "x-content-type-options": "nosniff",
      "cache-control": "no-cache",
    });
    res.end(req.method === "HEAD" ? undefined : body);
  } catch {
    res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
  }
};

// Loopback only, on both IPv4 and IPv6 (browsers may resolve localhost to either).
createServer(handler).listen(port, "127.0.0.1", () => {
  console.log(`demo site: http://localhost:${port}/ (widget from ${edge})`);
});
createServer(handler).on("error", () => {}).listen(port, "::1");
