"""What every subcommand shares: a parser whose usage errors are one line, the
`type=` functions that turn option text into checked values (each names the
bad value in its message), and checks of output paths made before the work
starts, so a long run never fails at its end on a typo."""
from __future__ import annotations

import argparse
import math
import os
import sys
from typing import Callable, List, NoReturn, Optional, Sequence, TypeVar

T = TypeVar("T")


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (exit status 2): the
    full usage text buried the message; --help still shows it."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def integer(low: Optional[int] = None, high: Optional[int] = None) -> Callable[[str], int]:
    """An integer in [low, high]; '1e6' is accepted (a count is often written so)."""
    def integer(text: str) -> int:
        whole = _whole_number(text)
        if whole is None:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number")
        _check_range(text, whole, low, high)
        return whole
    return integer


def _whole_number(text: str) -> Optional[int]:
    try:
        return int(text)  # exact, however many digits
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        return None
    return int(value) if value.is_integer() else None  # is_integer: False for inf, nan


def real(low: Optional[float] = None, high: Optional[float] = None,
         low_open: bool = False) -> Callable[[str], float]:
    """A finite number in [low, high] (or (low, high] with low_open)."""
    def real(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
        if low_open and low is not None and value <= low:
            raise argparse.ArgumentTypeError(f"{text!r} must be > {low:g}")
        _check_range(text, value, None if low_open else low, high)
        return value
    return real


def _check_range(text: str, value: float, low: Optional[float], high: Optional[float]) -> None:
    if low is not None and value < low:
        raise argparse.ArgumentTypeError(f"{text!r} must be >= {low:g}")
    if high is not None and value > high:
        raise argparse.ArgumentTypeError(f"{text!r} must be <= {high:g}")


def listing(item: Callable[[str], T], choices: Optional[Sequence[str]] = None,
            ) -> Callable[[str], List[T]]:
    """A comma-separated list; each entry through `item`, or one of `choices`."""
    def listing(text: str) -> List[T]:
        values = [t.strip() for t in text.split(",") if t.strip()]
        if not values:
            raise argparse.ArgumentTypeError(f"{text!r} lists nothing")
        if choices is not None:
            for v in values:
                if v not in choices:
                    raise argparse.ArgumentTypeError(
                        f"unknown value {v!r}; choose from {', '.join(choices)}")
        return [item(v) for v in values]
    return listing


def writable_file(path: str, what: str = "output") -> Optional[str]:
    """Why `path` cannot be written as a file (None if it can, as far as one
    can tell before writing: its directory exists and is writable)."""
    directory = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        return f"{what} {path!r} is a directory"
    if not os.path.isdir(directory):
        return f"{what} directory {directory!r} does not exist"
    if not os.access(directory, os.W_OK):
        return f"permission denied writing {what} {path!r}"
    if os.path.exists(path) and not os.access(path, os.W_OK):
        return f"permission denied writing {what} {path!r}"
    return None


def too_much_memory(needed: int, what: str) -> Optional[str]:
    """Why `needed` bytes will not fit in this machine's memory (None if they
    may): checked up front, because with overcommit a too-large allocation
    succeeds and the kernel's OOM killer then ends the run with no message."""
    try:
        memory = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):  # not POSIX, or not known
        return None
    if needed <= memory:
        return None
    return (f"{what} needs about {needed / 2**30:.1f} GiB, more than this machine's "
            f"{memory / 2**30:.1f} GiB")


def fail(prog: str, message: str, status: int = 2) -> int:
    """Print `prog: error: message` as one line on stderr; return the exit status."""
    print(f"{prog}: error: {message}", file=sys.stderr)
    return status
