"""An a outside the activation's range (a not in [0, 1] for sigmoid, not in
[-1, 1] for tanh) through the _from_a functions: the formula as written, like
torch's sigmoid_backward / tanh_backward: a(1 - a) and 1 - a^2, so a = +-inf
gives -inf.  Both backends, every SIMD level, against exact rational arithmetic
rounded once."""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

import reference as ref
from oracles import support as s

FLOATS = [np.float16, np.float32, np.float64]
ALPHA = ref.ALPHA
OUTSIDE = {
    "sigmoid": [2.0, -3.0, 1.5, 1.25, 7.0, -0.5, -1e-30, 1e30, -1e30, 1e300],
    "tanh": [2.0, -3.0, 1.5, -1.25, 7.0, 1e30, -1e30, 1e300],
}
FORMULA = {"sigmoid": lambda a: a * (1 - a), "tanh": lambda a: 1 - a * a}


def _exact(name, a):
    """The formula in rational arithmetic, rounded once to float64 (beyond
    float64's range: -inf, the sign every value here has there)."""
    def one(x):
        try:
            return float(FORMULA[name](Fraction(float(x))))
        except OverflowError:
            return -np.inf
    return np.array([one(x) for x in a.ravel()]).reshape(a.shape)


def _outside(name, dtype):
    with np.errstate(over="ignore"):  # 1e300 is inf in float16/32: another inf case
        return np.array(OUTSIDE[name], dtype=dtype)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
def test_infinite_a_gives_minus_inf(fa_level, name, dtype):
    a = np.array([np.inf, -np.inf], dtype)
    d = s.bound(fa_level, name, "derivative_from_a")(a)
    assert d.dtype == np.dtype(dtype)
    assert d.tolist() == [-np.inf, -np.inf]
    # backward: grad * -inf, IEEE (grad = 0 gives NaN, quietly)
    backward = s.bound(fa_level, name, "backward_from_a")
    grad = np.array([2.0, -0.5, 0.0], dtype)
    for v in (np.inf, -np.inf):
        got = backward(grad, np.full(3, v, dtype))
        assert got[:2].tolist() == [-np.inf, np.inf] and np.isnan(got[2])


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
def test_finite_a_outside_the_range_is_the_formula(fa_level, name, dtype):
    a = _outside(name, dtype)
    with np.errstate(over="ignore"):  # beyond float16/32's range: -inf
        want = _exact(name, a).astype(dtype)
    for got in (s.bound(fa_level, name, "derivative_from_a")(a),
                s.bound(fa_level, name, "backward_from_a")(np.ones_like(a), a)):
        assert got.dtype == np.dtype(dtype)
        # the documented bound of every backend and level for *_from_a
        ref.assert_ulp(got, want, dtype, 1, f"{name}_derivative_from_a{a.tolist()}")


def test_the_formula_values_spelled_out(fa_level):
    """A few by hand, independent of any helper."""
    a = np.array([2.0, -3.0, 1.5])
    assert fa_level.sigmoid_derivative_from_a(a).tolist() == [-2.0, -12.0, -0.75]
    assert fa_level.tanh_derivative_from_a(a).tolist() == [-3.0, -8.0, -1.25]


@pytest.mark.parametrize("dtype", FLOATS)
def test_relu_and_leaky_from_a_at_infinity_are_the_limits(fa_level, dtype):
    """relu: a = +inf comes from z > 0 (slope 1), a = -inf from no z at all but
    a <= 0 means slope 0; leaky_relu: +inf -> 1, -inf -> alpha."""
    a = np.array([np.inf, -np.inf], dtype)
    grad = np.array([3.0, 3.0], dtype)
    al = float(np.asarray(ALPHA, dtype))
    assert fa_level.relu_derivative_from_a(a).tolist() == [1.0, 0.0]
    assert fa_level.relu_backward_from_a(grad, a).tolist() == [3.0, 0.0]
    assert fa_level.leaky_relu_derivative_from_a(a).tolist() == [1.0, al]
    assert fa_level.leaky_relu_backward_from_a(grad, a).tolist() == \
        [3.0, float(np.asarray(3 * np.asarray(al, dtype), dtype))]
    assert fa_level.leaky_relu_derivative_from_a(a, 0.5).tolist() == [1.0, 0.5]
