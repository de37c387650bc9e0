#!/usr/bin/env python3
"""Joins jdnn's throughput JSON (jdnn bench --set train-throughput -> jdnn-throughput.json) and PyTorch's
(compare.py --json) into one Markdown table: per row both numbers, the ratio jdnn/PyTorch, and the targets.

Ratio: images/s jdnn / PyTorch for training rows (higher is better), latency jdnn / PyTorch for inference rows
(lower is better). Targets: resnet50 b256 training >= 1.0x, CIFAR resnet20 b128 training >= 1.5x, resnet50 b1
latency <= 0.5x.

jdnn rows measured with CUDA graphs off ("cuda_graphs": false, from jdnn bench --graphs off|both) get their own
line, "<row> (CUDA graphs off)", compared with the same PyTorch row; rows without the field count as graphs on.

  python3 benchmarks/pytorch/side_by_side.py --jdnn jdnn-throughput.json --pytorch pytorch.json [--out table.md]
"""
import argparse
import json
import sys

# row -> (comparison, bound): "min" means ratio >= bound, "max" ratio <= bound
TARGETS = {
    "resnet50_train_b256": ("min", 1.0),
    "cifar_resnet20_train_b128": ("min", 1.5),
    "resnet50_infer_b1": ("max", 0.5),
}


GRAPHS_OFF = " (CUDA graphs off)"


def key(r):
    """A result's line in the table: its row name, marked when jdnn ran it with CUDA graphs off."""
    return r["row"] + (GRAPHS_OFF if r.get("cuda_graphs") is False else "")


def base(line):
    """The compare.py row a table line measures."""
    return line[:-len(GRAPHS_OFF)] if line.endswith(GRAPHS_OFF) else line


def load(path):
    """The "results" list of a compare.py-schema file, keyed by table line (later duplicates win)."""
    with open(path) as f:
        doc = json.load(f)
    return {key(r): r for r in doc.get("results", [])}, doc.get("meta", {})


def metric(r):
    """(value, unit) of a result row: images/s for training, ms latency for inference; None if it failed."""
    if r is None or "error" in r:
        return None
    if r.get("kind") == "infer":
        return r.get("latency_ms"), "ms"
    return r.get("images_per_s"), "img/s"


def ratio(jdnn_value, torch_value):
    if jdnn_value is None or torch_value is None or torch_value == 0:
        return None
    return jdnn_value / torch_value


def verdict(row, r):
    if row not in TARGETS:
        return ""
    op, bound = TARGETS[row]
    text = ("≥ " if op == "min" else "≤ ") + f"{bound:g}x"
    if r is None:
        return f"{text}: not measured"
    met = r >= bound if op == "min" else r <= bound
    return f"{text}: {'met' if met else 'NOT met'}"


def fmt(v, unit):
    if v is None:
        return "—"
    return f"{v:.2f} ms" if unit == "ms" else f"{v:.1f} img/s"


def table(jdnn, torch, jmeta=None, tmeta=None):
    rows = []
    for row in torch:  # PyTorch's order, each row followed by jdnn's graphs-off line for it
        rows += [row] + [r for r in jdnn if r != row and base(r) == row]
    rows += [r for r in jdnn if r not in rows]
    out = ["| row | jdnn | PyTorch | jdnn / PyTorch | target |", "|---|---|---|---|---|"]
    for row in rows:
        j, t = jdnn.get(row), torch.get(base(row))
        jm, tm = metric(j), metric(t)
        kind = (j or t or {}).get("kind", "train")
        unit = (jm or tm or (None, "ms" if kind == "infer" else "img/s"))[1]
        jv = jm[0] if jm else None
        tv = tm[0] if tm else None
        r = ratio(jv, tv)
        jcell = fmt(jv, unit) if j is None or "error" not in j else "error: " + str(j["error"])[:60]
        out.append(f"| {row} | {jcell} | {fmt(tv, unit)} | {'—' if r is None else f'{r:.2f}x'} | {verdict(base(row), r)} |")
    notes = ["", "Training: images/s (ratio > 1: jdnn faster). Inference: ms per batch (ratio < 1: jdnn faster)."]
    for name, meta in (("jdnn", jmeta), ("PyTorch", tmeta)):
        if meta:
            notes.append(f"- {name}: " + ", ".join(f"{k}={v}" for k, v in meta.items()))
    return "\n".join(out + notes) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jdnn", required=True)
    ap.add_argument("--pytorch", required=True)
    ap.add_argument("--out")
    args = ap.parse_args(argv)
    jdnn, jmeta = load(args.jdnn)
    torch, tmeta = load(args.pytorch)
    text = table(jdnn, torch, jmeta, tmeta)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
