"""Properties that must hold for any input (hypothesis), at every SIMD level and
on the fallback.  References are the correctly rounded float64 / long-double /
mpmath values of fastact._accuracy.reference; bounds are the published ones
(tests/test_accuracy.py, docs/accuracy.md)."""
from __future__ import annotations

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

from fastact import _backends, _catalogue  # noqa: E402
from fastact._accuracy.reference import reference_fwd  # noqa: E402
from fastact._accuracy.ulp import ulp_error  # noqa: E402

NAMES = [a.name for a in _catalogue.ACTIVATIONS]
SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def z_arrays(dtype, allow_nan=True):
    width = 8 * np.dtype(dtype).itemsize
    return hnp.arrays(dtype, st.integers(1, 40),
                      elements=st.floats(width=width, allow_nan=allow_nan, allow_infinity=True))


def bound(fa) -> float:
    """Published max ULP of the functions of z for this backend/level."""
    if fa.BACKEND == "python":
        return 8.0
    if _backends.compiled_module().get_level() in ("avx2", "avx512"):
        return 2.0
    return 6.0


def same_bits(x, y) -> bool:
    """Equal, NaN == NaN, and the same sign of zero."""
    x, y = np.asarray(x), np.asarray(y)
    return x.dtype == y.dtype and bool(np.all(
        ((x == y) & (np.signbit(x) == np.signbit(y))) | (np.isnan(x) & np.isnan(y))))


def fn(ns, name, op):
    return getattr(ns, _catalogue.public_name(_catalogue.BY_NAME[name], op))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", NAMES)
def test_compiled_and_fallback_agree(c_module, name, dtype):
    c, py = _backends.namespace("c"), _backends.namespace("python")

    @SETTINGS
    @given(z=z_arrays(dtype))
    def check(z):
        ref_a, ref_d, _ = reference_fwd(name, z, 0.01)
        for op, ref in (("value", ref_a), ("derivative", ref_d)):
            got_c, got_py = fn(c, name, op)(z), fn(py, name, op)(z)
            assert np.all(ulp_error(got_c, ref) <= bound(c)), (op, z, got_c, ref)
            assert np.all(ulp_error(got_py, ref) <= bound(py)), (op, z, got_py, ref)
            # so they are within the sum of the bounds of each other
            with np.errstate(all="ignore"):
                gap = np.abs(got_c.astype(np.float64) - got_py.astype(np.float64))
                lim = (bound(c) + bound(py)) * np.spacing(np.abs(ref)).astype(np.float64)
            assert np.all((gap <= lim) | (got_c == got_py) | np.isnan(ref)), (op, z)

    check()


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_sigmoid_range_monotone_and_symmetric(fa_level, dtype):
    @SETTINGS
    @given(z=z_arrays(dtype, allow_nan=False))
    def check(z):
        z = np.sort(z)
        a = fa_level.sigmoid(z)
        assert np.all((a >= 0) & (a <= 1))
        assert np.all(np.diff(a.astype(np.float64)) >= 0), (z, a)   # monotone
        # sigma(-z) = 1 - sigma(z): within the rounding of both sides
        s = fa_level.sigmoid(-z).astype(np.float64) + a.astype(np.float64)
        assert np.all(np.abs(s - 1) <= 2 * bound(fa_level) * np.finfo(dtype).eps), (z, s)

    check()


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_tanh_is_odd_and_bounded(fa_level, dtype):
    @SETTINGS
    @given(z=z_arrays(dtype))
    def check(z):
        a = fa_level.tanh(z)
        assert same_bits(fa_level.tanh(-z), -a)
        assert np.all((np.abs(a) <= 1) | np.isnan(z))

    check()


TOP = {"sigmoid": 0.25, "tanh": 1.0, "relu": 1.0, "leaky_relu": 1.0}


@pytest.mark.parametrize("name", NAMES)
def test_derivatives_are_nonnegative_and_bounded(fa_level, name):
    top = TOP[name]

    @SETTINGS
    @given(z=z_arrays(np.float32, allow_nan=False), alpha=st.floats(1e-6, 1.0))
    def check(z, alpha):
        kw = {"alpha": alpha} if name == "leaky_relu" else {}
        d = fn(fa_level, name, "derivative")(z, **kw)
        assert np.all((d >= 0) & (d <= top)), (z, d)

    check()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
def test_derivative_never_exceeds_its_maximum_near_zero(fa_level, name, dtype):
    # where e/(1+e)^2 is evaluated with several roundings it can land just above
    # its true maximum; every backend must clamp or round so that it does not
    z = np.linspace(-1e-3, 1e-3, 20001, dtype=dtype)
    d = fn(fa_level, name, "derivative")(z)
    assert np.all(d <= TOP[name]), z[d > TOP[name]][:5]


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("name", NAMES)
def test_fused_equals_separate_bit_for_bit(fa_level, name, dtype):
    @SETTINGS
    @given(z=z_arrays(dtype), at_zero=st.sampled_from([None, 0.5]))
    def check(z, at_zero):
        kw = {"at_zero": at_zero} if at_zero is not None and name in ("relu", "leaky_relu") else {}
        a, d = fn(fa_level, name, "and_derivative")(z, **kw)
        assert same_bits(a, fn(fa_level, name, "value")(z))
        assert same_bits(d, fn(fa_level, name, "derivative")(z, **kw))

    check()


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("name", NAMES)
def test_backward_is_grad_times_derivative(fa_level, name, dtype):
    width = 8 * np.dtype(dtype).itemsize

    @SETTINGS
    @given(z=z_arrays(dtype),
           g=st.floats(-1e3, 1e3, width=width, allow_subnormal=False))
    def check(z, g):
        grad = np.full_like(z, g)
        # float16 is computed in float32 and rounded once at the end, so the
        # product it is held to uses the float32 derivative
        wide = np.float32 if dtype == np.float16 else dtype
        with np.errstate(all="ignore"):
            d = fn(fa_level, name, "derivative")(z.astype(wide))
            expect = (grad.astype(np.float64) * d.astype(np.float64)).astype(dtype)
            got = fn(fa_level, name, "backward")(grad, z)
            assert got.dtype == np.dtype(dtype)
            assert np.all(ulp_error(got, expect) <= 1), (z, g, got, expect)
            a = fn(fa_level, name, "value")(z)
            from_a = fn(fa_level, name, "derivative_from_a")(a.astype(wide))
            want = (grad.astype(np.float64) * from_a.astype(np.float64)).astype(dtype)
            got_a = fn(fa_level, name, "backward_from_a")(grad, a)
            assert np.all(ulp_error(got_a, want) <= 1), (a, g, got_a, want)

    check()
