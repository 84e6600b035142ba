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
z - tanh z below 1/8.  Where even the wide format cancels, silu' next to its zero
z0 = -1.2785 and z - tanh z just above 1/8, mpmath decides: NEAR_CANCELLATION."""
from __future__ import annotations

from typing import Any, Dict

import numpy as np

from fastact._accuracy.model import Reference

LAMBDA = 1.0507009873554804934193349852946
ALPHA = 1.6732632423543772848170429916717
# (z - tanh z) / z^3 = sum_k c_k z^(2k) (mpmath, 25 digits, as strings so that the
# long double wide format gets them to its own precision): below |z| = 1/8 the
# terms fall by 2^-7 each, so 12 reach 2^-84, beyond long double's 2^-64
_TS_SERIES = ("0.3333333333333333333333333", "-0.1333333333333333333333333",
              "0.05396825396825396825396825", "-0.02186948853615520282186949",
              "0.008863235529902196568863236", "-0.003592128036572481016925461",
              "0.001455834387051318268249485", "-0.000590027440945585981378076",
              "0.0002391291142435524814857315", "-0.00009691537956929450325595875",
              "0.00003927832388331683405337081", "-0.00001591890506932896474074428")


def _elu_wide(z, alpha, scale_pos, scale_neg, input_scale):
    zn = np.minimum(z, 0) * input_scale
    a = np.where(z > 0, scale_pos * z, scale_neg * np.expm1(zn))
    d = np.where(z > 0, scale_pos, scale_neg * input_scale * np.exp(zn))
    return a, np.where(np.isnan(z), z, d)


def elu_wide_fwd(z, alpha=1.0):
    return _elu_wide(z, alpha, 1, alpha, 1)


def selu_wide_fwd(z):
    t = z.dtype.type
    return _elu_wide(z, ALPHA, t(LAMBDA_STR), t(LAMBDA_ALPHA), 1)


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
    series = z * u * np.polyval(np.array(_TS_SERIES[::-1], dtype=z.dtype), u)
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


# lambda and lambda * alpha to 35 digits, as strings: the float64 product of the two
# float64 constants is off by ~1e-16 relative, a float64 ULP of selu' = lambda alpha
# e^z, and a + lambda*alpha (selu's g' from a) cancels as z -> -inf, turning even
# long double's rounding of the constant (2^-64 relative) into float64 ULPs: there
# the constant is a pair hi + lo in the wide format (lo: mpmath, per format).
LAMBDA_STR = "1.0507009873554804934193349852946"
LAMBDA_ALPHA = "1.7580993408473768599402175208123193"
_LAMBDA_ALPHA_LO = {np.dtype(np.float64): "1.415351938008449760453e-17",
                    np.dtype(np.longdouble): "-4.952907947561048096523e-20"}


def _selu_wide_from_a(a):
    t = a.dtype.type
    tail = t(_LAMBDA_ALPHA_LO[a.dtype]) if a.dtype in _LAMBDA_ALPHA_LO else t(0)
    return np.where(a > 0, t(LAMBDA_STR), (a + t(LAMBDA_ALPHA)) + tail)  # a + hi exact

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
        wide_from_a=_selu_wide_from_a,
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
        # above the series' 1/8, z - tanh z still cancels by up to 3/z^2 = 2^7.6:
        # mpmath decides 1/8 <= |z| <= 5/8
        NEAR_CANCELLATION=((0.375, 0.25), (-0.375, 0.25)),
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
