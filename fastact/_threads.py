"""How many threads one large call may use (the compiled backend's pool, csrc/pool.c).

`set_num_threads` sets the process-wide count (also FASTACT_NUM_THREADS at import);
`with num_threads(n):` overrides it for the calling thread only, as `accuracy_mode`
does for the accuracy mode.  The default is the number of CPUs this process may
run on (os.sched_getaffinity, not os.cpu_count), lowered by OMP_NUM_THREADS and
OMP_THREAD_LIMIT where the environment sets them (dask's and distributed's
workers, job schedulers and containers set OMP_NUM_THREADS=1 to stop nested
parallelism).  The NumPy fallback and the Windows build are single-threaded: the
count is recorded there but changes nothing (show_config() says so).

threadpoolctl, where installed, sees fastact as user_api "fastact":
`threadpool_limits(1)` limits it, `threadpool_info()` lists it.
"""
from __future__ import annotations

import contextlib
import operator
import os
import _thread  # threading.local's home: importing threading would cost ~1 ms more

from fastact import _backends

TYPE_CHECKING = False  # typing's, without importing typing (mypy knows the name)
if TYPE_CHECKING:
    from importlib.machinery import ModuleSpec
    from types import ModuleType
    from typing import Any, Iterator, Mapping, Optional, Sequence

# The pool's hard limit (csrc/pool.h FA_POOL_MAX_THREADS): a request above it is an error.
MAX_THREADS = 256
ENV_VAR = "FASTACT_NUM_THREADS"
# The limits of the OpenMP convention that fastact honours when FASTACT_NUM_THREADS is unset.
LIMIT_VARS = ("OMP_NUM_THREADS", "OMP_THREAD_LIMIT")

# The fallback's record of the count (the compiled backend keeps it in C).
_py_default = 1
_py_local = _thread._local()


def check(n: object, what: str = "thread count") -> int:
    """n as an int in 1..MAX_THREADS, or a TypeError/ValueError saying what is wrong."""
    if isinstance(n, bool) or not hasattr(type(n), "__index__"):
        raise TypeError(f"fastact: {what} must be an int, not {type(n).__name__}")
    value = operator.index(n)  # type: ignore[arg-type]
    if value < 1:
        raise ValueError(f"fastact: {what} must be at least 1, got {value}")
    if value > MAX_THREADS:
        raise ValueError(f"fastact: {what} must be at most {MAX_THREADS}, got {value}")
    return value


def available_cpus() -> int:
    """The CPUs this process may run on (its affinity mask where the OS has one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def _omp_limit(name: str, value: str) -> Optional[int]:
    """A positive OMP_* value (OMP_NUM_THREADS may list one count per nesting level:
    the first is ours), or None where it is unset or not a count (OpenMP ignores those)."""
    first = value.split(",")[0].strip()
    return int(first) if first.isdigit() and int(first) >= 1 else None


def default_num_threads(environ: Mapping[str, str] = os.environ) -> int:
    """FASTACT_NUM_THREADS if set (validated), else the available CPUs lowered by
    OMP_NUM_THREADS and OMP_THREAD_LIMIT, at most MAX_THREADS."""
    explicit = environ.get(ENV_VAR, "").strip()
    if explicit:
        try:
            value = int(explicit)
        except ValueError:
            raise ValueError(f"fastact: {ENV_VAR} must be a whole number of threads, "
                             f"got {explicit!r}") from None
        return check(value, ENV_VAR)
    limits = [available_cpus(), MAX_THREADS]
    for name in LIMIT_VARS:
        limit = _omp_limit(name, environ.get(name, ""))
        if limit is not None:
            limits.append(limit)
    return min(limits)


def set_num_threads(n: int) -> None:
    """Set the process-wide number of threads a large call may use (1..256)."""
    global _py_default
    n = check(n)
    mod = _backends.active_compiled()
    if mod is not None:
        mod.set_num_threads(n)
    _py_default = n


def process_num_threads() -> int:
    """The process-wide count (what threadpoolctl reports and restores)."""
    mod = _backends.active_compiled()
    return int(mod.get_num_threads()) if mod is not None else _py_default


def get_num_threads() -> int:
    """The number of threads a large call from the calling thread may use."""
    mod = _backends.active_compiled()
    if mod is not None:
        local = mod.get_thread_num_threads()
        return int(local if local is not None else mod.get_num_threads())
    return int(getattr(_py_local, "n", None) or _py_default)


@contextlib.contextmanager
def num_threads(n: int) -> Iterator[None]:
    """Use `n` threads for the calling thread's calls for the duration of the block
    (nests; other threads keep theirs)."""
    n = check(n)
    mod = _backends.active_compiled()
    if mod is not None:
        before = mod.get_thread_num_threads()
        mod.set_thread_num_threads(n)
        try:
            yield
        finally:
            mod.set_thread_num_threads(before)
        return
    before_py = getattr(_py_local, "n", None)
    _py_local.n = n
    try:
        yield
    finally:
        _py_local.n = before_py


def describe() -> str:
    """show_config's line: the count, and whether it does anything here."""
    n = get_num_threads()
    mod = _backends.active_compiled()
    if mod is None:
        return f"{n} (recorded; the NumPy fallback is single-threaded)"
    if not mod.pool_threaded():
        return f"{n} (recorded; this build is single-threaded)"
    return (f"{n} (pool of worker threads for contiguous calls of >= "
            f"{mod._pool_threshold()} elements; {available_cpus()} CPUs available)")


def register_threadpoolctl() -> bool:
    """Make threadpoolctl (>= 3.5, its LibController API) see fastact's pool, without
    importing it: threadpoolctl costs ~15 ms and imports typing, inspect and threading,
    which `import fastact` would otherwise pay wherever it is installed.  Registered at
    once where threadpoolctl is already imported, else the moment it is (a finder on
    sys.meta_path).  True if registered now."""
    import sys
    module = sys.modules.get("threadpoolctl")
    if module is not None:
        return _register(module)
    if not any(isinstance(f, _RegisterOnImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _RegisterOnImport())
    return False


class _RegisterOnImport:
    """A sys.meta_path finder that only watches for threadpoolctl's first import: it
    finds threadpoolctl's spec through the finders after it, and registers fastact's
    controller once the module has executed.  It removes itself on first use."""

    def find_spec(self, name: str, path: Optional[Sequence[str]] = None,
                  target: Optional[ModuleType] = None) -> Optional[ModuleSpec]:
        if name != "threadpoolctl":
            return None
        import sys
        if self in sys.meta_path:
            sys.meta_path.remove(self)
        import importlib.util
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        exec_module = loader.exec_module

        def exec_then_register(module: ModuleType) -> None:
            exec_module(module)
            _register(module)

        loader.exec_module = exec_then_register  # type: ignore[method-assign]
        return spec


def _register(threadpoolctl: "Any") -> bool:
    """Registers fastact's controller with the imported threadpoolctl; False where it is
    too old to have the API."""
    if not hasattr(threadpoolctl, "register"):
        return False

    class FastactController(threadpoolctl.LibController):  # type: ignore[misc]
        """fastact's pool, found as the loaded extension module: its file name starts
        with _ufuncs (so does scipy.special's, which lacks the fa_pool symbols)."""

        user_api = "fastact"
        internal_api = "fastact"
        filename_prefixes = ("_ufuncs",)
        check_symbols = ("fa_pool_get_num_threads", "fa_pool_set_num_threads")

        def get_num_threads(self) -> int:
            return process_num_threads()

        def set_num_threads(self, num_threads: int) -> None:
            set_num_threads(num_threads)

        def get_version(self) -> str:
            import fastact
            return str(fastact.__version__)

    threadpoolctl.register(FastactController)
    return True
