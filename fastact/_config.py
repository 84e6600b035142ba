"""`fastact.show_config()`: what this installation runs."""
from __future__ import annotations

import platform
import sys
from typing import Any, Dict


def config() -> Dict[str, Any]:
    import numpy as np

    from . import _backends

    import fastact
    info: Dict[str, Any] = {
        "fastact": fastact.__version__,
        "backend": fastact.BACKEND,
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "machine": platform.machine(),
    }
    info["accuracy"] = fastact.get_accuracy() + (
        "" if fastact.BACKEND == "c" else " (selects nothing in the NumPy fallback)")
    mod = _backends.compiled_module()
    if mod is not None:
        info["simd_level"] = mod.get_level() if fastact.BACKEND == "c" else None
        info["simd_available"] = mod.simd_levels()
        info["simd_compiled"] = mod.compiled_levels()
        info["compiler"] = mod.compiler()
    return info


def show_config() -> None:
    """Print the backend, the SIMD level in use and what else this build offers."""
    for key, value in config().items():
        print(f"{key:>15}: {value}")
