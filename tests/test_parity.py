"""The two backends side by side: the same call raises the same exception type
or gives the same result (issue 11, item 13).  The compiled side of a bare
ufunc is NumPy's own ufunc behaviour, so that is what the fallback matches."""
from __future__ import annotations

import numpy as np
import pytest

import reference as ref
from oracles import support as s
from fastact import _backends, _catalogue

ALL = _catalogue.all_public_names()


@pytest.fixture
def both(c_module):
    return _backends.namespace("c"), _backends.namespace("python")


def _outcome(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except Exception as e:  # the exception type is what must agree
        return type(e)


@pytest.mark.parametrize("name", ALL)
def test_out_none_means_allocate(fa, name):
    z = np.linspace(-3, 3, 7)
    args = (z,) * ref.nin(name)
    fn = s.by_public(fa, name)
    want = fn(*args)
    got = fn(*args, out=None)
    for g, w in zip(*(((x,) if ref.nout(name) == 1 else x) for x in (got, want))):
        assert g is not w
        np.testing.assert_array_equal(g, w)


@pytest.mark.parametrize("out_dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ALL)
def test_float16_input_with_wider_out_is_rounded_to_float16_first(fa, name, out_dtype):
    # One rule for both: the inputs decide the computation (float16: computed in
    # float32, rounded to float16), then the result is cast to out, as a ufunc does.
    z = np.linspace(-3, 3, 4001).astype(np.float16)
    if name.endswith("_from_a"):
        z = np.linspace(0.0, 1.0, 4001).astype(np.float16)
    args = (z,) * ref.nin(name)
    fn = s.by_public(fa, name)
    want = fn(*args)
    want = want if isinstance(want, tuple) else (want,)
    outs = tuple(np.full(z.shape, np.nan, out_dtype) for _ in want)
    fn(*args, out=outs if len(outs) == 2 else outs[0])
    for o, w in zip(outs, want):
        assert w.dtype == np.float16
        np.testing.assert_array_equal(o, w.astype(out_dtype))


def _bad_outs(name, z):
    n = ref.nout(name)
    good = [np.empty_like(z) for _ in range(n)]
    cases = [tuple(good) + (np.empty_like(z),),   # a tuple one too long
             [*good],                             # a list
             3,                                   # not an array
             (3,) * n]                            # a tuple of non-arrays
    cases.append(good[0] if n == 2 else (good[0], good[0]))  # non-tuple / too long
    if n == 2:
        cases.append((good[0],))                  # a tuple one too short
    return cases


@pytest.mark.parametrize("name", ALL)
def test_bad_out_structure_raises_the_same_type(both, name):
    c, py = both
    z = np.linspace(-1, 1, 5)
    complex_z = z.astype(complex)
    for out in _bad_outs(name, z):
        # alone, and with a bad input or parameter: the out check comes first
        calls = [((z,) * ref.nin(name), {}), ((complex_z,) * ref.nin(name), {})]
        for param in ref.params(name):   # a bad parameter (every numeric one rejects NaN)
            calls.append(((z,) * ref.nin(name), {param: float("nan")}))
        for args, kw in calls:
            got_c = _outcome(s.by_public(c, name), *args, out=out, **kw)
            got_py = _outcome(s.by_public(py, name), *args, out=out, **kw)
            assert isinstance(got_c, type) and issubclass(got_c, Exception), (out, got_c)
            assert got_c is got_py, (name, repr(out), kw, got_c, got_py)


@pytest.mark.parametrize("name", ALL)
def test_bad_out_messages_name_the_problem(fa, name):
    z = np.linspace(-1, 1, 5)
    args = (z,) * ref.nin(name)
    fn = s.by_public(fa, name)
    with pytest.raises(ValueError, match="out.*(entry per|exactly one)"):
        fn(*args, out=(np.empty(5),) * (ref.nout(name) + 1))
    with pytest.raises(TypeError, match="out|ArrayType"):
        fn(*args, out=[np.empty(5)] * ref.nout(name))


def test_more_than_32_dims(fa):
    # NumPy 2 ufuncs take up to 64 dims (NumPy 1: 32); np.broadcast stops at 32
    ndim = 40 if np.lib.NumpyVersion(np.__version__) >= "2.0.0" else 32
    shape = (1,) * (ndim - 1) + (3,)
    z = np.array([-1.0, 0.0, 2.0]).reshape(shape)
    for name in ALL:
        args = (z,) * ref.nin(name)
        fn = s.by_public(fa, name)
        want = fn(*(np.ravel(x) for x in args))
        outs = tuple(np.empty(shape) for _ in range(ref.nout(name)))
        fn(*args, out=outs if len(outs) == 2 else outs[0])
        got = fn(*args)
        for o, g, w in zip(outs, *((x if isinstance(x, tuple) else (x,)) for x in (got, want))):
            assert o.shape == g.shape == shape, name
            np.testing.assert_array_equal(o.ravel(), w, err_msg=name)
            np.testing.assert_array_equal(g.ravel(), w, err_msg=name)


# -- out= with dask and xarray: what dask and xarray do for NumPy's own ufuncs
# (np.tanh is the reference), for every function of both backends.

def _duck_call(fn, name, x, out):
    return fn(*(x,) * ref.nin(name), out=out if ref.nout(name) == 2 else out[0])


@pytest.mark.parametrize("name", ALL)
def test_xarray_with_numpy_out_writes_into_out(fa, name):
    xr = pytest.importorskip("xarray")
    values = np.linspace(0.1, 0.9, 6).reshape(2, 3)
    x = xr.DataArray(values, dims=("layer", "unit"), attrs={"units": "1"})
    outs = tuple(np.zeros((2, 3)) for _ in range(ref.nout(name)))
    got = _duck_call(s.by_public(fa, name), name, x, outs)
    want = s.by_public(fa, name)(*(values,) * ref.nin(name))
    got, want = ((g if isinstance(g, tuple) else (g,)) for g in (got, want))
    numpy_own = np.tanh(x, out=np.zeros((2, 3)))  # NumPy's own ufunc through xarray
    for g, o, w in zip(got, outs, want):
        assert type(g) is type(numpy_own) and g.dims == numpy_own.dims
        np.testing.assert_array_equal(o, w)
        assert np.shares_memory(g.values, o)


@pytest.mark.parametrize("name", ALL)
def test_dask_out_semantics(fa, name):
    da = pytest.importorskip("dask.array")
    values = np.linspace(0.1, 0.9, 6)
    z = da.from_array(values, chunks=3)
    n = ref.nout(name)
    with pytest.raises(NotImplementedError):  # as np.tanh(z, out=np.zeros(6))
        _duck_call(s.by_public(fa, name), name, z, tuple(np.zeros(6) for _ in range(n)))
    outs = tuple(da.zeros(6, chunks=3) for _ in range(n))
    got = _duck_call(s.by_public(fa, name), name, z, outs)
    want = s.by_public(fa, name)(*(values,) * ref.nin(name))
    got, want = ((g if isinstance(g, tuple) else (g,)) for g in (got, want))
    for g, o, w in zip(got, outs, want):
        assert g is o  # the dask array given as out= now holds the lazy result
        np.testing.assert_array_equal(o.compute(), w)


@pytest.mark.parametrize("name", ALL)
def test_xarray_as_out_is_not_implemented(fa, name):
    xr = pytest.importorskip("xarray")
    x = xr.DataArray(np.linspace(0.1, 0.9, 3))
    with pytest.raises(NotImplementedError, match="out"):
        _duck_call(s.by_public(fa, name), name, x, tuple(x.copy() for _ in range(ref.nout(name))))
    with pytest.raises(NotImplementedError, match="out"):
        _duck_call(s.by_public(fa, name), name, x.values, tuple(x.copy()
                                                            for _ in range(ref.nout(name))))
