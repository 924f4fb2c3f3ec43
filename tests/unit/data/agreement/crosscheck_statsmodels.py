"""Cross-check agreement_ref.json against statsmodels (Debian python3-statsmodels).

statsmodels is a second, independent implementation: its cohens_kappa gives
kappa and the Fleiss-Cohen-Everitt variance for plain and quadratic-weighted
kappa, and fleiss_kappa gives Fleiss' kappa (it has no se0). Run from this
folder with Debian's python: /usr/bin/python3 crosscheck_statsmodels.py
"""
import json

import numpy as np
from statsmodels.stats.inter_rater import cohens_kappa, fleiss_kappa

ref = json.load(open("agreement_ref.json"))
worst = 0.0
for case in ref["cohen"]:
    table = np.array(case["table"], float)
    plain = cohens_kappa(table)
    quad = cohens_kappa(table, wt="quadratic")
    for got, want in [(plain.kappa, case["kappa"]), (plain.var_kappa, case["var_kappa"]),
                      (quad.kappa, case["weighted_kappa"]),
                      (quad.var_kappa, case["var_weighted_kappa"])]:
        worst = max(worst, abs(got - want))
        assert abs(got - want) < 1e-12, (case["name"], got, want)
for case in ref["fleiss"]:
    got = fleiss_kappa(np.array(case["counts"], float))
    worst = max(worst, abs(got - case["kappa"]))
    assert abs(got - case["kappa"]) < 1e-12, (case["name"], got, case["kappa"])
print(f"ok: {len(ref['cohen'])} Cohen and {len(ref['fleiss'])} Fleiss cases agree, "
      f"largest difference {worst:.3g}")
