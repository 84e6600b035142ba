"""Builds the public functions from a backend's cores and the catalogue.

A core is what a backend provides per (C kernel row, operation): the compiled
ufunc, or the fallback function with the same calling convention (data inputs,
then the numeric parameter inputs in catalogue order, then out=).  Operations
without parameters are the core itself; the others get a thin wrapper, built
from the activation's parameter descriptors, that validates the parameters,
converts them to the computation dtype and turns keywords into the core's
parameter inputs (a choice parameter picks the core).
"""
from __future__ import annotations

import inspect
import math
from typing import Any, Callable, Dict, Mapping, Tuple, cast

import numpy as np

from fastact import _catalogue, _docs, _duck
from fastact._catalogue import Activation, Param
from fastact._args import _F32, _F32_COMPUTE, _F64, as_data, compute_dtype, out_tuple
from fastact._params import check, check_choice, to_compute

Cores = Mapping[Tuple[str, str], Callable[..., Any]]




def _resolve_defaults(act: Activation, op: str, given: Dict[str, Any]) -> Dict[str, Any]:
    """given (validated numeric parameters by name) completed for op: a None
    default takes its number, or the value of the parameter it names."""
    values = dict(given)
    for p in act.signature_params(op):
        if p.numeric and values.get(p.name) is None:
            values[p.name] = p.none_means if not isinstance(p.none_means, str) else None
    for p in act.signature_params(op):
        if p.numeric and values[p.name] is None:
            values[p.name] = values[cast(str, p.none_means)]  # the other parameter's name
    return values


def _wrap(act: Activation, op: str, cores: Mapping[str, Callable[..., Any]],
          doc: str) -> Callable[..., Any]:
    """The public function for (act, op); cores: {C kernel row: core}."""
    name = _catalogue.public_name(act, op)
    nin, nout = _catalogue.OP_NIN[op], _catalogue.OP_NOUT[op]
    sig_params = act.signature_params(op)
    by_name = {p.name: p for p in sig_params}
    ufunc_params = act.params(op)           # the core's parameter inputs, in order
    positional = [p for p in sig_params if p.positional]
    accepted = {"out", *by_name}
    relations = [r for r in act.relations if op in r.ops]
    choice = act.choice if act.choice is not None and op in act.choice.ops else None
    default_core = cores[act.kernels[0] if choice is None
                         else cast(Mapping[str, str], choice.choices)[cast(str, choice.default)]]

    def positive(p: Param) -> bool:
        return op in p.positive

    def compute(p: Param, v: Any, ct: np.dtype) -> Any:
        return to_compute(name, p.name, v, ct, positive(p))

    # Only the calls every check can be skipped for take the fast paths: data (and
    # out=) alone where no parameter is required and the defaults meet every
    # relation (a choice left out is its default: default_core); with one float
    # parameter besides only where no relation could fail.
    fast_ok = not any(p.required for p in sig_params)
    # The defaults of the parameter inputs, in both computation dtypes.
    defaults = {}
    if fast_ok:
        base = _resolve_defaults(act, op, {p.name: p.default for p in sig_params if p.numeric})
        fast_ok = all(r.holds(base) for r in relations)
        defaults = {ct: tuple(compute(by_name[n], float(base[n]), ct) for n in ufunc_params)
                    for ct in (_F32, _F64)}
    fast_one = fast_ok and not relations
    # Per parameter input: the core's positions it fills when given alone (its
    # own, and those of parameters whose None default follows it).
    fills = {n: tuple(i for i, m in enumerate(ufunc_params)
                      if m == n or by_name[m].none_means == n) for n in ufunc_params}

    def fast_ct(args: Tuple[Any, ...]) -> Any:
        """The computation dtype where the first input's dtype alone decides it
        (one input, or two of the same dtype), else None (the general path)."""
        x = args[0]
        dt = getattr(x, "dtype", None)
        if nin == 1 and (dt is _F32 or dt is _F64):
            return dt  # NumPy's native float dtypes are singletons: no hashing
        if dt is None:
            return _F64 if nin == 1 and type(x) in (float, int) else None
        if nin == 2 and getattr(args[1], "dtype", None) is not dt:
            return None
        return _F32 if dt in _F32_COMPUTE else _F64

    def fast_param(n: str, v: Any, ct: Any) -> Any:
        """A float parameter that needs no general check (else None): plain,
        finite, and positive/nonzero where op needs that; converted for float32
        data."""
        p = by_name[n]
        if type(v) is not float or not math.isfinite(v) or (positive(p) and not v > 0) \
                or (op in p.nonzero and v == 0) or (op in p.nonnegative and not v >= 0):
            return None
        return v if ct is _F64 else compute(p, v, ct)

    def with_one(ct: Any, n: str, v: Any) -> Any:
        """The default parameter inputs with n (and its followers) set to v."""
        pv = list(defaults[ct])
        for i in fills[n]:
            pv[i] = v
        return pv

    first_positional = positional[0].name if positional and positional[0].numeric else None

    def fn(*args: Any, **kwargs: Any) -> Any:
        # The common calls are kept short (small arrays are dominated by per-call
        # cost): data only, or with one float parameter (keyword, or the first
        # positional one), each with or without out=; everything else takes general().
        if fast_ok:
            if len(args) == nin + 1 and first_positional is not None and not kwargs and fast_one:
                ct = fast_ct(args)
                v = None if ct is None else fast_param(first_positional, args[nin], ct)
                if v is not None:
                    return default_core(*args[:nin], *with_one(ct, first_positional, v))
            elif len(args) == nin:
                ct = fast_ct(args)
                if ct is not None:
                    if not kwargs:
                        return default_core(*args, *defaults[ct])
                    out = kwargs.get("out")
                    # an explicit out=None is "allocate"; NumPy refuses it for two outputs
                    okw = {} if out is None else {"out": out}  # the core checks it as a ufunc
                    nparam = len(kwargs) - ("out" in kwargs)
                    if nparam == 0:
                        return default_core(*args, *defaults[ct], **okw)
                    if nparam == 1 and fast_one:
                        n = next(k for k in kwargs if k != "out")
                        if n in fills:
                            v = fast_param(n, kwargs[n], ct)
                            if v is not None:
                                return default_core(*args, *with_one(ct, n, v), **okw)
        return general(args, kwargs)

    def general(args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Any:
        bad = set(kwargs) - accepted
        if bad:
            raise TypeError(f"fastact.{name}() got an unexpected keyword argument "
                            f"{sorted(bad)[0]!r}")
        if not nin <= len(args) <= nin + len(positional):
            extra = "".join(f" and {'' if p.required else 'an optional '}{p.name}"
                            for p in positional)
            raise TypeError(f"fastact.{name}() takes {nin} positional input"
                            f"{'s' if nin > 1 else ''}{extra}, got {len(args)}")
        kwargs = dict(kwargs)
        for p, v in zip(positional, args[nin:]):
            if p.name in kwargs:
                raise TypeError(f"fastact.{name}() got multiple values for argument "
                                f"{p.name!r}")
            kwargs[p.name] = v
        # As in a ufunc, the structure of out= is checked before anything else.
        out = kwargs.pop("out", None)
        out_tuple(name, out, nout)
        data = tuple(as_data(x) for x in args[:nin])
        ct = compute_dtype(data)
        given: Dict[str, Any] = {}
        core = default_core
        for p in sig_params:
            v = kwargs.get(p.name, p.default)
            if p.required and v is p.default:
                raise TypeError(f"fastact.{name}() missing required argument {p.name!r}")
            if not p.numeric:
                core = cores[p.choices[check_choice(name, p, v)]]  # type: ignore[index]
            elif v is None and p.none_means is None:
                raise TypeError(f"fastact.{name}: {p.name} must be a real number, not None")
            elif v is not None:
                given[p.name] = compute(p, check(name, p, op, v), ct)
        values = _resolve_defaults(act, op, given)
        for r in relations:
            if not r.holds(values):
                got = ", ".join(f"{n} = {values[n]!r}" for n in values)
                raise ValueError(f"fastact.{name}: needs {r.message}; got {got}")
        # defaults (plain floats) in the computation dtype; the rest is converted
        pv = [values[n] if n in given or not isinstance(values[n], float)
              else compute(by_name[n], values[n], ct) for n in ufunc_params]
        # NumPy rejects an explicit out=None on two-output ufuncs: pass it only if given.
        return core(*data, *pv, **({} if out is None else {"out": out}))

    fn.__signature__ = signature(act, op)  # type: ignore[attr-defined]
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    fn.__module__ = "fastact"
    return fn


def signature(act: Activation, op: str) -> inspect.Signature:
    P = inspect.Parameter
    sig = [P(a, P.POSITIONAL_ONLY) for a in _catalogue.OP_ARGS[op]]
    for p in act.signature_params(op):
        kind = P.POSITIONAL_OR_KEYWORD if p.positional else P.KEYWORD_ONLY
        sig.append(P(p.name, kind, default=P.empty if p.required else p.default))
    sig.append(P("out", P.KEYWORD_ONLY, default=None))
    return inspect.Signature(sig)


def public(act: Activation, op: str, cores: Cores, backend: str,
           rebuild: Callable[..., Any], docs: bool = True) -> Callable[..., Any]:
    """The public function for (act, op).  cores: {(C kernel row, op): core};
    rebuild(backend, name): the public function of a backend by name (how a dask
    worker finds it again); docs=False leaves the docstring empty."""
    row_cores = {row: cores[row, op] for row in act.kernels}
    doc = _docs.docstring(act, op) if docs else ""
    if act.signature_params(op):
        fn = _wrap(act, op, row_cores, doc)
    else:
        fn = row_cores[act.name]
    # dask and xarray: natively for single-output ufuncs (__array_ufunc__),
    # through _duck's wrapper (a type check for NumPy input) otherwise.
    if not (isinstance(fn, np.ufunc) and fn.nout == 1):
        fn = _duck.dispatching(act, op, fn, backend, rebuild, doc, signature(act, op))
    return fn


def build(cores: Cores, backend: str, rebuild: Callable[..., Any],
          docs: bool = True) -> Dict[str, Callable[..., Any]]:
    """{public name: function} for every activation x operation it offers (see
    public())."""
    return {name: public(act, op, cores, backend, rebuild, docs)
            for name, (act, op) in _catalogue.OPERATION_OF.items()}
