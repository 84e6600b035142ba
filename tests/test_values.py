"""Every function's values against the float64 references, on both backends and
on every SIMD level the CPU runs."""
from __future__ import annotations

import numpy as np
import pytest

import reference as ref

NAMES = ref.NAMES
# Budgets in ULP of the output format.  The references are float64; for float64
# outputs they carry rounding error of their own, hence the margin there.
# The compiled kernels with FMA (avx2, avx512, ARM) are held to the accuracy
# targets; the baseline x86-64 level has no FMA for the error-free residuals and
# the NumPy fallback composes NumPy's own functions: both are looser.
MAX_ULP = {np.float32: 2.0, np.float64: 4.0}
LOOSE_MAX_ULP = {np.float32: 4.0, np.float64: 8.0}


def _has_fma_level(fa):
    if fa.BACKEND != "c":
        return False
    from fastact import _backends, _config
    return _backends.compiled_module().get_level() in _config.fma_levels()


def _budget(fa, dtype):
    return (MAX_ULP if _has_fma_level(fa) else LOOSE_MAX_ULP)[dtype]


def _grid(dtype):
    """Dense around 0, out to the saturation points and beyond, both signs."""
    lin = np.linspace(-12, 12, 4001)
    big = np.geomspace(1e-30, 700 if dtype == np.float64 else 80, 400)
    z = np.concatenate([lin, big, -big, [0.0, -0.0]])
    return z.astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", NAMES)
def test_value_and_derivative(fa_level, name, dtype):
    z = _grid(dtype)
    budget = _budget(fa_level, dtype)
    a = getattr(fa_level, name)(z)
    d = getattr(fa_level, name + "_derivative")(z)
    assert a.dtype == dtype and d.dtype == dtype
    ref.assert_ulp(a, ref.VALUE[name](z), dtype, budget, name)
    ref.assert_ulp(d, ref.DERIVATIVE[name](z), dtype, budget, name + "_derivative")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", NAMES)
def test_fused_and_backward_match_separate(fa_level, name, dtype):
    z = _grid(dtype)
    a, d = getattr(fa_level, name + "_and_derivative")(z)
    # one pass, same bits as the separate functions
    np.testing.assert_array_equal(a, getattr(fa_level, name)(z))
    np.testing.assert_array_equal(d, getattr(fa_level, name + "_derivative")(z))
    grad = np.linspace(-3, 3, z.size).astype(dtype)
    g = getattr(fa_level, name + "_backward")(grad, z)
    assert g.dtype == dtype
    ref.assert_ulp(g, grad.astype(np.float64) * d.astype(np.float64), dtype, 0.5,
                   name + "_backward vs grad * derivative")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", NAMES)
def test_from_a(fa_level, name, dtype):
    z = _grid(dtype)
    a = getattr(fa_level, name)(z)
    d = getattr(fa_level, name + "_derivative_from_a")(a)
    assert d.dtype == dtype
    # the lesson's formula evaluated exactly on the given a, rounded once
    budget = 1.0 if _has_fma_level(fa_level) else 2.0
    ref.assert_ulp(d, ref.DERIVATIVE_FROM_A[name](a), dtype, budget, name + "_derivative_from_a")
    grad = np.full_like(a, 2.0)
    ref.assert_ulp(getattr(fa_level, name + "_backward_from_a")(grad, a),
                   2.0 * d.astype(np.float64), dtype, 0.5, name + "_backward_from_a")


@pytest.mark.parametrize("name", NAMES)
def test_from_a_agrees_with_from_z_away_from_tails(fa, name):
    z = np.linspace(-3, 3, 601)
    a = getattr(fa, name)(z)
    np.testing.assert_allclose(getattr(fa, name + "_derivative_from_a")(a),
                               getattr(fa, name + "_derivative")(z), rtol=1e-12, atol=1e-15)


def test_lesson_key_points(fa):
    # the lesson's verification table: values at z = -10, 0, 10
    z = np.array([-10.0, 0.0, 10.0])
    np.testing.assert_allclose(fa.sigmoid_derivative(z), ref.sigmoid_derivative(z), rtol=1e-15)
    assert fa.sigmoid_derivative(0.0) == 0.25
    assert fa.tanh_derivative(0.0) == 1.0
    assert fa.sigmoid(0.0) == 0.5
    assert fa.tanh(0.0) == 0.0


def test_sigmoid_tails_keep_relative_precision(fa):
    # where a(1-a) would give 0, sigma'(z) = sigma(z) sigma(-z) keeps every digit
    z = np.array([40.0, -40.0, 700.0, -700.0])
    d = fa.sigmoid_derivative(z)
    ref.assert_ulp(d, ref.sigmoid_derivative(z), np.float64, 4.0, "sigmoid' tails")
    assert np.all(d > 0)
    ref.assert_ulp(fa.sigmoid(-700.0), ref.sigmoid(-700.0), np.float64, 4.0, "sigmoid(-700)")


@pytest.mark.parametrize("alpha", [0.01, 0.2, 1.0, 0.0, -0.5, 3.0])
def test_leaky_relu_alpha(fa_level, alpha):
    z = _grid(np.float64)
    ref.assert_ulp(fa_level.leaky_relu(z, alpha=alpha), ref.leaky_relu(z, alpha), np.float64,
                   0.5, f"leaky_relu alpha={alpha}")
    ref.assert_ulp(fa_level.leaky_relu_derivative(z, alpha=alpha),
                   ref.leaky_relu_derivative(z, alpha), np.float64, 0.0, "leaky'")
    # positional alpha, as in the lesson's signature
    np.testing.assert_array_equal(fa_level.leaky_relu(z, alpha), fa_level.leaky_relu(z, alpha=alpha))


def test_leaky_relu_alpha_zero_is_relu(fa):
    z = np.array([-np.inf, -1.0, -0.0, 0.0, 2.0, np.inf])
    np.testing.assert_array_equal(fa.leaky_relu(z, alpha=0.0), fa.relu(z))


def test_array_alpha_broadcasts(fa):
    z = np.array([[-1.0, 2.0], [-3.0, 4.0]])
    alpha = np.array([0.1, 0.5])
    np.testing.assert_allclose(fa.leaky_relu(z, alpha=alpha), np.where(z > 0, z, alpha * z))
    np.testing.assert_allclose(fa.leaky_relu_derivative(z, alpha=alpha),
                               np.where(z > 0, 1.0, alpha * np.ones_like(z)))


def test_float16_computed_in_float32(fa):
    z = np.linspace(-8, 8, 257).astype(np.float16)
    for name in NAMES:
        a, d = getattr(fa, name + "_and_derivative")(z)
        assert a.dtype == np.float16 and d.dtype == np.float16
        ref.assert_ulp(a, ref.VALUE[name](z), np.float16, 1.0, name + " float16")
        ref.assert_ulp(d, ref.DERIVATIVE[name](z), np.float16, 1.0, name + "' float16")
