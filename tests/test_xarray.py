"""Every public function on xarray objects (NumPy- and dask-backed): dims,
coords and attrs kept, dask-backed data stays lazy, values match the float64
reference, on both backends."""
from __future__ import annotations

import numpy as np
import pytest

from _ecosystem_reference import CASES, call, check, expected, grid, public, tolerance

xr = pytest.importorskip("xarray")


def data_array(values: np.ndarray) -> "xr.DataArray":
    values = values.reshape(3, -1)
    return xr.DataArray(values, dims=("layer", "unit"),
                        coords={"layer": ["in", "hidden", "out"],
                                "unit": np.arange(values.shape[1]) * 10},
                        attrs={"units": "logit"})


def assert_same_frame(r, like):
    assert isinstance(r, xr.DataArray)
    assert r.dims == like.dims
    xr.testing.assert_identical(r.coords.to_dataset(), like.coords.to_dataset())
    assert r.attrs == like.attrs  # as xarray does for NumPy ufuncs


@pytest.mark.parametrize("backing", ["numpy", "dask"])
@pytest.mark.parametrize("name,op", CASES)
def test_every_function_keeps_dims_and_coords(fa, name, op, backing):
    z = grid(2001)[:1998]
    grad = np.sin(z) * 2
    a = expected(name, "value", z, grad)
    xz, xgrad, xa = data_array(z), data_array(grad), data_array(a)
    if backing == "dask":
        pytest.importorskip("dask.array")
        xz, xgrad, xa = (x.chunk({"unit": 200}) for x in (xz, xgrad, xa))
    args, kwargs = call(name, op, xz, xgrad, xa)
    result = getattr(fa, public(name, op))(*args, **kwargs)
    results = result if op == "and_derivative" else (result,)
    assert isinstance(result, tuple) == (op == "and_derivative")
    for r in results:
        assert_same_frame(r, xz)
        if backing == "dask":
            import dask.array as da
            assert isinstance(r.data, da.Array), "dask-backed data was computed"
            assert r.chunks == xz.chunks
        else:
            assert isinstance(r.data, np.ndarray)
    values = tuple(np.asarray(r.values).ravel() for r in results)
    check(values if op == "and_derivative" else values[0], expected(name, op, z, grad),
          **tolerance(op))


def test_parameters_and_alignment(fa):
    z = grid(600)
    xz = data_array(z)
    got = fa.leaky_relu_derivative(xz, alpha=0.3, at_zero=0.5)
    want = np.where(z > 0, 1.0, np.where(z < 0, 0.3, 0.5)).reshape(3, -1)
    np.testing.assert_array_equal(got.values, want)
    # a DataArray alpha per layer broadcasts by dimension name
    alpha = xr.DataArray([0.1, 0.2, 0.3], dims="layer", coords={"layer": xz.layer})
    got = fa.leaky_relu(xz, alpha)
    assert got.dims == ("layer", "unit")
    zz = z.reshape(3, -1)
    np.testing.assert_allclose(got.values,
                               np.where(zz > 0, zz, np.array([[0.1], [0.2], [0.3]]) * zz),
                               rtol=1e-15)
    # grad and z are aligned on their coords (xarray's inner join)
    grad = xr.ones_like(xz).isel(unit=slice(0, 50))
    back = fa.tanh_backward(grad, xz)
    assert back.sizes == {"layer": 3, "unit": 50}
    np.testing.assert_allclose(back.values,
                               expected("tanh", "derivative", zz[:, :50], None), rtol=1e-13)


def test_dataset_and_float32(fa):
    z = grid(600).astype(np.float32)
    ds = xr.Dataset({"pre": ("n", z), "post": ("n", -z)}, coords={"n": np.arange(600)})
    a, d = fa.sigmoid_and_derivative(ds)
    assert set(a.data_vars) == {"pre", "post"}
    assert a["pre"].dtype == np.float32
    ra, rd = expected("sigmoid", "and_derivative", z.astype(np.float64), None)
    np.testing.assert_allclose(a["pre"].values, ra, rtol=2e-6)
    np.testing.assert_allclose(d["post"].values, rd, rtol=2e-6)
