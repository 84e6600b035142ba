"""Markdown tables and JSON for the accuracy report, and the targets.

Targets (checked for the compiled kernels at the FMA levels, avx2 and avx512):
  functions of z (value, derivative, and_derivative, backward with grad=1):
      max <= 2 ULP in the default accuracy mode, <= 1 ULP in the high mode
      ("avx2-high"), float32 over every input, float64 sampled;
  functions of a (derivative_from_a, backward_from_a): max <= 1 ULP against the
      lesson's formula evaluated exactly on the given a.
The baseline level (no FMA), float16 and the NumPy fallback are published
without a target.
"""
from __future__ import annotations

import datetime
import platform
from typing import Any, Dict, List, Optional

import numpy as np

from fastact._accuracy.measure import check_label
from fastact._config import fma_levels

TARGET_ULP = {"z": 2.0, "a": 1.0}
TARGET_ULP_HIGH = {"z": 1.0, "a": 1.0}
TARGET_LEVELS = fma_levels()  # from csrc/levels.def: x86-64 avx2, avx512; aarch64 baseline
TARGET_DTYPES = ("float32", "float64")


def target_for(sweep: Any) -> Optional[float]:
    level, _, mode = (sweep.level or "").partition("-")
    if sweep.backend == "c" and level in TARGET_LEVELS and sweep.dtype in TARGET_DTYPES:
        return (TARGET_ULP_HIGH if mode == "high" else TARGET_ULP)[sweep.group]
    return None


def _fmt_arg(v: Optional[float], dtype: str) -> str:
    if v is None:
        return "-"
    return str(getattr(np, dtype)(v))  # shortest repr that round-trips in dtype


def _fmt_ulp(u: float) -> str:
    return "inf" if u == float("inf") else f"{u:g}"


def _key(sw: Any) -> tuple:
    return (sw.backend, sw.level or "", sw.dtype)


def markdown(sweeps: List[Any], title: str = "fastact accuracy") -> str:
    """One table per backend/level x dtype."""
    groups: Dict[tuple, List[Any]] = {}
    for sw in sweeps:
        groups.setdefault(_key(sw), []).append(sw)
    out = [f"# {title}", ""]
    for (backend, level, dtype), sws in groups.items():
        head = f"## {backend}{' / ' + level if level else ''} - {dtype}"
        out += [head, "",
                "| function | arguments | max ULP | where | got / ref there | > 1 ULP | points | target |",
                "| --- | --- | ---: | --- | --- | ---: | ---: | --- |"]
        for sw in sws:
            tgt = target_for(sw)
            for check, st in sw.checks.items():
                ok = "" if tgt is None else (f"<= {tgt:g} ok" if st.max_ulp <= tgt else f"<= {tgt:g} MISSED")
                at = (f"{_fmt_arg(st.worst_got, dtype)} / {_fmt_arg(st.worst_ref, dtype)}"
                      if st.max_ulp > 0 else "-")
                where = _fmt_arg(st.worst_arg, dtype) if st.max_ulp > 0 else "-"
                out.append(f"| {check_label(sw.name, check)} | {sw.domain()}, {sw.mode()} | "
                           f"{_fmt_ulp(st.max_ulp)} | {where} | {at} | {st.over_1ulp} | "
                           f"{st.count} | {ok} |")
        secs = ", ".join(f"{sw.name}({sw.group}) {sw.seconds:.1f} s" for sw in sws)
        mp_pts = sum(sw.mp_points for sw in sws)
        out += ["", f"Time: {secs}. Reference points decided by mpmath: {mp_pts}.", ""]
    return "\n".join(out)


def environment() -> Dict[str, Any]:
    from fastact import __version__, _backends

    mod = _backends.compiled_module()
    return {
        "fastact": __version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "processor": platform.processor(),
        "compiler": mod.compiler() if mod is not None and hasattr(mod, "compiler") else None,
        "simd_levels": mod.simd_levels() if mod is not None else [],
        "longdouble_mant_bits": int(np.finfo(np.longdouble).nmant),
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }


def as_json(sweeps: List[Any], cross_checks: List[Dict[str, Any]], argv: List[str]) -> Dict[str, Any]:
    runs = []
    for sw in sweeps:
        tgt = target_for(sw)
        runs.append({
            "backend": sw.backend, "level": sw.level, "dtype": sw.dtype,
            "activation": sw.name, "arguments": sw.domain(), "mode": sw.mode(),
            "exhaustive": sw.exhaustive, "points": sw.points, "seconds": round(sw.seconds, 2),
            "mpmath_points": sw.mp_points, "target_ulp": tgt,
            "checks": {check_label(sw.name, c): {**st.to_dict(),
                                                 "meets_target": None if tgt is None else st.max_ulp <= tgt}
                       for c, st in sw.checks.items()},
        })
    return {"ulp_definition": "|got - ref| / spacing(ref); ref = exact value rounded to the dtype; "
                              "spacing(0 or subnormal) = smallest subnormal; NaN vs NaN = 0; "
                              "NaN vs number or inf mismatch = inf",
            "argv": argv, "environment": environment(), "runs": runs,
            "reference_cross_checks": cross_checks}
