#!/usr/bin/env python3
"""PyTorch eager side of the jdnn-vs-PyTorch comparison (issue: benchmarks), on the same GPU in the same session.

Measures, with synthetic input already on the device (no loader in the loop), cuDNN benchmark mode on and TF32 as jdnn
uses it by default:
  - training images/s: forward + cross-entropy + backward + SGD(momentum) step;
  - inference latency (ms per batch) in eval mode under torch.no_grad().
Rows are those of the issue; prints a JSON list (and writes it with --json FILE) that benchmarks/pytorch/side_by_side.py
joins with jdnn's results into one table with the ratio jdnn/PyTorch per row.

  python3 benchmarks/pytorch/compare.py --json results/pytorch.json [--rows resnet50_train_b256,...] [--amp]
"""
import argparse
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

sys.path.insert(0, __file__.rsplit("/", 3)[0] + "/ci/pytorch")
try:
    import reference_models  # CIFAR ResNets with jdnn's layout
except ImportError:  # pragma: no cover
    reference_models = None

# row name -> (kind, model, batch, input [C, H, W], classes)
ROWS = {
    "resnet50_train_b64": ("train", "resnet50", 64, (3, 224, 224), 1000),
    "resnet50_train_b128": ("train", "resnet50", 128, (3, 224, 224), 1000),
    "resnet50_train_b256": ("train", "resnet50", 256, (3, 224, 224), 1000),
    "resnet18_train_b256": ("train", "resnet18", 256, (3, 224, 224), 1000),
    "mobilenet_v2_train_b256": ("train", "mobilenet_v2", 256, (3, 224, 224), 1000),
    "cifar_resnet20_train_b128": ("train", "resnet20", 128, (3, 32, 32), 10),
    "cifar_resnet56_train_b128": ("train", "resnet56", 128, (3, 32, 32), 10),
    "resnet50_infer_b1": ("infer", "resnet50", 1, (3, 224, 224), 1000),
    "resnet50_infer_b8": ("infer", "resnet50", 8, (3, 224, 224), 1000),
}


def build(name, classes):
    if name in ("resnet20", "resnet56"):
        if reference_models is None:
            raise SystemExit("ci/pytorch/reference_models.py is needed for the CIFAR ResNets")
        return reference_models.cifar_resnet(int(name[6:]), classes)
    return getattr(torchvision.models, name)(num_classes=classes)


def cuda_time(fn, warmup, iters):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(iters):
        fn()
    end.record()
    torch.cuda.synchronize()
    return start.elapsed_time(end) / iters  # ms per iteration


def run_row(row, amp, warmup, iters):
    kind, model_name, batch, chw, classes = ROWS[row]
    dev = torch.device("cuda")
    model = build(model_name, classes).to(dev).to(memory_format=torch.contiguous_format)
    x = torch.randn(batch, *chw, device=dev)
    y = torch.randint(0, classes, (batch,), device=dev)
    torch.cuda.reset_peak_memory_stats()
    if kind == "train":
        model.train()
        opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)

        def step():
            opt.zero_grad(set_to_none=True)
            with torch.autocast("cuda", dtype=torch.float16, enabled=amp):
                loss = F.cross_entropy(model(x), y)
            loss.backward()
            opt.step()

        ms = cuda_time(step, warmup, iters)
        result = {"images_per_s": batch * 1000.0 / ms, "ms_per_step": ms}
    else:
        model.eval()

        def infer():
            with torch.no_grad(), torch.autocast("cuda", dtype=torch.float16, enabled=amp):
                model(x)

        ms = cuda_time(infer, warmup, iters)
        result = {"latency_ms": ms}
    result.update(row=row, kind=kind, model=model_name, batch=batch, input=list(chw),
                  peak_memory_bytes=torch.cuda.max_memory_allocated(), framework="pytorch-eager",
                  precision="amp-fp16" if amp else "tf32")
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", default=",".join(ROWS))
    ap.add_argument("--json")
    ap.add_argument("--amp", action="store_true")
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--iters", type=int, default=30)
    args = ap.parse_args()
    if not torch.cuda.is_available():
        raise SystemExit("compare.py: no CUDA device visible to PyTorch")
    torch.backends.cudnn.benchmark = True
    torch.backends.cudnn.allow_tf32 = True
    torch.backends.cuda.matmul.allow_tf32 = True
    results = []
    for row in args.rows.split(","):
        r = run_row(row, args.amp, args.warmup, args.iters)
        print(json.dumps(r), flush=True)
        results.append(r)
        torch.cuda.empty_cache()
    meta = {"torch": torch.__version__, "torchvision": torchvision.__version__, "cudnn": torch.backends.cudnn.version(),
            "device": torch.cuda.get_device_name(0)}
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"meta": meta, "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
