"""`python -m fastact SUBCOMMAND`.

Each subcommand lives in its own module fastact/_cli/NAME.py, which defines
HELP (one line) and register(parser); this file only collects them and turns
the errors a user's input can cause into one line on stderr."""
from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from typing import List, Optional

import fastact
from fastact import _config

from fastact._cli.args import Parser, fail

PROG = "python -m fastact"


def _subcommand_modules():
    from fastact import _cli

    for info in sorted(pkgutil.iter_modules(_cli.__path__), key=lambda m: m.name):
        module = importlib.import_module("fastact._cli." + info.name)
        if hasattr(module, "register"):  # args is shared code, not a subcommand
            yield info.name, module


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog=PROG,
        description="fastact: activation functions and their derivatives, fast and exact.")
    # not action="version": that rewraps the text onto one line
    parser.add_argument("--version", action="store_true",
                        help="print the version and the backend in use (and why), then exit")
    sub = parser.add_subparsers(dest="command", metavar="SUBCOMMAND")
    for name, module in _subcommand_modules():
        module.register(sub.add_parser(name, help=module.HELP, description=module.HELP))
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        print(_config.version_text())
        return 0
    if args.command is None:
        parser.print_help()
        return 2
    prog = f"fastact {args.command}"  # as the subcommands sign their own errors
    # The subcommands report what they expect themselves; these are the rest a
    # user's input or machine can still cause.  Anything else is a bug and keeps
    # its traceback.
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return fail(prog, "interrupted", 130)
    except BrokenPipeError:
        # `... | head`: the reader left; say nothing, and keep Python's exit-time
        # flush of stdout from raising again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except MemoryError:
        return fail(prog, "not enough memory (try smaller sizes)", 1)
    except OSError as exc:
        where = f": {exc.filename!r}" if exc.filename else ""
        return fail(prog, f"{exc.strerror or exc}{where}", 1)
    except ValueError as exc:
        return fail(prog, str(exc), 1)


if __name__ == "__main__":
    sys.exit(main())
