#!/usr/bin/env bash
# litrev stop-check: whether screening may stop, on a review of 104 PubMed
# records screened through `decide` in a known order. The statistical test's
# p-value is checked against an independent computation here (exact
# hypergeometric sums in Python integers), the heuristics against the run of
# irrelevant records this test cast, and the JSON shape; a later vote on an
# early record must keep its place in the screening order; bad options are
# usage errors; the exit code is 0 whatever the verdict. Also simulate's
# stopping report (JSON key "stopping").
. "$(dirname "$0")/test-lib.sh"

litrev init r >/dev/null
litrev -C r import "$FIXTURES/formats/cross_db_restoration/revtools__restoration_pubmed.nbib" >/dev/null
litrev -C r search 'NOT zzzznotaword' --limit 100000 --format csv | tail -n +2 | cut -d, -f2 | sort >keys.txt
n_keys=$(wc -l <keys.txt | tr -d ' ')

# The screening order this test casts: PATTERN is a string of i/e, one per
# record in key order from record FROM (1-based).
votes() {
  local from=$1 pattern=$2
  "$PYTHON" - "$from" "$pattern" <<'EOF'
import sys
start, pattern = int(sys.argv[1]), sys.argv[2]
keys = [l.strip() for l in open("keys.txt")]
print("key,decision")
for i, c in enumerate(pattern):
    print("%s,%s" % (keys[start - 1 + i], "include" if c == "i" else "exclude"))
EOF
}

# check_p JSON SEQUENCE N: the statistical test's p, sample and K_tar from an
# independent exact computation, compared with the JSON's.
check_p() {
  "$PYTHON" - "$1" "$2" "$3" <<'EOF'
import json, math, sys
from fractions import Fraction
j = json.loads(open(sys.argv[1]).read())
labels = [1 if c == "i" else 0 for c in sys.argv[2]]
N = int(sys.argv[3])
n_seen, r_seen = len(labels), sum(labels)
k_tar = r_seen * 100 // 95 + 1          # floor(r / 0.95) + 1, exactly
best, best_n = Fraction(1), 0
k = 0
for n in range(1, n_seen + 1):
    k += labels[n_seen - n]
    pop, kp = N - n_seen + n, k_tar - (r_seen - k)
    if kp > pop:
        p = Fraction(0)
    else:
        p = Fraction(sum(math.comb(kp, x) * math.comb(pop - kp, n - x) for x in range(0, k + 1)), math.comb(pop, n))
    if p < best:
        best, best_n = p, n
stat = j["rules"][0]
problems = []
if stat["rule"] != "statistical": problems.append("first rule %r" % stat["rule"])
if abs(stat["p_value"] - float(best)) > 1e-12 * max(float(best), 1e-300): problems.append("p %r vs %r" % (stat["p_value"], float(best)))
if stat["sample"] != best_n: problems.append("sample %r vs %r" % (stat["sample"], best_n))
if stat["k_target"] != k_tar: problems.append("k_target %r vs %r" % (stat["k_target"], k_tar))
if stat["stop"] != (float(best) < 0.05): problems.append("stop %r with p %r" % (stat["stop"], float(best)))
print("; ".join(problems) or "ok")
EOF
}

begin "stop-check with nothing screened: every rule says continue and the exit code is 0"
run litrev -C r stop-check --format json
expect_exit 0
printf '%s\n' "$out" >none.json
expect_eq "$("$PYTHON" -c '
import json; j = json.load(open("none.json"))
print(j["stage"], j["records"], j["screened"], j["relevant"], j["rules"][0]["p_value"],
      [r["stop"] for r in j["rules"]])')" "title-abstract $n_keys 0 0 1.0 [False, False, False, False]"

# Phase 1: 20 records, 5 included among them, the last one included.
first="iieieeieeeeeeeeeeeei"
votes 1 "$first" >phase1.csv
litrev -C r decide --from phase1.csv --reviewer ana >/dev/null

begin "while relevant records are still being found the answer is continue"
run litrev -C r stop-check --format json
expect_exit 0
printf '%s\n' "$out" >p1.json
expect_eq "$(check_p p1.json "$first" "$n_keys")" "ok"
expect_eq "$("$PYTHON" -c '
import json; j = json.load(open("p1.json"))
print(j["screened"], j["relevant"], j["consecutive_irrelevant"], [(r["rule"], r["stop"]) for r in j["rules"]])')" \
  "20 5 0 [('statistical', False), ('consecutive', False), ('consecutive-share', False), ('safe', False)]"

# Phase 2: 80 irrelevant records in a row (100 of 104 screened).
second=$(printf 'e%.0s' $(seq 1 80))
votes 21 "$second" >phase2.csv
litrev -C r decide --from phase2.csv --reviewer ana >/dev/null

begin "after a long run of irrelevant records every rule says stop and p matches an exact computation"
run litrev -C r stop-check --format json --safe-random 10
expect_exit 0
printf '%s\n' "$out" >p2.json
expect_eq "$(check_p p2.json "$first$second" "$n_keys")" "ok"
check=$("$PYTHON" - p2.json "$n_keys" <<'EOF'
import json, math, sys
j = json.load(open(sys.argv[1]))
N = int(sys.argv[2])
problems = []
want = {"stage": "title-abstract", "records": N, "screened": 100, "relevant": 5, "consecutive_irrelevant": 80,
        "recall_target": 0.95, "confidence": 0.95}
for k, v in want.items():
    if j.get(k) != v: problems.append("%s %r, want %r" % (k, j.get(k), v))
rules = {r["rule"]: r for r in j["rules"]}
if [r["rule"] for r in j["rules"]] != ["statistical", "consecutive", "consecutive-share", "safe"]:
    problems.append("rules %r" % [r["rule"] for r in j["rules"]])
for name, r in rules.items():
    if not r["stop"]: problems.append("%s does not stop" % name)
    if not r["detail"]: problems.append("%s has no detail" % name)
if rules["consecutive"]["threshold"] != 50 or rules["consecutive"]["run"] != 80: problems.append("consecutive %r" % rules["consecutive"])
if rules["consecutive-share"]["threshold"] != math.ceil(0.05 * N): problems.append("share %r" % rules["consecutive-share"])
# SAFE: the first 10 screened are the random set, 4 relevant: ERR = N * 4 / 10.
safe = rules["safe"]
if abs(safe["estimated_relevant"] - N * 4 / 10) > 1e-9: problems.append("ERR %r" % safe["estimated_relevant"])
if safe["err_screened"] != math.ceil(2 * N * 4 / 10) or safe["min_screened"] != math.ceil(N / 10): problems.append("safe %r" % safe)
if "Callaghan and Müller-Hansen (2020)" not in j["methods"]: problems.append("methods %r" % j["methods"])
if "could stop" not in j["methods"]: problems.append("methods verdict %r" % j["methods"])
print("; ".join(problems) or "ok")
EOF
)
expect_eq "$check" "ok"

begin "text output lists each rule's verdict and the methods paragraph"
run litrev -C r stop-check
expect_exit 0
expect_contains "$out" "Stopping check, title-abstract: $n_keys records, 100 screened"
expect_contains "$out" "statistical        STOP"
expect_contains "$out" "The last 80 records screened were irrelevant; the rule needs 50 irrelevant in a row: stop."
expect_contains "$out" "safe               n/a"
expect_contains "$out" "For the methods section:"
expect_contains "$out" "the null hypothesis was rejected at the 95% confidence level"

begin "a stricter target or confidence can turn the answer to continue, still with exit 0"
run litrev -C r stop-check --recall 0.99 --confidence 0.999 --format json
expect_exit 0
expect_eq "$(printf '%s' "$out" | "$PYTHON" -c 'import json,sys; j=json.load(sys.stdin); print(j["recall_target"], j["confidence"], j["rules"][0]["stop"])')" "0.99 0.999 False"

begin "a later vote on an early record keeps its place in the screening order"
# ana changes her mind on the first record (include -> exclude): it stays first,
# so the run of 80 irrelevant records at the end is unchanged.
votes 1 "e" >revote.csv
litrev -C r decide --from revote.csv --reviewer ana >/dev/null
run litrev -C r stop-check --format json
expect_exit 0
printf '%s\n' "$out" >p3.json
expect_eq "$(check_p p3.json "e${first:1}$second" "$n_keys")" "ok"
expect_eq "$("$PYTHON" -c 'import json; j=json.load(open("p3.json")); print(j["screened"], j["relevant"], j["consecutive_irrelevant"])')" "100 4 80"

begin "full text: the records included at title-abstract, none screened yet"
run litrev -C r stop-check --stage ft --format json
expect_exit 0
expect_eq "$(printf '%s' "$out" | "$PYTHON" -c 'import json,sys; j=json.load(sys.stdin); print(j["stage"], j["records"], j["screened"], j["rules"][0]["stop"])')" "full-text 4 0 False"

begin "bad options are usage errors and outside a review it says so"
run litrev -C r stop-check --recall 1.5
expect_exit 2
expect_contains "$err" "--recall"
run litrev -C r stop-check --confidence 1
expect_exit 2
run litrev -C r stop-check --stage xx
expect_exit 2
run litrev -C r stop-check --format csv
expect_exit 2
run litrev -C r stop-check --safe-random 10 --safe-estimate 30
expect_exit 2
mkdir empty
run litrev -C empty stop-check
expect_exit 2

begin "simulate reports every stopping rule per run set under the key stopping"
run litrev simulate "$FIXTURES/screening/Donners_2021.csv" --seeds 2 --format json
expect_exit 0
printf '%s\n' "$out" >sim.json
check=$("$PYTHON" - sim.json <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
problems = []
for k in ("records", "included", "wss95", "rrf10", "atd", "n95", "n100", "model", "settings", "priors", "seeds",
          "retrain_every", "litrev_version", "runs"):
    if k not in j: problems.append("missing %s" % k)
if j.get("stopping_settings") != {"recall_target": 0.95, "confidence": 0.95}:
    problems.append("stopping_settings %r" % j.get("stopping_settings"))
s = j.get("stopping", [])
if [r["rule"] for r in s] != ["statistical", "consecutive", "consecutive-share", "safe"]:
    problems.append("rules %r" % [r.get("rule") for r in s])
for r in s:
    if set(r) != {"rule", "description", "fired_runs", "recall", "screened_pct", "recall_at_least_target_pct"}:
        problems.append("keys %r" % sorted(r))
        continue
    if not 0 <= r["fired_runs"] <= 2: problems.append("%s fired %r" % (r["rule"], r["fired_runs"]))
    for k in ("recall", "screened_pct"):
        if set(r[k]) != {"mean", "sd"} or not 0 <= r[k]["mean"] <= 100: problems.append("%s %s %r" % (r["rule"], k, r[k]))
    if r["recall_at_least_target_pct"] not in (0, 50, 100): problems.append("%s met %r" % (r["rule"], r["recall_at_least_target_pct"]))
    # A rule that never fired screened everything and found everything.
    if r["fired_runs"] == 0 and (r["recall"]["mean"] != 100 or r["screened_pct"]["mean"] != 100):
        problems.append("%s did not fire but %r" % (r["rule"], r))
print("; ".join(problems) or "ok")
EOF
)
expect_eq "$check" "ok"
run litrev simulate "$FIXTURES/screening/Donners_2021.csv" --seeds 1
expect_exit 0
expect_contains "$out" "Stopping rules replayed on each run"
expect_contains "$out" "statistical: hypergeometric test of H0 recall < 95%"
run litrev simulate "$FIXTURES/screening/Donners_2021.csv" --stop-recall 1.5
expect_exit 2
run litrev simulate "$FIXTURES/screening/Donners_2021.csv" --stop-confidence 0
expect_exit 2

done_testing
