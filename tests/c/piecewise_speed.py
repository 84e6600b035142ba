"""Fused value + derivative of the piecewise family against torch and NumPy, by hand:

    python tests/c/piecewise_speed.py [--n 1000000] [--rounds 15]

Interleaved A/B in one process, n elements, out= on every side, one thread:
fastact's NAME_and_derivative(z, out=(a, d)) against torch's forward with out=
plus its aten backward kernel with out= (grad = 1), and against a
straightforward NumPy composition of the formula and its derivative.  Prints
the median time of each and the ratios (> 1: fastact is faster)."""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import torch

import fastact

aten = torch.ops.aten


def _np_inside(z, lo, hi, v=1.0):
    return np.where((z > lo) & (z < hi), v, 0.0)


def _np_hardswish(z):
    return z * np.clip(z / 6 + 0.5, 0, 1), np.where(z <= -3, 0, np.where(z >= 3, 1, z / 3 + 0.5))


# name -> (fastact kwargs, torch (z, g, a, d) -> None, numpy z -> (a, d))
CASES = {
    "hardtanh": ({}, lambda z, g, a, d: (aten.hardtanh.out(z, -1.0, 1.0, out=a),
                                         aten.hardtanh_backward.grad_input(g, z, -1.0, 1.0,
                                                                           grad_input=d)),
                 lambda z: (np.clip(z, -1, 1), _np_inside(z, -1, 1))),
    "relu6": ({}, lambda z, g, a, d: (aten.hardtanh.out(z, 0.0, 6.0, out=a),
                                      aten.hardtanh_backward.grad_input(g, z, 0.0, 6.0,
                                                                        grad_input=d)),
              lambda z: (np.clip(z, 0, 6), _np_inside(z, 0, 6))),
    "hardsigmoid": ({}, lambda z, g, a, d: (aten.hardsigmoid.out(z, out=a),
                                            aten.hardsigmoid_backward.grad_input(g, z,
                                                                                 grad_input=d)),
                    lambda z: (np.clip(z / 6 + 0.5, 0, 1), _np_inside(z, -3, 3, 1 / 6))),
    "hardswish": ({}, lambda z, g, a, d: (aten.hardswish.out(z, out=a),
                                          aten.hardswish_backward.out(g, z, out=d)),
                  _np_hardswish),
    "softshrink": ({}, lambda z, g, a, d: (aten.softshrink.out(z, 0.5, out=a),
                                           aten.softshrink_backward.grad_input(g, z, 0.5,
                                                                               grad_input=d)),
                   lambda z: (np.where(z > 0.5, z - 0.5, np.where(z < -0.5, z + 0.5, 0)),
                              np.where(np.abs(z) > 0.5, 1.0, 0.0))),
    "hardshrink": ({}, lambda z, g, a, d: (aten.hardshrink.out(z, 0.5, out=a),
                                           aten.hardshrink_backward.grad_input(g, z, 0.5,
                                                                               grad_input=d)),
                   lambda z: (np.where(np.abs(z) > 0.5, z, 0), np.where(np.abs(z) > 0.5, 1.0, 0.0))),
    "threshold": ({"threshold": 0.5, "value": -1.0},
                  lambda z, g, a, d: (aten.threshold.out(z, 0.5, -1.0, out=a),
                                      aten.threshold_backward.grad_input(g, z, 0.5, grad_input=d)),
                  lambda z: (np.where(z > 0.5, z, -1.0), np.where(z > 0.5, 1.0, 0.0))),
    "prelu": ({"weight": 0.25},
              lambda z, g, a, d: (aten._prelu_kernel(z, W[z.dtype]),
                                  aten._prelu_kernel_backward(g, z, W[z.dtype])),
              lambda z: (np.where(z > 0, z, 0.25 * z), np.where(z > 0, 1.0, 0.25))),
}
W = {torch.float32: torch.tensor([0.25]), torch.float64: torch.tensor([0.25], dtype=torch.float64)}


def _time(f, reps=3):
    t = time.perf_counter()
    for _ in range(reps):
        f()
    return (time.perf_counter() - t) / reps


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10 ** 6)
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("names", nargs="*", default=list(CASES))
    args = ap.parse_args()
    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    print(f"fastact level {fastact._backends.compiled_module().get_level()}, n = {args.n}")
    for name in args.names:
        kw, torch_fn, numpy_fn = CASES[name]
        fused = getattr(fastact, name + "_and_derivative")
        for dtype in (np.float32, np.float64):
            z = rng.uniform(-8, 8, args.n).astype(dtype)
            a, d = np.empty_like(z), np.empty_like(z)
            tz, tg = torch.from_numpy(z), torch.ones(args.n, dtype=torch.from_numpy(z).dtype)
            ta, td = torch.from_numpy(a.copy()), torch.from_numpy(d.copy())
            runs = {"fastact": lambda: fused(z, out=(a, d), **kw),
                    "torch": lambda: torch_fn(tz, tg, ta, td),
                    "numpy": lambda: numpy_fn(z)}
            times = {k: [] for k in runs}
            for _ in range(args.rounds):          # interleaved A/B/C
                for k, f in runs.items():
                    times[k].append(_time(f))
            med = {k: statistics.median(v) for k, v in times.items()}
            print(f"{name:12s} {np.dtype(dtype).name:8s} fastact {med['fastact'] * 1e3:7.3f} ms  "
                  f"torch {med['torch'] * 1e3:7.3f} ms  numpy {med['numpy'] * 1e3:7.3f} ms  "
                  f"vs torch {med['torch'] / med['fastact']:5.2f}x  "
                  f"vs numpy {med['numpy'] / med['fastact']:5.2f}x", flush=True)


if __name__ == "__main__":
    main()
