#!/usr/bin/env python3
"""Compares two sets of parity fixtures made by make_fixtures.py, e.g. PyTorch on the GPU against the committed CPU
fixtures, with the measures and tolerances of jdnn's PyTorchParityTest (both sides FP32: make_fixtures turns TF32 off):

  eval logits      max |diff| / max |reference logit|                 <= 1e-4
  train loss       |diff| / |reference|                               <= 1e-4
  gradient and SGD-update checksums per parameter: |sum - ref| / sqrt(ref sumsq * numel) and |sumsq - ref| / ref sumsq
                   <= 1e-3 (ill-conditioned models: resnet50 1e-2, resnext50_32x4d 5e-2, googlenet 3e-2,
                   mobilenet_v2 5e-2; see PyTorchParityTest.CONDITIONING)
  parameters whose reference gradient is rounding noise (RMS < 2e-6 x the model's largest gradient RMS) must be
                   rounding noise in the candidate too, and are left out of the checksums.
  AdamW updates    reported, not judged: the first AdamW step is lr x sign(g) where |g| >> eps, so any gradient
                   element within rounding of zero may flip a whole lr (PyTorchParityTest bounds that with the
                   gradients themselves, which fixtures do not keep).

Standard library only. Exits 1 when a model disagrees or is missing; prints one line per model.

  python3 ci/pytorch/make_fixtures.py --out /tmp/fixtures-cuda --device cuda
  python3 ci/pytorch/compare_fixtures.py --reference networks/src/test/resources/parity --candidate /tmp/fixtures-cuda
"""
import argparse
import glob
import json
import math
import os
import sys

LOGITS, LOSS, CHECKSUM, ROUNDING_LEVEL = 1e-4, 1e-4, 1e-3, 2e-6
CONDITIONING = {"resnet50": 1e-2, "resnext50_32x4d": 5e-2, "googlenet": 3e-2, "mobilenet_v2": 5e-2}


def numel(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def checksum_errors(ref, cand, n):
    """(sum error, sumsq error) as PyTorchParityTest measures them."""
    (rs, rq), (cs, cq) = ref, cand
    sum_err = abs(cs - rs) / math.sqrt(rq * n) if rq > 0 else abs(cs - rs)
    sq_err = abs(cq - rq) / rq if rq > 0 else abs(cq - rq)
    return sum_err, sq_err


def compare(ref, cand):
    """Returns (failures, summary) for one model's two fixtures."""
    failures, summary = [], []
    name = ref["model"]
    for field in ("input_shape", "num_classes", "labels", "state_dict"):
        if ref[field] != cand[field]:
            failures.append(f"{field} differs")
    if failures:
        return failures, ""
    rl, cl = ref["eval_logits"], cand["eval_logits"]
    logit_err = max(abs(a - b) for a, b in zip(rl, cl)) / max(abs(v) for v in rl)
    summary.append(f"logits {logit_err:.2g}")
    if not logit_err <= LOGITS:
        failures.append(f"eval logits: {logit_err:.3g} > {LOGITS}")
    loss_err = abs(cand["train_loss"] - ref["train_loss"]) / abs(ref["train_loss"])
    summary.append(f"loss {loss_err:.2g}")
    if not loss_err <= LOSS:
        failures.append(f"train loss: {cand['train_loss']:.8g} vs {ref['train_loss']:.8g}, {loss_err:.3g} > {LOSS}")

    sizes = {k: numel(s) for k, s in ref["state_dict"]}
    rms = {k: math.sqrt(q / sizes[k]) for k, (s, q) in ref["grad_checksums"].items()}
    bound = ROUNDING_LEVEL * max(rms.values())
    zero = {k for k, r in rms.items() if r < bound}
    for k in sorted(zero):
        cand_rms = math.sqrt(cand["grad_checksums"][k][1] / sizes[k])
        if not cand_rms < bound:
            failures.append(f"grads {k}: reference is rounding noise, candidate RMS {cand_rms:.3g} >= {bound:.3g}")
    tolerance = CONDITIONING.get(name, CHECKSUM)
    for what, r, c in (("grads", ref["grad_checksums"], cand["grad_checksums"]),
                       ("sgd", ref["sgd"]["update_checksums"], cand["sgd"]["update_checksums"]),
                       ("adamw", ref["adamw"]["update_checksums"], cand["adamw"]["update_checksums"])):
        if set(r) != set(c):
            failures.append(f"{what}: parameter sets differ")
            continue
        worst, worst_key = 0.0, ""
        for k in r:
            if k in zero:
                continue
            err = max(checksum_errors(r[k], c[k], sizes[k]))
            if err > worst:
                worst, worst_key = err, k
            if what != "adamw" and not err <= tolerance:
                failures.append(f"{what} {k}: checksum error {err:.3g} > {tolerance}")
        summary.append(f"{what} {worst:.2g}" + (f" ({worst_key})" if worst_key else "") + (" [reported only]" if what == "adamw" else ""))
    return failures, ", ".join(summary)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reference", required=True, help="directory of <model>.json fixtures (the committed CPU ones)")
    ap.add_argument("--candidate", required=True, help="directory of <model>.json fixtures to check (e.g. made with --device cuda)")
    args = ap.parse_args(argv)
    refs = sorted(p for p in glob.glob(os.path.join(args.reference, "*.json")) if not p.endswith(".logits.json"))
    if not refs:
        print(f"no fixtures in {args.reference}")
        return 1
    bad = 0
    for path in refs:
        name = os.path.basename(path)[:-len(".json")]
        cand_path = os.path.join(args.candidate, name + ".json")
        if not os.path.exists(cand_path):
            print(f"{name}: MISSING in {args.candidate}")
            bad += 1
            continue
        with open(path) as f:
            ref = json.load(f)
        with open(cand_path) as f:
            cand = json.load(f)
        failures, summary = compare(ref, cand)
        device = f"{ref.get('device', '?')} vs {cand.get('device', '?')}"
        if failures:
            bad += 1
            print(f"{name} ({device}): FAIL: " + "; ".join(failures[:5]) + (f" (+{len(failures) - 5} more)" if len(failures) > 5 else ""))
        else:
            print(f"{name} ({device}): ok: {summary}")
    print(f"compare_fixtures: {len(refs) - bad} of {len(refs)} models agree")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
