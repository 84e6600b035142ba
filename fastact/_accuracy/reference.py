"""Reference values for the accuracy report, independent of both backends.

Each reference is the activation's stable formula (its `Reference` in
fastact/_accuracy/ref_FAMILY.py, looked up in fastact._accuracy.references)
evaluated in a WIDER format and rounded once to the format under test:

* float16 / float32: evaluated in float64 (29+ extra bits);
* float64: evaluated in np.longdouble where that is x87 80-bit extended
  (11 extra bits), otherwise every point goes to mpmath.

A wide value can still round the wrong way when it lies within its own small
error of a midpoint between two neighbours of the narrow format.  Those points
(`near_midpoint`, a window far wider than the wide formula's error) are
recomputed with mpmath at 50 significant digits and rounded exactly, so every
reference is the correctly rounded exact value.  An `exact` reference (relu,
leaky_relu: selects and one IEEE product) is evaluated in float64 and rounded
once, with no midpoint check.

`mp_fwd` / `mp_from_a` are the same maths in mpmath; the tests and the report's
cross-check compare the fast references against them.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Mapping, Optional, Tuple

import numpy as np

from fastact import _catalogue
from fastact._accuracy.references import REFERENCES, params_for
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

def mpmath_missing(names: Any) -> Optional[str]:
    """Why the references for activations `names` cannot be computed here (mpmath
    is not installed and one of them needs it), or None."""
    need = [n for n in names if not REFERENCES[n].exact]
    if not need:
        return None
    try:
        _mp()
    except ImportError:
        which = need[0] if len(need) == 1 else ", ".join(need[:-1]) + " and " + need[-1]
        return (f"mpmath is not installed; the {which} references need it "
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


def _from_a(name: str) -> Tuple[Callable[..., Any], Callable[..., Any]]:
    """(wide_from_a, mp_from_a) of an activation with from-a operations (else a
    ValueError)."""
    ref = REFERENCES[name]
    if ref.wide_from_a is None or ref.mp_from_a is None:
        raise ValueError(f"{name} has no from-a operations (g' is not a function of g)")
    return ref.wide_from_a, ref.mp_from_a


def _mp_call(fn: Callable[..., Any], name: str, x: float, params: Mapping[str, Any],
             n_out: int) -> Any:
    """fn(mp, x, **params) at MP_DIGITS digits, params as mpf; NaN in gives
    n_out NaNs out (fn never sees NaN)."""
    mp = _mp()
    with mp.workdps(MP_DIGITS):
        v = mp.mpf(x)
        if mp.isnan(v):
            return v if n_out == 1 else (v,) * n_out
        numeric = {p.name for p in _catalogue.BY_NAME[name].numeric_params}
        return fn(mp, v, **{k: mp.mpf(float(p)) if k in numeric else p
                            for k, p in params_for(name, params).items()})


def mp_fwd(name: str, z: float, **params: Any) -> Tuple[Any, Any]:
    """(g(z), g'(z)) as mpmath numbers at MP_DIGITS digits (params by name;
    default: those of the report)."""
    return _mp_call(REFERENCES[name].mp_fwd, name, z, params, 2)


def mp_from_a(name: str, a: float, **params: Any) -> Any:
    """g' from a = g(z) (the lesson's formula for its four), exact to MP_DIGITS digits."""
    return _mp_call(_from_a(name)[1], name, a, params, 1)


def _mp_fix(values: np.ndarray, idx: np.ndarray, x: np.ndarray, fn, dtype) -> int:
    for i in idx:
        values[i] = mp_round(fn(float(x[i])), dtype)
    return len(idx)


# ------------------------------------------------------------ vectorised side

def _round_checked(wide: np.ndarray, x: np.ndarray, dtype: np.dtype, exact_fn) -> Tuple[np.ndarray, int]:
    rounded = wide.astype(dtype)
    idx = np.flatnonzero(near_midpoint(wide, rounded, _TIE_TOL[dtype]))
    return rounded, _mp_fix(rounded, idx, x, exact_fn, dtype)


def _mp_all(x: np.ndarray, fn, dtype: np.dtype) -> np.ndarray:
    out = np.empty(x.shape, dtype)
    _mp_fix(out, np.arange(x.size), x, fn, dtype)
    return out


def kernel_params(name: str, dtype: Any, given: Optional[Mapping[str, Any]] = None
                  ) -> Dict[str, Any]:
    """The activation's parameters (`params_for`) as the kernels see them: the
    numeric ones rounded to the compute dtype (float32 for float16 data)."""
    dtype = np.dtype(dtype)
    compute = np.dtype(np.float32) if dtype == np.float16 else dtype
    numeric = {p.name for p in _catalogue.BY_NAME[name].numeric_params}
    return {k: compute.type(v) if k in numeric else v
            for k, v in params_for(name, given).items()}


def _in_format(params: Mapping[str, Any], dtype: np.dtype) -> Dict[str, Any]:
    """Numeric parameters as scalars of the format the wide formula runs in."""
    return {k: dtype.type(v) if isinstance(v, np.floating) else v for k, v in params.items()}


def _given(name: str, alpha: Any, at_zero: Any, params: Mapping[str, Any]) -> Dict[str, Any]:
    """The parameters of a reference_* call: alpha / at_zero (the lesson's, taken
    positionally as ever) count only where the activation has them."""
    have = {p.name for p in _catalogue.BY_NAME[name].parameters}
    lesson = {k: v for k, v in (("alpha", alpha), ("at_zero", at_zero))
              if v is not None and k in have}
    return {**lesson, **params}


def _evaluate(name: str, wide_fn: Callable[..., Any], x: np.ndarray, exact_fn: Callable,
              n_out: int, params: Mapping[str, Any]) -> Tuple[Tuple[np.ndarray, ...], int]:
    """wide_fn's n_out results on x, correctly rounded in x.dtype, and the number
    of points mpmath decided; exact_fn(v, j) is output j's mpmath value at v."""
    ref, dt = REFERENCES[name], x.dtype
    wide = np.dtype(np.float64) if ref.exact else wide_dtype(dt)
    if wide is None:
        return tuple(_mp_all(x, lambda v, j=j: exact_fn(v, j), dt) for j in range(n_out)), x.size
    outs = wide_fn(x.astype(wide), **_in_format(params, wide))
    outs = outs if n_out > 1 else (outs,)
    if ref.exact:
        return tuple(w.astype(dt) for w in outs), 0
    rounded = [_round_checked(w, x, dt, lambda v, j=j: exact_fn(v, j)) for j, w in enumerate(outs)]
    return tuple(r for r, _ in rounded), sum(n for _, n in rounded)


def reference_fwd(name: str, z: np.ndarray, alpha: Any = None, at_zero: Any = None,
                  **params: Any) -> Tuple[np.ndarray, np.ndarray, int]:
    """(g(z), g'(z), points that needed mpmath), correctly rounded in z.dtype.
    Parameters (default: the report's) are used the way the kernels use them:
    rounded to the compute dtype (z.dtype; float32 for float16)."""
    kp = kernel_params(name, z.dtype, _given(name, alpha, at_zero, params))
    with np.errstate(all="ignore"):
        (a, d), n_mp = _evaluate(name, REFERENCES[name].wide_fwd, z,
                                 lambda v, j: mp_fwd(name, v, **kp)[j], 2, kp)
    return a, d, n_mp


def reference_from_a(name: str, a: np.ndarray, alpha: Any = None, at_zero: Any = None,
                     **params: Any) -> Tuple[np.ndarray, int]:
    """(g'(z) from a = g(z), points that needed mpmath), like reference_fwd."""
    kp = kernel_params(name, a.dtype, _given(name, alpha, at_zero, params))
    with np.errstate(all="ignore"):
        (d,), n_mp = _evaluate(name, _from_a(name)[0], a,
                               lambda v, j: mp_from_a(name, v, **kp), 1, kp)
    return d, n_mp
