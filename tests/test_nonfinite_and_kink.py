"""NaN in gives NaN out, infinities give the oracles' limits, the kink
conventions, and no RuntimeWarning or floating-point error for any input, for
every oracle (tests/oracles/) and parameter set."""
from __future__ import annotations

import numpy as np
import pytest

from oracles import ORACLES
from oracles import support as s


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
        for name in ORACLES:
            for op in s.ops(name):
                for params in s.param_cases(name, op):
                    # the functions of a get every z too: out of range a is quiet
                    s.call(fa_level, name, op, z, grad, **params)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_nan_in_nan_out(fa_level, dtype):
    z = np.array([np.nan, -np.nan, np.float64("nan") * 0], dtype=dtype)
    # NaNs with payloads and sign bits
    bits = np.array([0x7FC00001, 0xFFC12345, 0x7F800001], dtype=np.uint32).view(np.float32)
    with np.errstate(invalid="ignore"):  # converting the signalling NaN flags "invalid"
        payloads = bits.astype(dtype)
    for zz in (z, payloads, bits):
        for name in ORACLES:
            for op in s.ops(name):
                for params in s.param_cases(name, op):
                    out = s.call(fa_level, name, op, zz, **params)
                    for r in (out if isinstance(out, tuple) else (out,)):
                        assert np.all(np.isnan(r)), (name, op, params, r)
                    if s.nin(op) == 2:   # a NaN gradient too
                        r = s.call(fa_level, name, op, np.ones_like(zz), zz, **params)
                        assert np.all(np.isnan(r)), (name, op, params, r)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name,params", s.cases())
def test_infinities_give_the_limits(fa_level, name, params, dtype):
    o = ORACLES[name]
    kp = s.in_compute_dtype(name, params, dtype)
    lim = o.value_limits(kp)
    d_lim = o.derivative_limits(kp)
    z = np.array([-np.inf, np.inf], dtype=dtype)
    a, d = s.call(fa_level, name, "and_derivative", z, **params)
    np.testing.assert_array_equal(a, np.array(lim, dtype))
    np.testing.assert_array_equal(d, np.array(d_lim, dtype))
    # saturation: finite but huge arguments reach the finite limits (where g's
    # tails are exponential: o.saturates), and g' its limits, too
    big = np.array([-np.finfo(dtype).max, np.finfo(dtype).max], dtype=dtype)
    a, d = s.call(fa_level, name, "and_derivative", big, **params)
    finite = np.isfinite(lim) & o.saturates
    np.testing.assert_array_equal(a[finite], np.array(lim, dtype)[finite])
    np.testing.assert_array_equal(d, np.array(d_lim, dtype))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_specials_against_reference(fa_level, dtype):
    z = _specials(dtype)
    for name, o in ORACLES.items():
        for kind in ("value", "derivative"):
            s.assert_ulp(s.bound(fa_level, name, kind)(z), s.reference(o, kind, z), dtype, 4,
                         f"{name} {kind}")


def test_kink_defaults_match_pytorch(fa):
    """The kink conventions are the oracles' (PyTorch's: relu'(0) = 0,
    leaky_relu'(0) = alpha), with the defaults and every parameter set, in
    float64 and float32, from z and (where g has from-a ops) from a."""
    for name, o in ORACLES.items():
        for params in s.param_cases(name):
            for dtype in (np.float64, np.float32):
                k = s.kinks(name, params)
                z = np.array([-0.0, 0.0] * len(k), dtype) + np.repeat(k, 2)
                z = z.astype(dtype)
                want = s.reference(o, "derivative", z, params).astype(dtype)
                np.testing.assert_array_equal(s.call(fa, name, "derivative", z, **params), want)
                np.testing.assert_array_equal(
                    s.call(fa, name, "and_derivative", z, **params)[1], want)
                grad = np.full_like(z, 2)
                np.testing.assert_array_equal(s.call(fa, name, "backward", z, grad, **params),
                                              (2 * want).astype(dtype))
                if s.has_from_a(name) and s.valid(name, "derivative_from_a", params):
                    a = s.call(fa, name, "value", z, **params)
                    np.testing.assert_array_equal(
                        s.call(fa, name, "derivative_from_a", a, **params),
                        s.reference(o, "from_a", a, params).astype(dtype))


@pytest.mark.parametrize("name", list(ORACLES))
def test_value_at_minus_zero_has_the_references_sign(fa, name):
    # e.g. relu(-0.0) is +0.0
    want = s.reference(ORACLES[name], "value", np.array(-0.0))
    assert np.signbit(s.bound(fa, name, "value")(-0.0)) == np.signbit(want)
