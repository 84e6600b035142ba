"""`python -m fastact.accuracy`: how accurate is every fastact function?

Measures (never asserts) the error of each function in ULP:

    ulp(got, ref) = |got - ref| / spacing(ref)

where ref is the exact mathematical value rounded to the dtype under test and
spacing(ref) is the gap from |ref| to the next larger number of that dtype
(np.spacing); for ref == 0 or a subnormal ref it is the smallest subnormal.
NaN vs NaN counts 0; NaN vs a number, or an infinity vs anything else, counts
inf.  A correctly rounded result scores 0, a faithfully rounded one at most 1.

What is measured, per backend (compiled at a SIMD level, or the NumPy fallback):
  * float32 (and float16): every bit pattern (2^32 / 2^16, or --sample N evenly
    strided patterns) through every function of z - value, derivative,
    and_derivative (both outputs), backward with grad = 1 - and every
    representable a in the activation's range through derivative_from_a and
    backward_from_a (sigmoid a in [0, 1], tanh [-1, 1], relu a >= 0, leaky_relu
    every a).  leaky_relu uses alpha = 0.01; kinks use the default at_zero.
  * float64: --f64-points (default 10^6) per function: half with uniformly
    random bit patterns (log-uniform over all magnitudes), half log-uniform over
    [2^-60, 2^10], random signs, plus edge cases (+-0, subnormals, tiny, where
    the function saturates or underflows, +-max, +-inf, NaN with payloads).

References (fastact/_accuracy/reference.py, per activation fastact/_accuracy/ref_FAMILY.py): the stable formulas evaluated in a
wider format - float64 for float16/float32, x87 long double for float64 - and
rounded once; points within a small window of a rounding midpoint are
recomputed with mpmath at 50 digits, so every reference is correctly rounded.
The long-double reference is cross-checked against mpmath on random points and
the result is part of the report.  relu/leaky_relu references are exact selects.

Output: a Markdown table per backend x dtype (stdout or --markdown PATH) and
optionally JSON (--json PATH).  Progress goes to stderr.

Examples:
    python -m fastact.accuracy --sample 1000000            # quick look
    python -m fastact.accuracy --level avx2,avx512 --dtype float32 --jobs 2
    python -m fastact.accuracy --backend python --functions sigmoid --json out.json
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import List, Optional, Tuple

from fastact import _catalogue
from fastact._accuracy.reference import mpmath_missing
from fastact._accuracy.report import as_json, markdown
from fastact._accuracy.run import Sweep, cross_check, run_sweeps
from fastact._cli.args import Parser, fail, integer, listing, too_much_memory, writable_file

DTYPES = ("float16", "float32", "float64")
BACKENDS = ("c", "python", "both")
GROUPS = ("z", "a")
PROG = "fastact accuracy"
# Working memory per argument of a block: the arguments, references, results
# and ULP arrays of every check, float64-sized.
_BYTES_PER_ARGUMENT = 8 * 16


def build_parser(p: Optional[argparse.ArgumentParser] = None) -> argparse.ArgumentParser:
    """The tool's options, on a new parser or on `p` (the `accuracy` subcommand)."""
    if p is None:
        p = Parser(prog="python -m fastact.accuracy",
                   description="Measure the ULP error of every fastact function.",
                   formatter_class=argparse.RawDescriptionHelpFormatter)
    names = [a.name for a in _catalogue.ACTIVATIONS]
    p.add_argument("--backend", type=listing(str, BACKENDS), default=None,
                   help="c, python or both (comma-separated); default: the one fastact uses")
    p.add_argument("--level", type=listing(str), default=None,
                   help="SIMD level(s) of the compiled backend (baseline, avx2, avx512, or 'all'); "
                        "default: the best this CPU runs")
    p.add_argument("--accuracy", type=listing(str, ("default", "high")), default=None,
                   help="accuracy mode(s) of the compiled kernels (default, high; "
                        "comma-separated); default: the mode in effect")
    p.add_argument("--functions", type=listing(str, names), default=names,
                   help=f"activations: {', '.join(names)} (comma-separated); default: all")
    p.add_argument("--dtype", type=listing(str, DTYPES), default=["float32", "float64"],
                   help="float16, float32, float64 (comma-separated); default: float32,float64")
    p.add_argument("--groups", type=listing(str, GROUPS), default=list(GROUPS),
                   help="z: functions of z; a: derivative_from_a / backward_from_a; default: both")
    p.add_argument("--sample", type=integer(0), default=0,
                   help="float16/float32: N evenly strided bit patterns instead of all of them; "
                        "the default 0 sweeps every pattern: 2^32 per float32 function, about "
                        "an hour and a half of one core for all of them (--jobs spreads it)")
    p.add_argument("--f64-points", type=integer(1), default=10**6,
                   help="float64 sample size per function")
    p.add_argument("--seed", type=integer(0), default=0)
    p.add_argument("--jobs", type=integer(1, 1024), default=1, help="worker processes")
    p.add_argument("--chunk", type=integer(1), default=1 << 22,
                   help="arguments per block (memory bound)")
    p.add_argument("--cross-check", type=integer(0), default=500,
                   help="random points per activation/dtype to check the fast reference "
                        "against mpmath (0: skip)")
    p.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    p.add_argument("--markdown", metavar="PATH", help="write the tables here instead of stdout")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    return p


class _Refused(Exception):
    """A request this machine cannot serve (one line, exit status 2)."""


def _targets(args: argparse.Namespace) -> List[tuple]:
    from fastact import _backends

    mod = _backends.compiled_module()
    backends = args.backend or [_backends.choose()]
    if "both" in backends:
        backends = ["c", "python"]
    out: List[Tuple[str, Optional[str]]] = []
    for b in dict.fromkeys(backends):  # each once, in the order given
        if b == "python":
            out.append(("python", None))
            continue
        if mod is None or _backends.extensions_disabled():
            raise _Refused("the compiled backend is not available")
        levels = args.level or [mod.get_level()]
        if levels == ["all"]:
            levels = mod.simd_levels()
        modes = args.accuracy or [mod.get_accuracy()]
        for lvl in levels:
            if lvl not in mod.simd_levels():
                raise _Refused(f"SIMD level {lvl!r} is not available here "
                               f"(choose from {', '.join(mod.simd_levels())})")
            # a level in the high mode is named "<level>-high" in the report
            out.extend(("c", lvl if m == "default" else f"{lvl}-{m}") for m in modes)
    return out


def main(argv: Optional[List[str]] = None) -> int:
    return run(build_parser().parse_args(argv), argv)


def _refusal(args: argparse.Namespace) -> Optional[str]:
    """What stops this run before it starts (None: nothing)."""
    for path, what in ((args.json, "--json"), (args.markdown, "--markdown")):
        problem = path and writable_file(path, what)
        if problem:
            return problem
    return (too_much_memory(args.chunk * _BYTES_PER_ARGUMENT, f"--chunk {args.chunk}")
            or too_much_memory(args.f64_points * _BYTES_PER_ARGUMENT,
                               f"--f64-points {args.f64_points}"))


def _announce(sweeps: List[Sweep], jobs: int) -> None:
    """Say up front when a sweep is exhaustive: 2^32 arguments per float32 sweep
    is a long run, and the default."""
    exhaustive = [sw for sw in sweeps if sw.exhaustive]
    if exhaustive:
        dtypes = ", ".join(dict.fromkeys(sw.dtype for sw in exhaustive))
        print(f"{PROG}: exhaustive {dtypes} sweeps (every bit pattern) of {len(exhaustive)} "
              f"function groups on {jobs} job{'s' if jobs > 1 else ''}: about 10 min of one "
              "core per float32 group, 1.5 h for all; --sample N for a quick look, --jobs N "
              "for more cores",
              file=sys.stderr)


def _function_groups(args: argparse.Namespace) -> List[Tuple[str, str]]:
    """(activation, group) pairs to measure: the from-a group only for the
    activations that have from-a operations."""
    return [(name, group) for name in args.functions for group in args.groups
            if group == "z" or "derivative_from_a" in _catalogue.BY_NAME[name].ops]


def run(args: argparse.Namespace, argv: Optional[List[str]] = None) -> int:
    """Run the sweeps `args` asks for; argv is recorded in the JSON output."""
    try:
        targets = _targets(args)
    except _Refused as exc:
        return fail(PROG, str(exc), 2)
    problem = _refusal(args)
    if problem:
        return fail(PROG, problem, 2)
    problem = mpmath_missing(args.functions)
    if problem:
        return fail(PROG, problem, 1)
    sweeps = [Sweep(b, lvl, dt, name, group, sample=args.sample, f64_points=args.f64_points,
                    seed=args.seed)
              for b, lvl in targets for dt in args.dtype
              for name, group in _function_groups(args)]
    if not args.quiet:
        _announce(sweeps, args.jobs)
    run_sweeps(sweeps, jobs=args.jobs, chunk=args.chunk, show_progress=not args.quiet)
    checks = []
    if args.cross_check > 0:
        for dt in args.dtype:
            for name, group in _function_groups(args):
                checks.append({"dtype": dt, "activation": name, "group": group,
                               **cross_check(name, group, dt, args.cross_check, args.seed)})
    text = markdown(sweeps)
    if checks:
        text += "\n## Reference cross-check against mpmath (50 digits)\n\n"
        text += ("| dtype | activation | arguments | points | mismatches |\n"
                 "| --- | --- | --- | ---: | ---: |\n")
        text += "".join(f"| {c['dtype']} | {c['activation']} | {c['group']} | {c['points']} | "
                        f"{c['mismatches']} |\n" for c in checks)
    if args.markdown:
        with open(args.markdown, "w") as fh:
            fh.write(text)
    else:
        print(text)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(as_json(sweeps, checks, sys.argv[1:] if argv is None else argv), fh, indent=1)
    return 0


if __name__ == "__main__":
    # Through the CLI's main, which turns interrupts and OS errors into one line.
    from fastact.__main__ import main as cli_main
    sys.exit(cli_main(["accuracy", *sys.argv[1:]]))
