#!/usr/bin/env python3
"""Times search queries in a real headless Chromium on an emulated slow link, cold cache.

  bench-search.py DOCS_DIR [--pagefind] [--latency MS] [--mbit N] QUERY...

For each query, a fresh browser (no cache) opens the search page over an emulated link
(`--mbit` down and up, `--latency` added to every request: Chromium's own network emulation
through chromedriver), waits until the page is ready, then runs the query and reports:
  - ms until the first results show (the page's own clock),
  - requests and bytes the query downloaded (as sent, gzip-compressed like GitHub Pages),
  - the number of results.
With --pagefind it does the same through pagefind's JavaScript API on DOCS_DIR/pagefind/
(a bench page, pf-bench.html, is written into DOCS_DIR): `search()`, then the data of the first
ten results, which is what a results list shows.

The files are served over HTTP/2 with gzip, as GitHub Pages serves them, by search-server.mjs.
Needs chromium and chromedriver (Debian: apt-get install chromium chromium-driver), node and
openssl; the Python standard library only. Used by scripts/bench-search.sh.
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
PAGE_SIZE = 10

OURS_READY = "return document.getElementById('search-status').textContent.indexOf('Type words') === 0;"
# Runs the query through the form, as a reader's Enter does, and notes when results show.
OURS_RUN = """
const query = arguments[0];
window.__bench = null;
const status = document.getElementById('search-status');
const results = document.getElementById('search-results');
const start = performance.now();
let firstAt = null;
const done = () => {
  const item = results.querySelector('li');
  if (firstAt === null && item) {
    firstAt = performance.now() - start;
  }
  const text = status.textContent;
  const none = /No paper matches\\.$/.test(text);
  if ((/found\\.$/.test(text) && item) || none) {
    window.__bench = {ms: firstAt === null ? performance.now() - start : firstAt,
                      count: parseInt(text, 10) || 0,
                      first: item ? item.querySelector('a').textContent : ''};
    return true;
  }
  return false;
};
new MutationObserver((records, observer) => { if (done()) observer.disconnect(); })
  .observe(document.getElementById('main') || document.body, {childList: true, characterData: true, subtree: true});
document.getElementById('search-query').value = query;
document.getElementById('search-form').requestSubmit();
"""

PAGEFIND_PAGE = """<!doctype html><meta charset="utf-8"><title>pagefind bench</title>
<script type="module">
const pagefind = await import("./pagefind/pagefind.js");
window.runQuery = async (query) => {
  const start = performance.now();
  const search = await pagefind.search(query);
  const first = await Promise.all(search.results.slice(0, %d).map((r) => r.data()));
  window.__bench = {ms: performance.now() - start, count: search.results.length,
                    first: first.length ? first[0].meta.title : ''};
};
window.pfReady = true;
</script>""" % PAGE_SIZE
PAGEFIND_READY = "return window.pfReady === true;"
PAGEFIND_RUN = "window.__bench = null; window.runQuery(arguments[0]);"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(base, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read() or b"null")


def wait_for(base, session, script, timeout=60.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = call(base, "POST", f"/session/{session}/execute/sync", {"script": script, "args": []})["value"]
        if value:
            return value
        time.sleep(0.05)
    raise SystemExit(f"timed out waiting for: {script}")


def log_lines(path):
    try:
        with open(path) as f:
            return f.read().splitlines()
    except FileNotFoundError:
        return []


def measure(driver, site, log_path, page, ready, run, query, latency, mbit):
    profile = tempfile.mkdtemp()
    caps = {"capabilities": {"alwaysMatch": {"goog:chromeOptions": {"args": [
        "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        f"--user-data-dir={profile}", "--ignore-certificate-errors"]}}}}
    session = call(driver, "POST", "/session", caps)["value"]["sessionId"]
    try:
        if mbit > 0:
            throughput = mbit * 1_000_000 / 8
            call(driver, "POST", f"/session/{session}/chromium/network_conditions", {"network_conditions": {
                "offline": False, "latency": latency, "download_throughput": throughput,
                "upload_throughput": throughput}})
        opened = len(log_lines(log_path))
        call(driver, "POST", f"/session/{session}/url", {"url": site + page})
        wait_for(driver, session, ready)
        # A reader takes a moment to type: what the page fetches meanwhile is its own cost.
        time.sleep(1.0)
        before = len(log_lines(log_path))
        page_sent = sum(int(line.split()[2]) for line in log_lines(log_path)[opened:before])
        call(driver, "POST", f"/session/{session}/execute/sync", {"script": run, "args": [query]})
        try:
            result = wait_for(driver, session, "return window.__bench;")
        except SystemExit:
            state = call(driver, "POST", f"/session/{session}/execute/sync", {"script": "return document.body.innerText.slice(0, 600);", "args": []})
            raise SystemExit(f"no result for {query!r}; the page says: {state['value']}")
        # Late requests of the query (none expected) would be logged within this wait.
        time.sleep(0.2)
        lines = log_lines(log_path)[before:]
        sent = sum(int(line.split()[2]) for line in lines)
        return {"query": query, "ms": round(result["ms"]), "requests": len(lines),
                "kb": round(sent / 1024), "results": result["count"], "first": result["first"][:60],
                "page_requests": before - opened, "page_kb": round(page_sent / 1024)}
    finally:
        call(driver, "DELETE", f"/session/{session}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("docs")
    parser.add_argument("queries", nargs="+")
    parser.add_argument("--pagefind", action="store_true")
    parser.add_argument("--latency", type=float, default=40.0)
    parser.add_argument("--mbit", type=float, default=10.0)
    args = parser.parse_args()

    work = tempfile.mkdtemp()
    log_path = os.path.join(work, "requests.log")
    key, cert = os.path.join(work, "key.pem"), os.path.join(work, "cert.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    port, driver_port = free_port(), free_port()
    server = subprocess.Popen(["node", os.path.join(HERE, "search-server.mjs"), args.docs, str(port), log_path, key, cert])
    driver = subprocess.Popen(["chromedriver", f"--port={driver_port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1.0)
        site, base = f"https://127.0.0.1:{port}/", f"http://127.0.0.1:{driver_port}"
        if args.pagefind:
            with open(os.path.join(args.docs, "pf-bench.html"), "w") as f:
                f.write(PAGEFIND_PAGE)
            page, ready, run = "pf-bench.html", PAGEFIND_READY, PAGEFIND_RUN
        else:
            page, ready, run = "search/", OURS_READY, OURS_RUN
        rows = []
        for query in args.queries:
            # Once to warm the server's cache of compressed files, then the measured run, each
            # in a fresh browser.
            measure(base, site, log_path, page, ready, run, query, args.latency, args.mbit)
            rows.append(measure(base, site, log_path, page, ready, run, query, args.latency, args.mbit))
    finally:
        driver.terminate()
        server.terminate()
    for row in rows:
        print(json.dumps(row))
    print(json.dumps({"median_ms": statistics.median(r["ms"] for r in rows),
                      "max_ms": max(r["ms"] for r in rows),
                      "median_kb": statistics.median(r["kb"] for r in rows),
                      "max_kb": max(r["kb"] for r in rows)}))


if __name__ == "__main__":
    main()
