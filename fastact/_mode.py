"""The accuracy mode: which of the compiled kernels' two tables the ufuncs use.

"default": every value and from-z derivative within 2 ULP of the correctly rounded
result (at the SIMD levels with FMA; docs/accuracy.md), the fastest kernels.
"high": within 1 ULP, somewhat slower.  relu and leaky_relu are exact in both.

`set_accuracy` sets the process-wide mode (also FASTACT_ACCURACY at import);
`with accuracy_mode(mode):` overrides it for the calling thread only, so one thread's
scoped change never alters another thread's results.  The NumPy fallback has a
single implementation with its own published accuracy: the mode is recorded there
but selects nothing (show_config() says so).
"""
from __future__ import annotations

import contextlib
import _thread  # threading.local's home: importing threading would cost ~1 ms more

from fastact import _backends

TYPE_CHECKING = False  # typing's, without importing typing (mypy knows the name)
if TYPE_CHECKING:
    from typing import Iterator

MODES = ("default", "high")

# The fallback's record of the mode (the compiled backend keeps it in C).
_py_default = "default"
_py_local = _thread._local()


def _check(mode: object) -> str:
    if not isinstance(mode, str):
        raise TypeError(f"fastact: accuracy mode must be a str, not {type(mode).__name__}")
    if mode not in MODES:
        raise ValueError(f"fastact: unknown accuracy mode {mode!r}; choose from {list(MODES)}")
    return mode


def set_accuracy(mode: str) -> None:
    """Set the process-wide accuracy mode: "default" (<= 2 ULP) or "high" (<= 1 ULP)."""
    global _py_default
    mode = _check(mode)
    mod = _backends.active_compiled()
    if mod is not None:
        mod.set_accuracy(mode)
    _py_default = mode


def get_accuracy() -> str:
    """The accuracy mode in effect for the calling thread."""
    mod = _backends.active_compiled()
    if mod is not None:
        return str(mod.get_accuracy())
    return getattr(_py_local, "mode", None) or _py_default


@contextlib.contextmanager
def accuracy_mode(mode: str) -> Iterator[None]:
    """Use `mode` in the calling thread for the duration of the block (nests)."""
    mode = _check(mode)
    mod = _backends.active_compiled()
    if mod is not None:
        before = mod.get_thread_accuracy()
        mod.set_thread_accuracy(mode)
        try:
            yield
        finally:
            mod.set_thread_accuracy(before)
        return
    before_py = getattr(_py_local, "mode", None)
    _py_local.mode = mode
    try:
        yield
    finally:
        _py_local.mode = before_py
