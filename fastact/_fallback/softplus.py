"""The softplus family in NumPy (conventions as in lesson.py): softplus and
log_sigmoid share log1p(exp(-|s|)) and the logistic function of s; squareplus
is algebraic (a square root)."""
from __future__ import annotations

from typing import Any

import numpy as np


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


def _fwd_softplus(z, want_a, want_d, beta, threshold=None):
    s = np.multiply(z, beta)
    log, d = _parts(s, want_a, want_d)
    a = None
    if want_a:
        np.divide(log, beta, out=log)
        # max(z, 0) from z itself: beta*z may overflow where the result does not
        a = np.add(np.maximum(z, 0), log, out=log)
    if threshold is not None and threshold != np.inf:
        linear = s > threshold
        a = None if a is None else np.where(linear, z, a)
        d = None if d is None else np.where(linear, 1, d).astype(z.dtype, copy=False)
    return a, d


def _neg_expm1(y):
    """-expm1(y) (for y > 0 too: the formula as written outside g's range); a
    zero is +0, as the kernels give: g' >= 0 tends to +0 at the end of the
    range that a = +-0 stands for (0 - x, not -x)."""
    return np.subtract(0, np.expm1(y), dtype=y.dtype)


def _from_a_softplus(a, beta):
    return _neg_expm1(np.multiply(np.negative(a), beta))


def _fwd_log_sigmoid(z, want_a, want_d):
    log, d = _parts(np.negative(z), want_a, want_d)
    a = None if log is None else np.subtract(np.minimum(z, 0), log, out=log)
    return a, d


def _from_a_log_sigmoid(a):
    return _neg_expm1(a)


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


def _from_a_squareplus(a, b):
    """g' = y^2 / (y^2 + b), y = 2a; for |y| > 1 as 1 / (1 + (b/y)/y), which
    neither overflows nor gives inf/inf (a = +-inf: 1)."""
    y = np.multiply(a, 2)
    small = np.divide(np.multiply(y, y), np.add(np.multiply(y, y), b))
    large = np.divide(1, np.add(1, np.divide(np.divide(b, y), y)))
    return np.where(np.abs(y) <= 1, small, large).astype(a.dtype, copy=False)


FORMULAS = {
    "softplus": (_fwd_softplus, _from_a_softplus),
    "log_sigmoid": (_fwd_log_sigmoid, _from_a_log_sigmoid),
    "squareplus": (_fwd_squareplus, _from_a_squareplus),
}
