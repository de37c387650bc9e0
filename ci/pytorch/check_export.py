#!/usr/bin/env python3
"""Checks jdnn's weight export against PyTorch: for every <model>.logits.json that PyTorchExportTest wrote (with
<model>.safetensors next to it), loads the weights into the PyTorch model with load_state_dict(strict=True) — the
torchvision model, or reference_models' CIFAR ResNet / LeNet-5 — runs it in eval mode on the deterministic input
(fill.py, the same values as Java's DeterministicFill) and compares logits: max |diff| / max |logit| <= 1e-4.
Exits 1 if any model disagrees or fails to load.

  ./mvnw -B -pl training -am test -Dtest=PyTorchExportTest -Dsurefire.failIfNoSpecifiedTests=false
  python3 ci/pytorch/check_export.py training/target/pytorch-export [--device cuda]
"""
import argparse
import glob
import json
import os
import re
import sys

import torch
import torchvision
from safetensors.torch import load_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fill  # noqa: E402
import reference_models  # noqa: E402

TOLERANCE = 1e-4


def build(name, classes, in_channels, size):
    cifar = re.fullmatch(r"resnet(20|32|44|56|110)", name)
    if cifar:
        return reference_models.cifar_resnet(int(cifar.group(1)), classes, in_channels=in_channels)
    if name in ("lenet5", "lenet5_28"):
        return reference_models.LeNet5(classes, in_channels=in_channels, size=size)
    if name == "googlenet":
        return torchvision.models.googlenet(num_classes=classes, aux_logits=True, init_weights=False)
    return getattr(torchvision.models, name)(num_classes=classes)


def check(meta_path, device):
    with open(meta_path) as f:
        meta = json.load(f)
    n, c, h, w = meta["input_shape"]
    model = build(meta["model"], meta["num_classes"], c, h)
    model.load_state_dict(load_file(os.path.join(os.path.dirname(meta_path), meta["weights"])), strict=True)
    model = model.to(device).eval()
    x = torch.from_numpy(fill.fill(fill.INPUT_INDEX, (n, c, h, w), "input")).to(device)
    with torch.no_grad():
        ours = model(x).double().cpu().reshape(-1)
    jdnn = torch.tensor(meta["logits"], dtype=torch.float64)
    err = float((ours - jdnn).abs().max() / jdnn.abs().max())
    ok = err <= TOLERANCE
    print(f"{meta['model']}: max |diff| / max |logit| = {err:.2g} ({'ok' if ok else 'FAIL'})", flush=True)
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir", help="directory with <model>.safetensors + <model>.logits.json written by jdnn")
    ap.add_argument("--device", default="cpu")
    args = ap.parse_args()
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False
    files = sorted(glob.glob(os.path.join(args.dir, "*.logits.json")))
    if not files:
        sys.exit(f"no *.logits.json in {args.dir}: run PyTorchExportTest first")
    results = []
    for path in files:
        try:
            results.append(check(path, torch.device(args.device)))
        except Exception as e:  # a strict load_state_dict mismatch names the keys
            print(f"{path}: {type(e).__name__}: {e}", flush=True)
            results.append(False)
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
