"""Bad input: a clear exception naming the problem, never a crash, a wrong answer or a
modified input."""
from __future__ import annotations

import numpy as np
import pytest

NAMES = ("sigmoid", "tanh", "relu", "leaky_relu")
SUFFIXES = ("", "_derivative", "_derivative_from_a", "_and_derivative")


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
    for suffix in SUFFIXES:
        with pytest.raises(TypeError, match=f"unsupported dtype .*{word}"):
            getattr(fa, name + suffix)(bad)
    with pytest.raises(TypeError, match="unsupported dtype"):
        getattr(fa, name + "_backward")(np.ones(1), bad)
    with pytest.raises(TypeError, match="unsupported dtype"):
        getattr(fa, name + "_backward")(bad, np.ones(1))


def test_complex_input_left_untouched(fa):
    z = np.array([1 + 2j, 3 - 1j])
    keep = z.copy()
    with pytest.raises(TypeError):
        fa.sigmoid(z)
    np.testing.assert_array_equal(z, keep)


@pytest.mark.parametrize("suffix", SUFFIXES + ("_backward", "_backward_from_a"))
@pytest.mark.parametrize("name", NAMES)
def test_ragged_list(fa, name, suffix):
    fn = getattr(fa, name + suffix)
    ragged = [[1.0, 2.0], [3.0]]
    args = (ragged, ragged) if "_backward" in suffix else (ragged,)
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


@pytest.mark.parametrize("alpha,exc,word", [
    (float("nan"), ValueError, "finite"),
    (float("inf"), ValueError, "finite"),
    (-float("inf"), ValueError, "finite"),
    ("0.1", TypeError, "real number"),
    (None, TypeError, "real number"),
    (1j, TypeError, "real number"),
    (np.array([np.nan, 0.1]), ValueError, "finite"),
    (np.array(["a"]), TypeError, "alpha"),
])
def test_bad_alpha(fa, alpha, exc, word):
    z = np.ones(2)
    for suffix in SUFFIXES + ("_backward",):
        args = (z, z) if suffix == "_backward" else (z,)
        with pytest.raises(exc, match=word):
            getattr(fa, "leaky_relu" + suffix)(*args, alpha=alpha)


def test_alpha_of_wrong_shape(fa):
    with pytest.raises(ValueError):
        fa.leaky_relu(np.ones(3), alpha=np.array([0.1, 0.2]))


@pytest.mark.parametrize("alpha", [0.0, -0.1])
def test_from_a_needs_positive_alpha(fa, alpha):
    a = np.array([-1.0, 0.0, 2.0])
    with pytest.raises(ValueError, match="alpha > 0"):
        fa.leaky_relu_derivative_from_a(a, alpha=alpha)
    with pytest.raises(ValueError, match="alpha > 0"):
        fa.leaky_relu_backward_from_a(a, a, alpha=alpha)
    # from z any finite alpha is fine
    np.testing.assert_array_equal(fa.leaky_relu_derivative(a, alpha=alpha), [alpha, alpha, 1.0])


@pytest.mark.parametrize("at_zero,exc", [("1", TypeError), (float("nan"), ValueError),
                                         (np.array([1.0, 2.0]), TypeError)])
def test_bad_at_zero(fa, at_zero, exc):
    with pytest.raises(exc, match="at_zero"):
        fa.relu_derivative(np.zeros(2), at_zero=at_zero)


def test_mismatched_broadcast_in_backward(fa):
    for name in NAMES:
        with pytest.raises(ValueError, match="broadcast|shape"):
            getattr(fa, name + "_backward")(np.ones(3), np.ones(4))


def test_huge_empty_and_0d(fa):
    empty = np.empty((0, 10**6))
    for name in NAMES:
        assert getattr(fa, name)(empty).shape == (0, 10**6)
        a, d = getattr(fa, name + "_and_derivative")(np.empty((10**5, 0), np.float32))
        assert a.shape == d.shape == (10**5, 0) and a.dtype == np.float32
        assert np.ndim(getattr(fa, name)(np.array(-1.5))) == 0
