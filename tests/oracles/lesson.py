"""Oracles of the lesson's four activations: sigmoid, tanh, relu, leaky_relu.

The float64 references are the formulas in their numerically stable form,
written here from the maths (not imported from fastact); the from-a ones are
the lesson's formulas evaluated exactly (rational arithmetic) and rounded once.
The mpmath ones are the same maths at 50 digits."""
from __future__ import annotations

from fractions import Fraction

import numpy as np

from oracles import register
from oracles.model import INF, Oracle

ALPHA = 0.01   # leaky_relu's default


def _f64(x):
    return np.asarray(x, dtype=np.float64)


def _exact_one(x, formula):
    """formula at x exactly (Fraction), rounded once; a zero takes its IEEE sign
    (a * (1 - a) at a = -0 is -0) from the float evaluation."""
    if not np.isfinite(x):
        return formula(x)
    r = float(formula(Fraction(x)))
    return r if r != 0 else formula(x)


def _exact(a, formula):
    """formula evaluated exactly on every a, rounded once."""
    a = np.asarray(a, dtype=np.float64)
    flat = [_exact_one(float(x), formula) for x in a.ravel()]
    return np.array(flat, dtype=np.float64).reshape(a.shape)


def _nan_kept(x, y):
    return np.where(np.isnan(x), x, y)


# -- sigmoid: e = exp(-|z|), sigma = 1/(1+e) above 0 and e/(1+e) below

def sigmoid(z):
    z = _f64(z)
    e = np.exp(-np.abs(z))
    return np.where(z > 0, 1 / (1 + e), e / (1 + e))


def sigmoid_derivative(z):
    e = np.exp(-np.abs(_f64(z)))
    return e / (1 + e) ** 2


def sigmoid_derivative_from_a(a):
    return _exact(a, lambda x: x * (1 - x))


def mp_sigmoid(mp, x):
    e = mp.exp(-abs(x))
    return 1 / (1 + e) if x > 0 else e / (1 + e)


def mp_sigmoid_derivative(mp, x):
    e = mp.exp(-abs(x))
    return e / (1 + e) ** 2


# -- tanh: tanh' = 4e/(1+e)^2 with e = exp(-2|z|)

def tanh(z):
    return np.tanh(_f64(z))


def tanh_derivative(z):
    e = np.exp(-2 * np.abs(_f64(z)))
    return 4 * e / (1 + e) ** 2


def tanh_derivative_from_a(a):
    return _exact(a, lambda x: 1 - x * x)


def mp_tanh(mp, x):
    if mp.isinf(x):
        return mp.sign(x)
    return mp.tanh(x)


def mp_tanh_derivative(mp, x):
    e = mp.exp(-2 * abs(x))
    return 4 * e / (1 + e) ** 2


# -- relu: max(0, z); g'(0) = at_zero (default 0, PyTorch's convention)

def relu(z):
    z = _f64(z)
    return _nan_kept(z, np.where(z > 0, z, 0.0))


def relu_derivative(z, at_zero=None):
    z = _f64(z)
    k = 0.0 if at_zero is None else at_zero
    return _nan_kept(z, np.where(z > 0, 1.0, np.where(z < 0, 0.0, k)))


def relu_derivative_from_a(a):
    # a == 0 covers every z <= 0: no kink value applies from the output
    a = _f64(a)
    return _nan_kept(a, np.where(a > 0, 1.0, 0.0))


def mp_relu(mp, x):
    return x if x > 0 else mp.mpf(0)


def mp_relu_derivative(mp, x, at_zero=None):
    return mp.mpf(1) if x > 0 else mp.mpf(0) if x < 0 else mp.mpf(0.0 if at_zero is None else at_zero)


def mp_relu_derivative_from_a(mp, a):
    return mp.mpf(1) if a > 0 else mp.mpf(0)


# -- leaky_relu: z above 0, alpha z below; g'(0) = at_zero (default alpha);
# alpha = 0 is relu exactly (0, not 0 * -inf, at -inf)

def leaky_relu(z, alpha=ALPHA):
    z = _f64(z)
    neg = np.where(np.asarray(alpha) == 0, 0.0, alpha * z)
    return _nan_kept(z, np.where(z > 0, z, neg))


def leaky_relu_derivative(z, alpha=ALPHA, at_zero=None):
    z = _f64(z)
    k = alpha if at_zero is None else at_zero
    return _nan_kept(z, np.where(z > 0, 1.0, np.where(z < 0, alpha, k)))


def leaky_relu_derivative_from_a(a, alpha=ALPHA, at_zero=None):
    # needs alpha > 0: then a has the sign of z
    return leaky_relu_derivative(a, alpha, at_zero)


def mp_leaky_relu(mp, x, alpha=ALPHA):
    return x if x > 0 else mp.mpf(0) if alpha == 0 else mp.mpf(alpha) * x


def mp_leaky_relu_derivative(mp, x, alpha=ALPHA, at_zero=None):
    if x > 0:
        return mp.mpf(1)
    return mp.mpf(alpha) if x < 0 else mp.mpf(alpha if at_zero is None else at_zero)


def _leaky_top(alpha=ALPHA, at_zero=None):
    return max(1.0, abs(alpha), abs(at_zero or 0.0))


def _leaky_monotonic(alpha=ALPHA, at_zero=None):
    return alpha >= 0 and (at_zero is None or at_zero >= 0)


def _leaky_limits(alpha=ALPHA, at_zero=None):
    return (-INF if alpha > 0 else 0.0 if alpha == 0 else INF), INF


def _leaky_d_limits(alpha=ALPHA, at_zero=None):
    return alpha, 1.0


# -- budgets, in ULP against the float64 references above (tests/test_values.py)

def _smooth(fma32, fma64, from_a):
    """value/derivative budgets for float32/float64, from_a, and float16 (computed
    in float32, rounded once: 1 ULP of float16)."""
    b = {(dt, k): v for dt, v in (("float32", fma32), ("float64", fma64))
         for k in ("value", "derivative")}
    b.update({("float32", "from_a"): from_a, ("float64", "from_a"): from_a,
              ("float16", "value"): 1.0, ("float16", "derivative"): 1.0})
    return b


# The compiled kernels with FMA are held to the accuracy targets; the baseline
# x86-64 level has no FMA for the error-free residuals and the NumPy fallback
# composes NumPy's own functions: both are looser.  The float64 budgets carry
# the float64 references' own rounding error.
SMOOTH = dict(ulp=_smooth(2.0, 4.0, 1.0), ulp_nofma=_smooth(4.0, 8.0, 2.0),
              ulp_fallback=_smooth(4.0, 8.0, 2.0),
              ulp_rounded={"fma": 2.0, "nofma": 6.0, "fallback": 8.0})
# relu / leaky_relu are selects and one IEEE product: correctly rounded
# everywhere, exact derivatives (float16: the float32 results rounded again).
_PIECEWISE_ULP = {("float32", "value"): 0.5, ("float64", "value"): 0.5,
                  ("float32", "derivative"): 0.0, ("float64", "derivative"): 0.0,
                  ("float32", "from_a"): 0.0, ("float64", "from_a"): 0.0,
                  ("float16", "value"): 1.0, ("float16", "derivative"): 1.0}
PIECEWISE = dict(ulp=_PIECEWISE_ULP, ulp_nofma=_PIECEWISE_ULP, ulp_fallback=_PIECEWISE_ULP,
                 ulp_rounded={"fma": 0.0, "nofma": 0.0, "fallback": 0.0})


register(
    Oracle(
        "sigmoid", sigmoid, sigmoid_derivative, sigmoid_derivative_from_a,
        mp_value=mp_sigmoid, mp_derivative=mp_sigmoid_derivative,
        mp_derivative_from_a=lambda mp, a: a * (1 - a),
        z_range=(-10.0, 10.0), a_range=(0.0, 1.0), limits=(0.0, 1.0), d_limits=(0.0, 0.0),
        max_abs_derivative=0.25, monotonic=True, reflection=1.0, peak=0.0,
        exact_points=((0.0, 0.5, 0.25),),
        # where a(1-a) would give 0, sigma(z) sigma(-z) keeps every digit
        edge_points=(40.0, -40.0, 700.0, -700.0),
        torch=lambda torch, z: torch.sigmoid(z),
        **SMOOTH,
    ),
    Oracle(
        "tanh", tanh, tanh_derivative, tanh_derivative_from_a,
        mp_value=mp_tanh, mp_derivative=mp_tanh_derivative,
        mp_derivative_from_a=lambda mp, a: 1 - a * a,
        z_range=(-5.0, 5.0), a_range=(-1.0, 1.0), limits=(-1.0, 1.0), d_limits=(0.0, 0.0),
        max_abs_derivative=1.0, monotonic=True, reflection=0.0, peak=0.0,
        exact_points=((0.0, 0.0, 1.0),),
        edge_points=(20.0, -20.0, 350.0, -350.0),
        torch=lambda torch, z: torch.tanh(z),
        **SMOOTH,
    ),
    Oracle(
        "relu", relu, relu_derivative, relu_derivative_from_a,
        mp_value=mp_relu, mp_derivative=mp_relu_derivative,
        mp_derivative_from_a=mp_relu_derivative_from_a,
        z_range=(-2.0, 2.0), a_range=(0.0, INF), limits=(0.0, INF), d_limits=(0.0, 1.0),
        max_abs_derivative=lambda at_zero=None: max(1.0, abs(at_zero or 0.0)),
        monotonic=lambda at_zero=None: at_zero is None or at_zero >= 0,
        kinks=(0.0,),
        param_sets=({"at_zero": 0.5}, {"at_zero": 1.0}, {"at_zero": 0.25}),
        exact_points=((0.0, 0.0, 0.0), (2.0, 2.0, 1.0), (-1.0, 0.0, 0.0)),
        keeps_nan_payload=True,
        torch=lambda torch, z: torch.relu(z),
        **PIECEWISE,
    ),
    Oracle(
        "leaky_relu", leaky_relu, leaky_relu_derivative, leaky_relu_derivative_from_a,
        mp_value=mp_leaky_relu, mp_derivative=mp_leaky_relu_derivative,
        mp_derivative_from_a=mp_leaky_relu_derivative,
        z_range=(-2.0, 2.0), a_range=(-INF, INF), limits=_leaky_limits,
        d_limits=_leaky_d_limits, max_abs_derivative=_leaky_top, monotonic=_leaky_monotonic,
        kinks=(0.0,),
        # alpha: 0 (relu exactly), negative (no from-a), > 1; at_zero overrides
        param_sets=({"alpha": 0.2}, {"alpha": 1.0}, {"alpha": 0.0}, {"alpha": -0.5},
                    {"alpha": 3.0}, {"at_zero": 0.5}, {"at_zero": 0.0},
                    {"alpha": 0.2, "at_zero": 1.0}, {"alpha": 0.2, "at_zero": 0.75}),
        exact_points=((0.0, 0.0, ALPHA), (2.0, 2.0, 1.0), (-1.0, -ALPHA, ALPHA)),
        keeps_nan_payload=True,
        torch=lambda torch, z, alpha=ALPHA: torch.nn.functional.leaky_relu(z, alpha),
        **PIECEWISE,
    ),
)
