// Serves a folder as GitHub Pages does, over HTTP/2 with TLS (a throwaway self-signed
// certificate) and gzip for text files, and logs every response as "path raw_bytes sent_bytes"
// to a file. For scripts/bench-search.py: HTTP/2 matters, because over HTTP/1.1 a browser opens
// six connections to a host and queues the rest, which no real Pages visitor sees.
//
//   node search-server.mjs DOCS_DIR PORT LOG_FILE KEY.pem CERT.pem
import fs from "node:fs";
import http2 from "node:http2";
import path from "node:path";
import zlib from "node:zlib";

const [root, port, logFile, key, cert] = process.argv.slice(2);
const types = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".mjs": "text/javascript",
  ".json": "application/json", ".css": "text/css", ".svg": "image/svg+xml",
  ".wasm": "application/wasm",
};
const compressed = new Set([".html", ".js", ".mjs", ".json", ".css", ".svg", ".xml", ".md"]);
const base = path.resolve(root);

// Compressed bodies, kept: a CDN does not compress a file again for every visitor, and the
// bench measures the browser, not this server's CPU.
const cache = new Map();

const server = http2.createSecureServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) });
server.on("stream", (stream, headers) => {
  let local = path.resolve(base, "." + decodeURIComponent(headers[":path"].split(/[?#]/)[0]));
  if (local.startsWith(base) && fs.existsSync(local) && fs.statSync(local).isDirectory()) {
    local = path.join(local, "index.html");
  }
  if (!local.startsWith(base) || !fs.existsSync(local)) {
    stream.respond({ ":status": 404 });
    stream.end();
    return;
  }
  const extension = path.extname(local);
  const gzip = compressed.has(extension) && /gzip/.test(headers["accept-encoding"] || "");
  const cacheKey = (gzip ? "gz:" : "") + local;
  if (!cache.has(cacheKey)) {
    const raw = fs.readFileSync(local);
    cache.set(cacheKey, { raw: raw.length, body: gzip ? zlib.gzipSync(raw, { level: 6 }) : raw });
  }
  const { raw, body } = cache.get(cacheKey);
  const head = { ":status": 200, "content-type": types[extension] || "application/octet-stream",
    "content-length": body.length, "cache-control": "no-store" };
  if (gzip) head["content-encoding"] = "gzip";
  stream.respond(head);
  stream.end(body);
  fs.appendFileSync(logFile, `${headers[":path"]} ${raw} ${body.length}\n`);
});
server.listen(Number(port), "127.0.0.1");
