"""The gated units in NumPy (see lesson.py for the conventions): gelu (exact
and the tanh form) and mish.  The same algorithms as the C kernels
(csrc/act/gelu.h, mish.h), in float64 (float32 data is computed in float64 and
rounded once): NumPy has no erfc, so Phi(-m) = phi(m) R(m) with the Mills ratio
R from the kernels' piecewise fit, and the zeros of g' from their fits."""
from __future__ import annotations

from typing import Any

import numpy as np

from fastact._fallback.explinear import _hexes, _poly, _widest

# The Mills ratio R(m) = Phi(-m)/phi(m) = F(t) (1 - t), t = (m - 2)/(m + 2), F on
# the pieces t in k/2 + 1/4 +- 1/4 (k = -2..1, slot k & 3): the float64 tables
# of fa_gauss_parts (csrc/fa_math_impl.h), constant terms first, then the
# coefficients of p(s), highest degree first, one row per degree (4 slots).
_MILLS_C0 = np.array(_hexes("0x1.7bd590f1a23dap-2 0x1.2319db427a17dp-2 0x1.280e647c11490p-1 0x1.e56fd7c3a61a3p-2"))
_MILLS_P = np.array(_hexes("""
    -0x1.1bb911257882dp-15 -0x1.eed3f640ada7bp-16 -0x1.e84dacb8ceb7fp-24 0x1.deac738b99813p-21
    -0x1.f80e5b3004ab4p-20 0x1.6480dad087d37p-12 -0x1.4c2536e2ceeafp-23 -0x1.3af19fb83eff4p-20
    0x1.4e5667d781e2ep-14 0x1.9bf8d4819a4b0p-12 0x1.1eb813b9c0928p-23 -0x1.d3beb757a7c69p-18
    0x1.d724756656da4p-14 -0x1.5a365177484d2p-12 0x1.82388fd30b37ap-20 -0x1.c5061ce2ac563p-17
    -0x1.7cebb3f0de6f7p-16 -0x1.394a8abeeaeecp-11 0x1.3dab5a2b25a1ep-18 -0x1.0788fc6fdd1c7p-17
    -0x1.45fbf62ef97dfp-12 0x1.d803bfc2f2f45p-12 0x1.238be79f7e5ebp-17 0x1.32fd4367209c1p-15
    -0x1.88e4dfcea893bp-12 0x1.f63b1ce49a228p-11 0x1.804d7ef5dceeep-21 0x1.14bb8831a4f26p-13
    0x1.7d2a98ebf34a8p-12 -0x1.d19ec9ea57a5cp-11 -0x1.f06d319e7fe01p-15 0x1.6d1cc32a6f88dp-13
    0x1.9a2a9a20e4de9p-10 -0x1.c06d613b669d2p-10 -0x1.dc24e9ad2779bp-13 -0x1.9f68b9165272dp-13
    0x1.425405e96c6e2p-11 0x1.4d62341f40252p-9 -0x1.8b38f02e129fbp-12 -0x1.68dc3d2569e04p-10
    -0x1.41fcf9b5eae5fp-8 0x1.956e3553f1efbp-9 0x1.09647cc795e97p-11 -0x1.151546d7b061ep-9
    -0x1.9c077e3090c1bp-8 -0x1.4a6855f84675fp-7 0x1.4a01ec0e07fe8p-8 0x1.e28ea5ae5a681p-9
    0x1.445b0630ff4f6p-6 -0x1.9b777ddf7a3e2p-13 0x1.71de259773b45p-7 0x1.599ba21e0097bp-6
    0x1.1a6f2156ad9d7p-5 0x1.9b51c926366f0p-5 -0x1.7e49aa05b4aa1p-6 0x1.49dbf6b9411e9p-10
    -0x1.8e39def54d6ddp-3 -0x1.3232549588a12p-3 -0x1.99e8f743d98ecp-3 -0x1.b314ac5255dd0p-3
""")).reshape(-1, 4)
_GAUSS_MMAX = 40.0
# gelu'(z0 + dz) = dz (C1 + dz Q(dz)) for |dz| < 1/4: csrc/act/gelu.h's float64 fit
_GELU_K = _hexes("-0x1.80ead197f00b4p-1 0x1.13e74c58cada8p-56 0x1.b9d98fa5a3215p-2 0x1.f7c1a23190c7cp-56")  # z0 hi, lo, C1 hi, lo
_GELU_Q = _hexes("""
    0x1.2e07aca6e36bep-21 0x1.d058093e844d3p-22 -0x1.03f91a834f3f1p-17 -0x1.784a7e74fd459p-17
    0x1.6961016af1e92p-14 0x1.86c8638180b9ep-13 -0x1.8680f74903b9ap-11 -0x1.258a6d855091ep-9
    0x1.297b9d6ff8dfcp-8 0x1.3e346def41ff3p-6 -0x1.e4088244f900fp-7 -0x1.d2fa4c17c7e84p-4
    -0x1.2a2ef9bb865aep-6 0x1.8d9a941de3ac5p-2
""")[::-1]  # lowest degree first, for _poly
_GELU_W = 0.25


def _gauss_parts(m):
    """(phi(m), R(m)) for m in [0, 40] in m's dtype (float64 for float32 data,
    long double for float64 data): exp(-m^2/2) from m^2 = h + l exactly (m has at
    most 53 bits: split at 24, each partial product is exact in long double),
    R from the pieces."""
    mh = m.astype(np.float32).astype(m.dtype)
    ml = m - mh
    h = mh * mh
    l = (2 * mh + ml) * ml
    phi = np.exp(-0.5 * h) * np.exp(-0.5 * l) * m.dtype.type("0.398942280401432677939946059934")
    u = 4 / (m + 2)
    t = 1 - u
    k = np.rint(2 * t - 0.5)
    j = k.astype(np.int64) & 3
    s = t - (0.5 * k + 0.25)
    p = _MILLS_P[0][j]
    for row in _MILLS_P[1:]:
        p = p * s + row[j]
    return phi, (_MILLS_C0[j] + s * p) * u


def _at_zero(x, k, q):
    """g'(z0 + dz) = dz (C1 + dz Q(dz)), z0 = k[0] + k[1], C1 = k[2] + k[3]."""
    dz = (x - k[0]) - k[1]
    return dz * ((k[2] + k[3]) + dz * _poly(q, dz))


def _fwd_gelu(z, want_a, want_d):
    m = np.abs(z)
    mc = np.minimum(m, _GAUSS_MMAX)
    mc = np.where(np.isnan(z), 0.0, mc)  # NaN comes back through z below
    phi, r = _gauss_parts(mc)
    q = phi * r                                   # Phi(-m)
    neg = z <= 0
    a = d = None
    if want_a:  # z cut at -MMAX: -inf * 0 is not met
        a = np.where(neg, np.maximum(z, -_GAUSS_MMAX) * q, z - mc * q)
        a = np.where(np.isnan(z) | (z == 0), z, a)  # NaN and +-0 themselves
    if want_d:  # gelu'(-m) = phi (R - m), gelu'(z) = 1 - gelu'(-z)
        dn = phi * (r - mc)
        near = np.abs(-mc - _GELU_K[0]) < _GELU_W
        dn = np.where(near, _at_zero(-mc, _GELU_K, _GELU_Q), dn)
        d = np.where(neg, dn, 1 - dn)
        d = np.where(np.isnan(z), z, d)
    return a, d


# The tanh form: y = 2u = 2 sqrt(2/pi) (z + 0.044715 z^3); its g' and mish' next
# to their zeros: csrc/act/gelu.h's and mish.h's float64 fits.
_TWO_BETA = "1.59576912160573071175978423973752747"  # strings: long double keeps them
_KAPPA = "0.044715"
_GELU_TANH_K = _hexes("-0x1.81429f9e97e4dp-1 0x1.4f523ed77dbdcp-55 0x1.b8bacd2c96b91p-2 0x1.7625a206be83dp-56")
_GELU_TANH_Q = _hexes("""
    0x1.3a425f56ec913p-19 0x1.7eeec06b57c0dp-18 -0x1.0b7ad44514a4fp-16 -0x1.2514d6b98f2cap-15
    0x1.04934133692b9p-13 0x1.14bf545f63c69p-12 -0x1.e63f29031f15ep-11 -0x1.3d8d63f205385p-9
    0x1.58c9ed711f318p-8 0x1.427996dc18485p-6 -0x1.104a83edc0d87p-6 -0x1.d2b773464707ap-4
    -0x1.029615edb077ap-6 0x1.8cd1a2b2fff33p-2
""")[::-1]
_MISH_K = _hexes("-0x1.31432c0d12d84p+0 -0x1.bf319154da210p-55 0x1.115acb42500bbp-2 0x1.1ad72de557d4cp-56")
_MISH_Q = _hexes("""
    0x1.1758b2d1de415p-20 0x1.86f75c1bc719ep-19 0x1.fb8fb87a782d7p-21 -0x1.223d1af39f7a0p-16
    -0x1.d453ed95b2970p-15 -0x1.5fff99d962ae9p-15 0x1.0a79551440775p-12 0x1.037991819a26cp-10
    0x1.1e5e1849f2a3bp-10 -0x1.b87ddfb51a097p-9 -0x1.03369d4ac90ddp-6 -0x1.4c222fe64d4fep-6
    0x1.574f121a868dbp-5 0x1.a34a251d8ad7bp-3
""")[::-1]
_WINDOW = 0.25


def _logistic(y):
    """(sigma(y), 1 - sigma(y)) from exp(-|y|): neither cancels."""
    e = np.exp(-np.abs(y))
    hi, lo = 1 / (1 + e), e / (1 + e)
    return np.where(y > 0, hi, lo), np.where(y > 0, lo, hi)


def _near_zero(z, d, k, q):
    """d with the fit dz (C1 + dz Q(dz)) where |z - z0| < 1/4 (the cancellation)."""
    near = np.abs(z - k[0]) < _WINDOW
    if near.any():
        d = np.where(near, _at_zero(z, k, q), d)
    return d


def _fwd_gelu_tanh(z, want_a, want_d):
    two_beta, kappa = z.dtype.type(_TWO_BETA), z.dtype.type(_KAPPA)
    zc = np.clip(z, -30.0, 30.0)  # |z| beyond: sigma(y) is 0 or 1, nothing overflows
    y = two_beta * (zc + kappa * zc ** 3)
    s, c = _logistic(y)
    a = d = None
    if want_a:  # -inf * 0 is not met
        a = np.where(z == 0, z, np.where(z <= 0, zc * s, z * s))
    if want_d:
        dy = two_beta * (1 + 3 * kappa * zc * zc)
        d = _near_zero(z, s * (1 + zc * c * dy), _GELU_TANH_K, _GELU_TANH_Q)
    return a, d


def _fwd_mish(z, want_a, want_d):
    """tanh(softplus(z)) rational in e = exp(-|z|) (csrc/act/mish.h): no
    cancellation, no overflow."""
    zc = np.clip(z, -800.0, 1e300)
    e = np.exp(-np.abs(zc))
    o = 1 + e
    neg = z <= 0
    t = np.where(neg, e * (e + 2) / (o * o + 1), 1 - 2 * e * e / (o * o + e * e))
    a = d = None
    if want_a:  # z itself above: the upper clip is only for e (inf * 1 = inf)
        a = np.where(z == 0, z, np.maximum(z, -800.0) * t)
    if want_d:
        sig = np.where(neg, e / o, 1 / o)
        d = _near_zero(z, t + np.minimum(zc, 1e30) * sig * (1 - t) * (1 + t), _MISH_K, _MISH_Q)
        # where it underflows: -0, the sign of mish' (it tends to 0 from below)
        d = np.where((d == 0) & (z < 0), z.dtype.type(-0.0), d)
        # z's NaN itself: e = exp(-|NaN|) is a NaN of the other sign, and which one a
        # sum of two NaNs keeps differs between NumPy's loops (so between blocks)
        d = np.where(np.isnan(z), z, d)
    return a, d


FORMULAS: dict[str, tuple[Any, Any]] = {
    "gelu": (_widest(_fwd_gelu), None),
    "gelu_tanh": (_widest(_fwd_gelu_tanh), None),
    "mish": (_widest(_fwd_mish), None),
}
