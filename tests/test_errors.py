"""Bad input: a clear exception naming the problem, never a crash, a wrong answer or a
modified input."""
from __future__ import annotations

import numpy as np
import pytest

from oracles import ORACLES
from oracles import support as s

NAMES = list(ORACLES)
ONE_INPUT = [(n, op) for n in NAMES for op in s.ops(n) if s.nin(op) == 1]
EVERY = [(n, op) for n in NAMES for op in s.ops(n)]


@pytest.mark.parametrize("bad,word", [
    (np.array([1 + 2j]), "complex"),
    (np.array([1.0], dtype=object), "object"),
    (np.array(["1.0"]), "<U3"),
    (np.array([b"1"]), "S1"),
    (np.array(["2020-01-01"], dtype="datetime64[D]"), "datetime64"),
    (np.array([1], dtype="timedelta64[s]"), "timedelta64"),
    ("abc", "<U3"),
    (None, "object"),
    (1j, "complex"),
])
@pytest.mark.parametrize("name", NAMES)
def test_unsupported_dtypes(fa, name, bad, word):
    for op in s.ops(name):
        if s.nin(op) == 1:
            with pytest.raises(TypeError, match=f"unsupported dtype .*{word}"):
                s.bound(fa, name, op)(bad)
            continue
        with pytest.raises(TypeError, match="unsupported dtype"):
            s.bound(fa, name, op)(np.ones(1), bad)
        with pytest.raises(TypeError, match="unsupported dtype"):
            s.bound(fa, name, op)(bad, np.ones(1))


def test_complex_input_left_untouched(fa):
    z = np.array([1 + 2j, 3 - 1j])
    keep = z.copy()
    with pytest.raises(TypeError):
        fa.sigmoid(z)
    np.testing.assert_array_equal(z, keep)


@pytest.mark.parametrize("name,op", EVERY)
def test_ragged_list(fa, name, op):
    fn = s.bound(fa, name, op)
    ragged = [[1.0, 2.0], [3.0]]
    args = (ragged,) * s.nin(op)
    if isinstance(fn, np.ufunc) and np.lib.NumpyVersion(np.__version__) < "1.24.0":
        # A bare ufunc's arguments are converted by NumPy before fastact runs:
        # on NumPy 1.23 it warns exactly as NumPy's own ufuncs do.
        with pytest.warns(np.VisibleDeprecationWarning), pytest.raises(TypeError):
            np.exp(ragged)
        with pytest.warns(np.VisibleDeprecationWarning), pytest.raises(TypeError):
            fn(*args)
        return
    with pytest.raises(ValueError, match="inhomogeneous|sequence"):
        fn(*args)


# -- parameters, generically from the catalogue's descriptors: every numeric
# parameter of every activation, through every operation that takes it

PARAM_OPS = [(n, p, op) for n in NAMES for p in s.act(n).numeric_params for op in p.ops]
PARAM_IDS = [f"{n}-{p.name}-{op}" for n, p, op in PARAM_OPS]


def _bad_values(p):
    """(value, exception, words of the message) a parameter must reject."""
    bad = [(float("nan"), ValueError, "must be finite"),
           ("0.1", TypeError, "must be a real number"),
           (1j, TypeError, "must be a real number")]
    if not p.allow_inf:
        bad += [(float("inf"), ValueError, "must be finite"),
                (-float("inf"), ValueError, "must be finite")]
    if p.none_means is None:
        bad.append((None, TypeError, "must be a real number"))
    if p.array:
        bad += [(np.array([np.nan, 0.1]), ValueError, "must be finite"),
                (np.array(["a"]), TypeError, "must be real numbers")]
    else:
        bad.append((np.array([1.0, 2.0]), TypeError, "must be a real number"))
    return bad


def _call_with(fa, name, op, x, **params):
    return s.bound(fa, name, op)(*(x,) * s.nin(op), **params)


@pytest.mark.parametrize("name,p,op", PARAM_OPS, ids=PARAM_IDS)
def test_bad_parameter(fa, name, p, op):
    x = np.ones(2)
    for value, exc, words in _bad_values(p):
        with pytest.raises(exc, match=f"{p.name} {words}"):
            _call_with(fa, name, op, x, **{p.name: value})


@pytest.mark.parametrize("name,p,op", [c for c in PARAM_OPS if c[1].array],
                         ids=[i for c, i in zip(PARAM_OPS, PARAM_IDS) if c[1].array])
def test_array_parameter_of_wrong_shape(fa, name, p, op):
    with pytest.raises(ValueError):
        _call_with(fa, name, op, np.ones(3), **{p.name: np.array([0.1, 0.2])})


@pytest.mark.parametrize("value", [0.0, -0.1])
@pytest.mark.parametrize("name,p", [(n, p) for n in NAMES for p in s.act(n).numeric_params
                                    if p.positive or p.nonzero])
def test_positive_and_nonzero_parameters(fa, name, p, value):
    x = np.array([-1.0, 0.0, 2.0])
    o = ORACLES[name]
    for op in p.ops:
        needs = op in p.positive or (op in p.nonzero and value == 0)
        if needs:
            word = "> 0" if op in p.positive else "!= 0"
            with pytest.raises(ValueError, match=f"{p.name} {word}"):
                _call_with(fa, name, op, x, **{p.name: value})
        elif op in ("value", "derivative"):
            # where the operation does not need it, the value is just used
            # (within the oracle's budget: the selects are exact)
            s.assert_ulp(_call_with(fa, name, op, x, **{p.name: value}),
                         s.reference(o, op, x, {p.name: value}), x.dtype,
                         s.budget(o, fa, x.dtype, op), f"{name} {op} {p.name}={value}")


def test_mismatched_broadcast_in_backward(fa):
    for name in NAMES:
        for op in s.ops(name):
            if s.nin(op) == 2:
                with pytest.raises(ValueError, match="broadcast|shape"):
                    s.bound(fa, name, op)(np.ones(3), np.ones(4))


def test_huge_empty_and_0d(fa):
    empty = np.empty((0, 10**6))
    for name in NAMES:
        assert s.bound(fa, name, "value")(empty).shape == (0, 10**6)
        a, d = s.bound(fa, name, "and_derivative")(np.empty((10**5, 0), np.float32))
        assert a.shape == d.shape == (10**5, 0) and a.dtype == np.float32
        assert np.ndim(s.bound(fa, name, "value")(np.array(-1.5))) == 0
