#!/usr/bin/python3
"""Reference values for tests/unit/test_stopping.cpp (see PROVENANCE.md).

Writes stopping_ref.json next to this script:
- "cdf": hypergeometric CDFs P(X <= k) for X ~ Hypergeom(population M,
  successes K, draws n), from scipy.stats.hypergeom.cdf(k, M, K, n) and
  exactly (sums of binomial coefficients in Python integers, then one
  rounding to double); cases where scipy and the exact value differ by more
  than 1e-11 relative are refused (none are in the list below).
- "log_cdf": log P(X <= k) where the CDF underflows a double, exactly
  (math.log of the integer numerator minus that of the denominator).
- "tests": the statistical stopping test of Callaghan & Mueller-Hansen (2020)
  on fixed screening sequences, computed here with scipy as their reference
  code does (buscar's calculate_h0; see litrev/stopping.hpp), except that a
  sample for which K_tar - r_AL exceeds the population gives p = 0 instead of
  NaN.
Run with Debian's python3 (python3-scipy): /usr/bin/python3 make_ref.py
"""
import json
import math
import os
import random
from fractions import Fraction

import numpy as np
import scipy
from scipy.stats import hypergeom


def exact_cdf_fraction(k, M, K, n):
    """P(X <= k) as an exact fraction: sum of C(K, j) C(M-K, n-j) over C(M, n)."""
    # The pmf is symmetric in K and n: let the draws be the smaller.
    if K < n:
        K, n = n, K
    lo = max(0, n - (M - K))
    if k < lo:
        return Fraction(0)
    hi = min(n, K)
    if k >= hi:
        return Fraction(1)
    # Walk j = lo .. k with exact integer updates of the two coefficients.
    c1 = math.comb(K, lo)
    c2 = math.comb(M - K, n - lo)
    num = 0
    for j in range(lo, k + 1):
        num += c1 * c2
        # C(K, j+1) = C(K, j) (K-j) / (j+1); C(M-K, n-j-1) = C(M-K, n-j) (n-j) / (M-K-n+j+1)
        c1 = c1 * (K - j) // (j + 1)
        if n - j > 0:
            c2 = c2 * (n - j) // (M - K - n + j + 1)
    return Fraction(num, math.comb(M, n))


CDF_CASES = [
    # edge cases: outside the support, degenerate draws
    (0, 1, 0, 0), (0, 1, 1, 1), (0, 2, 1, 1), (1, 2, 1, 1), (0, 10, 0, 5), (2, 10, 10, 5),
    (4, 10, 10, 5), (5, 10, 10, 5), (0, 10, 3, 0), (3, 10, 7, 10),
    # small
    (0, 10, 3, 4), (1, 10, 3, 4), (2, 10, 3, 4), (1, 50, 5, 10), (3, 50, 25, 20), (12, 50, 25, 20),
    # the stopping test's shapes: K_tar - r_AL small, samples of the tail
    (0, 203, 1, 192), (0, 203, 1, 193), (0, 950, 2, 738), (0, 950, 2, 500), (1, 1000, 22, 600),
    (0, 1704, 3, 900), (2, 1704, 47, 1500), (44, 1704, 48, 1600), (13, 258, 16, 200), (15, 258, 16, 250),
    # larger populations, around and away from the mode
    (5, 10000, 50, 1000), (1, 10000, 50, 1000), (9, 10000, 50, 1000), (480, 10000, 5000, 1000),
    (520, 10000, 5000, 1000), (300, 10000, 5000, 1000), (3000, 20000, 6000, 10000), (2900, 20000, 6000, 10000),
    (25, 100000, 120, 20000), (10, 100000, 120, 20000), (40, 100000, 120, 20000),
    (4950, 100000, 50000, 10000), (5080, 100000, 50000, 10000), (0, 100000, 5, 90000),
]

LOG_CASES = [
    (0, 100000, 50000, 5000), (10, 20000, 10000, 2000), (0, 1704, 800, 900), (100, 100000, 1000, 90000),
]


def buscar_p(labels, n_docs, target):
    """The test as the reference code computes it (own code, numpy + scipy)."""
    labels = np.asarray(labels, dtype=np.int64)
    n_seen = labels.shape[0]
    r_seen = int(labels.sum())
    k_tar = math.floor(Fraction(r_seen) / Fraction(str(target))) + 1
    urns = labels[::-1]
    k = urns.cumsum()
    sizes = np.arange(1, n_seen + 1)
    r_al = r_seen - k
    pop = n_docs - n_seen + sizes
    kp = k_tar - r_al
    p = np.empty(n_seen)
    ok = kp <= pop
    p[~ok] = 0.0
    p[ok] = hypergeom.cdf(k[ok], pop[ok], kp[ok], sizes[ok])
    i = int(np.argmin(p))
    return float(p[i]), i + 1, k_tar


def sequences():
    rng = random.Random(20201213)
    out = []
    # All 20 relevant early (within the first 50), then irrelevant records.
    head = [1] * 20 + [0] * 30
    rng.shuffle(head)
    for tail in (100, 400, 736, 737, 800):
        out.append(("early_then_tail_%d" % tail, 1000, head + [0] * tail))
    # Still finding: every 10th record relevant.
    out.append(("still_finding", 1000, [1 if i % 10 == 9 else 0 for i in range(300)]))
    # Relevant records thinning out (a prioritised-looking curve), 1,704 records.
    seq = []
    for i in range(1200):
        seq.append(1 if rng.random() < 0.6 * math.exp(-i / 120.0) else 0)
    out.append(("thinning_1704", 1704, seq))
    # Nothing relevant found yet.
    out.append(("none_relevant", 200, [0] * 150))
    # Nearly everything screened: some samples cannot hold K_tar - r_AL.
    s = [1] * 38 + [0] * 58 + [1, 0, 0]
    out.append(("h0_impossible", 100, s))
    # A target other than 95%.
    out.append(("target_80", 500, ([1, 0, 0, 1, 0] * 20) + [0] * 150))
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    cdf = []
    for (k, M, K, n) in CDF_CASES:
        e = exact_cdf_fraction(k, M, K, n)
        ef = float(e)
        sp = float(hypergeom.cdf(k, M, K, n))
        if ef != 0 and abs(sp - ef) / ef > 1e-11:
            raise SystemExit("scipy and exact differ for %r: %r %r" % ((k, M, K, n), sp, ef))
        cdf.append({"k": k, "population": M, "successes": K, "draws": n, "scipy": sp, "exact": ef})
    logs = []
    for (k, M, K, n) in LOG_CASES:
        e = exact_cdf_fraction(k, M, K, n)
        logs.append({"k": k, "population": M, "successes": K, "draws": n,
                     "exact_log": math.log(e.numerator) - math.log(e.denominator)})
    tests = []
    for name, n_docs, labels in sequences():
        target = 0.8 if name == "target_80" else 0.95
        p, sample, k_tar = buscar_p(labels, n_docs, target)
        tests.append({"name": name, "records": n_docs, "recall_target": target,
                      "labels": "".join(str(x) for x in labels), "p": p, "sample": sample, "k_target": k_tar})
    ref = {"generator": "tests/unit/data/stopping/make_ref.py", "scipy": scipy.__version__,
           "numpy": np.__version__, "cdf": cdf, "log_cdf": logs, "tests": tests}
    with open(os.path.join(here, "stopping_ref.json"), "w") as f:
        json.dump(ref, f, indent=1)
        f.write("\n")
    print("wrote %d cdf, %d log cdf, %d test cases" % (len(cdf), len(logs), len(tests)))
    for t in tests:
        print("  %-22s p %.6g at n=%d (K_tar %d)" % (t["name"], t["p"], t["sample"], t["k_target"]))


if __name__ == "__main__":
    main()
