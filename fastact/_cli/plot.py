"""`python -m fastact plot`."""
from __future__ import annotations

import argparse

from fastact._cli.args import fail, integer, listing, writable_file

HELP = ("draw the lesson's figure (each activation and its derivative over [-6, 6], "
        "maxima marked, vanishing gradients shaded) to a PNG; needs matplotlib")

# 10 x 7 inches (2 x 2 panels) at 1000 dpi is 10000 x 7000 pixels (280 MB of
# RGBA): far past any screen or print, and inside Agg's 2^16-pixel limit up to
# a 13 x 13 grid.
_MAX_DPI = 1000


def _run(args: argparse.Namespace) -> int:
    from fastact._tools import plot as _plot

    try:
        problem = _plot.unsupported_format(args.output) or writable_file(args.output)
        if problem:
            return fail("fastact plot", problem, 2)
        _plot.save(args.output, dpi=args.dpi, names=args.functions)
    except _plot.PlotUnavailable as exc:
        return fail("fastact plot", str(exc), 1)
    except OSError as exc:
        return fail("fastact plot", f"cannot write {args.output!r}: {exc.strerror or exc}", 1)
    return 0


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", default="activations.png",
                        help="output image, .png or another format matplotlib writes "
                             "(default activations.png)")
    from fastact import _catalogue
    names = list(_catalogue.BY_NAME)
    parser.add_argument("--functions", type=listing(str, names), default=None, metavar="F,..",
                        help=f"activations to draw: {', '.join(names)} (default: all)")
    parser.add_argument("--dpi", type=integer(1, _MAX_DPI), default=100,
                        help=f"resolution, 1 to {_MAX_DPI}; each panel is 5 x 3.5 inches "
                             "(default 100 dpi)")
    parser.set_defaults(func=_run)
