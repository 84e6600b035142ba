"""`python -m fastact SUBCOMMAND`.

Each subcommand lives in its own module fastact/_cli_NAME.py, which defines
HELP (one line) and register(parser); this file only collects them."""
from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from typing import List, Optional

import fastact
from fastact import _config


def _subcommand_modules():
    for info in sorted(pkgutil.iter_modules(fastact.__path__), key=lambda m: m.name):
        if info.name.startswith("_cli_"):
            yield info.name[len("_cli_"):], importlib.import_module("fastact." + info.name)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m fastact",
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
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
