"""`python -m fastact plot`: headless (Agg) PNG of the expected size with four
non-empty panels, curves equal to the float64 reference, maxima and vanishing
regions where the formulas put them; a clear error without matplotlib."""
from __future__ import annotations

import struct
import sys

import numpy as np
import pytest

from _ecosystem_reference import NAMES, value_and_derivative
from fastact import _catalogue
from fastact._tools import plot as _plot
from oracles import ORACLES
from oracles import support as s
from fastact.__main__ import main


def png_size(data: bytes):
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("name", NAMES)
def test_curves_match_reference(fa, name):
    c = _plot.curves(name, api=fa)
    a, d = value_and_derivative(name, c["z"])
    np.testing.assert_allclose(c["a"], a, rtol=1e-13, atol=1e-300)
    np.testing.assert_allclose(c["d"], d, rtol=1e-13, atol=1e-300)
    # the plot's z range contains the peak of |g'| (or comes within the grid's
    # resolution of a supremum not attained, as hardswish' -> 3/2 at z -> 3);
    # a supremum that is only g''s limit at +inf (squareplus' -> 1, 0.974 at
    # z = 6) is approached at the range's right end
    params = s.with_defaults(name, {})
    top = ORACLES[name].top(params)
    assert c["max"] <= top * (1 + 1e-12)
    if c["max"] < top * (1 - 1e-2):
        assert abs(ORACLES[name].derivative_limits(params)[1]) == top
        assert c["argmax"] == c["z"][-1]
    # the shaded region is exactly where the reference derivative is < 5% of its max
    np.testing.assert_array_equal(c["vanishing"], np.abs(d) < _plot.THRESHOLD * c["max"])


def test_vanishing_regions_where_expected():
    z = _plot.curves("sigmoid")["z"]
    sig = _plot.curves("sigmoid")["vanishing"]
    # sigmoid'(z) = 0.0125 at |z| = 4.36...
    assert sig[np.abs(z) > 4.37].all() and not sig[np.abs(z) < 4.35].any()
    th = _plot.curves("tanh")["vanishing"]
    assert th[np.abs(z) > 2.19].all() and not th[np.abs(z) < 2.17].any()
    relu = _plot.curves("relu")
    assert relu["dead"][z < 0].all() and not relu["vanishing"][z > 0].any()


def test_cli_renders_png(tmp_path):
    pytest.importorskip("matplotlib")
    out = tmp_path / "activations.png"
    assert main(["plot", "-o", str(out), "--dpi", "60"]) == 0
    data = out.read_bytes()
    count = len(_catalogue.ACTIVATIONS)
    width, height = _plot.figure_size(count)   # inches, from the number of panels
    assert png_size(data) == (round(width * 60), round(height * 60))
    import matplotlib.image as mpimg
    img = mpimg.imread(str(out))[..., :3]
    h, w = img.shape[:2]
    rows, cols = _plot.grid_shape(count)
    # each cell of the grid that holds a panel holds the blue g and the red g'
    for k in range(count):
        r, c = divmod(k, cols)
        q = img[r * h // rows:(r + 1) * h // rows, c * w // cols:(c + 1) * w // cols]
        blue = (q[..., 2] > 0.5) & (q[..., 0] < 0.3)
        red = (q[..., 0] > 0.7) & (q[..., 1] < 0.45) & (q[..., 2] < 0.5)
        assert blue.sum() > 20 and red.sum() > 20, _catalogue.ACTIVATIONS[k].name


def test_figure_has_a_panel_per_activation():
    pytest.importorskip("matplotlib")
    fig = _plot.figure()
    panels = [ax for ax in fig.axes if ax.get_title()]   # the grid's spare cells are off
    titles = [ax.get_title() for ax in panels]
    assert titles == [a.name for a in _catalogue.ACTIVATIONS]   # in the catalogue's order
    assert set(titles) == set(NAMES)
    for ax in panels:
        # the curves, and shading wherever g' vanishes somewhere on the plot's range
        shaded = bool(_plot.curves(ax.get_title())["vanishing"].any())
        assert len(ax.lines) >= 2 and (len(ax.patches) >= 1) == shaded, ax.get_title()


def test_missing_matplotlib_is_a_clear_error(tmp_path, monkeypatch, capsys):
    for mod in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, mod)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib -> ImportError
    code = main(["plot", "-o", str(tmp_path / "x.png")])
    err = capsys.readouterr().err
    assert code == 1
    assert err.strip().splitlines() == [
        "fastact plot: error: matplotlib is not installed; install it with "
        "pip install 'fastact[plot]'"]
    assert not (tmp_path / "x.png").exists()


def test_help_lists_the_subcommands(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for sub in ("demo", "eval", "plot"):
        assert f"    {sub} " in out
