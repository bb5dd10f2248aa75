#!/usr/bin/env python3
"""Dev-only: the table of evidence.sh's JSON outputs (one per world task, from `calmon eval
base2new --format json`): per task, tuned method and seed, the new-class ECE of zero-shot and of
the tuned prompt, its rise, and the label-free measures (confidence lift over zero-shot on
unlabelled images, text-feature shift); then Spearman's rank correlation of each
measure with the rise, over every (task, method, seed) run, and how a threshold rule on each
measure separates runs that raised new-class ECE by more than RISE points (default 2) from the
others. Standard library only.

    table.py [--rise 2] task1.json task2.json ..."""
import json
import re
import sys

MEASURES = (
    ("new_confidence_lift", "new confidence lift"),
    ("new_divergence_ratio", "new divergence ratio"),
    ("new_separation_ratio", "new separation ratio"),
    ("new_deviation", "new deviation"),
    ("base_divergence_ratio", "base divergence ratio"),
    ("base_deviation", "base deviation"),
)


def ranks(xs):
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    r = [0.0] * len(xs)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        for k in range(i, j + 1):
            r[order[k]] = (i + j) / 2 + 1  # average rank of ties
        i = j + 1
    return r


def spearman(xs, ys):
    rx, ry = ranks(xs), ranks(ys)
    n = len(xs)
    mx, my = sum(rx) / n, sum(ry) / n
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry))
    vx = sum((a - mx) ** 2 for a in rx)
    vy = sum((b - my) ** 2 for b in ry)
    return cov / (vx * vy) ** 0.5 if vx > 0 and vy > 0 else float("nan")


args = sys.argv[1:]
rise_bar = 2.0
if args and args[0] == "--rise":
    rise_bar = float(args[1])
    args = args[2:]
rows = []
for path in args:
    task = re.sub(r"\.json$", "", path.split("/")[-1])  # the file's name: task1, band-task2, ...
    methods = {m["method"]: m for m in json.load(open(path))["methods"]}
    zs = methods["zeroshot"]["seeds"][0]
    for name, m in methods.items():
        if name == "zeroshot":
            continue
        for s in m["seeds"]:
            row = dict(task=task, method=name, seed=s["seed"], zs_new_ece=zs["new_ece"],
                       new_ece=s["new_ece"], rise=s["new_ece"] - zs["new_ece"],
                       new_acc=s["new_acc"],
                       new_acc_estimate=100 * s.get("new_zero_shot_accuracy_estimate",
                                                    float("nan")))
            for key, _ in MEASURES:
                row[key] = s.get(key, float("nan"))
            rows.append(row)
rows.sort(key=lambda r: (r["task"], r["method"], r["seed"]))
print("| task | method | seed | zero-shot new ECE | new ECE | rise | new acc | new acc by zero-shot"
      " (no label) | " + " | ".join(n for _, n in MEASURES) + " |")
print("|---" * (8 + len(MEASURES)) + "|")
for r in rows:
    print("| %s | %s | %d | %.2f | %.2f | %+.2f | %.2f | %.2f | " % (
              r["task"], r["method"], r["seed"], r["zs_new_ece"], r["new_ece"], r["rise"],
              r["new_acc"], r["new_acc_estimate"])
          + " | ".join("%.3f" % r[k] for k, _ in MEASURES) + " |")
print()
print("Spearman rank correlation with the rise in new-class ECE over zero-shot, over %d runs:"
      % len(rows))
print()
print("| measure | all runs | %s |" % " | ".join(sorted({r["method"] for r in rows})))
print("|---" * (2 + len({r["method"] for r in rows})) + "|")
def measured(rs, key):
    """The runs that report this measure (earlier runs predate some)."""
    return [r for r in rs if r[key] == r[key]]  # not NaN


for key, name in MEASURES:
    rs_all = measured(rows, key)
    cells = [spearman([r[key] for r in rs_all], [r["rise"] for r in rs_all]) if len(rs_all) > 2 else float("nan")]
    for method in sorted({r["method"] for r in rows}):
        rs = [r for r in rs_all if r["method"] == method]
        cells.append(spearman([r[key] for r in rs], [r["rise"] for r in rs]) if len(rs) > 2 else float("nan"))
    print("| %s (%d runs) | " % (name, len(rs_all)) + " | ".join("%.2f" % c for c in cells) + " |")
print()
print("Rule 'measure above T' against 'rise above %.1f points' (every run): the threshold with the"
      " best F1 per measure." % rise_bar)
print()
print("| measure | T | flagged | true alarms | false alarms | missed | precision | recall |")
print("|---|---|---|---|---|---|---|---|")
for key, name in MEASURES:
    best = None
    rs = measured(rows, key)
    for t in sorted({r[key] for r in rs}):
        flagged = [r for r in rs if r[key] >= t]
        tp = sum(1 for r in flagged if r["rise"] > rise_bar)
        pos = sum(1 for r in rs if r["rise"] > rise_bar)
        fp = len(flagged) - tp
        f1 = 2 * tp / (len(flagged) + pos) if flagged or pos else 0
        if best is None or f1 > best[0]:
            best = (f1, t, len(flagged), tp, fp, pos - tp, tp / len(flagged) if flagged else 0,
                    tp / pos if pos else 0)
    if best:
        print("| %s | %.3f | %d | %d | %d | %d | %.2f | %.2f |" % ((name,) + best[1:]))
print()
DEFAULT_RULES = (("new_confidence_lift", "new confidence lift", 0.05),
                 ("new_divergence_ratio", "new divergence ratio", 1.1))
for key, name, bar in DEFAULT_RULES:
    rs = measured(rows, key)
    if not rs:
        continue
    print("The default rule, %s at or above %g:" % (name, bar))
    for method in sorted({r["method"] for r in rs}):
        m = [r for r in rs if r["method"] == method]
        flagged = [r for r in m if r[key] >= bar]
        rises = [r for r in m if r["rise"] > rise_bar]
        print("- %s: %d of %d runs flagged; %d of the %d runs with a rise over %.1f points flagged;"
              " %d flagged without one" % (method, len(flagged), len(m),
                                           sum(1 for r in flagged if r["rise"] > rise_bar),
                                           len(rises), rise_bar,
                                           sum(1 for r in flagged if r["rise"] <= rise_bar)))
    print()
