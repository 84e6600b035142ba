"""Builds the public functions from a backend's cores and the activation table.

A core is what a backend provides per (activation, operation): the compiled
ufunc, or the fallback function with the same calling convention (data inputs,
then parameter inputs, then out=).  Operations without parameters are the core
itself; the others get a thin wrapper that validates alpha / at_zero and turns
keywords into the core's parameter inputs.
"""
from __future__ import annotations

import decimal
import inspect
import math
import numbers
import warnings
from typing import Any, Callable, Dict, Mapping, Tuple

import numpy as np

from fastact import _spec

Cores = Mapping[Tuple[str, str], Callable[..., Any]]


_F32, _F64 = np.dtype(np.float32), np.dtype(np.float64)
_F32_MAX = float(np.finfo(np.float32).max)
# Data dtypes computed in float32 (any byte order); every other dtype is
# computed in float64 (or rejected by the core).
_F32_COMPUTE = frozenset(np.dtype(c).newbyteorder(o) for c in "ef" for o in ("<", ">"))


# NumPy < 1.24 turns a ragged nested sequence into an object array with a
# VisibleDeprecationWarning; later versions raise ValueError.
_RAGGED_WARNS = np.lib.NumpyVersion(np.__version__) < "1.24.0"
_VisibleDeprecation = getattr(getattr(np, "exceptions", np), "VisibleDeprecationWarning")


def as_data(x: Any) -> Any:
    """x unchanged if NumPy can tell its dtype without converting it (arrays,
    NumPy and Python scalars, duck arrays); otherwise (lists, tuples) the array
    it stands for, a ValueError for a ragged sequence on every NumPy."""
    if isinstance(x, (bool, int, float)) or isinstance(getattr(x, "dtype", None), np.dtype):
        return x
    if not _RAGGED_WARNS:
        return np.asarray(x)
    # Old NumPy only: the warning is the only sign of raggedness.  (This filter
    # change is process-wide for its duration, as catch_warnings always is.)
    with warnings.catch_warnings():
        warnings.simplefilter("error", _VisibleDeprecation)
        try:
            return np.asarray(x)
        except _VisibleDeprecation:
            raise ValueError("setting an array element with a sequence: the input is a "
                             "ragged nested sequence (inhomogeneous shape)") from None


def compute_dtype(data: Tuple[Any, ...]) -> np.dtype:
    """float32 when the data inputs (already through _as_data) give float16 or
    float32, float64 otherwise: the dtype the parameters are converted to.  A
    dtype the core rejects gives float64 here and the core's TypeError later."""
    if len(data) == 1:
        dt = getattr(data[0], "dtype", None)
    else:
        try:
            dt = np.result_type(*data)
        except TypeError:
            return _F64
    return _F32 if dt in _F32_COMPUTE else _F64


def _shown(v: Any) -> str:
    """A number for an error message (an int too large for a float included)."""
    if isinstance(v, int) and not isinstance(v, bool):
        return format(decimal.Decimal(v).normalize(), ".6g")
    return repr(v)


def _real_scalar(name: str, what: str, v: Any) -> float:
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (numbers.Real, np.integer,
                                                               np.floating)):
        raise TypeError(f"fastact.{name}: {what} must be a real number, not "
                        f"{type(v).__name__}")
    try:
        f = float(v)
    except OverflowError:  # an int beyond the float64 range
        f = math.inf
    if not math.isfinite(f):
        raise ValueError(f"fastact.{name}: {what} must be finite, got {_shown(v)}")
    return f


def to_compute(name: str, what: str, value: Any, ct: np.dtype, positive: bool) -> Any:
    """A validated parameter (a float, or a finite real array) in the computation
    dtype ct, so that it cannot change the result dtype on any NumPy (NumPy 1.x
    promotes float32 scalars with a float64 scalar parameter).  A value float32
    cannot hold, or a positive one it rounds to 0 where alpha > 0 is needed, is
    a ValueError: it would compute inf * 0 = NaN, or the wrong branch."""
    if ct is _F64:
        return value if isinstance(value, float) else value.astype(_F64, copy=False)
    # (the array compared in float64: _F32_MAX would overflow a float16 array)
    big = (abs(value) if isinstance(value, float) else np.abs(value, dtype=_F64)) > _F32_MAX
    if np.any(big):
        raise ValueError(f"fastact.{name}: {what} = {value!r} is not representable in "
                         "float32, the computation dtype of float16/float32 data "
                         f"(|{what}| <= {_F32_MAX:.7g})")
    converted = ct.type(value) if isinstance(value, float) else value.astype(ct)
    if positive and np.any(converted == 0):
        raise ValueError(f"fastact.{name}: {what} = {value!r} rounds to 0 in float32, the "
                         f"computation dtype of float16/float32 data (needs {what} > 0)")
    return converted


def check_alpha(name: str, alpha: Any, positive: bool) -> Any:
    """A scalar alpha becomes a Python float; an array alpha (broadcasting against
    z) a finite real array.  to_compute() then gives it the computation dtype."""
    if np.ndim(alpha) == 0 and not isinstance(alpha, np.ndarray):
        value: Any = _real_scalar(name, "alpha", alpha)
        ok = value > 0
    else:
        if isinstance(alpha, np.ndarray) and alpha.ndim == 0:
            return check_alpha(name, alpha[()], positive)
        value = np.array(alpha)  # parameters are small; data is never copied here
        if value.dtype.kind not in "iuf":
            raise TypeError(f"fastact.{name}: alpha must be real numbers, not dtype {value.dtype}")
        if not np.all(np.isfinite(value)):
            raise ValueError(f"fastact.{name}: alpha must be finite")
        ok = bool(np.all(value > 0))
    if positive and not ok:
        raise ValueError(f"fastact.{name}: needs alpha > 0 (with alpha <= 0 the output a "
                         "does not tell whether z was positive); got alpha = "
                         f"{alpha!r}")
    return value


def out_tuple(name: str, out: Any, nout: int) -> Tuple[Any, ...]:
    """out= as a tuple of nout entries (ndarray or None), with the exception
    types NumPy's ufuncs raise, checked first as a ufunc checks it: a tuple of
    the wrong length is a ValueError; a non-tuple where two outputs are
    expected, or an entry that is not an ndarray, a TypeError."""
    if out is None:
        return (None,) * nout
    if not isinstance(out, tuple):
        if nout > 1:
            raise TypeError(f"fastact.{name}: 'out' must be a tuple of {nout} arrays "
                            f"(or None), not {type(out).__name__}")
        out = (out,)
    if len(out) != nout:
        raise ValueError(f"fastact.{name}: the 'out' tuple must have exactly one entry per "
                         f"output ({nout}), got {len(out)}")
    for o in out:
        if o is not None and not isinstance(o, np.ndarray):
            raise TypeError(f"fastact.{name}: 'out' must hold numpy.ndarray (or None), "
                            f"not {type(o).__name__}")
    return out


def _wrap(act: _spec.Activation, op: str, core: Callable[..., Any],
          doc: str) -> Callable[..., Any]:
    name = _spec.public_name(act, op)
    nin, nout = _spec.OP_NIN[op], _spec.OP_NOUT[op]
    params = act.params(op)
    positive = op in _spec.FROM_A_OPS
    accepted = {"out"} | ({"alpha"} if act.has_alpha else set()) | \
        ({"at_zero"} if "at_zero" in params else set())

    # Activation.params(op) is always a run of ("alpha", "at_zero"): slice it.
    first = 0 if params[:1] == ("alpha",) else 1
    last = first + len(params)
    assert params == ("alpha", "at_zero")[first:last], params
    kink_is_alpha = act.at_zero_default == "alpha"

    def param_values(alpha: Any, at_zero: Any = None) -> Tuple[Any, ...]:
        """The parameter inputs of the core, in its order; at_zero=None is the
        activation's kink convention (alpha, or 0)."""
        if at_zero is None:
            at_zero = alpha if kink_is_alpha else 0.0
        return (alpha, at_zero)[first:last]

    # The common calls are kept to a dtype lookup and a tuple concatenation
    # (small arrays are dominated by per-call cost): data only, and data with
    # alpha=<float>.  The defaults exist in both computation dtypes.
    defaults = {ct: tuple(to_compute(name, "alpha", v, ct, False)
                          for v in param_values(_spec.DEFAULT_ALPHA)) for ct in (_F32, _F64)}

    def fast_ct(args: Tuple[Any, ...]) -> Any:
        """The computation dtype where the first input's dtype alone decides it
        (one input, or two of the same dtype), else None (the general path)."""
        x = args[0]
        dt = getattr(x, "dtype", None)
        if dt is None:
            return _F64 if nin == 1 and type(x) in (float, int) else None
        if nin == 2 and getattr(args[1], "dtype", None) is not dt:
            return None
        return _F32 if dt in _F32_COMPUTE else _F64

    has_at_zero = "at_zero" in params

    def fast_param(what: str, v: Any, ct: Any) -> Any:
        """A float parameter validated without the general checks (None: not a
        plain finite float, or not positive where that is needed): a float is
        already float64's parameter, float32 data gets it converted."""
        if type(v) is not float or not math.isfinite(v) or (what == "alpha" and positive
                                                               and not v > 0):
            return None
        return v if ct is _F64 else to_compute(name, what, v, ct, positive and what == "alpha")

    def fn(*args: Any, **kwargs: Any) -> Any:
        # The common calls are kept short (small arrays are dominated by per-call
        # cost): data only, with alpha=<float> (keyword or positional) or with
        # at_zero=<float>, each with or without out=; everything else takes general().
        if len(args) == nin + 1 and act.has_alpha and not kwargs:
            ct = fast_ct(args)
            alpha = None if ct is None else fast_param("alpha", args[nin], ct)
            if alpha is not None:
                return core(*args[:nin], *param_values(alpha))
        elif len(args) == nin:
            ct = fast_ct(args)
            if ct is not None:
                if not kwargs:
                    return core(*args, *defaults[ct])
                out = kwargs.get("out")
                # an explicit out=None is "allocate"; NumPy refuses it for two outputs
                okw = {} if out is None else {"out": out}  # the core checks it as a ufunc
                nparam = len(kwargs) - ("out" in kwargs)
                if nparam == 0:
                    return core(*args, *defaults[ct], **okw)
                if nparam == 1:
                    if act.has_alpha and "alpha" in kwargs:
                        alpha = fast_param("alpha", kwargs["alpha"], ct)
                        if alpha is not None:
                            return core(*args, *param_values(alpha), **okw)
                    elif has_at_zero and "at_zero" in kwargs:
                        at_zero = fast_param("at_zero", kwargs["at_zero"], ct)
                        if at_zero is not None:
                            return core(*args, *defaults[ct][:-1], at_zero, **okw)
        return general(args, kwargs)

    def general(args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Any:
        bad = set(kwargs) - accepted
        if bad:
            raise TypeError(f"fastact.{name}() got an unexpected keyword argument "
                            f"{sorted(bad)[0]!r}")
        max_pos = nin + (1 if act.has_alpha else 0)
        if not nin <= len(args) <= max_pos:
            raise TypeError(f"fastact.{name}() takes {nin} positional input"
                            f"{'s' if nin > 1 else ''}"
                            f"{' and an optional alpha' if act.has_alpha else ''}, "
                            f"got {len(args)}")
        if len(args) > nin:
            if "alpha" in kwargs:
                raise TypeError(f"fastact.{name}() got multiple values for argument 'alpha'")
            kwargs["alpha"] = args[nin]
        # As in a ufunc, the structure of out= is checked before anything else.
        out = kwargs.get("out")
        out_tuple(name, out, nout)
        data = tuple(as_data(x) for x in args[:nin])
        ct = compute_dtype(data)
        alpha = None
        if act.has_alpha:
            alpha = to_compute(name, "alpha",
                               check_alpha(name, kwargs.get("alpha", _spec.DEFAULT_ALPHA),
                                           positive), ct, positive)
        at_zero = kwargs.get("at_zero")
        if at_zero is None and not kink_is_alpha:
            at_zero = 0.0
        if at_zero is not None:
            at_zero = to_compute(name, "at_zero", _real_scalar(name, "at_zero", at_zero),
                                 ct, False)
        # NumPy rejects an explicit out=None on two-output ufuncs: pass it only if given.
        return core(*data, *param_values(alpha, at_zero),
                    **({} if out is None else {"out": out}))

    fn.__signature__ = signature(act, op)  # type: ignore[attr-defined]
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    fn.__module__ = "fastact"
    return fn


def signature(act: _spec.Activation, op: str) -> inspect.Signature:
    P = inspect.Parameter
    sig = [P(a, P.POSITIONAL_ONLY) for a in _spec.OP_ARGS[op]]
    if act.has_alpha:
        sig.append(P("alpha", P.POSITIONAL_OR_KEYWORD, default=_spec.DEFAULT_ALPHA))
    if "at_zero" in act.params(op):
        sig.append(P("at_zero", P.KEYWORD_ONLY, default=None))
    sig.append(P("out", P.KEYWORD_ONLY, default=None))
    return inspect.Signature(sig)


def build(cores: Cores, docs: bool = True) -> Dict[str, Callable[..., Any]]:
    """{public name: function} for every activation x operation."""
    from fastact import _docs, _duck

    backend = _duck.backend_of(cores)
    api: Dict[str, Callable[..., Any]] = {}
    for act in _spec.ACTIVATIONS:
        for op in _spec.OPS:
            core = cores[act.name, op]
            doc = _docs.docstring(act, op) if docs else ""
            fn = _wrap(act, op, core, doc) if act.params(op) else core
            # dask and xarray: natively for single-output ufuncs (__array_ufunc__),
            # through _duck's wrapper (a type check for NumPy input) otherwise.
            if not (isinstance(fn, np.ufunc) and fn.nout == 1):
                fn = _duck.dispatching(act, op, fn, backend, doc, signature(act, op))
            api[_spec.public_name(act, op)] = fn
    return api
