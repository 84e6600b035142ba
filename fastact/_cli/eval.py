"""`python -m fastact eval`: one function over a .npy file, streaming."""
from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import time
from typing import Any, Dict, Iterator, List, Optional

from fastact._cli.args import real

HELP = ("apply an activation (or its derivative, both, or the backward pass) to a .npy "
        "file of any size, streaming, and write .npy/.npz")

class _SimpleBar:
    """A one-line stderr progress bar for when tqdm is not installed."""

    def __init__(self, total: int) -> None:
        self.total = max(total, 1)
        self.shown = -1
        self.t0 = time.monotonic()

    def update(self, done: int) -> None:
        percent = 100 * done // self.total
        if percent != self.shown:
            self.shown = percent
            bar = "#" * (percent // 4)
            sys.stderr.write(f"\r[{bar:<25}] {percent:3d}%  {time.monotonic() - self.t0:5.1f} s")
            sys.stderr.flush()

    def close(self) -> None:
        sys.stderr.write("\n")
        sys.stderr.flush()

class _Progress:
    """tqdm when installed, else _SimpleBar; only shown on a terminal."""

    def __init__(self) -> None:
        self.bar: Optional[Any] = None
        self.done = 0

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            try:
                from tqdm import tqdm  # type: ignore[import-untyped,unused-ignore]
                self.bar = tqdm(total=total, unit="el", unit_scale=True, file=sys.stderr,
                                desc="fastact eval")
            except ImportError:
                self.bar = _SimpleBar(total)
        if isinstance(self.bar, _SimpleBar):
            self.bar.update(done)
        else:
            self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()

def _op(args: argparse.Namespace) -> str:
    if args.and_derivative:
        return "and_derivative"
    if args.derivative:
        return "derivative"
    if args.backward is not None:
        return "backward"
    return "value"

class _Signalled(BaseException):
    """SIGTERM or SIGHUP, raised where the run is so that evaluate_file's
    cleanup runs as it does for SIGINT's KeyboardInterrupt."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@contextlib.contextmanager
def _signals_raise() -> Iterator[None]:
    """SIGTERM and SIGHUP raise _Signalled for the duration (once: a second
    signal during the cleanup is ignored, so the cleanup finishes)."""
    wanted = [getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n)]

    def handler(signum: int, frame: object) -> None:
        for s in wanted:
            signal.signal(s, signal.SIG_IGN)
        raise _Signalled(signum)
    before = {s: signal.signal(s, handler) for s in wanted}
    try:
        yield
    finally:
        for s, h in before.items():
            signal.signal(s, h)


def _run(args: argparse.Namespace) -> int:
    from fastact._tools import eval as _eval

    show = not args.quiet and sys.stderr.isatty()
    progress: Optional[_Progress] = _Progress() if show else None
    try:
        with _signals_raise():
            _eval.evaluate_file(args.input, args.output, args.fn, op=_op(args),
                                grad=args.backward, alpha=args.alpha, at_zero=args.at_zero,
                                dtype=args.dtype, force=args.force,
                                chunk_bytes=int(args.chunk_mb * (1 << 20)), progress=progress)
    except _eval.EvalError as exc:
        return _stop(progress, f"error: {exc}", 1)
    except KeyboardInterrupt:
        return _stop(progress, "interrupted; nothing was written", 128 + signal.SIGINT)
    except _Signalled as sig:
        name = signal.Signals(sig.signum).name
        return _stop(progress, f"stopped by {name}; nothing was written", 128 + sig.signum)
    return _stop(progress, "", 0)


def _stop(progress: Optional[_Progress], message: str, status: int) -> int:
    """End the progress line, then print `message` (if any) as one line."""
    if progress is not None:
        progress.close()
    if message:
        print(f"fastact eval: {message}", file=sys.stderr)
    return status


# A chunk larger than this is no longer a bound on memory, and int() of it
# could overflow; 1 TiB.
_MAX_CHUNK_MB = float(1 << 20)


def _names_help() -> str:
    """The activations, from the catalogue: "sigmoid, tanh, relu or leaky_relu"."""
    from fastact import _catalogue
    names = [act.name for act in _catalogue.ACTIVATIONS]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _param_help(name: str) -> str:
    """What parameter `name` is and its default per activation that has it, from
    the catalogue: "the derivative used at the kink z == 0 (relu: 0, leaky_relu:
    alpha)"; activations where it means something else get their own part."""
    from fastact import _catalogue
    by_doc: Dict[str, List[str]] = {}
    for act in _catalogue.ACTIVATIONS:
        for p in act.parameters:
            if p.name == name:
                default = p.default if p.default is not None else p.none_means
                shown = f"{default:g}" if isinstance(default, float) else str(default)
                by_doc.setdefault(p.doc, []).append(f"{act.name}: {shown}")
    return "; ".join(f"{doc} ({', '.join(acts)})" for doc, acts in by_doc.items())


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", metavar="INPUT.npy", help="input array (.npy, any size)")
    parser.add_argument("--fn", required=True,
                        help=f"{_names_help()} (or a full name such as "
                             "tanh_derivative_from_a)")
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--derivative", action="store_true", help="g'(z) instead of g(z)")
    what.add_argument("--and-derivative", action="store_true",
                      help="both g(z) and g'(z) (arrays 'a' and 'derivative'; .npz output)")
    what.add_argument("--backward", metavar="GRAD.npy",
                      help="grad * g'(z) with the upstream gradient from GRAD.npy")
    parser.add_argument("--alpha", type=real(), help=_param_help("alpha"))
    parser.add_argument("--at-zero", type=real(), metavar="K", help=_param_help("at_zero"))
    parser.add_argument("--dtype", choices=("float16", "float32", "float64"),
                        help="compute and write in this dtype")
    parser.add_argument("-o", "--output", required=True, metavar="OUT.npy|OUT.npz",
                        help="output file; .npz holds named arrays (a, derivative, backward)")
    parser.add_argument("--force", action="store_true", help="overwrite an existing output")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--chunk-mb", type=real(0, _MAX_CHUNK_MB, low_open=True), default=64,
                        help="memory budget per chunk in MiB, > 0 (default 64)")
    parser.set_defaults(func=_run)
