"""Builds the public functions from a backend's cores and the activation table.

A core is what a backend provides per (activation, operation): the compiled
ufunc, or the fallback function with the same calling convention (data inputs,
then parameter inputs, then out=).  Operations without parameters are the core
itself; the others get a thin wrapper that validates alpha / at_zero and turns
keywords into the core's parameter inputs.
"""
from __future__ import annotations

import inspect
import math
import numbers
from typing import Any, Callable, Dict, Mapping, Tuple

import numpy as np

from . import _spec

Cores = Mapping[Tuple[str, str], Callable[..., Any]]


def _real_scalar(name: str, what: str, v: Any) -> float:
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (numbers.Real, np.integer,
                                                               np.floating)):
        raise TypeError(f"fastact.{name}: {what} must be a real number, not "
                        f"{type(v).__name__}")
    f = float(v)
    if not math.isfinite(f):
        raise ValueError(f"fastact.{name}: {what} must be finite, got {f}")
    return f


def check_alpha(name: str, alpha: Any, positive: bool) -> Any:
    """A scalar alpha becomes a Python float, which NumPy treats as weakly typed,
    so float32 input stays float32.  An array alpha broadcasts against z."""
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


def _wrap(act: _spec.Activation, op: str, core: Callable[..., Any],
          doc: str) -> Callable[..., Any]:
    name = _spec.public_name(act, op)
    nin = _spec.OP_NIN[op]
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

    # The common calls are kept to a tuple concatenation (small arrays are
    # dominated by per-call cost): data only, and data with alpha=<float>.
    defaults = param_values(_spec.DEFAULT_ALPHA)

    def fn(*args: Any, **kwargs: Any) -> Any:
        if not kwargs and len(args) == nin:
            return core(*args, *defaults)
        alpha = kwargs.get("alpha")
        if (act.has_alpha and type(alpha) is float and len(kwargs) == 1 and len(args) == nin
                and math.isfinite(alpha) and (alpha > 0 or not positive)):
            # alpha=<float>: validated here without the general checks below
            return core(*args, *param_values(alpha))
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
        alpha = None
        if act.has_alpha:
            alpha = check_alpha(name, kwargs.get("alpha", _spec.DEFAULT_ALPHA), positive)
        at_zero = kwargs.get("at_zero")
        if at_zero is not None:
            at_zero = _real_scalar(name, "at_zero", at_zero)
        out = kwargs.get("out")
        # NumPy rejects an explicit out=None on two-output ufuncs: pass it only if given.
        return core(*args[:nin], *param_values(alpha, at_zero),
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
    from . import _docs, _duck

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
