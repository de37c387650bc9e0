#!/usr/bin/env python3
"""Writes the images and reference numbers the Java preprocessing tests compare against: torchvision.transforms.v2
(antialiased resize of the shorter side, centre crop, normalisation; grey conversion; resized crop) applied to a few
small PNG images, both on float tensors (the computation jdnn does; compared to 1e-5) and on PIL images (which round
to 8 bits after each resize pass; compared to about 1/255).

  python3 ci/pytorch/make_preprocessing_fixture.py --out training/src/test/resources/preprocessing

Writes <out>/*.png (the inputs) and <out>/reference.safetensors: one float32 tensor per (image, pipeline), named
"<image>/<pipeline>", with the pipelines' parameters in the file's metadata ("pipelines", JSON).
"""
import argparse
import json
import os

import numpy as np
import torch
import torchvision
from PIL import Image
from safetensors.torch import save_file
from torchvision.transforms import v2
from torchvision.transforms.v2 import functional as F

IMAGENET = ([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
FASHION = ([0.2860], [0.3530])


def make_images(out):
    """Deterministic test images: smooth gradients plus fine stripes (which aliasing would show) and mild noise."""
    rng = np.random.default_rng(20240607)
    images = {}

    def scene(h, w, channels):
        y, x = np.mgrid[0:h, 0:w].astype(np.float64)
        planes = []
        for c in range(channels):
            smooth = 127 + 90 * np.sin(x / (17 + 5 * c)) * np.cos(y / (23 - 4 * c))
            stripes = 40 * np.sign(np.sin(x * (0.9 + 0.35 * c) + y * 0.3))
            planes.append(smooth + stripes + rng.normal(0, 6, (h, w)))
        return np.clip(np.rint(np.stack(planes, -1)), 0, 255).astype(np.uint8)

    images["rgb_200x150"] = Image.fromarray(scene(150, 200, 3), "RGB")          # landscape, 5x downscale
    images["grey_97x131"] = Image.fromarray(scene(131, 97, 1)[..., 0], "L")     # portrait, odd sizes: .5 crop offsets
    images["rgb_30x22"] = Image.fromarray(scene(22, 30, 3), "RGB")              # smaller than the output: upscaling
    rgba = np.concatenate([scene(60, 75, 3), rng.integers(0, 256, (60, 75, 1), dtype=np.uint8)], -1)
    images["rgba_75x60"] = Image.fromarray(rgba, "RGBA")                        # alpha is dropped, as convert("RGB")
    for name, im in images.items():
        im.save(os.path.join(out, name + ".png"), optimize=True)
    return images


def tensor_pipeline(resize, crop, interpolation, norm, grey=False):
    steps = [v2.ToImage(), v2.ToDtype(torch.float32, scale=True)]
    if grey:
        steps.append(v2.Grayscale())
    steps += [v2.Resize(resize, interpolation=interpolation, antialias=True), v2.CenterCrop(crop), v2.Normalize(*norm)]
    return v2.Compose(steps)


def pil_pipeline(resize, crop, interpolation, norm):
    return v2.Compose([v2.Resize(resize, interpolation=interpolation, antialias=True), v2.CenterCrop(crop),
                       v2.ToImage(), v2.ToDtype(torch.float32, scale=True), v2.Normalize(*norm)])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    images = make_images(args.out)
    bilinear, bicubic = v2.InterpolationMode.BILINEAR, v2.InterpolationMode.BICUBIC
    # name -> (kind, parameters); kind "tensor" / "pil" / "resized_crop"
    pipelines = {
        "bilinear_40_32": {"kind": "tensor", "resize": 40, "crop": 32, "interpolation": "bilinear", "norm": "imagenet"},
        "bicubic_36_32": {"kind": "tensor", "resize": 36, "crop": 32, "interpolation": "bicubic", "norm": "imagenet"},
        "pil_bilinear_40_32": {"kind": "pil", "resize": 40, "crop": 32, "interpolation": "bilinear", "norm": "imagenet"},
        "grey_32_28": {"kind": "tensor", "resize": 32, "crop": 28, "interpolation": "bilinear", "norm": "fashion", "grey": True},
        "resized_crop_17_33_90_120_24": {"kind": "resized_crop", "top": 17, "left": 33, "height": 90, "width": 120, "size": 24},
    }
    tensors = {}
    for image_name, pil in images.items():
        rgb = pil.convert("RGB")
        for name, p in pipelines.items():
            grey_image = pil.mode == "L"
            interp = bilinear if p.get("interpolation", "bilinear") == "bilinear" else bicubic
            if p["kind"] == "tensor":
                norm = IMAGENET if p["norm"] == "imagenet" else FASHION
                wants_grey = p.get("grey", False)
                if wants_grey and grey_image:
                    src, t = pil, tensor_pipeline(p["resize"], p["crop"], interp, norm)   # already one channel
                else:
                    src, t = rgb, tensor_pipeline(p["resize"], p["crop"], interp, norm, grey=wants_grey)
                out = t(src)
            elif p["kind"] == "pil":
                if grey_image:
                    continue
                out = pil_pipeline(p["resize"], p["crop"], interp, IMAGENET)(rgb)
            else:
                if image_name != "rgb_200x150":
                    continue
                x = v2.ToDtype(torch.float32, scale=True)(v2.ToImage()(rgb))
                out = F.resized_crop(x, p["top"], p["left"], p["height"], p["width"], [p["size"], p["size"]], antialias=True)
            tensors[image_name + "/" + name] = out.contiguous().to(torch.float32)
    meta = {"pipelines": json.dumps(pipelines), "torch": torch.__version__, "torchvision": torchvision.__version__}
    save_file(tensors, os.path.join(args.out, "reference.safetensors"), metadata=meta)
    for k, v in tensors.items():
        print(k, tuple(v.shape))


if __name__ == "__main__":
    main()
