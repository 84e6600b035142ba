"""The gated units (gelu exact and tanh form, mish) on both backends: values and
derivatives within their ULP budgets against the oracles (tests/oracles/gated.py)
and mpmath, the far negative tails, the zeros of g' (where a plain formula is
10^5+ ULP off), values and derivatives against torch's autograd (float32 and
float64), limits and NaN, fused = separate, the choice parameter.

The accuracy over every float32 is swept by hand with tests/c/run_ulp_sweep.sh
(docs/accuracy.md, "The catalogue"); the sampled tests here
hold the same budgets."""
from __future__ import annotations

import numpy as np
import pytest

from oracles import ORACLES
from oracles import support as s

mpmath = pytest.importorskip("mpmath")
MP_DPS = 60

# (public name, parameters, oracle parameters)
CASES = (("gelu", {}), ("gelu", {"approximate": "tanh"}), ("mish", {}))
ZEROS = {"gelu": ORACLES["gelu"].extra["zero_of_derivative"],
         "gelu_tanh": ORACLES["gelu"].extra["tanh_zero_of_derivative"],
         "mish": ORACLES["mish"].extra["zero_of_derivative"]}


def _row(name, params):
    return "gelu_tanh" if params.get("approximate") == "tanh" else name


def _cases():
    for name, p in CASES:
        yield pytest.param(name, p, id=_row(name, p))


def _ulp(got, ref):
    """|got - ref| in ULP of ref's dtype (ref already rounded to it); equal values,
    infinities included, are 0."""
    got, ref = np.asarray(got), np.asarray(ref)
    with np.errstate(all="ignore"):
        err = np.abs(got.astype(np.float64) - ref.astype(np.float64))
        err = err / np.spacing(np.abs(ref)).astype(np.float64)
    return np.where(got == ref, 0.0, err)


def _budget(fa, name, dtype, kind):
    o = ORACLES[name]
    return (o.ulp if fa.BACKEND == "c" else o.ulp_fallback)[np.dtype(dtype).name, kind]


def _sample_z(name, params, n, seed, lo_mag=1e-38, hi_mag=1e38):
    """n points: uniform over the oracle's range, log-uniform magnitudes, the
    neighbourhood of the zero of g' and the far negative tail."""
    rng = np.random.default_rng(seed)
    lo, hi = ORACLES[name].z_range
    mags = np.exp(rng.uniform(np.log(lo_mag), np.log(hi_mag), n // 4))
    z0 = ZEROS[_row(name, params)]
    return np.concatenate([rng.uniform(lo, hi, n // 2), mags * rng.choice([-1, 1], mags.size),
                           z0 + rng.uniform(-0.3, 0.3, n // 8),
                           rng.uniform(-40, -8, n // 8)])


def _mp_refs(name, params, z):
    o = ORACLES[name]
    with mpmath.workdps(MP_DPS):
        xs = [mpmath.mpf(float(x)) for x in z]
        ra = np.array([float(o.mp_value(mpmath, x, **params)) for x in xs])
        rd = np.array([float(o.mp_derivative(mpmath, x, **params)) for x in xs])
    return ra, rd


@pytest.mark.parametrize("name, params", list(_cases()))
def test_float32_sampled_ulp(fa, name, params):
    o = ORACLES[name]
    z = _sample_z(name, params, 100_000, 1).astype(np.float32)
    a, d = getattr(fa, name + "_and_derivative")(z, **params)
    with np.errstate(all="ignore"):
        ra = o.value(z.astype(np.float64), **params).astype(np.float32)
        rd = o.derivative(z.astype(np.float64), **params).astype(np.float32)
    # the float64 oracle's g' cancels next to its zero: mpmath there
    near = np.abs(z.astype(np.float64) - ZEROS[_row(name, params)]) < 0.3
    _, rd_mp = _mp_refs(name, params, z[near][::7])
    assert _ulp(a, ra).max() <= _budget(fa, name, np.float32, "value")
    far = ~near
    assert _ulp(d[far], rd[far]).max() <= _budget(fa, name, np.float32, "derivative")
    assert _ulp(d[near][::7], rd_mp.astype(np.float32)).max() <= \
        _budget(fa, name, np.float32, "derivative")


@pytest.mark.parametrize("name, params", list(_cases()))
def test_float64_sampled_ulp_against_mpmath(fa, name, params):
    z = _sample_z(name, params, 2_000, 2, hi_mag=1e300)
    z = z[np.abs(z) < 1e5]   # mpmath beyond adds nothing: the linear side
    a, d = getattr(fa, name + "_and_derivative")(z, **params)
    ra, rd = _mp_refs(name, params, z)
    assert _ulp(a, ra).max() <= _budget(fa, name, np.float64, "value")
    assert _ulp(d, rd).max() <= _budget(fa, name, np.float64, "derivative")


def _naive_derivative(row, z):
    """g' as the textbook writes it, in float64."""
    import math
    if row == "gelu":
        erfc = np.vectorize(math.erfc, otypes=[np.float64])
        return 0.5 * erfc(-z / math.sqrt(2)) + z * np.exp(-z * z / 2) / math.sqrt(2 * math.pi)
    if row == "gelu_tanh":
        t = np.tanh(math.sqrt(2 / math.pi) * (z + 0.044715 * z ** 3))
        return 0.5 * (1 + t) + 0.5 * z * (1 - t * t) * math.sqrt(2 / math.pi) * (
            1 + 3 * 0.044715 * z * z)
    t = np.tanh(np.log1p(np.exp(z)))
    return t + z * (1 - t * t) / (1 + np.exp(-z))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name, params", list(_cases()))
def test_derivative_next_to_its_zero(fa, name, params, dtype):
    """g' cancels at its zero z0: every 8th float32 (every float64 of a fine
    grid) within 2^-12 of z0, to 2 ULP of mpmath, where the plain formula is
    10^3+ ULP off."""
    z0 = ZEROS[_row(name, params)]
    if dtype == np.float32:
        lo, hi = np.float32(z0 - 2.0**-12), np.float32(z0 + 2.0**-12)
        bits = np.arange(hi.view(np.uint32), lo.view(np.uint32) + 1, dtype=np.uint32)[::8]
        z = bits.view(np.float32)
    else:
        z = z0 + np.concatenate([np.linspace(-2.0**-12, 2.0**-12, 301),
                                 np.arange(-30, 31) * 2.0**-52])
    d = getattr(fa, name + "_derivative")(z, **params)
    _, ref = _mp_refs(name, params, z)
    ref = ref.astype(dtype)
    assert _ulp(d, ref).max() <= _budget(fa, name, dtype, "derivative")
    # the plain float64 formula really is far off there
    if dtype == np.float64:
        assert _ulp(_naive_derivative(_row(name, params), z), ref).max() > 1000


# where the float32 / float64 results underflow to 0
_TAIL_END = {"gelu": (14.0, 38.5), "gelu_tanh": (10.5, 21.3), "mish": (103.0, 744.0)}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name, params", list(_cases()))
def test_far_negative_tail_keeps_relative_precision(fa, name, params, dtype):
    """Tiny negative values and derivatives down to the subnormals: never 0 or
    flushed early, within the budget of mpmath (one subnormal spacing there)."""
    end = _TAIL_END[_row(name, params)][dtype == np.float64]
    z = (-np.linspace(2, end, 400)).astype(dtype)
    a, d = getattr(fa, name + "_and_derivative")(z, **params)
    ra, rd = _mp_refs(name, params, z)
    ra, rd = ra.astype(dtype), rd.astype(dtype)
    assert np.all(ra < 0) and np.all(a < 0)      # the whole range is still nonzero
    for got, ref, kind in ((a, ra, "value"), (d, rd, "derivative")):
        normal = np.abs(ref) >= np.finfo(dtype).tiny
        assert normal.sum() > 300
        assert _ulp(got[normal], ref[normal]).max() <= _budget(fa, name, dtype, kind)
        spacing = np.finfo(dtype).smallest_subnormal
        assert np.all(np.abs(got[~normal].astype(np.float64) - ref[~normal]) <= 2 * spacing)



@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name, params", list(_cases()))
def test_values_and_derivatives_match_torch_autograd(fa, name, params, dtype):
    torch = pytest.importorskip("torch")
    tiny, eps = np.finfo(dtype).tiny, np.finfo(dtype).eps
    z = np.array([0.0, -0.0, tiny, -tiny, eps, -eps, 1e-7, -1e-7, 0.5, -0.5, 1, -1, 3, -3,
                  -0.75, -1.19, -6, 6, 10, -10], dtype)
    ta, td = s.torch_autograd(torch, name, z, params)
    a, d = getattr(fa, name + "_and_derivative")(z, **params)
    rtol = 2e-6 if dtype == np.float32 else 1e-14
    # torch forms z (1 + erf(z/sqrt 2))/2 and z (1 + tanh u)/2: 1 + erf and 1 + tanh
    # are off by up to eps absolutely (0 at z = -6 in float32, where fastact keeps
    # the tail), so its values are within eps |z| absolutely, not relatively
    assert np.all(np.abs(a - ta) <= rtol * np.abs(ta) + 2 * eps * np.abs(z) + tiny)
    assert np.all(np.abs(d - td) <= rtol * np.abs(td) + 4 * eps)
    np.testing.assert_array_equal(np.signbit(a[:2]), [False, True])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name, params", list(_cases()))
def test_nan_limits_fused_and_backward(fa, name, params, dtype):
    z = np.array([np.nan, -np.inf, np.inf, -1e30, 1e30, -800, -100, 0.7, -0.7, 0.0], dtype)
    a, d = getattr(fa, name + "_and_derivative")(z, **params)
    assert np.isnan(a[0]) and np.isnan(d[0])
    np.testing.assert_array_equal(a[1:3], [0.0, np.inf])
    np.testing.assert_array_equal(d[1:3], [0.0, 1.0])
    np.testing.assert_array_equal(a[3:5], [0.0, 1e30 if dtype == np.float64 else np.float32(1e30)])
    assert np.all(np.isfinite(a[3:])) and np.all(np.isfinite(d[3:]))
    np.testing.assert_array_equal(getattr(fa, name)(z, **params), a)
    np.testing.assert_array_equal(getattr(fa, name + "_derivative")(z, **params), d)
    grad = np.full_like(z, 3.0)
    np.testing.assert_array_equal(getattr(fa, name + "_backward")(grad, z, **params), grad * d)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("name, params", list(_cases()))
def test_dtypes_and_out(fa, name, params, dtype):
    z = np.linspace(-4, 4, 41).astype(dtype)
    out = np.empty_like(z)
    r = getattr(fa, name)(z, out=out, **params)
    assert r is out and r.dtype == dtype
    want = _mp_refs(name, params, z)[0].astype(dtype)
    budget = 1 if dtype == np.float16 else _budget(fa, name, dtype, "value")
    assert _ulp(r, want).max() <= budget


def test_the_choice_parameter(fa):
    z = np.linspace(-3, 3, 13)
    exact, tanh = fa.gelu(z), fa.gelu(z, approximate="tanh")
    assert np.all(exact[z != 0] != tanh[z != 0])
    np.testing.assert_array_equal(fa.gelu(z, approximate="none"), exact)
    np.testing.assert_array_equal(fa.gelu_derivative(z, approximate="tanh"),
                                  fa.gelu_and_derivative(z, approximate="tanh")[1])
    with pytest.raises(ValueError, match="approximate"):
        fa.gelu(z, approximate="erf")
    with pytest.raises(TypeError, match="approximate"):
        fa.gelu(z, approximate=None)
    with pytest.raises(TypeError):
        fa.mish(z, approximate="tanh")


def test_dask_and_xarray_one_call(fa):
    da = pytest.importorskip("dask.array")
    xr = pytest.importorskip("xarray")
    z = np.linspace(-3, 3, 12)
    lazy = fa.gelu_derivative(da.from_array(z, chunks=4), approximate="tanh")
    np.testing.assert_array_equal(lazy.compute(), fa.gelu_derivative(z, approximate="tanh"))
    x = xr.DataArray(z, dims="t")
    np.testing.assert_array_equal(fa.mish(x).values, fa.mish(z))
