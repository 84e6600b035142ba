"""Pure-NumPy backend: the same functions as the compiled ufuncs, built from NumPy
ufunc calls, for machines without a C compiler and as an independent second
implementation the tests hold the compiled one against.

Each activation is two NumPy formulas in its family's module (``lesson.py``...):
fwd (value and derivative from z) and from_a (derivative from the output).
``make_core`` turns them into the operations with the ufunc conventions: dtype
rules, ``out=``, broadcasting, NumPy scalars for scalar input, and quiet IEEE
results.
"""
from __future__ import annotations

import math
from typing import Any, Callable, Dict, Optional, Sequence, Tuple, cast

import numpy as np

from fastact import _catalogue
from fastact._args import as_data, out_tuple
from fastact._fallback import explinear, gated, lesson, piecewise, softplus

# {C kernel row: (fwd, from_a)}: every family module's formulas.
_Formulas = Dict[str, Tuple[Callable[..., Any], Optional[Callable[..., Any]]]]
FORMULAS: _Formulas = {
    **cast(_Formulas, lesson.FORMULAS),
    **cast(_Formulas, piecewise.FORMULAS),
    **cast(_Formulas, explinear.FORMULAS),
    **cast(_Formulas, softplus.FORMULAS),
    **cast(_Formulas, gated.FORMULAS),
}

_F16, _F32, _F64 = np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64)

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
             outs: Sequence[Optional[np.ndarray]], rt: np.dtype, ct: np.dtype,
             block_bytes: int) -> Tuple[Any, ...]:
    """compute() over blocks of block_bytes of the broadcast inputs, with NumPy's buffered
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
                   casting="same_kind", order="K", buffersize=block_bytes // ct.itemsize)
    with it:
        for block in it:
            for o, part in zip(block[nread:], compute(block[:nread])):
                o[...] = part
        results = it.operands[nread:]
    return tuple(r if o is None else o for r, o in zip(results, outs))


def make_core(act: _catalogue.Activation, row: str, op: str) -> Callable[..., Any]:
    """The fallback for one (C kernel row, operation) of act: positional data
    inputs, then the parameter values (as the ufunc takes them), then out=."""
    name = _catalogue.public_name(act, op)
    nin, nout = _catalogue.OP_NIN[op], _catalogue.OP_NOUT[op]
    params = act.params(op)
    fwd, from_a = FORMULAS[row]
    want_a = op in ("value", "and_derivative")
    want_d = op != "value"
    single_call = (row, op) in _SINGLE_CALL
    # formulas that compute one format wider (gated.py's) take smaller blocks
    block_bytes = _BLOCK_BYTES // getattr(fwd, "width_factor", 1)

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
            z = xs[nin - 1]
            if op in _catalogue.FROM_A_OPS:
                assert from_a is not None  # the catalogue offers from-a ops only with it
                a, d = None, from_a(z, **kw)
            else:
                a, d = fwd(z, want_a, want_d, **kw)
            if nin == 2:
                return (np.multiply(xs[0], d),)
            return (a,) if op == "value" else (a, d) if nout == 2 else (d,)

        size = math.prod(outs[0].shape if outs[0] is not None else shape)
        direct = size < _BLOCK_MIN or (single_call and out is None and not arrays
                                       and data[0].dtype == ct == rt)
        with np.errstate(all="ignore"):
            if not direct:
                done = _blocked(compute, inputs, outs, rt, ct, block_bytes)
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
    (row, op): make_core(act, row, op)
    for row, act in _catalogue.kernel_rows() for op in act.ops
}
