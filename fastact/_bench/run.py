"""Benchmarks: fastact against the lesson's NumPy code and the installed peers.

Used by `python -m fastact bench` (fastact/_cli_bench.py) and by the
pytest-benchmark suite in bench/.  Everything here is measured side by side in
one process: for one (function, operation, dtype, n) every implementation is
timed in interleaved rounds (A B C ... A B C ...) and the median is kept, so a
machine whose speed drifts affects all of them alike; ratios are only ever
taken between figures of the same run.

Implementations (a peer that is not installed is skipped, never an error):
  fastact[LEVEL] MODE  the compiled ufuncs at one SIMD level (no [LEVEL]: the
                  best) in one accuracy mode (no MODE: "default"; "high"), on
                  the --threads count of threads (as the peers)
  ... out=        the same, writing into preallocated outputs
  fastact NT out= the best level, default mode, out=, on N threads: 1 and
                  fastact's default count, where they differ from --threads
  fallback        fastact's pure-NumPy backend
  numpy           the lesson's code (1/(1+np.exp(-z)), a*(1-a), ...;
                  fastact._lesson), else the catalogue's NumPy value
  scipy           scipy.special.expit (sigmoid only), derivative a*(1-a)

What each peer runs per activation is data, in its catalogue entry: the
torch/jax/numpy expressions and its `bench` record (the benchmark's parameters,
aten backward ops, out= bindings, derivatives); a peer without the activation
is skipped.
  numexpr         numexpr.evaluate, value then derivative
  torch           torch value + aten *_backward with a ones gradient
  torch out=      the same ops' out= variants (forward out=, backward
                  .grad_input) writing into preallocated tensors: the peer
                  that fastact out= is compared with, both sides with out=
  jax             jax.jit of jax.nn + the derivative, on a device array
"""
from __future__ import annotations

import contextlib
import gc
import importlib
import math
import os
import platform
import statistics
import time
import tracemalloc
from dataclasses import dataclass, field
from typing import (Any, Callable, ContextManager, Dict, Iterator, List, Optional,
                    Sequence, Tuple, Union)

import numpy as np

from fastact import _catalogue
from fastact._catalogue.model import AtenBackward, BenchPeers
from fastact._catalogue.values import resolved
from fastact._lesson import LESSON_ALPHA, LESSON_NUMPY

ACTS = tuple(act.name for act in _catalogue.ACTIVATIONS)
OPS = ("and_derivative", "value")
ALPHA = LESSON_ALPHA
PEERS = ("scipy", "numexpr", "torch", "jax")
DEFAULT_SIZES = (1_000, 1_000_000)
ALL_SIZES = (10, 1_000, 100_000, 1_000_000, 10_000_000)

Thunk = Callable[[], Any]


# --------------------------------------------------------------------------
# Optional peers


def _try_import(name: str) -> Optional[Any]:
    try:
        return importlib.import_module(name)
    except Exception:  # noqa: BLE001 - any import failure means "not installed"
        return None


_PEER_CACHE: Dict[str, Optional[Any]] = {}


def peer(name: str) -> Optional[Any]:
    """The peer's module (configured for single-threaded, float64-capable use),
    or None when it is not installed."""
    if name not in _PEER_CACHE:
        mod = None
        if name == "scipy":
            mod = _try_import("scipy.special")
        elif name == "numexpr":
            mod = _try_import("numexpr")
        elif name == "torch":
            mod = _try_import("torch")
        elif name == "jax":
            os.environ.setdefault("JAX_PLATFORMS", "cpu")
            mod = _try_import("jax")
            if mod is not None:
                mod.config.update("jax_enable_x64", True)
        _PEER_CACHE[name] = mod
    return _PEER_CACHE[name]


def installed_peers() -> List[str]:
    return [p for p in PEERS if peer(p) is not None]


def set_threads(n: int) -> None:
    """Thread count for the peers that have one (fastact's is set per Impl)."""
    torch = peer("torch")
    if torch is not None:
        torch.set_num_threads(n)
    ne = peer("numexpr")
    if ne is not None:
        ne.set_num_threads(n)


def peer_version(name: str) -> str:
    mod = peer(name)
    if mod is None:
        return "not installed"
    if name == "scipy":
        mod = importlib.import_module("scipy")
    return str(getattr(mod, "__version__", "?"))


# --------------------------------------------------------------------------
# The implementations: each factory returns a thunk computing the operation on
# the prepared input, or None where it does not apply.


def _bench_peers(act: str) -> BenchPeers:
    """The benchmark's data for `act`, from its catalogue entry (an unknown
    name is a KeyError)."""
    return _catalogue.BY_NAME[act].bench


def _params(act: str) -> Dict[str, Any]:
    """Every parameter of `act` with the benchmark's values (its bench params)."""
    return resolved(_catalogue.BY_NAME[act], _bench_peers(act).params)


def _expr(src: str, args: str, namespace: Dict[str, Any]) -> Callable[..., Any]:
    """`lambda args: src` over `namespace` (a catalogue expression: the
    project's own data, never user input)."""
    return eval(f"lambda {args}: {src}", dict(namespace))  # noqa: S307


def _lesson(act: str, op: str, z: np.ndarray) -> Optional[Thunk]:
    """The lesson's NumPy code, verbatim in spirit: value, then the derivative;
    an activation the lesson does not have: the catalogue's NumPy composition
    of the value, then its bench record's of the derivative (None where either
    is missing)."""
    code = LESSON_NUMPY.get(act)
    if code is not None:
        fn = code[0] if op == "value" else code[1]
        return lambda: fn(z, ALPHA)
    src = _catalogue.BY_NAME[act].numpy
    if src is None:
        return None
    namespace = {"np": np, **_params(act)}
    value = _expr(src, "z", namespace)
    if op == "value":
        return lambda: value(z)
    d_src = _bench_peers(act).numpy_derivative
    if d_src is None:
        return None
    return _value_then(value, _expr(d_src, "z, a", namespace), z)


def _fastact_fn(ns: Any, act: str, op: str) -> Callable[..., Any]:
    return getattr(ns, _catalogue.public_name(_catalogue.BY_NAME[act], op))


def _kw(act: str, op: str) -> Dict[str, Any]:
    """The benchmark's parameters (the bench params) that the function for `op` takes."""
    given = _bench_peers(act).params
    return {p.name: given[p.name] for p in _catalogue.BY_NAME[act].signature_params(op)
            if p.name in given}


def at_offset(like: np.ndarray, offset: int) -> np.ndarray:
    """An empty array like `like`, starting `offset` bytes past a 64-byte boundary."""
    buf = np.empty(like.nbytes + 128, np.uint8)
    start = (-buf.ctypes.data) % 64 + offset
    return buf[start:start + like.nbytes].view(like.dtype)


def _fastact(act: str, op: str, z: np.ndarray, out: bool = False, kind: str = "c",
             heap_layout: bool = False) -> Thunk:
    """heap_layout: out= arrays placed as two heap blocks of malloc's lie (16 and
    32 bytes past a 64-byte boundary), whatever this process's allocator does:
    the instruction counts' fixed layout (the time is measured on NumPy's own)."""
    from fastact import _backends
    kw = _kw(act, op)  # first: an unknown name is a KeyError whichever backend is built
    ns = _backends.namespace(kind)
    f = _fastact_fn(ns, act, op)
    if out:
        def new(k: int) -> np.ndarray:
            return at_offset(z, 16 * (k + 1)) if heap_layout else np.empty_like(z)
        o = (new(0), new(1)) if op == "and_derivative" else new(0)
        return lambda: f(z, out=o, **kw)
    if kw:
        return lambda: f(z, **kw)
    return lambda: f(z)


def _value_then(value: Callable[[Any], Any], derivative: Callable[[Any, Any], Any],
                x: Any) -> Thunk:
    """(a, d) with a = value(x), d = derivative(x, a): a peer's fused op."""
    def fused() -> Any:
        a = value(x)
        return a, derivative(x, a)
    return fused


def _scipy(act: str, op: str, z: np.ndarray) -> Optional[Thunk]:
    sp, spec = peer("scipy"), _bench_peers(act).scipy
    if sp is None or spec is None:
        return None
    ns = {"sp": sp, **_params(act)}
    value = _expr(spec[0], "z", ns)
    if op == "value":
        return lambda: value(z)
    return _value_then(value, _expr(spec[1], "z, a", ns), z)


def _numexpr(act: str, op: str, z: np.ndarray) -> Optional[Thunk]:
    ne, spec = peer("numexpr"), _bench_peers(act).numexpr
    if ne is None or spec is None:
        return None
    numeric = {p.name for p in _catalogue.BY_NAME[act].numeric_params}
    c = {**{k: z.dtype.type(v) for k, v in _params(act).items() if k in numeric},
         "one": z.dtype.type(1), "zero": z.dtype.type(0)}
    ev = ne.evaluate
    ve, de = spec
    if op == "value":
        return lambda: ev(ve, local_dict={"z": z, **c})

    def f() -> Any:
        a = ev(ve, local_dict={"z": z, **c})
        d = ev(de, local_dict={"z": z, "a": a, **c})
        return a, d
    return f


def _aten_call(act: str, spec: AtenBackward, suffix: str = "") -> str:
    """The source of the aten backward call on (g, a, z): `bw(g, a)`, `bw(g, z, alpha, False)`."""
    names = {"a", "z", *_params(act)}
    args = [x if isinstance(x, str) and x in names else repr(x) for x in spec.args]
    return f"bw(g, {', '.join(args)}{suffix})"


def _torch_setup(act: str, z: np.ndarray) -> Optional[Tuple[Any, Any, Any, Dict[str, Any]]]:
    """(torch, the input tensor, a ones gradient, the expressions' namespace),
    or None when torch is not installed."""
    torch = peer("torch")
    if torch is None:
        return None
    t = torch.from_numpy(z)
    g = torch.ones((), dtype=t.dtype).expand(t.shape)  # grad of ones, no memory
    return torch, t, g, {"torch": torch, "F": torch.nn.functional, "g": g, **_params(act)}


def _torch(act: str, op: str, z: np.ndarray) -> Optional[Thunk]:
    """torch's forward (the catalogue's expression), then aten's backward op
    with a ones gradient (the bench record's torch_backward)."""
    setup, src = _torch_setup(act, z), _catalogue.BY_NAME[act].torch
    if setup is None or src is None:
        return None
    torch, t, _, ns = setup
    forward = _expr(src, "z", ns)
    if op == "value":
        return lambda: forward(t)
    spec = _bench_peers(act).torch_backward
    if spec is None:
        return None
    ns["bw"] = getattr(torch.ops.aten, spec.op)
    return _value_then(forward, _expr(_aten_call(act, spec), "z, a", ns), t)


def _torch_out(act: str, op: str, z: np.ndarray) -> Optional[Thunk]:
    """torch writing into preallocated tensors (views of preallocated arrays):
    the forward's out= and aten's backward .grad_input overloads, so that the
    comparison with fastact out= allocates on neither side."""
    setup, peers = _torch_setup(act, z), _bench_peers(act)
    if setup is None or peers.torch_out is None:
        return None
    torch, t, _, ns = setup
    a, d = torch.from_numpy(np.empty_like(z)), torch.from_numpy(np.empty_like(z))
    forward = _expr(peers.torch_out, "z", {**ns, "out": a})
    if op == "value":
        return lambda: forward(t)
    if peers.torch_backward is None:
        return None
    spec = peers.torch_backward
    ns.update(bw=getattr(getattr(torch.ops.aten, spec.op), spec.out), d=d)
    return _value_then(forward, _expr(_aten_call(act, spec, f", {spec.out}=d"), "z, a", ns), t)


_JAX_CACHE: Dict[Tuple[str, str], Any] = {}


def _jax_fn(jax: Any, act: str, op: str) -> Optional[Any]:
    """jax.jit of the catalogue's jax expression, and of it with the bench
    record's derivative (None where either is missing)."""
    src, d_src = _catalogue.BY_NAME[act].jax, _bench_peers(act).jax_derivative
    if src is None:
        return None
    ns = {"jax": jax, "jnp": jax.numpy, **_params(act)}
    value = _expr(src, "z", ns)
    if op == "value":
        return jax.jit(value)
    if d_src is None:
        return None
    derivative = _expr(d_src, "z, a", ns)

    def both(x: Any) -> Any:
        a = value(x)
        return a, derivative(x, a)
    return jax.jit(both)


def _jax(act: str, op: str, z: np.ndarray) -> Optional[Thunk]:
    _bench_peers(act)  # an unknown activation is a KeyError, installed or not
    jax = peer("jax")
    if jax is None:
        return None
    if (act, op) not in _JAX_CACHE:
        _JAX_CACHE[act, op] = _jax_fn(jax, act, op)
    f = _JAX_CACHE[act, op]
    if f is None:
        return None
    x = jax.device_put(z)
    f(x)  # compile for this shape and dtype outside the timing
    block = jax.block_until_ready
    return lambda: block(f(x))


@dataclass
class Impl:
    """One implementation to time: a label, the factory, and the SIMD level and
    accuracy mode the compiled backend must be switched to while it runs (None:
    leave as is)."""
    label: str
    make: Callable[[str, str, np.ndarray], Optional[Thunk]]
    level: Optional[str] = None
    kind: str = "peer"  # "fastact", "fallback", "numpy", "peer"
    mode: Optional[str] = None
    threads: Optional[int] = None  # fastact's thread count while it runs


# Each peer's implementations: torch comes as allocated per call and with out=.
PEER_FACTORIES: Dict[str, Tuple[Tuple[str, Callable[[str, str, np.ndarray],
                                                    Optional[Thunk]]], ...]] = {
    "scipy": (("scipy", _scipy),), "numexpr": (("numexpr", _numexpr),),
    "torch": (("torch", _torch), ("torch out=", _torch_out)), "jax": (("jax", _jax),)}


def peer_impls(name: str) -> List[Impl]:
    """The implementations of one peer (empty when it is not installed)."""
    if peer(name) is None:
        return []
    return [Impl(label, make) for label, make in PEER_FACTORIES[name]]


def simd_levels() -> List[str]:
    from fastact import _backends
    mod = _backends.compiled_module()
    return list(mod.simd_levels()) if mod is not None else []


def accuracy_modes() -> List[str]:
    from fastact import _backends
    mod = _backends.compiled_module()
    return list(mod.accuracy_modes()) if mod is not None else []


def best_level() -> Optional[str]:
    levels = simd_levels()
    return levels[-1] if levels else None


def fastact_label(level: str, mode: str, out: bool, best: Optional[str]) -> str:
    """'fastact', then '[level]' unless it is the best, ' high' in the high
    mode, ' out=' with preallocated outputs."""
    return ("fastact" + ("" if level == best else f"[{level}]")
            + ("" if mode == "default" else f" {mode}") + (" out=" if out else ""))


def _fastact_impls(levels: Sequence[str], modes: Sequence[str], with_out: bool,
                   threads: Optional[int] = None,
                   more_threads: Sequence[int] = ()) -> List[Impl]:
    """fastact at the best level and at each of `levels`, in each of `modes`,
    allocating and (with_out) with out=, on `threads` threads (None: as set); then
    with out= at the best level on each count of `more_threads`."""
    best = best_level()
    if best is None:
        return []
    impls: List[Impl] = []
    for lv in [best] + [lv for lv in levels if lv != best]:
        for mode in modes:
            impls.append(Impl(fastact_label(lv, mode, False, best),
                              lambda a, o, z: _fastact(a, o, z), lv, "fastact", mode, threads))
            if with_out:
                impls.append(Impl(fastact_label(lv, mode, True, best),
                                  lambda a, o, z: _fastact(a, o, z, out=True), lv, "fastact",
                                  mode, threads))
    for n in more_threads if modes else ():
        impls.append(Impl(fastact_label(best, modes[0], False, best) + f" {n}T out=",
                          lambda a, o, z: _fastact(a, o, z, out=True), best, "fastact",
                          modes[0], n))
    return impls


def fastact_thread_counts(threads: int) -> List[int]:
    """The other thread counts fastact is timed at: 1 and its default (the
    FASTACT_NUM_THREADS / CPU count of this process), where not `threads`."""
    from fastact import _threads
    return [n for n in dict.fromkeys([1, _threads.default_num_threads()]) if n != threads]


def implementations(levels: Sequence[str] = (), peers: Optional[Sequence[str]] = None,
                    with_out: bool = True, with_fallback: bool = True,
                    modes: Optional[Sequence[str]] = None, threads: Optional[int] = None,
                    more_threads: Sequence[int] = ()) -> List[Impl]:
    """fastact at its best level (plus `levels`) in each accuracy mode of
    `modes` (default: all), with and without out=, on `threads` threads (and with
    out= on each of `more_threads`), the fallback, the lesson's NumPy code and
    the installed peers."""
    impls = _fastact_impls(levels, accuracy_modes() if modes is None else modes, with_out,
                           threads, more_threads)
    if with_fallback:
        impls.append(Impl("fallback", lambda a, o, z: _fastact(a, o, z, kind="python"), None,
                          "fallback"))
    impls.append(Impl("numpy", _lesson, None, "numpy"))
    for p in (PEERS if peers is None else peers):
        impls.extend(peer_impls(p))
    return impls


def simd_level(level: Optional[str]) -> ContextManager[None]:
    """Switch the compiled kernels to `level` for the duration (None: no-op)."""
    return _switched("level", level)


def kernel_accuracy(mode: Optional[str]) -> ContextManager[None]:
    """Switch the compiled kernels to the accuracy `mode` for the duration, in
    this thread (None: no-op).  The compiled module's own thread override, not
    fastact.accuracy_mode: that one follows fastact.BACKEND, and the compiled
    kernels are timed even when the fallback is the active backend."""
    return _switched("thread_accuracy", mode)


@contextlib.contextmanager
def _switched(setting: str, value: Union[str, int, None]) -> Iterator[None]:
    """The compiled module's get_/set_`setting` set to `value` for the duration,
    then back to what it was (None: leave it alone)."""
    if value is None:
        yield
        return
    from fastact import _backends
    mod = _backends.require_compiled()
    get, put = getattr(mod, f"get_{setting}"), getattr(mod, f"set_{setting}")
    before = get()
    put(value)
    try:
        yield
    finally:
        put(before)


def kernel_threads(n: Optional[int]) -> ContextManager[None]:
    """The compiled kernels on `n` threads for this thread's calls (None: no-op)."""
    return _switched("thread_num_threads", n)


@contextlib.contextmanager
def configured(im: Optional[Impl]) -> Iterator[None]:
    """The compiled backend at `im`'s SIMD level, accuracy mode and thread count
    (None: as is)."""
    with simd_level(None if im is None else im.level), \
            kernel_accuracy(None if im is None else im.mode), \
            kernel_threads(None if im is None else im.threads):
        yield


# --------------------------------------------------------------------------
# Measuring


def make_input(n: int, dtype: Any, seed: int = 0) -> np.ndarray:
    """Standard normal times 3: both signs, both tails of sigmoid and tanh."""
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(n) * 3).astype(dtype)


def bytes_moved(n: int, dtype: Any, op: str) -> int:
    """Compulsory traffic: the input read once, each output written once."""
    nout = 2 if op == "and_derivative" else 1
    return n * np.dtype(dtype).itemsize * (1 + nout)


def _calibrate(fn: Thunk, target: float) -> int:
    """Calls per sample so that one sample lasts about `target` seconds."""
    number = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        dt = time.perf_counter() - t0
        if dt >= target / 4 or number >= 1 << 20:
            return max(1, int(number * target / max(dt, 1e-9)))
        number *= 4


def time_side_by_side(fns: Dict[str, Tuple[Thunk, Optional[Impl]]], rounds: int = 7,
                      target: float = 0.005) -> Dict[str, float]:
    """Median seconds per call of each thunk, timed in interleaved rounds, each
    with the compiled backend configured for its Impl (None: as is)."""
    numbers = {}
    for key, (fn, im) in fns.items():
        with configured(im):
            fn()  # warm-up: first touch, lazy initialisation
            numbers[key] = _calibrate(fn, target)
    samples: Dict[str, List[float]] = {k: [] for k in fns}
    gc_was = gc.isenabled()
    gc.disable()
    try:
        for _ in range(rounds):
            for key, (fn, im) in fns.items():
                num = numbers[key]
                with configured(im):
                    t0 = time.perf_counter()
                    for _ in range(num):
                        fn()
                    samples[key].append((time.perf_counter() - t0) / num)
    finally:
        if gc_was:
            gc.enable()
    return {k: statistics.median(v) for k, v in samples.items()}


def peak_extra_bytes(fn: Thunk, im: Optional[Impl] = None) -> int:
    """Peak memory traced by tracemalloc during one call, beyond what was held
    before (NumPy reports its array buffers to tracemalloc; torch and jax do not,
    so their figure is meaningless and not shown).  The caller collects garbage
    beforehand, once for many calls: with torch imported one gc.collect() takes
    ~0.1 s, which per call made up most of a default run."""
    with configured(im):
        fn()
        gc_was = gc.isenabled()
        gc.disable()  # a collection inside the traced call would move its figures
        tracemalloc.start()
        try:
            base = tracemalloc.get_traced_memory()[0]
            res = fn()
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
            if gc_was:
                gc.enable()
        del res
    return peak - base


@dataclass
class Row:
    act: str
    op: str
    dtype: str
    n: int
    impl: str
    seconds: float
    bytes: int
    copy_seconds: float
    peak_bytes: Optional[int] = None
    extra: Dict[str, Any] = field(default_factory=dict)

    @property
    def ns_per_el(self) -> float:
        return self.seconds / self.n * 1e9

    @property
    def gbps(self) -> float:
        return self.bytes / self.seconds / 1e9

    @property
    def copy_gbps(self) -> float:
        return 2 * self.n * np.dtype(self.dtype).itemsize / self.copy_seconds / 1e9

    @property
    def pct_copy(self) -> float:
        return 100.0 * self.gbps / self.copy_gbps


def row_dict(r: Row) -> Dict[str, Any]:
    return {"function": r.act, "op": r.op, "dtype": r.dtype, "n": r.n, "impl": r.impl,
            "seconds": r.seconds, "ns_per_element": r.ns_per_el, "gb_per_s": r.gbps,
            "pct_copy_bandwidth": r.pct_copy, "bytes_moved": r.bytes,
            "copy_seconds": r.copy_seconds, "peak_extra_bytes": r.peak_bytes}


def run(acts: Sequence[str] = ACTS, ops: Sequence[str] = ("and_derivative",),
        dtypes: Sequence[str] = ("float32", "float64"), sizes: Sequence[int] = DEFAULT_SIZES,
        levels: Sequence[str] = (), peers: Optional[Sequence[str]] = None,
        threads: int = 1, rounds: int = 7, target: float = 0.005, memory: bool = True,
        progress: Optional[Callable[[str], None]] = None,
        modes: Optional[Sequence[str]] = None) -> List[Row]:
    """Time every implementation on every case; one Row per (case, impl)."""
    set_threads(threads)
    more = fastact_thread_counts(threads) if best_level() is not None else []
    impls = implementations(levels, peers, modes=modes, threads=threads, more_threads=more)
    rows: List[Row] = []
    for dtype in dtypes:
        for n in sizes:
            z = make_input(n, dtype)
            dst = np.empty_like(z)
            for act in acts:
                for op in ops:
                    if progress:
                        progress(f"{act} {op} {dtype} n={n}")
                    fns: Dict[str, Tuple[Thunk, Optional[Impl]]] = {
                        "copy": ((lambda: np.copyto(dst, z)), None)}
                    for im in impls:
                        with configured(im):
                            fn = im.make(act, op, z)
                        if fn is not None:
                            fns[im.label] = (fn, im)
                    med = time_side_by_side(fns, rounds=rounds, target=target)
                    if memory:
                        gc.collect()
                    for im in impls:
                        if im.label not in med:
                            continue
                        peak = None
                        if memory and im.kind in ("fastact", "fallback", "numpy"):
                            peak = peak_extra_bytes(fns[im.label][0], im)
                        rows.append(Row(act, op, dtype, n, im.label, med[im.label],
                                        bytes_moved(n, dtype, op), med["copy"], peak))
                    del fns
    return rows


# --------------------------------------------------------------------------
# Reporting


def machine_info() -> Dict[str, str]:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    from fastact import _backends
    mod = _backends.compiled_module()
    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cpu": f"{cpu} ({os.cpu_count()} logical CPUs)",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "fastact SIMD": (f"{mod.get_level()} (available: {', '.join(mod.simd_levels())})"
                         if mod is not None else "no compiled extension"),
        "peers": ", ".join(f"{p} {peer_version(p)}" for p in PEERS),
    }


def _fmt_bytes(b: Optional[int]) -> str:
    if b is None:
        return "-"
    return f"{b / 2**20:.2f}"


Case = Tuple[str, str, str, int]  # (function, op, dtype, n)


def _cases(rows: Sequence[Row]) -> Dict[Case, Dict[str, Row]]:
    """The rows of each case by implementation, cases in the order run."""
    cases: Dict[Case, Dict[str, Row]] = {}
    for r in rows:
        cases.setdefault((r.act, r.op, r.dtype, r.n), {})[r.impl] = r
    return cases


def _labels(rows: Sequence[Row]) -> List[str]:
    """Every implementation's label, in the order run."""
    return list(dict.fromkeys(r.impl for r in rows))


def _is_fastact(label: str) -> bool:
    return label.startswith("fastact")


def reference(labels: Sequence[str], out: bool) -> Optional[str]:
    """The fastact column the ratios are taken against: the first one timed
    (best level, first accuracy mode), allocating or with out=."""
    for label in labels:
        if _is_fastact(label) and label.endswith(" out=") == out:
            return label
    return None


def _case_name(act: str, op: str) -> str:
    return act if op == "value" else f"{act}_{op}"


def _ratio(other: Optional[Row], ref: Optional[Row]) -> str:
    """other's time / ref's time (above 1: ref is faster)."""
    if other is None or ref is None:
        return "-"
    return f"{other.seconds / ref.seconds:.2f}x"


def grid(header: Sequence[str], body: Sequence[Sequence[str]], markdown: bool,
         text_columns: int = 1) -> str:
    """A table: Markdown (pipes), or plain text with aligned columns; the first
    `text_columns` columns are left-aligned, the numbers right-aligned."""
    if markdown:
        rule = ["---"] * text_columns + ["---:"] * (len(header) - text_columns)
        return "\n".join("| " + " | ".join(cells) + " |" for cells in [header, rule, *body])
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    lines = []
    for cells in [header, *body]:
        lines.append("  ".join(c.ljust(w) if i < text_columns else c.rjust(w)
                               for i, (c, w) in enumerate(zip(cells, widths))).rstrip())
    return "\n".join(lines)


def format_table(rows: Sequence[Row]) -> str:
    """One block per (function, operation, dtype, n): ns/element, GB/s, % of
    np.copyto's bandwidth, the lesson's NumPy time over this one, fastact's
    speedup over this one, and tracemalloc's peak extra MiB of one call."""
    lines: List[str] = []
    ref_label = reference(_labels(rows), out=False)
    width = max([18] + [len(label) + 1 for label in _labels(rows)])
    head = (f"{'implementation':<{width}}{'ns/el':>9}{'GB/s':>8}{'%copy':>7}"
            f"{'vs numpy':>10}{'fastact x':>11}{'peak MiB':>10}")
    for (act, op, dtype, n), by in _cases(rows).items():
        rs = list(by.values())
        ref = by.get("numpy")
        fa = by.get(ref_label) if ref_label else None
        lines.append("")
        lines.append(f"{_case_name(act, op)}  {dtype}  n={n:,}  (copy: {rs[0].copy_gbps:.1f} "
                     f"GB/s, {rs[0].copy_seconds / n * 1e9:.3f} ns/el)")
        lines.append(head)
        for r in rs:
            vs_np = f"{ref.seconds / r.seconds:.2f}x" if ref else "-"
            fa_x = _ratio(r, fa)
            lines.append(f"{r.impl:<{width}}{r.ns_per_el:>9.3f}{r.gbps:>8.1f}"
                         f"{r.pct_copy:>6.0f}%{vs_np:>10}{fa_x:>11}"
                         f"{_fmt_bytes(r.peak_bytes):>10}")
    return "\n".join(lines)


def format_variants(rows: Sequence[Row], markdown: bool = False) -> str:
    """fastact's ns/element at every SIMD level and accuracy mode timed,
    allocating and with out=, side by side: one line per case."""
    variants = [label for label in _labels(rows) if _is_fastact(label)]
    body = [[_case_name(act, op), dtype, f"{n:,}"]
            + [f"{by[v].ns_per_el:.3f}" if v in by else "-" for v in variants]
            for (act, op, dtype, n), by in _cases(rows).items()]
    return grid(["function", "dtype", "n"] + variants, body, markdown, text_columns=2)


def _peers(labels: Sequence[str]) -> List[str]:
    """The implementations fastact is compared with: the lesson's NumPy code
    and the peers (not fastact's own fallback)."""
    return [label for label in labels if not _is_fastact(label) and label != "fallback"]


def _high_cost(by: Dict[str, Row]) -> str:
    """The high mode's time / the default mode's, both with out= at the best level."""
    return _ratio(by.get("fastact high out="), by.get("fastact out="))


def format_ratios(rows: Sequence[Row], markdown: bool = False) -> str:
    """The ratios issue 9 quotes, per function, dtype and n, all against fastact
    out= (best level, first mode): for the fused op, vs the lesson's NumPy, vs
    torch out= and vs the fastest other implementation; for the value op alone,
    vs every peer.  "high/default": what the high accuracy mode costs."""
    labels = _labels(rows)
    ref_label = reference(labels, out=True)
    if ref_label is None:
        return ""
    peers = _peers(labels)
    parts = []
    fused = _ratio_body(rows, "and_derivative", ref_label, peers, fused=True)
    if fused:
        head = ["fused", "dtype", "n", f"{ref_label} ns/el", "vs numpy", "vs torch out=",
                "vs fastest other", "fastest other", "high/default"]
        parts.append(grid(head, fused, markdown, text_columns=2))
    value = _ratio_body(rows, "value", ref_label, peers, fused=False)
    if value:
        head = (["value", "dtype", "n", f"{ref_label} ns/el"] + [f"vs {p}" for p in peers]
                + ["high/default"])
        parts.append(grid(head, value, markdown, text_columns=2))
    return "\n\n".join(parts)


def _ratio_body(rows: Sequence[Row], op: str, ref_label: str, peers: Sequence[str],
                fused: bool) -> List[List[str]]:
    body = []
    for (act, case_op, dtype, n), by in _cases(rows).items():
        ref = by.get(ref_label)
        if case_op != op or ref is None:
            continue
        cells = [_case_name(act, op), dtype, f"{n:,}", f"{ref.ns_per_el:.3f}"]
        if fused:
            present = [p for p in peers if p in by]
            fastest = min(present, key=lambda p: by[p].seconds) if present else None
            cells += [_ratio(by.get("numpy"), ref), _ratio(by.get("torch out="), ref),
                      _ratio(by.get(fastest) if fastest else None, ref), fastest or "-"]
        else:
            cells += [_ratio(by.get(p), ref) for p in peers]
        body.append(cells + [_high_cost(by)])
    return body


def format_markdown(rows: Sequence[Row]) -> str:
    """A compact Markdown table: fastact's ns/element and its speedup over each
    implementation, one line per case."""
    impls = _labels(rows)
    ref_label = reference(impls, out=False)
    others = [i for i in impls if i != ref_label]
    out = [f"| function | dtype | n | {ref_label} ns/el | % copy BW | "
           + " | ".join(f"x {i}" for i in others) + " |",
           "|---|---|---:|---:|---:|" + "---:|" * len(others)]
    for (act, op, dtype, n), by in _cases(rows).items():
        fa = by.get(ref_label) if ref_label else None
        if fa is None:
            continue
        cells = [f"{by[i].seconds / fa.seconds:.2f}" if i in by else "-" for i in others]
        out.append(f"| {_case_name(act, op)} | {dtype} | {n:,} | {fa.ns_per_el:.3f} | "
                   f"{fa.pct_copy:.0f}% | " + " | ".join(cells) + " |")
    return "\n".join(out)


def rows_from_json(path: str) -> List[Row]:
    """Rows saved by `python -m fastact bench --json FILE` (to re-plot them)."""
    import json
    with open(path) as f:
        data = json.load(f)
    return [Row(d["function"], d["op"], d["dtype"], d["n"], d["impl"], d["seconds"],
                d["bytes_moved"], d["copy_seconds"], d["peak_extra_bytes"]) for d in data["rows"]]


def plot(rows: Sequence[Row], path: str, title: Optional[str] = None) -> None:
    """Log-log ns/element against n, one line per implementation, one panel per
    (function, operation, dtype)."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise RuntimeError("--plot needs matplotlib: pip install matplotlib") from exc
    panels: Dict[Tuple[str, str, str], Dict[str, List[Tuple[int, float]]]] = {}
    for r in rows:
        panels.setdefault((r.act, r.op, r.dtype), {}).setdefault(r.impl, []).append(
            (r.n, r.ns_per_el))
    keys = list(panels)
    order: List[str] = []
    for r in rows:
        if r.impl not in order:
            order.append(r.impl)
    cmap = plt.get_cmap("tab20" if len(order) > 10 else "tab10")
    colors = {impl: cmap(i) for i, impl in enumerate(order)}  # same colour in every panel
    ncol = min(4, len(keys))
    nrow = math.ceil(len(keys) / ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(4.2 * ncol, 3.4 * nrow), squeeze=False)
    for ax, key in zip(axes.flat, keys):
        for impl, pts in panels[key].items():
            pts.sort()
            style = "-" if impl.startswith("fastact") else "--"
            ax.plot([p[0] for p in pts], [p[1] for p in pts], style, marker="o", ms=3,
                    label=impl, lw=2.5 if impl == "fastact" else 1, color=colors[impl])
        ax.set_xscale("log")
        ax.set_yscale("log")
        act, op, dtype = key
        ax.set_title(f"{act if op == 'value' else act + '_' + op} {dtype}", fontsize=9)
        ax.set_xlabel("n")
        ax.set_ylabel("ns / element")
        ax.grid(True, which="both", alpha=0.3)
    for ax in list(axes.flat)[len(keys):]:
        ax.axis("off")
    from matplotlib.lines import Line2D
    handles = [Line2D([], [], color=colors[i], lw=2.5 if i == "fastact" else 1,
                      ls="-" if i.startswith("fastact") else "--", marker="o", ms=3)
               for i in order]
    fig.legend(handles, order, loc="lower center", ncol=min(len(order), 10), fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout(rect=(0, 0.05, 1, 0.97 if title else 1))
    fig.savefig(path, dpi=80)
    plt.close(fig)
