"""The softplus family (softplus, log_sigmoid): accuracy against long-double /
mpmath references, PyTorch's conventions (autograd, its threshold switch),
parameter validation, special values, and the API's usual guarantees.  Every
test runs on both backends (the fa / fa_level fixtures)."""
from __future__ import annotations

import warnings

import mpmath
import numpy as np
import pytest

from fastact._accuracy.ref_softplus import EDGES, REFERENCES
from oracles import ORACLES

NAMES = ["softplus", "log_sigmoid"]
LD = np.longdouble
# torch's own tolerances (torch.testing.assert_close defaults)
TOL = {np.float32: dict(rtol=1.3e-6, atol=1e-5), np.float64: dict(rtol=1e-7, atol=1e-7)}


def ulp_error(got, ref, dtype):
    """|got - ref| in ULP of dtype at ref (ref in long double; subnormal spacing
    below the normal range); equal infinities and NaN/NaN are 0."""
    got = np.asarray(got).astype(LD)
    info = np.finfo(dtype)
    with np.errstate(all="ignore"):
        mag = np.abs(ref)
        exp = np.floor(np.log2(np.maximum(mag, LD(info.smallest_normal))))
        spacing = np.exp2(exp - info.nmant)
        err = np.abs(got - ref) / spacing
    same = (got == ref) | (np.isnan(got) & np.isnan(ref))
    return np.where(same, 0.0, err)


def budget(fa, name, dtype, kind):
    o = ORACLES[name]
    table = o.ulp_fallback if fa.BACKEND == "python" else o.ulp
    return table[(np.dtype(dtype).name, kind)]


def sample(dtype, n, lo, hi, seed=0):
    """n points: uniform on [lo, hi], random bit patterns (every binade), and the
    edges where exp(-|z|) reaches the subnormals."""
    rng = np.random.default_rng(seed)
    uint = np.uint32 if dtype == np.float32 else np.uint64
    bits = rng.integers(0, np.iinfo(uint).max, n // 2, dtype=uint, endpoint=True).view(dtype)
    bits = bits[np.isfinite(bits)]
    edges = [float(e) * s for e in EDGES[np.dtype(dtype).name]
             for s in (1, -1)]
    near = np.concatenate([np.linspace(e - 0.5, e + 0.5, 200) for e in edges])
    return np.concatenate([rng.uniform(lo, hi, n // 2), bits, near]).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", NAMES)
def test_value_and_derivative_within_budget(fa, name, dtype):
    z = sample(dtype, 100_000, -40, 40)
    a, d = getattr(fa, name + "_and_derivative")(z)
    ra, rd = REFERENCES[name].wide_fwd(z.astype(LD))
    assert ulp_error(a, ra, dtype).max() <= budget(fa, name, dtype, "value")
    assert ulp_error(d, rd, dtype).max() <= budget(fa, name, dtype, "derivative")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", NAMES)
def test_derivative_from_a_within_budget(fa, name, dtype):
    a = np.abs(sample(dtype, 100_000, 0, 40, seed=1))
    if name == "log_sigmoid":
        a = -a
    got = getattr(fa, name + "_derivative_from_a")(a)
    ref = REFERENCES[name].wide_from_a(a.astype(LD))
    assert ulp_error(got, ref, dtype).max() <= budget(fa, name, dtype, "from_a")


@pytest.mark.parametrize("beta", [2.0, 0.5, 3.0, 1e-3])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softplus_with_beta(fa, beta, dtype):
    """beta != 1: s = beta*z is rounded in the data's dtype (as torch does; sigma(s)
    is ill-conditioned in s for large |s|, so that rounding is the input, not an
    error), then judged against the exact function of that s: <= 2 ULP plus the
    divisions by beta (compiled), the fallback's budget plus one."""
    z = sample(dtype, 20_000, -40 / beta, 40 / beta, seed=2)
    b = dtype(beta)
    with np.errstate(over="ignore"):  # huge z: s = +-inf, as in the kernels
        s = (z * b).astype(LD)
    # where exp(-|s|) is subnormal, its rounding there (as torch's) is not scaled
    # away by the division by beta < 1: judged only where it is normal
    keep = np.abs(s) < -EDGES[np.dtype(dtype).name][0]
    z, s = z[keep], s[keep]
    sp, rd = REFERENCES["softplus"].wide_fwd(s)
    ra = np.maximum(z.astype(LD), 0) + (sp - np.maximum(s, 0)) / LD(b)
    a, d = fa.softplus_and_derivative(z, beta=beta)
    assert ulp_error(a, ra, dtype).max() <= budget(fa, "softplus", dtype, "value") + 1
    assert ulp_error(d, rd, dtype).max() <= budget(fa, "softplus", dtype, "derivative")
    pos = np.abs(z)
    got = fa.softplus_derivative_from_a(pos, beta=beta)
    ref = REFERENCES["softplus"].wide_from_a((pos * b).astype(LD))
    assert ulp_error(got, ref, dtype).max() <= budget(fa, "softplus", dtype, "from_a")


@pytest.mark.parametrize("name", NAMES)
def test_float64_points_against_mpmath(fa, name):
    """A few points through mpmath at 50 digits (independent of the wide formulas)."""
    o = ORACLES[name]
    z = np.array([-745.0, -700.5, -40.0, -20.0, -1.5, -1e-300, 0.0, 1e-10, 0.75, 19.0, 37.0,
                  700.0])
    a, d = getattr(fa, name + "_and_derivative")(z)
    with mpmath.workdps(50):
        ra = np.array([o.mp_value(mpmath, mpmath.mpf(float(x))) for x in z], dtype=LD)
        rd = np.array([o.mp_derivative(mpmath, mpmath.mpf(float(x))) for x in z], dtype=LD)
    assert ulp_error(a, ra, np.float64).max() <= budget(fa, name, np.float64, "value")
    assert ulp_error(d, rd, np.float64).max() <= budget(fa, name, np.float64, "derivative")


# -- PyTorch's conventions

def _torch_value_and_grad(torch, name, z, params):
    t = torch.tensor(z, requires_grad=True)
    y = ORACLES[name].torch(torch, t, **params)
    (g,) = torch.autograd.grad(y.sum(), t)
    return y.detach().numpy(), g.numpy()


TORCH_CASES = [("softplus", {}), ("softplus", {"threshold": 20.0}),
               ("softplus", {"beta": 3.0, "threshold": 20.0}), ("softplus", {"beta": 0.5}),
               ("softplus", {"threshold": 5.0, "beta": 2.0}), ("log_sigmoid", {})]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name,params", TORCH_CASES)
def test_against_torch_autograd(fa, name, params, dtype):
    torch = pytest.importorskip("torch")
    z = np.concatenate([np.linspace(-30, 30, 2001), [0.0, -0.0, 1e-30, -1e-30]]).astype(dtype)
    thr = params.get("threshold")
    if thr is not None:
        # the switch: z with beta*z at threshold exactly and a few ULP on each side
        b = dtype(params.get("beta", 1.0))
        at = dtype(dtype(thr) / b)
        z = np.concatenate([z, [np.nextafter(at, -np.inf, dtype=dtype), at,
                                np.nextafter(at, np.inf, dtype=dtype)]]).astype(dtype)
    ta, td = _torch_value_and_grad(torch, name, z, params)
    a, d = getattr(fa, name + "_and_derivative")(z, **params)
    np.testing.assert_allclose(a, ta, **TOL[dtype])
    np.testing.assert_allclose(d, td, **TOL[dtype])
    if thr is not None:
        # where torch takes the linear branch, so do we: exactly z, slope 1
        linear = z * dtype(params.get("beta", 1.0)) > dtype(thr)
        assert linear.any() and (~linear).any()
        assert np.array_equal(a[linear], z[linear]) and np.all(d[linear] == 1)
        assert np.array_equal(a[linear], ta[linear]) and np.array_equal(d[linear], td[linear])


def test_threshold_none_is_exact_where_torch_is_linear(fa):
    """softplus(25) = 25 + log1p(e^-25): torch's default threshold gives 25, fastact's
    default the exact value (and threshold=20 torch's)."""
    z = np.array([25.0, 30.0])
    exact = z + np.log1p(np.exp(-z))
    assert np.all(exact != z)
    np.testing.assert_array_equal(fa.softplus(z), exact)
    np.testing.assert_array_equal(fa.softplus(z, threshold=20.0), z)
    np.testing.assert_array_equal(fa.softplus_derivative(z, threshold=20.0), [1.0, 1.0])
    assert np.all(fa.softplus_derivative(z) < 1)


# -- parameters

@pytest.mark.parametrize("op", ["", "_derivative", "_and_derivative", "_derivative_from_a"])
@pytest.mark.parametrize("beta,exc,words", [
    (0.0, ValueError, "beta > 0"), (-1.0, ValueError, "beta > 0"),
    (float("nan"), ValueError, "beta must be finite"), (float("inf"), ValueError, "finite"),
    ("2", TypeError, "beta must be a real number"), (True, TypeError, "real number"),
])
def test_bad_beta(fa, op, beta, exc, words):
    x = np.array([1.0, 2.0])
    before = x.copy()
    with pytest.raises(exc, match=words):
        getattr(fa, "softplus" + op)(x, beta=beta)
    np.testing.assert_array_equal(x, before)


def test_bad_threshold_and_float32_beta(fa):
    x = np.array([1.0, 2.0], np.float32)
    with pytest.raises(ValueError, match="threshold must be finite"):
        fa.softplus(x, threshold=float("nan"))
    with pytest.raises(TypeError, match="threshold must be a real number"):
        fa.softplus(x, threshold="20")
    with pytest.raises(ValueError, match="rounds to 0 in float32"):
        fa.softplus(x, beta=1e-60)
    with pytest.raises(TypeError, match="unexpected keyword argument 'threshold'"):
        fa.softplus_derivative_from_a(x, threshold=20.0)
    with pytest.raises(TypeError, match="unexpected keyword argument 'beta'"):
        fa.log_sigmoid(x, beta=2.0)
    # +-inf thresholds are allowed: never / always linear
    np.testing.assert_array_equal(fa.softplus(x, threshold=-np.inf), x)
    np.testing.assert_array_equal(fa.softplus(x, threshold=np.inf), fa.softplus(x))


# -- special values, dtypes and the API's usual guarantees

@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("name", NAMES)
def test_nonfinite(fa_level, name, dtype):
    o = ORACLES[name]
    z = np.array([-np.inf, np.inf, np.nan, -np.nan], dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a, d = getattr(fa_level, name + "_and_derivative")(z)
        lim_a = np.array([*o.limits, np.nan, np.nan], dtype)
        lim_d = np.array([*o.d_limits, np.nan, np.nan], dtype)
        np.testing.assert_array_equal(a, lim_a)
        np.testing.assert_array_equal(d, lim_d)
        # the from-a limits: a at the ends of g's range gives g' at the ends
        ends = np.array([*o.limits, np.nan], dtype)
        np.testing.assert_array_equal(getattr(fa_level, name + "_derivative_from_a")(ends),
                                      np.array([*o.d_limits, np.nan], dtype))
    assert a.dtype == d.dtype == np.dtype(dtype)


def test_log_sigmoid_zero_tail_is_plus_zero(fa_level):
    """Where log_sigmoid underflows (z -> +inf) the result is +0.0, as torch's
    min(z, 0) - log1p(exp(-|z|)) gives, on every backend and level."""
    torch = pytest.importorskip("torch")
    z = np.array([np.inf, 800.0, 1e10, 1e300])
    got = fa_level.log_sigmoid(z)
    want = torch.nn.functional.logsigmoid(torch.tensor(z)).numpy()
    assert np.array_equal(got, want) and not np.signbit(got).any()
    assert not np.signbit(fa_level.log_sigmoid(z[:3].astype(np.float32))).any()


@pytest.mark.parametrize("name", NAMES)
def test_from_a_outside_the_range_is_the_formula(fa_level, name):
    """a < 0 for softplus, a > 0 for log_sigmoid (no z gives it): -expm1(-a) / -expm1(a)
    as written, down to -inf where it overflows, quietly."""
    a = np.array([0.5, 3.0, 40.0, 700.0, 800.0])
    a = -a if name == "softplus" else a
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = getattr(fa_level, name + "_derivative_from_a")(a)
    ref = -np.expm1(np.abs(a).astype(LD))
    assert got[-1] == -np.inf
    assert ulp_error(got[:-1], ref[:-1], np.float64).max() <= 2.0


@pytest.mark.parametrize("name", NAMES)
def test_fused_backward_and_float16(fa, name):
    z = np.linspace(-12, 12, 1001)
    f = getattr(fa, name)
    a, d = getattr(fa, name + "_and_derivative")(z)
    assert np.array_equal(a, f(z)) and np.array_equal(d, getattr(fa, name + "_derivative")(z))
    grad = np.linspace(-3, 3, z.size)
    assert np.array_equal(getattr(fa, name + "_backward")(grad, z), grad * d)
    av = f(z)
    da = getattr(fa, name + "_derivative_from_a")(av)
    assert np.array_equal(getattr(fa, name + "_backward_from_a")(grad, av), grad * da)
    # from a agrees with from z (a loses nothing where g' is not tiny)
    np.testing.assert_allclose(da, d, rtol=1e-12, atol=1e-15)
    h = z.astype(np.float16)
    a16, d16 = getattr(fa, name + "_and_derivative")(h)
    assert a16.dtype == d16.dtype == np.float16
    ra, rd = REFERENCES[name].wide_fwd(h.astype(LD))
    assert ulp_error(a16, ra, np.float16).max() <= 1.0
    assert ulp_error(d16, rd, np.float16).max() <= 1.0


def test_out_dask_xarray(fa):
    z = np.linspace(-5, 5, 64)
    out = np.empty_like(z)
    r = fa.softplus(z, beta=2.0, out=out)
    assert r is out and np.array_equal(out, fa.softplus(z, beta=2.0))
    o1, o2 = np.empty_like(z), np.empty_like(z)
    fa.log_sigmoid_and_derivative(z, out=(o1, o2))
    assert np.array_equal(o1, fa.log_sigmoid(z))
    da = pytest.importorskip("dask.array")
    lazy = fa.softplus_derivative(da.from_array(z, chunks=16), threshold=2.0)
    assert isinstance(lazy, da.Array)
    assert np.array_equal(lazy.compute(), fa.softplus_derivative(z, threshold=2.0))
    xr = pytest.importorskip("xarray")
    x = xr.DataArray(z, dims=["t"])
    got = fa.log_sigmoid(x)
    assert isinstance(got, xr.DataArray) and np.array_equal(got.values, fa.log_sigmoid(z))


# -- squareplus at the format's extremes (its generic tests take b = 4 and its sets)

def _mp_ld(fn, *args):
    """fn(mpmath, *args) at 60 digits, as a long double (via its decimal string)."""
    with mpmath.workdps(60):
        return LD(mpmath.nstr(fn(mpmath, *(mpmath.mpf(float(x)) for x in args)), 40))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_squareplus_extremes_finite_and_right(fa_level, dtype):
    """|z| and a up to the largest finite number, b up to it too: every result
    finite and right at every level.  Without FMA the quotients' rounded products
    overflowed there (g'(max - 1 ULP) was -inf, g(-max/2) with b = max NaN), and
    with b beyond 2^1000 (float32: 2^120) the from-a square reached the subnormals
    where g' is normal (10^5 ULP at a = 0.001)."""
    o = ORACLES["squareplus"]
    info = np.finfo(dtype)
    big = np.array([info.max, np.nextafter(info.max, dtype(0)), info.max / 2, info.max / 4 * 3,
                    dtype(2.0) ** (info.maxexp - 30)], dtype)
    z = np.concatenate([big, -big, np.array([0.0, 1e-3, 1.0, 3.5], dtype)])
    for b in (dtype(4), info.max, info.max / 3, dtype(2.0) ** (info.maxexp - 30)):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            g, d = fa_level.squareplus_and_derivative(z, b=b)
            da = fa_level.squareplus_derivative_from_a(np.abs(z), b=b)
        rg = np.array([_mp_ld(o.mp_value, x, b) for x in z])
        rd = np.array([_mp_ld(o.mp_derivative, x, b) for x in z])
        ra = np.array([_mp_ld(o.mp_derivative_from_a, x, b) for x in np.abs(z)])
        assert np.isfinite(g).all() and np.isfinite(d).all() and np.isfinite(da).all()
        assert ulp_error(g, rg, dtype).max() <= 1, (b, ulp_error(g, rg, dtype))
        assert ulp_error(d, rd, dtype).max() <= 1, (b, ulp_error(d, rd, dtype))
        assert ulp_error(da, ra, dtype).max() <= 1, (b, ulp_error(da, ra, dtype))


@pytest.mark.parametrize("op", ["squareplus", "squareplus_derivative", "squareplus_and_derivative",
                                "squareplus_derivative_from_a", "squareplus_backward"])
def test_squareplus_b_below_2_pow_minus_64_is_refused(fa, op):
    """b below 2^-64 lost the from-a derivative (10^6 ULP at b = 2^-120 in float32):
    every operation refuses it with a ValueError naming b; 2^-64 itself is served."""
    fn = getattr(fa, op)
    args = (np.ones(3, np.float32),) * (2 if "backward" in op else 1)
    with pytest.raises(ValueError, match=r"b >= 2\*\*-64"):
        fn(*args, b=2.0 ** -65)
    got = fn(*args, b=2.0 ** -64)
    assert all(np.isfinite(g).all() for g in (got if isinstance(got, tuple) else (got,)))
