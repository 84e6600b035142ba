"""`fastact.show_config()`: what this installation runs, and why the compiled
backend is missing where it is (pip hides the build's warning unless -v, so
setup.py records the reason in fastact/_build_info.py for this to show)."""
from __future__ import annotations

import importlib
import platform
import sys

TYPE_CHECKING = False  # typing's, without importing typing (mypy knows the name)
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional, Tuple

NO_BUILD_RECORD = ("no build record (a source tree that was never built? "
                   "run `python setup.py build_ext --inplace`)")


def build_record() -> Optional[Any]:
    """setup.py's record of this build (EXTENSION_BUILT, REASON), or None."""
    try:
        return importlib.import_module("fastact._build_info")
    except ImportError:
        return None


def _import_error() -> Optional[str]:
    """Why `fastact._ufuncs` does not import, or None where it does."""
    try:
        importlib.import_module("fastact._ufuncs")
    except ImportError as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def missing_reason() -> Optional[str]:
    """Why the compiled backend does not run ('C extension not ...: REASON'),
    or None where it does."""
    from fastact import _backends

    import_error = _import_error()
    if import_error is None:
        if _backends.extensions_disabled():
            return "C extension not used: FASTACT_NO_EXTENSIONS is set"
        stale = _backends.stale_reason(_backends.compiled_module())
        return None if stale is None else f"C extension not used: {stale}"
    record = build_record()
    if record is None:
        reason = NO_BUILD_RECORD
    elif record.EXTENSION_BUILT:  # built, but does not import here
        reason = import_error
    else:
        reason = record.REASON
    return f"C extension not built: {reason}"


def backend_description() -> str:
    """'c', or 'python (C extension not built: REASON)'."""
    import fastact

    reason = missing_reason() if fastact.BACKEND == "python" else None
    return f"{fastact.BACKEND} ({reason})" if reason else fastact.BACKEND


def backend_line() -> str:
    return f"backend: {backend_description()}"


def version_text() -> str:
    """What `python -m fastact --version` prints."""
    import fastact

    return f"fastact {fastact.__version__}\n{backend_line()}"


def simd_levels_table() -> List[Dict[str, Any]]:
    """csrc/levels.def's rows as the compiled module reports them (its levels()),
    or [] without it."""
    from fastact import _backends

    mod = _backends.compiled_module()
    return mod.levels() if mod is not None else []


def fma_levels() -> Tuple[str, ...]:
    """The compiled levels whose kernels fuse multiply-adds (has_fma in the table:
    x86-64's avx2 and avx512, aarch64's baseline), where the accuracy targets hold."""
    return tuple(lv["name"] for lv in simd_levels_table() if lv["compiled"] and lv["has_fma"])


def _simd_info(table: List[Dict[str, Any]]) -> Dict[str, Any]:
    """show_config()'s SIMD lines, from the levels table."""
    return {
        "simd_available": [lv["name"] for lv in table if lv["supported"]],
        "simd_compiled": [lv["name"] for lv in table if lv["compiled"]],
        "simd_fma": [lv["name"] for lv in table if lv["compiled"] and lv["has_fma"]],
    }


def config() -> Dict[str, Any]:
    import numpy as np

    from fastact import _backends

    import fastact
    info: Dict[str, Any] = {
        "fastact": fastact.__version__,
        "backend": backend_description(),
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "machine": platform.machine(),
    }
    info["accuracy"] = fastact.get_accuracy() + (
        "" if fastact.BACKEND == "c" else " (selects nothing in the NumPy fallback)")
    from fastact import _threads
    info["threads"] = _threads.describe()
    mod = _backends.compiled_module()
    if mod is not None:
        info["simd_level"] = mod.get_level() if fastact.BACKEND == "c" else None
        info["streaming"] = (f"non-temporal stores for the memory-bound activations' "
                             f"contiguous calls of >= {mod._stream_bytes() / 2**20:g} MiB "
                             f"(inputs and outputs; half the last-level cache, at most 16 MiB)")
        info.update(_simd_info(mod.levels()))
        info["compiler"] = mod.compiler()
    return info


def show_config() -> None:
    """Print the backend (and why it is the fallback, if it is), the SIMD level in
    use and what else this build offers."""
    for key, value in config().items():
        print(f"{key:>15}: {value}")
