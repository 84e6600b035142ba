"""The lesson's figure, drawn from the library: one panel per activation (every
one in the catalogue, or those asked for; the grid is sized from the count) with
g(z) and g'(z) over z in [-6, 6], the maximum of g' marked, and the regions
where the gradient vanishes shaded.

"Vanishing" is |g'(z)| < THRESHOLD * max |g'| on the plotted range (5%: sigmoid
for |z| > 4.4, tanh for |z| > 2.2, leaky_relu's alpha = 0.01 side); where g' is
exactly 0 (relu for z < 0: dead units) the shading is hatched as well.

matplotlib is optional; it is used through its object API (Figure +
FigureCanvasAgg), so no GUI backend and no pyplot global state are involved.
"""
from __future__ import annotations

import math
import os
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from fastact import _catalogue

THRESHOLD = 0.05
Z_RANGE = (-6.0, 6.0)
PANEL_SIZE = (5.0, 3.5)  # inches per panel: 2 x 2 panels are 1000 x 700 pixels at 100 dpi
DPI = 100
_COLORS = {"g": "#1f5fa8", "d": "#d1495b", "vanish": "#f2c14e", "max": "#222222"}


class PlotUnavailable(ImportError):
    """matplotlib is not installed."""


def _matplotlib() -> Tuple[Any, Any]:
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise PlotUnavailable("matplotlib is not installed; install it with "
                              "pip install 'fastact[plot]'") from None
    return Figure, FigureCanvasAgg


def _runs(mask: np.ndarray) -> List[Tuple[int, int]]:
    """[start, stop) index ranges where mask is True."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], mask.astype(np.int8), [0]))))
    return list(zip(edges[::2], edges[1::2]))


def curves(name: str, n: int = 1201, api: Any = None) -> Dict[str, Any]:
    """What one panel shows, computed with fastact (or another backend's `api`):
    z, g(z), g'(z), the maximum of g' (value and first z where it is reached)
    and the vanishing mask."""
    if api is None:
        import fastact as api

    z = np.linspace(*Z_RANGE, n)
    a, d = getattr(api, _catalogue.public_name(_catalogue.BY_NAME[name], "and_derivative"))(z)
    dmax = float(np.max(np.abs(d)))
    at = int(np.argmax(np.abs(d)))
    return {"z": z, "a": a, "d": d, "max": dmax, "argmax": float(z[at]),
            "vanishing": np.abs(d) < THRESHOLD * dmax, "dead": d == 0}


def _panel(ax: Any, name: str) -> None:
    c = curves(name)
    z = c["z"]
    for start, stop in _runs(c["vanishing"]):
        lo, hi = z[start], z[min(stop, len(z) - 1)]
        dead = bool(np.all(c["dead"][start:stop]))
        ax.axvspan(lo, hi, color=_COLORS["vanish"], alpha=0.35, lw=0,
                   hatch="///" if dead else None)
    ax.plot(z, c["a"], color=_COLORS["g"], lw=2.2, label="g(z)")
    ax.plot(z, c["d"], color=_COLORS["d"], lw=2.2, ls="--", label="g'(z)")
    ax.axhline(c["max"], color=_COLORS["max"], lw=0.8, ls=":")
    ax.plot([c["argmax"]], [c["max"]], "o", color=_COLORS["max"], ms=6)
    # Left of the point where g' jumps to its maximum (relu, leaky_relu: the
    # curve of g rises on the right), right of it for a smooth peak.
    left = c["argmax"] > 0
    ax.annotate(f"max g' = {c['max']:g}", (c["argmax"], c["max"]),
                xytext=(-8 if left else 8, 6), textcoords="offset points", fontsize=9,
                ha="right" if left else "left")
    ax.axhline(0, color="#999999", lw=0.6)
    ax.axvline(0, color="#999999", lw=0.6)
    ax.set_xlim(*Z_RANGE)
    ax.set_ylim(min(-0.15, float(np.min(c["a"])) - 0.15), max(1.3, float(np.max(c["a"])) + 0.3))
    ax.set_title(name, fontsize=12)
    ax.set_xlabel("z")
    ax.grid(alpha=0.25)


def grid_shape(count: int) -> Tuple[int, int]:
    """(rows, columns) for `count` panels: the squarest grid, columns first
    (4 -> 2 x 2, 5 -> 2 x 3, 18 -> 4 x 5)."""
    cols = max(1, math.ceil(math.sqrt(count)))
    return max(1, math.ceil(count / cols)), cols


def figure_size(count: int) -> Tuple[float, float]:
    """The figure's size in inches for `count` panels."""
    rows, cols = grid_shape(count)
    return PANEL_SIZE[0] * cols, PANEL_SIZE[1] * rows


def functions(names: Optional[Sequence[str]] = None) -> List[str]:
    """The activations to draw: `names` (each a catalogue name, else a
    ValueError naming it) or every activation, in catalogue order as given."""
    if names is None:
        return [act.name for act in _catalogue.ACTIVATIONS]
    unknown = [n for n in names if n not in _catalogue.BY_NAME]
    if unknown:
        raise ValueError(f"unknown activation {', '.join(map(repr, unknown))}; choose from "
                         f"{', '.join(_catalogue.BY_NAME)}")
    if not names:
        raise ValueError("no activation to draw")
    return list(dict.fromkeys(names))


def _param_note(names: Sequence[str]) -> str:
    """The default parameters the panels are drawn with: "leaky_relu alpha = 0.01"."""
    notes = [f"{n} {p.name} = {p.default:g}" for n in names
             for p in _catalogue.BY_NAME[n].numeric_params if isinstance(p.default, float)]
    return (", " + ", ".join(notes)) if notes else ""


def figure(dpi: int = DPI, names: Optional[Sequence[str]] = None) -> Any:
    """The matplotlib Figure: one panel per activation of `names` (default:
    every activation), on a grid sized from the count."""
    Figure, FigureCanvasAgg = _matplotlib()
    from matplotlib.patches import Patch

    names = functions(names)
    fig = Figure(figsize=figure_size(len(names)), dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(*grid_shape(len(names)), squeeze=False)
    for ax, name in zip(axes.flat, names):
        _panel(ax, name)
    for ax in list(axes.flat)[len(names):]:
        ax.axis("off")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    handles += [Patch(color=_COLORS["vanish"], alpha=0.35),
                Patch(facecolor=_COLORS["vanish"], alpha=0.35, hatch="///")]
    labels += [f"vanishing gradient: |g'| < {THRESHOLD:g} max |g'|", "dead: g' = 0"]
    try:
        fig.legend(handles, labels, loc="outside lower center", ncol=4, frameon=False)
    except ValueError:  # matplotlib < 3.7 has no "outside" locations
        fig.legend(handles, labels, loc="lower center", ncol=4, frameon=False)
    fig.suptitle("Activation functions g(z) and their derivatives g'(z) (fastact"
                 f"{_param_note(names)})", fontsize=13)
    return fig


def unsupported_format(path: str) -> Optional[str]:
    """Why matplotlib cannot write `path` (by its extension), or None: checked
    before drawing, where savefig would fail only after the work."""
    _, FigureCanvasAgg = _matplotlib()
    formats = FigureCanvasAgg.get_supported_filetypes()
    ext = os.path.splitext(path)[1].lower().lstrip(".")
    if ext in formats:
        return None
    found = f"extension '.{ext}'" if ext else "no extension"
    return (f"cannot write {path!r}: {found}; use an image format matplotlib writes "
            f"({', '.join(sorted(formats))})")


def save(path: str, dpi: int = DPI, names: Optional[Sequence[str]] = None) -> str:
    """Render the figure of `names` (default: every activation) to `path` (PNG,
    or any format matplotlib infers)."""
    fig = figure(dpi, names)
    fig.savefig(path, dpi=dpi)
    return path


__all__ = ["figure", "save", "curves", "functions", "grid_shape", "unsupported_format",
           "THRESHOLD", "PlotUnavailable"]
