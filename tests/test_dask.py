"""Every public function on dask arrays: lazy, chunks kept, same values as the
eager call and as the float64 reference, on both backends."""
from __future__ import annotations

import subprocess
import sys
import threading

import numpy as np
import pytest

from fastact import _catalogue
from _ecosystem_reference import CASES, NAMES, call, check, expected, grid, public, tolerance

da = pytest.importorskip("dask.array")
dask = pytest.importorskip("dask")

CHUNK = 300


class ComputeCounter:
    """A dask array whose blocks count how often they are computed: laziness is
    'the counter is still 0 after the call'."""

    def __init__(self) -> None:
        self.calls = 0
        self._lock = threading.Lock()

    def wrap(self, x: np.ndarray) -> "da.Array":
        def block(b):
            with self._lock:
                self.calls += 1
            return b
        return da.from_array(x, chunks=CHUNK).map_blocks(block, meta=np.empty((0,), x.dtype))


def lazy_inputs(name, z, grad, counter):
    a = expected(name, "value", z, grad)
    return counter.wrap(z), counter.wrap(grad), counter.wrap(a), a


@pytest.mark.parametrize("name,op", CASES)
def test_every_function_is_lazy_and_exact(fa, name, op):
    z = grid()
    grad = np.cos(z) * 3
    counter = ComputeCounter()
    dz, dgrad, da_, a = lazy_inputs(name, z, grad, counter)
    fn = getattr(fa, public(name, op))
    args, kwargs = call(name, op, dz, dgrad, da_)
    result = fn(*args, **kwargs)
    results = result if op == "and_derivative" else (result,)
    assert len(results) == (2 if op == "and_derivative" else 1)
    for r in results:
        assert isinstance(r, da.Array)
        assert r.chunks == dz.chunks
        assert r.dtype == np.float64
    assert counter.calls == 0, "calling the function computed something"
    computed = dask.compute(*results, scheduler="synchronous")
    assert counter.calls > 0
    eargs, ekw = call(name, op, z, grad, a)
    eager = fn(*eargs, **ekw)
    eagers = eager if op == "and_derivative" else (eager,)
    for c, e in zip(computed, eagers):
        np.testing.assert_array_equal(c, e)
    check(computed if op == "and_derivative" else computed[0], expected(name, op, z, grad),
          **tolerance(op))


def test_float32_and_2d_chunks_kept(fa):
    z = grid(4000).astype(np.float32).reshape(40, 100)
    dz = da.from_array(z, chunks=(16, 30))
    a, d = fa.tanh_and_derivative(dz)
    assert a.dtype == d.dtype == np.float32
    assert a.chunks == d.chunks == dz.chunks
    ra, rd = expected("tanh", "and_derivative", z.astype(np.float64), None)
    np.testing.assert_allclose(a.compute(), ra, rtol=2e-6, atol=1e-37)
    np.testing.assert_allclose(d.compute(), rd, rtol=2e-6, atol=1e-37)


def test_parameters_and_broadcasting(fa):
    z = grid(600)
    dz = da.from_array(z, chunks=CHUNK // 2)
    alpha = np.linspace(0.05, 0.5, 600)  # an array alpha is cut into blocks with z
    got = fa.leaky_relu_derivative(dz, alpha, at_zero=0.25).compute()
    want = np.where(z > 0, 1.0, np.where(z < 0, alpha, 0.25))
    np.testing.assert_array_equal(got, want)
    # grad (2-D, other chunks) broadcasts against z (1-D)
    grad = np.arange(3 * 600, dtype=np.float64).reshape(3, 600)
    dgrad = da.from_array(grad, chunks=(2, 250))
    got = fa.leaky_relu_backward(dgrad, dz, alpha=0.2, at_zero=1.0).compute()
    kink = np.where(z > 0, 1.0, np.where(z < 0, 0.2, 1.0))
    np.testing.assert_allclose(got, grad * kink, rtol=1e-15)
    # a Python scalar grad with dask z
    np.testing.assert_allclose(fa.sigmoid_backward(2.0, dz).compute(),
                               2 * expected("sigmoid", "derivative", z, None), rtol=1e-13)


def test_bad_arguments_raise_at_call_time(fa):
    dz = da.from_array(grid(600), chunks=CHUNK)
    with pytest.raises(ValueError, match="alpha > 0"):
        fa.leaky_relu_derivative_from_a(dz, alpha=-0.1)
    with pytest.raises(ValueError, match="finite"):
        fa.leaky_relu(dz, alpha=float("nan"))
    with pytest.raises(TypeError, match="unexpected keyword"):
        fa.tanh_and_derivative(dz, alpha=0.1)
    # dask's own answer for NumPy out= arrays (as for a bare ufunc): tests/test_parity.py
    with pytest.raises(NotImplementedError, match="out parameter"):
        fa.sigmoid_and_derivative(dz, out=(np.empty(600), np.empty(600)))
    with pytest.raises(TypeError, match="complex"):
        fa.sigmoid_and_derivative(dz.astype(np.complex128))


def test_compiled_single_output_ufuncs_stay_ufuncs_and_go_native(fa):
    if fa.BACKEND != "c":
        pytest.skip("the compiled backend's ufuncs")
    dz = da.from_array(grid(600), chunks=CHUNK)
    for name in NAMES:
        fn = getattr(fa, name)
        act = _catalogue.BY_NAME[name]
        if not act.params("value") and act.choice is None:   # no parameter: the ufunc itself
            assert isinstance(fn, np.ufunc)
            # dask's own __array_ufunc__ builds the graph: the task is the ufunc
            assert isinstance(fn(dz), da.Array)
    assert isinstance(fa.sigmoid_derivative, np.ufunc)


def test_numpy_input_never_imports_dask_or_xarray():
    code = ("import sys, numpy as np, fastact\n"
            "a, d = fastact.tanh_and_derivative(np.linspace(-3, 3, 7))\n"
            "fastact.leaky_relu_backward(np.ones(7), np.ones(7), alpha=0.2)\n"
            "bad = [m for m in ('dask', 'xarray', 'distributed') if m in sys.modules]\n"
            "sys.exit(str(bad) if bad else 0)\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
