"""The ufunc methods of the compiled backend (reduce, accumulate, reduceat, outer,
at) against NumPy's definitions evaluated element by element: the same ufunc
called on scalars in a Python loop, e.g. reduce(x) = f(f(f(x0, x1), x2), x3).
Every step is the same scalar kernel, so results must be bit-identical.

Compiled backend only: the fallback's functions are plain functions, not ufuncs.
Arrays are longer than the glue's 256-element block and the kernels' vector
width, so the vector paths (which once read slots before they were written, for
reduce's step-0 accumulator and accumulate's in0 = out - step) are exercised."""
from __future__ import annotations

import numpy as np
import pytest

from fastact import _backends, _catalogue

FLOATS = [np.float16, np.float32, np.float64]
N = 333
PHI = (1 + 5 ** 0.5) / 2
# NumPy's own errors for methods a ufunc's shape does not allow.
REJECTED = {
    "reduce": "reduce only supported for binary functions",
    "accumulate": "accumulate only supported for binary functions",
    "reduceat": "reduceat only supported for binary functions",
    "outer": "outer product only supported for binary functions",
}


def _compiled_ufuncs():
    if _backends.compiled_module() is None:
        return {}
    ns = _backends.namespace("c")
    funcs = {name: getattr(ns, name) for name in _catalogue.all_public_names()}
    return {name: f for name, f in funcs.items() if isinstance(f, np.ufunc)}


PUBLIC = _compiled_ufuncs()
BINARY = sorted(n for n, u in PUBLIC.items() if u.nin == 2)
UNARY = sorted(n for n, u in PUBLIC.items() if u.nin == 1)


@pytest.fixture
def c_ufuncs(c_module):
    return PUBLIC


# ---------------------------------------------------------------- data

def _second_operand(name, rng, shape):
    """Values for the z / a operand that keep a running product grad * g'(.)
    away from 0 and inf over a few hundred steps where the function allows it
    (|g'| ~ 1), so the accumulated values stay informative."""
    if name == "sigmoid_backward_from_a":  # a(1 - a) = -1 at a = phi, 1 - phi
        return rng.choice([PHI, 1 - PHI], shape) + rng.uniform(-0.02, 0.02, shape)
    if name == "tanh_backward_from_a":  # 1 - a^2 = -1 at a = +-sqrt(2)
        return rng.choice([-1, 1], shape) * 2 ** 0.5 + rng.uniform(-0.02, 0.02, shape)
    if name == "tanh_backward":
        return rng.uniform(-0.4, 0.4, shape)
    if name == "relu_backward_from_a":  # mostly a > 0, some 0 and a < 0
        return np.where(rng.random(shape) < 0.97, rng.uniform(0.1, 3, shape),
                        rng.choice([0.0, -1.5], shape))
    return rng.uniform(-3, 3, shape)


def _data(name, shape, dtype, seed=0):
    return _second_operand(name, np.random.default_rng(seed), shape).astype(dtype)


def _garbage(shape, dtype):
    """An out= full of a huge value: any stale read shows."""
    return np.full(shape, np.finfo(dtype).max / 3, dtype)


# ----------------------------------------------------------- references

def _ref_reduce(f, x):
    acc = x[0]
    for v in x[1:]:
        acc = f(acc, v)
    return acc


def _ref_accumulate(f, x):
    out = [x[0]]
    for v in x[1:]:
        out.append(f(out[-1], v))
    return np.array(out, dtype=x.dtype)


def _ref_reduceat(f, x, indices):
    """NumPy's definition: reduce x[i:j] for consecutive indices i < j, else x[i];
    the last index runs to the end."""
    out = []
    for k, start in enumerate(indices):
        stop = indices[k + 1] if k + 1 < len(indices) else len(x)
        out.append(_ref_reduce(f, x[start:stop]) if start < stop else x[start])
    return np.array(out, dtype=x.dtype)


def _along(fn, x, axis):
    """fn applied to every 1-D lane of x along axis (np.apply_along_axis only
    loops and copies; it does no arithmetic)."""
    return np.apply_along_axis(fn, axis, x)


def assert_same_bits(got, want, what=""):
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype, f"{what}: dtype {got.dtype} != {want.dtype}"
    assert got.shape == want.shape, f"{what}: shape {got.shape} != {want.shape}"
    u = f"u{got.dtype.itemsize}"
    gb, wb = got.view(u).ravel(), want.view(u).ravel()
    bad = np.flatnonzero(gb != wb)
    assert bad.size == 0, (f"{what}: {bad.size} of {got.size} differ, first at flat index "
                           f"{bad[0]}: {got.ravel()[bad[0]]!r} != {want.ravel()[bad[0]]!r}")


# Operand layouts: (shape, axis, how the array is laid out in memory).
LAYOUTS = {
    "1d": ((N,), 0, "C"),
    "1d-reversed": ((N,), 0, "reversed"),
    "2d-axis0": ((5, N), 0, "C"),
    "2d-axis1": ((5, N), 1, "C"),
    "2d-fortran-axis0": ((N, 5), 0, "F"),
    "2d-fortran-axis1": ((N, 5), 1, "F"),
}


def _laid_out(name, layout, dtype):
    shape, axis, order = LAYOUTS[layout]
    x = _data(name, shape, dtype)
    if order == "reversed":
        x = x[::-1]  # a negative stride
    elif order == "F":
        x = np.asfortranarray(x)
    return x, axis


# ---------------------------------------------------------------- tests

def test_the_binary_ufuncs_are_all_covered(c_ufuncs):
    """The parametrisation below is not silently empty or partial."""
    assert {"sigmoid_backward", "sigmoid_backward_from_a", "tanh_backward",
            "tanh_backward_from_a", "relu_backward_from_a"} <= set(BINARY)
    assert {"sigmoid", "tanh_derivative_from_a", "relu"} <= set(UNARY)


# Equal and decreasing neighbours mean "just x[i]" in NumPy's definition.
INDICES = [0, 7, 7, 40, 39, 100, 300, 301, 320]
REDUCTIONS = ["reduce", "accumulate", "reduceat"]


def _reduction(method, f, length):
    """(the method's arguments after x, its reference on one lane of `length`)."""
    if method == "reduce":
        return (), lambda lane: _ref_reduce(f, lane)
    if method == "accumulate":
        return (), lambda lane: _ref_accumulate(f, lane)
    indices = [i * length // N for i in INDICES]  # scaled to a short axis too
    return (indices,), lambda lane: _ref_reduceat(f, lane, indices)


@pytest.mark.parametrize("use_out", [False, True], ids=["new", "out"])
@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize("method", REDUCTIONS)
def test_reductions(c_ufuncs, method, name, dtype, layout, use_out):
    f = c_ufuncs[name]
    x, axis = _laid_out(name, layout, dtype)
    before = x.copy()
    extra, reference = _reduction(method, f, x.shape[axis])
    want = _along(reference, x, axis)
    kwargs = {"axis": axis}
    if use_out:
        kwargs["out"] = _garbage(want.shape, dtype)
    got = getattr(f, method)(x, *extra, **kwargs)
    if use_out:
        assert got is kwargs["out"]
    assert_same_bits(got, want, f"{name}.{method} {layout}")
    assert_same_bits(x, before, "input unchanged")


def _misaligned(x):
    raw = np.zeros(x.nbytes + 1, np.uint8)[1:].view(x.dtype)
    raw[:] = x
    return raw


@pytest.mark.parametrize("name", BINARY)
def test_reduce_keywords_and_buffered_operands(c_ufuncs, name):
    """initial=, where=, a dtype= cast, big-endian and misaligned data (NumPy
    then feeds the loop from its own buffers): still NumPy's definition."""
    f = c_ufuncs[name]
    x = _data(name, (N,), np.float64)
    where = np.random.default_rng(6).random(N) < 0.7
    x32 = x.astype(np.float32)
    cases = {
        "initial": (f.reduce(x, initial=1.5), np.concatenate([[1.5], x])),
        "where": (f.reduce(x, where=where, initial=-0.5), np.concatenate([[-0.5], x[where]])),
        "dtype": (f.reduce(x32, dtype=np.float64), x32.astype(np.float64)),
        "big-endian": (f.reduce(x.astype(">f8")), x),
        "misaligned": (f.reduce(_misaligned(x)), x),
    }
    for what, (got, lane) in cases.items():
        assert_same_bits(got, _ref_reduce(f, lane), f"{name}.reduce {what}")
    assert_same_bits(f.accumulate(x.astype(">f8")).astype(np.float64), _ref_accumulate(f, x),
                     f"{name}.accumulate big-endian")


def test_accumulate_in_place(c_ufuncs):
    """out= the input itself: in0 = out - step and in1 = out."""
    for name in BINARY:
        f = c_ufuncs[name]
        x = _data(name, (N,), np.float64)
        want = _ref_accumulate(f, x)
        assert f.accumulate(x, out=x) is x
        assert_same_bits(x, want, f"{name}.accumulate in place")


@pytest.mark.parametrize("use_out", [False, True], ids=["new", "out"])
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("name", BINARY)
def test_outer(c_ufuncs, name, dtype, use_out):
    f = c_ufuncs[name]
    g = np.random.default_rng(1).uniform(-2, 2, 7).astype(dtype)
    x = _data(name, (N,), dtype)
    want = np.array([[f(gi, xj) for xj in x] for gi in g], dtype=dtype)
    if use_out:
        out = _garbage(want.shape, dtype)
        assert f.outer(g, x, out=out) is out
        got = out
    else:
        got = f.outer(g, x)
    assert_same_bits(got, want, f"{name}.outer")


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_at(c_ufuncs, name, dtype):
    """Indices with repeats: each occurrence applies once more, in order."""
    f = c_ufuncs[name]
    rng = np.random.default_rng(2)
    idx = rng.integers(0, N, 2 * N)
    a = rng.uniform(-2, 2, N).astype(dtype)
    b = (_data(name, idx.shape, dtype, seed=3),) if f.nin == 2 else ()
    want = a.copy()
    for k, i in enumerate(idx):
        want[i] = f(want[i], *(v[k] for v in b))
    f.at(a, idx, *b)
    assert_same_bits(a, want, f"{name}.at")


@pytest.mark.parametrize("method", list(REJECTED))
@pytest.mark.parametrize("name", UNARY)
def test_unary_ufuncs_reject_binary_methods(c_ufuncs, name, method):
    """NumPy's own ValueError, exactly as for a built-in unary ufunc (np.exp)."""
    f = c_ufuncs[name]
    x = np.linspace(-1, 1, N)
    args = {"reduce": (x,), "accumulate": (x,), "reduceat": (x, [0, 5]), "outer": (x, x)}
    with pytest.raises(ValueError) as builtin:
        getattr(np.exp, method)(*args[method])
    with pytest.raises(ValueError) as ours:
        getattr(f, method)(*args[method])
    assert str(ours.value) == str(builtin.value) == REJECTED[method]


# ------------------------------------------------- the internal ufuncs

def _internal_ufuncs(mod):
    """The ufuncs behind the wrappers (parameters as extra inputs, two outputs):
    not public, but reachable, so they must not give a wrong number either."""
    public = set(map(id, PUBLIC.values()))
    return {f"{act}_{op}": u for (act, op), u in mod.UFUNCS.items() if id(u) not in public}


def _method_ok(u, method):
    """Whether NumPy defines `method` for a ufunc of u's shape."""
    if method == "at":
        return u.nin <= 2 and u.nout == 1
    if method == "outer":
        return u.nin == 2
    return u.nin == 2 and u.nout == 1


def _ref_method(u, method, x, y):
    """NumPy's definition of the method on 1-D operands, element by element."""
    if method in REDUCTIONS:
        return _reduction(method, u, N)[1](x)
    if method == "outer":
        table = np.array([[u(xi, yj) for yj in y] for xi in x[:5]], dtype=x.dtype)
        return table if u.nout == 1 else tuple(np.moveaxis(table, -1, 0))
    want = x.copy()  # at, at indices 0, 2, 4, ... with b = y
    for k, v in enumerate(y[: N // 2]):
        want[2 * k] = u(want[2 * k], v) if u.nin == 2 else u(want[2 * k])
    return want


def _run_method(u, method, x, y):
    if method in REDUCTIONS:
        return getattr(u, method)(x, *_reduction(method, u, N)[0])
    if method == "outer":
        return u.outer(x[:5], y)
    a = x.copy()
    idx = np.arange(0, N - 1, 2)
    if u.nin == 2:
        u.at(a, idx, y[: idx.size])
    else:
        u.at(a, idx)
    return a


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("method", REDUCTIONS + ["outer", "at"])
def test_internal_ufuncs_methods_are_right_or_refused(c_module, method, dtype):
    """E.g. leaky_relu_backward's ufunc has 4 inputs (grad, z, alpha, at_zero):
    NumPy refuses every method with its own ValueError.  Those NumPy allows (on
    the 2-input ones such as leaky_relu's (z, alpha)) match the element loop."""
    internal = _internal_ufuncs(c_module)
    assert {"leaky_relu_backward", "sigmoid_and_derivative", "leaky_relu_value"} <= set(internal)
    rng = np.random.default_rng(5)
    # Negative where a reduction starts, positive after: leaky_relu(z, alpha)
    # chained is then z0 times a product of alphas, not z0 itself.
    x = rng.uniform(0.5, 1.5, N)
    x[[0] + INDICES] *= -1
    x = x.astype(dtype)
    y = (rng.choice([-1, 1], N) * rng.uniform(0.5, 1.5, N)).astype(dtype)
    for name, u in sorted(internal.items()):
        if _method_ok(u, method):
            got, want = _run_method(u, method, x, y), _ref_method(u, method, x, y)
            if u.nout == 1:
                got, want = (got,), (want,)
            for k in range(u.nout):
                assert_same_bits(got[k], want[k], f"{name}.{method} output {k}")
        else:
            with pytest.raises(ValueError, match="only supported|Only"):
                _run_method(u, method, x, y)


# ------------------------------------------------------ dtype= requests

@pytest.mark.parametrize("kwargs", [dict(dtype=np.int8, casting="unsafe"), dict(dtype=np.int8),
                                    dict(dtype=np.complex128), dict(signature=(None, np.int8))],
                         ids=["int8-unsafe", "int8", "complex128", "signature"])
def test_unsupported_requested_output_dtype_is_named(c_ufuncs, kwargs):
    """The TypeError names the requested output dtype, not the (fine) input."""
    asked = np.dtype(kwargs.get("dtype", np.int8))
    with pytest.raises(TypeError) as err:
        c_ufuncs["sigmoid"](np.linspace(-1, 1, 5), **kwargs)
    msg = str(err.value)
    assert msg == (f"fastact.sigmoid: the requested output dtype {asked} is not supported "
                   "(results are float16, float32 or float64)")


def test_unsupported_requested_dtype_on_two_inputs(c_ufuncs):
    x = np.linspace(-1, 1, 5)
    with pytest.raises(TypeError, match=r"^fastact.tanh_backward: the requested output dtype "
                                        r"uint16 is not supported"):
        c_ufuncs["tanh_backward"](x, x, dtype=np.uint16, casting="unsafe")


def test_unsupported_requested_signature_is_named(c_ufuncs):
    with pytest.raises(TypeError, match=r"^fastact.sigmoid: no loop for the requested signature "
                                        r"\(int8, int8\): .*results float16, float32 or float64$"):
        c_ufuncs["sigmoid"](np.arange(3, dtype=np.int8), signature=(np.int8, np.int8),
                            casting="unsafe")


def test_bad_input_dtype_is_still_named_with_a_request(c_ufuncs):
    """When the input itself has no loop, the input is what the error names."""
    with pytest.raises(TypeError, match=r"^fastact.sigmoid: unsupported dtype complex128 "):
        c_ufuncs["sigmoid"](np.array([1j]), dtype=np.complex128)


@pytest.mark.parametrize("dtype", FLOATS)
def test_supported_requested_dtype_computes_in_it(c_ufuncs, dtype):
    x = np.linspace(-4, 4, N)
    got = c_ufuncs["sigmoid"](x, dtype=dtype)
    want = np.array([c_ufuncs["sigmoid"](v) for v in x.astype(dtype)], dtype=dtype)
    assert_same_bits(got, want, f"sigmoid(dtype={np.dtype(dtype)})")
