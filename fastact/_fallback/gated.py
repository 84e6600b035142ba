"""The gated units in NumPy (see lesson.py for the conventions): gelu (exact
and the tanh form) and mish.  The same algorithms as the C kernels
(csrc/act/gelu.h, mish.h), in float64 (float32 data is computed in float64 and
rounded once): NumPy has no erfc, so Phi(-m) = phi(m) R(m) with the Mills ratio
R from the kernels' piecewise fit, and the zeros of g' from their fits."""
from __future__ import annotations

from typing import Any

import numpy as np

from fastact._fallback.explinear import _hexes, _poly, _two_prod_err, _wide

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
_RSQRT2PI = 0.3989422804014327
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
    """(phi(m), R(m)) for m in [0, 40] (float64): exp(-m^2/2) with m^2's rounding
    error folded in (Dekker's product: NumPy has no FMA), R from the pieces."""
    h = m * m
    l = _two_prod_err(m, m)
    phi = np.exp(-0.5 * h) * (1 - 0.5 * l) * _RSQRT2PI
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
        a = np.where(np.isnan(z), z, a)
    if want_d:  # gelu'(-m) = phi (R - m), gelu'(z) = 1 - gelu'(-z)
        dn = phi * (r - mc)
        near = np.abs(-mc - _GELU_K[0]) < _GELU_W
        dn = np.where(near, _at_zero(-mc, _GELU_K, _GELU_Q), dn)
        d = np.where(neg, dn, 1 - dn)
        d = np.where(np.isnan(z), z, d)
    return a, d


_BETA = 0.7978845608028654  # sqrt(2/pi)
_KAPPA = 0.044715


def _fwd_gelu_tanh(z, want_a, want_d):
    zc = np.clip(z, -1e10, 1e10)
    u2 = 2 * _BETA * (zc + _KAPPA * zc ** 3)
    s = 0.5 * (1 + np.tanh(0.5 * u2))              # sigma(2u)
    a = np.where(np.isinf(z), np.maximum(z, 0), z * s) if want_a else None
    d = None
    if want_d:
        du2 = 2 * _BETA * (1 + 3 * _KAPPA * zc * zc)
        d = s + zc * s * (1 - s) * du2
    return a, d


def _fwd_mish(z, want_a, want_d):
    sp = np.logaddexp(0, z)
    t = np.tanh(sp)
    a = np.where(np.isneginf(z), -0.0, z * t) if want_a else None
    d = None
    if want_d:
        zc = np.clip(z, -1e10, 1e10)
        sig = 0.5 * (1 + np.tanh(0.5 * zc))
        d = t + zc * sig * (1 - t * t)
    return a, d


FORMULAS: dict[str, tuple[Any, Any]] = {
    "gelu": (_wide(_fwd_gelu), None),
    "gelu_tanh": (_wide(_fwd_gelu_tanh), None),
    "mish": (_wide(_fwd_mish), None),
}
