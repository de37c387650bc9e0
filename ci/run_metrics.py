#!/usr/bin/env python3
"""One line about a training run from its metrics.csv (jdnn train's per-epoch file), for the GPU scripts' summaries:
best and final test top-1, median seconds per epoch (training and test pass), median training images/s, and when
93 % and 94 % test top-1 were first reached (epoch and seconds of the run so far); then "|" and the best top-1 as a
fraction, for the caller's target check.

  python3 ci/run_metrics.py runs/resnet20/metrics.csv
"""
import csv
import statistics
import sys

rows = list(csv.DictReader(open(sys.argv[1])))
secs = [float(r["seconds"]) for r in rows]
top1 = [float(r["test_top1"]) for r in rows]


def reach(target):
    total = 0.0
    for r, s, t in zip(rows, secs, top1):
        total += s
        if t >= target:
            return f"epoch {r['epoch']} ({total:.1f} s)"
    return "not reached"


best = max(range(len(rows)), key=lambda i: top1[i])
print(f"best top-1 {100 * top1[best]:.2f}% (epoch {rows[best]['epoch']}), final {100 * top1[-1]:.2f}%, "
      f"{statistics.median(secs):.2f} s/epoch median incl. test pass, {statistics.median(float(r['train_images_per_s']) for r in rows):,.0f} train img/s; "
      f"93%: {reach(0.93)}, 94%: {reach(0.94)}|{top1[best]}")
