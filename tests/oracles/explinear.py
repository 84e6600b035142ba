"""Oracles of family B: elu, selu, celu, silu, softsign, tanhshrink.

The float64 references are the formulas in a stable form written here from the
maths (expm1 for the exponential-linear units, the logistic from exp(-|z|) for
silu, the Taylor series of z - tanh z near 0); where float64 itself cancels
(silu' next to its zero near z = -1.2785) the reference is taken in long double
from the formula, or from mpmath.  The mpmath ones are the formulas at 50
digits.  ULP budgets: the compiled backend at the FMA levels meets 2 ULP
(measured over every float32 by tests/c/run_ulp_sweep.sh, docs/accuracy.md);
the fallback's plain NumPy formulas lose up to a few ULP more in float32."""
from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import numpy as np

from oracles import register
from oracles.lesson import _exact
from oracles.model import INF, Oracle

# SELU's constants, to more digits than float64 holds (and their product)
_LAMBDA, _ALPHA = "1.0507009873554804934193349852946", "1.6732632423543772848170429916717"
_LAMBDA_ALPHA = "1.7580993408473768599402175208123"
LAMBDA, ALPHA, LAMBDA_ALPHA = float(_LAMBDA), float(_ALPHA), float(_LAMBDA_ALPHA)
SILU_ZERO = -1.2784645427610738  # where silu' = 0


def _f64(x):
    return np.asarray(x, dtype=np.float64)


def _ld(x):
    """x in long double (x86's 64-bit significand): the references below are
    evaluated there and rounded once to float64, so their own error (a few
    roundings, z/alpha's magnified by exp) stays far below a float64 ULP."""
    return np.asarray(x, dtype=np.longdouble)


def _neg(z):
    """min(z, 0), keeping -0 (np.minimum's choice between -0 and +0 is not z's)."""
    return np.where(z > 0, z.dtype.type(0), z)


def _nan_or(x, y):
    return np.where(np.isnan(x), x, y).astype(np.float64)


# -- elu / selu / celu

LAMBDA_LD, LAMBDA_ALPHA_LD = np.longdouble(_LAMBDA), np.longdouble(_LAMBDA_ALPHA)


def elu(z, alpha=1.0):
    z = _ld(z)
    return np.where(z > 0, z, alpha * np.expm1(_neg(z))).astype(np.float64)


def elu_derivative(z, alpha=1.0):
    z = _ld(z)
    return _nan_or(z, np.where(z > 0, 1.0, alpha * np.exp(_neg(z))))


def elu_derivative_from_a(a, alpha=1.0):
    a = _ld(a)
    return _nan_or(a, np.where(a > 0, 1.0, a + alpha))


def mp_elu(mp, x, alpha=1.0):
    return x if x > 0 else alpha * mp.expm1(x)


def mp_elu_derivative(mp, x, alpha=1.0):
    return mp.mpf(1) if x > 0 else alpha * mp.exp(x)


def mp_elu_derivative_from_a(mp, a, alpha=1.0):
    return mp.mpf(1) if a > 0 else a + alpha


def selu(z):
    z = _ld(z)
    return np.where(z > 0, LAMBDA_LD * z, LAMBDA_ALPHA_LD * np.expm1(_neg(z))).astype(np.float64)


def selu_derivative(z):
    z = _ld(z)
    return _nan_or(z, np.where(z > 0, LAMBDA_LD, LAMBDA_ALPHA_LD * np.exp(_neg(z))))


def selu_derivative_from_a(a):
    # exactly, rounded once: at a = -lambda alpha rounded, a + lambda alpha is
    # the tiny rounding error of the constant, below long double's resolution
    la = Fraction(_LAMBDA) * Fraction(_ALPHA)   # the constants' exact product
    return _exact(a, lambda x: LAMBDA if x > 0 else x + la)


def _mp_selu_consts(mp):
    return mp.mpf(_LAMBDA), mp.mpf(_ALPHA)


def mp_selu(mp, x):
    lam, alpha = _mp_selu_consts(mp)
    return lam * (x if x > 0 else alpha * mp.expm1(x))


def mp_selu_derivative(mp, x):
    lam, alpha = _mp_selu_consts(mp)
    return lam if x > 0 else lam * alpha * mp.exp(x)


def mp_selu_derivative_from_a(mp, a):
    lam, alpha = _mp_selu_consts(mp)
    return lam if a > 0 else a + lam * alpha


def celu(z, alpha=1.0):
    z = _ld(z)
    return np.where(z > 0, z, alpha * np.expm1(_neg(z) / alpha)).astype(np.float64)


def celu_derivative(z, alpha=1.0):
    z = _ld(z)
    return _nan_or(z, np.where(z > 0, 1.0, np.exp(_neg(z) / alpha)))


def celu_derivative_from_a(a, alpha=1.0):
    # (a + alpha) / alpha: a + alpha is exact where a nears -alpha (a/alpha + 1 cancels)
    a = _ld(a)
    return _nan_or(a, np.where(a > 0, 1.0, (a + alpha) / alpha))


def mp_celu(mp, x, alpha=1.0):
    return x if x > 0 else alpha * mp.expm1(x / alpha)


def mp_celu_derivative(mp, x, alpha=1.0):
    return mp.mpf(1) if x > 0 else mp.exp(x / alpha)


def mp_celu_derivative_from_a(mp, a, alpha=1.0):
    return mp.mpf(1) if a > 0 else a / alpha + 1


# -- silu

def _logistic(z):
    """(sigma(z), 1 - sigma(z)) in long double, from e = exp(-|z|)."""
    z = np.asarray(z, dtype=np.longdouble)
    e = np.exp(-np.abs(z))
    hi, lo = 1 / (1 + e), e / (1 + e)
    return np.where(z > 0, hi, lo), np.where(z > 0, lo, hi)


def silu(z):
    z = _f64(z)
    s, _ = _logistic(z)
    with np.errstate(invalid="ignore"):
        return np.where(np.isneginf(z), -0.0, (z * s).astype(np.float64))


def silu_derivative(z):
    z = _f64(z)
    s, c = _logistic(z)
    zc = np.clip(z, -1e4, 1e4)  # inf * 0 is never met: the limits are 0 and 1
    return (s * (1 + zc.astype(np.longdouble) * c)).astype(np.float64)


def mp_silu(mp, x):
    if mp.isinf(x):   # inf / inf at -inf: the limit is 0
        return x if x > 0 else mp.mpf(0)
    return x / (1 + mp.exp(-x))


def mp_silu_derivative(mp, x):
    if mp.isinf(x):   # inf * 0 at +inf
        return mp.mpf(1) if x > 0 else mp.mpf(0)
    s = 1 / (1 + mp.exp(-x))
    return s * (1 + x * (1 - s))


# -- softsign

def softsign(z):
    z = _ld(z)
    m = np.abs(z)
    with np.errstate(invalid="ignore"):   # inf / inf, replaced by the sign
        return np.where(np.isinf(z), np.sign(z), z / (1 + m)).astype(np.float64)


def softsign_derivative(z):
    return (1 / (1 + np.abs(_ld(z))) ** 2).astype(np.float64)


def softsign_derivative_from_a(a):
    return ((1 - np.abs(_ld(a))) ** 2).astype(np.float64)


def mp_softsign(mp, x):
    if mp.isinf(x):   # inf / inf: the limit is sign(x)
        return mp.sign(x)
    return x / (1 + abs(x))


def mp_softsign_derivative(mp, x):
    return 1 / (1 + abs(x)) ** 2


def mp_softsign_derivative_from_a(mp, a):
    return (1 - abs(a)) ** 2


# -- tanhshrink: the series below 1/8, z - tanh z in long double above

_TS_SERIES = (1 / 3, -2 / 15, 17 / 315, -62 / 2835, 1382 / 155925, -21844 / 6081075,
              929569 / 638512875)


def tanhshrink(z):
    z = _f64(z)
    u = z * z
    series = z * u * np.polyval(_TS_SERIES[::-1], u)
    zl = z.astype(np.longdouble)
    with np.errstate(invalid="ignore"):
        wide = (zl - np.tanh(zl)).astype(np.float64)
    return np.where(np.abs(z) < 0.125, series, wide)


def tanhshrink_derivative(z):
    return np.tanh(_f64(z).astype(np.longdouble)).astype(np.float64) ** 2


def mp_tanhshrink(mp, x):
    # x - tanh x cancels to x^3/3: 2 log10(1/|x|) more digits keep the working
    # precision's (at 50 digits it was 0 for |x| < 1e-25)
    extra = max(0, int(-2 * mp.log10(abs(x))) + 5) if 0 < abs(x) < 1 else 0
    with mp.workdps(x.context.dps + extra):
        return x - mp.tanh(x)


def mp_tanhshrink_derivative(mp, x):
    return mp.tanh(x) ** 2


def _budget(value, derivative, from_a=None, f64=None):
    """The same budgets for float32 and float64 (f64: (value, derivative) for
    float64 instead); float16 is computed in float32 and rounded once (1 ULP)."""
    ulp = {("float16", "value"): 1.0, ("float16", "derivative"): 1.0}
    for dt in ("float32", "float64"):
        ulp[dt, "value"] = value
        ulp[dt, "derivative"] = derivative
        if from_a is not None:
            ulp[dt, "from_a"] = from_a
    if f64 is not None:
        ulp["float64", "value"], ulp["float64", "derivative"] = f64
    return ulp


def _elu_range(alpha=1.0):
    """elu's range and limits: g(-inf) = -alpha; alpha < 0 gives (0, -alpha) below 0."""
    return (-alpha if alpha >= 0 else 0.0), INF


def _celu_range(alpha=1.0):
    """celu's: g(-inf) = -alpha for alpha > 0; alpha < 0: alpha expm1(z/alpha) -> -inf."""
    return (-alpha if alpha > 0 else -INF), INF


def _celu_torch_rtol(alpha=1.0):
    """torch's 1/alpha is a float32: exact for alpha = 1, else |z/alpha| (up to
    20/0.3 on the torch test's range) times float32's 2^-24."""
    return 0.0 if float(np.float32(1 / alpha)) == 1 / alpha else 70 * 2.0 ** -24


# Measured (docs/accuracy.md), max ULP against the correctly rounded result, value /
# derivative / from-a: float32, all 2^32 at avx2 and the default parameters: elu and
# celu 1/1/0, selu 1/2/1, silu 2/2, softsign 1/1/1; float64, 10^6 sampled: elu and
# celu 1/1/0, selu 1/1/1, silu 2/2, softsign 0/1/0, tanhshrink 2/2.  The budgets
# stay at the contract: the generic tests measure against unrounded float64
# references (a correctly rounded result scores up to 0.5 there), and the keys
# are shared with the other parameter sets.
_ORACLES = (
    Oracle("elu", elu, elu_derivative, elu_derivative_from_a,
           mp_value=mp_elu, mp_derivative=mp_elu_derivative,
           mp_derivative_from_a=mp_elu_derivative_from_a,
           z_range=(-20.0, 5.0), a_range=_elu_range, limits=_elu_range, d_limits=(0.0, 1.0),
           max_abs_derivative=lambda alpha=1.0: max(1.0, abs(alpha)),
           monotonic=lambda alpha=1.0: alpha >= 0, kinks=(0.0,),
           param_sets=({"alpha": 0.5}, {"alpha": 2.0}),
           ulp=_budget(2, 2, 1), ulp_fallback=_budget(4, 4, 1),
           torch=lambda torch, z, alpha=1.0: torch.nn.functional.elu(z, alpha)),
    Oracle("selu", selu, selu_derivative, selu_derivative_from_a,
           mp_value=mp_selu, mp_derivative=mp_selu_derivative,
           mp_derivative_from_a=mp_selu_derivative_from_a,
           z_range=(-20.0, 5.0), a_range=(-LAMBDA_ALPHA, INF),
           limits=(-LAMBDA_ALPHA, INF), d_limits=(0.0, LAMBDA),
           max_abs_derivative=LAMBDA_ALPHA, kinks=(0.0,),
           ulp=_budget(2, 2, 2), ulp_fallback=_budget(4, 4, 2),
           torch=lambda torch, z: torch.nn.functional.selu(z),
           torch_d_rtol=2.5e-16),   # torch's lambda * alpha (selu'(0)) is rounded twice
    Oracle("celu", celu, celu_derivative, celu_derivative_from_a,
           mp_value=mp_celu, mp_derivative=mp_celu_derivative,
           mp_derivative_from_a=mp_celu_derivative_from_a,
           z_range=(-20.0, 5.0), a_range=_celu_range, limits=_celu_range,
           d_limits=lambda alpha=1.0: (0.0 if alpha > 0 else INF, 1.0),
           max_abs_derivative=lambda alpha=1.0: 1.0 if alpha > 0 else INF, kinks=(0.0,),
           param_sets=({"alpha": 0.3}, {"alpha": 3.0}, {"alpha": -0.7}),
           ulp=_budget(2, 2, 2), ulp_fallback=_budget(4, 4, 2),
           # alpha < 0: exp(z/alpha) grows, computed as 1/exp(-|z/alpha|): a
           # quotient of two rounded factors (measured 3 ULP in float32)
           extra={"ulp_negative_alpha": _budget(4, 3, 2)},
           rounded_argument=lambda z, alpha=1.0: z / alpha,
           torch=lambda torch, z, alpha=1.0: torch.nn.functional.celu(z, alpha),
           # torch scales z by 1/alpha in float32: |z/alpha| * 2^-24 off in exp
           torch_rtol=_celu_torch_rtol, torch_d_rtol=_celu_torch_rtol),
    Oracle("silu", silu, silu_derivative, None,
           mp_value=mp_silu, mp_derivative=mp_silu_derivative,
           z_range=(-20.0, 10.0), limits=(0.0, INF), d_limits=(0.0, 1.0),
           max_abs_derivative=1.1, monotonic=False,
           # the fallback's silu' is the plain formula outside |z - z0| < 1/8
           ulp=_budget(2, 2), ulp_fallback=_budget(4, 32),
           torch=lambda torch, z: torch.nn.functional.silu(z),
           extra={"zero_of_derivative": SILU_ZERO}),
    Oracle("softsign", softsign, softsign_derivative, softsign_derivative_from_a,
           mp_value=mp_softsign, mp_derivative=mp_softsign_derivative,
           mp_derivative_from_a=mp_softsign_derivative_from_a,
           z_range=(-50.0, 50.0), a_range=(-1.0, 1.0), limits=(-1.0, 1.0), d_limits=(0.0, 0.0),
           max_abs_derivative=1.0,
           ulp=_budget(2, 2, 2), ulp_fallback=_budget(2, 4, 2),
           torch=lambda torch, z: torch.nn.functional.softsign(z)),
    Oracle("tanhshrink", tanhshrink, tanhshrink_derivative, None,
           mp_value=mp_tanhshrink, mp_derivative=mp_tanhshrink_derivative,
           z_range=(-6.0, 6.0), limits=(-INF, INF), d_limits=(1.0, 1.0),
           max_abs_derivative=1.0,
           # the fallback's z - tanh z above 1/2 cancels by up to 3/z^2 = 12
           ulp=_budget(2, 2), ulp_fallback=_budget(16, 2, f64=(16, 3)),
           torch=lambda torch, z: torch.nn.functional.tanhshrink(z),
           torch_rtol=1e-10),   # torch's z - tanh z cancels near 0 (here |z| >= 0.006)
)

# The levels without FMA (x86-64's baseline) and the correctly rounded budgets:
# measured, not certified (2^20 evenly strided float32 inputs per function, the
# baseline's max ULP against the correctly rounded reference: elu 1, selu 2,
# celu 1, silu 9, softsign 3, tanhshrink 8; the fallback, which computes float32
# data in float64: <= 1 there, 2 on float64 data).  The FMA levels' 2 ULP is the
# accuracy contract.
# celu with alpha = 3 reaches 2.15 on tests/test_values.py's grid
_NOFMA = {"elu": (1, 1, 1), "selu": (2, 2, 1), "celu": (2, 1, 1), "silu": (9, 9, None),
          "softsign": (3, 3, 1), "tanhshrink": (8, 8, None)}
# float64 on that grid, where it is more than the float32 numbers: silu' 12, tanhshrink 11
_NOFMA_F64 = {"silu": (9, 12), "tanhshrink": (11, 8)}
# float64 on the same level (10^5 sampled points): selu 3, silu 15, the rest as float32
_NOFMA_ROUNDED = {"elu": 1.0, "selu": 3.0, "celu": 1.0, "silu": 15.0, "softsign": 3.0,
                  "tanhshrink": 8.0}
# At the special arguments and kinks (tests/test_special_values.py): elu and
# silu of the largest float32 subnormal are z/2 and a tie that only the
# formula's next term breaks; celu's exp(-1/alpha) at the kink's neighbours is
# a smooth value like any other (1 ULP measured on every backend).
_SPECIALS = {"fma": 1.0, "nofma": 1.0, "fallback": 1.0}
register(*(replace(o, ulp_nofma=_budget(v + 1, d + 1, a if a is None else a + 1,
                                         f64=_NOFMA_F64.get(o.name)),
                   ulp_rounded={"fma": 2.0, "nofma": _NOFMA_ROUNDED[o.name],
                                "fallback": 2.0},
                   ulp_specials=_SPECIALS)
           for o in _ORACLES for v, d, a in [_NOFMA[o.name]]))
