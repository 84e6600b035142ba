"""Accuracy references of the softplus family (issue 12's per-activation
registry; until fastact/_accuracy/model.py lands, plain dicts with the
interface of catalogue.md):

    wide_fwd(z, **params) -> (a, d)   z in float64 / long double, vectorised,
                                      a few wide ULP (np.longdouble on x86: 64 bits)
    wide_from_a(a, **params) -> d
    mp_fwd(mp, x, **params) -> (a, d) mpmath, exact at the working precision
    mp_from_a(mp, a, **params) -> d
    edges: {dtype name: z values where the function saturates / underflows}
    a_domain: the range of g

Only exp of -|s| is formed in the wide formulas, so nothing overflows there
either.  threshold (PyTorch's linear switch) is not part of the references:
it is exact by construction (a = z, d = 1)."""
from __future__ import annotations

from typing import Any, Dict, Tuple

import numpy as np

INF = float("inf")


def _wide_parts(s: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """(log1p(exp(-|s|)), sigma(s)) in s's dtype."""
    e = np.exp(-np.abs(s))
    return np.log1p(e), np.where(s > 0, 1 / (1 + e), e / (1 + e))


def wide_fwd_softplus(z: np.ndarray, beta: float = 1.0) -> Tuple[np.ndarray, np.ndarray]:
    b = z.dtype.type(beta)
    log, sig = _wide_parts(z * b)
    return np.maximum(z, 0) + log / b, sig


def wide_from_a_softplus(a: np.ndarray, beta: float = 1.0) -> np.ndarray:
    return -np.expm1(-a * a.dtype.type(beta))


def mp_fwd_softplus(mp: Any, x: Any, beta: float = 1.0) -> Tuple[Any, Any]:
    s = mp.mpf(beta) * x
    return mp.log1p(mp.exp(s)) / mp.mpf(beta), 1 / (1 + mp.exp(-s))


def mp_from_a_softplus(mp: Any, a: Any, beta: float = 1.0) -> Any:
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


# where exp(-|z|) (the value's tail and the derivative's) reaches the subnormals
# and underflows
_EDGES = {"float32": (-87.3, -103.3, -104.0), "float64": (-708.4, -744.4, -745.2)}

REFERENCES: Dict[str, Dict[str, Any]] = {
    "softplus": dict(wide_fwd=wide_fwd_softplus, wide_from_a=wide_from_a_softplus,
                     mp_fwd=mp_fwd_softplus, mp_from_a=mp_from_a_softplus,
                     edges=_EDGES, a_domain=(0.0, INF)),
    "log_sigmoid": dict(wide_fwd=wide_fwd_log_sigmoid, wide_from_a=wide_from_a_log_sigmoid,
                        mp_fwd=mp_fwd_log_sigmoid, mp_from_a=mp_from_a_log_sigmoid,
                        edges={k: tuple(-x for x in v) for k, v in _EDGES.items()},
                        a_domain=(-INF, 0.0)),
}
