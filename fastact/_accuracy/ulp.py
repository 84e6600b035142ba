"""How far a result is from its reference, in units in the last place (ULP).

    ulp_error(got, ref) = |got - ref| / spacing(ref)

spacing(ref) is the gap between |ref| and the next larger number of the float
format (``np.spacing``); for ref == 0 or a subnormal ref that is the smallest
subnormal.  Special cases: NaN vs NaN is 0, NaN vs a number is inf, equal
values (including inf == inf and -0 == +0) are 0, and an infinity against a
different value is inf.  ``ref`` is the exact value rounded to the format, so a
correctly rounded result scores 0 and a faithfully rounded one at most 1.
"""
from __future__ import annotations

from typing import Any

import numpy as np


def ulp_error(got: Any, ref: Any) -> np.ndarray:
    """ULP distance of `got` from `ref` (same float dtype), as float64."""
    got = np.asarray(got)
    ref = np.asarray(ref)
    if got.dtype != ref.dtype:
        raise TypeError(f"ulp_error: dtypes differ ({got.dtype} vs {ref.dtype})")
    with np.errstate(all="ignore"):
        err = np.abs(got.astype(np.float64) - ref.astype(np.float64))
        err /= np.spacing(np.abs(ref)).astype(np.float64)
        special = np.flatnonzero(~np.isfinite(err))  # NaN or inf involved: rare
        if special.size:
            g, r = got.ravel()[special], ref.ravel()[special]
            e = np.where(g == r, 0.0, np.inf)             # inf == inf, else inf
            e = np.where(np.isnan(g) & np.isnan(r), 0.0, e)
            err.ravel()[special] = e
    return err


def format_params(dtype: Any) -> tuple:
    """(precision p in bits incl. the hidden one, exponent of the smallest subnormal)."""
    info = np.finfo(dtype)
    return info.nmant + 1, int(np.log2(float(info.smallest_subnormal)))


def near_midpoint(wide: np.ndarray, rounded: np.ndarray, tol: float) -> np.ndarray:
    """Where `wide` (a more precise, slightly inexact value) lies within `tol` ULP
    of the midpoint between two neighbours of the narrow format of `rounded`:
    there its rounding may differ from the exact value's, and a slower exact
    reference has to decide."""
    narrow = np.finfo(rounded.dtype)
    if wide.dtype == np.float64 and narrow.nmant < 52:
        # Fast and exact for results in the narrow format's normal range: the
        # float64 bits below the narrow mantissa are 100...0 at a midpoint.
        shift = 52 - narrow.nmant
        low = (wide.view(np.uint64) & np.uint64((1 << shift) - 1)).astype(np.int64)
        near = np.abs(low - (1 << (shift - 1))) <= int(tol * 2.0**shift)
        with np.errstate(invalid="ignore"):
            near &= np.isfinite(wide) & (np.abs(wide) >= float(narrow.smallest_normal))
            small = np.flatnonzero(np.abs(wide) < float(narrow.smallest_normal))
        near[small] = _near_midpoint_generic(wide[small], rounded[small], tol)
        return near
    return _near_midpoint_generic(wide, rounded, tol)


def _near_midpoint_generic(wide: np.ndarray, rounded: np.ndarray, tol: float) -> np.ndarray:
    with np.errstate(all="ignore"):
        mag = np.abs(rounded)
        up = np.spacing(mag).astype(wide.dtype)
        down = np.spacing(np.nextafter(mag, np.zeros_like(mag))).astype(wide.dtype)
        off = np.abs(wide - rounded.astype(wide.dtype))
        finite = np.isfinite(wide) & np.isfinite(rounded.astype(wide.dtype))
        near = (np.abs(off / up - 0.5) < tol) | (np.abs(off / down - 0.5) < tol)
    return finite & near
