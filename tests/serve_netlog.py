#!/usr/bin/env python3
# serve_netlog.py: reads a Chromium net log (--log-net-log) and prints every request a page made to anywhere
# but ALLOWED (scheme://host:port); exits 1 when there is one. Requests Chromium makes for itself (updates,
# clock) carry no page's network isolation key and are not the page's. Used by tests/e2e/serve.sh.
import json
import sys

log, allowed = sys.argv[1], sys.argv[2]
with open(log) as f:
    text = f.read()
# a log cut at exit may lack its closing brackets
try:
    events = json.loads(text)["events"]
except ValueError:
    events = json.loads(text.rstrip().rstrip(",") + "]}")["events"]
bad = []
pages = 0
for e in events:
    p = e.get("params") or {}
    url, key = p.get("url"), p.get("network_isolation_key")
    if not url or not key or key == "null" or "127.0.0.1" not in key:
        continue
    pages += 1
    if not url.startswith(allowed + "/"):
        bad.append(url)
for u in sorted(set(bad)):
    print("page request outside %s: %s" % (allowed, u))
if not pages:
    print("no page request in the log at all")
sys.exit(1 if bad or not pages else 0)
