# Latency of litrev serve's main requests from one client: per order (key,
# prioritised) N rounds of queue -> record -> decide (votes alternate include,
# exclude, exclude), then search and progress. Prints median and max (ms).
# The first round includes the process's first deduplication and feature
# computation (kept afterwards until sources/ changes).
#
#   bench_serve.py PORT TOKEN N      (run_serve.sh starts the server)
import http.client, json, sys, time, statistics
port, token, stage = int(sys.argv[1]), sys.argv[2], "ta"
h = {"Host": f"127.0.0.1:{port}", "Authorization": "Bearer " + token}
c = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
def req(method, path, body=None):
    hh = dict(h)
    if body is not None:
        hh["Content-Type"] = "application/json"
        body = json.dumps(body)
    t = time.perf_counter()
    c.request(method, path, body=body, headers=hh)
    r = c.getresponse(); data = r.read()
    dt = (time.perf_counter() - t) * 1000
    assert r.status == 200, (path, r.status, data[:200])
    return dt, json.loads(data) if data[:1] in (b"{", b"[") else None
def stats(name, xs):
    print(f"{name:38s} median {statistics.median(xs):8.1f} ms  max {max(xs):8.1f} ms  (n={len(xs)})")
for order in ("key", "prioritised"):
    times = []; rec = []; dec = []
    for i in range(int(sys.argv[3])):
        dt, q = req("GET", f"/api/queue?stage=ta&order={order}"); times.append(dt)
        key = q["items"][0]["key"]
        dt, _ = req("GET", f"/api/record?key={key}&stage=ta"); rec.append(dt)
        dt, _ = req("POST", "/api/decide", {"key": key, "stage": "ta", "decision": "include" if i % 3 == 0 else "exclude", "order": order}); dec.append(dt)
    stats(f"queue ({order})", times); stats("record", rec); stats("decide (fsync)", dec)
xs = [req("GET", "/api/search?q=ketamine+OR+alcohol&limit=20")[0] for _ in range(10)]; stats("search", xs)
xs = [req("GET", "/api/progress")[0] for _ in range(5)]; stats("progress", xs)
