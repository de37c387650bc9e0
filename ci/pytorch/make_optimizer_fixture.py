#!/usr/bin/env python3
"""Makes the optimizer fixture the ops tests compare the fused updates against (OptimizerContract).

Three steps of torch.optim.SGD / Adam / AdamW (single-tensor implementation, foreach=False, on the CPU) on one
float32 parameter of 67 elements (four 16-lane vectors and a tail), with the learning rate changed before every step
as a schedule does (lr_t = lr / (1 + 0.7 t), in double). Records the initial parameter, the three gradients, and
after each step the parameter and every state tensor, all as float32 bit patterns (exact). Inputs are drawn from a
seeded numpy generator, so a rerun writes the same file.

  python3 ci/pytorch/make_optimizer_fixture.py --out ops/src/test/resources/dev/jdnn/ops/testing/torch_optimizer_steps.json
"""
import argparse
import json

import numpy as np
import torch

N, STEPS = 67, 3

# name -> (torch class, constructor arguments, jdnn configuration as the Java test builds it)
CONFIGS = {
    "sgd": (torch.optim.SGD, dict(lr=0.1, momentum=0.9, weight_decay=1e-4)),
    "sgd_plain": (torch.optim.SGD, dict(lr=0.1)),
    "sgd_dampening": (torch.optim.SGD, dict(lr=0.05, momentum=0.9, dampening=0.1, weight_decay=0.01)),
    "sgd_nesterov": (torch.optim.SGD, dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=5e-4)),
    "adam": (torch.optim.Adam, dict(lr=1e-3)),
    "adam_l2": (torch.optim.Adam, dict(lr=1e-2, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
    "adamw": (torch.optim.AdamW, dict(lr=1e-2, weight_decay=0.05)),
    "adamw_amsgrad": (torch.optim.AdamW, dict(lr=1e-2, betas=(0.9, 0.99), weight_decay=0.01, amsgrad=True)),
}


def bits(t):
    return t.detach().contiguous().numpy().astype(np.float32).view(np.uint32).tolist()


def run(cls, kwargs, p0, grads):
    p = torch.nn.Parameter(torch.from_numpy(p0.copy()))
    opt = cls([p], foreach=False, **kwargs)
    base = kwargs["lr"]
    steps = []
    for t, g in enumerate(grads):
        for group in opt.param_groups:
            group["lr"] = base / (1 + 0.7 * t)
        p.grad = torch.from_numpy(g.copy())
        opt.step()
        state = opt.state[p]
        steps.append({"param": bits(p), **{k: bits(v) for k, v in state.items() if k != "step"}})
    return steps


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    torch.set_num_threads(1)
    rng = np.random.default_rng(2024)
    p0 = rng.uniform(-1, 1, N).astype(np.float32)
    # Gradients shrink after the first step, so amsgrad's running maximum differs from exp_avg_sq.
    grads = [(rng.uniform(-1, 1, N) * (1 if t == 0 else 0.1)).astype(np.float32) for t in range(STEPS)]
    out = {
        "torch": torch.__version__,
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "schedule": "lr_t = lr / (1 + 0.7 * t), t = 0, 1, 2",
        "param": p0.view(np.uint32).tolist(),
        "grads": [g.view(np.uint32).tolist() for g in grads],
        "configs": {},
    }
    for name, (cls, kwargs) in CONFIGS.items():
        kw = dict(kwargs)
        if "betas" in kw:
            kw["betas"] = list(kw["betas"])
        out["configs"][name] = {"optimizer": cls.__name__, "args": kw, "steps": run(cls, kwargs, p0, grads)}
    with open(args.out, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
