"""Oracles of the piecewise family: hardtanh, relu6, hardsigmoid, hardswish,
softshrink, hardshrink, threshold, prelu (piecewise-linear) and sparse_plus.

The float64 references are the definitions, written here from the maths with
PyTorch's kink conventions (g' taken strictly inside each piece; see
fastact/_catalogue/piecewise.py): exact for float32 data (every sum and product
of a float32 z with 3 or 6 is exact in float64, one rounding for the division),
within an ULP of float64 for float64 data (sparse_plus' square and root in long
double, nearer).  The mpmath ones are the same maths, exact."""
from __future__ import annotations

import numpy as np

from oracles import register
from oracles.lesson import _leaky_d_limits, _leaky_limits, _leaky_monotonic, _leaky_top
from oracles.model import INF, Oracle
from oracles.softplus import _ld


def _f64(x):
    return np.asarray(x, dtype=np.float64)


def _nan_kept(x, y):
    return np.where(np.isnan(x), x, y)


def _inside(x, lo, hi, v):
    x = _f64(x)
    return _nan_kept(x, np.where((lo < x) & (x < hi), v, 0.0))


def _outside(x, lo, hi):
    x = _f64(x)
    return _nan_kept(x, np.where((x < lo) | (x > hi), 1.0, 0.0))


def _mp_inside(mp, x, lo, hi, v):
    return mp.mpf(v) if lo < x < hi else mp.mpf(0)


def _mp_outside(mp, x, lo, hi):
    return mp.mpf(1) if x < lo or x > hi else mp.mpf(0)


# -- hardtanh, relu6: clamps, g' = 1 strictly inside

def hardtanh(z, min_val=-1.0, max_val=1.0):
    z = _f64(z)
    return _nan_kept(z, np.where(z < min_val, min_val, np.where(z > max_val, max_val, z)))


def hardtanh_derivative(z, min_val=-1.0, max_val=1.0):
    return _inside(z, min_val, max_val, 1.0)


def mp_hardtanh(mp, x, min_val=-1.0, max_val=1.0):
    return min(max(x, mp.mpf(min_val)), mp.mpf(max_val))


def mp_hardtanh_derivative(mp, x, min_val=-1.0, max_val=1.0):
    return _mp_inside(mp, x, min_val, max_val, 1)


def relu6(z):
    return hardtanh(z, 0.0, 6.0)


def relu6_derivative(z):
    return _inside(z, 0.0, 6.0, 1.0)


# -- hardsigmoid: (clamp(z, -3, 3) + 3) / 6, g' = 1/6 strictly inside (-3, 3)

def hardsigmoid(z):
    c = np.clip(_f64(z), -3.0, 3.0)
    return (c + 3.0) / 6.0


def hardsigmoid_derivative(z):
    return _inside(z, -3.0, 3.0, 1 / 6)


def mp_hardsigmoid(mp, x):
    return (min(max(x, mp.mpf(-3)), mp.mpf(3)) + 3) / 6


# -- hardswish: z (z + 3) / 6 on [-3, 3]; g'(-3) = 0, g'(3) = 1

def hardswish(z):
    z = _f64(z)
    c = np.clip(z, -3.0, 3.0)
    return np.where(z > 3, z, c * (c + 3.0) / 6.0)


def hardswish_derivative(z):
    z = _f64(z)
    inner = (2 * z + 3.0) / 6.0
    return _nan_kept(z, np.where(z <= -3, 0.0, np.where(z >= 3, 1.0, inner)))


def mp_hardswish(mp, x):
    if x > 3:
        return x
    return mp.mpf(0) if x < -3 else x * (x + 3) / 6


def mp_hardswish_derivative(mp, x):
    return mp.mpf(0) if x <= -3 else mp.mpf(1) if x >= 3 else (2 * x + 3) / 6


# -- softshrink, hardshrink: 0 on the closed [-lambd, lambd], g' 0 there too

def softshrink(z, lambd=0.5):
    z = _f64(z)
    # z * 0 inside: PyTorch's softshrink keeps z's sign on the zeros
    return _nan_kept(z, np.where(z > lambd, z - lambd, np.where(z < -lambd, z + lambd, np.copysign(0.0, z))))


def shrink_derivative(z, lambd=0.5):
    return _outside(z, -lambd, lambd)


def shrink_derivative_from_a(a):
    return _outside(a, 0.0, 0.0)


def hardshrink(z, lambd=0.5):
    z = _f64(z)
    return _nan_kept(z, np.where(np.abs(z) > lambd, z, 0.0))


def mp_softshrink(mp, x, lambd=0.5):
    return x - lambd if x > lambd else x + lambd if x < -lambd else mp.mpf(0)


def mp_hardshrink(mp, x, lambd=0.5):
    return x if abs(x) > lambd else mp.mpf(0)


def mp_shrink_derivative(mp, x, lambd=0.5):
    return _mp_outside(mp, x, -lambd, lambd)


def mp_shrink_derivative_from_a(mp, a):
    return _mp_outside(mp, a, 0, 0)


# -- threshold (required parameters): g' = 0 at z = threshold

def threshold(z, threshold, value):
    z = _f64(z)
    return _nan_kept(z, np.where(z > threshold, z, value))


def threshold_derivative(z, threshold):
    z = _f64(z)
    return _nan_kept(z, np.where(z > threshold, 1.0, 0.0))


def mp_threshold(mp, x, threshold, value):
    return x if x > threshold else mp.mpf(value)


def mp_threshold_derivative(mp, x, threshold):
    return mp.mpf(1) if x > threshold else mp.mpf(0)


# -- prelu: leaky_relu with a required slope; g'(0) = weight

def prelu(z, weight):
    z = _f64(z)
    return _nan_kept(z, np.where(z > 0, z, weight * z))


def prelu_derivative(z, weight, at_zero=None):
    z = _f64(z)
    k = weight if at_zero is None else at_zero
    return _nan_kept(z, np.where(z > 0, 1.0, np.where(z < 0, weight, k)))


def mp_prelu(mp, x, weight):
    return x if x > 0 else weight * x


def mp_prelu_derivative(mp, x, weight, at_zero=None):
    k = weight if at_zero is None else at_zero
    return mp.mpf(1) if x > 0 else mp.mpf(weight) if x < 0 else mp.mpf(k)


# -- sparse_plus: (z + 1)^2 / 4 on (-1, 1), 0 below, z above; g' continuous

def _sparse_plus_t(z):
    """z + 1 clamped to [0, 2], in long double (nearly exact for float64 z)."""
    return np.clip(_ld(z), -1, 1) + 1


def sparse_plus(z):
    z, t = _ld(z), _sparse_plus_t(z)
    return np.where(z > 1, z, t * t / 4).astype(np.float64)


def sparse_plus_derivative(z):
    return (_sparse_plus_t(z) / 2).astype(np.float64)


def sparse_plus_derivative_from_a(a):
    # IEEE's float64 root, rounded once (long double's, rounded again to float64,
    # misses near-midpoints: sqrt(0.25 + 3 * 2^-54))
    a = _f64(a)
    with np.errstate(invalid="ignore"):  # a < 0: outside g's range
        return np.where(a >= 1, 1.0, np.sqrt(a))


def mp_sparse_plus(mp, x):
    return x if x >= 1 else (max(x, mp.mpf(-1)) + 1) ** 2 / 4


def mp_sparse_plus_derivative(mp, x):
    return (min(max(x, mp.mpf(-1)), mp.mpf(1)) + 1) / 2


def mp_sparse_plus_derivative_from_a(mp, a):
    return mp.mpf(1) if a >= 1 else mp.sqrt(a)


# -- the per-parameter fields

def _clamp(min_val=-1.0, max_val=1.0):
    """hardtanh's range, limits and kinks: its clamps."""
    return min_val, max_val


def _shrink_kinks(lambd=0.5):
    return -lambd, lambd


# prelu is leaky_relu with the slope named weight
def _as_leaky(f):
    return lambda weight, at_zero=None: f(weight, at_zero)


_prelu_limits, _prelu_d_limits, _prelu_top, _prelu_monotonic = (
    _as_leaky(f) for f in (_leaky_limits, _leaky_d_limits, _leaky_top, _leaky_monotonic))


# ULP budgets against the float64 references above (which round more than once
# for float64 data: hardswish's z (z + 3)/6 up to ~1.5 ULP, hardsigmoid's ~1).
# Clamps, shrinks, selects: exact (float16: the float32 result rounded again,
# exact too); softshrink's z -+ lambd and prelu's weight * z are one IEEE
# operation (<= 1/2 ULP).  hardsigmoid / hardswish round only their division by 6
# on the FMA levels: ulp_rounded is the ULP against the correctly
# rounded result (0 = correctly rounded), per accuracy class, held by
# tests/test_piecewise.py against exact rational references and measured over
# every float32 in docs/catalogue-piecewise.md.  Without FMA (the baseline
# level, the fallback's float64) the product's exact error is lost.


def _budgets(**by_key):
    """Every (dtype, kind) exact (0 ULP), but the keys given as dtype_kind=ULP."""
    b = {(dt, k): 0.0 for dt in ("float16", "float32", "float64")
         for k in ("value", "derivative", "from_a")}
    b.update({tuple(key.split("_", 1)): v for key, v in by_key.items()})
    return b


_EXACT = _budgets()
# a clamp or a replacement by a parameter: the float32 parameter rounded to float16
_EXACT_F16_PARAM = _budgets(float16_value=0.5)
_ONE_OP = _budgets(float32_value=0.5, float64_value=0.5, float16_value=1.0)
# hardsigmoid' is the rounded 1/6 (1/2 ULP), from z and from a
_SIXTH = dict(float32_derivative=0.5, float64_derivative=0.5, float32_from_a=0.5,
              float64_from_a=0.5, float16_derivative=1.0, float16_from_a=1.0)
_HARDSIGMOID = _budgets(float32_value=0.5, float64_value=1.5, float16_value=1.0, **_SIXTH)
_HARDSIGMOID_LOOSE = _budgets(float32_value=1.0, float64_value=2.0, float16_value=1.0,
                              **_SIXTH)
_HARDSWISH = _budgets(float32_value=0.5, float64_value=2.0, float32_derivative=0.5,
                      float64_derivative=1.5, float16_value=1.0, float16_derivative=1.0)
_HARDSWISH_LOOSE = _budgets(float32_value=2.0, float64_value=3.0, float32_derivative=1.0,
                            float64_derivative=2.0, float16_value=1.0, float16_derivative=1.0)


# sparse_plus: t^2/4 as an unrounded pair, rounded once at the end (the pair
# drops only tl^2), on every backend (Dekker's square without FMA); g' = the
# rounded z + 1 halved and sqrt(a) are correctly rounded; float16: the float32
# result rounded once more
_SPARSE_PLUS = _budgets(float32_value=1.0, float64_value=1.0, float16_value=1.0,
                        float32_derivative=0.5, float64_derivative=0.5,
                        float16_derivative=1.0, float32_from_a=0.5, float64_from_a=0.5,
                        float16_from_a=1.0)


# a correctly rounded result on every backend (a select, a clamp, one IEEE operation)
_ROUNDED = {"fma": 0.0, "nofma": 0.0, "fallback": 0.0}


def _exact_oracle(table=_EXACT, **kw):
    return dict(ulp=table, ulp_fallback=table, ulp_high=table, ulp_nofma=table,
                ulp_rounded=_ROUNDED, **kw)


def _one_op_oracle(**kw):
    return dict(ulp=_ONE_OP, ulp_high=_ONE_OP, ulp_fallback=_ONE_OP, ulp_nofma=_ONE_OP,
                ulp_rounded=_ROUNDED, **kw)


register(
    Oracle("hardtanh", hardtanh, hardtanh_derivative, hardtanh_derivative,
           mp_value=mp_hardtanh, mp_derivative=mp_hardtanh_derivative,
           mp_derivative_from_a=mp_hardtanh_derivative,
           z_range=(-2.0, 2.0), a_range=_clamp, limits=_clamp, d_limits=(0.0, 0.0),
           max_abs_derivative=1.0, kinks=_clamp,
           param_sets=({"min_val": -0.25, "max_val": 3.5}, {"min_val": 0.1, "max_val": 0.3}),
           torch=lambda torch, z, min_val=-1.0, max_val=1.0:
               torch.nn.functional.hardtanh(z, min_val, max_val),
           **_exact_oracle(_EXACT_F16_PARAM)),
    Oracle("relu6", relu6, relu6_derivative, relu6_derivative,
           mp_value=lambda mp, x: mp_hardtanh(mp, x, 0, 6),
           mp_derivative=lambda mp, x: _mp_inside(mp, x, 0, 6, 1),
           mp_derivative_from_a=lambda mp, a: _mp_inside(mp, a, 0, 6, 1),
           z_range=(-1.0, 7.0), a_range=(0.0, 6.0), limits=(0.0, 6.0), d_limits=(0.0, 0.0),
           max_abs_derivative=1.0, kinks=(0.0, 6.0),
           torch=lambda torch, z: torch.nn.functional.relu6(z), **_exact_oracle()),
    Oracle("hardsigmoid", hardsigmoid, hardsigmoid_derivative,
           lambda a: _inside(a, 0.0, 1.0, 1 / 6),
           mp_value=mp_hardsigmoid,
           mp_derivative=lambda mp, x: _mp_inside(mp, x, -3, 3, mp.mpf(1) / 6),
           mp_derivative_from_a=lambda mp, a: _mp_inside(mp, a, 0, 1, mp.mpf(1) / 6),
           z_range=(-4.0, 4.0), a_range=(0.0, 1.0), limits=(0.0, 1.0), d_limits=(0.0, 0.0),
           max_abs_derivative=1 / 6, kinks=(-3.0, 3.0),
           ulp=_HARDSIGMOID, ulp_high=_HARDSIGMOID, ulp_fallback=_HARDSIGMOID_LOOSE,
           torch=lambda torch, z: torch.nn.functional.hardsigmoid(z), torch_d_rtol=6e-8,
           ulp_nofma=_HARDSIGMOID_LOOSE,
           ulp_rounded={"fma": 0.0, "nofma": 1.0, "fallback": 1.0}),
    Oracle("hardswish", hardswish, hardswish_derivative,
           mp_value=mp_hardswish, mp_derivative=mp_hardswish_derivative,
           z_range=(-4.0, 4.0), limits=(0.0, INF), d_limits=(0.0, 1.0),
           max_abs_derivative=1.5, monotonic=False, kinks=(-3.0, 3.0),
           ulp=_HARDSWISH, ulp_high=_HARDSWISH, ulp_fallback=_HARDSWISH_LOOSE,
           torch=lambda torch, z: torch.nn.functional.hardswish(z),
           ulp_nofma=_HARDSWISH_LOOSE,
           # correctly rounded on the FMA levels but at subnormal z, where
           # z (z + 3) / 6 lands next to a tie that z^2/6 breaks (1 ULP)
           ulp_rounded={"fma": 1.0, "nofma": 2.0, "fallback": 2.0},
           # a subnormal z: z (z + 3) / 6 is a tie that z^2/6 breaks, lost where
           # z + 3 rounds to 3 (1 ULP of the smallest subnormal)
           ulp_specials={"fma": 1.0, "nofma": 1.0, "fallback": 1.0}),
    Oracle("softshrink", softshrink, shrink_derivative, shrink_derivative_from_a,
           mp_value=mp_softshrink, mp_derivative=mp_shrink_derivative,
           mp_derivative_from_a=mp_shrink_derivative_from_a,
           z_range=(-2.0, 2.0), limits=(-INF, INF), d_limits=(1.0, 1.0),
           max_abs_derivative=1.0, kinks=_shrink_kinks,
           param_sets=({"lambd": 0.0}, {"lambd": 1.25}),
           torch=lambda torch, z, lambd=0.5: torch.nn.functional.softshrink(z, lambd),
           **_one_op_oracle()),
    Oracle("hardshrink", hardshrink, shrink_derivative, shrink_derivative_from_a,
           mp_value=mp_hardshrink, mp_derivative=mp_shrink_derivative,
           mp_derivative_from_a=mp_shrink_derivative_from_a,
           z_range=(-2.0, 2.0), limits=(-INF, INF), d_limits=(1.0, 1.0),
           max_abs_derivative=1.0, monotonic=False, kinks=_shrink_kinks,
           param_sets=({"lambd": 0.0}, {"lambd": 1.25}),
           torch=lambda torch, z, lambd=0.5: torch.nn.functional.hardshrink(z, lambd),
           **_exact_oracle()),
    Oracle("threshold", threshold, threshold_derivative,
           mp_value=mp_threshold, mp_derivative=mp_threshold_derivative,
           z_range=(-2.0, 2.0), limits=lambda threshold, value: (value, INF),
           d_limits=(0.0, 1.0), max_abs_derivative=1.0, monotonic=False,
           kinks=lambda threshold, value=None: (threshold,),
           param_sets=({"threshold": 0.5, "value": -1.0}, {"threshold": -1.5, "value": 4.0}),
           torch=lambda torch, z, threshold, value:
               torch.nn.functional.threshold(z, threshold, value),
           **_exact_oracle(_EXACT_F16_PARAM)),
    Oracle("prelu", prelu, prelu_derivative,
           mp_value=mp_prelu, mp_derivative=mp_prelu_derivative,
           z_range=(-2.0, 2.0), limits=_prelu_limits, d_limits=_prelu_d_limits,
           max_abs_derivative=_prelu_top, monotonic=_prelu_monotonic, kinks=(0.0,),
           param_sets=({"weight": 0.25}, {"weight": -0.5}, {"weight": 0.25, "at_zero": 1.0}),
           torch=lambda torch, z, weight:
               torch.nn.functional.prelu(z, torch.tensor([weight], dtype=z.dtype)),
           **_one_op_oracle()),
    # torch has no sparse_plus
    Oracle("sparse_plus", sparse_plus, sparse_plus_derivative, sparse_plus_derivative_from_a,
           mp_value=mp_sparse_plus, mp_derivative=mp_sparse_plus_derivative,
           mp_derivative_from_a=mp_sparse_plus_derivative_from_a,
           z_range=(-2.0, 2.0), a_range=(0.0, INF), limits=(0.0, INF), d_limits=(0.0, 1.0),
           max_abs_derivative=1.0,
           exact_points=((-1.0, 0.0, 0.0), (0.0, 0.25, 0.5), (1.0, 1.0, 1.0)),
           ulp=_SPARSE_PLUS, ulp_high=_SPARSE_PLUS, ulp_fallback=_SPARSE_PLUS,
           ulp_nofma=_SPARSE_PLUS,
           ulp_rounded={"fma": 1.0, "nofma": 1.0, "fallback": 1.0}),
)
