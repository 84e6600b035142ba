"""Accuracy references for the piecewise family (piecewise-linear, and
sparse_plus), with the signatures of fastact/_accuracy/model.py's Reference
(being landed by the registries work):

    wide_fwd(z, **params) -> (a, d)   wide_from_a(a, **params) -> d
    mp_fwd(mp, x, **params) -> (a, d) mp_from_a(mp, a, **params) -> d

SPECS[name] holds the keyword arguments of Reference(...) for each activation;
REFERENCES builds them.  Every function here
is exact once rounded (clamps, selects, one IEEE operation) except hardsigmoid and
hardswish, whose division by 6 is rounded in the wide format, and sparse_plus,
whose (z + 1)^2 / 4 and sqrt(a) are (float32 data: exact in float64 but for the
root): exact=False for those (a few wide ULP; mpmath settles the near-midpoints)."""
from __future__ import annotations

from typing import Any, Dict, Tuple

import numpy as np

from fastact._accuracy.model import Reference


def _inside(x, lo, hi, v):
    # derivatives are +0 and 1 also at +-inf (0 * inf would be NaN)
    return np.where(np.isnan(x), x, np.where((x > lo) & (x < hi), v, np.zeros_like(x)))


def _outside(x, lo, hi):
    return np.where(np.isnan(x), x, np.where((x < lo) | (x > hi), np.ones_like(x), np.zeros_like(x)))


def _hardtanh_wide_fwd(z, min_val, max_val) -> Tuple[Any, Any]:
    return np.minimum(max_val, np.maximum(min_val, z)), _inside(z, min_val, max_val, 1.0)


def _hardtanh_mp_fwd(mp, x, min_val, max_val):
    return min(max(x, min_val), max_val), mp.mpf(1 if min_val < x < max_val else 0)


def _hardsigmoid_wide_fwd(z) -> Tuple[Any, Any]:
    c = np.clip(z, -3, 3)
    return (c + 3) / 6, _inside(z, -3, 3, z.dtype.type(1) / 6)


def _hardsigmoid_mp_fwd(mp, x):
    c = min(max(x, mp.mpf(-3)), mp.mpf(3))
    return (c + 3) / 6, (mp.mpf(1) / 6 if -3 < x < 3 else mp.mpf(0))


def _hardswish_wide_fwd(z) -> Tuple[Any, Any]:
    c = np.clip(z, -3, 3)
    a = np.where(z > 3, z, c * (c + 3) / 6)
    d = np.where(z <= -3, np.zeros_like(z), np.where(z >= 3, np.ones_like(z), (2 * c + 3) / 6))
    return a, d


def _hardswish_mp_fwd(mp, x):
    if x > 3:
        return x, mp.mpf(1)
    if x <= -3:
        return mp.mpf(0), mp.mpf(0)
    return x * (x + 3) / 6, (mp.mpf(1) if x >= 3 else (2 * x + 3) / 6)


def _sparse_plus_wide_fwd(z) -> Tuple[Any, Any]:
    t = np.clip(z, -1, 1) + 1
    return np.where(z > 1, z, t * t / 4), t / 2


def _sparse_plus_wide_from_a(a):
    with np.errstate(invalid="ignore"):  # a < 0 is outside g's range: NaN, as written
        return np.where(a >= 1, np.ones_like(a), np.sqrt(a))


def _sparse_plus_mp_fwd(mp, x):
    if x >= 1:
        return x, mp.mpf(1)
    t = max(x, mp.mpf(-1)) + 1
    return t * t / 4, t / 2


def _sparse_plus_mp_from_a(mp, a):
    return mp.mpf(1) if a >= 1 else mp.sqrt(a)


def _softshrink_wide_fwd(z, lambd):
    a = np.where(z > lambd, z - lambd, np.where(z < -lambd, z + lambd, 0.0 * z))
    return a, _outside(z, -lambd, lambd)


def _softshrink_mp_fwd(mp, x, lambd):
    a = x - lambd if x > lambd else x + lambd if x < -lambd else mp.mpf(0)
    return a, mp.mpf(1 if abs(x) > lambd else 0)


def _hardshrink_wide_fwd(z, lambd):
    return np.where(np.abs(z) > lambd, z, 0.0 * z), _outside(z, -lambd, lambd)


def _hardshrink_mp_fwd(mp, x, lambd):
    return (x if abs(x) > lambd else mp.mpf(0)), mp.mpf(1 if abs(x) > lambd else 0)


def _shrink_wide_from_a(a, lambd=None):
    return _outside(a, 0, 0)


def _shrink_mp_from_a(mp, a, lambd=None):
    return mp.mpf(0 if a == 0 else 1)


def _threshold_wide_fwd(z, threshold, value):
    return (np.where(np.isnan(z), z, np.where(z > threshold, z, value)),
            np.where(np.isnan(z), z, np.where(z > threshold, 1.0, 0.0)))


def _threshold_mp_fwd(mp, x, threshold, value):
    return (x, mp.mpf(1)) if x > threshold else (mp.mpf(value), mp.mpf(0))


def _prelu_wide_fwd(z, weight, at_zero):
    a = np.where(z > 0, z, weight * z)
    d = np.where(np.isnan(z), z, np.where(z > 0, 1.0, np.where(z < 0, weight, at_zero)))
    return a, d


def _prelu_mp_fwd(mp, x, weight, at_zero):
    if x > 0:
        return x, mp.mpf(1)
    return weight * x, (mp.mpf(weight) if x < 0 else mp.mpf(at_zero))


SPECS: Dict[str, Dict[str, Any]] = {
    "hardtanh": dict(wide_fwd=_hardtanh_wide_fwd, mp_fwd=_hardtanh_mp_fwd,
                     wide_from_a=lambda a, min_val, max_val: _inside(a, min_val, max_val, 1.0),
                     mp_from_a=lambda mp, a, min_val, max_val:
                         mp.mpf(1 if min_val < a < max_val else 0),
                     exact=True, f64_edges=(-1.0, 1.0)),
    "relu6": dict(wide_fwd=lambda z: _hardtanh_wide_fwd(z, 0.0, 6.0),
                  mp_fwd=lambda mp, x: _hardtanh_mp_fwd(mp, x, mp.mpf(0), mp.mpf(6)),
                  wide_from_a=lambda a: _inside(a, 0.0, 6.0, 1.0),
                  mp_from_a=lambda mp, a: mp.mpf(1 if 0 < a < 6 else 0),
                  exact=True, f64_edges=(0.0, 6.0)),
    "hardsigmoid": dict(wide_fwd=_hardsigmoid_wide_fwd, mp_fwd=_hardsigmoid_mp_fwd,
                        wide_from_a=lambda a: _inside(a, 0, 1, a.dtype.type(1) / 6),
                        mp_from_a=lambda mp, a: mp.mpf(1) / 6 if 0 < a < 1 else mp.mpf(0),
                        f64_edges=(-3.0, 3.0)),
    "hardswish": dict(wide_fwd=_hardswish_wide_fwd, mp_fwd=_hardswish_mp_fwd,
                      f64_edges=(-3.0, -1.5, 3.0)),
    "softshrink": dict(wide_fwd=_softshrink_wide_fwd, mp_fwd=_softshrink_mp_fwd,
                       wide_from_a=_shrink_wide_from_a, mp_from_a=_shrink_mp_from_a,
                       exact=True, f64_edges=(-0.5, 0.5)),
    "hardshrink": dict(wide_fwd=_hardshrink_wide_fwd, mp_fwd=_hardshrink_mp_fwd,
                       wide_from_a=_shrink_wide_from_a, mp_from_a=_shrink_mp_from_a,
                       exact=True, f64_edges=(-0.5, 0.5)),
    "threshold": dict(wide_fwd=_threshold_wide_fwd, mp_fwd=_threshold_mp_fwd, exact=True,
                      f64_edges=(0.5,), params={"threshold": 0.5, "value": -1.0}),
    "prelu": dict(wide_fwd=_prelu_wide_fwd, mp_fwd=_prelu_mp_fwd, exact=True,
                  f64_edges=(0.0,), params={"weight": 0.25}),
    "sparse_plus": dict(wide_fwd=_sparse_plus_wide_fwd, mp_fwd=_sparse_plus_mp_fwd,
                        wide_from_a=_sparse_plus_wide_from_a,
                        mp_from_a=_sparse_plus_mp_from_a, f64_edges=(-1.0, 1.0)),
}

REFERENCES = {name: Reference(**spec) for name, spec in SPECS.items()}
