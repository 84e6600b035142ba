"""`python -m fastact bench`."""
from __future__ import annotations

import argparse
import sys

HELP = ("time fastact against the lesson's NumPy code and the installed peers "
        "(scipy, numexpr, torch, jax): ns/element, GB/s, share of copy bandwidth, ratios")


def _csv(kind):
    def parse(text: str):
        return [kind(t) for t in text.split(",") if t.strip()]
    return parse


def _size(text: str) -> int:
    return int(float(text))  # accepts 1e6


def _run(args: argparse.Namespace) -> int:
    from . import _bench
    bad = [a for a in args.functions if a not in _bench.ACTS]
    if bad:
        print(f"unknown function {bad[0]!r}; choose from {', '.join(_bench.ACTS)}",
              file=sys.stderr)
        return 2
    levels = _bench.simd_levels() if args.levels == ["all"] else args.levels
    unknown = [lv for lv in levels if lv not in _bench.simd_levels()]
    if unknown:
        print(f"SIMD level {unknown[0]!r} not available here; choose from "
              f"{', '.join(_bench.simd_levels()) or 'none (no compiled extension)'}",
              file=sys.stderr)
        return 2
    if args.plot:  # fail before the long run, not after
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            print("--plot needs matplotlib (pip install matplotlib)", file=sys.stderr)
            return 2
    sizes = args.sizes
    if args.quick:
        sizes = [10, 1000]
    info = _bench.machine_info()
    for k, v in info.items():
        print(f"{k:>13}: {v}")
    print(f"{'threads':>13}: {args.threads} (peers); fastact is single-threaded")
    def show(msg: str) -> None:
        print(f"\r  timing {msg:<50}", end="", file=sys.stderr, flush=True)

    progress = show if sys.stderr.isatty() else None
    rows = _bench.run(acts=args.functions, ops=args.ops, dtypes=args.dtypes, sizes=sizes,
                      levels=levels, peers=args.peers, threads=args.threads,
                      rounds=args.rounds, target=args.target, progress=progress)
    if progress:
        print("\r" + " " * 60 + "\r", end="", file=sys.stderr)
    print(_bench.format_table(rows))
    print("\nvs numpy: the lesson's NumPy time / this one.  fastact x: this time / fastact's "
          "(fastact's speedup).\n%copy: GB/s (input read + outputs written) / np.copyto's GB/s "
          "at the same n.  peak MiB: tracemalloc peak of one call.")
    if args.markdown:
        print()
        print(_bench.format_markdown(rows))
    if args.json:
        import json
        with open(args.json, "w") as f:
            json.dump({"machine": info, "rows": [_bench.row_dict(r) for r in rows]}, f, indent=1)
        print(f"\nresults written to {args.json}")
    if args.plot:
        _bench.plot(rows, args.plot)
        print(f"\nplot written to {args.plot}")
    return 0


def register(parser: argparse.ArgumentParser) -> None:
    from . import _bench
    parser.add_argument("-f", "--functions", type=_csv(str), default=list(_bench.ACTS),
                        metavar="F,..", help="activations (default: all four)")
    parser.add_argument("--ops", type=_csv(str), default=["and_derivative"], metavar="OP,..",
                        help="and_derivative and/or value (default: and_derivative)")
    parser.add_argument("-d", "--dtypes", type=_csv(str), default=["float32", "float64"],
                        metavar="D,..", help="default: float32,float64")
    parser.add_argument("-n", "--sizes", type=_csv(_size), default=list(_bench.DEFAULT_SIZES),
                        metavar="N,..", help="array sizes, e.g. 10,1e3,1e6,1e7 "
                        "(default: 1000,1000000)")
    parser.add_argument("--quick", action="store_true", help="tiny sizes only (smoke test)")
    parser.add_argument("--levels", type=_csv(str), default=[], metavar="L,..",
                        help="also time these SIMD levels of fastact ('all' for every one)")
    parser.add_argument("--peers", type=_csv(str), default=None, metavar="P,..",
                        help=f"peers to include (default: every installed one of "
                        f"{', '.join(_bench.PEERS)})")
    parser.add_argument("-t", "--threads", type=int, default=1,
                        help="threads for torch and numexpr (default 1)")
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds (median kept)")
    parser.add_argument("--target", type=float, default=0.005,
                        help="seconds per timed sample (default 0.005)")
    parser.add_argument("--markdown", action="store_true", help="also print a Markdown table")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--plot", metavar="FILE", help="write a log-log PNG (needs matplotlib)")
    parser.set_defaults(func=_run)
