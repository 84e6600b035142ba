"""The softplus family in NumPy (conventions as in lesson.py): softplus and
log_sigmoid share log1p(exp(-|s|)) and the logistic function of s; squareplus
is algebraic (a square root)."""
from __future__ import annotations

from typing import Any

import numpy as np

from fastact._fallback.explinear import _fast2sum, _two_prod_err, wide_blocks


def _parts(s: Any, want_a: bool, want_d: bool):
    """(log1p(exp(-|s|)) or None, sigma(s) or None): only exp(-|s|) in [0, 1] is
    ever formed, so nothing overflows."""
    e = np.abs(s)
    np.negative(e, out=e)
    np.exp(e, out=e)
    sig = None
    if want_d:
        # sigma(s) = 1/(1+e) for s > 0, e/(1+e) otherwise
        sig = np.add(e, 1)
        np.divide(1, sig, out=sig)
        lo = np.multiply(e, sig)
        sig = np.where(s > 0, sig, lo)
    log = np.log1p(e, out=e) if want_a else None
    return log, sig


def _wide(x):
    """float32 data widened to float64 for NumPy's exp, log1p and expm1: NumPy's
    float32 loops are not always within 1 ULP (on an AVX-512 CPU it takes SVML's:
    expm1 2.3 ULP, log1p 1.9, exp 2.4 measured on a Zen 5), more than the from-a
    budget (1) and the values' can absorb; its float64 ones are within 0.7 ULP, so
    one rounding back to float32 keeps every result within 1.  (float16 data
    arrives as float32; float64 data stays.)"""
    return x.astype(np.float64) if x.dtype == np.float32 else x


def _narrow(r, dt):
    return None if r is None else r.astype(dt, copy=False)


@wide_blocks  # float64 temporaries for float32 data
def _fwd_softplus(z, want_a, want_d, beta, threshold=None):
    s = np.multiply(z, beta)  # in z's dtype, as the kernels form it
    log, d = _parts(_wide(s), want_a, want_d)
    a = None
    if want_a:
        np.divide(log, beta, out=log)
        # max(z, 0) from z itself: beta*z may overflow where the result does not
        a = np.add(np.maximum(_wide(z), 0), log, out=log)
    if threshold is not None and threshold != np.inf:
        linear = s > threshold
        a = None if a is None else np.where(linear, z, a)
        d = None if d is None else np.where(linear, 1, d)
    return _narrow(a, z.dtype), _narrow(d, z.dtype)


def _neg_expm1(y):
    """-expm1(y) (for y > 0 too: the formula as written outside g's range), y
    widened as _wide says; a zero is +0, as the kernels give: g' >= 0 tends to +0
    at the end of the range that a = +-0 stands for (0 - x, not -x)."""
    return np.subtract(0, np.expm1(y), dtype=y.dtype)


def _from_a_softplus(a, beta):
    # -a beta exact in float64 for float32 data (two 24-bit significands)
    return _narrow(_neg_expm1(np.multiply(np.negative(_wide(a)), beta)), a.dtype)


@wide_blocks
def _fwd_log_sigmoid(z, want_a, want_d):
    zw = _wide(z)
    log, d = _parts(np.negative(zw), want_a, want_d)
    a = None if log is None else np.subtract(np.minimum(zw, 0), log, out=log)
    return _narrow(a, z.dtype), _narrow(d, z.dtype)


def _from_a_log_sigmoid(a):
    return _narrow(_neg_expm1(_wide(a)), a.dtype)

def _fwd_squareplus(z, want_a, want_d, b):
    """(z + s)/2 with s = hypot(z, sqrt(b)) (no overflow of z*z), from halves so
    that neither z + s nor s + |z| overflows; for z < 0 as (b/4) / (s/2 + |z|/2),
    where z + s would cancel.  g' = g / s."""
    m = np.abs(z)
    half_s = np.multiply(np.hypot(z, np.sqrt(b)), 0.5)
    half_m = np.multiply(m, 0.5)
    a = np.where(z < 0, np.divide(np.multiply(b, 0.25), np.add(half_s, half_m)),
                 np.add(half_m, half_s))
    a = np.where(z == -np.inf, 0, a).astype(z.dtype, copy=False)
    d = None
    if want_d:
        # z = +inf: inf / inf; the limit is 1
        d = np.where(z == np.inf, 1, np.multiply(np.divide(a, half_s), 0.5))
        d = d.astype(z.dtype, copy=False)
    return (a if want_a else None), d


# From a, the powers of two csrc/act/squareplus.h scales y = 2a by (and b by their
# squares): (|a| beyond, scale), (b beyond, scale), and for |a| < 1 and b < 1 up,
# so that y^2 + b neither overflows Dekker's split nor loses its digits to the
# subnormals where g' is normal (fa_sqp_from_a_scale says why each).
_SQP_FROM_A_SCALES = {
    np.dtype(np.float32): ((2.0 ** 50, 2.0 ** -80), (2.0 ** 100, 2.0 ** -50), 2.0 ** 48),
    np.dtype(np.float64): ((2.0 ** 480, 2.0 ** -560), (2.0 ** 960, 2.0 ** -480), 2.0 ** 480),
}


def _two_sum_nonneg(x, y):
    """(s, e), s + e = x + y exactly, for x, y >= 0 (Fast2Sum on the larger first)."""
    return _fast2sum(np.maximum(x, y), np.minimum(x, y))


def _from_a_squareplus(a, b):
    """g' = y^2 / (y^2 + b), y = 2a, as the C kernel computes it without FMA: y and
    b scaled by powers of two, y^2 + b as an unrounded pair and the quotient
    corrected once by its residual, from Dekker's exact product (the plain
    quotient, rounded three times, was 2 ULP).  |a| is capped at the largest
    finite number: a = +-inf gives 1, the formula's limit; NaN passes."""
    dt = a.dtype
    (a_big, a_down), (b_big, b_down), up = _SQP_FROM_A_SCALES[dt]
    b = np.asarray(b, dt)
    y = np.minimum(np.abs(a), np.finfo(dt).max)
    sc = np.where(np.greater(b, b_big), b_down,
                  np.where(np.less(y, 1) & np.less(b, 1), up, 1.0))
    sc = np.where(np.greater(y, a_big), a_down, sc).astype(dt)
    ys = np.multiply(y, np.multiply(sc, 2))
    bs = np.multiply(np.multiply(b, sc), sc)
    num = np.multiply(ys, ys)
    num_lo = _two_prod_err(ys, ys)
    den, e = _two_sum_nonneg(num, bs)
    den, den_lo = _fast2sum(den, np.add(e, num_lo))
    q = np.divide(num, den)
    # num - fl(q den) is exact (Sterbenz), - its rounding error, exactly known
    res = np.subtract(np.subtract(num, np.multiply(q, den)), _two_prod_err(q, den))
    res = np.subtract(np.add(res, num_lo), np.multiply(q, den_lo))
    return np.add(q, np.divide(res, den))


FORMULAS = {
    "softplus": (_fwd_softplus, _from_a_softplus),
    "log_sigmoid": (_fwd_log_sigmoid, _from_a_log_sigmoid),
    "squareplus": (_fwd_squareplus, _from_a_squareplus),
}
