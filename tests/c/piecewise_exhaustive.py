"""Every float32 input through the piecewise family's compiled ufuncs, by hand:

    python tests/c/piecewise_exhaustive.py [--level avx2] [--mode default] [--stride 1] [NAME ...]

Prints, per function, the max ULP error against the correctly rounded result
(0.5 means correctly rounded: the error is measured against the float64 value,
which is exact for every float32 z but for the division by 6, 2^-29 ULP) and
the count of results that are not the correctly rounded float32.  Chunks of
2^24 inputs, one thread; ~1 min per function on a quiet machine.  Not part of
the test suite (tests/test_piecewise.py samples the same budgets)."""
from __future__ import annotations

import argparse
import sys

import numpy as np

import fastact
from fastact import _backends


def _clamp3(z):
    return np.clip(z, -3.0, 3.0)


def _hardswish(z):
    c = _clamp3(z)
    return np.where(z > 3, z, np.copysign(c * (c + 3) / 6, z))


def _hardswish_d(z):
    inner = (2 * _clamp3(z) + 3) / 6
    return np.where(z <= -3, 0.0, np.where(z >= 3, 1.0, inner))


def _shrink(z, lam, soft):
    out = np.where(np.abs(z) > lam, z - (np.sign(z) * lam if soft else 0), 0.0)
    return np.where(np.isnan(z), z, out)


# name -> (public function, float64 reference of the float32 z, kwargs)
FUNCTIONS = {
    "hardsigmoid": ("hardsigmoid", lambda z: (_clamp3(z) + 3) / 6, {}),
    "hardsigmoid_derivative": ("hardsigmoid_derivative",
                               lambda z: np.where((z > -3) & (z < 3), np.float32(1 / 6), 0.0), {}),
    "hardswish": ("hardswish", _hardswish, {}),
    "hardswish_derivative": ("hardswish_derivative", _hardswish_d, {}),
    "hardtanh": ("hardtanh", lambda z: np.clip(z, -1, 1), {}),
    "relu6": ("relu6", lambda z: np.clip(z, 0, 6), {}),
    "softshrink": ("softshrink", lambda z: _shrink(z, 0.5, True), {}),
    "hardshrink": ("hardshrink", lambda z: _shrink(z, 0.5, False), {}),
}


def ulp32(got, ref):
    """|got - ref| in float32 ULP at ref (subnormal spacing near 0); NaN = NaN is 0."""
    ref32 = ref.astype(np.float32)
    spacing = np.spacing(np.abs(ref32)).astype(np.float64)
    # a ref just below a power of two rounds up to it: the spacing below
    below = np.abs(ref32).astype(np.float64) > np.abs(ref)
    spacing = np.where(below, np.spacing(np.nextafter(np.abs(ref32), np.float32(0)))
                       .astype(np.float64), spacing)
    err = np.abs(got.astype(np.float64) - ref) / np.maximum(spacing, 2.0 ** -149)
    same = (np.isnan(got) & np.isnan(ref)) | (got.astype(np.float64) == ref)
    return np.where(same, 0.0, np.where(np.isnan(err), np.inf, err))


def sweep(name: str, stride: int = 1, chunk_bits: int = 24) -> tuple[float, int, float]:
    fn_name, ref_fn, kw = FUNCTIONS[name]
    fn = getattr(fastact, fn_name)
    worst, wrong, at = 0.0, 0, 0.0
    n = 1 << chunk_bits
    out = np.empty(n, np.float32)
    for start in range(0, 1 << 32, n * stride):
        z = np.arange(start, start + n * stride, stride, dtype=np.uint64).astype(np.uint32) \
            .view(np.float32)
        fn(z, out=out, **kw)
        with np.errstate(all="ignore"):
            z64 = z.astype(np.float64)
            ref = np.where(np.isnan(z64), z64, ref_fn(z64))   # NaN in, NaN out
            err = ulp32(out, ref)
            ref32 = ref.astype(np.float32)
            # equal values (+0 == -0) and NaN pairs are right; anything else is not
            wrong += int(np.count_nonzero(~((out == ref32) | (np.isnan(out) & np.isnan(ref32)))))
        i = int(np.argmax(err))
        if err[i] > worst:
            worst, at = float(err[i]), float(z[i])
    return worst, wrong, at


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", default=list(FUNCTIONS))
    ap.add_argument("--level", default=None)
    ap.add_argument("--mode", default="default")
    ap.add_argument("--stride", type=int, default=1,
                    help="every STRIDE-th bit pattern (1: all 2^32)")
    args = ap.parse_args(argv)
    mod = _backends.compiled_module()
    if fastact.BACKEND != "c" or mod is None:
        print("needs the compiled backend", file=sys.stderr)
        return 2
    if args.level:
        mod.set_level(args.level)
    fastact.set_accuracy(args.mode)
    for name in args.names:
        worst, wrong, at = sweep(name, args.stride)
        print(f"{name:24s} level={mod.get_level():8s} mode={args.mode:7s} stride={args.stride} max_ulp={worst:.4f} "
              f"not_correctly_rounded={wrong} worst_at={at!r}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
