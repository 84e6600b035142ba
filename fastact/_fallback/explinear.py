"""Family B in NumPy (see lesson.py for the conventions): elu, selu, celu, silu,
softsign, tanhshrink.  Where a plain formula cancels (silu' at its zero,
z - tanh z near 0) the same fits as the C kernels are evaluated instead."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from fastact._catalogue.explinear import SELU_LAMBDA, SELU_LAMBDA_ALPHA


def _hexes(text):
    return tuple(float.fromhex(x) for x in text.split())


# silu'(z0 + dz) = dz (C1 + dz Q(dz)) for |dz| < W around the zero z0 of silu',
# tanhshrink(z) = z^3 (C0 + u Q(u)), u = z^2, for |z| < C: the Chebyshev fits of
# csrc/act/silu.h and tanhshrink.h (the float64 ones: the fallback computes
# float32 in float32, where they are more than accurate enough).
_SILU_Z0 = _hexes("-0x1.474973c84120bp+0 -0x1.f8d74bc9ac154p-54")  # hi + lo
_SILU_W = 0.125
_SILU_P = _hexes("""
    0x1.be1410460527fp-3 0x1.2c563458cc0adp-3 0x1.353eb573ca45ap-6 -0x1.f2d0e32bc6d30p-7
    -0x1.b0f82c4992e8ep-8 0x1.098e9433939fep-13 0x1.a2a7cb137f9c1p-11
    0x1.8573f8d69c5e1p-13 -0x1.5724c9f7fc7e5p-15 -0x1.f127ca07b640bp-16
    -0x1.860224d86f7bcp-19
""")
_TS_C = 0.5
_TS_P = _hexes("""
    0x1.5555555555555p-2 -0x1.11111111110ecp-3 0x1.ba1ba1ba15daap-5 -0x1.664f487fed22ap-6
    0x1.226e34a851d2cp-7 -0x1.d6d39b48449bfp-9 0x1.7d9e74586c684p-10
    -0x1.350ce30757046p-11 0x1.efab6555ccc22p-13 -0x1.71eb85bee4b4ap-14
    0x1.8117b15cbb104p-16
""")


def _wide(fn):
    """fn evaluated in float64 for float32 data, rounded once to float32: the
    plain formulas lose float32's subnormal tails (exp(-96) is subnormal) and a
    few ULP to their roundings; float64 evaluation costs the fallback little."""
    def wrapped(x, *args, **params):
        if x.dtype != np.float32:
            return fn(x, *args, **params)
        params = {k: np.asarray(v, np.float64) for k, v in params.items()}
        out = fn(x.astype(np.float64), *args, **params)
        if isinstance(out, tuple):
            return tuple(None if r is None else r.astype(np.float32) for r in out)
        return out.astype(np.float32)

    wrapped.__name__ = fn.__name__
    return wrapped


def wide_blocks(fn):
    """Marks fn as one whose temporaries are twice the data's width: the blocked
    path halves its blocks, so that the extra memory stays what it is for the
    other formulas."""
    fn.width_factor = 2
    return fn


def _widest(fn):
    """fn evaluated one format wider and rounded once: float32 data in float64,
    float64 data in long double (x87's 64-bit mantissa where NumPy has it), for
    formulas whose float64 roundings are magnified (gelu_tanh's y by |y| ~ 745
    in its tail, silu' by the cancellation next to its zero)."""
    def wrapped(x, want_a, want_d):
        wide = np.float64 if x.dtype == np.float32 else np.longdouble
        a, d = fn(x.astype(wide), want_a, want_d)
        return tuple(None if r is None else r.astype(x.dtype) for r in (a, d))

    wrapped.__name__ = fn.__name__
    return wide_blocks(wrapped)


def _poly(coefs, x):
    """sum coefs[k] x^k (Horner) in x's dtype."""
    r = np.full_like(x, coefs[-1])
    for c in coefs[-2::-1]:
        np.multiply(r, x, out=r)
        np.add(r, x.dtype.type(c), out=r)
    return r


def _elu_parts(x, want_a, want_d, scale_a, scale_d):
    """For the exponential-linear units: (scale_a expm1(x), scale_d exp(x)) at
    x = min(z, 0), each None unless wanted (the exponential never overflows)."""
    x = np.minimum(x, 0)
    a = np.multiply(np.expm1(x), scale_a) if want_a else None
    d = np.multiply(np.exp(x), scale_d) if want_d else None
    return a, d


def _positive_side(z, a, d, a_pos, d_pos):
    """Replace the results for z > 0 (the linear side) by a_pos(z) and d_pos."""
    pos = np.greater(z, 0)
    if a is not None:
        a = np.where(pos, a_pos(z), a)
    if d is not None:
        d = np.where(pos, d_pos, d)
    return a, d


def _signed(a, s):
    """a with the sign of s (None stays None): the exponential-linear units'
    zeros keep the sign of their product, as PyTorch's (elu(-0) = -0)."""
    return None if a is None else np.copysign(a, s)


def _fwd_elu(z, want_a, want_d, alpha):
    a, d = _elu_parts(z, want_a, want_d, alpha, alpha)
    return _positive_side(z, _signed(a, np.multiply(alpha, z)), d, lambda x: x, 1)


def _from_a_elu(a, alpha):
    return np.where(np.greater(a, 0), 1, np.add(a, alpha)).astype(a.dtype, copy=False)


# lambda alpha - float64(lambda alpha): from a = -lambda alpha rounded (the far
# tail), a + lambda alpha is this low part, not 0 (the kernels' double word)
_SELU_LA_LO = float.fromhex("0x1.05161b045a1fep-56")


def _selu_consts(dt):
    return dt.type(SELU_LAMBDA), dt.type(SELU_LAMBDA_ALPHA)


def _fwd_selu(z, want_a, want_d):
    lam, lam_alpha = _selu_consts(z.dtype)
    a, d = _elu_parts(z, want_a, want_d, lam_alpha, lam_alpha)
    return _positive_side(z, _signed(a, z), d, lambda x: np.multiply(x, lam), lam)


def _from_a_selu(a):
    lam, lam_alpha = _selu_consts(a.dtype)
    # a + hi is exact where a nears -hi (Sterbenz); + lo rounds once
    near = np.add(np.add(a, lam_alpha), a.dtype.type(_SELU_LA_LO))
    return np.where(np.greater(a, 0), lam, near).astype(a.dtype, copy=False)


def _two_prod_err(x, y):
    """x*y - fl(x*y) exactly (Dekker's product by Veltkamp splitting: NumPy has no
    FMA); x, y finite and far from overflow."""
    c = x.dtype.type(4097.0 if x.dtype == np.float32 else 134217729.0)  # 2^s + 1

    def split(v):
        t = v * c
        h = t - (t - v)
        return h, v - h

    xh, xl = split(x)
    yh, yl = split(np.broadcast_to(y, x.shape).astype(x.dtype))
    p = x * y
    return ((xh * yh - p) + xh * yl + xl * yh) + xl * yl


def _fwd_celu(z, want_a, want_d, alpha):
    # For alpha < 0 the exponential's argument is positive and may overflow to
    # the correct infinity (the core runs under errstate(all="ignore")).
    zn = np.minimum(z, 0)
    x = np.divide(zn, alpha)
    # exp magnifies the quotient's rounding by |x| (~100 ULP in the tail): fold in
    # xl = (zn - x alpha) / alpha to first order, exp(x + xl) = exp(x) (1 + xl)
    xf = np.where(np.isfinite(x), x, 0)
    xl = np.divide(np.subtract(zn - xf * alpha, _two_prod_err(xf, alpha)), alpha)
    xl = np.where(np.isfinite(xl), xl, 0)
    e = np.exp(x)
    corr = np.where(np.isfinite(e), e * xl, 0)  # an infinite e stays infinite
    a = np.multiply(np.add(np.expm1(x), corr), alpha) if want_a else None
    d = np.add(e, corr) if want_d else None
    return _positive_side(z, _signed(a, z), d, lambda x: x, 1)


def _from_a_celu(a, alpha):
    return np.where(np.greater(a, 0), 1,
                    np.divide(np.add(a, alpha), alpha)).astype(a.dtype, copy=False)


# Below -_SILU_TAIL, exp(z) is subnormal (or nearly): it has lost its bits
_SILU_TAIL = 700.0


def _times_sigma(f, s, z, hi):
    """f sigma(z), s = sigma(z) = e hi, e = exp(z), for z < -_SILU_TAIL: e = h h
    with h = exp(z/2) normal, and the products ordered so that only the last one
    rounds into the subnormals (e's own rounding there was 357 ULP).  Under
    _widest's long double exp(z) is normal there; this keeps the tail exact
    where NumPy's long double is float64."""
    r = np.multiply(f, s)
    tail = np.less(z, -_SILU_TAIL)
    if tail.any():
        h = np.exp(z[tail] * 0.5)
        r[tail] = np.multiply(np.multiply(np.multiply(f[tail], h), hi[tail]), h)
    return r


def _fwd_silu(z, want_a, want_d):
    e = np.exp(-np.abs(z))
    hi = np.divide(1, np.add(1, e))
    lo = np.multiply(e, hi)
    neg = np.less_equal(z, 0)
    s = np.where(neg, lo, hi)                     # sigma(z)
    # -inf * sigma(-inf) = -inf * 0 is never met: z is cut where z sigma(z) is 0
    a = _times_sigma(np.maximum(z, z.dtype.type(-1e30)), s, z, hi) if want_a else None
    d = None
    if want_d:
        zc = np.clip(z, -1e30, 1e30)              # inf * 0 is never met
        d = _times_sigma(np.add(1, np.multiply(zc, np.where(neg, hi, lo))), s, z, hi)
        hi = z.dtype.type(_SILU_Z0[0])
        lo = z.dtype.type(float(_SILU_Z0[0] - float(hi)) + _SILU_Z0[1])
        dz = np.subtract(z, hi)                   # exact near z0 (Sterbenz)
        near = np.less(np.abs(dz), _SILU_W)
        if near.any():                            # the cancellation at silu's zero
            x = dz[near] - lo
            d[near] = (x * _poly(_SILU_P, x)).astype(d.dtype, copy=False)
    return a, d


def _fwd_softsign(z, want_a, want_d):
    m = np.abs(z)
    den = np.add(m, 1)
    a = d = None
    if want_a:  # an infinite |z| would be inf/inf: cut where the quotient is 1
        a = np.copysign(np.divide(np.minimum(m, 1e30), np.minimum(den, 1e30)), z)
    if want_d:
        d = _recip_square(m)
    return a, d


def _recip_square(m):
    """1/(1 + m)^2 for m >= 0 as the square of q + ql = 1/(1 + m) unrounded:
    (1 + m)^2 overflows above 2^512 (0 for 4.99e-309), and 1 + m's and the
    quotient's roundings, doubled by the square, were 3 ULP.  m is cut at 2^600,
    where the result is 0 already, so the error terms stay finite."""
    mc = np.minimum(m, 2.0 ** 600)
    den = np.add(mc, 1)
    dl = np.add(np.subtract(np.maximum(mc, 1), den), np.minimum(mc, 1))  # Fast2Sum
    q = np.divide(1, den)
    # residual 1 - q (den + dl): 1 - fl(q den) is exact (Sterbenz)
    res = np.subtract(np.subtract(1, np.multiply(q, den)), _two_prod_err(q, den))
    ql = np.multiply(np.subtract(res, np.multiply(q, dl)), q)
    # where q^2 nears the subnormals, q + ql scaled by 2^300 (exact): the square's
    # partial products stay normal and only the unscaling rounds into them
    sc = np.where(np.less(den, 2.0 ** 500), 1.0, 2.0 ** 300)
    q, ql = np.multiply(q, sc), np.multiply(ql, sc)
    lo = np.add(_two_prod_err(q, q), np.multiply(np.multiply(q, 2), ql))
    return np.multiply(np.add(np.square(q), lo), np.square(np.divide(1, sc)))


def _from_a_softsign(a):
    # (1 - |a|)^2 with 1 - |a| = t + tl exactly (Fast2Sum, 1 >= |a|) and t^2's
    # rounding error: t^2 + (err + 2 t tl) rounds about once (t alone was 2 ULP)
    m = np.abs(a)
    t = np.subtract(1, m)
    tl = np.subtract(np.subtract(1, t), m)
    tf = np.where(np.isfinite(t), t, 0)           # |a| = inf: t^2 = inf stays
    lo = np.add(_two_prod_err(tf, tf), np.multiply(np.multiply(tf, 2), tl))
    return np.add(np.square(t), lo)


# fdlibm's split of ln 2: n LN2_HI is exact for |n| < 2^20
_LN2_HI = float.fromhex("0x1.62e42feep-1")
_LN2_LO = float.fromhex("0x1.a39ef35793c76p-33")
# expm1(r) = r + r^2/2 + r^3 P(r), |r| <= ln2/2: Taylor to r^16 (under 2^-70 of r)
_EXPM1_P = tuple(1 / math.factorial(k) for k in range(3, 17))
_TS_C0_LO = float.fromhex("0x1.41d3066daeaebp-56")  # 1/3 - _TS_P[0]
_TS_TINY, _TS_SCALE = 2.0 ** -300, 2.0 ** 300      # m^3's partial products stay normal


def _fast2sum(a, b):
    """(s, e), s + e = a + b exactly, for |a| >= |b| (or a = 0)."""
    s = np.add(a, b)
    return s, np.add(np.subtract(a, s), b)


def _expm1_pair(x):
    """expm1(x) = hi + lo nearly exact (relative 2^-100) for x <= 0 (NaN
    passes): x = n ln2 + r, expm1(x) = (2^n - 1) + 2^n expm1(r), each part a
    pair (np.expm1's own rounding, magnified by z - tanh z, was 12-15 ULP)."""
    x = np.maximum(x, -800.0)                            # 2^n is then 0 at most
    n = np.nan_to_num(np.rint(x * (1 / math.log(2))))
    r = np.subtract(x, n * _LN2_HI)                      # exact
    rh = np.subtract(r, n * _LN2_LO)
    rl = np.subtract(np.subtract(r, rh), n * _LN2_LO)    # (n LN2_LO's error is 2^-85 r)
    rr = np.multiply(rh, rh)
    qh, ql = _fast2sum(rh, rr * 0.5)                     # r^2/2 exact with its error below
    ql = ql + (_two_prod_err(rh, rh) * 0.5 + rr * (rh * _poly(_EXPM1_P, rh)) + rl * (1 + rh))
    qh, ql = _fast2sum(qh, ql)
    s = np.ldexp(1.0, n.astype(np.int32))                # 2^n, n <= 0
    a = np.subtract(s, 1)
    a_err = np.subtract(s, np.add(a, 1))                 # 2^n - 1 rounds below n = -53
    hi, lo = _fast2sum(a, s * qh)                        # s qh is exact
    return hi, lo + (a_err + s * ql)


def _tanh_pair(m):
    """tanh m = th + tl nearly exact, m >= 0: -expm1(-2m) / (2 + expm1(-2m)),
    the quotient corrected once by its residual (csrc/act/tanhshrink.h)."""
    em_h, em_l = _expm1_pair(np.multiply(m, -2.0))
    den, den_lo = _fast2sum(2.0, em_h)                   # 1 + e = 2 + em
    den_lo = den_lo + em_l
    th = np.divide(np.negative(em_h), den)
    p = np.multiply(th, den)
    # -em - th (den + den_lo): -em_h - p is exact (Sterbenz)
    res = np.subtract(np.subtract(np.negative(em_h), p), _two_prod_err(th, den))
    res = res - em_l - th * den_lo
    return th, np.divide(res, den)


def _tanhshrink_small(m):
    """m - tanh m for 0 <= m < 1/2: m^3 (c0 + u Q(u)), u = m^2, with m^3 and c0
    as pairs so that the result rounds about once; tiny m is scaled by 2^300
    first (m^3 then rounds into the subnormals only at the last product)."""
    tiny = np.less(m, _TS_TINY)
    ms = np.where(tiny, m * _TS_SCALE, m)
    us = np.multiply(ms, ms)
    c3 = np.multiply(ms, us)
    c3l = ms * _two_prod_err(ms, ms) + _two_prod_err(ms, us)
    c0 = _TS_P[0]
    ur = np.multiply(m, m) * _poly(_TS_P[1:], np.multiply(m, m))   # u Q(u)
    lo = c3 * _TS_C0_LO + c3l * c0 + _two_prod_err(c3, c0)
    r = np.add(c3 * c0, c3 * ur + lo)
    return np.where(tiny, r * _TS_SCALE ** -3, r)


def _fwd_tanhshrink(z, want_a, want_d):
    """The C kernel's algorithm (csrc/act/tanhshrink.h) with Dekker's products
    for its FMAs: tanh |z| as an unrounded pair, so that |z| - tanh |z| loses
    nothing to the cancellation, the fit below |z| = 1/2; the sign is z's."""
    m = np.abs(z)
    th, tl = _tanh_pair(m)
    a = d = None
    if want_a:
        big = np.subtract(np.subtract(m, th), tl)       # m - th exact below 1.9
        a = np.copysign(np.where(np.less(m, _TS_C), _tanhshrink_small(m), big), z)
    if want_d:  # th^2 + 2 th tl, th^2's error term where its partial products are normal
        lo = _two_prod_err(th, th) + 2 * th * tl
        d = np.add(np.square(th), np.where(np.greater(th, 2.0 ** -480), lo, 0))
    return a, d


FORMULAS: dict[str, tuple[Any, Any]] = {
    "elu": (_wide(_fwd_elu), _wide(_from_a_elu)),
    "selu": (_wide(_fwd_selu), _wide(_from_a_selu)),
    "celu": (_wide(_fwd_celu), _wide(_from_a_celu)),
    "silu": (_widest(_fwd_silu), None),
    "softsign": (_wide(_fwd_softsign), _wide(_from_a_softsign)),
    "tanhshrink": (_wide(_fwd_tanhshrink), None),
}
