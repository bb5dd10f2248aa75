#!/usr/bin/env python3
"""Dev-only: the table of evidence.sh's JSON outputs (one per world task, from `calmon eval
base2new --format json`): per task and CoOp seed, the new-class ECE of zero-shot and CoOp, its rise,
and the text-feature measures; then Spearman's rank correlation of each measure with the rise, over
every (task, seed) and over the task means. Standard library only."""
import json
import re
import sys


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


rows = []
for path in sys.argv[1:]:
    task = int(re.search(r"task(\d+)\.json$", path).group(1))
    methods = {m["method"]: m for m in json.load(open(path))["methods"]}
    zs = methods["zeroshot"]["seeds"][0]
    for s in methods["coop"]["seeds"]:
        rows.append(
            dict(
                task=task,
                seed=s["seed"],
                zs_new_ece=zs["new_ece"],
                new_ece=s["new_ece"],
                rise=s["new_ece"] - zs["new_ece"],
                new_ratio=s["new_divergence_ratio"],
                new_dev=s["new_deviation"],
                base_ratio=s["base_divergence_ratio"],
                base_dev=s["base_deviation"],
            )
        )
rows.sort(key=lambda r: (r["task"], r["seed"]))
print("| task | seed | zero-shot new ECE | CoOp new ECE | rise | new divergence ratio | new deviation | base divergence ratio | base deviation |")
print("|---|---|---|---|---|---|---|---|---|")
for r in rows:
    print(
        "| %d | %d | %.2f | %.2f | %+.2f | %.3f | %.4f | %.3f | %.4f |"
        % (r["task"], r["seed"], r["zs_new_ece"], r["new_ece"], r["rise"], r["new_ratio"],
           r["new_dev"], r["base_ratio"], r["base_dev"])
    )
print()
tasks = sorted({r["task"] for r in rows})
means = []
for t in tasks:
    rs = [r for r in rows if r["task"] == t]
    means.append({k: sum(r[k] for r in rs) / len(rs) for k in ("rise", "new_ratio", "new_dev", "base_ratio", "base_dev")})
print("Spearman rank correlation with the rise in new-class ECE (CoOp over zero-shot):")
print()
print("| measure | over %d (task, seed) runs | over %d task means |" % (len(rows), len(tasks)))
print("|---|---|---|")
for key, name in (("new_ratio", "new divergence ratio"), ("new_dev", "new deviation"),
                  ("base_ratio", "base divergence ratio"), ("base_dev", "base deviation")):
    print("| %s | %.2f | %.2f |" % (name, spearman([r[key] for r in rows], [r["rise"] for r in rows]),
                                    spearman([m[key] for m in means], [m["rise"] for m in means])))
