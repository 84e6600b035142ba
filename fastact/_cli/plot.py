"""`python -m fastact plot`."""
from __future__ import annotations

import argparse

from fastact._cli.args import fail, integer, writable_file

HELP = ("draw the lesson's figure (each activation and its derivative over [-6, 6], "
        "maxima marked, vanishing gradients shaded) to a PNG; needs matplotlib")

# 10 x 7 inches at 1000 dpi is 10000 x 7000 pixels (280 MB of RGBA): far past
# any screen or print, and well inside Agg's 2^16-pixel limit.
_MAX_DPI = 1000


def _run(args: argparse.Namespace) -> int:
    from fastact._tools import plot as _plot

    try:
        problem = _plot.unsupported_format(args.output) or writable_file(args.output)
        if problem:
            return fail("fastact plot", problem, 2)
        _plot.save(args.output, dpi=args.dpi)
    except _plot.PlotUnavailable as exc:
        return fail("fastact plot", str(exc), 1)
    except OSError as exc:
        return fail("fastact plot", f"cannot write {args.output!r}: {exc.strerror or exc}", 1)
    return 0


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", default="activations.png",
                        help="output image, .png or another format matplotlib writes "
                             "(default activations.png)")
    parser.add_argument("--dpi", type=integer(1, _MAX_DPI), default=100,
                        help=f"resolution, 1 to {_MAX_DPI}; the figure is 10 x 7 inches "
                             "(default 100 dpi)")
    parser.set_defaults(func=_run)
