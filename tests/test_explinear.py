"""Family B (elu, selu, celu, silu, softsign, tanhshrink) on both backends: values
and derivatives within their ULP budgets against the oracles
(tests/oracles/explinear.py) and mpmath, the kinks and the values against
torch's autograd (float32 and float64), from-a against from-z, the cancellations
(silu' at its zero, z - tanh z near 0), limits and NaN, parameter checks.

The accuracy over float32 is swept by hand with tests/c/run_ulp_sweep.sh
(docs/accuracy.md); the sampled tests here hold the same budgets."""
from __future__ import annotations

import numpy as np
import pytest

from oracles import ORACLES
from oracles import support as s
from oracles.support import with_defaults

mpmath = pytest.importorskip("mpmath")
# z - tanh z at z ~ 1e-38 cancels 76 digits: enough for every float64 result
MP_DPS = 120

NAMES = ("elu", "selu", "celu", "silu", "softsign", "tanhshrink")
FROM_A = ("elu", "selu", "celu", "softsign")


def _cases(names=NAMES):
    for name in names:
        for p in ({},) + tuple(ORACLES[name].param_sets):
            yield pytest.param(name, p, id=name + "-" + (",".join(f"{k}={v}" for k, v in p.items())
                                                         or "defaults"))


def _ulp(got, ref):
    """|got - ref| in ULP of ref's dtype (ref already rounded to it); equal values,
    infinities included, are 0."""
    got, ref = np.asarray(got), np.asarray(ref)
    with np.errstate(all="ignore"):
        err = np.abs(got.astype(np.float64) - ref.astype(np.float64))
        err = err / np.spacing(np.abs(ref)).astype(np.float64)
    return np.where(got == ref, 0.0, err)


def _budget(fa, name, dtype, kind, params=None):
    o = ORACLES[name]
    table = o.ulp if fa.BACKEND == "c" else o.ulp_fallback
    if name == "celu" and (params or {}).get("alpha", 1.0) < 0:
        table = o.extra["ulp_negative_alpha"]
    return table[np.dtype(dtype).name, kind]


def _sample_z(name, n, seed):
    """n points: uniform over the oracle's range, log-uniform magnitudes over the
    whole float32 range, and the neighbourhood of silu's zero of g'."""
    rng = np.random.default_rng(seed)
    lo, hi = ORACLES[name].z_range
    mags = np.exp(rng.uniform(np.log(1e-38), np.log(1e38), n // 4))
    z = np.concatenate([rng.uniform(lo, hi, n // 2), mags * rng.choice([-1, 1], mags.size),
                        ORACLES["silu"].extra["zero_of_derivative"] + rng.uniform(-0.3, 0.3, n // 4)])
    return z


@pytest.mark.parametrize("name, params", list(_cases()))
def test_float32_sampled_ulp(fa, name, params):
    o = ORACLES[name]
    z = _sample_z(name, 100_000, 1).astype(np.float32)
    a, d = getattr(fa, name + "_and_derivative")(z, **params)
    # the kernels see the parameters rounded to the compute dtype, and exp(z/alpha)
    # magnifies alpha's rounding: the reference takes the same alpha
    p32 = {k: float(np.float32(v)) for k, v in params.items()}
    with np.errstate(all="ignore"):
        ra = o.value(z.astype(np.float64), **p32).astype(np.float32)
        rd = o.derivative(z.astype(np.float64), **p32).astype(np.float32)
    assert _ulp(a, ra).max() <= _budget(fa, name, np.float32, "value", params)
    assert _ulp(d, rd).max() <= _budget(fa, name, np.float32, "derivative", params)


def _mp_round64(v):
    return float(v)  # mpmath -> nearest double (mpf to float rounds correctly)


@pytest.mark.parametrize("name, params", list(_cases()))
def test_float64_sampled_ulp_against_mpmath(fa, name, params):
    o = ORACLES[name]
    z = _sample_z(name, 2_000, 2)
    z = z[np.abs(z) < 700]  # mpmath in the far tails is slow and adds nothing here
    a, d = getattr(fa, name + "_and_derivative")(z, **params)
    with mpmath.workdps(MP_DPS):
        ra = np.array([_mp_round64(o.mp_value(mpmath, mpmath.mpf(x), **params)) for x in z])
        rd = np.array([_mp_round64(o.mp_derivative(mpmath, mpmath.mpf(x), **params)) for x in z])
    assert _ulp(a, ra).max() <= _budget(fa, name, np.float64, "value", params)
    assert _ulp(d, rd).max() <= _budget(fa, name, np.float64, "derivative", params)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_silu_derivative_next_to_its_zero(fa, dtype):
    """silu' = sigma (1 + z (1 - sigma)) cancels at z0 = -1.2785: every float of
    dtype within 2^-12 of z0 (float32: all ~34000 of them), to 2 ULP of mpmath,
    where the plain formula is 10^5+ ULP off."""
    z0 = ORACLES["silu"].extra["zero_of_derivative"]
    if dtype == np.float32:
        lo, hi = np.float32(z0 - 2.0**-12), np.float32(z0 + 2.0**-12)
        bits = np.arange(hi.view(np.uint32), lo.view(np.uint32) + 1, dtype=np.uint32)[::8]
        z = bits.view(np.float32)
    else:
        z = z0 + np.concatenate([np.linspace(-2.0**-12, 2.0**-12, 1001),
                                 np.arange(-50, 51) * 2.0**-52])
    d = fa.silu_derivative(z)
    with mpmath.workdps(MP_DPS):
        ref = np.array([float(ORACLES["silu"].mp_derivative(mpmath, mpmath.mpf(float(x))))
                        for x in z]).astype(dtype)
    assert _ulp(d, ref).max() <= 2
    # the naive formula really is far off there (what the compensated path is for)
    s = 1 / (1 + np.exp(-z))
    assert _ulp((s * (1 + z * (1 - s))).astype(dtype), ref).max() > 1000


def test_silu_float64_far_tail_is_subnormal_not_zero(fa):
    """float64 silu and silu' are subnormal, not 0, down to z = -751.8, past the
    -750 at which the shared exp helper clamps (the compiled kernel returned 0 for
    -1.5e-323 at z = -750.11: 3 ULP; the sampled float64 accuracy run found it).
    The fallback too (its np.exp(-|z|) was itself subnormal: ~370 ULP at -745)."""
    z = -np.linspace(745.0, 753.0, 1601)
    a, d = fa.silu_and_derivative(z)
    with mpmath.workdps(MP_DPS):
        ra = np.array([float(ORACLES["silu"].mp_value(mpmath, mpmath.mpf(x))) for x in z])
        rd = np.array([float(ORACLES["silu"].mp_derivative(mpmath, mpmath.mpf(x))) for x in z])
    assert np.count_nonzero(ra) > 1000  # the tail really has nonzero results
    assert _ulp(a, ra).max() <= _budget(fa, "silu", np.float64, "value")
    assert _ulp(d, rd).max() <= _budget(fa, "silu", np.float64, "derivative")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_tanhshrink_keeps_relative_precision_near_zero(fa, dtype):
    z = np.array([1e-30, 1e-12, 1e-6, 1e-3, 0.1, 0.3, 0.6, -1e-6, 5e-14], dtype)
    got = fa.tanhshrink(z)
    with mpmath.workdps(MP_DPS):
        ref = np.array([float(mpmath.mpf(float(x)) - mpmath.tanh(mpmath.mpf(float(x))))
                        for x in z]).astype(dtype)
    assert _ulp(got, ref).max() <= _budget(fa, "tanhshrink", dtype, "value")
    assert np.all(np.signbit(got) == np.signbit(z))


# -- torch: values, autograd derivatives, kinks


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name, params", list(_cases()))
def test_kinks_and_values_match_torch_autograd(fa, name, params, dtype):
    torch = pytest.importorskip("torch")
    tiny = np.finfo(dtype).tiny
    eps = np.finfo(dtype).eps
    z = np.array([0.0, -0.0, tiny, -tiny, eps, -eps, 1e-7, -1e-7, 0.5, -0.5, 1, -1, 3, -3,
                  -10, 10], dtype)
    ta, td = s.torch_autograd(torch, name, z, params)
    a, d = getattr(fa, name + "_and_derivative")(z, **params)
    # at the kink z = 0 torch's backward convention (the exponential branch for
    # z <= 0), up to torch's own rounding of lambda*alpha and alpha*(1/alpha)
    np.testing.assert_allclose(d[:2], td[:2], rtol=1e-7, atol=0)
    rtol = 2e-6 if dtype == np.float32 else 1e-14
    if name == "celu" and params:
        rtol = 2e-5  # torch takes 1/alpha in float32, also for float64 (exp magnifies it)
    # torch's own formulas cancel where fastact's do not (z - tanh z near 0,
    # tanhshrink' = 1 - tanh'): an absolute slack of eps relative to z there
    slack = eps * np.abs(z.astype(np.float64))
    assert np.all(np.abs(a - ta) <= rtol * np.abs(ta) + slack)
    assert np.all(np.abs(d - td) <= rtol * np.abs(td) + 4 * eps)


# -- from-a, NaN, limits, fused, backward

@pytest.mark.parametrize("name, params", list(_cases(FROM_A)))
def test_from_a_matches_from_z(fa, name, params):
    z = np.linspace(-8, 8, 1601)
    a = getattr(fa, name)(z, **params)
    d = getattr(fa, name + "_derivative")(z, **params)
    da = getattr(fa, name + "_derivative_from_a")(a, **params)
    # a carries its own rounding: a few ULP of a, relative to d
    np.testing.assert_allclose(da, d, rtol=1e-13, atol=1e-15)
    grad = np.linspace(-2, 2, z.size)
    np.testing.assert_array_equal(getattr(fa, name + "_backward_from_a")(grad, a, **params),
                                  grad * da)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name, params", list(_cases()))
def test_nan_limits_fused_and_backward(fa, name, params, dtype):
    o = ORACLES[name]
    z = np.array([np.nan, -np.inf, np.inf, -1e30, 1e30, -800, -100, 0.7, -0.7], dtype)
    a, d = getattr(fa, name + "_and_derivative")(z, **params)
    assert np.isnan(a[0]) and np.isnan(d[0])
    full = with_defaults(name, params)
    lim_lo, lim_hi = o.value_limits(full)
    if name == "celu" and full["alpha"] < 0:
        assert a[1] == -np.inf and d[1] == np.inf
    else:
        np.testing.assert_allclose(a[1:3], [lim_lo, lim_hi], rtol=1e-6)
        np.testing.assert_array_equal(d[1:3], np.array(o.derivative_limits(full), dtype))
    assert np.all(np.isfinite(a[3:])) or name == "celu"
    # fused == separate, bit for bit; backward = grad * g' rounded once
    np.testing.assert_array_equal(getattr(fa, name)(z, **params), a)
    np.testing.assert_array_equal(getattr(fa, name + "_derivative")(z, **params), d)
    grad = np.full_like(z, 3.0)
    np.testing.assert_array_equal(getattr(fa, name + "_backward")(grad, z, **params), grad * d)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtypes_and_out(fa, dtype):
    z = np.linspace(-4, 4, 41).astype(dtype)
    for name in NAMES:
        out = np.empty_like(z)
        r = getattr(fa, name)(z, out=out)
        assert r is out and r.dtype == dtype
        want = ORACLES[name].value(z.astype(np.float64)).astype(dtype)
        budget = 1 if dtype == np.float16 else max(4, _budget(fa, name, dtype, "value"))
        assert _ulp(r, want).max() <= budget


def test_parameter_errors(fa):
    with pytest.raises(ValueError, match="alpha"):
        fa.celu(np.ones(3), alpha=0.0)
    with pytest.raises(ValueError, match="alpha"):
        fa.elu_derivative_from_a(np.ones(3), alpha=-1.0)
    with pytest.raises(ValueError, match="alpha"):
        fa.elu(np.ones(3), alpha=float("nan"))
    with pytest.raises(TypeError):
        fa.selu(np.ones(3), alpha=1.0)
    # elu's from-z operations take any finite alpha, as torch does
    np.testing.assert_allclose(fa.elu(np.array([-1.0]), alpha=-2.0), [-2.0 * np.expm1(-1.0)])


def test_dask_and_xarray_one_call(fa):
    da = pytest.importorskip("dask.array")
    xr = pytest.importorskip("xarray")
    z = np.linspace(-3, 3, 12)
    lazy = fa.silu_derivative(da.from_array(z, chunks=4))
    np.testing.assert_array_equal(lazy.compute(), fa.silu_derivative(z))
    x = xr.DataArray(z, dims="t")
    np.testing.assert_array_equal(fa.celu(x, alpha=2.0).values, fa.celu(z, alpha=2.0))
