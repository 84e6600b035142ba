"""The lesson's four activations in NumPy: fwd(z, want_a, want_d, **params) gives
(value, derivative from z), each None unless wanted; from_a(a, **params) the
derivative from the output.  Arguments are already in the compute dtype
(float32 for float16/float32 input, float64 otherwise); parameters are scalars
of that dtype or arrays, passed by name (only those the operation takes)."""
from __future__ import annotations

from typing import Any

import numpy as np



def _exp_neg_abs(z: Any, scale: float) -> Any:
    """exp(-scale*|z|) in [0, 1], computed in one fresh buffer."""
    t = np.abs(z)  # (np.copysign(z, -1) is one pass but not SIMD: slower)
    np.multiply(t, -scale, out=t)  # exact: scale is a power of two
    return np.exp(t, out=t)


def _fwd_sigmoid(z, want_a, want_d):
    # e = exp(-|z|); sigma(|z|) = 1/(1+e), sigma(-|z|) = e/(1+e): no overflow.
    e = _exp_neg_abs(z, 1.0)
    hi = np.add(e, 1)
    np.divide(1, hi, out=hi)
    d = a = None
    if want_d:  # sigma(z) sigma(-z) = lo * hi, lo = e * hi
        d = np.multiply(e, hi)
        np.multiply(d, hi, out=d)
        # three roundings can lift it past its true maximum for small |z|
        np.minimum(d, 0.25, out=d)
    if want_a:
        # sigma(z) = hi for z > 0, lo = e * hi otherwise, without a select (np.where
        # runs ~4 ns/element on random signs): max(e, [z > 0]) is 1 for z > 0 and e
        # for z <= 0 (at z = 0, e = 1: hi and lo agree), NaN for NaN (from e).
        a = np.greater(z, 0, out=np.empty_like(e))
        np.maximum(e, a, out=a)
        np.multiply(a, hi, out=a)
    return a, d


def _from_a_sigmoid(a):
    # 1 - a is exact for a >= 1/2, where a(1 - a) would otherwise lose most.
    return np.multiply(a, np.subtract(1, a))


def _fwd_tanh(z, want_a, want_d):
    a = np.tanh(z) if want_a else None
    d = None
    if want_d:
        # 4e/(1+e)^2 with e = exp(-2|z|): 1 - tanh^2 would cancel in the tails.
        e = _exp_neg_abs(z, 2.0)
        den = np.add(e, 1)
        np.multiply(den, den, out=den)
        np.multiply(e, 4, out=e)
        d = np.divide(e, den, out=e)
        np.minimum(d, 1, out=d)  # as for sigmoid': never above the true maximum
    return a, d


def _from_a_tanh(a):
    # (1 - a)(1 + a), not 1 - a*a: near |a| = 1 the latter cancels catastrophically.
    return np.multiply(np.subtract(1, a), np.add(1, a))


def _is_plain(x: Any) -> bool:
    """A scalar parameter for which the select-free forms below are exact:
    finite and not -0.0 (whose sign an addition would lose)."""
    return (np.ndim(x) == 0 and bool(np.isfinite(x))
            and not (x == 0 and bool(np.signbit(x))))


def _step(z, lo, at_zero):
    """1 for z > 0, lo for z < 0, at_zero at z = +-0, NaN for NaN: np.heaviside /
    np.where semantics, built from sign and max (np.heaviside and np.where cost
    ~4-5 ns/element on random signs, these ~0.1 each).  For 0 <= lo <= 1,
    max(sign(z), lo) is 1, lo, max(0, lo) = lo, NaN; the zero case is then
    replaced exactly by d*u + at_zero*(1-u), u = sign(z)^2 in {0, 1}."""
    if not (_is_plain(lo) and _is_plain(at_zero) and 0 <= lo <= 1):
        if np.ndim(lo) == 0 and lo == 0:
            return np.heaviside(z, at_zero)
        return np.where(np.less(z, 0), lo, np.heaviside(z, at_zero))
    d = np.sign(z)
    if at_zero == lo:
        return np.maximum(d, lo, out=d)
    u = np.multiply(d, d)
    np.maximum(d, lo, out=d)
    np.multiply(d, u, out=d)
    np.subtract(1, u, out=u)
    np.multiply(u, at_zero, out=u)
    return np.add(d, u, out=d)


def _fwd_relu(z, want_a, want_d, at_zero=None):
    # np.maximum(z, 0) propagates NaN and maps -0.0 to +0.0, like the C kernel.
    a = np.maximum(z, 0) if want_a else None
    d = _step(z, z.dtype.type(0), at_zero) if want_d else None
    return a, d


def _from_a_relu(a):
    return _step(a, a.dtype.type(0), a.dtype.type(0))


def _fwd_leaky_relu(z, want_a, want_d, alpha, at_zero=None):
    a = d = None
    if want_a:
        if _is_plain(alpha) and alpha > 0:
            # z > 0: z; otherwise alpha*z.  For 0 < alpha <= 1 that is the larger
            # of the two, for alpha > 1 the smaller; the two tie only at +-0 and
            # +-inf, where they are the same value with the same sign.
            a = np.multiply(z, alpha)
            (np.maximum if alpha <= 1 else np.minimum)(a, z, out=a)
        else:
            # alpha == 0 is relu exactly (0 * -inf would be NaN).
            neg = np.where(np.equal(alpha, 0), np.maximum(z, 0), np.multiply(alpha, z))
            a = np.where(np.greater(z, 0), z, neg)
    if want_d:
        d = _step(z, alpha, at_zero)
    return a, d


def _from_a_leaky_relu(a, alpha, at_zero):
    return _step(a, alpha, at_zero)


FORMULAS = {
    "sigmoid": (_fwd_sigmoid, _from_a_sigmoid),
    "tanh": (_fwd_tanh, _from_a_tanh),
    "relu": (_fwd_relu, _from_a_relu),
    "leaky_relu": (_fwd_leaky_relu, _from_a_leaky_relu),
}
