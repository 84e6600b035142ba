"""The public API: every function exists on both backends, compiled ones are real
ufuncs, and the C table agrees with the Python activation table."""
from __future__ import annotations

import inspect

import numpy as np
import pytest

import fastact
from fastact import _catalogue

NAMES = ("sigmoid", "tanh", "relu", "leaky_relu")
SUFFIXES = ("", "_derivative", "_derivative_from_a", "_and_derivative", "_backward",
            "_backward_from_a")
ALL = [n + s for n in NAMES for s in SUFFIXES]


def test_all_24_functions_exported():
    assert len(ALL) == 24
    for name in _catalogue.all_public_names():  # the lesson's 24 and the catalogue's others
        assert callable(getattr(fastact, name)), name
        assert name in fastact.__all__
    assert set(ALL) <= set(_catalogue.all_public_names())


@pytest.mark.parametrize("name", ALL)
def test_both_backends_have_every_function(fa, name):
    fn = getattr(fa, name)
    assert fn.__name__ == name
    assert fn.__doc__ and name in fn.__doc__.splitlines()[0]


def test_compiled_single_output_functions_are_ufuncs(c_module):
    from fastact import _backends
    c = _backends.namespace("c")
    for act in _catalogue.ACTIVATIONS:
        for op in act.ops:
            fn = getattr(c, _catalogue.public_name(act, op))
            core = c_module.UFUNCS[act.name, op]
            assert isinstance(core, np.ufunc)
            assert core.nout == _catalogue.OP_NOUT[op]
            assert core.nin == _catalogue.OP_NIN[op] + len(act.params(op))
            if not act.params(op) and _catalogue.OP_NOUT[op] == 1:
                assert fn is core, f"{fn.__name__} should be the ufunc itself"
            elif _catalogue.OP_NOUT[op] == 2 and not act.params(op):
                # a thin wrapper over the two-output ufunc (dask rejects custom
                # two-output ufuncs, so the wrapper routes duck arrays)
                assert getattr(fn, "__wrapped__", None) is core
    assert isinstance(c.sigmoid, np.ufunc) and c.sigmoid.nout == 1
    assert isinstance(c.tanh_backward, np.ufunc) and c.tanh_backward.nin == 2
    fused = c_module.UFUNCS["sigmoid", "and_derivative"]
    assert isinstance(fused, np.ufunc) and fused.nout == 2


def test_c_table_matches_the_catalogue(c_module):
    """The compiled table has exactly the catalogue's rows, operations and
    parameter inputs (activations.def is generated; this catches a stale build)."""
    declared = c_module.c_table()
    want = {(row, op): act.params(op) for row, act in _catalogue.kernel_rows()
            for op in act.ops}
    assert declared == want


def test_backend_attribute():
    assert fastact.BACKEND in ("c", "python")
    assert isinstance(fastact.__version__, str) and fastact.__version__.count(".") >= 2


@pytest.mark.parametrize("name", ["leaky_relu", "leaky_relu_derivative", "relu_backward",
                                  "leaky_relu_backward_from_a"])
def test_wrapper_signatures(fa, name):
    sig = inspect.signature(getattr(fa, name))
    params = sig.parameters
    assert "out" in params and params["out"].kind is inspect.Parameter.KEYWORD_ONLY
    if name.startswith("leaky"):
        assert params["alpha"].default == 0.01
    if "at_zero" in params:
        assert params["at_zero"].default is None
        assert params["at_zero"].kind is inspect.Parameter.KEYWORD_ONLY


def test_relu_from_a_takes_no_at_zero(fa):
    with pytest.raises(TypeError):
        fa.relu_derivative_from_a(np.ones(2), at_zero=1.0)


def test_unexpected_keyword_rejected(fa):
    with pytest.raises(TypeError, match="unexpected keyword"):
        fa.leaky_relu(np.ones(2), beta=1.0)
    with pytest.raises(TypeError):
        fa.leaky_relu(np.ones(2), 0.1, 0.2)
