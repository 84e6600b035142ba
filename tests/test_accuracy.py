"""Accuracy targets, on a sample small enough for every test run.

float32: 2^20 bit patterns evenly strided through all 2^32 (every z function)
and through the activation's output range (from-a functions), against the
correctly rounded references of fastact._accuracy.reference.
float64: mpmath at 50 digits, point by point, on log-uniform arguments and
edge cases; and the long-double reference on 10^5 points.

Bounds (ULP, see fastact/accuracy.py for the definition):
  compiled, FMA levels (avx2, avx512), default mode: functions of z <= 2, of a <= 1
  compiled, FMA levels, "high" mode:                 functions of z <= 1, of a <= 1
  compiled, baseline (no FMA), either mode:          functions of z <= 6, of a <= 1
  NumPy fallback:                                    functions of z <= 8, of a <= 1
The exhaustive numbers are in docs/accuracy.md.
"""
from __future__ import annotations

import numpy as np
import pytest

from fastact._accuracy import inputs
from fastact import _backends, _catalogue
from fastact._accuracy.measure import Stats, block_references, check_label, measure_block
from fastact._accuracy.reference import mp_fwd, mp_from_a, mp_round
from fastact._accuracy.ulp import ulp_error

pytest.importorskip("mpmath")

from oracles import ORACLES  # noqa: E402

NAMES = [a.name for a in _catalogue.ACTIVATIONS]
# (activation, input group): "a" (the from-a functions) only where they exist
GROUPS = [(a.name, g) for a in _catalogue.ACTIVATIONS
          for g in (("z", "a") if a.derivative_from_a is not None else ("z",))]
F32 = np.dtype(np.float32)
F64 = np.dtype(np.float64)

def level_of(fa) -> str:
    if fa.BACKEND == "python":
        return "python"
    return _backends.compiled_module().get_level()


def bound(fa, group: str, name: str = "") -> float:
    level = level_of(fa)
    if group == "a":
        return 1.0
    if level in ("avx2", "avx512"):
        # the high mode's <= 1 ULP holds for the activations with high kernels; the
        # others run their default ones in it (the catalogue's `high`)
        high = _backends.compiled_module().get_accuracy() == "high" and \
            (not name or _catalogue.BY_NAME[name].high)
        return 1.0 if high else 2.0
    # without FMA and on the fallback: each oracle's published budget
    rounded = ORACLES[name].ulp_rounded if name in ORACLES else {}
    cls = "fallback" if level == "python" else "nofma"
    return rounded.get(cls, {"python": 8.0}.get(level, 6.0))


def _fail_message(name, stats) -> str:
    lines = [f"{check_label(name, c)}: max {st.max_ulp} ULP at {st.worst_arg!r} "
             f"(got {st.worst_got!r}, ref {st.worst_ref!r}), {st.over_1ulp} over 1 ULP"
             for c, st in stats.items()]
    return "\n".join(lines)


def _check_every_level(each_level, name, group, blocks):
    """Scores `blocks` ([(x, references)], the references computed once) at every
    level; the failures of all levels are collected, then reported together
    (each level's namespace is only valid until the next is taken)."""
    failures = []
    for label, ns in each_level():
        total: dict = {}
        for x, refs in blocks:
            stats, _ = measure_block(ns, name, group, x, refs=refs)
            for key, st in stats.items():
                total.setdefault(key, Stats()).merge(st)
        worst = max(st.max_ulp for st in total.values())
        if worst > bound(ns, group, name):
            failures.append(f"[{label}] " + _fail_message(name, total))
        # backward(grad=1) is the derivative, so it scores exactly the same
        if group == "z" and total["backward"].max_ulp != total["derivative"].max_ulp:
            failures.append(f"[{label}] backward(grad=1) scores differently from the derivative")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("name,group", GROUPS)
def test_float32_strided_sweep(each_level, name, group):
    """2^20 float32 arguments at every level and on the fallback: the correctly
    rounded references are computed once for all of them."""
    ranges = inputs.z_domain(F32) if group == "z" else inputs.a_domain(name, F32)
    stride = inputs.sample_stride(ranges, 1 << 20)
    blocks = []
    for first, count in inputs.index_chunks(ranges, stride, 1 << 18):
        x = inputs.values_at(ranges, F32, stride, first, count)
        blocks.append((x, block_references(name, group, x)))
    _check_every_level(each_level, name, group, blocks)


def _f64_points(name: str, group: str, n: int) -> np.ndarray:
    rng = np.random.default_rng(12345)
    if group == "z":
        pool = inputs.f64_sample(name, 4 * n, seed=7)
        edges = inputs.f64_edges(name)
    else:
        pool = inputs.f64_a_sample(name, 4 * n, seed=7)
        edges = pool[-16:]
    return np.concatenate([rng.choice(pool, n, replace=False), edges])


@pytest.mark.parametrize("group", ["z", "a"])
@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
def test_float64_against_mpmath(fa_level, name, group):
    """Point by point against mpmath at 50 digits (the reference used nowhere else)."""
    z = _f64_points(name, group, 300)
    if group == "z":
        got_a, got_d = getattr(fa_level, name + "_and_derivative")(z)
        got_only_d = getattr(fa_level, name + "_derivative")(z)
        refs = [mp_fwd(name, float(v)) for v in z]
        ref_a = np.array([mp_round(r[0], F64) for r in refs])
        ref_d = np.array([mp_round(r[1], F64) for r in refs])
        errs = {"value": ulp_error(got_a, ref_a), "derivative": ulp_error(got_d, ref_d),
                "derivative alone": ulp_error(got_only_d, ref_d)}
    else:
        got = getattr(fa_level, name + "_derivative_from_a")(z)
        ref = np.array([mp_round(mp_from_a(name, float(v)), F64) for v in z])
        errs = {"derivative_from_a": ulp_error(got, ref)}
    for what, e in errs.items():
        i = int(np.argmax(e))
        assert e[i] <= bound(fa_level, group, name), f"{name} {what}: {e[i]} ULP at z={z[i]!r}"


@pytest.mark.parametrize("name,group", GROUPS)
def test_float64_sampled(each_level, name, group):
    """10^5 log-uniform float64 arguments plus edges, long-double reference
    (computed once, for every level)."""
    x = (inputs.f64_sample if group == "z" else inputs.f64_a_sample)(name, 10**5, seed=3)
    _check_every_level(each_level, name, group, [(x, block_references(name, group, x))])


def test_ulp_definition():
    f = np.float32
    got = np.array([np.nan, np.nan, 1, np.inf, np.inf, 0.0, 1e-45, 1 + 2**-23, 2 - 2**-23, 2 + 2**-22], f)
    ref = np.array([np.nan, 1, np.nan, np.inf, 1, -0.0, 0, 1, 2, 2], f)
    # one step below a power of two is half a ULP of it: spacing is taken at ref
    assert ulp_error(got, ref).tolist() == [0, np.inf, np.inf, 0, np.inf, 0, 1, 1, 0.5, 1]


def test_mp_round_is_correct_rounding():
    import mpmath

    with mpmath.workdps(60):
        # halfway between 1 and 1 + 2^-23 rounds to even (1); just above rounds up
        assert mp_round(1 + mpmath.mpf(2) ** -24, F32) == np.float32(1)
        assert mp_round(1 + mpmath.mpf(2) ** -24 + mpmath.mpf(2) ** -50, F32) == \
            np.nextafter(np.float32(1), np.float32(2))
        # subnormals are rounded at the fixed 2^-149 quantum
        assert mp_round(mpmath.mpf(2) ** -150 * 3, F32) == np.float32(2.0 ** -148)
        assert mp_round(mpmath.mpf(2) ** -1075, F64) == 0.0
