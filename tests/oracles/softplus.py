"""Oracles of the softplus family: softplus, log_sigmoid, squareplus.

The float64 references are the stable forms written from the maths (only
exp(-|s|) is formed; squareplus' root in long double, where z^2 cannot
overflow); the mpmath ones are the definitions at 50 digits."""
from __future__ import annotations

import numpy as np

from oracles import register
from oracles.model import INF, Oracle


def _ld(x):
    """x in long double: beta * z and the exp after it are evaluated there and
    rounded once to float64 (beta * z rounded in float64 would carry |beta z|
    ULP of error into the reference)."""
    return np.asarray(x, dtype=np.longdouble)


def _log1p_exp_neg_abs(s):
    return np.log1p(np.exp(-np.abs(s)))


def _logistic(s):
    e = np.exp(-np.abs(s))
    return np.where(s > 0, 1 / (1 + e), e / (1 + e))


def softplus(z, beta=1.0, threshold=None):
    z = _ld(z)
    a = np.maximum(z, 0) + _log1p_exp_neg_abs(beta * z) / beta
    return (a if threshold is None else np.where(beta * z > threshold, z, a)).astype(np.float64)


def softplus_derivative(z, beta=1.0, threshold=None):
    z = _ld(z)
    d = _logistic(beta * z)
    return (d if threshold is None else np.where(beta * z > threshold, 1.0, d)).astype(np.float64)


def _neg_expm1(y):
    """-expm1(y), a zero as +0: g' >= 0 tends to +0 where a = +-0 (the end of
    g's range: z -> -inf for softplus, +inf for log_sigmoid)."""
    return (0.0 - np.expm1(y)).astype(np.float64)


def softplus_derivative_from_a(a, beta=1.0):
    return _neg_expm1(-beta * _ld(a))


def log_sigmoid(z):
    z = _ld(z)
    return (np.minimum(z, 0) - _log1p_exp_neg_abs(z)).astype(np.float64)


def log_sigmoid_derivative(z):
    return _logistic(-_ld(z)).astype(np.float64)


def log_sigmoid_derivative_from_a(a):
    return _neg_expm1(_ld(a))


def mp_softplus(mp, x, beta=1.0, threshold=None):
    if threshold is not None and beta * x > threshold:
        return x
    return mp.log1p(mp.exp(beta * x)) / beta


def mp_softplus_derivative(mp, x, beta=1.0, threshold=None):
    if threshold is not None and beta * x > threshold:
        return mp.mpf(1)
    return 1 / (1 + mp.exp(-beta * x))


def _squareplus_parts(z, b):
    """(g, s) in long double: g = (z + s)/2, s = sqrt(z^2 + b), as the
    rationalised b / (2 (s - z)) for z < 0, where z + s cancels."""
    z = _ld(z)
    with np.errstate(invalid="ignore", over="ignore"):
        s = np.sqrt(z * z + b)
        return np.where(z < 0, b / (2 * (s - z)), (z + s) / 2), s


def squareplus(z, b=4.0):
    return _squareplus_parts(z, b)[0].astype(np.float64)


def squareplus_derivative(z, b=4.0):
    g, s = _squareplus_parts(z, b)
    # g' = g / s, except inf / inf at z = +inf (the limit 1)
    with np.errstate(invalid="ignore"):
        return np.where(np.isposinf(_ld(z)), 1.0, g / s).astype(np.float64)


def squareplus_derivative_from_a(a, b=4.0):
    """g' = a / s with s = a + b / (4a) (from s + z = 2a, s - z = b / (2a))."""
    a = _ld(a)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = 1 / (1 + b / (4 * a * a))
    return np.where(np.isinf(a), 1.0, r).astype(np.float64)


def _mp_squareplus_parts(mp, x, b):
    """(g, s) for a finite x; rationalised for x < 0, where x + s cancels by
    more digits than mpmath carries once |x| > 10^25."""
    s = mp.sqrt(x * x + b)
    return (b / (2 * (s - x)) if x < 0 else (x + s) / 2), s


def mp_squareplus(mp, x, b=4.0):
    if mp.isinf(x):
        return mp.inf if x > 0 else mp.mpf(0)
    return _mp_squareplus_parts(mp, x, b)[0]


def mp_squareplus_derivative(mp, x, b=4.0):
    if mp.isinf(x):
        return mp.mpf(1 if x > 0 else 0)
    g, s = _mp_squareplus_parts(mp, x, b)
    return g / s


def mp_squareplus_derivative_from_a(mp, a, b=4.0):
    if mp.isinf(a):
        return mp.mpf(1)
    return (2 * a) ** 2 / ((2 * a) ** 2 + b)


# Both smooth: <= 2 ULP compiled.  Measured at the defaults over every float32
# (tests/c/run_ulp_sweep.sh, docs/accuracy.md), against the unrounded value as the
# tests here measure: value 1.51, derivative 1.48, from-a 1.08 (2, 1, 1 against
# the correctly rounded result); float64 sampled 1, 1, 1.  The keys are shared
# with the beta != 1 parameter sets (s = beta z rounded first), hence 2 here.
# The fallback: NumPy's own exp/log1p composition.
def _table(value32, value64, derivative32, derivative64, from_a):
    return {("float16", "value"): 1.0, ("float16", "derivative"): 1.0,
            ("float32", "value"): value32, ("float64", "value"): value64,
            ("float32", "derivative"): derivative32, ("float64", "derivative"): derivative64,
            ("float32", "from_a"): from_a, ("float64", "from_a"): from_a}


_SMOOTH = dict(
    ulp=_table(2.0, 2.0, 2.0, 2.0, 2.0),
    ulp_fallback=_table(3.0, 3.0, 4.0, 4.0, 2.0),
    # the baseline level, without FMA: measured on tests/test_values.py's grid
    # (float32 1.55, float64 2 for the functions of z; from a 1.8)
    ulp_nofma=_table(2.0, 3.0, 2.0, 3.0, 2.0),
    ulp_rounded={"fma": 2.0, "nofma": 3.0, "fallback": 4.0},
    # softplus(0) = log(2)/beta is not correctly rounded for every beta, nor a
    # subnormal result on a tie
    ulp_specials={"fma": 1.0, "nofma": 1.0, "fallback": 1.0},
)

register(
    Oracle(
        "softplus", softplus, softplus_derivative, softplus_derivative_from_a,
        mp_value=mp_softplus, mp_derivative=mp_softplus_derivative,
        mp_derivative_from_a=lambda mp, a, beta=1.0: -mp.expm1(-beta * a),
        z_range=(-20.0, 20.0), a_range=(0.0, INF), limits=(0.0, INF), d_limits=(0.0, 1.0),
        max_abs_derivative=1.0, monotonic=True,
        param_sets=({"beta": 2.0}, {"beta": 0.5}, {"beta": 3.0, "threshold": 20.0},
                    {"threshold": 20.0}, {"threshold": 5.0}),
        rounded_argument=lambda z, beta=1.0, threshold=None: beta * z,
        torch=lambda torch, z, beta=1.0, threshold=None: torch.nn.functional.softplus(
            z, beta, INF if threshold is None else threshold),
        **_SMOOTH,
    ),
    Oracle(
        "log_sigmoid", log_sigmoid, log_sigmoid_derivative, log_sigmoid_derivative_from_a,
        mp_value=lambda mp, x: -mp.log1p(mp.exp(-x)),
        mp_derivative=lambda mp, x: 1 / (1 + mp.exp(x)),
        mp_derivative_from_a=lambda mp, a: -mp.expm1(a),
        z_range=(-20.0, 20.0), a_range=(-INF, 0.0), limits=(-INF, 0.0), d_limits=(1.0, 0.0),
        max_abs_derivative=1.0, monotonic=True,
        torch=lambda torch, z: torch.nn.functional.logsigmoid(z),
        **_SMOOTH,
    ),
    # torch has no squareplus; b's sets are exact in float32 (b is rounded to
    # the compute dtype first, no error of the argument)
    Oracle(
        "squareplus", squareplus, squareplus_derivative, squareplus_derivative_from_a,
        mp_value=mp_squareplus, mp_derivative=mp_squareplus_derivative,
        mp_derivative_from_a=mp_squareplus_derivative_from_a,
        z_range=(-20.0, 20.0), a_range=(0.0, INF), limits=(0.0, INF), d_limits=(0.0, 1.0),
        max_abs_derivative=1.0, monotonic=True, saturates=False,
        param_sets=({"b": 1.0}, {"b": 0.25}, {"b": 100.0}, {"b": 2.5}),
        exact_points=((0.0, 1.0, 0.5),),
        **_SMOOTH,
    ),
)
