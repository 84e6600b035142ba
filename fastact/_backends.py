"""Loading the two backends.  `fastact` itself exposes the chosen one; the tests
and benchmarks use `namespace()` to hold both side by side.

A backend provides cores keyed by (C kernel row, operation) (see fastact._api):
the compiled module's UFUNCS, or the fallback's CORES."""
from __future__ import annotations

import os
from types import SimpleNamespace
from typing import Any, Callable, Dict, Mapping, Optional, Tuple

from fastact import _api

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


def cores(kind: str) -> Cores:
    if kind == "c":
        return require_compiled().UFUNCS
    if kind == "python":
        from fastact import _fallback
        return _fallback.CORES
    raise ValueError(f"unknown backend {kind!r}; expected 'c' or 'python'")


def stale_reason(mod: Any) -> Optional[str]:
    """Why the compiled module cannot serve this catalogue (built from another
    version of it: a source tree edited but not rebuilt), or None."""
    from fastact import _catalogue

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


_NAMESPACES: Dict[str, SimpleNamespace] = {}


def public_function(kind: str, name: str) -> Callable[..., Any]:
    """One backend's public function by name (how a dask worker that unpickles a
    block finds its function again)."""
    return getattr(namespace(kind), name)


def namespace(kind: str) -> SimpleNamespace:
    """All public functions of one backend, plus its ActivationFunctions class."""
    if kind not in _NAMESPACES:
        from fastact._lesson import make_activation_functions
        ns = SimpleNamespace(**_api.build(cores(kind), kind, public_function))
        ns.ActivationFunctions = make_activation_functions(ns)
        from fastact._prelu import prelu_backward_weight  # not elementwise: outside the catalogue
        ns.prelu_backward_weight = prelu_backward_weight
        ns.BACKEND = kind
        _NAMESPACES[kind] = ns
    return _NAMESPACES[kind]
