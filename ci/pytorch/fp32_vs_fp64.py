#!/usr/bin/env python3
"""How far PyTorch's own FP32 results (a parity fixture) are from the same computation in FP64: the conditioning
floor that justifies PyTorchParityTest's per-model gradient tolerances (CONDITIONING).

  python3 ci/pytorch/fp32_vs_fp64.py resnet50 resnext50_32x4d googlenet resnet18
"""
import json, sys, os
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import torch, numpy as np
import make_fixtures as mf, fill
torch.set_num_threads(1)
for name in sys.argv[1:]:
    fx = json.load(open(os.path.join(HERE, '..', '..', 'networks', 'src', 'test', 'resources', 'parity', f'{name}.json')))
    ctor, shape, classes = mf.MODELS[name]
    torch.manual_seed(0)
    model = ctor(classes); mf.fill_model(model); model = model.double()
    x = torch.from_numpy(fill.fill(fill.INPUT_INDEX, shape, "input")).double()
    labels = torch.tensor(fx['labels'])
    mf.disable_randomness(model); model.train()
    loss = mf.total_loss(model(x), labels); loss.backward()
    worst_sum = worst_sq = 0; wk = wq = ''
    for k, p in model.named_parameters():
        g = p.grad.double(); s, q = float(g.sum()), float((g**2).sum())
        rs, rq = fx['grad_checksums'][k]
        es = abs(s - rs) / max(1e-300, (rq * g.numel()) ** 0.5); eq = abs(q - rq) / max(rq, 1e-300)
        if es > worst_sum: worst_sum, wk = es, k
        if eq > worst_sq: worst_sq, wq = eq, k
    print(f"{name}: loss fp64 {float(loss.detach()):.8f} fp32 {fx['train_loss']:.8f} rel {abs(float(loss.detach())-fx['train_loss'])/fx['train_loss']:.2g}; fp32-vs-fp64 grads sum {worst_sum:.2g} ({wk}) sumsq {worst_sq:.2g} ({wq})", flush=True)
