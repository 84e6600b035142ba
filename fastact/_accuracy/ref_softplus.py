"""Accuracy references of the softplus family (see model.py): softplus and
log_sigmoid in the stable forms max(s, 0) + log1p(exp(-|s|)) and sigma(s) from
e = exp(-|s|), so nothing overflows; from a, -expm1(-beta a) and -expm1(a).
squareplus: (z + s)/2, s = sqrt(z^2 + b), as b / (2 (s - z)) for z < 0 (where
z + s cancels), g' = g / s; from a, (2a)^2 / ((2a)^2 + b).  The wide formats
hold z^2 for every z of the format under test.
threshold (PyTorch's switch to z) is a select: a = z and g' = 1 exactly where
beta*z > threshold (+inf, the default's meaning: never).

EDGES: the z where exp(-|z|) reaches the subnormals and underflows, per dtype
(also used by the tests)."""
from __future__ import annotations

from typing import Any, Dict, Tuple

import numpy as np

from fastact._accuracy.model import Reference

INF = float("inf")


def _wide_parts(s: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """(log1p(exp(-|s|)), sigma(s)) in s's dtype."""
    e = np.exp(-np.abs(s))
    return np.log1p(e), np.where(s > 0, 1 / (1 + e), e / (1 + e))


def wide_fwd_softplus(z: np.ndarray, beta: float = 1.0,
                      threshold: float = INF) -> Tuple[np.ndarray, np.ndarray]:
    b = z.dtype.type(beta)
    s = z * b
    log, sig = _wide_parts(s)
    linear = s > z.dtype.type(threshold)
    return np.where(linear, z, np.maximum(z, 0) + log / b), np.where(linear, 1, sig)


def wide_from_a_softplus(a: np.ndarray, beta: float = 1.0, threshold: float = INF
                         ) -> np.ndarray:
    # (threshold: the from-a operations ignore it, the registry passes every parameter)
    return -np.expm1(-a * a.dtype.type(beta))


def mp_fwd_softplus(mp: Any, x: Any, beta: float = 1.0,
                    threshold: float = INF) -> Tuple[Any, Any]:
    s = mp.mpf(beta) * x
    if s > threshold:
        return x, mp.mpf(1)
    return mp.log1p(mp.exp(s)) / mp.mpf(beta), 1 / (1 + mp.exp(-s))


def mp_from_a_softplus(mp: Any, a: Any, beta: float = 1.0, threshold: float = INF) -> Any:
    return -mp.expm1(-mp.mpf(beta) * a)


def wide_fwd_log_sigmoid(z: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    log, sig = _wide_parts(-z)
    return np.minimum(z, 0) - log, sig


def wide_from_a_log_sigmoid(a: np.ndarray) -> np.ndarray:
    return -np.expm1(a)


def mp_fwd_log_sigmoid(mp: Any, x: Any) -> Tuple[Any, Any]:
    return -mp.log1p(mp.exp(-x)), 1 / (1 + mp.exp(x))


def mp_from_a_log_sigmoid(mp: Any, a: Any) -> Any:
    return -mp.expm1(a)


def wide_fwd_squareplus(z: np.ndarray, b: float = 4.0) -> Tuple[np.ndarray, np.ndarray]:
    bb = z.dtype.type(b)
    with np.errstate(invalid="ignore"):  # z = +inf: inf / inf in g / s; the limit is 1
        s = np.sqrt(z * z + bb)
        a = np.where(z < 0, bb / (2 * (s - z)), (z + s) / 2)
        return a, np.where(z == INF, 1, a / s)


def wide_from_a_squareplus(a: np.ndarray, b: float = 4.0) -> np.ndarray:
    y2 = (2 * a) * (2 * a)
    with np.errstate(invalid="ignore"):  # a = +-inf: inf / inf; the limit is 1
        return np.where(np.isinf(a), 1, y2 / (y2 + a.dtype.type(b)))


def mp_fwd_squareplus(mp: Any, x: Any, b: float = 4.0) -> Tuple[Any, Any]:
    if mp.isinf(x):
        return (mp.inf, mp.mpf(1)) if x > 0 else (mp.mpf(0), mp.mpf(0))
    s = mp.sqrt(x * x + b)
    a = b / (2 * (s - x)) if x < 0 else (x + s) / 2
    return a, a / s


def mp_from_a_squareplus(mp: Any, a: Any, b: float = 4.0) -> Any:
    if mp.isinf(a):
        return mp.mpf(1)
    return (2 * a) ** 2 / ((2 * a) ** 2 + b)


# where exp(-|z|) (the value's tail and the derivative's) reaches the subnormals
# and underflows
EDGES = {"float32": (-87.3, -103.3, -104.0), "float64": (-708.4, -744.4, -745.2)}

REFERENCES: Dict[str, Reference] = {
    "softplus": Reference(wide_fwd=wide_fwd_softplus, mp_fwd=mp_fwd_softplus,
                          wide_from_a=wide_from_a_softplus, mp_from_a=mp_from_a_softplus,
                          f64_edges=EDGES["float64"]),
    "log_sigmoid": Reference(wide_fwd=wide_fwd_log_sigmoid, mp_fwd=mp_fwd_log_sigmoid,
                             wide_from_a=wide_from_a_log_sigmoid,
                             mp_from_a=mp_from_a_log_sigmoid,
                             f64_edges=tuple(-x for x in EDGES["float64"])),
    # where the kernels start scaling z^2 + b (float64), and where z^2 overflows
    "squareplus": Reference(wide_fwd=wide_fwd_squareplus, mp_fwd=mp_fwd_squareplus,
                            wide_from_a=wide_from_a_squareplus,
                            mp_from_a=mp_from_a_squareplus,
                            f64_edges=(2.0 ** 500, 1.4e154)),
}
