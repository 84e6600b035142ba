"""Extra memory is bounded whatever the size (issue 11, item 14): beyond the
outputs themselves, a call allocates a few blocks, in place, with a separate
out= or allocating its outputs, in both backends.  And the fallback's blocked
path gives the unblocked computation's results bit for bit."""
from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

import reference as ref
from oracles import ORACLES
from oracles import support as s
from fastact import _backends, _fallback, _catalogue

ALL = _catalogue.all_public_names()
N = 2 ** 20                    # 8 MB of float64 per array: any temporary of the size of an array exceeds BOUND
BOUND = 4 * 2 ** 20            # a few MB, well under one array


def _peak_extra(call):
    """Peak bytes allocated during call() beyond what it returns."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        result = call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    results = result if isinstance(result, tuple) else (result,)
    kept = sum(r.nbytes for r in results if isinstance(r, np.ndarray) and r.base is None)
    return peak - before - kept, results


@pytest.fixture(scope="module")
def big():
    z = np.linspace(-8, 8, N)
    return z, np.linspace(0.5, 1.5, N), np.empty(N), np.empty(N)


@pytest.mark.parametrize("mode", ["in_place", "out", "allocate"])
@pytest.mark.parametrize("name", ALL)
def test_extra_memory_is_bounded(fa, big, name, mode):
    z0, grad, o1, o2 = big
    fn = s.by_public(fa, name)
    z = z0.copy()
    data = (grad.copy(), z) if ref.nin(name) == 2 else (z,)
    if mode == "in_place":       # the last input (z) is overwritten by the first output
        out = (z, o2) if ref.nout(name) == 2 else z
    elif mode == "out":
        out = (o1, o2) if ref.nout(name) == 2 else o1
    else:
        out = None
    extra, results = _peak_extra(lambda: fn(*data, out=out))
    assert extra < BOUND, f"{name} {mode}: {extra / 2**20:.1f} MB extra"
    # and the values are those of a small call on a slice of the same data
    k = slice(N // 2 - 1000, N // 2 + 1000)
    want = fn(*(np.ascontiguousarray(d[k]) if d is not z else z0[k] for d in data))
    want = want if isinstance(want, tuple) else (want,)
    for r, w in zip(results, want):
        np.testing.assert_array_equal(r[k], w)


@pytest.mark.parametrize("name", ["sigmoid_and_derivative", "tanh_derivative",
                                  "leaky_relu_backward"])
def test_extra_memory_is_bounded_with_casts(fa, name):
    # float16 in place (computed in float32), and float32 in, float64 out=
    z16 = np.linspace(-8, 8, N).astype(np.float16)
    data = (z16,) * ref.nin(name)
    out = (z16, np.empty(N, np.float16)) if ref.nout(name) == 2 else z16
    extra, _ = _peak_extra(lambda: s.by_public(fa, name)(*data, out=out))
    assert extra < BOUND, f"{name} float16 in place: {extra / 2**20:.1f} MB extra"
    z32 = np.linspace(-8, 8, N, dtype=np.float32)
    outs = tuple(np.empty(N) for _ in range(ref.nout(name)))
    extra, _ = _peak_extra(lambda: s.by_public(fa, name)(*(z32,) * ref.nin(name),
                                                     out=outs if len(outs) == 2 else outs[0]))
    assert extra < BOUND, f"{name} float32 -> float64 out: {extra / 2**20:.1f} MB extra"


# -- the blocked path is the unblocked computation, cut in blocks

def _cases(name):
    """(label, inputs, kwargs) that take the blocked path at n elements."""
    n = 3 * _fallback._BLOCK_MIN + 17
    rng = np.random.default_rng(7)
    z = rng.normal(scale=6, size=n)
    z[::97] = 0.0
    z[1::101] = -0.0
    z[2::103] = np.nan
    act, op = s.op_of(name)
    if op in s.FROM_A_OPS:
        z = s.reference(ORACLES[act], "value", z)   # a = g(z): in the range of g
    nin = ref.nin(name)
    grad = rng.normal(size=n)

    def data(x):
        g = np.resize(grad, x.shape).astype(x.dtype if x.dtype.kind == "f" else np.float64)
        return (g, x) if nin == 2 else (x,)

    yield "float64", data(z), {}
    yield "float32", data(z.astype(np.float32)), {}
    yield "float16", data(z.astype(np.float16)), {}
    yield "int8", data(np.clip(np.nan_to_num(z * 10), -100, 100).astype(np.int8)), {}
    yield "strided", data(np.linspace(-6, 6, 2 * n)[::2]), {}
    yield "fortran", data(np.asfortranarray(z[: n - n % 3].reshape(-1, 3))), {}
    if nin == 2:
        yield "broadcast", (grad[:600].reshape(-1, 1), z[:500]), {}
    for params in s.param_cases(act, op)[1:]:   # the oracle's parameter sets
        kw = s.kwargs(act, op, params)
        if kw:
            yield s.case_id(kw), data(z), kw
    for p in s.act(act).signature_params(op):
        if p.array:   # an array parameter, cut in blocks with the data (positive: valid for all)
            yield f"array {p.name}", data(z), {p.name: np.abs(rng.normal(size=n)) + 0.01}


def _bits(a):
    return np.ascontiguousarray(a).view(f"u{a.dtype.itemsize}")


@pytest.mark.parametrize("name", ALL)
def test_blocked_path_is_bit_identical_to_unblocked(name, monkeypatch):
    fn = s.by_public(_backends.namespace("python"), name)
    for label, data, kwargs in _cases(name):
        blocked = fn(*data, **kwargs)
        with monkeypatch.context() as m:
            m.setattr(_fallback, "_BLOCK_MIN", np.inf)
            direct = fn(*data, **kwargs)
            outs = tuple(np.zeros(np.shape(d)) for d in (direct if ref.nout(name) == 2 else
                                                          (direct,)))
        blocked_out = fn(*data, out=outs if len(outs) == 2 else outs[0], **kwargs)
        for b, d, bo in zip(*((x if isinstance(x, tuple) else (x,))
                              for x in (blocked, direct, blocked_out))):
            assert b.dtype == d.dtype and b.shape == d.shape, (name, label)
            np.testing.assert_array_equal(_bits(b), _bits(d), err_msg=f"{name} {label}")
            np.testing.assert_array_equal(bo, d.astype(np.float64), err_msg=f"{name} {label}")


def test_in_place_partial_overlap_is_right(fa):
    # out= shifted by one element over the input: computed as if from a copy
    for name in ("sigmoid", "tanh_derivative", "leaky_relu_and_derivative"):
        n = 3 * _fallback._BLOCK_MIN
        buf = np.linspace(-5, 5, n + 1)
        want = s.by_public(fa, name)(buf[:-1].copy())
        if ref.nout(name) == 2:
            d = np.empty(n)
            s.by_public(fa, name)(buf[:-1], out=(buf[1:], d))
            np.testing.assert_array_equal(buf[1:], want[0])
            np.testing.assert_array_equal(d, want[1])
        else:
            s.by_public(fa, name)(buf[:-1], out=buf[1:])
            np.testing.assert_array_equal(buf[1:], want)
