"""Every registry keyed by activation covers exactly the catalogue, and an
unknown name is a KeyError (or a clear error), never another activation's code:
accuracy references and input domains, benchmark peers, the lesson's NumPy
code, the plot's panels, and the CLI choices and help texts."""
from __future__ import annotations

import argparse

import numpy as np
import pytest

from fastact import _catalogue
from fastact._accuracy import inputs
from fastact._accuracy.reference import reference_from_a, reference_fwd
from fastact._accuracy.references import REFERENCES, params_for
from fastact._accuracy.run import cross_check
from fastact._bench import run as bench
from fastact._lesson import LESSON_NUMPY
from fastact._tools import plot

NAMES = [act.name for act in _catalogue.ACTIVATIONS]
F32 = np.dtype(np.float32)


# ------------------------------------------------------------------ accuracy

def test_accuracy_references_cover_exactly_the_catalogue():
    assert sorted(REFERENCES) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_reference_from_a_exactly_where_the_catalogue_has_from_a_ops(name):
    has = "derivative_from_a" in _catalogue.BY_NAME[name].ops
    assert REFERENCES[name].has_from_a == has


@pytest.mark.parametrize("name", NAMES)
def test_reference_report_params_are_the_activations_own(name):
    act = _catalogue.BY_NAME[name]
    assert set(REFERENCES[name].params) <= {p.name for p in act.parameters}
    # every parameter resolved: no None left where the catalogue says what it means
    assert set(params_for(name)) == {p.name for p in act.parameters}
    for p in act.parameters:
        if p.none_means is not None:
            assert params_for(name)[p.name] is not None


@pytest.mark.parametrize("name", [n for n in NAMES if not REFERENCES[n].exact])
@pytest.mark.parametrize("group", ["z", "a"])
def test_wide_reference_agrees_with_its_mpmath_reference(name, group):
    pytest.importorskip("mpmath")
    if group == "a" and not REFERENCES[name].has_from_a:
        pytest.skip(f"{name} has no from-a operations")
    assert cross_check(name, group, "float32", points=40)["mismatches"] == 0


def test_unknown_activation_is_a_key_error_in_the_accuracy_tools():
    z = np.linspace(-1, 1, 5, dtype=F32)
    for call in (lambda: reference_fwd("nope", z, 0.01), lambda: reference_from_a("nope", z),
                 lambda: inputs.a_domain("nope", F32), lambda: inputs.f64_edges("nope"),
                 lambda: inputs.f64_a_sample("nope", 10), lambda: inputs.a_label("nope")):
        with pytest.raises(KeyError):
            call()


def _bits(x):
    return int(np.array(x, F32).view(np.uint32))


# The ranges the report swept before they were derived from the catalogue.
_A_RANGES = {
    "sigmoid": [(0, _bits(1.0)), (_bits(-0.0), _bits(-0.0))],
    "tanh": [(0, _bits(1.0)), (_bits(-0.0), _bits(-1.0))],
    "relu": [(0, _bits(np.inf)), (_bits(-0.0), _bits(-0.0))],
    "leaky_relu": [(0, 2**32 - 1)],
}
_A_LABELS = {"sigmoid": "a in [0, 1]", "tanh": "a in [-1, 1]", "relu": "a >= 0",
             "leaky_relu": "every a"}


@pytest.mark.parametrize("name", sorted(_A_RANGES))
def test_a_domain_derived_from_the_catalogue_matches_the_lesson(name):
    assert inputs.a_domain(name, F32) == _A_RANGES[name]
    assert inputs.a_label(name) == _A_LABELS[name]


@pytest.mark.parametrize("name", [n for n in NAMES if REFERENCES[n].has_from_a])
def test_float64_a_sample_stays_in_the_a_domain(name):
    lo, hi = _catalogue.BY_NAME[name].a_domain
    a = inputs.f64_a_sample(name, 2000, seed=5)
    finite = a[~np.isnan(a)]
    assert finite.size > 1000
    assert finite.min() >= lo and finite.max() <= hi


# --------------------------------------------------------------------- bench

def test_bench_tables_cover_exactly_the_catalogue():
    assert list(bench.ACTS) == NAMES
    # the peers are part of every entry: no separate registry to fall out of step
    assert all(isinstance(act.bench, _catalogue.BenchPeers) for act in _catalogue.ACTIVATIONS)
    assert set(LESSON_NUMPY) <= set(NAMES)   # only the lesson's four have lesson code


def test_an_entry_without_bench_peers_is_an_error_where_it_is_written():
    act = _catalogue.BY_NAME["sigmoid"]
    with pytest.raises(TypeError, match="bench"):
        _catalogue.Activation("scratch", act.formula, act.derivative, act.derivative_from_a)


@pytest.mark.parametrize("name", NAMES)
def test_bench_peer_params_are_the_activations_own(name):
    act = _catalogue.BY_NAME[name]
    assert set(act.bench.params) <= {p.name for p in act.parameters}
    spec = act.bench.torch_backward
    if spec is not None:  # its arguments are the data or parameters by name, or constants
        params = {p.name for p in act.parameters}
        assert all(not isinstance(x, str) or x in {"a", "z"} | params for x in spec.args)


@pytest.mark.parametrize("make", [bench._lesson, bench._fastact, bench._scipy, bench._numexpr,
                                  bench._torch, bench._torch_out, bench._jax])
def test_unknown_activation_is_a_key_error_in_the_bench(make):
    # before: the lesson's, torch's and jax's code fell through to leaky_relu's
    with pytest.raises(KeyError):
        make("nope", "and_derivative", np.zeros(4))


def test_lesson_numpy_code_matches_the_lesson():
    z = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    a, d = LESSON_NUMPY["sigmoid"][1](z, 0.01)
    s = np.array([1 / (1 + np.exp(2.0)), 1 / (1 + np.exp(0.5)), 0.5,
                  1 / (1 + np.exp(-0.5)), 1 / (1 + np.exp(-2.0))])
    np.testing.assert_allclose(a, s, rtol=1e-15)
    np.testing.assert_allclose(d, s * (1 - s), rtol=1e-15)
    a, d = LESSON_NUMPY["leaky_relu"][1](z, 0.01)
    np.testing.assert_array_equal(a, [-0.02, -0.005, 0.0, 0.5, 2.0])
    np.testing.assert_array_equal(d, [0.01, 0.01, 1.0, 1.0, 1.0])  # the lesson: 1 at z == 0


def test_demo_does_not_import_bench_internals():
    import inspect

    from fastact._tools import demo
    assert "_bench" not in inspect.getsource(demo)


# ---------------------------------------------------------------------- plot

def test_plot_draws_every_activation_by_default():
    assert plot.functions() == NAMES
    assert plot.functions(["tanh", "relu"]) == ["tanh", "relu"]
    with pytest.raises(ValueError, match="'nope'"):
        plot.functions(["tanh", "nope"])


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5, 7, 18, 25])
def test_plot_grid_holds_the_count(count):
    rows, cols = plot.grid_shape(count)
    assert rows * cols >= count and (rows - 1) * cols < count and abs(rows - cols) <= 1


def test_plot_figure_has_one_panel_per_activation():
    pytest.importorskip("matplotlib")
    fig = plot.figure(dpi=20)
    drawn = [ax.get_title() for ax in fig.axes if ax.axison]
    assert drawn == NAMES
    fig = plot.figure(dpi=20, names=["relu", "sigmoid", "tanh"])
    assert [ax.get_title() for ax in fig.axes if ax.axison] == ["relu", "sigmoid", "tanh"]


# ----------------------------------------------------------------------- CLI

def _subparser(name):
    from fastact.__main__ import build_parser
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices[name]


@pytest.mark.parametrize("command", ["accuracy", "bench", "plot"])
def test_cli_functions_choices_are_the_catalogue(command):
    p = _subparser(command)
    base = {"plot": [], "accuracy": [], "bench": []}[command]
    assert p.parse_args(base + ["--functions", ",".join(NAMES)]).functions == NAMES
    with pytest.raises(SystemExit):
        p.parse_args(base + ["--functions", "nope"])
    assert all(n in p.format_help().replace("\n", " ") for n in NAMES)


def test_cli_eval_help_names_every_activation_and_parameter():
    text = " ".join(_subparser("eval").format_help().split())
    assert all(n in text for n in NAMES)
    for act in _catalogue.ACTIVATIONS:
        for p in act.parameters:
            assert " ".join(p.doc.split()) in text
