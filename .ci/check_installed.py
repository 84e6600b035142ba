"""python check_installed.py WHEEL VENV: the fastact installed from WHEEL is the one
imported (from VENV, not a source tree) and is what the wheel promises: a binary wheel
runs the compiled backend with every SIMD level of its platform compiled in (x86-64:
baseline, avx2, avx512); the pure wheel runs the fallback and says why."""
import os
import platform
import sys

import fastact
from fastact import _backends, _config

wheel, venv = os.path.basename(sys.argv[1]), os.path.realpath(sys.argv[2])
where = os.path.realpath(fastact.__file__)
assert where.startswith(venv + os.sep), f"fastact imported from {where}, not from {venv}"
fastact.show_config()
if wheel.endswith("-none-any.whl"):
    assert fastact.BACKEND == "python", fastact.BACKEND
    assert "pure-Python build" in (_config.missing_reason() or ""), _config.missing_reason()
else:
    mod = _backends.compiled_module()
    assert mod is not None and fastact.BACKEND == "c", _config.backend_line()
    if platform.machine() in ("x86_64", "AMD64"):
        levels = mod.compiled_levels()
        assert levels == ["baseline", "avx2", "avx512"], f"compiled levels {levels}"
print(f"{wheel}: installed and imported from {os.path.dirname(where)}; OK")
