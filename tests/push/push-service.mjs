// A loopback stand-in for a browser's push service (none is reachable here), playing the
// browser's part too: it makes subscriptions (a P-256 key pair and an auth secret, as a browser
// does), receives the edge's push requests, and checks each one with implementations independent
// of the edge's Rust: npm `jose` verifies the VAPID JWT (ES256 signature, aud = this origin,
// exp within 24 h, sub), npm `http_ece` decrypts the aes128gcm body with the subscription's
// private key. It never trusts the request: anything wrong is recorded as an error.
//
//   node tests/push/push-service.mjs      → prints {"port": N} on its first line
//   POST /subscriptions                    → {id, endpoint, keys: {p256dh, auth}}
//   POST /subscriptions/{id}/status {status} → answer pushes to it with this status (e.g. 410)
//   GET  /received?count=N&timeout_ms=T    → waits until N pushes arrived (or T), then lists all
//   POST /push/{id}                        ← the edge's push requests
import { createServer } from "node:http";
import { createECDH, randomBytes, randomUUID } from "node:crypto";
import ece from "http_ece";
import { importJWK, jwtVerify, decodeProtectedHeader } from "jose";

const b64u = (buf) => Buffer.from(buf).toString("base64url");
const subscriptions = new Map(); // id → {ecdh, auth, status}
const received = [];
const waiters = new Set();
let origin = "";

function notify() {
  for (const waiter of waiters) waiter();
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function send(res, status, value) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(value === undefined ? "" : JSON.stringify(value));
}

// RFC 8292: `Authorization: vapid t=<JWT>, k=<base64url uncompressed P-256 point>`.
async function checkVapid(header) {
  const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header ?? "");
  if (!match) throw new Error(`authorization is not "vapid t=…, k=…": ${header}`);
  const [, token, k] = match;
  const point = Buffer.from(k, "base64url");
  if (point.length !== 65 || point[0] !== 4) throw new Error("k is not an uncompressed P-256 point");
  const jwk = { kty: "EC", crv: "P-256", x: b64u(point.subarray(1, 33)), y: b64u(point.subarray(33)) };
  const key = await importJWK(jwk, "ES256");
  const protectedHeader = decodeProtectedHeader(token);
  if (protectedHeader.alg !== "ES256") throw new Error(`alg ${protectedHeader.alg}`);
  const { payload } = await jwtVerify(token, key, { audience: origin, algorithms: ["ES256"] });
  const now = Math.floor(Date.now() / 1000);
  if (typeof payload.exp !== "number" || payload.exp <= now || payload.exp > now + 24 * 3600) {
    throw new Error(`exp ${payload.exp} is not within 24 h of ${now}`);
  }
  if (!/^(mailto:|https:)/.test(payload.sub ?? "")) throw new Error(`sub ${payload.sub}`);
  return { k, claims: payload };
}

async function onPush(req, res, id) {
  const sub = subscriptions.get(id);
  const body = await readBody(req);
  const record = {
    subscription: id,
    at: Date.now(),
    ttl: req.headers["ttl"] ?? null,
    urgency: req.headers["urgency"] ?? null,
    topic: req.headers["topic"] ?? null,
    content_encoding: req.headers["content-encoding"] ?? null,
    status: sub ? sub.status : 404,
    errors: [],
  };
  try {
    if (!sub) throw new Error("unknown subscription");
    if (record.content_encoding !== "aes128gcm") throw new Error(`content-encoding ${record.content_encoding}`);
    if (!/^\d+$/.test(record.ttl ?? "")) throw new Error(`TTL ${record.ttl}`);
    const vapid = await checkVapid(req.headers["authorization"]);
    record.vapid_key = vapid.k;
    record.claims = vapid.claims;
    const plain = ece.decrypt(body, { version: "aes128gcm", privateKey: sub.ecdh, authSecret: b64u(sub.auth) });
    record.payload = JSON.parse(plain.toString("utf8"));
  } catch (error) {
    record.errors.push(String(error?.message ?? error));
    if (record.status < 400) record.status = 400;
  }
  received.push(record);
  notify();
  send(res, record.status);
}

const server = createServer(async (req, res) => {
  try {
    const url = new URL(req.url, origin);
    const parts = url.pathname.split("/").filter(Boolean);
    if (req.method === "POST" && url.pathname === "/subscriptions") {
      const ecdh = createECDH("prime256v1");
      ecdh.generateKeys();
      const auth = randomBytes(16);
      const id = randomUUID();
      subscriptions.set(id, { ecdh, auth, status: 201 });
      return send(res, 201, {
        id,
        endpoint: `${origin}/push/${id}`,
        keys: { p256dh: b64u(ecdh.getPublicKey()), auth: b64u(auth) },
      });
    }
    if (req.method === "POST" && parts[0] === "subscriptions" && parts[2] === "status") {
      const sub = subscriptions.get(parts[1]);
      if (!sub) return send(res, 404, { error: "unknown" });
      sub.status = JSON.parse((await readBody(req)).toString()).status;
      return send(res, 200, { ok: true });
    }
    if (req.method === "GET" && url.pathname === "/received") {
      const count = Number(url.searchParams.get("count") ?? 0);
      const timeout = Number(url.searchParams.get("timeout_ms") ?? 0);
      if (received.length < count) {
        await new Promise((resolve) => {
          const done = () => {
            if (received.length >= count) {
              waiters.delete(done);
              clearTimeout(timer);
              resolve();
            }
          };
          const timer = setTimeout(() => {
            waiters.delete(done);
            resolve();
          }, timeout);
          waiters.add(done);
        });
      }
      return send(res, 200, received);
    }
    if (req.method === "POST" && parts[0] === "push" && parts[1]) return await onPush(req, res, parts[1]);
    send(res, 404, { error: "not found" });
  } catch (error) {
    send(res, 500, { error: String(error) });
  }
});

server.listen(Number(process.env.PUSH_SERVICE_PORT ?? 0), "127.0.0.1", () => {
  origin = `http://127.0.0.1:${server.address().port}`;
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
