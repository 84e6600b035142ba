"""`python -m fastact accuracy`: the same tool as `python -m fastact.accuracy`."""
from __future__ import annotations

import argparse

HELP = "measure every function's error in ULP against correctly rounded references"


def _run(args: argparse.Namespace) -> int:
    from fastact import accuracy
    return accuracy.run(args)


def register(parser: argparse.ArgumentParser) -> None:
    from fastact import accuracy
    accuracy.build_parser(parser)
    parser.set_defaults(func=_run)
