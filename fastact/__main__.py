"""`python -m fastact SUBCOMMAND`: demo (the lesson, then a speed comparison)."""
from __future__ import annotations

import argparse
import sys
from typing import List, Optional


def _demo(args: argparse.Namespace) -> int:
    from . import _demo
    _demo.run(n=args.n, repeat=args.repeat)
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fastact",
                                     description="fastact: activation functions and derivatives")
    sub = parser.add_subparsers(dest="command", metavar="SUBCOMMAND")
    demo = sub.add_parser("demo", help="run the lesson's example, then time one fused call "
                                       "against the lesson's NumPy code")
    demo.add_argument("-n", type=int, default=10_000_000, help="array size for the timing")
    demo.add_argument("--repeat", type=int, default=5, help="timed repetitions (best is used)")
    demo.set_defaults(func=_demo)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
