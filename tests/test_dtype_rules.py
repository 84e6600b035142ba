"""The result dtype is decided by the data inputs alone, on every NumPy >= 1.23
(not through NumPy 2's promotion, NEP 50): a parameter, scalar or array, is
converted to the computation dtype and never changes the result dtype; one it
cannot be converted to exactly enough is a ValueError naming it."""
from __future__ import annotations

import numpy as np
import pytest

import reference as ref

KINKED = ("relu", "leaky_relu")
OPS = ("", "_derivative", "_derivative_from_a", "_and_derivative", "_backward",
       "_backward_from_a")
F16, F32, F64 = np.float16, np.float32, np.float64


def _call(fa, name, x, **kw):
    return getattr(fa, name)(*(x,) * ref.nin(name), **kw)


def _reference(name, x, alpha=ref.ALPHA, at_zero=None):
    """float64 reference of every output of `name` at x, from tests/reference.py."""
    act = name.split("_derivative")[0].split("_backward")[0].split("_and")[0]
    a_kw = {"alpha": alpha} if act == "leaky_relu" else {}
    d_kw = dict(a_kw, at_zero=at_zero) if at_zero is not None or act == "leaky_relu" else {}
    if act == "relu" and at_zero is None:
        d_kw = {}
    x = np.float64(x)
    value = ref.VALUE[act](x, **a_kw)
    if name.endswith("_from_a"):
        d = ref.DERIVATIVE_FROM_A[act](x, **d_kw) if act != "relu" else \
            ref.DERIVATIVE_FROM_A[act](x)
    else:
        d = ref.DERIVATIVE[act](x, **d_kw)
    if name == act:
        return (value,)
    if name.endswith("_and_derivative"):
        return (value, d)
    return (x * d,) if "_backward" in name else (d,)


KWARGS = [{}, {"at_zero": 1.0}, {"at_zero": np.float64(0.5)}, {"alpha": 0.25},
          {"alpha": np.float64(0.25)}, {"alpha": 0.25, "at_zero": 1.0}]


@pytest.mark.parametrize("make", [lambda v, dt: dt(v), lambda v, dt: np.array(v, dt)],
                         ids=["scalar", "0d"])
@pytest.mark.parametrize("dtype", [F16, F32])
@pytest.mark.parametrize("name", [act + op for act in KINKED for op in OPS])
def test_scalar_float16_float32_keep_their_dtype(fa, name, dtype, make):
    # NumPy 1.x promoted these to float64 through the wrapper's Python-float
    # parameter (value-based casting with all-scalar inputs).
    accepted = ref.params(name)  # (bare ufuncs have no signature on NumPy 1.x)
    for kwargs in KWARGS:
        if not set(kwargs) <= set(accepted):
            continue
        for v in (-0.5, 0.0, 2.0):
            got = _call(fa, name, make(v, dtype), **kwargs)
            got = got if isinstance(got, tuple) else (got,)
            for g, r in zip(got, _reference(name, v, **kwargs)):
                assert isinstance(g, dtype), (name, kwargs, v, type(g))
                # parameters are computed in float32: round the reference there
                assert g == dtype(np.float32(r)), (name, kwargs, v, g, r)


@pytest.mark.parametrize("alpha_dtype", [F16, F32, F64, np.int8, np.int64])
@pytest.mark.parametrize("z_dtype,expected", [
    (F16, F16), (F32, F32), (F64, F64), (np.int8, F64), (np.uint16, F64), (np.bool_, F64)])
def test_array_alpha_never_changes_the_result_dtype(fa, z_dtype, expected, alpha_dtype):
    z = np.array([-3, -1, 0, 1, 2], dtype=z_dtype) if z_dtype not in (np.uint16, np.bool_) \
        else np.array([0, 1, 1, 0, 1], dtype=z_dtype)
    alpha = np.array([1, 2, 3, 1, 2], dtype=alpha_dtype) / (4 if alpha_dtype not in (
        np.int8, np.int64) else 1)
    alpha = alpha.astype(alpha_dtype)
    ct = F32 if expected in (F16, F32) else F64
    for op in OPS:
        if op.endswith("_from_a") and not np.all(alpha > 0):
            continue
        got = _call(fa, "leaky_relu" + op, z, alpha=alpha)
        got = got if isinstance(got, tuple) else (got,)
        for i, g in enumerate(got):
            assert g.dtype == expected, (op, g.dtype)
            # element by element: alpha in the computation dtype, result rounded once
            want = [_reference("leaky_relu" + op, zi, alpha=float(ct(ai)))[i]
                    for zi, ai in zip(z, alpha)]
            np.testing.assert_array_equal(g, np.array(want, ct).astype(expected), err_msg=op)


def test_data_promotion_decides_two_input_functions(fa):
    g16, z32 = np.ones(3, F16), np.array([-1.0, 0.0, 2.0], F32)
    assert fa.leaky_relu_backward(g16, z32, alpha=np.float64(0.5)).dtype == F32
    assert fa.relu_backward(g16, g16, at_zero=np.float64(1.0)).dtype == F16
    r = fa.leaky_relu_backward(np.ones(3, np.int8), z32, alpha=np.array([0.5, 0.5, 0.5]))
    assert r.dtype == F32
    np.testing.assert_array_equal(r, np.array([0.5, 0.5, 1.0], F32))


UNREPRESENTABLE_32 = [1e308, -1e308, 3.5e38, np.float64(1e300)]


@pytest.mark.parametrize("dtype", [F16, F32])
@pytest.mark.parametrize("alpha", UNREPRESENTABLE_32)
def test_alpha_beyond_float32_is_a_value_error(fa, dtype, alpha):
    z = np.array([0.0, -1.0], dtype)
    with np.errstate(all="raise"):
        for op in OPS:
            if op.endswith("_from_a") and alpha < 0:
                continue
            with pytest.raises(ValueError, match=r"alpha = .*not representable in float32"):
                _call(fa, "leaky_relu" + op, z, alpha=alpha)
            with pytest.raises(ValueError, match=r"alpha = .*not representable in float32"):
                _call(fa, "leaky_relu" + op, z, alpha=np.array([0.5, alpha]))
        for name in ("relu_derivative", "leaky_relu_and_derivative", "relu_backward"):
            with pytest.raises(ValueError, match=r"at_zero = .*not representable in float32"):
                _call(fa, name, z, at_zero=alpha)


def test_alpha_beyond_float32_is_fine_for_float64(fa):
    z = np.array([0.0, -1.0, 2.0])
    np.testing.assert_array_equal(fa.leaky_relu(z, alpha=1e308), [0.0, -1e308, 2.0])
    np.testing.assert_array_equal(fa.leaky_relu_derivative(z, alpha=1e308), [1e308, 1e308, 1])
    np.testing.assert_array_equal(fa.relu_derivative(z, at_zero=1e308), [1e308, 0, 1])
    np.testing.assert_array_equal(fa.leaky_relu(z.astype(np.int8), alpha=1e308),
                                  [0.0, -1e308, 2.0])


def test_from_a_alpha_rounding_to_zero_in_float32(fa):
    a = np.array([-1.0, 2.0], F32)
    for name in ("leaky_relu_derivative_from_a", "leaky_relu_backward_from_a"):
        with pytest.raises(ValueError, match=r"alpha = 1e-300 rounds to 0 in float32"):
            _call(fa, name, a, alpha=1e-300)
        with pytest.raises(ValueError, match=r"alpha .*rounds to 0"):
            _call(fa, name, a, alpha=np.array([0.5, 1e-300]))
    # a float32 subnormal is still > 0, and float64 data keeps 1e-300 exactly
    np.testing.assert_array_equal(fa.leaky_relu_derivative_from_a(a, alpha=1e-40),
                                  np.array([1e-40, 1.0], F32))
    np.testing.assert_array_equal(fa.leaky_relu_derivative_from_a(a.astype(F64), alpha=1e-300),
                                  [1e-300, 1.0])


@pytest.mark.parametrize("value", [10**400, -10**400])
def test_huge_int_parameters_are_value_errors(fa, value):
    z = np.zeros(2)
    with pytest.raises(ValueError, match=r"alpha must be finite, got -?1e\+400"):
        fa.leaky_relu(z, alpha=value)
    with pytest.raises(ValueError, match=r"alpha must be finite"):
        fa.leaky_relu(z, value)
    with pytest.raises(ValueError, match=r"at_zero must be finite, got -?1e\+400"):
        fa.relu_derivative(z, at_zero=value)
    with pytest.raises(ValueError, match=r"at_zero must be finite"):
        fa.leaky_relu_backward(z, z, at_zero=value)
