"""One benchmark group per activation and operation, parametrised by dtype,
size and implementation (fastact at each SIMD level and accuracy mode, with
and without out=, the fallback, the lesson's NumPy code, scipy, numexpr,
torch, torch out=, jax)."""
from __future__ import annotations

import numpy as np
import pytest

from fastact._bench import run as _bench

IMPLS = _bench.implementations(levels=_bench.simd_levels(), peers=())
# (peer, label, factory): a peer that is not installed is skipped at run time
PEERS = [(name, label, make) for name, impls in _bench.PEER_FACTORIES.items()
         for label, make in impls]
_BY_LABEL = {im.label: im for im in IMPLS}
_BY_LABEL.update({label: _bench.Impl(label, make) for _, label, make in PEERS})
_PEER_OF = {label: name for name, label, _ in PEERS}


def _impl_params():
    return [pytest.param(label, id=label.replace(" ", "")) for label in _BY_LABEL]


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
    name = _PEER_OF.get(impl)
    if name is not None and _bench.peer(name) is None:
        pytest.skip(f"{name} is not installed")
    im = _BY_LABEL[impl]
    with _bench.configured(im):
        fn = im.make(act, op, z)
        if fn is None:
            pytest.skip(f"{impl} has no {act} {op}")
        benchmark.group = f"{act}_{op}"
        benchmark.extra_info.update(
            n=n, dtype=dtype, impl=impl, simd_level=im.level, accuracy=im.mode,
            bytes_moved=_bench.bytes_moved(n, dtype, op))
        result = benchmark(fn)
    # Not a speed assertion: only that the thing timed computed something sane.
    first = result[0] if isinstance(result, tuple) else result
    assert np.shape(first) == (n,)
