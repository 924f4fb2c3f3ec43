#!/usr/bin/env python3
"""Peers for `litrev simulate`: scikit-learn reimplementations of the ASReview
default models, run with the same protocol and metrics (shared/fixtures/
screening/PROVENANCE.md, litrev/prioritise.hpp):

  v1  TF-IDF unigrams (sklearn defaults, English stop words), multinomial NB
      alpha 3.822 trained on ASReview v1's "double" balanced resample
      (a 2.155, alpha 0.94, b 0.789, beta 1.0).
  v2  TF-IDF 1-2-grams, sublinear tf, linear SVM (LinearSVC, squared hinge,
      C 0.11) with balanced class weights -- ASReview v2's default ("elas_u4")
      as far as its published settings go.

Per seed: 1 random inclusion + 1 random exclusion as priors (numpy
RandomState(seed)), then the highest score next, retraining after every
record, until every inclusion is found. Metrics exclude the priors.

Usage: asreview_baseline.py FILE.csv [--seeds 5] [--model v1|v2|both] [--json]
Needs Debian's python3-sklearn (run with /usr/bin/python3).
"""
import argparse
import csv
import json
import math
import sys

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.naive_bayes import MultinomialNB
from sklearn.svm import LinearSVC


def read(path):
    csv.field_size_limit(1 << 24)
    texts, labels = [], []
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            texts.append((row.get("title") or "") + " " + (row.get("abstract") or ""))
            labels.append(int(float(row["label_included"])))
    return texts, np.array(labels)


def metrics(relevant):
    n = len(relevant)
    k = int(sum(relevant))
    need95 = (95 * k + 99) // 100
    first10 = n // 10
    found = found10 = 0
    pos = 0.0
    n95 = n100 = 0
    for i, r in enumerate(relevant):
        if not r:
            continue
        found += 1
        pos += i + 1
        if i < first10:
            found10 += 1
        if found == need95:
            n95 = i + 1
        if found == k:
            n100 = i + 1
    return {"wss95": 100 * ((n - n95) / n - 0.05), "rrf10": 100 * found10 / k,
            "atd": 100 * pos / k / n, "n95": n95, "n100": n100}


def double_balance(train_idx, y, rng):
    a, alpha, b, beta = 2.155, 0.94, 0.789, 1.0
    one = train_idx[y[train_idx] == 1]
    zero = train_idx[y[train_idx] == 0]
    n_one, n_zero = len(one), len(zero)
    n_train = n_one + n_zero
    one_w = a * (n_one / n_zero) ** (-alpha)
    zero_w = 1 - (1 - b) * (1 + math.log(n_train)) ** (-beta)
    tot = one_w * n_one + zero_w * n_zero
    want = one_w * n_one * n_train / tot
    base = int(math.floor(want))
    if rng.rand() < want - base:
        base += 1
    n_one_train = max(1, min(n_train - 2, base))
    n_zero_train = n_train - n_one_train

    def fill(src, n):
        copies = n // len(src)
        extra = n - copies * len(src)
        return np.append(np.tile(src, copies), rng.choice(src, extra, replace=False))

    idx = np.concatenate([fill(one, n_one_train), fill(zero, n_zero_train)])
    rng.shuffle(idx)
    return idx


def simulate(X, y, model, seed):
    rng = np.random.RandomState(seed)
    ones = np.where(y == 1)[0]
    zeros = np.where(y == 0)[0]
    labelled = [int(rng.choice(ones)), int(rng.choice(zeros))]
    screened = np.zeros(len(y), dtype=bool)
    screened[labelled] = True
    order = []
    left = int(y.sum()) - 1
    while left > 0:
        cand = np.where(~screened)[0]
        train = np.array(labelled)
        if model == "v1":
            idx = double_balance(train, y, rng)
            clf = MultinomialNB(alpha=3.822).fit(X[idx], y[idx])
            s = clf.predict_proba(X[cand])[:, 1]
        else:
            clf = LinearSVC(C=0.11, class_weight="balanced", random_state=seed).fit(X[train], y[train])
            s = clf.decision_function(X[cand])
        best = int(cand[int(np.argmax(s))])
        screened[best] = True
        labelled.append(best)
        order.append(best)
        if y[best] == 1:
            left -= 1
    order.extend(int(i) for i in np.where(~screened)[0])
    return metrics([int(y[i]) for i in order])


def features(texts, model):
    if model == "v1":
        return TfidfVectorizer(ngram_range=(1, 1), stop_words="english").fit_transform(texts)
    return TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit_transform(texts)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("file")
    p.add_argument("--seeds", type=int, default=5)
    p.add_argument("--model", default="both", choices=["v1", "v2", "both"])
    p.add_argument("--json", action="store_true")
    a = p.parse_args()
    texts, y = read(a.file)
    out = {"records": len(y), "included": int(y.sum())}
    for model in (["v1", "v2"] if a.model == "both" else [a.model]):
        X = features(texts, model).tocsr()
        runs = [simulate(X, y, model, seed) for seed in range(1, a.seeds + 1)]
        summary = {}
        for k in ("wss95", "rrf10", "atd", "n95", "n100"):
            xs = np.array([r[k] for r in runs], dtype=float)
            summary[k] = {"mean": float(xs.mean()), "sd": float(xs.std(ddof=1)) if len(xs) > 1 else 0.0}
        out[model] = summary
    if a.json:
        print(json.dumps(out))
    else:
        for k, v in out.items():
            print(k, v)


if __name__ == "__main__":
    sys.exit(main())
