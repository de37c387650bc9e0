#!/usr/bin/env python3
"""Makes the PyTorch parity fixtures the Java tests compare against (issue: PyTorch parity).

For every zoo model torchvision has (plus the CIFAR ResNets, LeNet-5, MobileNet v1 and ShuffleNet v1, defined below
after the papers with jdnn's parameter names), it fills parameters and buffers with the deterministic fill shared with
Java (fill.py), builds a deterministic input and labels, and records in one small JSON per model:
  - the state_dict keys and shapes, in order (the Java side checks its names and order against them);
  - eval-mode logits;
  - train-mode loss (BN in training mode, dropout and stochastic depth disabled; GoogLeNet adds 0.3 x each aux loss);
  - per-parameter gradient checksums (sum, sum of squares) after one backward;
  - per-parameter update checksums (sum, sum of squares of p_after - p_before) after one SGD-momentum step and,
    separately, after one AdamW step, from the same gradients.
Run it wherever PyTorch is (CPU is enough; --device cuda for the GPU run):
  python3 ci/pytorch/make_fixtures.py --out networks/src/test/resources/parity [--device cpu] [--models a,b]
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fill  # noqa: E402
import reference_models  # noqa: E402

SGD = dict(lr=0.1, momentum=0.9, weight_decay=1e-4)
ADAMW = dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2)

# name -> (constructor, input shape [N, C, H, W], classes). Small inputs keep the Java CPU side fast.
TV = torchvision.models
MODELS = {
    "lenet5": (lambda c: reference_models.LeNet5(c, in_channels=1, size=32), (2, 1, 32, 32), 10),
    "lenet5_28": (lambda c: reference_models.LeNet5(c, in_channels=1, size=28), (2, 1, 28, 28), 10),
    "resnet20": (lambda c: reference_models.cifar_resnet(20, c), (2, 3, 32, 32), 10),
    "resnet56": (lambda c: reference_models.cifar_resnet(56, c), (2, 3, 32, 32), 10),
    "resnet18": (lambda c: TV.resnet18(num_classes=c), (2, 3, 64, 64), 10),
    "resnet34": (lambda c: TV.resnet34(num_classes=c), (2, 3, 64, 64), 10),
    "resnet50": (lambda c: TV.resnet50(num_classes=c), (2, 3, 64, 64), 10),
    "resnext50_32x4d": (lambda c: TV.resnext50_32x4d(num_classes=c), (2, 3, 64, 64), 10),
    "alexnet": (lambda c: TV.alexnet(num_classes=c), (2, 3, 64, 64), 10),
    "vgg11": (lambda c: TV.vgg11(num_classes=c), (2, 3, 32, 32), 10),
    "vgg11_bn": (lambda c: TV.vgg11_bn(num_classes=c), (2, 3, 32, 32), 10),
    "googlenet": (lambda c: TV.googlenet(num_classes=c, aux_logits=True, init_weights=False), (2, 3, 64, 64), 10),
    "mobilenet_v2": (lambda c: TV.mobilenet_v2(num_classes=c), (2, 3, 64, 64), 10),
    "mobilenet_v3_large": (lambda c: TV.mobilenet_v3_large(num_classes=c), (2, 3, 64, 64), 10),
    "mobilenet_v3_small": (lambda c: TV.mobilenet_v3_small(num_classes=c), (2, 3, 64, 64), 10),
    "shufflenet_v2_x0_5": (lambda c: TV.shufflenet_v2_x0_5(num_classes=c), (2, 3, 64, 64), 10),
    "shufflenet_v2_x1_0": (lambda c: TV.shufflenet_v2_x1_0(num_classes=c), (2, 3, 64, 64), 10),
    "efficientnet_b0": (lambda c: TV.efficientnet_b0(num_classes=c), (2, 3, 64, 64), 10),
    "efficientnet_v2_s": (lambda c: TV.efficientnet_v2_s(num_classes=c), (2, 3, 64, 64), 10),
}


def batchnorm_keys(model):
    keys = set()
    for name, m in model.named_modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm):
            for p in ("weight", "bias", "running_mean", "running_var"):
                keys.add(f"{name}.{p}" if name else p)
    return keys


def fill_model(model):
    """Fills every float tensor of the state_dict in order; returns [(key, shape)] (num_batches_tracked skipped)."""
    bn = batchnorm_keys(model)
    sd = model.state_dict()
    listed, k = [], 0
    with torch.no_grad():
        for key, t in sd.items():
            if key.endswith("num_batches_tracked"):
                continue
            shape = tuple(t.shape)
            t.copy_(torch.from_numpy(fill.fill(k, shape, fill.role_of(key, shape, key in bn))))
            listed.append([key, list(shape)])
            k += 1
    return listed


def disable_randomness(model):
    for m in model.modules():
        if isinstance(m, nn.Dropout):
            m.p = 0.0
        if isinstance(m, torchvision.ops.StochasticDepth):
            m.p = 0.0


def checksums(tensors):
    return {k: [float(v.double().sum()), float((v.double() ** 2).sum())] for k, v in tensors.items()}


def total_loss(out, labels):
    if isinstance(out, tuple):  # GoogLeNetOutputs(logits, aux2, aux1)
        main, aux2, aux1 = out
        return F.cross_entropy(main, labels) + 0.3 * (F.cross_entropy(aux1, labels) + F.cross_entropy(aux2, labels))
    return F.cross_entropy(out, labels)


def one_step(model, grads, make_opt):
    params = dict(model.named_parameters())
    before = {k: p.detach().clone() for k, p in params.items()}
    for k, p in params.items():
        p.grad = grads[k].clone()
    opt = make_opt(params.values())
    opt.step()
    deltas = {k: (p.detach() - before[k]) for k, p in params.items()}
    with torch.no_grad():
        for k, p in params.items():
            p.copy_(before[k])
    return checksums(deltas)


def make(name, device):
    ctor, shape, classes = MODELS[name]
    torch.manual_seed(0)
    model = ctor(classes)
    keys = fill_model(model)
    model = model.to(device)
    x = torch.from_numpy(fill.fill(fill.INPUT_INDEX, shape, "input")).to(device)
    labels = torch.tensor([(n * 7 + 3) % classes for n in range(shape[0])], device=device)

    model.eval()
    with torch.no_grad():
        logits = model(x).double().cpu().numpy()

    train_model = model
    disable_randomness(train_model)
    train_model.train()
    saved = {k: v.clone() for k, v in train_model.state_dict().items()}
    out = train_model(x)
    loss = total_loss(out, labels)
    train_model.zero_grad()
    loss.backward()
    grads = {k: p.grad.detach().clone() for k, p in train_model.named_parameters()}
    train_model.load_state_dict(saved)  # undo the running-statistics update of the training forward

    return {
        "model": name,
        "torch_version": torch.__version__,
        "torchvision_version": torchvision.__version__,
        "device": str(device),
        "input_shape": list(shape),
        "num_classes": classes,
        "labels": labels.cpu().tolist(),
        "state_dict": keys,
        "eval_logits": logits.reshape(-1).tolist(),
        "train_loss": float(loss.detach()),
        "grad_checksums": checksums(grads),
        "sgd": dict(SGD, update_checksums=one_step(train_model, grads, lambda p: torch.optim.SGD(p, **SGD))),
        "adamw": dict(ADAMW, betas=list(ADAMW["betas"]),
                      update_checksums=one_step(train_model, grads, lambda p: torch.optim.AdamW(p, **ADAMW))),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--models", default=",".join(MODELS))
    args = ap.parse_args()
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.use_deterministic_algorithms(True, warn_only=True)
    os.makedirs(args.out, exist_ok=True)
    for name in args.models.split(","):
        data = make(name, torch.device(args.device))
        path = os.path.join(args.out, f"{name}.json")
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(data, f, separators=(",", ":"))
        os.replace(tmp, path)
        print(f"{name}: loss {data['train_loss']:.6f}, {len(data['state_dict'])} tensors -> {path}", flush=True)


if __name__ == "__main__":
    main()
