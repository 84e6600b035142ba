"""NaN in gives NaN out, infinities give the limits, the kink conventions, and no
RuntimeWarning or floating-point error for any input."""
from __future__ import annotations

import numpy as np
import pytest

import reference as ref

NAMES = ref.NAMES
ALL_Z_FUNCS = [n + s for n in NAMES for s in ("", "_derivative")]


def _specials(dtype):
    fi = np.finfo(dtype)
    return np.array([np.nan, -np.nan, np.inf, -np.inf, 0.0, -0.0, fi.max, -fi.max,
                     fi.smallest_subnormal, -fi.smallest_subnormal, fi.tiny, -fi.tiny, 1e3, -1e3],
                    dtype=dtype)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_no_warning_no_fp_error_for_any_input(fa_level, dtype):
    z = _specials(dtype)
    grad = np.array([np.inf, np.nan, -np.inf, 0.0, 1.0, -1.0, 2.0] * 2, dtype=dtype)
    with np.errstate(all="raise"):  # any leaked FP flag would raise FloatingPointError
        for name in NAMES:
            for suffix in ("", "_derivative", "_derivative_from_a", "_and_derivative"):
                getattr(fa_level, name + suffix)(z)
            getattr(fa_level, name + "_backward")(grad, z)
            getattr(fa_level, name + "_backward_from_a")(grad, z)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_nan_in_nan_out(fa_level, dtype):
    z = np.array([np.nan, -np.nan, np.float64("nan") * 0], dtype=dtype)
    # NaNs with payloads and sign bits
    bits = np.array([0x7FC00001, 0xFFC12345, 0x7F800001], dtype=np.uint32).view(np.float32)
    with np.errstate(invalid="ignore"):  # converting the signalling NaN flags "invalid"
        payloads = bits.astype(dtype)
    for zz in (z, payloads, bits):
        for name in NAMES:
            for suffix in ("", "_derivative", "_derivative_from_a"):
                r = getattr(fa_level, name + suffix)(zz)
                assert np.all(np.isnan(r)), (name + suffix, r)
            a, d = getattr(fa_level, name + "_and_derivative")(zz)
            assert np.all(np.isnan(a)) and np.all(np.isnan(d))
            assert np.all(np.isnan(getattr(fa_level, name + "_backward")(np.ones_like(zz), zz)))
            assert np.all(np.isnan(getattr(fa_level, name + "_backward")(zz, np.ones_like(zz))))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_infinities_give_the_limits(fa_level, dtype):
    z = np.array([-np.inf, np.inf], dtype=dtype)
    expect = {
        "sigmoid": ([0, 1], [0, 0]),
        "tanh": ([-1, 1], [0, 0]),
        "relu": ([0, np.inf], [0, 1]),
        "leaky_relu": ([-np.inf, np.inf], [0.01, 1]),
    }
    for name, (a_exp, d_exp) in expect.items():
        a, d = getattr(fa_level, name + "_and_derivative")(z)
        np.testing.assert_array_equal(a, np.array(a_exp, dtype))
        np.testing.assert_array_equal(d, np.array(d_exp, dtype))
    # saturation: finite but huge arguments reach the limits too
    big = np.array([-np.finfo(dtype).max, np.finfo(dtype).max], dtype=dtype)
    np.testing.assert_array_equal(fa_level.sigmoid(big), [0, 1])
    np.testing.assert_array_equal(fa_level.tanh(big), [-1, 1])
    np.testing.assert_array_equal(fa_level.tanh_derivative(big), [0, 0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_specials_against_reference(fa_level, dtype):
    z = _specials(dtype)
    for name in NAMES:
        ref.assert_ulp(getattr(fa_level, name)(z), ref.VALUE[name](z), dtype, 4, name)
        ref.assert_ulp(getattr(fa_level, name + "_derivative")(z), ref.DERIVATIVE[name](z),
                       dtype, 4, name + "_derivative")


def test_kink_defaults_match_pytorch(fa):
    z = np.array([-0.0, 0.0])
    np.testing.assert_array_equal(fa.relu_derivative(z), [0.0, 0.0])
    np.testing.assert_array_equal(fa.leaky_relu_derivative(z), [0.01, 0.01])
    np.testing.assert_array_equal(fa.leaky_relu_derivative(z, alpha=0.3), [0.3, 0.3])
    np.testing.assert_array_equal(fa.relu_and_derivative(z)[1], [0.0, 0.0])
    np.testing.assert_array_equal(fa.relu_backward([2.0, 2.0], z), [0.0, 0.0])
    np.testing.assert_array_equal(fa.leaky_relu_backward([2.0, 2.0], z), [0.02, 0.02])
    np.testing.assert_array_equal(fa.leaky_relu_derivative_from_a(z), [0.01, 0.01])
    np.testing.assert_array_equal(fa.relu_derivative_from_a(z), [0.0, 0.0])
    # the values themselves: relu(-0.0) is +0.0
    assert np.signbit(fa.relu(-0.0)) == False  # noqa: E712


@pytest.mark.parametrize("at_zero", [1.0, 0.5, 0.0])
def test_at_zero_override(fa, at_zero):
    z = np.array([-1.0, -0.0, 0.0, 1.0], dtype=np.float32)
    expect = np.array([0.0, at_zero, at_zero, 1.0], dtype=np.float32)
    np.testing.assert_array_equal(fa.relu_derivative(z, at_zero=at_zero), expect)
    np.testing.assert_array_equal(fa.relu_and_derivative(z, at_zero=at_zero)[1], expect)
    np.testing.assert_array_equal(fa.relu_backward(np.full(4, 2, np.float32), z, at_zero=at_zero),
                                  2 * expect)
    lk = np.array([0.01, at_zero, at_zero, 1.0], dtype=np.float32)
    np.testing.assert_array_equal(fa.leaky_relu_derivative(z, at_zero=at_zero), lk)
    np.testing.assert_array_equal(fa.leaky_relu_and_derivative(z, at_zero=at_zero)[1], lk)
    np.testing.assert_array_equal(fa.leaky_relu_backward(np.ones(4, np.float32), z,
                                                         at_zero=at_zero), lk)
    np.testing.assert_array_equal(fa.leaky_relu_derivative_from_a(z, at_zero=at_zero), lk)
