"""Independent float64 references: the lesson's formulas in their numerically
stable form, written here from the maths, not imported from fastact."""
from __future__ import annotations

import numpy as np

ALPHA = 0.01


def _f64(z):
    return np.asarray(z, dtype=np.float64)


def sigmoid(z):
    z = _f64(z)
    with np.errstate(all="ignore"):
        e = np.exp(-np.abs(z))
        return np.where(z > 0, 1 / (1 + e), e / (1 + e))


def sigmoid_derivative(z):
    z = _f64(z)
    with np.errstate(all="ignore"):
        e = np.exp(-np.abs(z))
        return e / (1 + e) ** 2


def tanh(z):
    return np.tanh(_f64(z))


def tanh_derivative(z):
    z = _f64(z)
    with np.errstate(all="ignore"):
        e = np.exp(-2 * np.abs(z))
        return 4 * e / (1 + e) ** 2


def relu(z):
    z = _f64(z)
    return np.where(np.isnan(z), z, np.where(z > 0, z, 0.0))


def relu_derivative(z, at_zero=0.0):
    z = _f64(z)
    return np.where(np.isnan(z), z, np.where(z > 0, 1.0, np.where(z < 0, 0.0, at_zero)))


def leaky_relu(z, alpha=ALPHA):
    z = _f64(z)
    with np.errstate(all="ignore"):
        return np.where(z > 0, z, alpha * z)


def leaky_relu_derivative(z, alpha=ALPHA, at_zero=None):
    z = _f64(z)
    k = alpha if at_zero is None else at_zero
    return np.where(np.isnan(z), z, np.where(z > 0, 1.0, np.where(z < 0, alpha, k)))


# derivative from the output a: the lesson's formulas evaluated exactly on the
# given a (rational arithmetic), then rounded once to float64.
def _exact(a, formula):
    from fractions import Fraction
    a = np.asarray(a)
    flat = [float(formula(Fraction(float(x)))) if np.isfinite(x) else formula(float(x))
            for x in a.ravel()]
    return np.array(flat, dtype=np.float64).reshape(a.shape)


def sigmoid_derivative_from_a(a):
    return _exact(a, lambda x: x * (1 - x))


def tanh_derivative_from_a(a):
    return _exact(a, lambda x: 1 - x * x)


def relu_derivative_from_a(a):
    a = _f64(a)
    return np.where(np.isnan(a), a, np.where(a > 0, 1.0, 0.0))


def leaky_relu_derivative_from_a(a, alpha=ALPHA, at_zero=None):
    return leaky_relu_derivative(a, alpha, at_zero)


VALUE = {"sigmoid": sigmoid, "tanh": tanh, "relu": relu, "leaky_relu": leaky_relu}
DERIVATIVE = {"sigmoid": sigmoid_derivative, "tanh": tanh_derivative,
              "relu": relu_derivative, "leaky_relu": leaky_relu_derivative}
DERIVATIVE_FROM_A = {"sigmoid": sigmoid_derivative_from_a, "tanh": tanh_derivative_from_a,
                     "relu": relu_derivative_from_a,
                     "leaky_relu": leaky_relu_derivative_from_a}
NAMES = tuple(VALUE)


def ulp_error(got, ref, dtype):
    """|got - ref| in units of the spacing of `dtype` at ref (the smallest
    subnormal spacing near zero); NaN matching NaN counts 0, a NaN or inf
    mismatch counts inf."""
    dtype = np.dtype(dtype)
    got = np.asarray(got, dtype=np.float64)
    ref = np.asarray(ref, dtype=np.float64)
    ref_r = ref.astype(dtype).astype(np.float64)  # reference rounded to the format
    tiny = np.finfo(dtype).smallest_subnormal
    with np.errstate(all="ignore"):
        spacing = np.maximum(np.abs(np.spacing(ref_r.astype(dtype))).astype(np.float64), tiny)
        err = np.abs(got - ref) / spacing
    both_nan = np.isnan(got) & np.isnan(ref)
    same_inf = np.isinf(got) & (got == ref)
    err = np.where(both_nan | same_inf, 0.0, err)
    err = np.where(np.isnan(err), np.inf, err)
    return err


def assert_ulp(got, ref, dtype, max_ulp, what=""):
    err = ulp_error(got, ref, dtype)
    if err.size and err.max() > max_ulp:
        i = int(np.argmax(err))
        raise AssertionError(f"{what}: max error {err.max():.3g} ULP > {max_ulp} at index {i}: "
                             f"got {np.ravel(got)[i]!r}, reference {np.ravel(ref)[i]!r}")


# -- the shape of a public function's call, from its name (for tests over all of them)

def nin(name):
    """Data inputs of the public function `name`: 2 for the backward ones."""
    return 2 if "_backward" in name else 1


def nout(name):
    """Outputs of the public function `name`: 2 for the fused ones."""
    return 2 if name.endswith("_and_derivative") else 1


def params(name):
    """The parameters (alpha, at_zero) the public function `name` takes."""
    from fastact import _catalogue
    return next(act.params(op) for act in _catalogue.ACTIVATIONS for op in _catalogue.OPS
                if _catalogue.public_name(act, op) == name)
