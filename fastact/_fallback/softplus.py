"""The softplus family in NumPy (conventions as in lesson.py): softplus and
log_sigmoid share log1p(exp(-|s|)) and the logistic function of s."""
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


FORMULAS = {
    "softplus": (_fwd_softplus, _from_a_softplus),
    "log_sigmoid": (_fwd_log_sigmoid, _from_a_log_sigmoid),
}
