#!/usr/bin/env python3
"""Writes a small real PyTorch weight file for the import test: a CIFAR-style resnet20 (1 input channel) trained
briefly on Fashion-MNIST with PyTorch, saved with safetensors.torch.save_file (torchvision-style keys, including
num_batches_tracked), plus the eval-mode logits PyTorch computes for the first test images.

  python3 ci/pytorch/make_weights_fixture.py --data /usr/share/datasets/fashion-mnist --out training/src/test/resources/parity
"""
import argparse
import gzip
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import save_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference_models  # noqa: E402

MEAN, STD = 0.2860, 0.3530


def idx(path):
    with gzip.open(path) as f:
        data = f.read()
    magic = int.from_bytes(data[:4], "big")
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(magic & 0xFF)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * len(dims)).reshape(dims)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--out", required=True)
    ap.add_argument("--steps", type=int, default=300)
    args = ap.parse_args()
    torch.manual_seed(0)
    xs = torch.from_numpy(idx(os.path.join(args.data, "train-images-idx3-ubyte.gz")).astype(np.float32) / 255)
    ys = torch.from_numpy(idx(os.path.join(args.data, "train-labels-idx1-ubyte.gz")).astype(np.int64))
    xt = torch.from_numpy(idx(os.path.join(args.data, "t10k-images-idx3-ubyte.gz")).astype(np.float32) / 255)
    model = reference_models.cifar_resnet(20, 10, in_channels=1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4)
    model.train()
    for step in range(args.steps):
        i = torch.randint(0, xs.shape[0], (64,))
        x = ((xs[i] - MEAN) / STD).unsqueeze(1)
        loss = F.cross_entropy(model(x), ys[i])
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    x = ((xt[:4] - MEAN) / STD).unsqueeze(1)
    with torch.no_grad():
        logits = model(x)
    os.makedirs(args.out, exist_ok=True)
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, os.path.join(args.out, "resnet20_fmnist.safetensors"))
    with open(os.path.join(args.out, "resnet20_fmnist.logits.json"), "w") as f:
        json.dump({"model": "resnet20", "in_channels": 1, "num_classes": 10, "input": "first 4 Fashion-MNIST test images, "
                   "(x/255 - 0.2860)/0.3530", "torch_version": torch.__version__, "train_steps": args.steps,
                   "final_train_loss": float(loss.detach()), "logits": logits.reshape(-1).tolist()}, f)
    print("loss", float(loss), "logits[0]", logits[0].tolist())


if __name__ == "__main__":
    main()
