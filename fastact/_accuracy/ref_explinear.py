"""Accuracy references of family B (elu, selu, celu, silu, softsign, tanhshrink),
in the interface of the per-activation registry (fastact/_accuracy/model.py,
landing separately): per activation
    wide_fwd(z, **params) -> (a, d)      vectorised, z in float64 / long double
    wide_from_a(a, **params) -> d        (activations with from-a operations)
    mp_fwd(mp, x, **params) -> (a, d)    mpmath, exact at the caller's precision
    mp_from_a(mp, a, **params) -> d
plus the float64 edge points where results saturate or underflow (EDGES) and the
a-domain (A_DOMAIN).  The wide formulas are the stable forms: expm1 for the
exponential-linear units, the logistic from exp(-|z|) for silu, the series of
z - tanh z below 1/8.  The one place where even the wide format cancels, silu'
next to its zero z0 = -1.2785, must go to mpmath: NEAR_CANCELLATION lists it."""
from __future__ import annotations

from typing import Any, Dict

import numpy as np

from fastact._accuracy.model import Reference

LAMBDA = 1.0507009873554804934193349852946
ALPHA = 1.6732632423543772848170429916717
_TS_SERIES = (1 / 3, -2 / 15, 17 / 315, -62 / 2835, 1382 / 155925, -21844 / 6081075,
              929569 / 638512875)


def _elu_wide(z, alpha, scale_pos, scale_neg, input_scale):
    zn = np.minimum(z, 0) * input_scale
    a = np.where(z > 0, scale_pos * z, scale_neg * np.expm1(zn))
    d = np.where(z > 0, scale_pos, scale_neg * input_scale * np.exp(zn))
    return a, np.where(np.isnan(z), z, d)


def elu_wide_fwd(z, alpha=1.0):
    return _elu_wide(z, alpha, 1, alpha, 1)


def selu_wide_fwd(z):
    return _elu_wide(z, ALPHA, LAMBDA, LAMBDA * ALPHA, 1)


def celu_wide_fwd(z, alpha=1.0):
    return _elu_wide(z, alpha, 1, alpha, 1 / alpha)


def silu_wide_fwd(z):
    e = np.exp(-np.abs(z))
    hi, lo = 1 / (1 + e), e / (1 + e)
    s, c = np.where(z > 0, hi, lo), np.where(z > 0, lo, hi)
    zc = np.clip(z, -1e4, 1e4)
    return np.where(np.isneginf(z), -0.0, z * s), s * (1 + zc * c)


def softsign_wide_fwd(z):
    m = np.abs(z)
    return np.where(np.isinf(z), np.sign(z), z / (1 + m)), 1 / (1 + m) ** 2


def tanhshrink_wide_fwd(z):
    u = z * z
    series = z * u * np.polyval(_TS_SERIES[::-1], u)
    t = np.tanh(z)
    return np.where(np.abs(z) < 0.125, series, z - t), t * t


def _mp_elu(mp, x, scale_pos, scale_neg, input_scale):
    if x > 0:
        return scale_pos * x, mp.mpf(scale_pos)
    return scale_neg * mp.expm1(x * input_scale), scale_neg * input_scale * mp.exp(x * input_scale)


def _mp_selu_consts(mp):
    return mp.mpf("1.0507009873554804934193349852946"), mp.mpf("1.6732632423543772848170429916717")


def _mp_silu(mp, x):
    s = 1 / (1 + mp.exp(-x))
    return x * s, s * (1 + x * (1 - s))


def _mp_selu(mp, x):
    lam, al = _mp_selu_consts(mp)
    return _mp_elu(mp, x, lam, lam * al, 1)


def _mp_selu_from_a(mp, a):
    lam, al = _mp_selu_consts(mp)
    return lam if a > 0 else a + lam * al


# lambda * alpha to 30 digits: the product of the two float64 constants is off by
# ~1e-16 relative, which a + lambda*alpha (selu's g' from a, cancelling as
# z -> -inf) turns into hundreds of float64 ULP.  A string keeps long double's bits.
LAMBDA_ALPHA = "1.75809934084737685994021752081"

def _mp_tanhshrink(mp, x):
    """z - tanh z with the digits its cancellation takes (~2 log10(1/|z|): it is
    z^3/3 near 0) added to the working precision."""
    if x == 0 or not mp.isfinite(x):
        return x - mp.tanh(x) if mp.isfinite(x) else x - mp.sign(x)
    extra = max(0, int(-2 * mp.log10(abs(x)))) + 10
    with mp.extradps(extra):
        return +(x - mp.tanh(x))


SPECS: Dict[str, Dict[str, Any]] = {
    "elu": dict(
        wide_fwd=elu_wide_fwd,
        wide_from_a=lambda a, alpha=1.0: np.where(a > 0, 1.0, a + alpha),
        mp_fwd=lambda mp, x, alpha=1.0: _mp_elu(mp, x, 1, alpha, 1),
        mp_from_a=lambda mp, a, alpha=1.0: mp.mpf(1) if a > 0 else a + alpha,
        A_DOMAIN="a >= -alpha", EDGES=(-745.2, -708.4, 0.0)),
    "selu": dict(
        wide_fwd=selu_wide_fwd,
        wide_from_a=lambda a: np.where(a > 0, LAMBDA, a + a.dtype.type(LAMBDA_ALPHA)),
        mp_fwd=_mp_selu, mp_from_a=_mp_selu_from_a,
        A_DOMAIN="a >= -lambda*alpha", EDGES=(-745.2, -708.4, 0.0)),
    "celu": dict(
        wide_fwd=celu_wide_fwd,
        wide_from_a=lambda a, alpha=1.0: np.where(a > 0, 1.0, a / alpha + 1),
        mp_fwd=lambda mp, x, alpha=1.0: _mp_elu(mp, x, 1, alpha, 1 / mp.mpf(alpha)),
        mp_from_a=lambda mp, a, alpha=1.0: mp.mpf(1) if a > 0 else a / alpha + 1,
        A_DOMAIN="a >= -alpha (alpha > 0), every a <= 0 or > 0 (alpha < 0)",
        EDGES=(-745.2, -708.4, 0.0)),
    "silu": dict(
        wide_fwd=silu_wide_fwd, mp_fwd=_mp_silu,
        NEAR_CANCELLATION=((-1.2784645427610738, 2.0**-3),),  # silu' = 0: mpmath there
        EDGES=(-751.8, -745.2, -708.4, -1.2784645427610738, 0.0)),
    "softsign": dict(
        wide_fwd=softsign_wide_fwd,
        wide_from_a=lambda a: (1 - np.abs(a)) ** 2,
        mp_fwd=lambda mp, x: (x / (1 + abs(x)), 1 / (1 + abs(x)) ** 2),
        mp_from_a=lambda mp, a: (1 - abs(a)) ** 2,
        A_DOMAIN="-1 <= a <= 1", EDGES=(0.0, 2.0**26, 2.0**511)),
    "tanhshrink": dict(
        wide_fwd=tanhshrink_wide_fwd,
        mp_fwd=lambda mp, x: (_mp_tanhshrink(mp, x), mp.tanh(x) ** 2),
        # z - tanh z cancels to z^3/3 near 0 in the wide format too: mpmath there
        NEAR_CANCELLATION=((0.0, 0.125),),
        EDGES=(0.0, 2.0**-511, 0.125, 0.5, 19.1)),
}


def _reference(spec: Dict[str, Any]) -> Reference:
    """A spec in Reference's terms: EDGES are the float64 edge points,
    NEAR_CANCELLATION the windows mpmath settles; the a-domain (A_DOMAIN, for the
    docs) is derived from the catalogue."""
    spec = dict(spec)
    spec.pop("A_DOMAIN", None)
    return Reference(f64_edges=tuple(spec.pop("EDGES", ())),
                     mp_windows=tuple(spec.pop("NEAR_CANCELLATION", ())), **spec)


REFERENCES = {name: _reference(spec) for name, spec in SPECS.items()}
