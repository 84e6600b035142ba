"""Special arguments through every public function, at every SIMD level and on
the fallback: +-0, +-inf, NaN (with payload and sign), subnormals, +-max of the
dtype, and the kink z = 0 with and without at_zero.  Results and dtypes are
checked against the correctly rounded references of fastact._accuracy.reference
(float64 / long double / mpmath), never against stored arrays."""
from __future__ import annotations

import numpy as np
import pytest

from fastact import _catalogue
from fastact._accuracy.reference import reference_fwd, reference_from_a
from fastact._accuracy.ulp import ulp_error

NAMES = [a.name for a in _catalogue.ACTIVATIONS]
FLOATS = [np.float16, np.float32, np.float64]
ALPHA = 0.01  # leaky_relu's default
_UINT = {2: np.uint16, 4: np.uint32, 8: np.uint64}


def specials(dtype) -> np.ndarray:
    """+-0, +-inf, NaNs of both signs with a payload, the smallest and the
    largest subnormal, the smallest normal and the largest finite, both signs."""
    info = np.finfo(dtype)
    u = _UINT[np.dtype(dtype).itemsize]
    nbits = 8 * np.dtype(dtype).itemsize
    quiet = u(((1 << (info.nexp)) - 1) << info.nmant | 1 << (info.nmant - 1))
    nans = np.array([quiet, quiet | u(1 << (info.nmant - 2)), quiet | u(1 << (nbits - 1))],
                    dtype=u).view(dtype)
    mags = np.array([0.0, np.inf, info.smallest_subnormal,
                     info.smallest_normal - info.smallest_subnormal, info.smallest_normal,
                     info.max], dtype=dtype)
    return np.concatenate([mags, -mags, nans])


def same_zero_sign(got, ref) -> bool:
    zeros = (got == 0) & (ref == 0)
    return bool(np.all(np.signbit(got[zeros]) == np.signbit(ref[zeros])))


def _fn(ns, name, op):
    return getattr(ns, _catalogue.public_name(_catalogue.BY_NAME[name], op))


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("name", NAMES)
def test_functions_of_z(fa_level, name, dtype):
    z = specials(dtype)
    ref_a, ref_d, _ = reference_fwd(name, z, ALPHA)
    grad = np.full_like(z, 3)   # 3 * d is exact for these d (0, 1, 1/4, alpha is rounded)
    both = _fn(fa_level, name, "and_derivative")(z)
    results = {
        "value": (_fn(fa_level, name, "value")(z), ref_a),
        "derivative": (_fn(fa_level, name, "derivative")(z), ref_d),
        "and_derivative[a]": (both[0], ref_a),
        "and_derivative[d]": (both[1], ref_d),
        "backward": (_fn(fa_level, name, "backward")(grad, z),
                     (grad.astype(np.float64) * ref_d).astype(dtype)),
    }
    for what, (got, ref) in results.items():
        assert got.dtype == np.dtype(dtype), what
        err = ulp_error(got, ref)
        assert np.all(err == 0), f"{what}: {dict(zip(z.tolist(), got.tolist()))} vs {ref.tolist()}"
        assert same_zero_sign(got, ref), f"{what}: sign of zero {got.tolist()} vs {ref.tolist()}"


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("name", NAMES)
def test_functions_of_a(fa_level, name, dtype):
    a = specials(dtype)
    if name == "sigmoid":
        a = a[(a >= 0) & (a <= 1) | np.isnan(a)]
    elif name == "tanh":
        a = a[(np.abs(a) <= 1) | np.isnan(a)]
    elif name == "relu":
        a = a[(a >= 0) | np.isnan(a)]
    ref, _ = reference_from_a(name, a, ALPHA)
    for got in (_fn(fa_level, name, "derivative_from_a")(a),
                _fn(fa_level, name, "backward_from_a")(np.ones_like(a), a)):
        assert got.dtype == np.dtype(dtype)
        assert np.all(ulp_error(got, ref) == 0), f"{a.tolist()} -> {got.tolist()} vs {ref.tolist()}"


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ["relu", "leaky_relu"])
def test_nan_passes_through_bit_for_bit(fa_level, name, dtype):
    """relu and leaky_relu select z itself for NaN: payload and sign survive."""
    z = specials(dtype)
    z = z[np.isnan(z)]
    u = _UINT[np.dtype(dtype).itemsize]
    assert np.array_equal(_fn(fa_level, name, "value")(z).view(u), z.view(u))


@pytest.mark.parametrize("name", NAMES)
def test_nan_in_nan_out_everywhere(fa_level, name):
    for dtype in FLOATS:
        z = specials(dtype)
        z = z[np.isnan(z)]
        for op in _catalogue.OPS:
            args = (np.ones_like(z), z) if op.startswith("backward") else (z,)
            out = _fn(fa_level, name, op)(*args)
            for o in (out if isinstance(out, tuple) else (out,)):
                assert np.all(np.isnan(o)), (op, dtype)


@pytest.mark.parametrize("dtype", FLOATS)
def test_relu_kink(fa_level, dtype):
    z = np.array([0.0, -0.0, 1.0, -1.0], dtype=dtype)
    f = fa_level
    assert f.relu_derivative(z).tolist() == [0, 0, 1, 0]
    assert f.relu_derivative(z, at_zero=0.5).tolist() == [0.5, 0.5, 1, 0]
    a, d = f.relu_and_derivative(z, at_zero=1.0)
    assert a.tolist() == [0, 0, 1, 0] and d.tolist() == [1, 1, 1, 0]
    g = np.full_like(z, 4)
    assert f.relu_backward(g, z).tolist() == [0, 0, 4, 0]
    assert f.relu_backward(g, z, at_zero=0.25).tolist() == [1, 1, 4, 0]
    # from the output: a == 0 covers every z <= 0, so no kink value applies
    assert f.relu_derivative_from_a(np.array([0.0, -0.0, 2.0], dtype)).tolist() == [0, 0, 1]
    for out in (f.relu_derivative(z, at_zero=0.5), d):
        assert out.dtype == np.dtype(dtype)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("alpha", [0.01, 0.2])
def test_leaky_relu_kink(fa_level, dtype, alpha):
    z = np.array([0.0, -0.0, 1.0, -1.0], dtype=dtype)
    f = fa_level
    al = float(np.asarray(alpha, dtype))   # the kernels use alpha in the data dtype
    assert f.leaky_relu_derivative(z, alpha).tolist() == [al, al, 1, al]
    assert f.leaky_relu_derivative(z, alpha, at_zero=0.5).tolist() == [0.5, 0.5, 1, al]
    a, d = f.leaky_relu_and_derivative(z, alpha=alpha, at_zero=1.0)
    assert a.tolist() == [0, 0, 1, float(np.asarray(-1.0, dtype) * np.asarray(alpha, dtype))]
    assert d.tolist() == [1, 1, 1, al]
    g = np.full_like(z, 2)
    expect = [float(np.asarray(2, dtype) * np.asarray(al, dtype))] * 2
    assert f.leaky_relu_backward(g, z, alpha).tolist() == expect + [2, expect[0]]
    za = np.array([0.0, -0.0, 2.0, -2.0], dtype)
    assert f.leaky_relu_derivative_from_a(za, alpha).tolist() == [al, al, 1, al]
    assert f.leaky_relu_derivative_from_a(za, alpha, at_zero=0.75).tolist() == [0.75, 0.75, 1, al]
    assert f.leaky_relu_backward_from_a(np.ones_like(za), za, alpha, at_zero=0.75).tolist() == \
        [0.75, 0.75, 1, al]


@pytest.mark.parametrize("in_dtype", [np.bool_, np.int8, np.uint8, np.int32, np.int64, np.uint64])
@pytest.mark.parametrize("name", NAMES)
def test_integer_and_bool_inputs_compute_in_float64(fa_level, name, in_dtype):
    info = np.iinfo(in_dtype) if in_dtype is not np.bool_ else None
    vals = [0, 1] if info is None else sorted({info.min, -1 if info.min < 0 else 0, 0, 1, 2, info.max})
    z = np.array(vals, dtype=in_dtype)
    ref_a, ref_d, _ = reference_fwd(name, z.astype(np.float64), ALPHA)
    a, d = _fn(fa_level, name, "and_derivative")(z)
    assert a.dtype == d.dtype == np.float64
    assert np.all(ulp_error(a, ref_a) <= 2) and np.all(ulp_error(d, ref_d) <= 2)


def test_no_fp_flags_leak(fa_level):
    """Every function on every special value of every dtype raises nothing under
    np.errstate(all="raise"): the kernels clear the flags NaN and inf set."""
    rng = np.random.default_rng(0)
    with np.errstate(all="raise"):
        for dtype in FLOATS:
            z = np.concatenate([specials(dtype), (rng.standard_normal(64) * 100).astype(dtype)])
            grad = np.concatenate([specials(dtype)[::-1], np.ones(64, dtype)])
            for name in _catalogue.BY_NAME:
                for op in _catalogue.OPS:
                    args = (grad, z) if op.startswith("backward") else (z,)
                    _fn(fa_level, name, op)(*args)
                    _fn(fa_level, name, op)(*(x[::-3] for x in args))   # strided too
