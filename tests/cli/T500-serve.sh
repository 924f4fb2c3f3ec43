#!/usr/bin/env bash
# litrev serve's API over real HTTP (schemas/serve.md), without a browser:
# tokens and their file, every refusal (token, Host, CSRF, size, method, role),
# votes and resolutions landing in the ledger exactly as the CLI writes them,
# blinding, search snippets, the RoB questionnaire's evaluation and save, the
# PRISMA SVG equal to the CLI's, restart with the same links, and stopping on
# SIGTERM. The page itself is tested in a browser by tests/browser/.
. "$(dirname "$0")/test-lib.sh"

litrev init r >/dev/null
litrev -C r import "$CORPUS"/efetch_biopython_pubmed*.xml "$CORPUS"/efetch_metapub_*.xml >/dev/null
"$PYTHON" - r/litrev.json <<'EOF'
import json, sys
p = sys.argv[1]
d = json.load(open(p))
d["stages"] = [
    {"stage": "title-abstract", "mode": "dual", "blind": True},
    {"stage": "full-text", "mode": "dual", "blind": True, "reason_required": True},
]
d["reviewers"] = [{"name": "ana", "role": "screener"}, {"name": "ben", "role": "screener"},
                  {"name": "cy", "role": "adjudicator"}]
d["exclusion_reasons"] = ["wrong population", "wrong design"]
json.dump(d, open(p, "w"), indent=2)
EOF
keys=$(litrev -C r search 'NOT zzzznotaword' --limit 1000 --format csv | tail -n +2 | cut -d, -f2 | sort)
k1=$(echo "$keys" | sed -n 1p)
k2=$(echo "$keys" | sed -n 2p)
k3=$(echo "$keys" | sed -n 3p)

# api METHOD PATH [BODY] [Header:value ...]: one request; prints "STATUS BODY".
# TOKEN names the bearer token (empty: none); HOST overrides the Host header.
cat >api.py <<'EOF'
import http.client, os, sys
method, path = sys.argv[1], sys.argv[2]
body = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] != "-" else None
if body == "@big":
    body = '{"key": "' + "x" * 70000 + '"}'
headers = {"Host": os.environ.get("HOST") or "127.0.0.1:" + os.environ["PORT"]}
if os.environ.get("TOKEN"):
    headers["Authorization"] = "Bearer " + os.environ["TOKEN"]
if body is not None:
    headers["Content-Type"] = "application/json"
for h in sys.argv[4:]:
    k, v = h.split(":", 1)
    headers[k] = v
c = http.client.HTTPConnection("127.0.0.1", int(os.environ["PORT"]), timeout=60)
c.request(method, path, body=body, headers=headers)
r = c.getresponse()
data = r.read().decode()
print(r.status, data)
EOF
api() { run env PORT="$port" TOKEN="${TOKEN-}" HOST="${HOST-}" "$PYTHON" api.py "$@"; }
json_get() { "$PYTHON" -c 'import json,sys; d=json.loads(sys.stdin.read().split(" ",1)[1]); print(eval(sys.argv[1]))' "$1"; }

# start_server: starts `litrev serve --port 0` and waits for its links.
start_server() {
  "$LITREV" -C r serve --port "${1:-0}" >serve.out 2>serve.err &
  server_pid=$!
  for _ in $(seq 1 200); do
    grep -q "cy (adjudicator)" serve.out 2>/dev/null && break
    sleep 0.1
  done
  port=$(sed -n 's|^Serving .* on http://127.0.0.1:\([0-9]*\)/.*|\1|p' serve.out)
  tok_ana=$(sed -n 's|^  ana (screener): .*#token=\([0-9a-f]*\)$|\1|p' serve.out)
  tok_ben=$(sed -n 's|^  ben (screener): .*#token=\([0-9a-f]*\)$|\1|p' serve.out)
  tok_cy=$(sed -n 's|^  cy (adjudicator): .*#token=\([0-9a-f]*\)$|\1|p' serve.out)
}
stop_server() {
  kill -TERM "$server_pid" 2>/dev/null
  wait "$server_pid"
  server_rc=$?
}

begin "serve refuses what it cannot serve safely, before listening"
run litrev -C r serve --bind 0.0.0.0 --port 0
expect_exit 2
expect_contains "$err" "--allow-remote"
run litrev -C r serve --bind 127.example.com --port 0
expect_exit 2
expect_contains "$err" "--allow-remote"
litrev init empty >/dev/null
run litrev -C empty serve --port 0
expect_exit 2
expect_contains "$err" "names no reviewers"

begin "serve prints one personal link per reviewer and keeps the tokens private"
start_server
expect_contains "$(cat serve.out)" "Personal links"
[ ${#tok_ana} -eq 64 ] && [ ${#tok_ben} -eq 64 ] && [ ${#tok_cy} -eq 64 ] || fail "three 64-hex tokens expected" "$(cat serve.out)"
[ "$tok_ana" != "$tok_ben" ] || fail "tokens must differ"
expect_eq "$(stat -c %a r/serve/tokens.json)" "600"
expect_eq "$(stat -c %a r/serve)" "700"
expect_eq "$(grep -v '^#' r/serve/.gitignore)" "*"
expect_not_contains "$(cat serve.err)" "$tok_ana"

begin "a missing, wrong or malformed token gets 403"
TOKEN="" api GET /api/session
expect_contains "$out" "403 "
TOKEN=$(printf '%064d' 0) api GET /api/session
expect_contains "$out" "403 "
TOKEN="${tok_ana}0" api GET /api/session
expect_contains "$out" "403 "
TOKEN=$tok_ana api GET /api/session
expect_contains "$out" "200 "
expect_eq "$(echo "$out" | json_get 'd["reviewer"], d["role"]')" "('ana', 'screener')"

begin "Host, CSRF, size and method guards"
TOKEN=$tok_ana HOST="evil.example:$port" api GET /api/session
expect_contains "$out" "403 "
TOKEN=$tok_ana HOST="evil.example:$port" api GET /
expect_contains "$out" "403 "
TOKEN=$tok_ana api POST /api/decide "{\"key\": \"$k1\", \"stage\": \"ta\", \"decision\": \"include\"}" "Content-Type:text/plain"
expect_contains "$out" "403 "
TOKEN=$tok_ana api POST /api/decide "{\"key\": \"$k1\", \"stage\": \"ta\", \"decision\": \"include\"}" "Origin:http://evil.example"
expect_contains "$out" "403 "
TOKEN=$tok_ana api POST /api/decide @big
expect_contains "$out" "413 "
TOKEN=$tok_ana api GET /api/decide
expect_contains "$out" "405 "
TOKEN=$tok_ana api GET /api/nothing-here
expect_contains "$out" "404 "
TOKEN=$tok_ana api PUT /api/decide "{}"
expect_contains "$out" "405 "
TOKEN=$tok_ana api POST /api/decide "{\"key\": \"$k1\", \"stage\": \"ta\", \"decision\": \"include\"}" "Content-Type:application/jsonx"
expect_contains "$out" "403 "
run env PORT="$port" "$PYTHON" - "$tok_ana" <<'EOF'
import http.client, os, sys
# A chunked body is refused before it is read (its size could not be bounded).
c = http.client.HTTPConnection("127.0.0.1", int(os.environ["PORT"]))
c.putrequest("POST", "/api/note", skip_host=True)
c.putheader("Host", "127.0.0.1:" + os.environ["PORT"])
c.putheader("Authorization", "Bearer " + sys.argv[1])
c.putheader("Content-Type", "application/json")
c.putheader("Transfer-Encoding", "chunked")
c.endheaders()
c.send(b"5\r\n{\"a\":\r\n")
r = c.getresponse()
print(r.status)
EOF
expect_eq "$out" "411"
TOKEN=$tok_ana api POST /api/decide "not json"
expect_contains "$out" "400 "
[ ! -e r/ledger/ana.jsonl ] || fail "a refused request wrote to the ledger" "$(cat r/ledger/ana.jsonl)"

begin "the page and its headers"
TOKEN="" api GET /
expect_contains "$out" "200 "
expect_contains "$out" "<script src=\"/app.js\""
run "$PYTHON" - "$port" <<'EOF'
import http.client, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]))
c.request("GET", "/app.js")
r = c.getresponse(); r.read()
print(r.getheader("Content-Security-Policy")); print(r.getheader("X-Content-Type-Options"))
print(r.getheader("Content-Type"))
EOF
expect_contains "$out" "default-src 'none'; script-src 'self'"
expect_contains "$out" "nosniff"
expect_contains "$out" "text/javascript"

begin "votes land in the ledger as the CLI writes them; refusals change nothing"
TOKEN=$tok_ana api POST /api/decide "{\"key\": \"$k1\", \"stage\": \"ta\", \"decision\": \"include\", \"note\": \"RCT <b>\"}"
expect_contains "$out" "200 "
expect_eq "$(echo "$out" | json_get 'd["ok"], d["done"]')" "(True, 1)"
TOKEN=$tok_ana api POST /api/decide "{\"key\": \"$k2\", \"stage\": \"ta\", \"decision\": \"exclude\", \"reason\": \"wrong population\"}"
expect_contains "$out" "200 "
TOKEN=$tok_ben api POST /api/decide "{\"key\": \"$k1\", \"stage\": \"ta\", \"decision\": \"exclude\", \"reason\": \"wrong design\"}"
expect_contains "$out" "200 "
cp r/ledger/ana.jsonl ana.before
TOKEN=$tok_ana api POST /api/decide "{\"key\": \"$k3\", \"stage\": \"ta\", \"decision\": \"exclude\", \"reason\": \"not a reason\"}"
expect_contains "$out" "400 "
expect_contains "$out" "not a reason"
TOKEN=$tok_ana api POST /api/decide "{\"key\": \"pmid:1\", \"stage\": \"ta\", \"decision\": \"include\"}"
expect_contains "$out" "400 "
TOKEN=$tok_ana api POST /api/decide "{\"key\": \"$k3\", \"stage\": \"ft\", \"decision\": \"include\"}"
expect_contains "$out" "400 "
cmp -s ana.before r/ledger/ana.jsonl || fail "a refused vote changed ana's ledger"
run "$PYTHON" - r/ledger/ana.jsonl <<'EOF'
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    p = e["payload"]
    print(e["actor"], e["type"], p["key"], p["stage"], p["decision"], p.get("reason", ""), p.get("note", ""))
EOF
expect_eq "$out" "ana screen.decision $k1 title-abstract include  RCT <b>
ana screen.decision $k2 title-abstract exclude wrong population "
run litrev -C r verify
expect_exit 0
run litrev -C r conflicts --stage ta --format json --reviewer cy
expect_contains "$out" "\"key\":\"$k1\""

begin "blind screening: a screener sees only their own votes; the adjudicator sees all"
TOKEN=$tok_ben api GET "/api/record?key=$k1&stage=ta"
expect_contains "$out" "200 "
expect_eq "$(echo "$out" | json_get '[e["actor"] for e in d["history"]], d["status"], d["mine"]["decision"]')" "(['ben'], None, 'exclude')"
TOKEN=$tok_cy api GET "/api/record?key=$k1&stage=ta"
expect_eq "$(echo "$out" | json_get 'sorted(e["actor"] for e in d["history"]), d["status"]')" "(['ana', 'ben'], 'conflict')"
TOKEN=$tok_ana api GET "/api/record?key=pmid:1&stage=ta"
expect_contains "$out" "404 "

begin "the queue leaves out what the reviewer voted on, and lists it for back"
TOKEN=$tok_ana api GET "/api/queue?stage=ta&order=key"
n_keys=$(echo "$keys" | wc -l)
expect_eq "$(echo "$out" | json_get 'len(d["items"]), d["done"], d["remaining"], d["recent"]')" "($((n_keys - 2)), 2, $((n_keys - 2)), ['$k2', '$k1'])"
expect_eq "$(echo "$out" | json_get 'd["items"][0]["key"]')" "$k3"
TOKEN=$tok_ana api GET "/api/queue?stage=ta&order=sideways"
expect_contains "$out" "400 "

begin "conflicts and resolve are the adjudicator's"
TOKEN=$tok_ana api GET "/api/conflicts?stage=ta"
expect_contains "$out" "403 "
TOKEN=$tok_ana api POST /api/resolve "{\"key\": \"$k1\", \"stage\": \"ta\", \"decision\": \"include\"}"
expect_contains "$out" "403 "
TOKEN=$tok_cy api GET "/api/conflicts?stage=ta"
expect_eq "$(echo "$out" | json_get '[(i["key"], i["why"], sorted(v["reviewer"] for v in i["votes"])) for i in d["items"]]')" "[('$k1', 'include/exclude', ['ana', 'ben'])]"
TOKEN=$tok_cy api POST /api/resolve "{\"key\": \"$k1\", \"stage\": \"ta\", \"decision\": \"include\", \"note\": \"fits the criteria\"}"
expect_contains "$out" "200 "
TOKEN=$tok_cy api GET "/api/conflicts?stage=ta"
expect_eq "$(echo "$out" | json_get 'd["items"]')" "[]"
expect_contains "$(cat r/ledger/cy.jsonl)" "\"type\":\"screen.resolve\""
run litrev -C r progress --format json
expect_contains "$out" "included"

begin "search: the query language of litrev search, snippets in parts, blinded status"
TOKEN=$tok_ana api GET "/api/search?q=cancer&limit=5"
expect_contains "$out" "200 "
run "$PYTHON" -c '
import json, sys
d = json.loads(sys.argv[1].split(" ", 1)[1])
assert d["total"] > 0, d
for h in d["hits"]:
    parts = h["snippet"]
    assert any(p["match"] for p in parts), h
    assert all(p["text"].lower().startswith("cancer") for p in parts if p["match"]), parts
    assert h["status"] is None, h  # ana screens blind
print(d["total"])' "$out"
expect_exit 0
cli_total=$(litrev -C r search cancer --format json --facets year | tail -1 | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["summary"]["total"])')
expect_eq "$out" "$cli_total"
TOKEN=$tok_ana api GET "/api/search?q=$(printf 'cancer%%5Bti%%5D')"
expect_contains "$out" "200 "
TOKEN=$tok_ana api GET "/api/search?q=$(printf '%%22unclosed')&syntax=pubmed"
expect_contains "$out" "400 "

begin "risk of bias: evaluate shows applicable questions and the judgement; save records it"
body='{"tool": "rob2", "study": "Example 2020", "result": "abstinence", "answers": {"1.1": "Y", "1.2": "Y", "1.3": "N"}}'
TOKEN=$tok_ana api POST /api/rob/evaluate "$body"
expect_contains "$out" "200 "
expect_eq "$(echo "$out" | json_get '[(q["id"], q["state"]) for q in d["domains"][0]["questions"]], d["domains"][0]["judgement"]["level"], d["domains"][1]["judgement"]["status"], d["problem"]')" \
  "([('1.1', 'asked'), ('1.2', 'asked'), ('1.3', 'asked')], 'low', 'incomplete', None)"
printf '{"1.1": "Y", "1.2": "Y", "1.3": "N"}' >d1.json
cli_rule=$(litrev rob judge --tool rob2 --answers d1.json | sed -n 's/^  D1 *Low *//p')
expect_eq "$(echo "$out" | json_get 'd["domains"][0]["judgement"]["rule"]')" "$cli_rule"
TOKEN=$tok_ana api POST /api/rob/evaluate '{"tool": "rob2", "study": "S", "answers": {"1.1": "maybe"}}'
expect_contains "$out" "400 "
TOKEN=$tok_ana api POST /api/rob/evaluate '{"tool": "rob2", "study": "S", "answers": {"1.1": "Y", "1.2": "Y", "1.3": "N"}, "levels": {"D1": {"level": "high"}}}'
expect_contains "$out" "200 "
expect_contains "$(echo "$out" | json_get 'd["problem"]')" "justification"
TOKEN=$tok_ana api POST /api/rob/save "$body"
expect_contains "$out" "200 "
run "$PYTHON" -c '
import json, sys
ev = [json.loads(l) for l in open("r/ledger/ana.jsonl")]
rob = [e for e in ev if e["type"] == "rob.assessment"]
assert len(rob) == 1, rob
p = rob[0]["payload"]
print(p["study"], p["result"], p["computed"]["D1"], {k: v["answer"] for k, v in p["answers"].items()})'
expect_eq "$out" "Example 2020 abstinence low {'1.1': 'Y', '1.2': 'Y', '1.3': 'N'}"
TOKEN=$tok_ana api GET "/api/rob/assessment?tool=rob2&study=Example%202020&result=abstinence"
expect_eq "$(echo "$out" | json_get 'd["assessment"]["answers"]')" "{'1.1': 'Y', '1.2': 'Y', '1.3': 'N'}"
TOKEN=$tok_ben api GET "/api/rob/assessment?tool=rob2&study=Example%202020&result=abstinence"
expect_eq "$(echo "$out" | json_get 'd["assessment"]')" "None"
TOKEN=$tok_ana api GET "/api/rob.svg?tool=rob2&kind=summary"
expect_contains "$out" "404 "

begin "blind screeners get their own progress only, no PRISMA, no search on others' votes"
TOKEN=$tok_ana api GET /api/progress
expect_eq "$(echo "$out" | json_get '[(s["stage"], s["by_status"], [r["reviewer"] for r in s["reviewers"]], s["blinded"]) for s in d["stages"]], d["agreement"], d["blinded"]')" \
  "([('ta', {}, ['ana'], True), ('ft', {}, ['ana'], True)], [], True)"
TOKEN=$tok_cy api GET /api/progress
expect_eq "$(echo "$out" | json_get 'sorted(r["reviewer"] for r in d["stages"][0]["reviewers"]), len(d["agreement"]), d["blinded"]')" \
  "(['ana', 'ben'], 1, False)"
TOKEN=$tok_ana api GET /api/prisma.svg
expect_contains "$out" "403 "
TOKEN=$tok_ana api GET "/api/search?q=conflict:ta"
expect_contains "$out" "400 "
expect_contains "$out" "blind"
TOKEN=$tok_ana api GET "/api/search?q=cancer+AND+status:ta-included"
expect_contains "$out" "400 "
TOKEN=$tok_cy api GET "/api/search?q=status:ta-included"
expect_eq "$(echo "$out" | json_get '[h["key"] for h in d["hits"]]')" "['$k1']"

begin "the PRISMA SVG is the CLI's, byte for byte"
run env PORT="$port" "$PYTHON" - "$tok_cy" <<'EOF'
import http.client, os, sys
c = http.client.HTTPConnection("127.0.0.1", int(os.environ["PORT"]))
c.request("GET", "/api/prisma.svg", headers={"Authorization": "Bearer " + sys.argv[1], "Host": "127.0.0.1:" + os.environ["PORT"]})
r = c.getresponse()
open("web.svg", "wb").write(r.read())
print(r.status, r.getheader("Content-Type"))
EOF
expect_eq "$out" "200 image/svg+xml"
litrev -C r prisma --format svg >cli.svg
cmp -s web.svg cli.svg || fail "the served PRISMA SVG differs from litrev prisma --format svg"

begin "a vote from the screening queue records its order; progress counts votes by order"
TOKEN=$tok_ben api POST /api/decide "{\"key\": \"$k3\", \"stage\": \"ta\", \"decision\": \"maybe\", \"order\": \"prioritised\"}"
expect_contains "$out" "200 "
TOKEN=$tok_ben api POST /api/decide "{\"key\": \"$k2\", \"stage\": \"ta\", \"decision\": \"maybe\", \"order\": \"sideways\"}"
expect_contains "$out" "400 "
run "$PYTHON" -c '
import json
e = [json.loads(l) for l in open("r/ledger/ben.jsonl")][-1]
o = e["payload"]["order"]
print(o["kind"], "seed 1" in o["ranker"], o["litrev"])'
expect_eq "$out" "prioritised True $(litrev --version | cut -d' ' -f2)"
run "$PYTHON" "$LITREV_SOURCE_DIR/tests/cli/validate_json.py" "$SCHEMAS/ledger-event.schema.json" r/ledger/ben.jsonl --lines
expect_exit 0
run litrev -C r progress --format json
expect_eq "$(echo "0 $out" | json_get '[(o["order"] or "")[:11] + ":" + str(o["votes"]) for o in d[0]["votes_by_order"]]')" "[':3', 'prioritised:1']"
run litrev -C r progress
expect_contains "$out" "1 vote screened in prioritised order (svm"

begin "SIGTERM stops the server; a restart keeps the links and the decisions"
old_port=$port
old_ana=$tok_ana
stop_server
expect_eq "$server_rc" "0"
start_server "$old_port"
expect_eq "$tok_ana" "$old_ana"
TOKEN=$tok_ana api GET "/api/queue?stage=ta&order=key"
expect_eq "$(echo "$out" | json_get 'd["done"], d["recent"]')" "(2, ['$k2', '$k1'])"
stop_server

begin "--allow-remote binds every address, warns, and links by host name"
"$LITREV" -C r serve --bind 0.0.0.0 --allow-remote --port 0 >serve.out 2>serve.err &
server_pid=$!
for _ in $(seq 1 200); do grep -q "cy (adjudicator)" serve.out 2>/dev/null && break; sleep 0.1; done
expect_contains "$(cat serve.err)" "warning: serving 0.0.0.0 to other machines over plain HTTP"
expect_contains "$(cat serve.out)" "http://$(hostname):"
port=$(sed -n 's|^Serving .* on http://.*:\([0-9]*\)/.*|\1|p' serve.out)
TOKEN=$tok_ana HOST="$(hostname):$port" api GET /api/session
expect_contains "$out" "200 "
TOKEN="" HOST="$(hostname):$port" api GET /api/session
expect_contains "$out" "403 "
stop_server

begin "a tokens file others could read is replaced, with a warning"
chmod 644 r/serve/tokens.json
old_cy=$tok_cy
start_server
expect_contains "$(cat serve.err)" "readable by others"
[ "$tok_cy" != "$old_cy" ] || fail "the token in a world-readable file was kept"
expect_eq "$(stat -c %a r/serve/tokens.json)" "600"
stop_server

begin "--new-tokens replaces every link"
"$LITREV" -C r serve --port 0 --new-tokens >serve.out 2>serve.err &
server_pid=$!
for _ in $(seq 1 200); do grep -q "cy (adjudicator)" serve.out 2>/dev/null && break; sleep 0.1; done
new_ana=$(sed -n 's|^  ana (screener): .*#token=\([0-9a-f]*\)$|\1|p' serve.out)
port=$(sed -n 's|^Serving .* on http://127.0.0.1:\([0-9]*\)/.*|\1|p' serve.out)
[ "$new_ana" != "$tok_ana" ] || fail "--new-tokens kept ana's token"
TOKEN=$tok_ana api GET /api/session
expect_contains "$out" "403 "
stop_server

done_testing
