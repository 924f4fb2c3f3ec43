#!/usr/bin/env bash
# litrev meta: pooled effects from a CSV of study data, matching R's metafor
# (numbers from metafor 3.8-1, see tests/cli/data/meta/README.md); subgroups;
# bad input exits 65 naming file, line and column; bad options exit 2.
. "$(dirname "$0")/test-lib.sh"

data="$LITREV_SOURCE_DIR/tests/cli/data/meta"

# close JSON KEY EXPECTED: the number at KEY (a Python subscript such as
# ["subgroups"][0]["estimate"]) of the JSON in $out is within 1e-6 relative of
# EXPECTED.
close() {
  printf '%s' "$out" | "$PYTHON" -c '
import json, sys
j = json.load(sys.stdin)
got = eval("j" + sys.argv[1])
want = float(sys.argv[2])
ok = got is not None and abs(got - want) <= 1e-6 * abs(want)
print("ok" if ok else "%s = %r, metafor %r" % (sys.argv[1], got, want))
' "$1" "$2" >"$TMP/.close"
  [ "$(cat "$TMP/.close")" = ok ] || fail "$(cat "$TMP/.close")"
}

begin "BCG log RR, DerSimonian-Laird: metafor's estimate, CI, tau² and I²"
run litrev meta "$data/bcg.csv" --measure RR --method DL --format json
expect_exit 0
close '["estimate"]' -0.71411722207322692
close '["ci_lb"]' -1.0644452800840507
close '["ci_ub"]' -0.36378916406240319
close '["tau2"]' 0.30876026286237618
close '["i2"]' 92.117346854562058
close '["q"]' 152.2330080823733
close '["k"]' 13
close '["studies"][0]["weight"]' 5.036491683231726
expect_eq "$(printf '%s' "$out" | "$PYTHON" -c 'import json,sys; j=json.load(sys.stdin); print(j["measure"], j["method"], j["test"], j["scale"], len(j["studies"]), j["studies"][0]["study"], j["pi_lb"] is not None)')" \
  "RR DL z log 13 Aronson 1948 True"

begin "REML with Hartung-Knapp: t-based SE, p and prediction interval"
run litrev meta "$data/bcg.csv" --measure RR --method REML --test knha --format json
expect_exit 0
close '["estimate"]' -0.71453234836510149
close '["se"]' 0.18079174551910041
close '["pval"]' 0.0019200150851339394
close '["pi_lb"]' -1.9960169670222911
close '["df"]' 12

begin "Mantel-Haenszel OR and Peto need counts; the MH Q is metafor's"
run litrev meta "$data/bcg.csv" --measure OR --method MH --format json
expect_exit 0
close '["estimate"]' -0.47341098838858547
close '["q"]' 163.94257956919316
expect_eq "$(printf '%s' "$out" | "$PYTHON" -c 'import json,sys; j=json.load(sys.stdin); print(j["tau2"], j["pi_lb"], j["tau2_ci_lb"])')" "0.0 None None"

begin "SMD with Paule-Mandel on dat.normand1999"
run litrev meta "$data/normand1999.csv" --measure SMD --method PM --format json
expect_exit 0
close '["estimate"]' -0.53717169389990727
close '["tau2"]' 0.79431535792263153
expect_contains "$err" "fewer than 10 studies (k = 9)"

begin "subgroups by allocation with the test for subgroup differences"
run litrev meta "$data/bcg.csv" --measure RR --method DL --by alloc --format json
expect_exit 0
expect_eq "$(printf '%s' "$out" | "$PYTHON" -c 'import json,sys; j=json.load(sys.stdin); print(j["by"], [g["name"] for g in j["subgroups"]], [g["k"] for g in j["subgroups"]], j["subgroup_test"]["df"])')" \
  "alloc ['random', 'alternate', 'systematic'] [7, 2, 4] 2"
# rma(yi, vi, subset = alloc == "random", method = "DL"); the test for
# subgroup differences: rma(est, sei = se, method = "FE")$QE.
close '["subgroups"][0]["estimate"]' -1.004161353998235
close '["subgroup_test"]["q"]' 1.5367688720627526

begin "text output names the model and the numbers"
run litrev meta "$data/bcg.csv" --measure RR --method REML
expect_exit 0
expect_contains "$out" "Random-effects model, k = 13, tau² estimator REML"
expect_contains "$out" "estimate -0.7145, SE 0.1798, z = -3.9744, p = <.0001, 95% CI -1.0669 to -0.3622"
expect_contains "$out" "RR 0.4894 (95% CI 0.3441 to 0.6962)"
expect_contains "$out" "Begg's rank correlation test: Kendall's tau = 0.0256, p = 0.9524 (exact)"

begin "bad data: exit 65 naming file, line and column"
printf 'study,ai,bi,ci,di\nA,4,119,11,128\nB,6,x,29,274\n' >bad.csv
run litrev meta bad.csv --measure RR --method DL
expect_exit 65
expect_contains "$err" "bad.csv:3: column bi: not a number"
printf 'study,ai,bi,ci,di\nA,4,119,-11,128\n' >neg.csv
run litrev meta neg.csv --measure RR --method DL
expect_exit 65
expect_contains "$err" "neg.csv:2: column ci: negative count"
printf 'study,ai,bi,ci\nA,4,119,11\n' >cols.csv
run litrev meta cols.csv --measure RR --method DL
expect_exit 65
expect_contains "$err" "cols.csv:1: the header (study, ai, bi, ci) lacks"
run litrev meta missing.csv --measure RR --method DL
expect_exit 65
expect_contains "$err" "missing.csv: no such file"

begin "bad options: exit 2"
run litrev meta "$data/bcg.csv" --measure SMD --method DL
expect_exit 2
expect_contains "$err" "--measure must be RR, OR or RD"
run litrev meta "$data/normand1999.csv" --measure MD --method MH
expect_exit 2
run litrev meta "$data/bcg.csv" --measure RR --method MH --test knha
expect_exit 2
run litrev meta "$data/bcg.csv" --measure RR --method XX
expect_exit 2
run litrev meta "$data/bcg.csv" --measure RR --method DL --by nosuchcolumn
expect_exit 2
expect_contains "$err" "--by nosuchcolumn"

done_testing
