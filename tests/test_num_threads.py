"""The thread pool (csrc/pool.c) and its API (fastact/_threads.py): results
bit-identical for any thread count, no pool for small calls, fork, threadpoolctl,
dask, validation."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import fastact
from fastact import _backends, _threads

from _ecosystem_reference import CASES, NAMES, check, expected, public, tolerance
from oracles import support as s

ALPHA = 0.01


@pytest.fixture(autouse=True)
def restore_pool():
    """Every test leaves the thread count, the threshold and the counters as it found them."""
    from fastact import _backends
    mod = _backends.compiled_module()
    before = fastact.get_num_threads(), mod._pool_threshold() if mod is not None else None
    yield
    fastact.set_num_threads(before[0])
    if mod is not None:
        mod._set_pool_threshold(before[1])
        mod._reset_pool_stats()


def _inputs(name, op, z, grad):
    """The positional inputs of op (from-a ops get a = g(z), computed in float64)."""
    if op in ("derivative_from_a", "backward_from_a"):
        a = expected(name, "value", z.astype(np.float64), None).astype(z.dtype)
        return [grad, a] if op == "backward_from_a" else [a]
    return [grad, z] if op == "backward" else [z]


def _misaligned_outputs(op, n, dtype):
    """out= views that start 1 element past an allocation (not 64-byte aligned), so
    the chunk boundaries are placed by the alignment rule, not by luck."""
    def one():
        return np.empty(n + 1, dtype)[1:]
    return (one(), one()) if op == "and_derivative" else one()


def _bits(results):
    results = results if isinstance(results, tuple) else (results,)
    return [r.view(np.uint8).copy() for r in results]


def _run(fa, name, op, args, out=None):
    fn = s.bound(fa, name, op)
    return fn(*args, out=out) if out is not None else fn(*args)


# 1 (the chunked loop in one thread), even and odd splits and the most: each
# moves the chunk boundaries (and their alignment) to other elements
THREAD_COUNTS = (1, 2, 3, 5, 8)


def _check_thread_counts(fa, c_module, name, op, dtype, rng):
    """op of name in dtype: THREAD_COUNTS threads, odd sizes, misaligned inputs and
    outputs, give the bits of one thread; then the values at 8 threads against
    the float64 reference."""
    for n in (9_001, 40_003):
        z = (rng.standard_normal(n + 3) * 6).astype(dtype)[3:]  # odd offset
        z[::97] = 0.0  # the kink
        grad = rng.standard_normal(n).astype(dtype)
        args = _inputs(name, op, z, grad)
        fastact.set_num_threads(1)
        want = _bits(_run(fa, name, op, args))
        c_module._reset_pool_stats()
        for threads in THREAD_COUNTS:
            fastact.set_num_threads(threads)
            got = _bits(_run(fa, name, op, args))
            got_out = _bits(_run(fa, name, op, args, _misaligned_outputs(op, n, dtype)))
            for g, go, w in zip(got, got_out, want):
                np.testing.assert_array_equal(g, w, err_msg=f"{op} {dtype} {threads} threads")
                np.testing.assert_array_equal(go, w, err_msg=f"{op} {dtype} {threads} threads, out=")
    # the values themselves, against the float64 reference (at 8 threads), every
    # 7th element (across every chunk; some references are mpmath's, slow)
    fastact.set_num_threads(8)
    res = _run(fa, name, op, args)
    res = tuple(r[::7] for r in res) if isinstance(res, tuple) else res[::7]
    want64 = expected(name, op, z[::7].astype(np.float64), grad[::7].astype(np.float64))
    if dtype == np.float64:
        check(res, want64, **tolerance(op))
    else:  # float32 inputs (a rounded to float32 for the from-a ops): a few ulp
        check(res, want64, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("mode", ["default", "high"])
@pytest.mark.parametrize("name", NAMES)
def test_bit_identical_for_1_to_8_threads(c_module, name, mode):
    """Every activation x op x dtype x mode on the compiled backend (the pool is
    its; the fallback has none): 1, 2, 3, 5, 8 threads, odd sizes, misaligned inputs and
    outputs, give the bits of one thread (threshold lowered so that arrays of
    ~10^4 elements split into many chunks).  One test per activation and mode,
    its operations and dtypes in it: the cost is the calls, not the test ids."""
    c_module._set_pool_threshold(1)
    fa = _backends.namespace("c")
    rng = np.random.default_rng(7)
    with fastact.accuracy_mode(mode):
        for op in s.ops(name):
            for dtype in (np.float32, np.float64):
                _check_thread_counts(fa, c_module, name, op, dtype, rng)


def _until_a_worker_ran(mod, call, tries=200):
    """Repeats `call` until a pool worker (not the caller) ran one of its chunks:
    what only a worker can get wrong (its thread's mode, its FP flags) is then
    tested for certain, not by chance."""
    before = mod._pool_stats()["worker_chunks"]
    for _ in range(tries):
        result = call()
        if mod._pool_stats()["worker_chunks"] > before:
            return result
    pytest.fail(f"no pool worker ran a chunk in {tries} large calls")


def test_workers_use_the_callers_accuracy_mode(c_module):
    """The mode is per thread (TLS): a worker must run the kernel its caller
    resolved, never its own thread's (the process default) mode."""
    z = np.random.default_rng(3).standard_normal(1 << 20) * 4
    fastact.set_num_threads(1)
    with fastact.accuracy_mode("high"):
        want_high = fastact.tanh_and_derivative(z)
    want_default = fastact.tanh_and_derivative(z)
    assert any((h != d).any() for h, d in zip(want_high, want_default)), \
        "the modes agree on this input: the test could not fail"
    fastact.set_num_threads(2)
    fastact.set_accuracy("default")
    with fastact.accuracy_mode("high"):
        got = _until_a_worker_ran(c_module, lambda: fastact.tanh_and_derivative(z))
    for g, w in zip(got, want_high):
        np.testing.assert_array_equal(g.view(np.uint64), w.view(np.uint64))


def test_nan_inf_raise_no_flags_from_workers(fa, c_module):
    """NaN and inf at large n, every thread raising "invalid" in its own FP state:
    nothing reaches NumPy's error check, even with errstate(all="raise")."""
    fastact.set_num_threads(2)
    z = np.random.default_rng(5).standard_normal(1 << 20)
    z[1::7] = np.inf
    z[2::11] = -np.inf
    z[::3] = np.nan  # last: NaN wherever the patterns meet
    grad = np.full_like(z, np.inf)
    with np.errstate(all="raise"):
        if fa.BACKEND == "c":
            a, d = _until_a_worker_ran(c_module, lambda: fa.sigmoid_and_derivative(z))
        else:
            a, d = fa.sigmoid_and_derivative(z)
        back = fa.tanh_backward(grad, z)
    nan, pinf, ninf = np.isnan(z), z == np.inf, z == -np.inf
    assert np.isnan(a[nan]).all() and np.isnan(d[nan]).all() and np.isnan(back[nan]).all()
    np.testing.assert_array_equal(a[pinf], 1.0)
    np.testing.assert_array_equal(a[ninf], 0.0)
    np.testing.assert_array_equal(d[pinf | ninf], 0.0)
    finite = np.isfinite(z)
    check((a[finite], d[finite]), expected("sigmoid", "and_derivative", z[finite], None))


def test_small_calls_never_wake_the_pool(c_module):
    threshold = c_module._pool_threshold()
    assert 4096 < threshold <= 1 << 20
    fastact.set_num_threads(2)
    c_module._reset_pool_stats()
    for n in (1, 16, 4096, threshold - 1):
        z = np.linspace(-3, 3, n)
        fastact.tanh_and_derivative(z)
        fastact.sigmoid(z.astype(np.float32), out=np.empty(n, np.float32))
    stats = c_module._pool_stats()
    assert stats["parallel_calls"] == 0 and stats["busy_calls"] == 0
    fastact.tanh(np.linspace(-3, 3, threshold))
    assert c_module._pool_stats()["parallel_calls"] == 1
    # strided and float16 calls go the buffered way: serial, whatever their size
    fastact.tanh(np.linspace(-3, 3, 2 * threshold)[::2])
    fastact.tanh(np.linspace(-3, 3, threshold).astype(np.float16))
    assert c_module._pool_stats()["parallel_calls"] == 1


def test_one_thread_never_wakes_the_pool(c_module):
    fastact.set_num_threads(1)
    c_module._reset_pool_stats()
    fastact.tanh(np.linspace(-3, 3, 4 * c_module._pool_threshold()))
    assert c_module._pool_stats()["parallel_calls"] == 0


def _fork_child(z, want):
    """In the child: the same large call, on a pool recreated from scratch."""
    signal.alarm(30)  # a hang (a dead pool's lock) ends as SIGALRM, not a stuck suite
    from fastact import _backends
    mod = _backends.compiled_module()
    workers_inherited = mod._pool_stats()["workers"]
    mod._reset_pool_stats()
    got = fastact.tanh_and_derivative(z)
    ok = all((g.view(np.uint64) == w.view(np.uint64)).all() for g, w in zip(got, want))
    stats = mod._pool_stats()
    ok = ok and workers_inherited == 0 and stats["parallel_calls"] == 1 and stats["workers"] == 1
    os._exit(0 if ok else 3)


def test_fork_with_the_pool_alive(c_module):
    """Call (workers started), fork, call in the child: no hang, same bits, and the
    child starts its own workers (fork copies only the calling thread)."""
    fastact.set_num_threads(2)
    z = np.random.default_rng(9).standard_normal(1 << 20)
    want = fastact.tanh_and_derivative(z)
    assert c_module._pool_stats()["workers"] >= 1
    with warnings.catch_warnings():
        # Python >= 3.12 warns that fork() with threads may deadlock: the case tested
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:
        try:
            _fork_child(z, want)
        finally:
            os._exit(4)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status), f"child killed by signal {os.WTERMSIG(status)}"
    assert os.WEXITSTATUS(status) == 0
    got = fastact.tanh_and_derivative(z)  # the parent's pool still works
    np.testing.assert_array_equal(got[0], want[0])


def test_many_python_threads_share_the_pool(c_module):
    """Callers at once: at most one owns the pool, the others run serially on their
    own threads (threads at work <= callers + pool threads - 1), same bits."""
    fastact.set_num_threads(2)
    z = np.random.default_rng(4).standard_normal(1 << 19)
    fastact.set_num_threads(1)
    want = fastact.sigmoid_and_derivative(z)
    fastact.set_num_threads(2)
    c_module._reset_pool_stats()
    callers = 4
    with ThreadPoolExecutor(max_workers=callers) as ex:
        results = list(ex.map(lambda _: fastact.sigmoid_and_derivative(z), range(24)))
    for got in results:
        for g, w in zip(got, want):
            np.testing.assert_array_equal(g.view(np.uint64), w.view(np.uint64))
    stats = c_module._pool_stats()
    assert stats["parallel_calls"] + stats["busy_calls"] == 24
    assert stats["max_running"] <= callers + 2 - 1


def test_gil_released_during_the_parallel_part(c_module):
    """Another Python thread runs while a large split call is in flight."""
    fastact.set_num_threads(2)
    z = np.random.default_rng(2).standard_normal(1 << 22)
    ticks = []
    started, stop = threading.Event(), threading.Event()

    def tick():
        started.set()
        while not stop.is_set():
            ticks.append(1)

    t = threading.Thread(target=tick)
    t.start()
    started.wait()
    try:
        progressed = 0
        for _ in range(20):
            before = len(ticks)
            fastact.tanh_and_derivative(z)
            progressed = max(progressed, len(ticks) - before)
            if progressed:
                break
    finally:
        stop.set()
        t.join()
    assert progressed > 0


# ---- the API ------------------------------------------------------------------

@pytest.mark.parametrize("bad,exc,words", [
    (0, ValueError, "at least 1"), (-1, ValueError, "at least 1"),
    (257, ValueError, "at most 256"), (10**30, ValueError, "at most 256"),
    (2.0, TypeError, "must be an int, not float"), ("2", TypeError, "not str"),
    (None, TypeError, "not NoneType"), (True, TypeError, "not bool"),
])
def test_set_num_threads_validation(fa, bad, exc, words):
    before = fastact.get_num_threads()
    with pytest.raises(exc, match=words):
        fastact.set_num_threads(bad)
    with pytest.raises(exc, match=words):
        with fastact.num_threads(bad):
            pass  # pragma: no cover
    assert fastact.get_num_threads() == before


def test_set_get_and_numpy_ints(fa):
    fastact.set_num_threads(np.int64(3))
    assert fastact.get_num_threads() == 3
    assert type(fastact.get_num_threads()) is int
    fastact.set_num_threads(256)
    assert fastact.get_num_threads() == 256


def test_num_threads_is_per_thread_and_nests(fa):
    fastact.set_num_threads(2)
    seen = []
    with fastact.num_threads(1):
        assert fastact.get_num_threads() == 1
        with fastact.num_threads(3):
            assert fastact.get_num_threads() == 3
            t = threading.Thread(target=lambda: seen.append(fastact.get_num_threads()))
            t.start()
            t.join()
        assert fastact.get_num_threads() == 1
    assert fastact.get_num_threads() == 2
    assert seen == [2]


def test_num_threads_one_inside_keeps_calls_serial(c_module):
    fastact.set_num_threads(2)
    c_module._reset_pool_stats()
    with fastact.num_threads(1):
        fastact.tanh(np.linspace(-3, 3, 4 * c_module._pool_threshold()))
    assert c_module._pool_stats()["parallel_calls"] == 0


@pytest.mark.parametrize("env,want", [
    ({}, 5), ({"OMP_NUM_THREADS": "1"}, 1), ({"OMP_NUM_THREADS": "3,2"}, 3),
    ({"OMP_NUM_THREADS": "8"}, 5), ({"OMP_THREAD_LIMIT": "2"}, 2),
    ({"OMP_NUM_THREADS": "junk"}, 5), ({"FASTACT_NUM_THREADS": "7", "OMP_NUM_THREADS": "1"}, 7),
    ({"FASTACT_NUM_THREADS": " 1 "}, 1),
])
def test_default_from_affinity_and_environment(monkeypatch, env, want):
    """The CPUs this process may use (sched_getaffinity, not cpu_count), lowered by
    OMP_NUM_THREADS / OMP_THREAD_LIMIT; FASTACT_NUM_THREADS wins."""
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(5)), raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    assert _threads.default_num_threads(env) == want


@pytest.mark.parametrize("value,words", [("0", "at least 1"), ("abc", "whole number"),
                                         ("1000", "at most 256"), ("2.5", "whole number")])
def test_bad_fastact_num_threads_at_import(value, words):
    env = dict(os.environ, FASTACT_NUM_THREADS=value)
    proc = subprocess.run([sys.executable, "-c", "import fastact"], env=env,
                          capture_output=True, text=True)
    assert proc.returncode != 0
    assert "FASTACT_NUM_THREADS" in proc.stderr and words in proc.stderr


def test_environment_sets_the_default_at_import():
    code = "import fastact; print(fastact.get_num_threads())"
    for env, want in (({"OMP_NUM_THREADS": "1"}, "1"), ({"FASTACT_NUM_THREADS": "3"}, "3")):
        e = {k: v for k, v in os.environ.items()
             if k not in ("OMP_NUM_THREADS", "FASTACT_NUM_THREADS")}
        out = subprocess.run([sys.executable, "-c", code], env={**e, **env},
                             capture_output=True, text=True, check=True).stdout
        assert out.strip() == want


def test_show_config_says_threads(fa, capsys):
    fastact.show_config()
    line = next(l for l in capsys.readouterr().out.splitlines() if "threads:" in l)
    assert str(fastact.get_num_threads()) in line
    if fastact.BACKEND != "c":
        assert "single-threaded" in line


# ---- ecosystem ------------------------------------------------------------------

def test_threadpoolctl_lists_and_limits_fastact(c_module):
    threadpoolctl = pytest.importorskip("threadpoolctl")
    if not hasattr(threadpoolctl, "register"):
        pytest.skip("threadpoolctl < 3.5 has no controller API")
    fastact.set_num_threads(2)
    info = [i for i in threadpoolctl.threadpool_info() if i["user_api"] == "fastact"]
    assert len(info) == 1 and info[0]["num_threads"] == 2
    assert info[0]["version"] == fastact.__version__
    c_module._reset_pool_stats()
    with threadpoolctl.threadpool_limits(1):
        assert fastact.get_num_threads() == 1
        fastact.tanh(np.linspace(-3, 3, 4 * c_module._pool_threshold()))
    assert c_module._pool_stats()["parallel_calls"] == 0
    assert fastact.get_num_threads() == 2
    with threadpoolctl.threadpool_limits(limits=1, user_api="fastact"):
        assert fastact.get_num_threads() == 1
    assert fastact.get_num_threads() == 2


def test_threadpoolctl_imported_after_fastact_sees_it():
    """fastact does not import threadpoolctl (it is slow to import) but registers with
    it the moment it is imported: in a fresh interpreter, import fastact first."""
    pytest.importorskip("threadpoolctl")
    code = textwrap.dedent("""
        import json, sys
        import fastact
        before = "threadpoolctl" in sys.modules
        import threadpoolctl
        fastact.set_num_threads(2)
        info = [i for i in threadpoolctl.threadpool_info() if i["user_api"] == "fastact"]
        print(json.dumps([before, fastact.BACKEND, [i["num_threads"] for i in info]]))
    """)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    env.pop("FASTACT_NUM_THREADS", None)
    r = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True,
                       text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    before, backend, counts = json.loads(r.stdout)
    assert before is False
    # the controller finds the compiled pool; the fallback has none to list
    assert counts == ([2] if backend == "c" else [])


def test_dask_threaded_scheduler_no_oversubscription(fa, c_module):
    """8 blocks on dask's threaded scheduler (4 worker threads), fastact at 2
    threads: the values of the reference, every block call either owned the pool or
    found it busy and ran serially, and never more threads at work than dask's
    plus the pool's workers."""
    da = pytest.importorskip("dask.array")
    import dask
    fastact.set_num_threads(2)
    threshold = c_module._pool_threshold()
    z = np.random.default_rng(6).standard_normal(8 * threshold) * 4
    dz = da.from_array(z, chunks=threshold)
    c_module._reset_pool_stats()
    with dask.config.set(scheduler="threads", num_workers=4):
        a, d = dask.compute(*fa.tanh_and_derivative(dz))
    check((a, d), expected("tanh", "and_derivative", z, None))
    stats = c_module._pool_stats()
    if fa.BACKEND == "c":
        assert stats["parallel_calls"] + stats["busy_calls"] == 8
        assert stats["max_running"] <= 4 + 2 - 1


def test_eval_uses_the_pool(tmp_path, c_module):
    fastact.set_num_threads(2)
    n = 3 * c_module._pool_threshold() + 5
    z = np.random.default_rng(8).standard_normal(n).astype(np.float32)
    np.save(tmp_path / "z.npy", z)
    c_module._reset_pool_stats()
    fastact.evaluate_file(tmp_path / "z.npy", tmp_path / "a.npy", "sigmoid")
    assert c_module._pool_stats()["parallel_calls"] >= 1
    fastact.set_num_threads(1)
    np.testing.assert_array_equal(np.load(tmp_path / "a.npy"), fastact.sigmoid(z))


# ---- bench ----------------------------------------------------------------------

def test_bench_configured_sets_fastacts_threads_then_restores(c_module):
    from fastact._bench import run as _bench
    fastact.set_num_threads(2)
    im = _bench.Impl("x", _bench._fastact, None, "fastact", None, 3)
    with pytest.raises(KeyError), _bench.configured(im):
        assert fastact.get_num_threads() == 3
        c_module._reset_pool_stats()
        _bench._fastact("tanh", "value", np.linspace(-3, 3, c_module._pool_threshold()),
                        out=True)()
        assert c_module._pool_stats()["parallel_calls"] == 1
        raise KeyError  # restored on the way out of an error too
    assert fastact.get_num_threads() == 2 and c_module.get_thread_num_threads() is None


def test_bench_threads_applies_to_fastact_and_reports_1_and_default(c_module):
    env = dict(os.environ, FASTACT_NUM_THREADS="3", PYTHONPATH=os.pathsep.join(sys.path))
    env.pop("FASTACT_NO_EXTENSIONS", None)
    proc = subprocess.run(
        [sys.executable, "-m", "fastact", "bench", "--quick", "--rounds", "1", "--target",
         "0.0002", "-f", "tanh", "-d", "float64", "--peers", "none", "--accuracy", "default",
         "--threads", "2"], capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "threads: 2 (peers and fastact); fastact out= also on 1, 3" in proc.stdout
    # the header row of the variants table: the columns timed
    variants = proc.stdout.split("accuracy mode timed, ns/element:")[1].splitlines()[1]
    assert "fastact 1T out=" in variants and "fastact 3T out=" in variants


def test_workers_take_the_callers_flush_to_zero(c_module):
    """torch.set_flush_denormal(True) sets FTZ/DAZ in the calling thread only: the
    workers must compute under the caller's FP control state too, or the chunks
    they run keep the subnormals the caller's chunks flush."""
    torch = pytest.importorskip("torch")
    z = np.linspace(-100.0, -88.0, 1 << 20).astype(np.float32)  # sigmoid(z): subnormal
    fastact.set_num_threads(2)
    _until_a_worker_ran(c_module, lambda: fastact.sigmoid(z))  # workers started before FTZ:
    fastact.set_num_threads(1)  # a thread inherits its creator's FP state, not later changes
    plain = fastact.sigmoid(z)
    assert (plain != 0).all() and (plain < np.finfo(np.float32).tiny).any()
    if not torch.set_flush_denormal(True):
        pytest.skip("this CPU cannot flush denormals")
    try:
        flushed = fastact.sigmoid(z)
        assert (flushed == 0).any(), "FTZ changed nothing: the test could not fail"
        fastact.set_num_threads(2)
        got = _until_a_worker_ran(c_module, lambda: fastact.sigmoid(z))
    finally:
        torch.set_flush_denormal(False)
    np.testing.assert_array_equal(got.view(np.uint32), flushed.view(np.uint32))
