"""Reference values for the accuracy report, independent of both backends.

Each reference is the activation's stable formula (sigmoid from e = exp(-|z|),
tanh' = 4e/(1+e)^2 with e = exp(-2|z|), the lesson's a(1-a) and 1-a^2 for the
from-output derivatives) evaluated in a WIDER format and rounded once to the
format under test:

* float16 / float32: evaluated in float64 (29+ extra bits);
* float64: evaluated in np.longdouble where that is x87 80-bit extended
  (11 extra bits), otherwise every point goes to mpmath.

A wide value can still round the wrong way when it lies within its own small
error of a midpoint between two neighbours of the narrow format.  Those points
(`near_midpoint`, a window far wider than the wide formula's error) are
recomputed with mpmath at 50 significant digits and rounded exactly, so every
reference is the correctly rounded exact value.  relu / leaky_relu need no
wide format: their references are selects and one IEEE product, already exact.

`mp_fwd` / `mp_from_a` are the same maths in mpmath; the tests and the report's
cross-check compare the fast references against them.
"""
from __future__ import annotations

from typing import Any, Optional, Tuple

import numpy as np

from fastact._accuracy.ulp import format_params, near_midpoint

MP_DIGITS = 50
# Half-width, in ULP of the narrow format, of the window around midpoints that
# is sent to mpmath.  The wide formulas are off by a few ULP of the wide format:
# 2^-27 narrow ULP for float32-in-float64, 2^-9 for float64-in-longdouble.
_TIE_TOL = {np.dtype(np.float16): 2.0**-20, np.dtype(np.float32): 2.0**-20,
            np.dtype(np.float64): 2.0**-6}


def wide_dtype(dtype: Any) -> Optional[np.dtype]:
    """The format the fast reference is evaluated in, or None (mpmath only)."""
    dtype = np.dtype(dtype)
    if dtype in (np.dtype(np.float16), np.dtype(np.float32)):
        return np.dtype(np.float64)
    if np.finfo(np.longdouble).nmant >= 63:
        return np.dtype(np.longdouble)
    return None


# ---------------------------------------------------------------- mpmath side

# Activations whose references are exact selects and one IEEE product: no mpmath.
EXACT = ("relu", "leaky_relu")


def mpmath_missing(names: Any) -> Optional[str]:
    """Why the references for activations `names` cannot be computed here (mpmath
    is not installed and one of them needs it), or None."""
    if all(n in EXACT for n in names):
        return None
    try:
        _mp()
    except ImportError:
        return ("mpmath is not installed; the sigmoid and tanh references need it "
                "(pip install mpmath, or pip install 'fastact[test]')")
    return None


def _mp():
    import mpmath  # a test/report dependency only, imported when needed

    return mpmath


def mp_round(v: Any, dtype: Any) -> Any:
    """An mpmath number rounded to nearest-even in `dtype`, subnormals included."""
    mp = _mp()
    dtype = np.dtype(dtype)
    if not mp.isfinite(v) or v == 0:
        return dtype.type(float(v))
    prec, emin = format_params(dtype)
    _, exp = mp.frexp(v)                      # v = m 2^exp, 1/2 <= |m| < 1
    quantum = max(int(exp) - prec, emin)     # exponent of the last kept bit
    n = mp.nint(mp.ldexp(v, -quantum))
    return dtype.type(float(mp.ldexp(n, quantum)))


def mp_fwd(name: str, z: float) -> Tuple[Any, Any]:
    """(g(z), g'(z)) as mpmath numbers at MP_DIGITS digits (sigmoid, tanh)."""
    mp = _mp()
    with mp.workdps(MP_DIGITS):
        x = mp.mpf(z)
        if mp.isnan(x):
            return x, x
        if name == "sigmoid":
            e = mp.exp(-abs(x))
            a = 1 / (1 + e) if x > 0 else e / (1 + e)
            return a, e / (1 + e) ** 2
        if name == "tanh":
            e = mp.exp(-2 * abs(x))
            return mp.tanh(x), 4 * e / (1 + e) ** 2
    raise ValueError(f"no mpmath reference for {name}")


def mp_from_a(name: str, a: float) -> Any:
    """The lesson's derivative-from-output formula, exact to MP_DIGITS digits."""
    mp = _mp()
    with mp.workdps(MP_DIGITS):
        x = mp.mpf(a)
        if name == "sigmoid":
            return x * (1 - x)
        if name == "tanh":
            return 1 - x * x
    raise ValueError(f"no mpmath reference for {name}")


def _mp_fix(values: np.ndarray, idx: np.ndarray, x: np.ndarray, fn, dtype) -> int:
    for i in idx:
        values[i] = mp_round(fn(float(x[i])), dtype)
    return len(idx)


# ------------------------------------------------------------ vectorised side

def _wide_fwd(name: str, z: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    e = np.exp(-np.abs(z) * (2 if name == "tanh" else 1))
    one = z.dtype.type(1)
    inv = one / (one + e)
    if name == "sigmoid":
        lo = e * inv
        return np.where(z > 0, inv, lo), lo * inv
    return np.tanh(z), 4 * e * inv * inv


def _wide_from_a(name: str, a: np.ndarray) -> np.ndarray:
    one = a.dtype.type(1)
    if name == "sigmoid":
        return a * (one - a)   # 1 - a is exact for a >= 1/2: no cancellation
    m = np.abs(a)              # 1 - a^2 without cancellation near |a| = 1
    return np.where(m >= 0.5, (one - m) * (one + m), one - a * a)


def _round_checked(wide: np.ndarray, x: np.ndarray, dtype: np.dtype, exact_fn) -> Tuple[np.ndarray, int]:
    rounded = wide.astype(dtype)
    idx = np.flatnonzero(near_midpoint(wide, rounded, _TIE_TOL[dtype]))
    return rounded, _mp_fix(rounded, idx, x, exact_fn, dtype)


def _mp_all(x: np.ndarray, fn, dtype: np.dtype) -> np.ndarray:
    out = np.empty(x.shape, dtype)
    _mp_fix(out, np.arange(x.size), x, fn, dtype)
    return out


def _compute_alpha(name: str, alpha: float, dt: np.dtype) -> Any:
    """alpha as the kernels see it: rounded to the compute dtype (float32 for
    float16 data, which is computed in float32)."""
    if name != "leaky_relu":
        return dt.type(0.0)
    return np.float32(alpha) if dt == np.float16 else dt.type(alpha)


def _slope(name: str, x: np.ndarray, alpha: float, at_zero: Optional[float]) -> np.ndarray:
    """relu/leaky_relu derivative from the sign of x (z, or a with alpha > 0):
    1 above 0, alpha below, at_zero (default: alpha, which is 0 for relu) at 0,
    NaN for NaN; alpha and at_zero rounded to the compute dtype like the kernels."""
    dt = x.dtype
    al_c = _compute_alpha(name, alpha, dt)
    al = dt.type(al_c)
    k = dt.type(at_zero if at_zero is not None else al_c)
    d = np.where(x > 0, dt.type(1), np.where(x < 0, al, np.where(x == 0, k, x)))
    return d.astype(dt)


def reference_fwd(name: str, z: np.ndarray, alpha: float, at_zero: Optional[float] = None
                  ) -> Tuple[np.ndarray, np.ndarray, int]:
    """(g(z), g'(z), points that needed mpmath), correctly rounded in z.dtype.
    alpha / at_zero are used the way the kernels use them: rounded to the
    compute dtype (z.dtype; float32 for float16)."""
    dt = z.dtype
    with np.errstate(all="ignore"):
        if name in EXACT:
            al_c = _compute_alpha(name, alpha, dt)
            al = dt.type(al_c)
            # alpha * z rounded once: exact in float64 for float16/float32 data
            neg = (z.astype(np.float64) * np.float64(al_c)).astype(dt) if dt.itemsize < 8 \
                else z * al
            neg = neg if al != 0 else np.zeros_like(z)
            a = np.where(z > 0, z, np.where(np.isnan(z), z, neg)).astype(dt)
            return a, _slope(name, z, alpha, at_zero), 0
        wide = wide_dtype(dt)
        if wide is None:
            pairs = [_mp_all(z, lambda v, j=j: mp_fwd(name, v)[j], dt) for j in (0, 1)]
            return pairs[0], pairs[1], z.size
        aw, dw = _wide_fwd(name, z.astype(wide))
        a, na = _round_checked(aw, z, dt, lambda v: mp_fwd(name, v)[0])
        d, nd = _round_checked(dw, z, dt, lambda v: mp_fwd(name, v)[1])
    return a, d, na + nd


def reference_from_a(name: str, a: np.ndarray, alpha: float,
                     at_zero: Optional[float] = None) -> Tuple[np.ndarray, int]:
    """(the lesson's g'(z) from a = g(z), points that needed mpmath)."""
    dt = a.dtype
    with np.errstate(all="ignore"):
        if name in EXACT:
            return _slope(name, a, alpha, at_zero), 0
        wide = wide_dtype(dt)
        if wide is None:
            return _mp_all(a, lambda v: mp_from_a(name, v), dt), a.size
        return _round_checked(_wide_from_a(name, a.astype(wide)), a, dt,
                              lambda v: mp_from_a(name, v))
