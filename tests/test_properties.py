"""Properties that must hold for any input (hypothesis), at every SIMD level and
on the fallback, for every oracle (tests/oracles/): results within the oracle's
bounds of the correctly rounded mpmath references, the range of g, monotonicity,
the reflection symmetry, the bounds of g', fused == separate bit for bit, and
backward == grad * derivative."""
from __future__ import annotations

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
pytest.importorskip("mpmath")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

from fastact import _backends  # noqa: E402
from oracles import ORACLES  # noqa: E402
from oracles import support as s  # noqa: E402

NAMES = list(ORACLES)
SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def z_arrays(dtype, allow_nan=True):
    width = 8 * np.dtype(dtype).itemsize
    return hnp.arrays(dtype, st.integers(1, 40),
                      elements=st.floats(width=width, allow_nan=allow_nan, allow_infinity=True))


def same_bits(x, y) -> bool:
    """Equal, NaN == NaN, and the same sign of zero."""
    x, y = np.asarray(x), np.asarray(y)
    return x.dtype == y.dtype and bool(np.all(
        ((x == y) & (np.signbit(x) == np.signbit(y))) | (np.isnan(x) & np.isnan(y))))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", NAMES)
def test_compiled_and_fallback_agree(c_module, name, dtype):
    c, py = _backends.namespace("c"), _backends.namespace("python")
    o = ORACLES[name]

    @SETTINGS
    @given(z=z_arrays(dtype))
    def check(z):
        for kind in ("value", "derivative"):
            ref = s.exact(o, kind, z)
            got_c, got_py = s.bound(c, name, kind)(z), s.bound(py, name, kind)(z)
            bc, bpy = s.rounded_budget(o, c), s.rounded_budget(o, py)
            assert np.all(s.rounded_ulp(got_c, ref) <= bc), (kind, z, got_c, ref)
            assert np.all(s.rounded_ulp(got_py, ref) <= bpy), (kind, z, got_py, ref)
            # so they are within the sum of the bounds of each other
            with np.errstate(all="ignore"):
                gap = np.abs(got_c.astype(np.float64) - got_py.astype(np.float64))
                lim = (bc + bpy) * np.spacing(np.abs(ref)).astype(np.float64)
            assert np.all((gap <= lim) | (got_c == got_py) | np.isnan(ref)), (kind, z)

    check()


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("name", NAMES)
def test_range_monotone_and_reflection(fa_level, name, dtype):
    o = ORACLES[name]
    lo, hi = s.a_range(name)

    @SETTINGS
    @given(z=z_arrays(dtype, allow_nan=False))
    def check(z):
        z = np.sort(z)
        a = s.bound(fa_level, name, "value")(z)
        assert np.all((a >= lo) & (a <= hi)), (z, a)
        if o.is_monotonic(s.with_defaults(name, {})):
            assert np.all(a[1:] >= a[:-1]), (z, a)   # monotone
        if o.reflection == 0.0:      # odd: bit for bit
            assert same_bits(s.bound(fa_level, name, "value")(-z), -a), z
        elif o.reflection is not None:
            # g(-z) = c - g(z): within the rounding of both sides
            with np.errstate(invalid="ignore"):   # -inf + inf where g is unbounded
                r = s.bound(fa_level, name, "value")(-z).astype(np.float64) + a.astype(np.float64)
            tol = 2 * s.rounded_budget(o, fa_level) * np.finfo(dtype).eps * abs(o.reflection)
            assert np.all(np.abs(r - o.reflection) <= tol), (z, r)

    check()


@pytest.mark.parametrize("name,params", s.cases())
def test_derivatives_are_bounded(fa_level, name, params):
    o = ORACLES[name]
    top = o.top(s.in_compute_dtype(name, params, np.float32))
    monotonic = o.is_monotonic(params)

    @SETTINGS
    @given(z=z_arrays(np.float32, allow_nan=False))
    def check(z):
        d = s.call(fa_level, name, "derivative", z, **params)
        assert np.all(np.abs(d) <= top), (z, d)
        if monotonic:
            assert np.all(d >= 0), (z, d)

    check()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", [n for n, o in ORACLES.items() if o.peak is not None])
def test_derivative_never_exceeds_its_maximum_near_the_peak(fa_level, name, dtype):
    # where e/(1+e)^2 is evaluated with several roundings it can land just above
    # its true maximum; every backend must clamp or round so that it does not
    o = ORACLES[name]
    z = (o.peak + np.linspace(-1e-3, 1e-3, 20001)).astype(dtype)
    d = s.bound(fa_level, name, "derivative")(z)
    top = o.top(s.with_defaults(name, {}))
    assert np.all(np.abs(d) <= top), z[np.abs(d) > top][:5]


def _param_strategy(name):
    return st.sampled_from(s.param_cases(name))


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("name", NAMES)
def test_fused_equals_separate_bit_for_bit(fa_level, name, dtype):
    @SETTINGS
    @given(z=z_arrays(dtype), params=_param_strategy(name))
    def check(z, params):
        a, d = s.call(fa_level, name, "and_derivative", z, **params)
        assert same_bits(a, s.call(fa_level, name, "value", z, **params))
        assert same_bits(d, s.call(fa_level, name, "derivative", z, **params))

    check()


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("name", NAMES)
def test_backward_is_grad_times_derivative(fa_level, name, dtype):
    width = 8 * np.dtype(dtype).itemsize
    pairs = [("derivative", "backward", "z")]
    if s.has_from_a(name):
        pairs.append(("derivative_from_a", "backward_from_a", "a"))

    @SETTINGS
    @given(z=z_arrays(dtype),
           g=st.floats(-1e3, 1e3, width=width, allow_subnormal=False),
           params=_param_strategy(name))
    def check(z, g, params):
        grad = np.full_like(z, g)
        # float16 is computed in float32 and rounded once at the end, so the
        # product it is held to uses the float32 derivative
        wide = np.float32 if dtype == np.float16 else dtype
        with np.errstate(all="ignore"):
            a = s.call(fa_level, name, "value", z, **params)
            for d_op, b_op, arg in pairs:
                if not s.valid(name, d_op, params):
                    continue
                x = z if arg == "z" else a
                d = s.call(fa_level, name, d_op, x.astype(wide), **params)
                want = (grad.astype(np.float64) * d.astype(np.float64)).astype(dtype)
                got = s.call(fa_level, name, b_op, x, grad, **params)
                assert got.dtype == np.dtype(dtype)
                assert np.all(s.rounded_ulp(got, want) <= 1), (b_op, x, g, got, want)

    check()
