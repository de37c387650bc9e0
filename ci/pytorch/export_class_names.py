#!/usr/bin/env python3
"""Writes the class-name resources jdnn ships, one name per line in label order:
ImageNet-1k as torchvision publishes it with its pretrained weights (weights.meta["categories"]), Fashion-MNIST and
CIFAR-10 as their authors name them (the same lists as torchvision.datasets.FashionMNIST.classes / CIFAR10's meta).

  python3 ci/pytorch/export_class_names.py --out training/src/main/resources/dev/jdnn/training/data/classes
"""
import argparse
import os

from torchvision.datasets import FashionMNIST
from torchvision.models import ResNet18_Weights

CIFAR10 = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    out = ap.parse_args().out
    os.makedirs(out, exist_ok=True)
    lists = {"imagenet-1k": ResNet18_Weights.IMAGENET1K_V1.meta["categories"], "fashion-mnist": FashionMNIST.classes,
             "cifar-10": CIFAR10}
    for name, names in lists.items():
        with open(os.path.join(out, name + ".txt"), "w", encoding="utf-8") as f:
            f.write("\n".join(names) + "\n")
        print(name, len(names))


if __name__ == "__main__":
    main()
