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

import numpy as np

from oracles import register
from oracles.model import INF, Oracle

LAMBDA = 1.0507009873554804934193349852946
ALPHA = 1.6732632423543772848170429916717
SILU_ZERO = -1.2784645427610738  # where silu' = 0


def _f64(x):
    return np.asarray(x, dtype=np.float64)


def _neg(z):
    return np.minimum(z, 0.0)


# -- elu / selu / celu

def elu(z, alpha=1.0):
    z = _f64(z)
    return np.where(z > 0, z, alpha * np.expm1(_neg(z)))


def elu_derivative(z, alpha=1.0):
    z = _f64(z)
    return np.where(np.isnan(z), z, np.where(z > 0, 1.0, alpha * np.exp(_neg(z))))


def elu_derivative_from_a(a, alpha=1.0):
    a = _f64(a)
    return np.where(np.isnan(a), a, np.where(a > 0, 1.0, a + alpha))


def mp_elu(mp, x, alpha=1.0):
    return x if x > 0 else alpha * mp.expm1(x)


def mp_elu_derivative(mp, x, alpha=1.0):
    return mp.mpf(1) if x > 0 else alpha * mp.exp(x)


def selu(z):
    return LAMBDA * elu(z, ALPHA)


def selu_derivative(z):
    return LAMBDA * elu_derivative(z, ALPHA)


def selu_derivative_from_a(a):
    a = _f64(a)
    return np.where(np.isnan(a), a, np.where(a > 0, LAMBDA, a + LAMBDA * ALPHA))


def _mp_selu_consts(mp):
    return (mp.mpf("1.0507009873554804934193349852946"),
            mp.mpf("1.6732632423543772848170429916717"))


def mp_selu(mp, x):
    lam, alpha = _mp_selu_consts(mp)
    return lam * (x if x > 0 else alpha * mp.expm1(x))


def mp_selu_derivative(mp, x):
    lam, alpha = _mp_selu_consts(mp)
    return lam if x > 0 else lam * alpha * mp.exp(x)


def celu(z, alpha=1.0):
    z = _f64(z)
    return np.where(z > 0, z, alpha * np.expm1(_neg(z) / alpha))


def celu_derivative(z, alpha=1.0):
    z = _f64(z)
    return np.where(np.isnan(z), z, np.where(z > 0, 1.0, np.exp(_neg(z) / alpha)))


def celu_derivative_from_a(a, alpha=1.0):
    a = _f64(a)
    return np.where(np.isnan(a), a, np.where(a > 0, 1.0, a / alpha + 1))


def mp_celu(mp, x, alpha=1.0):
    return x if x > 0 else alpha * mp.expm1(x / alpha)


def mp_celu_derivative(mp, x, alpha=1.0):
    return mp.mpf(1) if x > 0 else mp.exp(x / alpha)


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
    return x / (1 + mp.exp(-x))


def mp_silu_derivative(mp, x):
    s = 1 / (1 + mp.exp(-x))
    return s * (1 + x * (1 - s))


# -- softsign

def softsign(z):
    z = _f64(z)
    m = np.abs(z)
    return np.where(np.isinf(z), np.sign(z), z / (1 + m))


def softsign_derivative(z):
    return 1 / (1 + np.abs(_f64(z))) ** 2


def softsign_derivative_from_a(a):
    return (1 - np.abs(_f64(a))) ** 2


def mp_softsign(mp, x):
    return x / (1 + abs(x))


def mp_softsign_derivative(mp, x):
    return 1 / (1 + abs(x)) ** 2


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
    return x - mp.tanh(x)


def mp_tanhshrink_derivative(mp, x):
    return mp.tanh(x) ** 2


def _budget(value, derivative, from_a=None):
    ulp = {}
    for dt in ("float32", "float64"):
        ulp[dt, "value"] = value
        ulp[dt, "derivative"] = derivative
        if from_a is not None:
            ulp[dt, "from_a"] = from_a
    return ulp


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
           z_range=(-20.0, 5.0), a_range=(-1.0, INF), limits=(-1.0, INF), d_limits=(0.0, 1.0),
           max_abs_derivative=1.0, kinks=(0.0,),
           param_sets=({"alpha": 0.5}, {"alpha": 2.0}),
           ulp=_budget(2, 2, 1), ulp_fallback=_budget(4, 4, 1),
           torch=lambda torch, z, alpha=1.0: torch.nn.functional.elu(z, alpha)),
    Oracle("selu", selu, selu_derivative, selu_derivative_from_a,
           mp_value=mp_selu, mp_derivative=mp_selu_derivative,
           z_range=(-20.0, 5.0), a_range=(-LAMBDA * ALPHA, INF),
           limits=(-LAMBDA * ALPHA, INF), d_limits=(0.0, LAMBDA),
           max_abs_derivative=LAMBDA * ALPHA, kinks=(0.0,),
           ulp=_budget(2, 2, 2), ulp_fallback=_budget(4, 4, 2),
           torch=lambda torch, z: torch.nn.functional.selu(z)),
    Oracle("celu", celu, celu_derivative, celu_derivative_from_a,
           mp_value=mp_celu, mp_derivative=mp_celu_derivative,
           z_range=(-20.0, 5.0), a_range=(-1.0, INF), limits=(-1.0, INF), d_limits=(0.0, 1.0),
           max_abs_derivative=1.0, kinks=(0.0,),
           param_sets=({"alpha": 0.3}, {"alpha": 3.0}, {"alpha": -0.7}),
           ulp=_budget(2, 2, 2), ulp_fallback=_budget(4, 4, 2),
           # alpha < 0: exp(z/alpha) grows, computed as 1/exp(-|z/alpha|): a
           # quotient of two rounded factors (measured 3 ULP in float32)
           extra={"ulp_negative_alpha": _budget(4, 3, 2)},
           torch=lambda torch, z, alpha=1.0: torch.nn.functional.celu(z, alpha)),
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
           z_range=(-50.0, 50.0), a_range=(-1.0, 1.0), limits=(-1.0, 1.0), d_limits=(0.0, 0.0),
           max_abs_derivative=1.0,
           ulp=_budget(2, 2, 2), ulp_fallback=_budget(2, 4, 2),
           torch=lambda torch, z: torch.nn.functional.softsign(z)),
    Oracle("tanhshrink", tanhshrink, tanhshrink_derivative, None,
           mp_value=mp_tanhshrink, mp_derivative=mp_tanhshrink_derivative,
           z_range=(-6.0, 6.0), limits=(-INF, INF), d_limits=(1.0, 1.0),
           max_abs_derivative=1.0,
           # the fallback's z - tanh z above 1/2 cancels by up to 3/z^2 = 12
           ulp=_budget(2, 2), ulp_fallback=_budget(16, 2),
           torch=lambda torch, z: torch.nn.functional.tanhshrink(z)),
)

# The levels without FMA (x86-64's baseline) and the correctly rounded budgets:
# measured, not certified (2^20 evenly strided float32 inputs per function, the
# baseline's max ULP against the correctly rounded reference: elu 1, selu 2,
# celu 1, silu 9, softsign 3, tanhshrink 8; the fallback, which computes float32
# data in float64: <= 1 there, 2 on float64 data).  The FMA levels' 2 ULP is the
# accuracy contract.
_NOFMA = {"elu": (1, 1, 1), "selu": (2, 2, 1), "celu": (1, 1, 1), "silu": (9, 9, None),
          "softsign": (3, 3, 1), "tanhshrink": (8, 8, None)}
# float64 on the same level (10^5 sampled points): selu 3, silu 15, the rest as float32
_NOFMA_ROUNDED = {"elu": 1.0, "selu": 3.0, "celu": 1.0, "silu": 15.0, "softsign": 3.0,
                  "tanhshrink": 8.0}
register(*(replace(o, ulp_nofma=_budget(v + 1, d + 1, a if a is None else a + 1),
                   ulp_rounded={"fma": 2.0, "nofma": _NOFMA_ROUNDED[o.name],
                                "fallback": 2.0})
           for o in _ORACLES for v, d, a in [_NOFMA[o.name]]))
