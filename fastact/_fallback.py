"""Pure-NumPy backend: the same functions as the compiled ufuncs, built from NumPy
ufunc calls, for machines without a C compiler and as an independent second
implementation the tests hold the compiled one against.

Each activation is two NumPy formulas (``_fwd_*``: value and derivative from z;
``_from_a_*``: derivative from the output).  ``make_core`` turns them into the six
operations with the ufunc conventions: dtype rules, ``out=``, broadcasting,
NumPy scalars for scalar input, and quiet IEEE results.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Optional, Sequence, Tuple

import numpy as np

from . import _spec

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


def _result_dtype(name: str, operands: Sequence[Any]) -> Tuple[np.dtype, np.dtype]:
    """(result dtype, compute dtype) with the compiled ufuncs' rules: float16 ->
    float16 computed in float32, float32 -> float32, float64 and integers/bool ->
    float64; anything else is a TypeError naming the dtype."""
    ops = [_dtype_operand(x) for x in operands]
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


def _check_outs(name: str, out: Any, nout: int, shape: Tuple[int, ...],
                rt: np.dtype) -> Tuple[Optional[np.ndarray], ...]:
    """Validate every output before anything is computed or written."""
    outs = out if isinstance(out, tuple) else (out,)
    if len(outs) != nout:
        raise ValueError(f"fastact.{name}: 'out' must be a tuple of {nout} arrays, got {len(outs)}")
    for o in outs:
        if o is None:
            continue
        if not isinstance(o, np.ndarray):
            raise TypeError(f"fastact.{name}: 'out' must be a numpy.ndarray, not {type(o).__name__}")
        # Like a ufunc: the inputs may broadcast up to out's shape, not beyond it.
        try:
            ok = np.broadcast_shapes(shape, o.shape) == o.shape
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
    return outs


def _finish(r: Any, rt: np.dtype, o: Optional[np.ndarray], scalar: bool) -> Any:
    if scalar:  # computed on shape (1,), see make_core
        r = r[0]
    if o is not None:
        np.positive(r, out=o)
        return o
    if r.dtype != rt:
        r = np.positive(r, dtype=rt)
    return r


# Large arrays are computed in blocks of this many bytes of compute dtype: the
# formulas' temporaries then stay in the L2 cache instead of streaming whole
# arrays through memory once per NumPy call (~2x faster at 10^6 elements), and
# the extra memory is a few blocks instead of several full-size temporaries.
_BLOCK_BYTES = 128 * 1024
# Operations that are a single NumPy call already stream once through memory;
# blocking would only add the copy into the output.
_UNBLOCKED = {("tanh", "value"), ("relu", "value")}


def _blockable(args: Sequence[Any], nin: int, outs: Sequence[Optional[np.ndarray]]) -> bool:
    """Whether the blocked path applies: same-shape C-contiguous ndarray data,
    scalar parameters, outputs (if given) of that shape, C-contiguous and not
    overlapping the inputs (an in-place call would otherwise read what it
    already wrote)."""
    data = args[:nin]
    x0 = data[0]
    if type(x0) is not np.ndarray or x0.size < 4 * (_BLOCK_BYTES // 8):
        return False
    for x in data:
        if type(x) is not np.ndarray or x.shape != x0.shape or not x.flags.c_contiguous:
            return False
    if any(np.ndim(p) for p in args[nin:]):
        return False
    for o in outs:
        # out may be a larger broadcast target of the inputs: that is the
        # unblocked path's job, the blocks cover the inputs' shape only
        if o is not None and (o.shape != x0.shape or not o.flags.c_contiguous
                              or any(np.may_share_memory(o, x) for x in data)):
            return False
    return True


def make_core(act: _spec.Activation, op: str) -> Callable[..., Any]:
    """The fallback for one (activation, operation): positional data inputs, then
    the parameter values (alpha, at_zero as the ufunc takes them), then out=."""
    name = _spec.public_name(act, op)
    nin, nout = _spec.OP_NIN[op], _spec.OP_NOUT[op]
    params = act.params(op)
    fwd, from_a = _FORMULAS[act.name]
    want_a = op in ("value", "and_derivative")
    want_d = op != "value"
    blocked = (act.name, op) not in _UNBLOCKED

    def core(*args: Any, out: Any = None) -> Any:
        if len(args) != nin + len(params):
            raise TypeError(f"fastact.{name} takes {nin + len(params)} positional inputs, "
                            f"got {len(args)}")
        rt, ct = _result_dtype(name, args)
        outs: Sequence[Optional[np.ndarray]] = (None,) * nout
        if out is not None:
            shape = np.broadcast_shapes(*(np.shape(x) for x in args))
            outs = _check_outs(name, out, nout, shape, rt)
        # All-scalar input is computed on shape (1,) so the formulas may work in
        # place, and handed back as NumPy scalars, as a ufunc would.
        scalar = all(np.ndim(x) == 0 for x in args)
        pv = dict(zip(params, (_to(p, ct) if np.ndim(p) else ct.type(p) for p in args[nin:])))
        alpha, at_zero = pv.get("alpha"), pv.get("at_zero")

        def compute(xs: Sequence[Any]) -> Tuple[Any, ...]:
            if op in _spec.FROM_A_OPS:
                a, d = None, from_a(xs[-1], alpha, at_zero)
            else:
                a, d = fwd(xs[-1], alpha, at_zero, want_a, want_d)
            results = (a,) if op == "value" else (a, d) if nout == 2 else (d,)
            if nin == 2:
                results = (np.multiply(xs[0], d),)
            return results

        with np.errstate(all="ignore"):
            if not scalar and blocked and _blockable(args, nin, outs):
                shape = args[0].shape
                res = tuple(np.empty(shape, rt) if o is None else o for o in outs)
                flat_in = [x.reshape(-1) for x in args[:nin]]
                flat_out = [r.reshape(-1) for r in res]
                n = flat_in[0].size
                block = _BLOCK_BYTES // ct.itemsize
                for s in range(0, n, block):
                    parts = compute([_to(x[s:s + block], ct) for x in flat_in])
                    for fo, part in zip(flat_out, parts):
                        np.copyto(fo[s:s + block], part, casting="same_kind")
                return res if nout == 2 else res[0]
            xs = [_to(x, ct) for x in args[:nin]]
            if scalar:
                xs = [np.reshape(x, (1,)) for x in xs]
            done = tuple(_finish(r, rt, o, scalar) for r, o in zip(compute(xs), outs))
        return done if nout == 2 else done[0]

    core.__name__ = core.__qualname__ = name
    return core


CORES: Dict[Tuple[str, str], Callable[..., Any]] = {
    (act.name, op): make_core(act, op) for act in _spec.ACTIVATIONS for op in _spec.OPS
}
