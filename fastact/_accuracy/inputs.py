"""The arguments the accuracy report feeds the functions.

Small formats (float16, float32) are swept by BIT PATTERN: a domain is a list of
inclusive bit-pattern ranges, index k of the domain is the k-th pattern of their
concatenation, and `--sample N` takes N indices evenly strided through it.
float64 is sampled: log-uniform magnitudes, both signs, plus edge cases.
"""
from __future__ import annotations

from typing import Iterator, Tuple

import numpy as np

from fastact import _catalogue
from fastact._accuracy.model import Ranges
from fastact._accuracy.references import REFERENCES

_UINT = {2: np.uint16, 4: np.uint32, 8: np.uint64}


def _bits(dtype: np.dtype, value: float) -> int:
    return int(np.array(value, dtype).view(_UINT[dtype.itemsize]))


def z_domain(dtype: np.dtype) -> Ranges:
    """Every bit pattern: all numbers, both zeros, both infinities, every NaN."""
    return [(0, 2 ** (8 * dtype.itemsize) - 1)]


def a_domain(name: str, dtype: np.dtype) -> Ranges:
    """Every representable output a of the activation (what from_a functions
    take): the reference's a_ranges, else every pattern in the catalogue's
    a_domain [lo, hi] - positives first, then negatives, a zero bound
    including both zeros - and every bit pattern (NaN too, as for z) when the
    domain is unrestricted.  sigmoid [0, 1], tanh [-1, 1], relu a >= 0 (with
    +inf), leaky_relu everything."""
    ref = REFERENCES[name]
    if ref.a_ranges is not None:
        return ref.a_ranges(dtype)
    lo, hi = _catalogue.BY_NAME[name].a_domain
    if lo == -np.inf and hi == np.inf:
        return z_domain(dtype)
    ranges: Ranges = []
    if hi >= 0:
        ranges.append((_bits(dtype, lo if lo > 0 else 0.0), _bits(dtype, hi)))
    if lo <= 0:  # negative patterns grow with the magnitude; -0 is their first
        ranges.append((_bits(dtype, hi if hi < 0 else -0.0), _bits(dtype, -abs(lo))))
    return ranges


def a_label(name: str) -> str:
    """The a-domain as the report names it: "a in [0, 1]", "a >= 0", "every a"."""
    lo, hi = _catalogue.BY_NAME[name].a_domain
    if lo == -np.inf and hi == np.inf:
        return "every a"
    if hi == np.inf:
        return f"a >= {lo:g}"
    if lo == -np.inf:
        return f"a <= {hi:g}"
    return f"a in [{lo:g}, {hi:g}]"


def domain_size(ranges: Ranges) -> int:
    return sum(hi - lo + 1 for lo, hi in ranges)


def sample_stride(ranges: Ranges, sample: int = 0) -> int:
    """Stride through the domain's indices for `sample` points (0: every one)."""
    total = domain_size(ranges)
    return 1 if sample <= 0 or sample >= total else total // sample


def index_chunks(ranges: Ranges, stride: int, chunk: int) -> Iterator[Tuple[int, int]]:
    """(first index, count) of consecutive chunks of the strided index sequence."""
    count = -(-domain_size(ranges) // stride)
    for first in range(0, count, chunk):
        yield first, min(chunk, count - first)


def values_at(ranges: Ranges, dtype: np.dtype, stride: int, first: int, count: int) -> np.ndarray:
    """The arguments for strided indices first .. first+count-1."""
    k = (np.arange(count, dtype=np.uint64) + np.uint64(first)) * np.uint64(stride)
    starts = np.array([lo for lo, _ in ranges], dtype=np.uint64)
    offsets = np.cumsum([0] + [hi - lo + 1 for lo, hi in ranges[:-1]]).astype(np.uint64)
    which = np.searchsorted(offsets, k, side="right") - 1
    bits = starts[which] + (k - offsets[which])
    return bits.astype(_UINT[dtype.itemsize]).view(dtype)


# ------------------------------------------------------------------ float64

def f64_edges(name: str) -> np.ndarray:
    """Edge cases of float64, with both signs and their neighbours: zeros,
    subnormals, the normal threshold, tiny/huge, max, inf, NaN (with payload and
    sign), the kink, and where the activation saturates or underflows."""
    info = np.finfo(np.float64)
    sat = list(REFERENCES[name].f64_edges)
    base = [0.0, float(info.smallest_subnormal), 2.0 ** -1070, float(info.smallest_normal),
            1e-300, 2.0 ** -30, 2.0 ** -27, 1e-8, 0.5, 1.0, 2.0, 1e16, 1e300,
            float(info.max), *sat]
    vals = np.array(base, dtype=np.float64)
    with np.errstate(over="ignore"):  # nextafter(max, inf) is inf, on purpose
        vals = np.concatenate([vals, np.nextafter(vals, np.inf), np.nextafter(vals, 0)])
    vals = np.concatenate([vals, -vals, [np.inf, -np.inf, np.nan]])
    payload = np.array([0x7FF8000000000001, 0xFFF8000000000000, 0x7FF4000000000000],
                       dtype=np.uint64).view(np.float64)  # NaN with payload, -NaN, sNaN bits
    return np.unique(np.concatenate([vals, payload]))


def f64_sample(name: str, n: int, seed: int = 0) -> np.ndarray:
    """n float64 arguments: half log-uniform over every finite magnitude (uniform
    bit patterns), half log-uniform over [2^-60, 2^10], where sigmoid and tanh
    are neither linear nor saturated; random signs; plus `f64_edges`."""
    rng = np.random.default_rng(seed)
    half = n // 2
    whole = rng.integers(0, 0x7FF0000000000000, size=half, dtype=np.uint64).view(np.float64)
    busy = np.exp2(rng.uniform(-60.0, 10.0, size=n - half))
    mags = np.concatenate([whole, busy])
    signs = np.where(rng.integers(0, 2, size=n) == 1, -1.0, 1.0)
    return np.concatenate([mags * signs, f64_edges(name)])


def f64_a_sample(name: str, n: int, seed: int = 0) -> np.ndarray:
    """n float64 outputs a in the activation's a_domain, plus edges.

    Bounded [lo, hi]: log-uniform towards both ends of the magnitudes
    m = max(|lo|, |hi|) (0 and +-1 are where a(1-a) and 1-a^2 are hardest),
    random signs if lo < 0.  Unbounded: the float64 z sample (its magnitudes
    when lo = 0).  Points outside [lo, hi] (an asymmetric domain) are dropped."""
    lo, hi = _catalogue.BY_NAME[name].a_domain
    rng = np.random.default_rng(seed + 1)
    if hi == np.inf or lo == -np.inf:
        z = f64_sample(name, n, seed + 1)
        a = np.abs(z) if lo == 0 else z
    else:
        a = _bounded_a_sample(rng, n, max(abs(lo), abs(hi)), signed=lo < 0)
    with np.errstate(invalid="ignore"):
        return a[~((a < lo) | (a > hi))]  # keeps NaN


def _bounded_a_sample(rng: np.random.Generator, n: int, m: float, signed: bool) -> np.ndarray:
    tiny = np.exp2(rng.uniform(-1074.0, -1.0, size=n // 2)) * m
    near_end = (1.0 - np.exp2(rng.uniform(-53.0, -1.0, size=n - n // 2))) * m
    a = np.concatenate([tiny, near_end])
    if signed:
        a = a * np.where(rng.integers(0, 2, size=n) == 1, -1.0, 1.0)
    edges = np.array([0.0, -0.0, 1.0, 0.5, float(np.finfo(np.float64).smallest_subnormal),
                      np.nextafter(1.0, 0.0), np.nextafter(0.5, 0.0), np.nextafter(0.5, 1.0)]) * m
    if signed:
        edges = np.concatenate([edges, -edges])
    return np.concatenate([a, edges])
