"""`python -m fastact demo`."""
from __future__ import annotations

import argparse

HELP = ("run the lesson's example, then time one fused call on 10 million float32 values "
        "against the lesson's NumPy code")


def _run(args: argparse.Namespace) -> int:
    from . import _demo
    _demo.run(n=args.n, repeat=args.repeat)
    return 0


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-n", type=int, default=10_000_000, help="array size for the timing")
    parser.add_argument("--repeat", type=int, default=5, help="timed repetitions (best is kept)")
    parser.set_defaults(func=_run)
