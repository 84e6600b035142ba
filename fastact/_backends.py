"""Loading the two backends.  `fastact` itself exposes the chosen one; the tests
and benchmarks use `namespace()` to hold both side by side.

A backend provides cores keyed by (C kernel row, operation) (see fastact._api):
the compiled module's UFUNCS, or the fallback's CORES."""
from __future__ import annotations

import os

from fastact import _catalogue

TYPE_CHECKING = False  # typing's, without importing typing (mypy knows the name)
if TYPE_CHECKING:
    from typing import Any, Callable, Dict, Mapping, Optional, Tuple

    Cores = Mapping[Tuple[str, str], Callable[..., Any]]


def extensions_disabled() -> bool:
    return os.environ.get("FASTACT_NO_EXTENSIONS", "") not in ("", "0")


def compiled_module() -> Optional[Any]:
    """The compiled extension, or None where it was not built."""
    try:
        from fastact import _ufuncs
    except ImportError:
        return None
    return _ufuncs


def active_compiled() -> Optional[Any]:
    """The compiled extension when fastact runs on it (BACKEND == "c"), else None:
    what the process-wide settings (accuracy mode, threads) are kept in."""
    import fastact
    return compiled_module() if fastact.BACKEND == "c" else None


def require_compiled() -> Any:
    """The compiled extension; ImportError where it was not built."""
    mod = compiled_module()
    if mod is None:
        raise ImportError("fastact was installed without its compiled extension")
    return mod


def _check_kind(kind: str) -> None:
    if kind not in ("c", "python"):
        raise ValueError(f"unknown backend {kind!r}; expected 'c' or 'python'")


def cores(kind: str) -> Cores:
    _check_kind(kind)
    if kind == "c":
        return require_compiled().UFUNCS  # type: ignore[no-any-return]
    from fastact import _fallback
    return _fallback.CORES


def stale_reason(mod: Any) -> Optional[str]:
    """Why the compiled module cannot serve this catalogue (built from another
    version of it: a source tree edited but not rebuilt), or None."""
    want = {(row, op) for row, act in _catalogue.kernel_rows() for op in act.ops}
    missing = sorted(want - set(mod.UFUNCS))
    if not missing:
        return None
    return (f"it was built from another catalogue (no kernel for {missing[0][0]} "
            f"{missing[0][1]}); rebuild it: python setup.py build_ext --inplace")


def choose() -> str:
    mod = None if extensions_disabled() else compiled_module()
    if mod is None or stale_reason(mod) is not None:
        return "python"
    return "c"


class Namespace:
    """All public functions of one backend, plus its ActivationFunctions class
    and prelu_backward_weight, each built on its first use and then kept (so
    `import fastact` builds none of them: issue 8's import-time target).

    One object per name, also when two threads ask first at once: the first
    one stored wins (setdefault), as pickling by name needs."""

    def __init__(self, kind: str) -> None:
        self.BACKEND = kind

    def __getattr__(self, name: str) -> Any:
        # Called only for a name not built yet.
        return self.__dict__.setdefault(name, self._build(name))

    def _build(self, name: str) -> Any:
        if name == "ActivationFunctions":
            from fastact._lesson import make_activation_functions
            return make_activation_functions(self)
        if name == "prelu_backward_weight":
            from fastact._prelu import prelu_backward_weight  # not elementwise: not catalogued
            return prelu_backward_weight
        try:
            act, op = _catalogue.OPERATION_OF[name]
        except KeyError:
            raise AttributeError(f"fastact has no function {name!r}") from None
        from fastact import _api
        return _api.public(act, op, cores(self.BACKEND), self.BACKEND, public_function)

    def __dir__(self) -> list:
        return sorted({*self.__dict__, *NAMES})


# The names a Namespace provides.
NAMES = ("ActivationFunctions", "prelu_backward_weight", *_catalogue.OPERATION_OF)

_NAMESPACES: Dict[str, Namespace] = {}


def public_function(kind: str, name: str) -> Callable[..., Any]:
    """One backend's public function by name (how a dask worker that unpickles a
    block finds its function again)."""
    return getattr(namespace(kind), name)  # type: ignore[no-any-return]


def namespace(kind: str) -> Namespace:
    """One backend's public functions (built on first use, see Namespace); an
    ImportError for "c" where the extension was not built."""
    ns = _NAMESPACES.get(kind)
    if ns is None:
        _check_kind(kind)
        if kind == "c":
            require_compiled()
        ns = _NAMESPACES.setdefault(kind, Namespace(kind))
    return ns
