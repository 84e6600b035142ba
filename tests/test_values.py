"""Every function's values against the oracles' float64 references
(tests/oracles/), on both backends, on every SIMD level the CPU runs, with the
defaults and every parameter set of the oracle.  Budgets are the oracle's,
per backend (tests/oracles/model.py)."""
from __future__ import annotations

import numpy as np
import pytest

from oracles import ORACLES
from oracles import support as s

DTYPES = [np.float32, np.float64]


def _grid(dtype):
    """Dense around 0, out to the saturation points and beyond, both signs."""
    lin = np.linspace(-12, 12, 4001)
    big = np.geomspace(1e-30, 700 if dtype == np.float64 else 80, 400)
    z = np.concatenate([lin, big, -big, [0.0, -0.0]])
    return z.astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,params", s.cases())
def test_value_and_derivative(fa_level, name, params, dtype):
    o = ORACLES[name]
    z = _grid(dtype)
    a = s.call(fa_level, name, "value", z, **params)
    d = s.call(fa_level, name, "derivative", z, **params)
    assert a.dtype == dtype and d.dtype == dtype
    slack = s.argument_slack(o, z, params, dtype)
    for kind, got in (("value", a), ("derivative", d)):
        s.assert_ulp(got, s.reference(o, kind, z, params), dtype,
                     s.budget(o, fa_level, dtype, kind) + slack, f"{name} {kind} {params}")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,params", s.cases())
def test_fused_and_backward_match_separate(fa_level, name, params, dtype):
    z = _grid(dtype)
    a, d = s.call(fa_level, name, "and_derivative", z, **params)
    # one pass, same bits as the separate functions
    np.testing.assert_array_equal(a, s.call(fa_level, name, "value", z, **params))
    np.testing.assert_array_equal(d, s.call(fa_level, name, "derivative", z, **params))
    grad = np.linspace(-3, 3, z.size).astype(dtype)
    g = s.call(fa_level, name, "backward", z, grad, **params)
    assert g.dtype == dtype
    s.assert_ulp(g, grad.astype(np.float64) * d.astype(np.float64), dtype, 0.5,
                 f"{name}_backward vs grad * derivative {params}")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,params", s.cases(s.FROM_A_OPS))
def test_from_a(fa_level, name, params, dtype):
    o = ORACLES[name]
    z = _grid(dtype)
    a = s.call(fa_level, name, "value", z, **params)
    d = s.call(fa_level, name, "derivative_from_a", a, **params)
    assert d.dtype == dtype
    # the formula in a evaluated exactly on the given a, rounded once
    s.assert_ulp(d, s.reference(o, "from_a", a, params), dtype,
                 s.budget(o, fa_level, dtype, "from_a"), f"{name}_derivative_from_a {params}")
    grad = np.full_like(a, 2.0)
    s.assert_ulp(s.call(fa_level, name, "backward_from_a", a, grad, **params),
                 2.0 * d.astype(np.float64), dtype, 0.5, f"{name}_backward_from_a {params}")


@pytest.mark.parametrize("name,params", s.cases(s.FROM_A_OPS))
def test_from_a_agrees_with_from_z_away_from_tails(fa, name, params):
    z = np.linspace(-3, 3, 601)
    z = z[~np.isin(z, s.kinks(name, params))]   # from a, a kink's convention may differ
    a = s.call(fa, name, "value", z, **params)
    np.testing.assert_allclose(s.call(fa, name, "derivative_from_a", a, **params),
                               s.call(fa, name, "derivative", z, **params),
                               rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", [n for n, o in ORACLES.items() if o.exact_points])
def test_exact_points(fa, name):
    # e.g. the lesson's verification table: sigmoid(0) = 1/2, sigmoid'(0) = 1/4
    for z, a, d in ORACLES[name].exact_points:
        assert s.bound(fa, name, "value")(z) == a, (name, z)
        assert s.bound(fa, name, "derivative")(z) == d, (name, z)
        assert s.bound(fa, name, "and_derivative")(z) == (a, d), (name, z)


@pytest.mark.parametrize("name", [n for n, o in ORACLES.items() if o.edge_points])
def test_tails_keep_relative_precision(fa, name):
    # where a formula would cancel or flush (a(1-a) for sigmoid'), the tails
    # keep every digit: the float64 target budget on every backend
    o = ORACLES[name]
    pytest.importorskip("mpmath")
    z = np.array(o.edge_points)
    for kind, op in (("value", "value"), ("derivative", "derivative")):
        got = s.bound(fa, name, op)(z)
        want = s.exact(o, kind, z)
        s.assert_ulp(got, want, np.float64, o.budget("ulp", np.float64, kind), f"{name} {kind}")
        assert np.all((got != 0) == (want != 0)), (name, kind, got, want)


@pytest.mark.parametrize("name,params", s.cases())
def test_param_positional_equals_keyword(fa, name, params):
    # parameters that may follow the data positionally (leaky_relu's alpha, as
    # in the lesson's signature) give the same bits as by keyword
    z = _grid(np.float64)
    for op in s.ops(name):
        pos = [p.name for p in s.act(name).signature_params(op) if p.positional]
        if not pos or not all(p in params for p in pos):
            continue
        if not s.valid(name, op, params):
            continue
        data = (np.ones_like(z), z) if s.nin(op) == 2 else (z,)
        kw = s.kwargs(name, op, params)
        np.testing.assert_array_equal(
            s.fn(fa, name, op)(*data, *(kw.pop(p) for p in pos), **kw),
            s.call(fa, name, op, z, **params))


def test_leaky_relu_alpha_zero_is_relu(fa):
    z = np.array([-np.inf, -1.0, -0.0, 0.0, 2.0, np.inf])
    np.testing.assert_array_equal(fa.leaky_relu(z, alpha=0.0), fa.relu(z))


def test_array_alpha_broadcasts(fa):
    z = np.array([[-1.0, 2.0], [-3.0, 4.0]])
    alpha = np.array([0.1, 0.5])
    o = ORACLES["leaky_relu"]
    np.testing.assert_allclose(fa.leaky_relu(z, alpha=alpha), o.value(z, alpha=alpha))
    np.testing.assert_allclose(fa.leaky_relu_derivative(z, alpha=alpha),
                               o.derivative(z, alpha=alpha))


@pytest.mark.parametrize("name,params", s.cases())
def test_float16_computed_in_float32(fa, name, params):
    o = ORACLES[name]
    z = np.linspace(-8, 8, 257).astype(np.float16)
    a, d = s.call(fa, name, "and_derivative", z, **params)
    assert a.dtype == np.float16 and d.dtype == np.float16
    slack = s.argument_slack(o, z, params, np.float16)
    for kind, got in (("value", a), ("derivative", d)):
        s.assert_ulp(got, s.reference(o, kind, z, params), np.float16,
                     s.budget(o, fa, np.float16, kind) + slack, f"{name} {kind} float16 {params}")
