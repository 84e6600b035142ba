"""The piecewise-linear family (hardtanh, relu6, hardsigmoid, hardswish,
softshrink, hardshrink, threshold, prelu) on both backends: values and
derivatives against the oracles (tests/oracles/piecewise.py) and exact
references, every kink against torch's autograd (float32 and float64), from-a
against from-z, the required and >= 0 parameters, prelu's slope gradient.

The accuracy over every float32 is measured by hand with
tests/c/run_ulp_sweep.sh (docs/accuracy.md); the sampled ULP
tests here hold the same budgets on 10^5 points."""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from oracles import ORACLES
from oracles import support as s

NAMES = ("hardtanh", "relu6", "hardsigmoid", "hardswish", "softshrink", "hardshrink",
         "threshold", "prelu")
FROM_A = ("hardtanh", "relu6", "hardsigmoid", "softshrink", "hardshrink")
DTYPES = (np.float16, np.float32, np.float64)
# The parameters each activation is called with here (the required ones included).
PARAMS = {name: s.required(name) for name in NAMES}


def _cases():
    for name in NAMES:
        o = ORACLES[name]
        sets = [dict(PARAMS[name])] + [dict(PARAMS[name], **p) for p in o.param_sets]
        for p in {tuple(sorted(s.items())): s for s in sets}.values():
            yield pytest.param(name, p, id=name + "-" + (",".join(f"{k}={v}" for k, v in p.items())
                                                         or "defaults"))


CASES = list(_cases())


def _takes(fa, fn_name):
    import inspect
    return set(inspect.signature(getattr(fa, fn_name)).parameters)


def _call(fa, name, op, *data, **params):
    fn_name = name + ("" if op == "value" else "_" + op)
    kw = {k: v for k, v in params.items() if k in _takes(fa, fn_name)}
    return getattr(fa, fn_name)(*data, **kw)


def _ref_kwargs(ref, params):
    import inspect
    names = set(inspect.signature(ref).parameters)
    return {k: v for k, v in params.items() if k in names}


def _inputs(name, params, dtype):
    """Kinks, their neighbours, the interesting range, zeros, specials."""
    o = ORACLES[name]
    pts = [0.0, -0.0, 1.0, -1.0, 3.0, -3.0, 6.0, -1.5, 0.5, -0.5, 1e-30, -1e-30,
           *s.kinks(name, params), *[v for v in params.values() if isinstance(v, float)],
           *[-v for v in params.values() if isinstance(v, float)]]
    lo, hi = o.z_range
    rng = np.random.default_rng(7)
    z = np.concatenate([np.array(pts, dtype), rng.uniform(lo, hi, 4000).astype(dtype),
                        rng.uniform(-1e4, 1e4, 500).astype(dtype)])
    kinks = np.array([*s.kinks(name, params), *[v for v in params.values() if isinstance(v, float)]], dtype)
    near = np.concatenate([np.nextafter(kinks, dtype(np.inf)), np.nextafter(kinks, dtype(-np.inf))])
    return np.concatenate([z, near, np.array([np.inf, -np.inf, np.nan], dtype)])


def _ulp(got, ref, dtype):
    """|got - ref| in ULP of dtype at ref (the subnormal spacing near 0)."""
    got = np.asarray(got, np.float64)
    ref = np.asarray(ref, np.float64)
    fi = np.finfo(dtype)
    with np.errstate(all="ignore"):
        ref_d = ref.astype(dtype)
        spacing = np.maximum(np.abs(np.spacing(np.abs(ref_d).astype(dtype))).astype(np.float64),
                             float(fi.smallest_subnormal))
        # a reference exactly on a power of two: the finer spacing below it
        err = np.abs(got - ref) / spacing
    both_nan = np.isnan(got) & np.isnan(ref)
    same_inf = np.isinf(ref) & (got == ref)
    return np.where(both_nan | same_inf, 0.0, np.where(np.isnan(err), np.inf, err))


def _budget(fa, name, dtype, kind):
    o = ORACLES[name]
    key = (np.dtype(dtype).name, kind)
    if fa.BACKEND == "python":
        return o.ulp_fallback[key]
    from fastact import _backends
    level = _backends.compiled_module().get_level()
    table = o.ulp if level in ("avx2", "avx512") else o.ulp_nofma
    return table[key]


def _rounded_budget(fa, name):
    """Max ULP against the correctly rounded result (0: correctly rounded)."""
    if fa.BACKEND == "python":
        return ORACLES[name].ulp_rounded["fallback"]
    from fastact import _backends
    fma = _backends.compiled_module().get_level() in ("avx2", "avx512")
    return ORACLES[name].ulp_rounded["fma" if fma else "nofma"]


# -- values and derivatives against the oracles' references


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,params", CASES)
def test_value_and_derivative_match_oracle(fa, name, params, dtype):
    o = ORACLES[name]
    z = _inputs(name, params, dtype)
    ct = np.float32 if dtype == np.float16 else dtype
    cparams = {k: float(ct(v)) for k, v in params.items()}   # as the kernels see them
    a, d = _call(fa, name, "and_derivative", z, **params)
    assert a.dtype == dtype and d.dtype == dtype
    z64 = z.astype(np.float64)
    ref_a = o.value(z64, **_ref_kwargs(o.value, cparams))
    ref_d = o.derivative(z64, **_ref_kwargs(o.derivative, cparams))
    if dtype == np.float16:   # computed in float32, rounded again
        ref_a = ref_a.astype(np.float32).astype(np.float16)
        ref_d = ref_d.astype(np.float32).astype(np.float16)
    assert np.max(_ulp(a, ref_a, dtype)) <= _budget(fa, name, dtype, "value"), name
    assert np.max(_ulp(d, ref_d, dtype)) <= _budget(fa, name, dtype, "derivative"), name
    # the separate functions are the fused ones, bit for bit
    np.testing.assert_array_equal(_call(fa, name, "value", z, **params).view(np.uint8),
                                  a.view(np.uint8))
    np.testing.assert_array_equal(_call(fa, name, "derivative", z, **params).view(np.uint8),
                                  d.view(np.uint8))
    g = np.linspace(-2, 2, z.size).astype(dtype)
    d_ct = _call(fa, name, "derivative", z.astype(ct), **params)  # float16: unrounded g'
    with np.errstate(all="ignore"):
        want_b = (g.astype(ct) * d_ct).astype(dtype)
    np.testing.assert_array_equal(_call(fa, name, "backward", g, z, **params), want_b)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,params", [c for c in CASES if c.values[0] in FROM_A])
def test_from_a_equals_from_z(fa, name, params, dtype):
    """g'(z) from a = g(z) is the derivative from z, kinks included (an a at an
    edge of the range only comes from an edge or beyond: g' = 0 either way)."""
    z = _inputs(name, params, dtype)
    a, d = _call(fa, name, "and_derivative", z, **params)
    da = _call(fa, name, "derivative_from_a", a, **params)
    np.testing.assert_array_equal(da, d)
    g = np.full_like(z, 3.0)
    np.testing.assert_array_equal(_call(fa, name, "backward_from_a", g, a, **params),
                                  _call(fa, name, "backward", g, z, **params))


# -- exactness: the correctly rounded value, sampled (the exhaustive sweep is by hand)


def _exact_f64(f, z):
    """f at every float64 z exactly (rational arithmetic), rounded once."""
    return np.array([float(f(Fraction(float(x)))) for x in z], np.float64)


_SIXTH_EXACT = {
    "hardsigmoid": {"value": lambda x: (min(max(x, -3), 3) + 3) / 6},
    "hardswish": {"value": lambda x: x if x > 3 else 0 if x < -3 else x * (x + 3) / 6,
                  "derivative": lambda x: 0 if x <= -3 else 1 if x >= 3 else (2 * x + 3) / 6},
}


@pytest.mark.parametrize("kind", ["value", "derivative"])
@pytest.mark.parametrize("name", ["hardsigmoid", "hardswish"])
def test_division_by_six_rounded_once_float32(fa_level, name, kind):
    """10^5 float32 z in the sloped part, next to -3, -3/2, 0 and 3 included,
    against z (z+3)/6 etc. evaluated exactly in float64 (exact for float32 z but
    for the division): the ULP budget of the level (1/2: correctly rounded)."""
    fa = fa_level
    rng = np.random.default_rng(11)
    z = np.concatenate([rng.uniform(-3.5, 3.5, 90000),
                        -3 + rng.uniform(0, 1e-3, 5000), -1.5 + rng.uniform(-1e-3, 1e-3, 5000),
                        ]).astype(np.float32)
    z = np.concatenate([z, np.nextafter(np.float32([-3, -1.5, 3, 0]), np.float32(-9)),
                        np.nextafter(np.float32([-3, -1.5, 3, 0]), np.float32(9))])
    o = ORACLES[name]
    ref = (o.value if kind == "value" else o.derivative)(z.astype(np.float64))
    got = _call(fa, name, kind, z)
    err = _ulp(got, ref, np.float32)
    budget = _rounded_budget(fa, name) + 0.5   # the reference is exact but for 2^-29 ULP
    assert np.max(err) <= budget + 1e-6, (name, kind, float(np.max(err)), z[np.argmax(err)])


@pytest.mark.parametrize("kind", ["value", "derivative"])
@pytest.mark.parametrize("name", ["hardsigmoid", "hardswish"])
def test_division_by_six_rounded_once_float64(fa, name, kind):
    """float64: against the exact rational value (Fraction), 3000 points."""
    if name == "hardsigmoid" and kind == "derivative":
        pytest.skip("the rounded 1/6: covered by the oracle test")
    rng = np.random.default_rng(12)
    z = np.concatenate([rng.uniform(-3.5, 3.5, 2000), -3 + rng.uniform(0, 1e-6, 500),
                        -1.5 + rng.uniform(-1e-6, 1e-6, 500)])
    ref = _exact_f64(_SIXTH_EXACT[name][kind], z)
    exact = np.array([_SIXTH_EXACT[name][kind](Fraction(float(x))) for x in z[:1]])
    assert exact.size == 1
    got = _call(fa, name, kind, z)
    err = _ulp(got, ref, np.float64)
    assert np.max(err) <= _rounded_budget(fa, name) + 1e-9, (name, kind, float(np.max(err)))


def test_hardsigmoid_beats_torch_rounding(fa):
    """PyTorch rounds z + 3 before dividing by 6; fastact rounds once.  At this
    float32 z torch's result is 1 ULP off, fastact's is the correctly rounded one."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    z = rng.uniform(-1.5, 3, 20000).astype(np.float32)
    ref = ((z.astype(np.float64) + 3) / 6).astype(np.float32)
    t = torch.nn.functional.hardsigmoid(torch.from_numpy(z)).numpy()
    assert np.any(t != ref)  # torch's double rounding shows up on this sample
    np.testing.assert_array_equal(fa.hardsigmoid(z), ref)


# -- torch's autograd: kinks and their neighbours, float32 and float64



@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name,params", [c for c in CASES if "at_zero" not in c.values[1]])
def test_kinks_match_torch_autograd(fa, name, params, dtype):
    torch = pytest.importorskip("torch")
    o = ORACLES[name]
    kinks = np.array([*s.kinks(name, params), *[v for v in params.values()]], dtype)
    z = np.unique(np.concatenate([kinks, np.nextafter(kinks, dtype(9)),
                                  np.nextafter(kinks, dtype(-9)), kinks + dtype(0.25),
                                  kinks - dtype(0.25), np.array([-7, -2, 0, 2, 7], dtype)]))
    ta, tg = s.torch_autograd(torch, name, z, params)
    a, d = _call(fa, name, "and_derivative", z, **params)
    # torch's hardsigmoid_backward uses float32's 1/6 in float64 too; its (z+3)/6
    # and z(z+3)/6 round more than once: its own tolerance (1 ULP of float32)
    rtol = 1e-7 if dtype == np.float64 else 1.2e-7
    np.testing.assert_allclose(a, ta, rtol=rtol, atol=0)
    np.testing.assert_allclose(d, tg, rtol=rtol, atol=0)
    if name in FROM_A:
        np.testing.assert_allclose(_call(fa, name, "derivative_from_a", a, **params), tg,
                                   rtol=rtol, atol=0)


def test_kink_values_exactly(fa):
    """The conventions as numbers (the issue's list)."""
    z = np.array([-1.0, 1.0])
    np.testing.assert_array_equal(fa.hardtanh_derivative(z), [0, 0])
    np.testing.assert_array_equal(fa.relu6_derivative([0.0, 6.0, 3.0]), [0, 0, 1])
    np.testing.assert_array_equal(fa.hardsigmoid_derivative([-3.0, 3.0, 0.0]), [0, 0, 1 / 6])
    np.testing.assert_array_equal(fa.hardswish_derivative([-3.0, 3.0, -1.5]), [0, 1, 0])
    np.testing.assert_array_equal(fa.softshrink_derivative([-0.5, 0.5, 0.0, 0.6]), [0, 0, 0, 1])
    np.testing.assert_array_equal(fa.hardshrink_derivative([-0.5, 0.5, -0.6]), [0, 0, 1])
    np.testing.assert_array_equal(fa.threshold_derivative([0.5, 0.6], 0.5), [0, 1])
    np.testing.assert_array_equal(fa.prelu_derivative([0.0, -1.0], 0.25), [0.25, 0.25])
    np.testing.assert_array_equal(fa.prelu_derivative([0.0], 0.25, at_zero=1.0), [1.0])


def test_signed_zeros_as_torch(fa):
    """hardswish keeps z's sign (torch: z * 0 / 6 = -0 below -3), softshrink z * 0."""
    a = fa.hardswish(np.array([-4.0, -3.0, -0.0, 0.0]))
    assert list(np.signbit(a)) == [True, True, True, False]
    s = fa.softshrink(np.array([-0.25, 0.25]))
    assert list(np.signbit(s)) == [True, False]


# -- NaN, infinities, quietness


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", NAMES)
def test_nan_in_nan_out_every_op(fa, name, dtype):
    z = np.array([np.nan, 1.0, -np.nan], dtype)
    params = PARAMS[name]
    for op in ("value", "derivative", "backward") + (("derivative_from_a",) if name in FROM_A
                                                     else ()):
        data = (np.ones_like(z), z) if op == "backward" else (z,)
        r = _call(fa, name, op, *data, **params)
        assert np.isnan(r[0]) and np.isnan(r[2]) and not np.isnan(r[1]), (name, op)


@pytest.mark.parametrize("name", NAMES)
def test_infinities_give_the_limits(fa, name):
    o = ORACLES[name]
    z = np.array([-np.inf, np.inf])
    a, d = _call(fa, name, "and_derivative", z, **PARAMS[name])
    ref = o.value(z, **_ref_kwargs(o.value, PARAMS[name]))
    np.testing.assert_array_equal(a, ref)
    np.testing.assert_array_equal(d, o.derivative_limits(s.with_defaults(name, PARAMS[name])))


# -- parameters: required, >= 0, relations


def test_threshold_parameters_are_required(fa):
    with pytest.raises(TypeError, match="threshold"):
        fa.threshold([1.0])
    with pytest.raises(TypeError, match="'value'"):
        fa.threshold([1.0], 0.5)
    with pytest.raises(TypeError, match="'weight'"):
        fa.prelu([1.0])
    np.testing.assert_array_equal(fa.threshold([0.0, 1.0], 0.5, -2.0), [-2.0, 1.0])
    np.testing.assert_array_equal(fa.threshold([0.0, 1.0], threshold=0.5, value=-2.0),
                                  [-2.0, 1.0])
    np.testing.assert_array_equal(fa.threshold_derivative([0.0, 1.0], 0.5), [0.0, 1.0])
    with pytest.raises(TypeError, match="value"):
        fa.threshold_derivative([0.0], 0.5, value=1.0)   # the derivative takes no value
    with pytest.raises(TypeError, match="multiple values"):
        fa.threshold([0.0], 0.5, threshold=0.5, value=1.0)


def test_required_parameters_in_signature_and_docs(fa):
    import inspect
    sig = inspect.signature(fa.threshold)
    assert str(sig) == "(z, /, threshold, value, *, out=None)"
    assert sig.parameters["threshold"].default is inspect.Parameter.empty
    assert "threshold(z, /, threshold, value, *, out=None)" in fa.threshold.__doc__
    assert "(required)" in fa.threshold.__doc__
    assert str(inspect.signature(fa.prelu_backward)) == \
        "(grad, z, /, weight, *, at_zero=None, out=None)"


@pytest.mark.parametrize("name", ["softshrink", "hardshrink"])
def test_lambd_must_be_nonnegative(fa, name):
    for op in ("", "_derivative", "_and_derivative"):
        with pytest.raises(ValueError, match=r"lambd >= 0"):
            getattr(fa, name + op)([1.0], lambd=-0.1)
    with pytest.raises(ValueError, match="finite"):
        getattr(fa, name)([1.0], lambd=math.nan)
    np.testing.assert_array_equal(getattr(fa, name)([0.0, 2.0], lambd=0.0), [0.0, 2.0])


def test_hardtanh_needs_min_below_max(fa):
    for mn, mx in ((1.0, 1.0), (2.0, 1.0)):
        with pytest.raises(ValueError, match="min_val < max_val"):
            fa.hardtanh([0.0], min_val=mn, max_val=mx)
        with pytest.raises(ValueError, match="min_val < max_val"):
            fa.hardtanh_derivative_from_a([0.0], min_val=mn, max_val=mx)
    with pytest.raises(TypeError, match="max_val"):
        fa.hardtanh([0.0], max_val="1")


def test_parameters_do_not_change_float32_results(fa):
    z = np.linspace(-2, 2, 101, dtype=np.float32)
    a = fa.threshold(z, 0.1, 0.3)
    assert a.dtype == np.float32
    np.testing.assert_array_equal(a, np.where(z > np.float32(0.1), z, np.float32(0.3)))


# -- prelu: weight arrays, and the slope gradient against torch


def test_prelu_matches_torch_per_channel(fa):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    for dtype in (np.float32, np.float64):
        x = rng.standard_normal((2, 3, 4, 5)).astype(dtype)
        x[0, 0, 0, :2] = 0.0                      # the kink
        w = np.array([0.25, -0.5, 2.0], dtype)
        g = rng.standard_normal(x.shape).astype(dtype)
        tx = torch.tensor(x, requires_grad=True)
        tw = torch.tensor(w, requires_grad=True)
        ta = torch.nn.functional.prelu(tx, tw)
        ta.backward(torch.tensor(g))
        wb = w.reshape(3, 1, 1)                   # NumPy broadcasting of the channel axis
        np.testing.assert_array_equal(fa.prelu(x, wb), ta.detach().numpy())
        np.testing.assert_array_equal(fa.prelu_backward(g, x, wb), tx.grad.numpy())
        gw = fa.prelu_backward_weight(g, x, axis=(0, 2, 3))
        assert gw.dtype == dtype and gw.shape == (3,)
        rtol = 1e-5 if dtype == np.float32 else 1e-12   # summation orders differ
        np.testing.assert_allclose(gw, tw.grad.numpy(), rtol=rtol)
        # pairwise in the data's dtype, as NumPy's sum
        np.testing.assert_array_equal(gw, np.sum(g * np.minimum(x, 0), axis=(0, 2, 3)))


def test_prelu_backward_weight_elementwise_and_keepdims(fa):
    g = np.array([[1.0, 2.0], [3.0, -1.0]], np.float32)
    z = np.array([[-2.0, 3.0], [0.0, -np.inf]], np.float32)
    e = fa.prelu_backward_weight(g, z)
    np.testing.assert_array_equal(e, [[-2.0, 0.0], [0.0, np.inf]])
    assert e.dtype == np.float32
    k = fa.prelu_backward_weight(g, z, axis=1, keepdims=True)
    np.testing.assert_array_equal(k, [[-2.0], [np.inf]])
    h = fa.prelu_backward_weight(g.astype(np.float16), z.astype(np.float16), axis=0)
    assert h.dtype == np.float16
    np.testing.assert_array_equal(fa.prelu_backward_weight([0.0], [-np.inf]), [np.nan])
    np.testing.assert_array_equal(fa.prelu_backward_weight(2, [-1, 1]), [-2.0, 0.0])


def test_prelu_backward_weight_errors(fa):
    with pytest.raises(TypeError, match="axis"):
        fa.prelu_backward_weight([1.0], [1.0], axis=1.5)
    with pytest.raises(TypeError, match="keepdims"):
        fa.prelu_backward_weight([1.0], [1.0], axis=0, keepdims="yes")
    with pytest.raises(TypeError, match="dtype"):
        fa.prelu_backward_weight(np.array([1 + 1j]), [1.0])
    with pytest.raises(ValueError):
        fa.prelu_backward_weight(np.ones(3), np.ones(4))
    with pytest.raises(ValueError):
        fa.prelu_backward_weight(np.ones(3), np.ones(3), axis=2)


# -- the ecosystem: out=, dask, xarray


@pytest.mark.parametrize("name", NAMES)
def test_out_in_place(fa, name):
    z = np.linspace(-4, 4, 33)
    want = _call(fa, name, "value", z.copy(), **PARAMS[name])
    r = _call(fa, name, "value", z, out=z, **PARAMS[name])
    assert r is z
    np.testing.assert_array_equal(z, want)


def test_dask_and_xarray(fa):
    da = pytest.importorskip("dask.array")
    xr = pytest.importorskip("xarray")
    z = np.linspace(-4, 4, 40)
    lazy = fa.threshold(da.from_array(z, chunks=10), 0.5, -1.0)
    assert isinstance(lazy, da.Array)
    np.testing.assert_array_equal(lazy.compute(), fa.threshold(z, 0.5, -1.0))
    a, d = fa.hardswish_and_derivative(da.from_array(z, chunks=10))
    np.testing.assert_array_equal(d.compute(), fa.hardswish_derivative(z))
    x = xr.DataArray(z, dims=["t"])
    r = fa.hardsigmoid_derivative_from_a(fa.hardsigmoid(x))
    assert isinstance(r, xr.DataArray) and r.dims == ("t",)
    np.testing.assert_array_equal(r.values, fa.hardsigmoid_derivative(z))
    w = fa.prelu_backward_weight(da.from_array(np.ones(40), chunks=10),
                                 da.from_array(z, chunks=10), axis=0)
    assert isinstance(w, da.Array)
    np.testing.assert_allclose(w.compute(), np.sum(np.minimum(z, 0)))
