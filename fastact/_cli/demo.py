"""`python -m fastact demo`."""
from __future__ import annotations

import argparse

from fastact._cli.args import fail, integer, too_much_memory

HELP = ("run the lesson's example, then time one fused call on 10 million float32 values "
        "against the lesson's NumPy code")

# float32 arrays alive at once in the timing: the input, two fused outputs, the
# two out= arrays and the lesson's temporaries (exp, 1 + exp, a, 1 - a, a * (1 - a)).
_ARRAYS_ALIVE = 10


def _run(args: argparse.Namespace) -> int:
    problem = too_much_memory(args.n * 4 * _ARRAYS_ALIVE, f"-n {args.n}")
    if problem:
        return fail("fastact demo", problem, 2)
    from fastact._tools import demo as _demo
    _demo.run(n=args.n, repeat=args.repeat)
    return 0


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-n", type=integer(1), default=10_000_000,
                        help="array size for the timing, >= 1 (default 1e7)")
    parser.add_argument("--repeat", type=integer(1, 10_000), default=5,
                        help="timed repetitions, 1 to 10000 (best is kept; default 5)")
    parser.set_defaults(func=_run)
