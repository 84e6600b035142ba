"""The result dtype is decided by the data inputs alone, on every NumPy >= 1.23
(not through NumPy 2's promotion, NEP 50): a parameter, scalar or array, is
converted to the computation dtype and never changes the result dtype; one it
cannot be converted to exactly enough is a ValueError naming it.  Generic over
every numeric parameter of the catalogue; values from the oracles."""
from __future__ import annotations

import numpy as np
import pytest

from oracles import ORACLES
from oracles import support as s

F16, F32, F64 = np.float16, np.float32, np.float64
NAMES = list(ORACLES)
# (activation, parameter, operation) for every numeric parameter and op taking it
PARAM_OPS = [(n, p, op) for n in NAMES for p in s.act(n).numeric_params for op in p.ops]
PARAM_IDS = [f"{n}-{p.name}-{op}" for n, p, op in PARAM_OPS]
WITH_PARAMS = [(n, op) for n in NAMES for op in s.ops(n) if s.act(n).params(op)]


def _call(fa, name, op, x, **kw):
    return s.bound(fa, name, op)(*(x,) * s.nin(op), **kw)


def _reference(name, op, x, params, dtype):
    """float64 reference of every output of op at x (grad = x for the backward
    ones), the parameters as the kernels see them for `dtype` data."""
    o = ORACLES[name]
    x = np.float64(x)
    kind = s.KIND[op]
    d = s.reference(o, kind, x, params, dtype)
    if op == "value":
        return (s.reference(o, "value", x, params, dtype),)
    if op == "and_derivative":
        return (s.reference(o, "value", x, params, dtype), d)
    return (x * d,) if s.nin(op) == 2 else (d,)


def _elementwise(name, op, xs, params, dtype):
    """The first output's reference at every x of xs, as an array."""
    return np.array([_reference(name, op, x, params, dtype)[0] for x in xs])


def _outputs(r):
    return r if isinstance(r, tuple) else (r,)


def _assert_within_budget(fa, name, op, got, want, dtype):
    """got is the float64 reference `want` within the oracle's ULP budget for
    op's kind (the selects and single operations: correctly rounded, i.e.
    equal to want rounded to dtype)."""
    o = ORACLES[name]
    got = _outputs(got)[0]   # _elementwise gives the first output's reference
    s.assert_ulp(got, want, dtype, s.budget(o, fa, dtype, s.KIND[op]), f"{name} {op}")


def _sample(name, p):
    """A valid value of parameter p: the first in the oracle's parameter sets
    that is valid for every op taking p, else its default."""
    for params in s.param_cases(name)[1:]:
        v = params.get(p.name)
        if v is not None and all(s.valid(name, op, {p.name: v}) for op in p.ops):
            return v
    return p.default


def _kwargs_variants(name, op):
    """The oracle's parameter cases for op, also with NumPy float64 scalars
    (NEP 50 must not let them promote float32 data)."""
    for params in s.param_cases(name, op):
        kw = s.kwargs(name, op, params)
        yield kw
        if kw:
            yield {k: np.float64(v) if isinstance(v, float) else v for k, v in kw.items()}


@pytest.mark.parametrize("make", [lambda v, dt: dt(v), lambda v, dt: np.array(v, dt)],
                         ids=["scalar", "0d"])
@pytest.mark.parametrize("dtype", [F16, F32])
@pytest.mark.parametrize("name,op", WITH_PARAMS)
def test_scalar_float16_float32_keep_their_dtype(fa, name, op, dtype, make):
    # NumPy 1.x promoted these to float64 through the wrapper's Python-float
    # parameter (value-based casting with all-scalar inputs).
    for kwargs in _kwargs_variants(name, op):
        for v in (-0.5, 0.0, 2.0):
            got = _call(fa, name, op, make(v, dtype), **kwargs)
            got = got if isinstance(got, tuple) else (got,)
            for g, r in zip(got, _reference(name, op, v, kwargs, dtype)):
                assert isinstance(g, dtype), (name, op, kwargs, v, type(g))
                # parameters are computed in float32: round the reference there
                # (exact, but where the oracle's smooth formula need not round
                # correctly at simple arguments: ulp_specials)
                err = s.rounded_ulp(np.atleast_1d(g), np.atleast_1d(dtype(np.float32(r))))[0]
                assert err <= s.specials_budget(ORACLES[name], fa), (name, op, kwargs, v, g, r)


ARRAY_PARAMS = [(n, p) for n in NAMES for p in s.act(n).numeric_params if p.array]


@pytest.mark.parametrize("param_dtype", [F16, F32, F64, np.int8, np.int64])
@pytest.mark.parametrize("z_dtype,expected", [
    (F16, F16), (F32, F32), (F64, F64), (np.int8, F64), (np.uint16, F64), (np.bool_, F64)])
@pytest.mark.parametrize("name,p", ARRAY_PARAMS, ids=[f"{n}-{p.name}" for n, p in ARRAY_PARAMS])
def test_array_parameter_never_changes_the_result_dtype(fa, name, p, z_dtype, expected,
                                                        param_dtype):
    z = np.array([-3, -1, 0, 1, 2], dtype=z_dtype) if z_dtype not in (np.uint16, np.bool_) \
        else np.array([0, 1, 1, 0, 1], dtype=z_dtype)
    values = np.array([1, 2, 3, 1, 2], dtype=param_dtype) / (4 if param_dtype not in (
        np.int8, np.int64) else 1)
    values = values.astype(param_dtype)
    ct = F32 if expected in (F16, F32) else F64
    for op in p.ops:
        if not s.valid(name, op, {p.name: values}):
            continue
        got = _call(fa, name, op, z, **{p.name: values})
        got = got if isinstance(got, tuple) else (got,)
        for i, g in enumerate(got):
            assert g.dtype == expected, (op, g.dtype)
            # element by element: the parameter in the computation dtype, result rounded once
            want = [_reference(name, op, zi, {p.name: float(ct(vi))}, ct)[i]
                    for zi, vi in zip(z, values)]
            np.testing.assert_array_equal(g, np.array(want, ct).astype(expected), err_msg=op)


@pytest.mark.parametrize("name,op", [c for c in WITH_PARAMS if s.nin(c[1]) == 2])
def test_data_promotion_decides_two_input_functions(fa, name, op):
    g16, z32 = np.ones(3, F16), np.array([-1.0, 0.0, 2.0], F32)
    for p in s.act(name).signature_params(op):
        if not p.numeric:
            continue
        v = _sample(name, p)
        assert s.bound(fa, name, op)(g16, z32, **{p.name: np.float64(v)}).dtype == F32
        assert s.bound(fa, name, op)(g16, g16, **{p.name: np.float64(v)}).dtype == F16
        if p.array:
            r = s.bound(fa, name, op)(np.ones(3, np.int8), z32, **{p.name: np.full(3, v)})
            assert r.dtype == F32
            # grad = 1: the derivative itself
            want = [s.reference(ORACLES[name], s.KIND[op], zi, {p.name: v}, F32) for zi in z32]
            np.testing.assert_array_equal(r, np.array(want).astype(F32))


UNREPRESENTABLE_32 = [1e308, -1e308, 3.5e38, np.float64(1e300)]


# (values invalid for the op anyway, e.g. a negative alpha from a, are not this test's)
BEYOND = [pytest.param(n, p, op, v, id=f"{n}-{p.name}-{op}-{v}") for n, p, op in PARAM_OPS
          for v in UNREPRESENTABLE_32 if s.valid(n, op, {p.name: v})]


@pytest.mark.parametrize("dtype", [F16, F32])
@pytest.mark.parametrize("name,p,op,value", BEYOND)
def test_parameter_beyond_float32_is_a_value_error(fa, name, p, op, value, dtype):
    z = np.array([0.0, -1.0], dtype)
    with np.errstate(all="raise"):
        with pytest.raises(ValueError, match=rf"{p.name} = .*not representable in float32"):
            _call(fa, name, op, z, **{p.name: value})
        if p.array:
            with pytest.raises(ValueError, match=rf"{p.name} = .*not representable in float32"):
                _call(fa, name, op, z, **{p.name: np.array([_sample(name, p), value])})


@pytest.mark.parametrize("name,p,op", [pytest.param(n, p, op, id=f"{n}-{p.name}-{op}")
                                       for n, p, op in PARAM_OPS
                                       if s.nin(op) == 1 and s.nout(op) == 1])
def test_parameter_beyond_float32_is_fine_for_float64(fa, name, p, op):
    z = np.array([0.0, -1.0, 2.0])
    for value in (1e308, -1e308):
        if not s.valid(name, op, {p.name: value}):
            continue
        want = _elementwise(name, op, z, {p.name: value}, F64)
        _assert_within_budget(fa, name, op, _call(fa, name, op, z, **{p.name: value}), want, F64)
        _assert_within_budget(fa, name, op, _call(fa, name, op, z.astype(np.int8),
                                                  **{p.name: value}), want, F64)


POSITIVE = [(n, p, op) for n, p, op in PARAM_OPS if op in p.positive]


@pytest.mark.parametrize("name,p,op", POSITIVE, ids=[f"{n}-{p.name}-{op}" for n, p, op in POSITIVE])
def test_positive_parameter_rounding_to_zero_in_float32(fa, name, p, op):
    a = np.array([-1.0, 2.0], F32)
    with pytest.raises(ValueError, match=rf"{p.name} = 1e-300 rounds to 0 in float32"):
        _call(fa, name, op, a, **{p.name: 1e-300})
    if p.array:
        with pytest.raises(ValueError, match=rf"{p.name} .*rounds to 0"):
            _call(fa, name, op, a, **{p.name: np.array([0.5, 1e-300])})
    # a float32 subnormal is still > 0, and float64 data keeps 1e-300 exactly (where
    # the activation's relations allow so small a value: squareplus needs b >= 2^-64)
    for value, data in ((1e-40, a), (1e-300, a.astype(F64))):
        if not s.valid(name, op, {p.name: value}):
            continue
        got = _call(fa, name, op, data, **{p.name: value})
        want = _elementwise(name, op, data, {p.name: value}, data.dtype)
        _assert_within_budget(fa, name, op, got, want, data.dtype)


@pytest.mark.parametrize("value", [10**400, -10**400])
@pytest.mark.parametrize("name,p,op", PARAM_OPS, ids=PARAM_IDS)
def test_huge_int_parameters_are_value_errors(fa, name, p, op, value):
    z = np.zeros(2)
    if p.allow_inf:   # +-inf is allowed (softplus' threshold): the int is that infinity
        inf = float("inf") if value > 0 else -float("inf")
        for got, want in zip(*(_outputs(_call(fa, name, op, z, **{p.name: v}))
                               for v in (value, inf))):
            np.testing.assert_array_equal(got, want)
        return
    with pytest.raises(ValueError, match=rf"{p.name} must be finite, got -?1e\+400"):
        _call(fa, name, op, z, **{p.name: value})
    if p.positional:
        # the positional parameters before p take their examples (threshold's
        # threshold before value), the rest are bound by keyword
        before = [q.name for q in s.act(name).signature_params(op) if q.positional]
        before = before[:before.index(p.name)]
        ex = s.with_defaults(name, {})
        with pytest.raises(ValueError, match=rf"{p.name} must be finite"):
            s.bound(fa, name, op, omit=(*before, p.name))(*(z,) * s.nin(op),
                                                          *(ex[b] for b in before), value)
