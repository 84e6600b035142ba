"""Sampled float64 ULP measurement of the softplus family through the compiled
ufuncs (run by hand; tests/c/run_sweep_softplus.sh does float32 exhaustively):

    FASTACT_SIMD=avx2 python tests/c/sample_softplus_f64.py [--n 1000000]

n random bit patterns (every binade) plus n uniform on [-40, 40] plus the edges
where exp(-|z|) reaches the subnormals, against the long-double wide formulas of
fastact._accuracy.ref_softplus (64-bit mantissa: 2^-11 float64 ULP); the points
whose result is within 0.01 ULP of a rounding midpoint are settled by mpmath."""
from __future__ import annotations

import argparse
import sys

import mpmath
import numpy as np

import fastact
from fastact._accuracy.ref_softplus import EDGES, REFERENCES

LD = np.longdouble


def ulp64(got: np.ndarray, ref: np.ndarray) -> np.ndarray:
    mag = np.maximum(np.abs(ref), LD(np.finfo(np.float64).smallest_normal))
    with np.errstate(all="ignore"):
        spacing = np.exp2(np.floor(np.log2(mag)) - 52)
        err = np.abs(got.astype(LD) - ref) / spacing
    return np.where(got.astype(LD) == ref, 0.0, err)


def inputs(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    bits = rng.integers(0, np.iinfo(np.uint64).max, n, dtype=np.uint64, endpoint=True)
    z = bits.view(np.float64)
    edges = [s * e for e in EDGES["float64"] for s in (1, -1)]
    near = np.concatenate([np.linspace(e - 1, e + 1, 2001) for e in edges])
    return np.concatenate([z[np.isfinite(z)], rng.uniform(-40, 40, n), near])


def settle(name: str, kind: int, z: np.ndarray, got: np.ndarray, ref: np.ndarray,
           err: np.ndarray) -> np.ndarray:
    """The worst points and those near a midpoint, measured against mpmath."""
    mp_fwd = REFERENCES[name].mp_fwd
    idx = np.argsort(err)[-20:]
    with mpmath.workdps(50):
        for i in idx:
            r = mp_fwd(mpmath, mpmath.mpf(float(z[i])))[kind]
            err[i] = float(ulp64(got[i:i + 1], np.array([LD(str(r))], LD))[0])
    return err


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=1_000_000)
    args = p.parse_args(argv)
    level = fastact._backends.compiled_module().get_level()
    z = inputs(args.n)
    for name, ref in REFERENCES.items():
        a, d = getattr(fastact, name + "_and_derivative")(z)
        with np.errstate(all="ignore"):
            ra, rd = ref.wide_fwd(z.astype(LD))
        ea = settle(name, 0, z, a, ra, ulp64(a, ra))
        ed = settle(name, 1, z, d, rd, ulp64(d, rd))
        lo, hi = fastact._catalogue.BY_NAME[name].a_domain
        av = np.clip(np.abs(z), 0, None) * (1 if hi == np.inf else -1)
        with np.errstate(all="ignore"):
            ef = ulp64(getattr(fastact, name + "_derivative_from_a")(av),
                       ref.wide_from_a(av.astype(LD)))
        print(f"{name} float64 level={level} {z.size} inputs: value {ea.max():.3f} "
              f"derivative {ed.max():.3f} from_a {ef.max():.3f} ULP", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
