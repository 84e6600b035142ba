"""Oracles of the softplus family: softplus, log_sigmoid.

The float64 references are the stable forms written from the maths (only
exp(-|s|) is formed); the mpmath ones are the definitions at 50 digits."""
from __future__ import annotations

import numpy as np

from oracles import register
from oracles.model import INF, Oracle


def _f64(x):
    return np.asarray(x, dtype=np.float64)


def _log1p_exp_neg_abs(s):
    return np.log1p(np.exp(-np.abs(s)))


def _logistic(s):
    e = np.exp(-np.abs(s))
    return np.where(s > 0, 1 / (1 + e), e / (1 + e))


def softplus(z, beta=1.0, threshold=None):
    z = _f64(z)
    a = np.maximum(z, 0) + _log1p_exp_neg_abs(beta * z) / beta
    return a if threshold is None else np.where(beta * z > threshold, z, a)


def softplus_derivative(z, beta=1.0, threshold=None):
    z = _f64(z)
    d = _logistic(beta * z)
    return d if threshold is None else np.where(beta * z > threshold, 1.0, d)


def softplus_derivative_from_a(a, beta=1.0):
    return -np.expm1(-beta * _f64(a))


def log_sigmoid(z):
    z = _f64(z)
    return np.minimum(z, 0) - _log1p_exp_neg_abs(z)


def log_sigmoid_derivative(z):
    return _logistic(-_f64(z))


def log_sigmoid_derivative_from_a(a):
    return -np.expm1(_f64(a))


# Both smooth: <= 2 ULP compiled.  Measured at the defaults over every float32
# (tests/c/run_ulp_sweep.sh, docs/accuracy.md), against the unrounded value as the
# tests here measure: value 1.51, derivative 1.48, from-a 1.08 (2, 1, 1 against
# the correctly rounded result); float64 sampled 1, 1, 1.  The keys are shared
# with the beta != 1 parameter sets (s = beta z rounded first), hence 2 here.
# The fallback: NumPy's own exp/log1p composition.
_SMOOTH = dict(
    ulp={("float32", "value"): 2.0, ("float64", "value"): 2.0,
         ("float32", "derivative"): 2.0, ("float64", "derivative"): 2.0,
         ("float32", "from_a"): 2.0, ("float64", "from_a"): 2.0},
    ulp_fallback={("float32", "value"): 3.0, ("float64", "value"): 3.0,
                  ("float32", "derivative"): 4.0, ("float64", "derivative"): 4.0,
                  ("float32", "from_a"): 2.0, ("float64", "from_a"): 2.0},
)

register(
    Oracle(
        "softplus", softplus, softplus_derivative, softplus_derivative_from_a,
        mp_value=lambda mp, x, beta=1.0: mp.log1p(mp.exp(beta * x)) / beta,
        mp_derivative=lambda mp, x, beta=1.0: 1 / (1 + mp.exp(-beta * x)),
        mp_derivative_from_a=lambda mp, a, beta=1.0: -mp.expm1(-beta * a),
        z_range=(-20.0, 20.0), a_range=(0.0, INF), limits=(0.0, INF), d_limits=(0.0, 1.0),
        max_abs_derivative=1.0, monotonic=True,
        param_sets=({"beta": 2.0}, {"beta": 0.5}, {"beta": 3.0, "threshold": 20.0},
                    {"threshold": 20.0}, {"threshold": 5.0}),
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
)
