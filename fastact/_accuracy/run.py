"""Planning and running the sweeps: blocks of arguments, optionally spread over
worker processes, with merged statistics and a progress line on stderr."""
from __future__ import annotations

import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Optional, Tuple

import numpy as np

from fastact._accuracy import inputs
from fastact._accuracy.measure import Stats, measure_block, merge_into
from fastact._accuracy.reference import (kernel_params, mp_fwd, mp_from_a, mp_round, reference_fwd,
                                         reference_from_a, wide_dtype)
from fastact._accuracy.references import REFERENCES


@dataclass
class Sweep:
    """One backend/level x dtype x activation x argument group."""
    backend: str            # "c" or "python"
    level: Optional[str]    # SIMD level of the compiled backend
    dtype: str              # "float16", "float32", "float64"
    name: str               # activation
    group: str              # "z" (functions of z) or "a" (functions of the output)
    sample: int = 0         # bit-pattern sweeps: 0 = every pattern
    f64_points: int = 10**6
    seed: int = 0
    checks: Dict[str, Stats] = field(default_factory=dict)
    seconds: float = 0.0
    mp_points: int = 0
    points: int = 0

    @property
    def exhaustive(self) -> bool:
        return self.dtype != "float64" and self.sample == 0

    def mode(self) -> str:
        if self.dtype == "float64":
            return f"sampled ({self.points} points)"
        return "exhaustive" if self.exhaustive else f"sampled ({self.points} bit patterns)"

    def domain(self) -> str:
        return "every z" if self.group == "z" else inputs.a_label(self.name)


# ------------------------------------------------------------- the blocks

def _blocks(sw: Sweep, chunk: int) -> List[Tuple]:
    """Picklable descriptions of the argument blocks of a sweep."""
    dt = np.dtype(sw.dtype)
    if sw.dtype == "float64":
        n = len(_f64_args(sw))
        return [("f64", first, min(chunk, n - first)) for first in range(0, n, chunk)]
    ranges = inputs.z_domain(dt) if sw.group == "z" else inputs.a_domain(sw.name, dt)
    stride = inputs.sample_stride(ranges, sw.sample)
    return [("bits", ranges, stride, first, count)
            for first, count in inputs.index_chunks(ranges, stride, chunk)]


def _f64_args(sw: Sweep) -> np.ndarray:
    if sw.group == "z":
        return inputs.f64_sample(sw.name, sw.f64_points, sw.seed)
    return inputs.f64_a_sample(sw.name, sw.f64_points, sw.seed)


def _block_args(sw: Sweep, block: Tuple) -> np.ndarray:
    if block[0] == "f64":
        _, first, count = block
        return _f64_args(sw)[first:first + count]
    _, ranges, stride, first, count = block
    return inputs.values_at(ranges, np.dtype(sw.dtype), stride, first, count)


# ------------------------------------------------------------- backends

_ACTIVE: Dict[str, Any] = {}


def backend_namespace(backend: str, level: Optional[str]) -> Any:
    """The backend's public functions, with the compiled level switched to `level`
    ("avx2", or "avx2-high" for that level's kernels in the high accuracy mode)."""
    from fastact import _backends

    ns = _backends.namespace(backend)
    mod = _backends.compiled_module()
    if backend == "c" and level and mod is not None:
        name, _, mode = level.partition("-")
        mod.set_level(name)
        mod.set_accuracy(mode or "default")
    return ns


def _run_block(sw: Sweep, block: Tuple) -> Tuple[Dict[str, Stats], int, int]:
    ns = backend_namespace(sw.backend, sw.level)
    x = _block_args(sw, block)
    stats, n_mp = measure_block(ns, sw.name, sw.group, x)
    return stats, n_mp, x.size


# ------------------------------------------------------------- progress

class Progress:
    """`[####......]  42%  label  12 s` on stderr: redrawn in place on a terminal,
    one line per 10 % otherwise (e.g. under nohup)."""

    def __init__(self, total: int, enabled: bool = True) -> None:
        self.total, self.done, self.enabled = max(total, 1), 0, enabled
        self.start = time.monotonic()
        self.tty = sys.stderr.isatty()
        self.last_decile = -1
        self.width = 0

    def advance(self, n: int, label: str) -> None:
        self.done += n
        if not self.enabled:
            return
        frac = self.done / self.total
        bar = "#" * int(frac * 30)
        elapsed = time.monotonic() - self.start
        # Remaining time at the rate so far: a long sweep says how long it will take.
        left = f", {elapsed * (1 - frac) / frac:.0f} s left" if 0 < frac < 1 else ""
        line = f"[{bar:<30}] {frac:6.1%}  {label}  {elapsed:7.0f} s{left}"
        if self.tty:
            self.width = max(self.width, len(line))  # blank out a longer previous line
            sys.stderr.write("\r" + line.ljust(self.width))
            if self.done >= self.total:
                sys.stderr.write("\n")
        elif int(frac * 10) > self.last_decile:
            self.last_decile = int(frac * 10)
            sys.stderr.write(line + "\n")
        sys.stderr.flush()


def _worker_init() -> None:
    np.seterr(all="ignore")


def run_sweeps(sweeps: List[Sweep], jobs: int = 1, chunk: int = 1 << 22,
               show_progress: bool = True) -> None:
    """Fill in every sweep's statistics, blocks spread over `jobs` processes."""
    plans = [(sw, _blocks(sw, chunk)) for sw in sweeps]
    total = sum(b[-1] for _, blocks in plans for b in blocks)
    progress = Progress(total, show_progress)
    pool = ProcessPoolExecutor(jobs, initializer=_worker_init) if jobs > 1 else None
    try:
        for sw, blocks in plans:
            label = f"{sw.backend}{'/' + sw.level if sw.level else ''} {sw.dtype} {sw.name} ({sw.group})"
            t0 = time.monotonic()
            progress.advance(0, label)  # shown before the first block, not after it
            results: Iterator[Tuple[Dict[str, Stats], int, int]]
            if pool is None:
                results = (_run_block(sw, b) for b in blocks)
            else:
                results = pool.map(_run_block, [sw] * len(blocks), blocks)
            for stats, n_mp, n in results:
                merge_into(sw.checks, stats)
                sw.mp_points += n_mp
                sw.points += n
                progress.advance(n, label)
            sw.seconds = time.monotonic() - t0
    finally:
        if pool is not None:
            pool.shutdown()


# ------------------------------------------------------------- cross-check

def cross_check(name: str, group: str, dtype: str, points: int = 2000, seed: int = 0
                ) -> Dict[str, Any]:
    """The fast reference against mpmath on random arguments: how many of the
    correctly rounded values differ (expected: none)."""
    if REFERENCES[name].exact:
        return {"points": 0, "mismatches": 0, "note": "exact selects and one IEEE product"}
    dt = np.dtype(dtype)
    rng = np.random.default_rng(seed)
    if dtype == "float64":
        pool = _f64_args(Sweep("python", None, dtype, name, group, f64_points=10**5, seed=seed))
    else:
        ranges = inputs.z_domain(dt) if group == "z" else inputs.a_domain(name, dt)
        pool = inputs.values_at(ranges, dt, inputs.sample_stride(ranges, 10**5), 0,
                                min(10**5, inputs.domain_size(ranges)))
    x = rng.choice(pool[np.isfinite(pool)], size=points).astype(dt)
    bad = 0
    kp = kernel_params(name, dt)  # the same parameters on both sides
    with np.errstate(all="ignore"):
        if group == "z":
            a, d, _ = reference_fwd(name, x, **kp)
            for i, v in enumerate(x):
                ma, md = mp_fwd(name, float(v), **kp)
                bad += (mp_round(ma, dt) != a[i]) + (mp_round(md, dt) != d[i])
        else:
            d, _ = reference_from_a(name, x, **kp)
            bad = sum(int(mp_round(mp_from_a(name, float(v), **kp), dt) != d[i])
                      for i, v in enumerate(x))
    wide = wide_dtype(dt)
    return {"points": points, "mismatches": int(bad),
            "wide": str(wide) if wide is not None else "mpmath"}
