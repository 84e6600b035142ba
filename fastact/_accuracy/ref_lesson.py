"""Accuracy references for the lesson's four activations (see model.py).

sigmoid and tanh use the stable forms in e = exp(-|z|) (exp(-2|z|) for tanh),
which neither overflow nor cancel; from a, the lesson's a(1-a) and 1-a^2, the
latter as (1-|a|)(1+|a|) near |a| = 1 where 1-a^2 would cancel.  relu and
leaky_relu are selects and one IEEE product: exact.
"""
from __future__ import annotations

from typing import Any, Tuple

import numpy as np

from fastact._accuracy.model import Reference

# ------------------------------------------------------------------ sigmoid


def _sigmoid_wide_fwd(z: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    e = np.exp(-np.abs(z))
    one = z.dtype.type(1)
    inv = one / (one + e)
    lo = e * inv
    return np.where(z > 0, inv, lo), lo * inv


def _sigmoid_wide_from_a(a: np.ndarray) -> np.ndarray:
    return a * (a.dtype.type(1) - a)   # 1 - a is exact for a >= 1/2: no cancellation


def _sigmoid_mp_fwd(mp: Any, x: Any) -> Tuple[Any, Any]:
    e = mp.exp(-abs(x))
    a = 1 / (1 + e) if x > 0 else e / (1 + e)
    return a, e / (1 + e) ** 2


def _sigmoid_mp_from_a(mp: Any, a: Any) -> Any:
    return a * (1 - a)


# --------------------------------------------------------------------- tanh


def _tanh_wide_fwd(z: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    e = np.exp(-np.abs(z) * 2)
    one = z.dtype.type(1)
    inv = one / (one + e)
    return np.tanh(z), 4 * e * inv * inv


def _tanh_wide_from_a(a: np.ndarray) -> np.ndarray:
    one = a.dtype.type(1)
    m = np.abs(a)              # 1 - a^2 without cancellation near |a| = 1
    return np.where(m >= 0.5, (one - m) * (one + m), one - a * a)


def _tanh_mp_fwd(mp: Any, x: Any) -> Tuple[Any, Any]:
    e = mp.exp(-2 * abs(x))
    return mp.tanh(x), 4 * e / (1 + e) ** 2


def _tanh_mp_from_a(mp: Any, a: Any) -> Any:
    return 1 - a * a


# ------------------------------------------------------- relu, leaky_relu


def _slope(x: np.ndarray, alpha: Any, at_zero: Any) -> np.ndarray:
    """The rectifiers' derivative from the sign of x (z, or a with alpha > 0):
    1 above 0, alpha below, at_zero at 0, NaN for NaN."""
    return np.where(x > 0, x.dtype.type(1), np.where(x < 0, alpha, np.where(x == 0, at_zero, x)))


def _rectifier(z: np.ndarray, alpha: Any, at_zero: Any) -> Tuple[np.ndarray, np.ndarray]:
    # alpha == 0 gives +0 below 0 (also at -inf, where 0 * z would be NaN)
    below = alpha * z if alpha != 0 else np.zeros_like(z)
    return np.where(z > 0, z, np.where(np.isnan(z), z, below)), _slope(z, alpha, at_zero)


def _mp_slope(mp: Any, x: Any, alpha: Any, at_zero: Any) -> Any:
    return mp.mpf(1) if x > 0 else (alpha if x < 0 else at_zero)


def _mp_rectifier(mp: Any, x: Any, alpha: Any, at_zero: Any) -> Tuple[Any, Any]:
    a = x if x > 0 else (alpha * x if alpha != 0 else mp.mpf(0))
    return a, _mp_slope(mp, x, alpha, at_zero)


def _relu_wide_fwd(z: np.ndarray, at_zero: Any) -> Tuple[np.ndarray, np.ndarray]:
    return _rectifier(z, z.dtype.type(0), at_zero)


def _relu_wide_from_a(a: np.ndarray, at_zero: Any) -> np.ndarray:
    return _slope(a, a.dtype.type(0), at_zero)


def _relu_mp_fwd(mp: Any, x: Any, at_zero: Any) -> Tuple[Any, Any]:
    return _mp_rectifier(mp, x, mp.mpf(0), at_zero)


def _relu_mp_from_a(mp: Any, a: Any, at_zero: Any) -> Any:
    return _mp_slope(mp, a, mp.mpf(0), at_zero)


def _leaky_relu_mp_from_a(mp: Any, a: Any, alpha: Any, at_zero: Any) -> Any:
    return _mp_slope(mp, a, alpha, at_zero)


REFERENCES = {
    "sigmoid": Reference(
        _sigmoid_wide_fwd, _sigmoid_mp_fwd, _sigmoid_wide_from_a, _sigmoid_mp_from_a,
        # e/(1+e)^2 reaches the float32 subnormals / zero, exp(-z) the float64 ones
        f64_edges=(36.7368005696771, 37.42994775023705, 709.0, 744.44007192138122,
                   745.1332191019412, 746.0)),
    "tanh": Reference(
        _tanh_wide_fwd, _tanh_mp_fwd, _tanh_wide_from_a, _tanh_mp_from_a,
        # tanh rounds to 1; exp(-2z) reaches the subnormals / zero
        f64_edges=(19.061547465398498, 354.0, 372.5, 373.0)),
    "relu": Reference(_relu_wide_fwd, _relu_mp_fwd, _relu_wide_from_a, _relu_mp_from_a,
                      exact=True),
    "leaky_relu": Reference(_rectifier, _mp_rectifier, _slope, _leaky_relu_mp_from_a,
                            exact=True, params={"alpha": 0.01}),
}
