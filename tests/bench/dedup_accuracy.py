#!/usr/bin/python3
"""Accuracy of `litrev dedup` on a labelled deduplication set.

Usage:
  dedup_accuracy.py [--litrev BIN] [--input LABELLED.csv] [--json]
                    [--min-sensitivity X] [--max-false-merges N] [--show N]

The labelled CSV has one row per reference with a `record_id` and a `group_id`
(the true duplicate group; a singleton has its own). Only the metadata
columns (record_id, author, title, year, journal, volume, number, pages, doi,
abstract, isbn) are written to a temporary file and fed to
`litrev dedup --input TMP --format csv`; the labels never reach the tool.

Definitions (N records, G true groups, predicted clusters C):
  positives P = N - G, the records a perfect tool removes (group size - 1 per
  group): the removal convention of Hair et al. 2023 (ASySD) and bib-dedupe.
  A tool keeps one record per predicted cluster and removes the others. In a
  predicted cluster C that meets true groups G1..Gk:
    - |C n Gi| - 1 records of each Gi are true duplicates removed: TP;
    - k - 1 whole distinct works are lost because they were merged with
      another work: FP (each counts once, however many of its records were
      in C).
  So TP + FP = |C| - 1 = the records the tool removes from C, and the result
  does not depend on which record of a cluster is kept.
  FN = P - TP; negatives = G distinct works; TN = G - FP.
  sensitivity = TP / P, specificity = TN / G.
  False merges = predicted clusters that meet two or more true groups.
  Pairwise (no convention): a pair of records is a true pair when in one true
  group, a predicted pair when in one predicted cluster; precision and recall
  over pairs.
  Membership convention (Rathbone 2015), for reference: a record of a true
  duplicate set counts as found when its predicted cluster holds another
  record of its true group.

Exit status: 0, or 1 when --min-sensitivity or --max-false-merges is not met,
2 on usage errors or when litrev fails.
"""
import argparse
import collections
import csv
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DEFAULT_INPUT = os.path.join(ROOT, "..", "shared", "fixtures", "dedup", "sra_haematology.csv")
DEFAULT_LITREV = os.path.join(ROOT, "build-tagged", "tools", "litrev")
METADATA = ["record_id", "author", "title", "year", "journal", "volume", "number", "pages", "doi",
            "abstract", "isbn"]


def pairs(n):
    return n * (n - 1) // 2


def evaluate(truth, predicted):
    """truth, predicted: dict record_id -> group / cluster label."""
    n = len(truth)
    groups = collections.defaultdict(list)
    for rid, g in truth.items():
        groups[g].append(rid)
    clusters = collections.defaultdict(list)
    for rid, c in predicted.items():
        clusters[c].append(rid)
    positives = n - len(groups)
    tp = fp = 0
    false_merges = []
    tp_pairs = 0
    for c, members in clusters.items():
        by_group = collections.Counter(truth[r] for r in members)
        tp += sum(k - 1 for k in by_group.values())
        fp += len(by_group) - 1
        tp_pairs += sum(pairs(k) for k in by_group.values())
        if len(by_group) > 1:
            false_merges.append(sorted(members))
    fn = positives - tp
    negatives = len(groups)
    tn = negatives - fp
    true_pairs = sum(pairs(len(m)) for m in groups.values())
    pred_pairs = sum(pairs(len(m)) for m in clusters.values())
    in_sets = [r for m in groups.values() if len(m) > 1 for r in m]
    found_m = sum(1 for r in in_sets
                  if any(truth[o] == truth[r] for o in clusters[predicted[r]] if o != r))
    missed = []
    for g, members in groups.items():
        if len(members) > 1 and len({predicted[r] for r in members}) > 1:
            missed.append(sorted(members))
    return {
        "records": n,
        "true_groups": len(groups),
        "predicted_clusters": len(clusters),
        "positives": positives,
        "tp": tp, "fp": fp, "fn": fn, "tn": tn,
        "sensitivity": tp / positives if positives else 1.0,
        "specificity": tn / negatives if negatives else 1.0,
        "false_merges": len(false_merges),
        "true_pairs": true_pairs,
        "predicted_pairs": pred_pairs,
        "tp_pairs": tp_pairs,
        "pair_precision": tp_pairs / pred_pairs if pred_pairs else 1.0,
        "pair_recall": tp_pairs / true_pairs if true_pairs else 1.0,
        "records_in_duplicate_sets": len(in_sets),
        "membership_sensitivity": found_m / len(in_sets) if in_sets else 1.0,
        "false_merge_clusters": sorted(false_merges),
        "missed_groups": sorted(missed),
    }


def run_litrev(args, rows, cols):
    with tempfile.TemporaryDirectory() as tmp:
        feed = os.path.join(tmp, "input.csv")
        with open(feed, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(cols)
            for r in rows:
                w.writerow([r[c] for c in cols])
        cmd = [args.litrev, "dedup", "--input", feed, "--format", "csv"]
        if args.explain:
            cmd += ["--explain", args.explain]
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0:
            print(f"dedup_accuracy: litrev failed ({p.returncode}): {p.stderr}", file=sys.stderr)
            return None
    return p.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--litrev", default=os.environ.get("LITREV", DEFAULT_LITREV))
    ap.add_argument("--input", default=DEFAULT_INPUT)
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    ap.add_argument("--min-sensitivity", type=float)
    ap.add_argument("--max-false-merges", type=int)
    ap.add_argument("--show", type=int, default=0, help="print up to N missed groups and all false merges")
    ap.add_argument("--explain", help="also pass --explain FILE to litrev")
    ap.add_argument("--predicted", help="evaluate this saved `litrev dedup` output instead of running litrev")
    args = ap.parse_args()

    with open(args.input, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    if not rows or "record_id" not in rows[0] or "group_id" not in rows[0]:
        print("dedup_accuracy: the input needs record_id and group_id columns", file=sys.stderr)
        return 2
    truth = {r["record_id"]: r["group_id"] for r in rows}
    by_id = {r["record_id"]: r for r in rows}
    cols = [c for c in METADATA if c in rows[0]]

    if args.predicted:
        with open(args.predicted, newline="", encoding="utf-8") as f:
            stdout = f.read()
    else:
        stdout = run_litrev(args, rows, cols)
        if stdout is None:
            return 2
    out = list(csv.DictReader(stdout.splitlines()))
    predicted = {r["record_id"]: r["cluster_id"] for r in out}
    if [r["record_id"] for r in out] != [r["record_id"] for r in rows]:
        print("dedup_accuracy: litrev did not print every record_id once, in input order", file=sys.stderr)
        return 2

    m = evaluate(truth, predicted)
    if args.json:
        slim = {k: v for k, v in m.items() if k not in ("false_merge_clusters", "missed_groups")}
        print(json.dumps(slim, sort_keys=True))
    else:
        print(f"input: {args.input}")
        print(f"records {m['records']}, true groups {m['true_groups']}, predicted clusters "
              f"{m['predicted_clusters']}")
        print(f"removal convention: P={m['positives']} TP={m['tp']} FN={m['fn']} FP={m['fp']} TN={m['tn']}")
        print(f"  sensitivity {m['sensitivity']:.4f}  specificity {m['specificity']:.4f}")
        print(f"false merges (clusters with >= 2 true groups): {m['false_merges']}")
        print(f"pairwise: precision {m['pair_precision']:.4f}  recall {m['pair_recall']:.4f}  "
              f"(true pairs {m['true_pairs']}, predicted {m['predicted_pairs']}, correct {m['tp_pairs']})")
        print(f"membership convention: sensitivity {m['membership_sensitivity']:.4f} "
              f"of {m['records_in_duplicate_sets']} records in duplicate sets")

    def show(members):
        for rid in members:
            r = by_id[rid]
            print(f"    {rid} [{truth[rid]} -> {predicted[rid]}] {r.get('author', '')[:30]} | "
                  f"{r.get('title', '')[:90]} | {r.get('year', '')} | {r.get('journal', '')[:30]} | "
                  f"{r.get('volume', '')}({r.get('number', '')}) {r.get('pages', '')}")

    if args.show and not args.json:
        for members in m["false_merge_clusters"]:
            print("  FALSE MERGE:")
            show(members)
        for members in m["missed_groups"][: args.show]:
            print("  missed:")
            show(members)

    ok = True
    if args.min_sensitivity is not None and m["sensitivity"] < args.min_sensitivity:
        print(f"FAIL: sensitivity {m['sensitivity']:.4f} < {args.min_sensitivity}", file=sys.stderr)
        ok = False
    if args.max_false_merges is not None and m["false_merges"] > args.max_false_merges:
        print(f"FAIL: {m['false_merges']} false merges > {args.max_false_merges}", file=sys.stderr)
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
