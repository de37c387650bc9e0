#!/usr/bin/env python3
"""Joins jdnn's throughput JSON (jdnn bench --set train-throughput -> jdnn-throughput.json) and PyTorch's
(compare.py --json) into one Markdown table.

Every jdnn result is compared twice:
  - with PyTorch in the same configuration: the same precision (fp32/tf32, bf16, fp16) and memory format (jdnn's
    "nhwc" is PyTorch's "channels_last");
  - with PyTorch's best eager configuration at that precision (e.g. jdnn TF32 NCHW against the faster of PyTorch's TF32
    NCHW and TF32 channels_last), which is what the targets are measured against: jdnn must beat PyTorch at its best,
    not at its defaults.
Ratio: images/s jdnn / PyTorch for training rows (higher is better), latency jdnn / PyTorch for inference rows (lower
is better); peak memory jdnn / PyTorch in the same configuration (lower is better).

A result without "precision" counts as tf32 and one without "layout" as nchw (results written before they existed).
jdnn rows measured with CUDA graphs off ("cuda_graphs": false, from jdnn bench --graphs off|both) get their own line
marked "(CUDA graphs off)"; rows without the field count as graphs on. Rows whose ops were fused ("fusion" starting
"fusion on", from jdnn bench --fusion auto|both; fusion is opt-in until cuDNN's fused engines are verified on a GPU)
get their own line marked "(fused)". Rows with CUDA graphs on are held to a target, fused or not.

  python3 benchmarks/pytorch/side_by_side.py --jdnn jdnn-throughput.json --pytorch pytorch.json [--out table.md]
"""
import argparse
import json
import sys

# (row, precision class) -> (comparison, bound) against PyTorch's best eager configuration at that precision:
# "min" means ratio >= bound, "max" ratio <= bound. Issue 13 (TF32, channels-last) and issue 14 (bf16).
TARGETS = {
    ("resnet50_train_b64", "tf32"): ("min", 1.0),
    ("resnet50_train_b128", "tf32"): ("min", 1.0),
    ("resnet50_train_b256", "tf32"): ("min", 1.0),
    ("resnet18_train_b256", "tf32"): ("min", 1.0),
    ("mobilenet_v2_train_b256", "tf32"): ("min", 1.0),
    ("cifar_resnet20_train_b128", "tf32"): ("min", 2.0),
    ("resnet50_infer_b1", "tf32"): ("max", 0.5),
    ("resnet50_train_b256", "bf16"): ("min", 1.0),
    ("resnet18_train_b256", "bf16"): ("min", 1.0),
    ("mobilenet_v2_train_b256", "bf16"): ("min", 1.0),
    ("efficientnet_b0_train_b256", "bf16"): ("min", 1.0),
    ("resnet50_infer_b1", "bf16"): ("max", 0.5),
    ("resnet50_infer_b8", "bf16"): ("max", 0.5),
}

GRAPHS_OFF = " (CUDA graphs off)"
FUSED = " (fused)"
LAYOUT_NAMES = {"nhwc": "channels_last", "channels_last": "channels_last", "nchw": "nchw"}


def precision(r):
    """The precision class a result belongs to: strict fp32 and tf32 are both FP32 storage and compete together."""
    p = r.get("precision", "tf32")
    return "tf32" if p in ("fp32", "tf32") else p


def layout(r):
    return LAYOUT_NAMES.get(r.get("layout", "nchw"), r.get("layout"))


def config(r):
    """A short label, e.g. "tf32", "bf16 channels_last"."""
    p = r.get("precision", "tf32")
    return p + (" channels_last" if layout(r) == "channels_last" else "")


def fused(r):
    """True for a result whose model ran fused ops (jdnn bench --fusion auto|both on CUDA, or forced on)."""
    return r.get("fusion", "").startswith("fusion on")


def default_configuration(r):
    """CUDA graphs on: what the targets are about (fused or not: fusion is jdnn's opt-in alternative)."""
    return r.get("cuda_graphs") is not False


def line_of(r):
    """A jdnn result's line in the table: row, its configuration, and marks when CUDA graphs were off or ops fused."""
    return f"{r['row']} [{config(r)}]" + (GRAPHS_OFF if r.get("cuda_graphs") is False else "") + (FUSED if fused(r) else "")


def load(path):
    """The "results" list and "meta" of a compare.py-schema file."""
    with open(path) as f:
        doc = json.load(f)
    return doc.get("results", []), doc.get("meta", {})


def metric(r):
    """(value, unit) of a result: images/s for training, ms latency for inference; None if it is missing or failed."""
    if r is None or "error" in r:
        return None
    if r.get("kind") == "infer":
        return r.get("latency_ms"), "ms"
    return r.get("images_per_s"), "img/s"


def better(a, b):
    """The faster of two PyTorch results (either may be None or failed)."""
    ma, mb = metric(a), metric(b)
    if ma is None or ma[0] is None:
        return b if mb else None
    if mb is None or mb[0] is None:
        return a
    lower_is_better = ma[1] == "ms"
    return a if (ma[0] < mb[0]) == lower_is_better else b


def ratio(jdnn_value, torch_value):
    if jdnn_value is None or torch_value is None or torch_value == 0:
        return None
    return jdnn_value / torch_value


def verdict(row, prec, r):
    target = TARGETS.get((row, prec))
    if target is None:
        return ""
    op, bound = target
    text = ("≥ " if op == "min" else "≤ ") + f"{bound:g}x"
    if r is None:
        return f"{text}: not measured"
    met = r >= bound if op == "min" else r <= bound
    return f"{text}: {'met' if met else 'NOT met'}"


def fmt(v, unit):
    if v is None:
        return "—"
    return f"{v:.2f} ms" if unit == "ms" else f"{v:.1f} img/s"


def fmt_ratio(r):
    return "—" if r is None else f"{r:.2f}x"


def memory_ratio(j, t):
    jm = (j or {}).get("peak_memory_bytes")
    tm = (t or {}).get("peak_memory_bytes")
    return fmt_ratio(ratio(jm, tm)) if jm and tm and "error" not in (j or {}) and "error" not in (t or {}) else "—"


def cell(r, unit):
    if r is not None and "error" in r:
        return "error: " + str(r["error"])[:60]
    m = metric(r)
    return fmt(m[0] if m else None, unit)


def table(jdnn, torch, jmeta=None, tmeta=None):
    same = {(r["row"], precision(r), layout(r)): r for r in torch}
    best = {}
    for r in torch:
        k = (r["row"], precision(r))
        best[k] = better(best.get(k), r) if k in best else r
    # PyTorch's row order, jdnn's results of each row in their own order; then rows PyTorch did not run
    order = list(dict.fromkeys([r["row"] for r in torch] + [r["row"] for r in jdnn]))
    out = ["| row [jdnn configuration] | jdnn | PyTorch, same configuration | ratio | PyTorch best eager | ratio to best"
           " | peak memory jdnn / PyTorch | target (vs best) |",
           "|---|---|---|---|---|---|---|---|"]
    for row in order:
        mine = [r for r in jdnn if r["row"] == row]
        if not mine:  # a PyTorch-only row: show what PyTorch measured, so the table has every row it ran
            b = best.get((row, "tf32")) or next(r for r in torch if r["row"] == row)
            unit = "ms" if b.get("kind") == "infer" else "img/s"
            out.append(f"| {row} | — | — | — | {cell(b, unit)} ({config(b)}) | — | — | {verdict(row, precision(b), None)} |")
            continue
        for j in mine:
            prec = precision(j)
            t, b = same.get((row, prec, layout(j))), best.get((row, prec))
            unit = "ms" if j.get("kind") == "infer" else "img/s"
            jm, tm, bm = metric(j), metric(t), metric(b)
            jv = jm[0] if jm else None
            r_same = ratio(jv, tm[0] if tm else None)
            r_best = ratio(jv, bm[0] if bm else None)
            best_cell = cell(b, unit) + (f" ({config(b)})" if b is not None else "")
            target = verdict(row, prec, r_best) if default_configuration(j) else ""
            out.append(f"| {line_of(j)} | {cell(j, unit)} | {cell(t, unit)} | {fmt_ratio(r_same)} | {best_cell} "
                       f"| {fmt_ratio(r_best)} | {memory_ratio(j, t)} | {target} |")
    notes = ["", "Training: images/s (ratio > 1: jdnn faster). Inference: ms per batch (ratio < 1: jdnn faster). "
                 "Targets compare with PyTorch's best eager configuration at the same precision."]
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
