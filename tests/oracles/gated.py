"""Oracles of the gated units: gelu (approximate="none" / "tanh") and mish.

The float64 references are the definitions written here from the maths: the
exact gelu from mpmath at 30 digits, elementwise (float64's erfc loses its tail
and Phi + z phi cancels next to gelu's zero: see _mp_elementwise), its tanh
form as z sigma(2u) in long double, mish from log1p(exp(-|z|)) (its derivative
in long double).  The mpmath references (mp_*) are the formulas at the caller's
precision.  Each derivative crosses zero (gelu' at z = -0.7518, gelu_tanh' at
-0.7525, mish' at -1.1924).  ULP budgets: the compiled backend at the FMA levels
meets 2 ULP over every float32 (tests/c/ulp_sweep.c, docs/accuracy.md)."""
from __future__ import annotations

import functools
import math

import numpy as np

from oracles import register
from oracles.model import INF, Oracle

BETA = math.sqrt(2 / math.pi)
KAPPA = 0.044715  # as torch writes it (mpmath takes the decimal)
GELU_ZERO = -0.7517915246935645      # where gelu' = 0
MISH_ZERO = -1.1924312145154952      # where mish' = 0



def _mpmath():
    import mpmath   # a test dependency; imported when a gelu reference is first needed
    return mpmath


def _f64(x):
    return np.asarray(x, dtype=np.float64)


# long double (x87: 64-bit mantissa) where float64 roundings are magnified:
# exp(-|2u|) multiplies 2u's relative error by |2u| (up to ~745), erfc(x) by 2x^2
_LD = np.longdouble
_BETA_LD = _LD("0.79788456080286535587989211986876373695")   # sqrt(2/pi), not via float64 pi
_KAPPA_LD = _LD("0.044715")
_RSQRT2_LD = _LD("0.70710678118654752440084436210484903928")


def _gelu_tanh_parts(z):
    """(sigma(2u), 2u') for the tanh form, 2u = 2 beta (z + kappa z^3), in long
    double (the derivative cancels next to its zero: 300x at z = -0.75)."""
    zc = np.clip(z, -1e5, 1e5).astype(_LD)
    u2 = 2 * _BETA_LD * (zc + _KAPPA_LD * zc ** 3)
    e = np.exp(-np.abs(u2))
    s = np.where(u2 > 0, 1 / (1 + e), e / (1 + e))
    return s, 2 * _BETA_LD * (1 + 3 * _KAPPA_LD * zc * zc)


@functools.lru_cache(maxsize=64)
def _mp_cached(f, data: bytes) -> np.ndarray:
    mp = _mpmath()
    z = np.frombuffer(data, dtype=np.float64)
    with mp.workdps(30):
        return np.array([v if np.isnan(v) else float(f(mp, mp.mpf(float(v)))) for v in z])


def _mp_elementwise(f, z, where):
    """f at z: mpmath's (30 digits, rounded to float64) where `where` holds, the
    float64 `f` elsewhere.  The exact gelu's float64 formulas are off by hundreds
    of ULP in its negative tail (erfc(x) magnifies x's rounding 2x^2 times) and
    next to its derivative's zero (Phi + z phi cancels 300x), and right to half an
    ULP or so elsewhere; cached, the tests ask for the same grids many times."""
    z = np.ascontiguousarray(z, dtype=np.float64)
    where = np.asarray(where) & ~np.isnan(z)
    out = np.asarray(f(z), dtype=np.float64).copy()
    if where.any():
        out[where] = _mp_cached(f.mp, z[where].tobytes())
    return out


def _erfc_f64(x):
    return np.vectorize(math.erfc, otypes=[np.float64])(x)


def _gelu_f64(z):
    phi_neg = 0.5 * _erfc_f64(np.minimum(np.abs(z), 1e5) / math.sqrt(2))   # Phi(-|z|)
    return np.where(z <= 0, np.maximum(z, -1e5) * phi_neg,
                    np.where(np.isposinf(z), z, z - z * phi_neg))


def _gelu_derivative_f64(z):
    phi = np.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)
    return 0.5 * _erfc_f64(-z / math.sqrt(2)) + z * phi


_gelu_f64.mp = lambda mp, x: mp_gelu(mp, x)                        # type: ignore[attr-defined]
_gelu_derivative_f64.mp = lambda mp, x: mp_gelu_derivative(mp, x)  # type: ignore[attr-defined]


def gelu(z, approximate="none"):
    z = _f64(z)
    with np.errstate(all="ignore"):
        if approximate == "tanh":
            s, _ = _gelu_tanh_parts(z)
            return np.where(np.isneginf(z), -0.0, z * s.astype(np.float64))
        # (mpmath has no -0: gelu(-0) = -0 Phi(0) = -0 and the tail's underflow too)
        v = _mp_elementwise(_gelu_f64, z, z < -1)
        return np.where((v == 0) & np.signbit(z), -0.0, v)


def _from_below(d, z):
    """g' where it underflows to 0 for z < 0: -0, the sign of the limit (the
    three derivatives tend to 0 from below)."""
    return np.where((d == 0) & (z < 0), -0.0, d)


def gelu_derivative(z, approximate="none"):
    z = _f64(z)
    with np.errstate(all="ignore"):
        zc = np.clip(z, -1e5, 1e5)
        if approximate == "tanh":
            s, du2 = _gelu_tanh_parts(z)
            zl = zc.astype(_LD)
            return _from_below((s + zl * s * (1 - s) * du2).astype(np.float64), z)
        return _from_below(_mp_elementwise(_gelu_derivative_f64, zc, zc < -0.5), z)


def _far(mp, x, derivative):
    """The value (x or -0) / derivative (1 or -0) beyond |x| = 10^4, where every
    gated unit is its linear limit to far below any precision (mpmath's exp of
    a huge argument overflows), or None.  g' tends to 0 from below for all three
    (gelu' ~ -|z| phi(z), mish' ~ z e^z): its correctly rounded value is -0."""
    if abs(x) <= 10 ** 4:
        return None
    if derivative:
        return mp.mpf(1) if x > 0 else -mp.mpf(0)
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
    """In long double, rounded once: NumPy's float64 exp/log1p/tanh are not always
    glibc's (NumPy 1.23's on an AVX-512 CPU are SVML's), and their errors put this
    reference 3 ULP from the correctly rounded value there."""
    z = _f64(z)
    with np.errstate(all="ignore"):
        zl = z.astype(np.longdouble)
        t, _ = _mish_parts(zl)
        return np.where(np.isneginf(z), -0.0, (zl * t).astype(np.float64))


def mish_derivative(z):
    z = _f64(z)
    with np.errstate(all="ignore"):
        zl = np.clip(z, -1e5, 1e5).astype(np.longdouble)
        t, sig = _mish_parts(zl)
        d = np.where(np.isnan(z), z, (t + zl * sig * (1 - t * t)).astype(np.float64))
        return _from_below(d, z)


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


# max ULP at the special arguments: 1 where a subnormal result lands next to a
# tie (every other special is exact)
_SUBNORMAL_TIES = {"fma": 1.0, "nofma": 1.0, "fallback": 1.0}

register(
    Oracle("gelu", gelu, gelu_derivative, None,
           mp_value=mp_gelu, mp_derivative=mp_gelu_derivative,
           z_range=(-8.0, 6.0), limits=(0.0, INF), d_limits=(0.0, 1.0),
           max_abs_derivative=1.1289041451851548, monotonic=False,  # at z = sqrt 2
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
           # at subnormal z, z Phi(z) = z/2 + z^2 phi(0): just past a tie, which
           # z * 0.5 rounds to even (1 ULP of the subnormal spacing)
           ulp_specials=_SUBNORMAL_TIES,
           edge_points=(-38.5, -37.0, -30.0, -14.0, -8.0, 0.0, 5.0),
           torch=lambda torch, z, approximate="none": torch.nn.functional.gelu(
               z, approximate=approximate),
           # torch's gelu and gelu_backward take 0.5 (1 + erf(z/sqrt2)) and
           # 0.5 (1 + tanh u), whose negative tails cancel: up to 3.9e-16 absolute
           # on [-8, 6], and 4.9e-15 where tanh u has rounded to -1 (z < -7.2, the
           # tanh form's derivative still ~ -5e-15 there: torch gives 0)
           torch_atol=1e-14,
           extra={"zero_of_derivative": GELU_ZERO, "tanh_zero_of_derivative": -0.7524614220710163}),
    Oracle("mish", mish, mish_derivative, None,
           mp_value=mp_mish, mp_derivative=mp_mish_derivative,
           z_range=(-20.0, 10.0), limits=(0.0, INF), d_limits=(0.0, 1.0),
           max_abs_derivative=1.0884981612517279, monotonic=False,  # at z = 1.4906
           # measured at avx2, float32, all 2^32: 1 / 1 ULP (value / derivative;
           # float64 sampled 1 / 1), the budget at the contract as gelu's;
           # baseline measured 2 (value) / 4 (derivative) over 2^23 strided float32
           ulp=_budget(2, 2), ulp_fallback=_budget(4, 4), ulp_nofma=_budget(3, 5),
           ulp_rounded={"fma": 2.0, "nofma": 5.0, "fallback": 4.0},
           ulp_specials=_SUBNORMAL_TIES,   # subnormal z tanh(softplus(z)): 1 ULP
           edge_points=(-745.0, -700.0, -100.0, -20.0, 0.0, 20.0),
           torch=lambda torch, z: torch.nn.functional.mish(z),
           extra={"zero_of_derivative": MISH_ZERO}),
)
