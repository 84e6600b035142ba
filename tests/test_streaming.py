"""Streaming (non-temporal) stores: the memory-bound rows' large contiguous calls
write around the cache (csrc/kernels_impl.h, FA_WHOLE_1).  They must give the
same bits as plain stores, at every SIMD level, every operation, length and
alignment; a second output aligned differently from the first is stored
realigned (FA_JOINED), streamed too.  The switch is a byte threshold (the tests
set it to 0: every call streams)."""
from __future__ import annotations

import contextlib
import os

import numpy as np
import pytest

from fastact import _catalogue
from oracles import support as s

STREAMING = [a.name for a in _catalogue.ACTIVATIONS if a.streams]
# lengths around the vector widths (8/16 float32 lanes) and a large odd one
LENGTHS = (1, 7, 16, 33, 1000, 4099)


@contextlib.contextmanager
def stream_bytes(mod, n):
    before = mod._stream_bytes()
    mod._set_stream_bytes(n)
    try:
        yield
    finally:
        mod._set_stream_bytes(before)


def _inputs(rng, op, dtype, n, offset):
    """The op's data inputs: n elements starting `offset` elements into a buffer
    (so that the kernels' head, and the alignment of the stores, vary)."""
    z = (rng.standard_normal(n + offset) * 4).astype(dtype)[offset:]
    if op in ("derivative_from_a", "backward_from_a"):
        z = np.clip(z, -0.99, 0.99)  # inside every streaming row's range of a
    if s.nin(op) == 2:
        return ((rng.standard_normal(n + offset)).astype(dtype)[offset:], z)
    return (z,)


def test_catalogue_marks_the_memory_bound_rows():
    """relu, leaky_relu, softsign and the piecewise family stream; nothing with
    an exp, a log or a root per element does (it measured slower there)."""
    assert {"relu", "leaky_relu", "hardtanh", "prelu", "softsign"} <= set(STREAMING)
    assert not {"sigmoid", "tanh", "silu", "gelu", "squareplus"} & set(STREAMING)


@pytest.mark.parametrize("name", STREAMING)
def test_streaming_stores_give_the_same_bits(c_module, name):
    rng = np.random.default_rng(7)
    before = c_module.get_level()
    try:
        for level in c_module.simd_levels():
            c_module.set_level(level)
            for op in s.ops(name):
                f = s.bound(c_module_namespace(), name, op)
                for dtype in (np.float32, np.float64):
                    for n in LENGTHS:
                        for offset in (0, 1, 3):
                            args = _inputs(rng, op, dtype, n, offset)
                            with stream_bytes(c_module, 1 << 62):
                                want = f(*args)
                            with stream_bytes(c_module, 0):
                                got = f(*args)
                            _same(got, want, (level, name, op, dtype, n, offset))
    finally:
        c_module.set_level(before)


@pytest.mark.parametrize("name", STREAMING)
def test_outputs_of_different_alignment(c_module, name):
    """The two outputs of and_derivative 0..16 elements apart in alignment (every
    misalignment k of the second against the first, up to AVX-512's 16 float32
    lanes: the second is stored realigned), streamed and with plain stores, at
    every SIMD level, for lengths around the two vectors the realigned loop
    needs: the same bits as the allocating call at the same level, and nothing
    written outside the outputs."""
    rng = np.random.default_rng(8)
    op = "and_derivative"
    f = s.bound(c_module_namespace(), name, op)
    before = c_module.get_level()
    try:
        for level in c_module.simd_levels():
            c_module.set_level(level)
            for dtype in (np.float32, np.float64):
                for n in (31, 32, 33, 47, 4099):
                    (z,) = _inputs(rng, op, dtype, n, 0)
                    want = f(z)
                    for shift in range(17):
                        for threshold in (0, 1 << 62):
                            buf0 = np.full(n + 24, 7, dtype)
                            buf1 = np.full(n + 24, 7, dtype)
                            out = (buf0[:n], buf1[shift:shift + n])
                            with stream_bytes(c_module, threshold):
                                got = f(z, out=out)
                            assert got[0] is out[0] and got[1] is out[1]
                            _same(got, want, (level, name, dtype, n, shift, threshold))
                            assert (buf0[n:] == 7).all() and (buf1[:shift] == 7).all()
                            assert (buf1[shift + n:] == 7).all()
    finally:
        c_module.set_level(before)


def test_threshold_is_half_the_last_level_cache(c_module):
    """The default threshold: half the size of the highest cache level that
    Linux describes for cpu0 (what lscpu reads), at most 16 MiB, else 16 MiB."""
    best_level, size = 0, 0
    base = "/sys/devices/system/cpu/cpu0/cache"
    if os.path.isdir(base):
        for entry in os.listdir(base):
            try:
                with open(os.path.join(base, entry, "level")) as f:
                    level = int(f.read())
                with open(os.path.join(base, entry, "size")) as f:
                    text = f.read().strip()
            except (OSError, ValueError):
                continue
            scale = {"K": 1024, "M": 1024 ** 2}.get(text[-1:], 1)
            if level > best_level:
                best_level, size = level, int(text.rstrip("KM")) * scale
    if size == 0:
        pytest.skip("no cache sizes in sysfs here (the sysconf fallback is not checked)")
    # applied at import; the tests above restore it
    assert c_module._stream_bytes() == min(size // 2, 16 * 2 ** 20)


def c_module_namespace():
    from fastact import _backends
    return _backends.namespace("c")


def _same(got, want, where):
    got = got if isinstance(got, tuple) else (got,)
    want = want if isinstance(want, tuple) else (want,)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.dtype == w.dtype, where
        np.testing.assert_array_equal(g.view(np.uint8), w.view(np.uint8), err_msg=str(where))
