"""Accuracy references of the gated units (see model.py): gelu (approximate=
"none" / "tanh") and mish.

NumPy has no erfc, so the exact gelu's Phi(-m), m = |z|, is computed here from
the maths in the wide format: below m = 2 from the series Phi(-m) = 1/2 -
phi(m) sum m^(2n+1)/(2n+1)!! (positive terms; the subtraction loses at most
1.3 digits), from 2 on as phi(m) R(m) with the Mills ratio R from its continued
fraction 1/(m + 1/(m + 2/(m + ...))) (evaluated backwards, 600 levels: enough at
m = 2 to the wide format's last digit).  exp(-m^2/2) takes m^2 split exactly
(m = mh + ml, mh of 26 bits), as its rounding would cost the tail m^2 2^-64.
gelu' = phi (R - m) on the negative side and 1 - gelu'(-z) on the positive one.
The tanh form is z sigma(2u), 2u = 2 sqrt(2/pi) (z + 0.044715 z^3), and mish
z tanh(log1p(e^z)) from exp(-|z|).  Each derivative cancels next to its zero
(NEAR_CANCELLATION): mpmath settles those points."""
from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

import numpy as np

from fastact._accuracy.model import Reference

GELU_ZERO = -0.7517915246935645
GELU_TANH_ZERO = -0.7524614220710163
MISH_ZERO = -1.1924312145154952
KAPPA = "0.044715"  # exact as a decimal: mpmath and long double take the string
_CF_DEPTH = 600


def _const(dt: np.dtype, text: str) -> Any:
    return dt.type(text) if dt == np.longdouble else dt.type(float(text))


def _gauss(m: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """(phi(m), Phi(-m)) in m's dtype for m >= 0 (finite)."""
    dt = m.dtype
    split = dt.type(2.0 ** 26)
    mh = np.trunc(m * split) / split if dt == np.longdouble else np.float32(m).astype(dt)
    ml = m - mh
    rsqrt2pi = _const(dt, "0.398942280401432677939946059934381868")
    phi = np.exp(-mh * mh / 2) * np.exp(-(2 * mh * ml + ml * ml) / 2) * rsqrt2pi
    # the series below 2
    ms = np.minimum(m, 2)
    term, total = ms.copy(), ms.copy()
    for n in range(1, 60):
        term = term * ms * ms / (2 * n + 1)
        total = total + term
    small = dt.type(0.5) - phi * total
    # the continued fraction from 2 on
    mc = np.maximum(m, 2)
    f = mc.copy()
    for k in range(_CF_DEPTH, 0, -1):
        f = mc + k / f
    return phi, np.where(m < 2, small, phi / f)


def wide_fwd_gelu(z: np.ndarray, approximate: str = "none") -> Tuple[np.ndarray, np.ndarray]:
    if approximate == "tanh":
        return _wide_gelu_tanh(z)
    dt = z.dtype
    m = np.minimum(np.abs(np.where(np.isnan(z), 0, z)), dt.type(50))
    phi, q = _gauss(m)
    a = np.where(z <= 0, np.maximum(z, -50) * q, z - m * q)  # inf * 0 is not met
    dneg = q - m * phi
    d = np.where(z <= 0, dneg, 1 - dneg)
    return np.where(np.isnan(z), z, a), np.where(np.isnan(z), z, d)


def _wide_gelu_tanh(z: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    dt = z.dtype
    beta = _const(dt, "0.797884560802865355879892119868763737")
    kappa = _const(dt, KAPPA)
    zc = np.clip(z, -1e5, 1e5)
    u2 = 2 * beta * (zc + kappa * zc ** 3)
    e = np.exp(-np.abs(u2))
    s = np.where(u2 > 0, 1 / (1 + e), e / (1 + e))
    c = np.where(u2 > 0, e / (1 + e), 1 / (1 + e))
    a = np.where(np.isneginf(z), -0.0, zc * s)
    d = s + zc * s * c * 2 * beta * (1 + 3 * kappa * zc * zc)
    return np.where(np.isposinf(z), z, a), d


def _far(mp: Any, x: Any) -> Optional[Tuple[Any, Any]]:
    """(g, g') beyond |x| = 10^4: the linear limits (z, 1) / (0, 0), exact far below
    any precision for all three units (and mpmath's erfc of a huge argument
    overflows); None nearer."""
    if abs(x) <= 10 ** 4:
        return None
    return (x, mp.mpf(1)) if x > 0 else (mp.mpf(0), mp.mpf(0))


def mp_fwd_gelu(mp: Any, x: Any, approximate: str = "none") -> Tuple[Any, Any]:
    far = _far(mp, x)
    if far is not None:
        return far
    if approximate == "tanh":  # sigma(y), never 1 + tanh(u): it cancels to 2 e^(2u)
        b, k = mp.sqrt(2 / mp.pi), mp.mpf(KAPPA)
        s = 1 / (1 + mp.exp(-2 * b * (x + k * x ** 3)))
        return x * s, s + x * s * (1 - s) * 2 * b * (1 + 3 * k * x * x)
    return x * mp.ncdf(x), mp.ncdf(x) + x * mp.npdf(x)


def wide_fwd_mish(z: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    zc = np.maximum(z, -1e5)  # -inf * 0 is not met (a large z is exact: t = 1)
    e = np.exp(-np.abs(zc))
    sp = np.maximum(zc, 0) + np.log1p(e)
    t = np.tanh(sp)
    sig = np.where(zc > 0, 1 / (1 + e), e / (1 + e))
    a = np.where(np.isneginf(z), -0.0, zc * t)
    return a, t + np.minimum(zc, 1e30) * sig * (1 - t * t)


def mp_fwd_mish(mp: Any, x: Any) -> Tuple[Any, Any]:
    far = _far(mp, x)
    if far is not None:
        return far
    t = mp.tanh(mp.log1p(mp.exp(x)))
    return x * t, t + x * (1 - t * t) / (1 + mp.exp(-x))


SPECS: Dict[str, Dict[str, Any]] = {
    "gelu": dict(
        wide_fwd=wide_fwd_gelu, mp_fwd=mp_fwd_gelu,
        NEAR_CANCELLATION=((GELU_ZERO, 0.25), (GELU_TANH_ZERO, 0.25)),
        # float32's last subnormals (-14.1), double's (-38.6), the reflection
        EDGES=(-38.6, -38.4, -37.5, -14.1, -13.2, GELU_ZERO, 0.0, 2.0)),
    "mish": dict(
        wide_fwd=wide_fwd_mish, mp_fwd=mp_fwd_mish,
        NEAR_CANCELLATION=((MISH_ZERO, 0.25),),
        EDGES=(-745.2, -708.4, -103.9, -87.3, MISH_ZERO, 0.0, 20.0)),
}


def _reference(spec: Dict[str, Any]) -> Reference:
    spec = dict(spec)
    return Reference(f64_edges=tuple(spec.pop("EDGES", ())),
                     mp_windows=tuple(spec.pop("NEAR_CANCELLATION", ())), **spec)


REFERENCES = {name: _reference(spec) for name, spec in SPECS.items()}
