"""Calls from many threads at once give the same bits as serial calls."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from oracles import ORACLES
from oracles import support as s


def test_threads_same_bits_as_serial(fa):
    rng = np.random.default_rng(1)
    z64 = rng.standard_normal(200_003) * 8
    inputs = [z64, z64.astype(np.float32), z64[::3], z64.astype(np.float16)]
    grad = np.ones_like(z64)

    def run_all():
        out = []
        for name in ORACLES:
            for z in inputs:
                out.extend(s.bound(fa, name, "and_derivative")(z))
            out.append(s.bound(fa, name, "backward")(grad, z64))
        return out

    serial = run_all()
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = [f.result() for f in [pool.submit(run_all) for _ in range(16)]]
    for res in results:
        assert len(res) == len(serial)
        for got, want in zip(res, serial):
            assert got.dtype == want.dtype
            np.testing.assert_array_equal(got.view(np.uint8), want.view(np.uint8))
