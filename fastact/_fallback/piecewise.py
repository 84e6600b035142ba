"""The piecewise family in NumPy (see fastact/_catalogue/piecewise.py): the
piecewise-linear ones and sparse_plus (a square between two linear pieces).
fwd(z, want_a, want_d, **params) -> (value, derivative from z), from_a(a, **params).
The kinks are PyTorch's (csrc/act/*.h says which); NaN gives NaN everywhere,
also where a comparison alone would pick a branch."""
from __future__ import annotations

from typing import Any

import numpy as np

from fastact._fallback.explinear import _fast2sum, _two_prod_err
from fastact._fallback.lesson import _fwd_leaky_relu


def _nan_through(r: Any, x: Any) -> Any:
    """r with x's NaNs put back (a comparison sends a NaN to some branch)."""
    np.copyto(r, x, where=np.isnan(x))
    return r


def _inside(x, lo, hi, v):
    """v where lo < x < hi, 0 at and beyond both edges, NaN for NaN."""
    r = np.multiply(np.logical_and(np.less(lo, x), np.less(x, hi)), v, dtype=x.dtype)
    return _nan_through(r, x)


def _outside(x, lo, hi):
    """1 where x < lo or x > hi, 0 on the closed [lo, hi], NaN for NaN."""
    r = np.logical_or(np.less(x, lo), np.less(hi, x)).astype(x.dtype)
    return _nan_through(r, x)


def _clamp3(z):
    """clamp(z, -3, 3) in float64 (float32 data: its sums and products below are
    then exact, and the one rounding is the final cast), NaN passing."""
    return np.clip(z, -3.0, 3.0, dtype=np.float64)


def _div6(s, e):
    """(s + e)/6 for an unrounded float64 pair: e only nudges the rounded s/6."""
    return np.add(np.divide(s, 6.0), np.divide(e, 6.0))


def _plus3(c):
    """c + 3 = s + e exactly (Fast2Sum: |c| <= 3)."""
    s = np.add(c, 3.0)
    return s, np.subtract(c, np.subtract(s, 3.0))


def _fwd_hardtanh(z, want_a, want_d, min_val, max_val):
    a = np.minimum(max_val, np.maximum(min_val, z)) if want_a else None
    d = _inside(z, min_val, max_val, 1) if want_d else None
    return a, d


def _from_a_hardtanh(a, min_val, max_val):
    return _inside(a, min_val, max_val, 1)


def _fwd_relu6(z, want_a, want_d):
    t = z.dtype.type
    return _fwd_hardtanh(z, want_a, want_d, t(0), t(6))


def _from_a_relu6(a):
    return _inside(a, 0, 6, 1)


_SIXTH = {np.dtype(np.float32): np.float32(1 / 6), np.dtype(np.float64): np.float64(1 / 6)}


def _fwd_hardsigmoid(z, want_a, want_d):
    a = d = None
    if want_a:
        a = _div6(*_plus3(_clamp3(z))).astype(z.dtype, copy=False)
    if want_d:
        d = _inside(z, -3, 3, _SIXTH[z.dtype])
    return a, d


def _from_a_hardsigmoid(a):
    return _inside(a, 0, 1, _SIXTH[a.dtype])


def _fwd_hardswish(z, want_a, want_d):
    c = _clamp3(z)
    a = d = None
    if want_a:
        s, e = _plus3(c)
        # c (s + e)/6: float32 data exactly but for the division; float64 data
        # loses the product's rounding error (NumPy has no FMA): <= 2 ULP
        a = _div6(np.multiply(c, s), np.multiply(c, e))
        # z's sign on every result, zeros too (-0 below -3), as PyTorch's z * 0 / 6
        a = np.where(np.greater(z, 3), z, np.copysign(a, z)).astype(z.dtype, copy=False)
    if want_d:
        t = np.add(c, c)
        s = np.add(t, 3.0)
        bb = np.subtract(s, t)
        e = np.add(np.subtract(t, np.subtract(s, bb)), np.subtract(3.0, bb))  # TwoSum
        d = np.where(np.less_equal(z, -3), 0.0, np.where(np.greater_equal(z, 3), 1.0,
                                                           _div6(s, e)))
        d = d.astype(z.dtype, copy=False)
    return a, d


def _fwd_softshrink(z, want_a, want_d, lambd):
    a = d = None
    if want_a:
        inner = np.where(np.less(z, -lambd), np.add(z, lambd), np.multiply(z, 0))
        a = np.where(np.greater(z, lambd), np.subtract(z, lambd), inner)
    if want_d:
        d = _outside(z, -lambd, lambd)
    return a, d


def _from_a_shrink(a):
    return _outside(a, 0, 0)


def _fwd_hardshrink(z, want_a, want_d, lambd):
    a = np.where(np.less_equal(np.abs(z), lambd), z.dtype.type(0), z) if want_a else None
    d = _outside(z, -lambd, lambd) if want_d else None
    return a, d


def _fwd_threshold(z, want_a, want_d, threshold, value=None):
    a = np.where(np.less_equal(z, threshold), value, z) if want_a else None
    d = _nan_through(np.greater(z, threshold).astype(z.dtype), z) if want_d else None
    return a, d


def _fwd_prelu(z, want_a, want_d, weight, at_zero=None):
    return _fwd_leaky_relu(z, want_a, want_d, weight, at_zero)


def _fwd_sparse_plus(z, want_a, want_d):
    """t^2/4 with t = c + 1, c = clamp(z, -1, 1), in z's dtype as an unrounded
    pair (Fast2Sum: |c| <= 1; Dekker's exact square, NumPy has no FMA), so only
    the sum rounds; z where z > 1.  g' = (c + 1)/2: the rounded t halved, 0 and 1
    at the clamps (NaN passes np.clip)."""
    c = np.clip(z, -1, 1)
    th, tl = _fast2sum(np.ones_like(c), c)
    a = d = None
    if want_a:
        t2 = np.add(np.multiply(th, th),
                    np.add(_two_prod_err(th, th), np.multiply(np.add(th, th), tl)))
        a = np.where(np.greater(z, 1), z, np.multiply(t2, 0.25)).astype(z.dtype, copy=False)
    if want_d:
        d = np.multiply(th, 0.5).astype(z.dtype, copy=False)
    return a, d


def _from_a_sparse_plus(a):
    # sqrt(a) rounded once on (0, 1); a < 0 (outside g's range): NaN, as written
    return np.where(np.greater_equal(a, 1), 1, np.sqrt(a)).astype(a.dtype, copy=False)


FORMULAS = {
    "hardtanh": (_fwd_hardtanh, _from_a_hardtanh),
    "relu6": (_fwd_relu6, _from_a_relu6),
    "hardsigmoid": (_fwd_hardsigmoid, _from_a_hardsigmoid),
    "hardswish": (_fwd_hardswish, None),
    "softshrink": (_fwd_softshrink, _from_a_shrink),
    "hardshrink": (_fwd_hardshrink, _from_a_shrink),
    "threshold": (_fwd_threshold, None),
    "prelu": (_fwd_prelu, None),
    "sparse_plus": (_fwd_sparse_plus, _from_a_sparse_plus),
}
