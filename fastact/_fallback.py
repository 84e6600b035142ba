"""Pure-NumPy backend: the same functions as the compiled ufuncs, built from NumPy
ufunc calls, for machines without a C compiler and as an independent second
implementation the tests hold the compiled one against.

Each activation is two NumPy formulas (``_fwd_*``: value and derivative from z;
``_from_a_*``: derivative from the output).  ``make_core`` turns them into the six
operations with the ufunc conventions: dtype rules, ``out=``, broadcasting,
NumPy scalars for scalar input, and quiet IEEE results.
"""
from __future__ import annotations

import math
from typing import Any, Callable, Dict, Optional, Sequence, Tuple

import numpy as np

from fastact import _spec

_F16, _F32, _F64 = np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64)

# --------------------------------------------------------------------------
# The activation formulas.  Arguments are already in the compute dtype (float32
# for float16/float32 input, float64 otherwise); alpha and at_zero are scalars
# of that dtype or arrays.  want_a / want_d say which outputs are needed.


def _exp_neg_abs(z: Any, scale: float) -> Any:
    """exp(-scale*|z|) in [0, 1], computed in one fresh buffer."""
    t = np.abs(z)  # (np.copysign(z, -1) is one pass but not SIMD: slower)
    np.multiply(t, -scale, out=t)  # exact: scale is a power of two
    return np.exp(t, out=t)


def _fwd_sigmoid(z, alpha, at_zero, want_a, want_d):
    # e = exp(-|z|); sigma(|z|) = 1/(1+e), sigma(-|z|) = e/(1+e): no overflow.
    e = _exp_neg_abs(z, 1.0)
    hi = np.add(e, 1)
    np.divide(1, hi, out=hi)
    d = a = None
    if want_d:  # sigma(z) sigma(-z) = lo * hi, lo = e * hi
        d = np.multiply(e, hi)
        np.multiply(d, hi, out=d)
        # three roundings can lift it past its true maximum for small |z|
        np.minimum(d, 0.25, out=d)
    if want_a:
        # sigma(z) = hi for z > 0, lo = e * hi otherwise, without a select (np.where
        # runs ~4 ns/element on random signs): max(e, [z > 0]) is 1 for z > 0 and e
        # for z <= 0 (at z = 0, e = 1: hi and lo agree), NaN for NaN (from e).
        a = np.greater(z, 0, out=np.empty_like(e))
        np.maximum(e, a, out=a)
        np.multiply(a, hi, out=a)
    return a, d


def _from_a_sigmoid(a, alpha, at_zero):
    # 1 - a is exact for a >= 1/2, where a(1 - a) would otherwise lose most.
    return np.multiply(a, np.subtract(1, a))


def _fwd_tanh(z, alpha, at_zero, want_a, want_d):
    a = np.tanh(z) if want_a else None
    d = None
    if want_d:
        # 4e/(1+e)^2 with e = exp(-2|z|): 1 - tanh^2 would cancel in the tails.
        e = _exp_neg_abs(z, 2.0)
        den = np.add(e, 1)
        np.multiply(den, den, out=den)
        np.multiply(e, 4, out=e)
        d = np.divide(e, den, out=e)
        np.minimum(d, 1, out=d)  # as for sigmoid': never above the true maximum
    return a, d


def _from_a_tanh(a, alpha, at_zero):
    # (1 - a)(1 + a), not 1 - a*a: near |a| = 1 the latter cancels catastrophically.
    return np.multiply(np.subtract(1, a), np.add(1, a))


def _is_plain(x: Any) -> bool:
    """A scalar parameter for which the select-free forms below are exact:
    finite and not -0.0 (whose sign an addition would lose)."""
    return (np.ndim(x) == 0 and bool(np.isfinite(x))
            and not (x == 0 and bool(np.signbit(x))))


def _step(z, lo, at_zero):
    """1 for z > 0, lo for z < 0, at_zero at z = +-0, NaN for NaN: np.heaviside /
    np.where semantics, built from sign and max (np.heaviside and np.where cost
    ~4-5 ns/element on random signs, these ~0.1 each).  For 0 <= lo <= 1,
    max(sign(z), lo) is 1, lo, max(0, lo) = lo, NaN; the zero case is then
    replaced exactly by d*u + at_zero*(1-u), u = sign(z)^2 in {0, 1}."""
    if not (_is_plain(lo) and _is_plain(at_zero) and 0 <= lo <= 1):
        if np.ndim(lo) == 0 and lo == 0:
            return np.heaviside(z, at_zero)
        return np.where(np.less(z, 0), lo, np.heaviside(z, at_zero))
    d = np.sign(z)
    if at_zero == lo:
        return np.maximum(d, lo, out=d)
    u = np.multiply(d, d)
    np.maximum(d, lo, out=d)
    np.multiply(d, u, out=d)
    np.subtract(1, u, out=u)
    np.multiply(u, at_zero, out=u)
    return np.add(d, u, out=d)


def _fwd_relu(z, alpha, at_zero, want_a, want_d):
    # np.maximum(z, 0) propagates NaN and maps -0.0 to +0.0, like the C kernel.
    a = np.maximum(z, 0) if want_a else None
    d = _step(z, z.dtype.type(0), at_zero) if want_d else None
    return a, d


def _from_a_relu(a, alpha, at_zero):
    return _step(a, a.dtype.type(0), a.dtype.type(0))


def _fwd_leaky_relu(z, alpha, at_zero, want_a, want_d):
    a = d = None
    if want_a:
        if _is_plain(alpha) and alpha > 0:
            # z > 0: z; otherwise alpha*z.  For 0 < alpha <= 1 that is the larger
            # of the two, for alpha > 1 the smaller; the two tie only at +-0 and
            # +-inf, where they are the same value with the same sign.
            a = np.multiply(z, alpha)
            (np.maximum if alpha <= 1 else np.minimum)(a, z, out=a)
        else:
            # alpha == 0 is relu exactly (0 * -inf would be NaN).
            neg = np.where(np.equal(alpha, 0), np.maximum(z, 0), np.multiply(alpha, z))
            a = np.where(np.greater(z, 0), z, neg)
    if want_d:
        d = _step(z, alpha, at_zero)
    return a, d


def _from_a_leaky_relu(a, alpha, at_zero):
    return _step(a, alpha, at_zero)


_FORMULAS: Dict[str, Tuple[Callable[..., Any], Callable[..., Any]]] = {
    act.name: (globals()["_fwd_" + act.name], globals()["_from_a_" + act.name])
    for act in _spec.ACTIVATIONS
}

# --------------------------------------------------------------------------
# Conventions shared by every operation.


def _dtype_operand(x: Any) -> Any:
    """What np.result_type should see for x: Python scalars stay weak, arrays and
    duck arrays contribute their dtype (never converted, so dask stays lazy)."""
    if isinstance(x, (bool, int, float, np.ndarray, np.generic)):
        return x
    dt = getattr(x, "dtype", None)
    if isinstance(dt, np.dtype):
        return dt
    # A plain sequence (list, tuple, None, ...): it has no array protocol to keep.
    return np.array(x)


def _result_dtype(name: str, data: Sequence[Any]) -> Tuple[np.dtype, np.dtype]:
    """(result dtype, compute dtype) of the data inputs, with the compiled
    ufuncs' rules: float16 -> float16 computed in float32, float32 -> float32,
    float64 and integers/bool -> float64; anything else is a TypeError naming
    the dtype.  Parameters never take part: they arrive in the compute dtype."""
    ops = [_dtype_operand(x) for x in data]
    for op in ops:
        dt = op if isinstance(op, np.dtype) else getattr(op, "dtype", None)
        if dt is not None and dt.kind not in "biuf":
            raise TypeError(f"fastact.{name}: unsupported dtype {dt} (expected real floating, "
                            "integer or boolean input)")
    rt = np.result_type(*ops)
    if rt.kind in "biu":
        return _F64, _F64
    if rt == _F16:
        return _F16, _F32
    if rt in (_F32, _F64):
        return rt, rt
    raise TypeError(f"fastact.{name}: unsupported dtype {rt} (expected float16, float32, "
                    "float64, integer or boolean input)")


def _to(x: Any, dt: np.dtype) -> Any:
    xdt = getattr(x, "dtype", None)  # (dtype == None is True in NumPy: test identity)
    if xdt is not None and xdt == dt and not isinstance(x, np.generic):
        return x
    return np.positive(x, dtype=dt)


def _broadcast_shape(name: str, shapes: Sequence[Tuple[int, ...]]) -> Tuple[int, ...]:
    """np.broadcast_shapes for any number of dims a ufunc takes (np.broadcast,
    behind np.broadcast_shapes, stops at 32; NumPy 2's ufuncs go to 64)."""
    result = [1] * max(map(len, shapes), default=0)
    for shape in shapes:
        for i, n in enumerate(shape, len(result) - len(shape)):
            if n != 1 and result[i] not in (1, n):
                raise ValueError(f"fastact.{name}: operands could not be broadcast together "
                                 f"with shapes {' '.join(map(str, shapes))}")
            result[i] = n if n != 1 else result[i]
    return tuple(result)


def _check_outs(name: str, outs: Sequence[Optional[np.ndarray]], shape: Tuple[int, ...],
                rt: np.dtype) -> None:
    """Validate every output (already through _api.out_tuple) before anything is
    computed or written."""
    for o in outs:
        if o is None:
            continue
        # Like a ufunc: the inputs may broadcast up to out's shape, not beyond it.
        try:
            ok = _broadcast_shape(name, (shape, o.shape)) == o.shape
        except ValueError:
            ok = False
        if not ok:
            raise ValueError(f"fastact.{name}: non-broadcastable output operand with shape {o.shape} "
                             f"doesn't match the broadcast shape {shape}")
        if not np.can_cast(rt, o.dtype, casting="same_kind"):
            raise TypeError(f"fastact.{name}: cannot cast output from dtype {rt} to {o.dtype} "
                            "with casting rule 'same_kind'")
        if not o.flags.writeable:
            raise ValueError(f"fastact.{name}: output array is read-only")


def _finish(r: Any, rt: np.dtype, o: Optional[np.ndarray], scalar: bool) -> Any:
    """The result in the result dtype, then (as a ufunc's loop does) cast to out."""
    if scalar:  # computed on shape (1,), see make_core
        r = r[0]
    if r.dtype != rt:
        r = np.positive(r, dtype=rt)
    if o is not None:
        np.positive(r, out=o)
        return o
    return r


# Large results are computed in blocks of this many bytes of compute dtype: the
# formulas' temporaries then stay in the L2 cache instead of streaming whole
# arrays through memory once per NumPy call (~2x faster at 10^6 elements), and
# the extra memory is a few blocks whatever the size, also in place.
_BLOCK_BYTES = 128 * 1024
# Below this many result elements the direct path's full-size temporaries are
# small anyway (a few times 512 KB) and cheaper than setting up the blocks.
_BLOCK_MIN = 4 * (_BLOCK_BYTES // 8)
# Operations that are a single NumPy call: with nothing to convert and no out=,
# their only allocation is the result, and blocking would add a copy into it.
_SINGLE_CALL = {("tanh", "value"), ("relu", "value")}


def _blocked(compute: Callable[..., Tuple[Any, ...]], inputs: Sequence[Any],
             outs: Sequence[Optional[np.ndarray]], rt: np.dtype, ct: np.dtype) -> Tuple[Any, ...]:
    """compute() over blocks of the broadcast inputs, with NumPy's buffered
    iterator doing what a ufunc's does: broadcasting (also up to a larger out),
    any layout and byte order, casting the inputs to ct and each block's result
    (rounded to rt) to out's dtype, and copying only where an out partially
    overlaps an input (exact in-place calls are safe: each block is read whole
    before it is written)."""
    nread = len(inputs)
    op_flags: Any = [["readonly", "overlap_assume_elementwise"]] * nread + \
        [["writeonly", "allocate", "no_broadcast", "overlap_assume_elementwise"]] * len(outs)
    it = np.nditer([*inputs, *outs],
                   flags=["external_loop", "buffered", "copy_if_overlap", "zerosize_ok"],
                   op_flags=op_flags, op_dtypes=[ct] * nread + [rt] * len(outs),
                   casting="same_kind", order="K", buffersize=_BLOCK_BYTES // ct.itemsize)
    with it:
        for block in it:
            for o, part in zip(block[nread:], compute(block[:nread])):
                o[...] = part
        results = it.operands[nread:]
    return tuple(r if o is None else o for r, o in zip(results, outs))


def make_core(act: _spec.Activation, op: str) -> Callable[..., Any]:
    """The fallback for one (activation, operation): positional data inputs, then
    the parameter values (alpha, at_zero as the ufunc takes them), then out=."""
    from fastact._api import as_data, out_tuple

    name = _spec.public_name(act, op)
    nin, nout = _spec.OP_NIN[op], _spec.OP_NOUT[op]
    params = act.params(op)
    fwd, from_a = _FORMULAS[act.name]
    want_a = op in ("value", "and_derivative")
    want_d = op != "value"
    single_call = (act.name, op) in _SINGLE_CALL

    def core(*args: Any, out: Any = None) -> Any:
        if len(args) != nin + len(params):
            raise TypeError(f"fastact.{name} takes {nin + len(params)} positional inputs, "
                            f"got {len(args)}")
        outs = out_tuple(name, out, nout)  # first, as a ufunc checks it
        data = [as_data(x) for x in args[:nin]]
        rt, ct = _result_dtype(name, data)
        # The wrappers pass parameters in the compute dtype already (_api.to_compute).
        pv = [_to(p, ct) if isinstance(p, np.ndarray) and p.ndim else ct.type(p)
              for p in args[nin:]]
        # Array parameters are cut into blocks with the data, scalars are fixed.
        arrays = [i for i, p in enumerate(pv) if isinstance(p, np.ndarray)]
        inputs = [*data, *(pv[i] for i in arrays)]
        shapes = [getattr(x, "shape", ()) for x in inputs]
        shape = shapes[0] if shapes.count(shapes[0]) == len(shapes) else \
            _broadcast_shape(name, shapes)
        _check_outs(name, outs, shape, rt)

        def compute(xs: Sequence[Any]) -> Tuple[Any, ...]:
            p = list(pv)
            for i, x in zip(arrays, xs[nin:]):
                p[i] = x
            kw = dict(zip(params, p))
            alpha, at_zero = kw.get("alpha"), kw.get("at_zero")
            z = xs[nin - 1]
            if op in _spec.FROM_A_OPS:
                a, d = None, from_a(z, alpha, at_zero)
            else:
                a, d = fwd(z, alpha, at_zero, want_a, want_d)
            if nin == 2:
                return (np.multiply(xs[0], d),)
            return (a,) if op == "value" else (a, d) if nout == 2 else (d,)

        size = math.prod(outs[0].shape if outs[0] is not None else shape)
        direct = size < _BLOCK_MIN or (single_call and out is None and not arrays
                                       and data[0].dtype == ct == rt)
        with np.errstate(all="ignore"):
            if not direct:
                done = _blocked(compute, inputs, outs, rt, ct)
            else:
                # All-scalar input is computed on shape (1,) so the formulas may
                # work in place, and handed back as NumPy scalars, as a ufunc would.
                scalar = shape == ()
                xs = [_to(x, ct) for x in inputs]
                if scalar:
                    xs = [np.reshape(x, (1,)) for x in xs]
                done = tuple(_finish(r, rt, o, scalar) for r, o in zip(compute(xs), outs))
        return done if nout == 2 else done[0]

    core.__name__ = core.__qualname__ = name
    return core


CORES: Dict[Tuple[str, str], Callable[..., Any]] = {
    (act.name, op): make_core(act, op) for act in _spec.ACTIVATIONS for op in _spec.OPS
}
