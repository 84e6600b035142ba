"""Array-likes, shapes, layouts and dtypes, the same in both backends."""
from __future__ import annotations

import numpy as np
import pytest

from oracles import ORACLES
from oracles import support as s

NAMES = list(ORACLES)


def _value(name, z):
    return s.reference(ORACLES[name], "value", z)


def _derivative(name, z):
    return s.reference(ORACLES[name], "derivative", z)


def _one_input_ops(name):
    return [op for op in s.ops(name) if s.nin(op) == 1 and s.nout(op) == 1]


@pytest.mark.parametrize("name", NAMES)
def test_python_scalars_lists_and_0d(fa, name):
    fn = s.bound(fa, name, "value")
    for x in (2, 2.0, np.float64(2.0), np.array(2.0)):
        r = fn(x)
        assert isinstance(r, np.float64) and np.ndim(r) == 0, (x, type(r))
        np.testing.assert_allclose(r, _value(name, 2.0), rtol=1e-15)
    r32 = fn(np.float32(-1.5))
    assert isinstance(r32, np.float32)
    r = fn([[-1, 0], [1, 2]])
    assert isinstance(r, np.ndarray) and r.dtype == np.float64 and r.shape == (2, 2)
    np.testing.assert_allclose(r, _value(name, np.array([[-1, 0], [1, 2]])), rtol=1e-15)
    a, d = s.bound(fa, name, "and_derivative")(np.float32(0.5))
    assert isinstance(a, np.float32) and isinstance(d, np.float32)


@pytest.mark.parametrize("shape", [(0,), (0, 3), (5,), (2, 3, 4), (1, 1, 1, 7)])
@pytest.mark.parametrize("name", NAMES)
def test_shapes(fa, name, shape):
    z = np.linspace(-4, 4, int(np.prod(shape))).reshape(shape)
    for op in _one_input_ops(name):
        r = s.bound(fa, name, op)(z)
        assert r.shape == shape
    a, d = s.bound(fa, name, "and_derivative")(z)
    assert a.shape == d.shape == shape
    np.testing.assert_allclose(a, _value(name, z), rtol=1e-14, atol=0)


@pytest.mark.parametrize("name", NAMES)
def test_layouts(fa, name):
    base = np.linspace(-6, 6, 2 * 3 * 50).reshape(6, 50)
    views = {
        "strided": base[:, ::3],
        "negative": base[::-1, ::-2],
        "fortran": np.asfortranarray(base),
        "transposed": base.T,
        "big-endian": base.astype(">f8"),
        "misaligned": np.frombuffer(b"\0" + base.astype("<f8").tobytes(), dtype="<f8",
                                    offset=1).reshape(6, 50),
    }
    for label, z in views.items():
        expected = _value(name, np.array(z, dtype=np.float64))
        got = s.bound(fa, name, "value")(z)
        assert got.shape == z.shape, label
        np.testing.assert_allclose(got, expected, rtol=1e-14, err_msg=label)
        a, d = s.bound(fa, name, "and_derivative")(z)
        np.testing.assert_allclose(d, _derivative(name, np.array(z, np.float64)), rtol=1e-14,
                                   err_msg=label)
        g = s.bound(fa, name, "backward")(z, z)  # grad and z both strided
        np.testing.assert_allclose(g, np.array(z, np.float64) * d, rtol=1e-15, err_msg=label)


@pytest.mark.parametrize("dtype,expected", [
    (np.float16, np.float16), (np.float32, np.float32), (np.float64, np.float64),
    (np.int8, np.float64), (np.uint8, np.float64), (np.int16, np.float64),
    (np.int32, np.float64), (np.uint32, np.float64), (np.int64, np.float64),
    (np.uint64, np.float64), (np.bool_, np.float64),
])
@pytest.mark.parametrize("name", NAMES)
def test_dtype_rules(fa, name, dtype, expected):
    z = np.array([0, 1, 1, 0, 1], dtype=dtype) if dtype == np.bool_ else \
        np.array([-3, -1, 0, 1, 5], dtype=dtype) if np.dtype(dtype).kind != "u" else \
        np.array([0, 1, 2, 3, 200], dtype=dtype)
    for op in _one_input_ops(name):
        r = s.bound(fa, name, op)(z)
        assert r.dtype == expected, (op, r.dtype)
    a, d = s.bound(fa, name, "and_derivative")(z)
    assert a.dtype == d.dtype == expected
    assert s.bound(fa, name, "backward")(z, z).dtype == expected
    tol = {np.float16: 1e-3, np.float32: 3e-7}.get(expected, 1e-15)
    np.testing.assert_allclose(a, _value(name, z.astype(np.float64)), rtol=tol, atol=tol * 1e-3)
    np.testing.assert_allclose(d, _derivative(name, z.astype(np.float64)), rtol=tol,
                               atol=tol * 1e-3)


def test_scalar_alpha_keeps_float32(fa):
    z = np.array([-2.0, 3.0], dtype=np.float32)
    for alpha in (0.2, np.float64(0.2), np.array(0.2), np.float32(0.2)):
        r = fa.leaky_relu(z, alpha=alpha)
        assert r.dtype == np.float32, type(alpha)
        np.testing.assert_allclose(r, [np.float32(-0.4), 3.0], rtol=1e-7)
        assert fa.leaky_relu_derivative(z, alpha=alpha).dtype == np.float32
        assert fa.leaky_relu_backward(z, z, alpha=alpha).dtype == np.float32
    assert fa.relu_derivative(z, at_zero=np.float64(1.0)).dtype == np.float32
    np.testing.assert_array_equal(fa.leaky_relu(z, alpha=2), [-4.0, 3.0])  # int alpha


def test_mixed_dtypes_promote_like_numpy(fa):
    g32 = np.ones(3, np.float32)
    z64 = np.zeros(3)
    assert fa.sigmoid_backward(g32, z64).dtype == np.float64
    assert fa.sigmoid_backward(np.ones(3, np.int8), np.zeros(3, np.float32)).dtype == np.float32
    assert fa.sigmoid_backward(1.0, np.zeros(3, np.float32)).dtype == np.float32
    assert fa.sigmoid_backward(np.ones(3, np.int64), np.zeros(3, np.int64)).dtype == np.float64


def test_backward_broadcasts(fa):
    grad = np.arange(1.0, 4.0).reshape(3, 1)
    z = np.linspace(-1, 1, 4)
    for name in NAMES:
        r = s.bound(fa, name, "backward")(grad, z)
        assert r.shape == (3, 4)
        np.testing.assert_allclose(r, grad * _derivative(name, z), rtol=1e-14)
        if s.has_from_a(name):
            a = s.bound(fa, name, "value")(z)
            np.testing.assert_allclose(s.bound(fa, name, "backward_from_a")(grad, a),
                                       grad * s.bound(fa, name, "derivative_from_a")(a),
                                       rtol=1e-15)


def test_read_only_input_is_fine_and_inputs_untouched(fa):
    z = np.linspace(-5, 5, 101)
    z.flags.writeable = False
    keep = z.copy()
    grad = np.linspace(1, 2, 101)
    grad_keep = grad.copy()
    for name in NAMES:
        for op in s.ops(name):
            s.call(fa, name, op, z, grad)
    np.testing.assert_array_equal(z, keep)
    np.testing.assert_array_equal(grad, grad_keep)


def test_large_array_crosses_block_boundaries(fa):
    # strided and float16 input take the blocked path; sizes around block edges
    for n in (255, 256, 257, 1000, 4099):
        z = np.linspace(-9, 9, 2 * n)[::2]
        np.testing.assert_allclose(fa.tanh(z), np.tanh(z), rtol=1e-14)
        z16 = z.astype(np.float16)
        np.testing.assert_allclose(fa.sigmoid(z16).astype(np.float64), _value("sigmoid", z16),
                                   rtol=2e-3)
