"""One benchmark group per activation and operation, parametrised by dtype,
size and implementation (fastact at each SIMD level, fastact with out=, the
fallback, the lesson's NumPy code, scipy, numexpr, torch, jax)."""
from __future__ import annotations

import numpy as np
import pytest

from fastact import _bench

IMPLS = _bench.implementations(levels=_bench.simd_levels(), peers=())
PEER_NAMES = _bench.PEERS
_FACTORIES = {im.label: im for im in IMPLS}


def _impl_params():
    params = [pytest.param(im.label, id=im.label.replace(" ", "")) for im in IMPLS]
    params += [pytest.param(p, id=p) for p in PEER_NAMES]
    return params


_INPUTS = {}


def _input(n, dtype):
    key = (n, dtype)
    if key not in _INPUTS:
        _INPUTS.clear()  # keep one input alive at a time (10^7 float64 = 80 MB)
        _INPUTS[key] = _bench.make_input(n, dtype)
    return _INPUTS[key]


@pytest.mark.parametrize("impl", _impl_params())
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("op", _bench.OPS)
@pytest.mark.parametrize("act", _bench.ACTS)
def test_activation(benchmark, act, op, dtype, n, impl):
    z = _input(n, dtype)
    if impl in PEER_NAMES:
        if _bench.peer(impl) is None:
            pytest.skip(f"{impl} is not installed")
        im = _bench.Impl(impl, dict(scipy=_bench._scipy, numexpr=_bench._numexpr,
                                    torch=_bench._torch, jax=_bench._jax)[impl])
    else:
        im = _FACTORIES[impl]
    with _bench.simd_level(im.level):
        fn = im.make(act, op, z)
        if fn is None:
            pytest.skip(f"{impl} has no {act} {op}")
        benchmark.group = f"{act}_{op}"
        benchmark.extra_info.update(
            n=n, dtype=dtype, impl=impl, simd_level=im.level,
            bytes_moved=_bench.bytes_moved(n, dtype, op))
        result = benchmark(fn)
    # Not a speed assertion: only that the thing timed computed something sane.
    first = result[0] if isinstance(result, tuple) else result
    assert np.shape(first) == (n,)
