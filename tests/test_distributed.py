"""A real dask.distributed LocalCluster (2 worker processes, 1 thread each,
loopback only) computing fastact on a chunked array: the per-block functions
must pickle to the workers and give the NumPy results."""
from __future__ import annotations

import numpy as np
import pytest

from _ecosystem_reference import expected

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")

TIMEOUT = 15  # seconds, for the cluster start and for each computation


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=None, memory_limit="512MiB", silence_logs=50,
        worker_dashboard_address=None, timeout=TIMEOUT)
    with cluster, distributed.Client(cluster, timeout=TIMEOUT) as c:
        yield c


def test_local_cluster_matches_numpy(client, fa):
    rng = np.random.default_rng(5)
    z = rng.standard_normal(200_000) * 6
    z[:3] = (0.0, -0.0, 40.0)
    grad = rng.standard_normal(200_000)
    dz = da.from_array(z, chunks=25_000)          # 8 chunks over 2 workers
    dgrad = da.from_array(grad, chunks=25_000)
    a, d = fa.tanh_and_derivative(dz)
    back = fa.leaky_relu_backward(dgrad, dz, alpha=0.1, at_zero=0.5)
    sig = fa.sigmoid(dz)
    with distributed.get_task_stream(client) as stream:
        futures = client.compute([a, d, back, sig])
        distributed.wait(futures, timeout=TIMEOUT)
        got_a, got_d, got_back, got_sig = client.gather(futures, errors="raise")
    # the blocks ran in the worker processes (nothing computed in this process)
    ran_on = {task["worker"] for task in stream.data}
    assert ran_on and ran_on <= set(client.scheduler_info()["workers"])
    ra, rd = expected("tanh", "and_derivative", z, None)
    np.testing.assert_allclose(got_a, ra, rtol=1e-13, atol=1e-300)
    np.testing.assert_allclose(got_d, rd, rtol=1e-13, atol=1e-300)
    kink = np.where(z > 0, 1.0, np.where(z < 0, 0.1, 0.5))
    np.testing.assert_allclose(got_back, grad * kink, rtol=1e-15)
    np.testing.assert_allclose(got_sig, expected("sigmoid", "value", z, None), rtol=1e-13)


def _worker_threads():
    import os

    import fastact
    return fastact.get_num_threads(), os.environ.get("OMP_NUM_THREADS")


def test_workers_run_fastact_single_threaded(client):
    """distributed's nanny starts workers with OMP_NUM_THREADS=1 (its default
    pre-spawn-environ), which fastact honours: no pool per worker process on top of
    the cluster's own parallelism (tests/test_num_threads.py: the threaded scheduler)."""
    import os
    if os.environ.get("FASTACT_NUM_THREADS"):
        pytest.skip("FASTACT_NUM_THREADS is set: it overrides OMP_NUM_THREADS on purpose")
    seen = client.run(_worker_threads)
    assert len(seen) == 2 and all(v == (1, "1") for v in seen.values()), seen
