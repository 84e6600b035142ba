"""Special arguments through every public function of every oracle
(tests/oracles/), at every SIMD level and on the fallback: +-0, +-inf, NaN
(with payload and sign), subnormals, +-max of the dtype, and the kinks with
every parameter set of the oracle.  Results and dtypes are checked against the
oracles' mpmath references rounded correctly to the dtype, never against
stored arrays."""
from __future__ import annotations

import numpy as np
import pytest

from oracles import ORACLES
from oracles import support as s

pytest.importorskip("mpmath")

NAMES = list(ORACLES)
FLOATS = [np.float16, np.float32, np.float64]


def same_zero_sign(got, ref) -> bool:
    zeros = (got == 0) & (ref == 0)
    return bool(np.all(np.signbit(got[zeros]) == np.signbit(ref[zeros])))


def _assert_exact(got, ref, dtype, what, max_ulp):
    """got is ref (max_ulp 0: bit for bit, the sign of a zero too), or within
    max_ulp of it; a zero where ref has one keeps its sign either way."""
    assert got.dtype == np.dtype(dtype), what
    err = s.rounded_ulp(got, ref)
    assert np.all(err <= max_ulp), f"{what}: got {got.tolist()} vs {ref.tolist()}"
    assert same_zero_sign(got, ref), f"{what}: sign of zero {got.tolist()} vs {ref.tolist()}"


def _specials_budget(ns, name):
    return s.specials_budget(ORACLES[name], ns)


def _grad_times(grad, d, dtype):
    """grad * d rounded once to dtype (exact in float64 for these operands); d
    in the compute dtype (float32 for float16 data, rounded once at the end)."""
    with np.errstate(over="ignore"):   # beyond float16's range: inf, as the kernels give
        return (grad.astype(np.float64) * d.astype(np.float64)).astype(dtype)


def _derivative_in_compute_dtype(name, kind, x, params):
    return s.exact(ORACLES[name], kind, x, params, dtype=s.compute_dtype(x.dtype))


def _exact(name, kind, x, params):
    """The correctly rounded result in the compute dtype, rounded to x's dtype
    (float16 data is computed in float32: hardswish at float16's smallest
    subnormal z lands on a float16 tie only after the float32 rounding)."""
    with np.errstate(over="ignore"):   # beyond float16's range: inf, as the kernels give
        return _derivative_in_compute_dtype(name, kind, x, params).astype(x.dtype)


def _check_functions_of_z(ns, name, params, z, grad):
    dtype, ulp = z.dtype, _specials_budget(ns, name)
    ref_a, ref_d = _exact(name, "value", z, params), _exact(name, "derivative", z, params)
    both = s.call(ns, name, "and_derivative", z, **params)
    results = {
        "value": (s.call(ns, name, "value", z, **params), ref_a),
        "derivative": (s.call(ns, name, "derivative", z, **params), ref_d),
        "and_derivative[a]": (both[0], ref_a),
        "and_derivative[d]": (both[1], ref_d),
        "backward": (s.call(ns, name, "backward", z, grad, **params),
                     _grad_times(grad, _derivative_in_compute_dtype(name, "derivative", z, params),
                                 dtype)),
    }
    for what, (got, ref) in results.items():
        # backward: g''s error (ulp of d) times grad = 3, then one more rounding
        budget = ulp + 1 if what == "backward" and ulp else ulp
        _assert_exact(got, ref, dtype, f"{name} {what} {params} at {z.tolist()}", budget)


def _check_functions_of_a(ns, name, params, a, grad):
    ref, ulp = _exact(name, "from_a", a, params), _specials_budget(ns, name)
    _assert_exact(s.call(ns, name, "derivative_from_a", a, **params), ref, a.dtype,
                  f"{name}_derivative_from_a {params} at {a.tolist()}", ulp)
    _assert_exact(s.call(ns, name, "backward_from_a", a, grad, **params),
                  _grad_times(grad, _derivative_in_compute_dtype(name, "from_a", a, params),
                              a.dtype), a.dtype,
                  f"{name}_backward_from_a {params} at {a.tolist()}", ulp)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("name,params", s.cases())
def test_functions_of_z(fa_level, name, params, dtype):
    z = s.specials(dtype)
    # 3 * d is exact for the d of the specials (0, 1, 1/4, a parameter)
    _check_functions_of_z(fa_level, name, params, z, np.full_like(z, 3))


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("name,params", s.cases(s.FROM_A_OPS))
def test_functions_of_a(fa_level, name, params, dtype):
    a = s.in_a_range(ORACLES[name], s.specials(dtype), params)
    _check_functions_of_a(fa_level, name, params, a, np.ones_like(a))


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("name,params", [c for c in s.cases() if s.kinks(*c.values)])
def test_kinks(fa_level, name, params, dtype):
    """At each kink (both zeros at 0) and on either side: every function, and
    the functions of a at the values there (from a, a kink's convention is the
    oracle's: relu's a == 0 covers every z <= 0)."""
    o = ORACLES[name]
    z = np.array([x for k in s.kinks(name, params) for x in (k, -k, k + 1, k - 1)], dtype=dtype)
    _check_functions_of_z(fa_level, name, params, z, np.full_like(z, 4))
    if s.has_from_a(name) and s.valid(name, "derivative_from_a", params):
        a = s.exact(o, "value", z, params)
        _check_functions_of_a(fa_level, name, params, a, np.full_like(a, 2))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", [n for n, o in ORACLES.items() if o.keeps_nan_payload])
def test_nan_passes_through_bit_for_bit(fa_level, name, dtype):
    """relu and leaky_relu select z itself for NaN: payload and sign survive."""
    z = s.specials(dtype)
    z = z[np.isnan(z)]
    u = s.uint_of(dtype)
    assert np.array_equal(s.bound(fa_level, name, "value")(z).view(u), z.view(u))


@pytest.mark.parametrize("name,params", s.cases())
def test_nan_in_nan_out_everywhere(fa_level, name, params):
    for dtype in FLOATS:
        z = s.specials(dtype)
        z = z[np.isnan(z)]
        for op in s.ops(name):
            if not s.valid(name, op, params):
                continue
            out = s.call(fa_level, name, op, z, **params)
            for o in (out if isinstance(out, tuple) else (out,)):
                assert np.all(np.isnan(o)), (op, dtype)


@pytest.mark.parametrize("in_dtype", [np.bool_, np.int8, np.uint8, np.int32, np.int64, np.uint64])
@pytest.mark.parametrize("name", NAMES)
def test_integer_and_bool_inputs_compute_in_float64(fa_level, name, in_dtype):
    info = np.iinfo(in_dtype) if in_dtype is not np.bool_ else None
    vals = [0, 1] if info is None else sorted({info.min, -1 if info.min < 0 else 0, 0, 1, 2, info.max})
    z = np.array(vals, dtype=in_dtype)
    ref_a, ref_d = s.exact_pair(ORACLES[name], z.astype(np.float64))
    a, d = s.bound(fa_level, name, "and_derivative")(z)
    assert a.dtype == d.dtype == np.float64
    assert np.all(s.rounded_ulp(a, ref_a) <= 2) and np.all(s.rounded_ulp(d, ref_d) <= 2)


def test_no_fp_flags_leak(fa_level):
    """Every function on every special value of every dtype raises nothing under
    np.errstate(all="raise"): the kernels clear the flags NaN and inf set."""
    rng = np.random.default_rng(0)
    with np.errstate(all="raise"):
        for dtype in FLOATS:
            z = np.concatenate([s.specials(dtype), (rng.standard_normal(64) * 100).astype(dtype)])
            grad = np.concatenate([s.specials(dtype)[::-1], np.ones(64, dtype)])
            for name in ORACLES:
                for op in s.ops(name):
                    for params in s.param_cases(name, op):
                        s.call(fa_level, name, op, z, grad, **params)
                        s.call(fa_level, name, op, z[::-3], grad[::-3], **params)   # strided
