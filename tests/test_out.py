"""out= is honoured (also in place); bad out arrays fail before anything is written."""
from __future__ import annotations

import numpy as np
import pytest

import reference as ref
from oracles import support as s

NAMES = ref.NAMES


@pytest.mark.parametrize("name", NAMES)
def test_out_single(fa, name):
    z = np.linspace(-4, 4, 33)
    out = np.empty_like(z)
    r = s.bound(fa, name, "value")(z, out=out)
    assert r is out
    np.testing.assert_allclose(out, ref.VALUE[name](z), rtol=1e-15)
    out32 = np.empty(33, np.float32)  # same_kind cast float64 -> float32 is allowed
    s.bound(fa, name, "derivative")(z, out=out32)
    np.testing.assert_allclose(out32, ref.DERIVATIVE[name](z), rtol=1e-6)


@pytest.mark.parametrize("name", NAMES)
def test_out_fused_tuple(fa, name):
    z = np.linspace(-4, 4, 33, dtype=np.float32)
    a, d = np.empty_like(z), np.empty_like(z)
    ra, rd = s.bound(fa, name, "and_derivative")(z, out=(a, d))
    assert ra is a and rd is d
    np.testing.assert_array_equal(a, s.bound(fa, name, "value")(z))
    np.testing.assert_array_equal(d, s.bound(fa, name, "derivative")(z))


@pytest.mark.parametrize("name", NAMES)
def test_in_place(fa, name):
    z0 = np.linspace(-4, 4, 1001)
    expected_a = s.bound(fa, name, "value")(z0)
    expected_d = s.bound(fa, name, "derivative")(z0)
    for op, expected in (("value", expected_a), ("derivative", expected_d)):
        z = z0.copy()
        r = s.bound(fa, name, op)(z, out=z)
        assert r is z
        np.testing.assert_array_equal(z, expected)
    # fused: the value overwrites z, the derivative must still be computed from z
    z = z0.copy()
    d = np.empty_like(z)
    s.bound(fa, name, "and_derivative")(z, out=(z, d))
    np.testing.assert_array_equal(z, expected_a)
    np.testing.assert_array_equal(d, expected_d)
    z = z0.copy()
    a = np.empty_like(z)
    s.bound(fa, name, "and_derivative")(z, out=(a, z))
    np.testing.assert_array_equal(a, expected_a)
    np.testing.assert_array_equal(z, expected_d)
    # backward into the gradient buffer, and into z
    grad = np.linspace(1, 2, 1001)
    expected_g = grad * expected_d
    g = grad.copy()
    s.bound(fa, name, "backward")(g, z0, out=g)
    np.testing.assert_allclose(g, expected_g, rtol=1e-15)
    z = z0.copy()
    s.bound(fa, name, "backward")(grad, z, out=z)
    np.testing.assert_allclose(z, expected_g, rtol=1e-15)


def test_in_place_strided_and_float16(fa):
    z0 = np.linspace(-4, 4, 600)
    z = z0.copy()
    view = z[::3]
    fa.tanh(view, out=view)
    np.testing.assert_allclose(z[::3], np.tanh(z0[::3]), rtol=1e-15)
    np.testing.assert_array_equal(z[1::3], z0[1::3])  # untouched between the strides
    h = z0.astype(np.float16)
    fa.sigmoid(h, out=h)
    np.testing.assert_allclose(h, ref.sigmoid(z0.astype(np.float16)), rtol=1e-3)


@pytest.mark.parametrize("name", NAMES)
def test_bad_out_raises_before_writing(fa, name):
    z = np.linspace(-1, 1, 8)
    cases = [
        (ValueError, np.zeros(7)),                      # wrong shape
        (TypeError, np.zeros(8, dtype=np.int64)),        # float -> int is not same_kind
        (ValueError, np.zeros((2, 7))),                  # not a broadcast target
    ]
    ro = np.zeros(8)
    ro.flags.writeable = False
    cases.append((ValueError, ro))
    for exc, out in cases:
        before = out.copy()
        with pytest.raises(exc):
            s.bound(fa, name, "value")(z, out=out)
        np.testing.assert_array_equal(out, before)
    # fused: the second output is bad, the first must stay untouched
    good = np.full(8, 7.0)
    for exc, bad in cases:
        with pytest.raises(exc):
            s.bound(fa, name, "and_derivative")(z, out=(good, bad))
        np.testing.assert_array_equal(good, 7.0)
    with pytest.raises((ValueError, TypeError)):
        s.bound(fa, name, "and_derivative")(z, out=good)  # needs a tuple of two


@pytest.mark.parametrize("n", [8, 200_000])  # small, and large enough for blocked paths
def test_out_may_be_a_broadcast_target(fa, n):
    # ufunc semantics: inputs broadcast up to out's shape
    z = np.linspace(-1, 1, n)
    out = np.zeros((3, n))
    fa.tanh(z, out=out)
    np.testing.assert_allclose(out, np.broadcast_to(np.tanh(z), (3, n)), rtol=1e-15)
    a, d = np.zeros((2, n)), np.zeros((2, n))
    fa.sigmoid_and_derivative(z, out=(a, d))
    np.testing.assert_allclose(a, np.broadcast_to(ref.sigmoid(z), (2, n)), rtol=1e-14)
    np.testing.assert_allclose(d, np.broadcast_to(ref.sigmoid_derivative(z), (2, n)), rtol=1e-14)
