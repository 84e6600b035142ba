"""`python -m fastact bench`."""
from __future__ import annotations

import argparse
import subprocess
import sys
from typing import Any, Dict, List, Optional, Tuple

from fastact._cli.args import fail, integer, listing, real, too_much_memory, writable_file

HELP = ("time fastact against the lesson's NumPy code and the installed peers "
        "(scipy, numexpr, torch, jax): ns/element, GB/s, share of copy bandwidth, ratios; "
        "--instructions: instructions per element (valgrind)")

DTYPES = ("float16", "float32", "float64")
# Arrays of the largest itemsize alive at once in one case: the input, the
# copy target, two outputs, two out= arrays and the lesson's temporaries.
_ARRAYS_ALIVE = 10


def _check_outputs(args: argparse.Namespace) -> Optional[str]:
    """Why the files asked for cannot be written (before the long run, not after)."""
    if args.plot:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            return "--plot needs matplotlib (pip install matplotlib)"
        from fastact._tools.plot import unsupported_format
        problem = unsupported_format(args.plot) or writable_file(args.plot, "--plot")
        if problem:
            return problem
    return writable_file(args.json, "--json") if args.json else None


def _check_peers(args: argparse.Namespace) -> Optional[str]:
    from fastact._bench import run as _bench
    if args.peers is None:
        return None
    missing = [p for p in args.peers if p != "none" and _bench.peer(p) is None]
    return f"peer {missing[0]!r} is not installed" if missing else None


def _check_instructions(args: argparse.Namespace) -> Optional[str]:
    from fastact._bench import run as _bench
    from fastact._bench import instructions as _bench_instructions
    if not args.instructions:
        return None
    if _bench.best_level() is None:
        return "--instructions counts the compiled kernels: no compiled extension here"
    if _bench_instructions.valgrind() is None:
        return "--instructions needs valgrind (e.g. apt-get install valgrind)"
    if not set(args.dtypes) & set(_bench_instructions.DTYPES):
        return "--instructions counts the float32 and float64 kernels; --dtypes lists neither"
    return None


def _levels_and_modes(args: argparse.Namespace) -> Tuple[List[str], List[str], Optional[str]]:
    """The SIMD levels and accuracy modes to time, or why they cannot be."""
    from fastact._bench import run as _bench
    available = _bench.simd_levels()
    levels = available if args.levels == ["all"] else args.levels
    unknown = [lv for lv in levels if lv not in available]
    if unknown:
        return [], [], (f"SIMD level {unknown[0]!r} not available here; choose from "
                         f"{', '.join(available) or 'none (no compiled extension)'}")
    modes = _bench.accuracy_modes()
    if args.accuracy is not None:
        if not modes:
            return [], [], "--accuracy selects the compiled kernels: no compiled extension here"
        modes = [m for m in modes if m in args.accuracy]  # the default mode first
    return levels, modes, None


_LEGEND = """
vs numpy: the lesson's NumPy time / this one.  fastact x: this time / fastact's (fastact's
speedup).  %copy: GB/s (input read + outputs written) / np.copyto's GB/s at the same n.
peak MiB: tracemalloc peak of one call."""

_RATIO_LEGEND = """
vs X: X's time / fastact out='s time, both from this run (above 1: fastact is faster); vs torch
out=: both sides with out=.  fastest other: the fastest of the lesson's NumPy code and the peers.
high/default: fastact high out='s time / fastact out='s (what the high accuracy mode costs)."""


def _report(args: argparse.Namespace, rows: List[Any]) -> None:
    from fastact._bench import run as _bench
    print(_bench.format_table(rows))
    print(_LEGEND)
    print("\nfastact at each SIMD level and accuracy mode timed, ns/element:")
    print(_bench.format_variants(rows))
    ratios = _bench.format_ratios(rows)
    if ratios:
        print("\n" + ratios)
        print(_RATIO_LEGEND)
    if args.markdown:
        for table in (_bench.format_markdown(rows), _bench.format_variants(rows, markdown=True),
                      _bench.format_ratios(rows, markdown=True)):
            if table:
                print("\n" + table)


def _instructions(args: argparse.Namespace, modes: List[str]) -> Dict[str, Any]:
    """Count and print the instructions per element; what --json records of them."""
    from fastact._bench import run as _bench
    from fastact._bench import instructions as bi
    dtypes = [d for d in args.dtypes if d in bi.DTYPES]
    counts, skipped = bi.count(args.functions, dtypes, _bench.simd_levels(), modes)
    print("\n" + bi.format_counts(counts, skipped))
    if args.markdown:
        print("\n" + bi.format_counts(counts, skipped, markdown=True))
    return {"instructions_per_element": bi.as_dicts(counts), "instructions_n": bi.N,
            "instructions_skipped_levels": skipped}


def _run(args: argparse.Namespace) -> int:
    from fastact._bench import run as _bench
    levels, modes, problem = _levels_and_modes(args)
    if problem:
        return fail("fastact bench", problem)
    sizes = [10, 1000] if args.quick else args.sizes
    problem = (_check_outputs(args) or _check_peers(args) or _check_instructions(args)
               or too_much_memory(max(sizes) * 8 * _ARRAYS_ALIVE, f"n = {max(sizes)}"))
    if problem:
        return fail("fastact bench", problem, 2)
    info = _bench.machine_info()
    for k, v in info.items():
        print(f"{k:>13}: {v}")
    print(f"{'threads':>13}: {args.threads} (peers); fastact is single-threaded")
    def show(msg: str) -> None:
        print(f"\r  timing {msg:<50}", end="", file=sys.stderr, flush=True)

    progress = show if sys.stderr.isatty() else None
    peers = None if args.peers is None else [p for p in args.peers if p != "none"]
    rows = _bench.run(acts=args.functions, ops=args.ops, dtypes=args.dtypes, sizes=sizes,
                      levels=levels, peers=peers, threads=args.threads,
                      rounds=args.rounds, target=args.target, progress=progress, modes=modes)
    if progress:
        print("\r" + " " * 60 + "\r", end="", file=sys.stderr)
    _report(args, rows)
    saved: Dict[str, Any] = {"machine": info, "rows": [_bench.row_dict(r) for r in rows]}
    if args.instructions:
        try:
            saved.update(_instructions(args, modes))
        except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
            return fail("fastact bench", f"--instructions: {exc}", 1)
    if args.json:
        import json
        with open(args.json, "w") as f:
            json.dump(saved, f, indent=1)
        print(f"\nresults written to {args.json}")
    if args.plot:
        _bench.plot(rows, args.plot)
        print(f"\nplot written to {args.plot}")
    return 0


def register(parser: argparse.ArgumentParser) -> None:
    from fastact._bench import run as _bench
    parser.add_argument("-f", "--functions", type=listing(str, _bench.ACTS),
                        default=list(_bench.ACTS), metavar="F,..",
                        help=f"activations: {', '.join(_bench.ACTS)} (default: all)")
    parser.add_argument("--ops", type=listing(str, _bench.OPS), default=["and_derivative"],
                        metavar="OP,..", help="and_derivative and/or value (default: "
                        "and_derivative)")
    parser.add_argument("-d", "--dtypes", type=listing(str, DTYPES),
                        default=["float32", "float64"], metavar="D,..",
                        help=f"{', '.join(DTYPES)} (default: float32,float64)")
    parser.add_argument("-n", "--sizes", type=listing(integer(1)),
                        default=list(_bench.DEFAULT_SIZES), metavar="N,..",
                        help="array sizes, e.g. 10,1e3,1e6,1e7 (default: 1000,1000000)")
    parser.add_argument("--quick", action="store_true", help="tiny sizes only (smoke test)")
    parser.add_argument("--levels", type=listing(str), default=[], metavar="L,..",
                        help="also time these SIMD levels of fastact, allocating and with "
                        "out= ('all' for every one)")
    parser.add_argument("--accuracy", type=listing(str, ("default", "high")), default=None,
                        metavar="M,..", help="accuracy modes of the compiled kernels to time: "
                        "default and/or high (default: both)")
    parser.add_argument("--instructions", action="store_true",
                        help="also count each kernel's instructions per element under "
                        "valgrind's callgrind (every SIMD level valgrind can run; float32, "
                        "float64; value and fused; about a minute)")
    parser.add_argument("--peers", type=listing(str, _bench.PEERS + ("none",)), default=None,
                        metavar="P,..", help=f"peers to include, or none (default: every "
                        f"installed one of {', '.join(_bench.PEERS)})")
    parser.add_argument("-t", "--threads", type=integer(1, 1024), default=1,
                        help="threads for torch and numexpr (default 1)")
    parser.add_argument("--rounds", type=integer(1, 1000), default=7,
                        help="interleaved rounds (median kept; default 7)")
    parser.add_argument("--target", type=real(0, 10, low_open=True), default=0.005,
                        help="seconds per timed sample, in (0, 10] (default 0.005)")
    parser.add_argument("--markdown", action="store_true", help="also print a Markdown table")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--plot", metavar="FILE", help="write a log-log PNG (needs matplotlib)")
    parser.set_defaults(func=_run)
