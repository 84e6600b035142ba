"""Oracles of the gated units: gelu (approximate="none" / "tanh") and mish.

The float64 references are the definitions in a stable form written here from
the maths: gelu from math.erfc (never 1 + erf, so the negative tail keeps its
digits), its tanh form as z sigma(2u) = z / (1 + exp(-2u)), mish from
log1p(exp(-|z|)).  The mpmath ones are the formulas at the caller's precision.
Each derivative crosses zero (gelu' at z = -0.7518, gelu_tanh' at -0.7525,
mish' at -1.1924), where these float64 formulas cancel: the tests that need
more take mpmath there.  ULP budgets: the compiled backend at the FMA levels
meets 2 ULP (tests/c/ulp_sweep_explinear.c over every float32,
docs/catalogue-gated.md)."""
from __future__ import annotations

import math

import numpy as np

from oracles import register
from oracles.model import INF, Oracle

BETA = math.sqrt(2 / math.pi)
KAPPA = 0.044715  # as torch writes it (mpmath takes the decimal)
GELU_ZERO = -0.7517915246935645      # where gelu' = 0
MISH_ZERO = -1.1924312145154952      # where mish' = 0

_erfc = np.vectorize(math.erfc, otypes=[np.float64])


def _f64(x):
    return np.asarray(x, dtype=np.float64)


def _gelu_tanh_parts(z):
    """(sigma(2u), 2u') for the tanh form, 2u = 2 beta (z + kappa z^3)."""
    zc = np.clip(z, -1e5, 1e5)
    u2 = 2 * BETA * (zc + KAPPA * zc ** 3)
    e = np.exp(-np.abs(u2))
    s = np.where(u2 > 0, 1 / (1 + e), e / (1 + e))
    return s, 2 * BETA * (1 + 3 * KAPPA * zc * zc)


def gelu(z, approximate="none"):
    z = _f64(z)
    with np.errstate(all="ignore"):
        if approximate == "tanh":
            s, _ = _gelu_tanh_parts(z)
            return np.where(np.isneginf(z), -0.0, z * s)
        phi_neg = 0.5 * _erfc(np.abs(z) / math.sqrt(2))   # Phi(-|z|)
        return np.where(z <= 0, np.maximum(z, -1e5) * phi_neg, z - z * phi_neg)


def gelu_derivative(z, approximate="none"):
    z = _f64(z)
    with np.errstate(all="ignore"):
        zc = np.clip(z, -1e5, 1e5)
        if approximate == "tanh":
            s, du2 = _gelu_tanh_parts(z)
            return s + zc * s * (1 - s) * du2
        phi = np.exp(-0.5 * zc * zc) / math.sqrt(2 * math.pi)
        return 0.5 * _erfc(-zc / math.sqrt(2)) + zc * phi


def _far(mp, x, derivative):
    """The value (x or -0) / derivative (1 or 0) beyond |x| = 10^4, where every
    gated unit is its linear limit to far below any precision (mpmath's exp of
    a huge argument overflows), or None."""
    if abs(x) <= 10 ** 4:
        return None
    if derivative:
        return mp.mpf(1) if x > 0 else mp.mpf(0)
    return x if x > 0 else -mp.mpf(0)


def _mp_tanh_form(mp, x):
    """(sigma(y), y') for the tanh form: (1 + tanh u)/2 = sigma(2u) = sigma(y),
    written without 1 + tanh u (it cancels to 2 e^(2u), below any precision)."""
    b, k = mp.sqrt(2 / mp.pi), mp.mpf("0.044715")
    return 1 / (1 + mp.exp(-2 * b * (x + k * x ** 3))), 2 * b * (1 + 3 * k * x * x)


def mp_gelu(mp, x, approximate="none"):
    far = _far(mp, x, False)
    if far is not None:
        return far
    if approximate == "tanh":
        return x * _mp_tanh_form(mp, x)[0]
    return x * mp.ncdf(x)


def mp_gelu_derivative(mp, x, approximate="none"):
    far = _far(mp, x, True)
    if far is not None:
        return far
    if approximate == "tanh":
        s, dy = _mp_tanh_form(mp, x)
        return s + x * s * (1 - s) * dy
    return mp.ncdf(x) + x * mp.npdf(x)


def _mish_parts(z):
    """(tanh(softplus(z)), sigma(z)) from exp(-|z|), in z's dtype (long double for
    the derivative: t + z sigma (1 - t^2) cancels next to its zero)."""
    e = np.exp(-np.abs(z))
    sp = np.maximum(z, 0) + np.log1p(e)
    sig = np.where(z > 0, 1 / (1 + e), e / (1 + e))
    return np.tanh(sp), sig


def mish(z):
    z = _f64(z)
    with np.errstate(all="ignore"):
        t, _ = _mish_parts(z)
        return np.where(np.isneginf(z), -0.0, z * t)


def mish_derivative(z):
    z = _f64(z)
    with np.errstate(all="ignore"):
        zl = np.clip(z, -1e5, 1e5).astype(np.longdouble)
        t, sig = _mish_parts(zl)
        return np.where(np.isnan(z), z, (t + zl * sig * (1 - t * t)).astype(np.float64))


def mp_mish(mp, x):
    far = _far(mp, x, False)
    if far is not None:
        return far
    return x * mp.tanh(mp.log1p(mp.exp(x)))


def mp_mish_derivative(mp, x):
    far = _far(mp, x, True)
    if far is not None:
        return far
    t = mp.tanh(mp.log1p(mp.exp(x)))
    return t + x * (1 - t * t) / (1 + mp.exp(-x))


def _budget(value, derivative):
    """float32/float64 budgets, and float16's (computed in float32, rounded once
    more: 1 ULP of float16)."""
    ulp = {(dt, kind): b for dt in ("float32", "float64")
           for kind, b in (("value", value), ("derivative", derivative))}
    return {**ulp, ("float16", "value"): 1.0, ("float16", "derivative"): 1.0}


register(
    Oracle("gelu", gelu, gelu_derivative, None,
           mp_value=mp_gelu, mp_derivative=mp_gelu_derivative,
           z_range=(-8.0, 6.0), limits=(0.0, INF), d_limits=(0.0, 1.0),
           max_abs_derivative=1.13, monotonic=False,
           param_sets=({"approximate": "tanh"},),
           # measured at avx2, float32, all 2^32 (tests/c/run_ulp_sweep.sh,
           # docs/accuracy.md): 1 / 1 ULP in both forms (float64, 10^6 sampled, the
           # exact form: 1 / 1).  The budget stays at the contract: the tests here
           # measure against float64 references rounded to float32 (a near-tie can
           # round the other way), and the keys are shared by both forms
           # the levels without FMA (x86-64's baseline; Dekker's products): measured
           # 3 ULP over 2^23 strided float32 (both forms), the budget one above
           ulp=_budget(2, 2), ulp_fallback=_budget(4, 4), ulp_nofma=_budget(4, 4),
           ulp_rounded={"fma": 2.0, "nofma": 4.0, "fallback": 4.0},
           edge_points=(-38.5, -37.0, -30.0, -14.0, -8.0, 0.0, 5.0),
           torch=lambda torch, z, approximate="none": torch.nn.functional.gelu(
               z, approximate=approximate),
           extra={"zero_of_derivative": GELU_ZERO, "tanh_zero_of_derivative": -0.7524614220710163}),
    Oracle("mish", mish, mish_derivative, None,
           mp_value=mp_mish, mp_derivative=mp_mish_derivative,
           z_range=(-20.0, 10.0), limits=(0.0, INF), d_limits=(0.0, 1.0),
           max_abs_derivative=1.1, monotonic=False,
           # measured at avx2, float32, all 2^32: 1 / 1 ULP (value / derivative;
           # float64 sampled 1 / 1), the budget at the contract as gelu's;
           # baseline measured 2 (value) / 4 (derivative) over 2^23 strided float32
           ulp=_budget(2, 2), ulp_fallback=_budget(4, 4), ulp_nofma=_budget(3, 5),
           ulp_rounded={"fma": 2.0, "nofma": 5.0, "fallback": 4.0},
           edge_points=(-745.0, -700.0, -100.0, -20.0, 0.0, 20.0),
           torch=lambda torch, z: torch.nn.functional.mish(z),
           extra={"zero_of_derivative": MISH_ZERO}),
)
