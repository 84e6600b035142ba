"""The public API: every function exists on both backends, compiled ones are real
ufuncs, and the C table agrees with the Python activation table."""
from __future__ import annotations

import inspect

import numpy as np
import pytest

import fastact
from fastact import _catalogue
from oracles import ORACLES
from oracles import support as s

ALL = list(s.all_public())
# from-a operations only where g is monotonic (the oracle has a from-a reference)
EXPECTED_COUNT = sum(len(_catalogue.OPS) if o.derivative_from_a is not None
                     else len(_catalogue.OPS) - len(_catalogue.FROM_A_OPS)
                     for o in ORACLES.values())


def test_every_function_exported():
    assert len(ALL) == EXPECTED_COUNT
    assert len(fastact.__all__) >= EXPECTED_COUNT
    for name in ALL:
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
            if act.choice is not None:
                # a choice (gelu's approximate) picks one row's ufunc per call
                z = np.linspace(-3, 3, 13)
                inputs = (z,) * _catalogue.OP_NIN[op]
                for value, row in act.choice.choices.items():
                    got = fn(*inputs, **{act.choice.name: value})
                    want = c_module.UFUNCS[row, op](*inputs)
                    np.testing.assert_array_equal(got, want)
            elif not act.params(op) and _catalogue.OP_NOUT[op] == 1:
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


@pytest.mark.parametrize("name", ALL)
def test_wrapper_signatures(fa, name):
    """The parameters in the signature are the catalogue's for the operation,
    with its defaults; positional ones may follow the data, the others are
    keyword-only; out is keyword-only."""
    act, op = s.op_of(name)
    fn = getattr(fa, name)
    if isinstance(fn, np.ufunc):
        assert not s.act(act).signature_params(op)
        return
    params = inspect.signature(fn).parameters
    assert "out" in params and params["out"].kind is inspect.Parameter.KEYWORD_ONLY
    for p in s.act(act).signature_params(op):
        # a required parameter has no default in the signature
        want = inspect.Parameter.empty if p.required else p.default
        assert params[p.name].default == want, (name, p.name)
        kind = inspect.Parameter.POSITIONAL_OR_KEYWORD if p.positional else \
            inspect.Parameter.KEYWORD_ONLY
        assert params[p.name].kind is kind, (name, p.name)


@pytest.mark.parametrize("name", ALL)
def test_parameters_an_operation_does_not_take_are_rejected(fa, name):
    act, op = s.op_of(name)
    x = (np.ones(2),) * s.nin(op)
    takes = {p.name for p in s.act(act).signature_params(op)}
    for p in s.act(act).parameters:
        if p.name not in takes:   # e.g. relu's at_zero from a
            with pytest.raises(TypeError):
                getattr(fa, name)(*x, **{p.name: 1.0})
    with pytest.raises(TypeError, match="unexpected keyword|keyword argument"):
        getattr(fa, name)(*x, no_such_parameter=1.0)
    positional = [p for p in s.act(act).signature_params(op) if p.positional]
    with pytest.raises(TypeError):   # one positional argument too many
        getattr(fa, name)(*x, *([0.5] * (len(positional) + 1)))


@pytest.mark.parametrize("name", ALL)
def test_a_call_with_data_alone_is_the_call_with_every_default(fa, name):
    """Calls with the data alone (and out=) take a short path, also where the
    activation has a choice (gelu's approximate) or relations between its
    parameters (hardtanh, squareplus): its results are, bit for bit, those of the
    call that names every default (the checked path)."""
    act, op = s.op_of(name)
    params = s.act(act).signature_params(op)
    if any(p.required for p in params):
        pytest.skip("a required parameter: no call with the data alone")
    fn = getattr(fa, name)
    for dt in (np.float32, np.float64):
        x = tuple(np.linspace(-7, 7, 101, dtype=dt) + k for k in range(s.nin(op)))
        short = fn(*x)
        checked = fn(*x, **{p.name: p.default for p in params})
        outs = tuple(np.empty_like(x[0]) for _ in range(s.nout(op)))
        via_out = fn(*x, out=outs if len(outs) == 2 else outs[0])
        for got in ((short,), (via_out,)):
            for a, b in zip(*(r if isinstance(r, tuple) else (r,) for r in (got[0], checked))):
                assert a.dtype == b.dtype
                np.testing.assert_array_equal(a.view(np.uint8), b.view(np.uint8), err_msg=name)
