#!/usr/bin/env python3
"""PyTorch eager side of the jdnn-vs-PyTorch comparison (issue: benchmarks), on the same GPU in the same session.

Measures, with synthetic input already on the device (no loader in the loop) and cuDNN benchmark mode on:
  - training images/s: forward + cross-entropy + backward + SGD(momentum) step;
  - inference latency (ms per batch) in eval mode under torch.no_grad().
Every row runs in each configuration of --configs, so that jdnn is compared with PyTorch eager at its best, not only
with its defaults. A configuration is a precision and a memory format:
  tf32      FP32 tensors, TF32 tensor-core math (allow_tf32), NCHW           (jdnn's default precision)
  tf32-cl   the same with model and input in channels_last (NHWC), the one line PyTorch users add for speed
  bf16      torch.autocast(dtype=torch.bfloat16), NCHW
  bf16-cl   bf16 autocast + channels_last: PyTorch eager's fastest training configuration on Hopper
  fp16      torch.autocast(dtype=torch.float16), NCHW, with a GradScaler as a user would train
  fp16-cl   fp16 autocast + channels_last
Prints one JSON object per result (and writes them with --json FILE); benchmarks/pytorch/side_by_side.py joins them
with jdnn's results into one table: jdnn against PyTorch in the same configuration and against PyTorch's best.

  python3 benchmarks/pytorch/compare.py --json results/pytorch.json [--rows resnet50_train_b256,...] [--configs tf32,bf16-cl]
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
    "efficientnet_b0_train_b256": ("train", "efficientnet_b0", 256, (3, 224, 224), 1000),
    "cifar_resnet20_train_b128": ("train", "resnet20", 128, (3, 32, 32), 10),
    "cifar_resnet56_train_b128": ("train", "resnet56", 128, (3, 32, 32), 10),
    "resnet50_infer_b1": ("infer", "resnet50", 1, (3, 224, 224), 1000),
    "resnet50_infer_b8": ("infer", "resnet50", 8, (3, 224, 224), 1000),
}

# configuration -> (precision, memory format); precision "tf32" is FP32 storage with TF32 math
CONFIGS = {
    "tf32": ("tf32", "nchw"),
    "tf32-cl": ("tf32", "channels_last"),
    "bf16": ("bf16", "nchw"),
    "bf16-cl": ("bf16", "channels_last"),
    "fp16": ("fp16", "nchw"),
    "fp16-cl": ("fp16", "channels_last"),
}
DEFAULT_CONFIGS = "tf32,tf32-cl,bf16,bf16-cl"
AUTOCAST = {"tf32": None, "bf16": torch.bfloat16, "fp16": torch.float16}


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


def run_row(row, config, warmup, iters):
    kind, model_name, batch, chw, classes = ROWS[row]
    precision, layout = CONFIGS[config]
    memory_format = torch.channels_last if layout == "channels_last" else torch.contiguous_format
    amp_dtype = AUTOCAST[precision]
    dev = torch.device("cuda")
    model = build(model_name, classes).to(dev).to(memory_format=memory_format)
    x = torch.randn(batch, *chw, device=dev).to(memory_format=memory_format)
    y = torch.randint(0, classes, (batch,), device=dev)
    torch.cuda.reset_peak_memory_stats()
    autocast = lambda: torch.autocast("cuda", dtype=amp_dtype or torch.float32, enabled=amp_dtype is not None)
    if kind == "train":
        model.train()
        opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)
        scaler = torch.amp.GradScaler("cuda", enabled=precision == "fp16")  # bf16 needs no loss scaling

        def step():
            opt.zero_grad(set_to_none=True)
            with autocast():
                loss = F.cross_entropy(model(x), y)
            scaler.scale(loss).backward()
            scaler.step(opt)
            scaler.update()

        ms = cuda_time(step, warmup, iters)
        result = {"images_per_s": batch * 1000.0 / ms, "ms_per_step": ms}
    else:
        model.eval()

        def infer():
            with torch.no_grad(), autocast():
                model(x)

        ms = cuda_time(infer, warmup, iters)
        result = {"latency_ms": ms}
    result.update(row=row, kind=kind, model=model_name, batch=batch, input=list(chw),
                  peak_memory_bytes=torch.cuda.max_memory_allocated(), framework="pytorch-eager",
                  config=config, precision=precision, layout=layout)
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", default=",".join(ROWS))
    ap.add_argument("--json")
    ap.add_argument("--configs", default=DEFAULT_CONFIGS,
                    help="comma-separated configurations to run every row in: " + ", ".join(CONFIGS))
    ap.add_argument("--amp", action="store_true", help="shorthand for --configs fp16 (the former option)")
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--iters", type=int, default=30)
    args = ap.parse_args()
    if not torch.cuda.is_available():
        raise SystemExit("compare.py: no CUDA device visible to PyTorch")
    torch.backends.cudnn.benchmark = True
    torch.backends.cudnn.allow_tf32 = True
    torch.backends.cuda.matmul.allow_tf32 = True
    configs = ["fp16"] if args.amp else args.configs.split(",")
    unknown = [c for c in configs if c not in CONFIGS] + [r for r in args.rows.split(",") if r not in ROWS]
    if unknown:
        raise SystemExit(f"compare.py: unknown row or configuration {unknown}; rows: {', '.join(ROWS)}; configurations: {', '.join(CONFIGS)}")
    results = []
    for row in args.rows.split(","):
        for config in configs:
            try:
                r = run_row(row, config, args.warmup, args.iters)
            except torch.OutOfMemoryError as e:  # one configuration failing must not lose the others
                r = {"row": row, "kind": ROWS[row][0], "config": config, "precision": CONFIGS[config][0],
                     "layout": CONFIGS[config][1], "framework": "pytorch-eager", "error": "out of memory: " + str(e)[:200]}
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
