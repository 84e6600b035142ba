"""`python -m fastact plot`."""
from __future__ import annotations

import argparse
import sys

HELP = ("draw the lesson's figure (each activation and its derivative over [-6, 6], "
        "maxima marked, vanishing gradients shaded) to a PNG; needs matplotlib")


def _run(args: argparse.Namespace) -> int:
    from . import _plot

    try:
        _plot.save(args.output, dpi=args.dpi)
    except _plot.PlotUnavailable as exc:
        print(f"fastact plot: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"fastact plot: error: cannot write {args.output!r}: {exc.strerror or exc}",
              file=sys.stderr)
        return 1
    return 0


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", default="activations.png",
                        help="output image (default activations.png)")
    parser.add_argument("--dpi", type=int, default=100,
                        help="resolution; the figure is 10 x 7 inches (default 100 dpi)")
    parser.set_defaults(func=_run)
