"""Dask and xarray inputs for every public function.

`build()` in _api.py passes each public function that is not a single-output
ufunc through `dispatching()`.  The wrapper looks at the types of the inputs
only (no import, no conversion): plain NumPy input goes straight to the NumPy
function; a dask array goes through `dask.array.apply_gufunc` (lazy, chunks
kept, one NumPy call per block); an xarray object goes through
`xarray.apply_ufunc` (dims, coords and attrs kept; dask-backed data stays lazy).

Single-output ufuncs of the compiled backend are not wrapped: dask and xarray
handle them natively through ``__array_ufunc__``.  The fused two-output ufuncs
are wrapped because dask rejects custom ufuncs with two outputs, and the
fallback's plain functions because they work on NumPy arrays in place.

dask and xarray are never imported here: an input can only be a dask array if
dask is already in sys.modules, so that is where the classes are looked up.
"""
from __future__ import annotations

import sys
from typing import Any, Callable, Dict, List, Sequence, Tuple

import numpy as np

from fastact import _catalogue
from fastact._args import as_data


_DUCK_MODULES = ("dask.", "xarray.")
_NDARRAY = np.ndarray


def _kind(x: Any) -> str:
    """'dask', 'xarray' or '' (anything else) from the type alone: one attribute
    read and a string compare for NumPy input."""
    module = type(x).__module__
    if module.startswith("dask."):
        da = sys.modules.get("dask.array")
        if da is not None and isinstance(x, da.Array):
            return "dask"
    elif module.startswith("xarray."):
        xr = sys.modules.get("xarray")
        if xr is not None and isinstance(x, (xr.DataArray, xr.Dataset, xr.Variable)):
            return "xarray"
    return ""


def _plain(x: Any) -> bool:
    """Not a dask or xarray object, from its type alone."""
    t = type(x)
    return t is np.ndarray or not t.__module__.startswith(_DUCK_MODULES)


def _plain_out(out: Any) -> bool:
    if type(out) is not tuple:
        return _plain(out)
    for o in out:
        if type(o) is not np.ndarray and not _plain(o):
            return False
    return True


def _outs(kwargs: Dict[str, Any]) -> Tuple[Any, ...]:
    out = kwargs.get("out")
    return out if isinstance(out, tuple) else () if out is None else (out,)


def _duck_kind(args: Sequence[Any], kwargs: Dict[str, Any]) -> str:
    """The kind the call dispatches on: xarray wins over dask (xarray unwraps to
    dask itself), '' means plain NumPy.  out= counts, as it does for a ufunc's
    __array_ufunc__ (a dask out= makes a NumPy call lazy)."""
    found = ""
    for x in (*args, kwargs.get("alpha"), *_outs(kwargs)):
        kind = _kind(x)
        if kind == "xarray":
            return kind
        found = found or kind
    return found


class _Call:
    """One call split into array inputs (data, and the parameters given as
    arrays), fixed keywords and out=, so dask/xarray can hand us blocks of the
    arrays."""

    def __init__(self, act: _catalogue.Activation, op: str, args: Sequence[Any],
                 kwargs: Dict[str, Any]) -> None:
        name = _catalogue.public_name(act, op)
        nin = _catalogue.OP_NIN[op]
        self.outs = _outs(kwargs)
        if any(_kind(o) == "xarray" for o in self.outs):
            # What xarray's __array_ufunc__ says for a NumPy ufunc, here too.
            raise NotImplementedError(f"fastact.{name}: xarray objects are not supported as "
                                      "out= (pass NumPy arrays, e.g. .values)")
        if len(args) < nin:
            raise TypeError(f"fastact.{name}() takes {nin} positional input"
                            f"{'s' if nin > 1 else ''}, got {len(args)}")
        self.out = kwargs.get("out")
        kwargs = {k: v for k, v in kwargs.items() if k != "out"}
        positional = [p.name for p in act.signature_params(op) if p.positional]
        if nin < len(args) <= nin + len(positional):
            for n, v in zip(positional, args[nin:]):  # given positionally
                if n not in kwargs:
                    kwargs[n] = v
            args = args[:nin]
        self.arrays: List[Any] = list(args)
        # An array parameter broadcasts against z, so it is cut into blocks with it.
        self.array_params = tuple(
            n for n in (p.name for p in act.signature_params(op) if p.array)
            if n in kwargs and (_kind(kwargs[n]) != "" or np.ndim(kwargs[n]) > 0))
        self.arrays += [kwargs.pop(n) for n in self.array_params]
        self.nin = nin
        self.kwargs = kwargs
        self.name = name


class _Block:
    """The per-block function: the NumPy-level public function of one backend.

    Pickled by (backend, name), not by value, so dask.distributed workers get
    their own compiled ufunc or fallback function."""

    def __init__(self, backend: str, name: str, nin: int, array_params: Tuple[str, ...],
                 kwargs: Dict[str, Any], fn: Callable[..., Any],
                 rebuild: Callable[..., Any]) -> None:
        self.backend, self.name, self.nin = backend, name, nin
        self.array_params, self.kwargs, self.fn = array_params, kwargs, fn
        self.rebuild = rebuild

    def __call__(self, *arrays: Any) -> Any:
        kwargs = self.kwargs
        if self.array_params:
            kwargs = dict(kwargs, **dict(zip(self.array_params, arrays[self.nin:])))
        return self.fn(*arrays[:self.nin], **kwargs)

    def __reduce__(self) -> Any:
        return (_rebuild_block, (self.rebuild, self.backend, self.name, self.nin,
                                 self.array_params, self.kwargs))


def _rebuild_block(rebuild: Callable[..., Any], backend: str, name: str, nin: int,
                   array_params: Tuple[str, ...], kwargs: Dict[str, Any]) -> _Block:
    """On a dask worker: the block function of the same backend, found again by
    `rebuild` (fastact._backends.public_function, pickled by reference), which
    keeps this module free of an import of the backends."""
    fn = rebuild(backend, name)
    return _Block(backend, name, nin, array_params, kwargs, getattr(fn, "__wrapped__", fn),
                  rebuild)


def _sample(x: Any) -> Any:
    """A one-element NumPy stand-in with x's dtype (ones: valid for every
    parameter check), used to validate the call and find the output dtypes
    before any block is computed."""
    dt = getattr(x, "dtype", None)
    if isinstance(dt, np.dtype):
        return np.ones(1, dtype=dt)
    return np.ones(1, dtype=np.asarray(x).dtype)


def _output_dtypes(block: _Block, arrays: Sequence[Any], nout: int) -> List[np.dtype]:
    with np.errstate(all="ignore"):
        result = block(*(_sample(x) for x in arrays))
    results = result if nout == 2 else (result,)
    return [np.asarray(r).dtype for r in results]


def _apply_dask(block: _Block, arrays: Sequence[Any], nout: int,
                outs: Tuple[Any, ...]) -> Any:
    import dask.array as da
    from dask.array.core import handle_out

    dtypes = _output_dtypes(block, arrays, nout)  # raises now for bad input, not at compute
    inputs = [da.asarray(x) for x in arrays]
    # Broadcasting inputs must be cut the same way: unify their chunks on the
    # trailing dims they share (dims of length 1 are left alone).
    ndim = max(x.ndim for x in inputs)
    letters = "abcdefghijklmnopqrstuvwxyz"[:ndim] if ndim <= 26 else None
    if len(inputs) > 1 and letters is not None:
        pairs: List[Any] = []
        for x in inputs:
            pairs += [x, letters[ndim - x.ndim:]]
        inputs = list(da.core.unify_chunks(*pairs)[1])
    signature = ",".join(["()"] * len(inputs)) + "->" + ",".join(["()"] * nout)
    result = da.apply_gufunc(block, signature, *inputs, output_dtypes=dtypes,
                             vectorize=False, allow_rechunk=False)
    results = tuple(result) if nout == 2 else (result,)
    if outs:
        # out= as dask's own elementwise ufuncs take it: a dask array becomes
        # the lazy result; a NumPy array is dask's NotImplementedError.
        results = tuple(handle_out(o, r) for o, r in zip(outs, results))
    return results if nout == 2 else results[0]


def _apply_xarray(public: Callable[..., Any], call: _Call, nout: int) -> Any:
    import xarray as xr

    def on_data(*arrays: Any) -> Any:
        # xarray hands over the bare data: NumPy, or dask when the object is
        # dask-backed, and the public function dispatches that again.
        kwargs = dict(call.kwargs)
        kwargs.update(zip(call.array_params, arrays[call.nin:]))
        if call.out is not None:
            # as xarray does for a NumPy ufunc: NumPy data is written into the
            # NumPy out= arrays, which the result then wraps
            kwargs["out"] = call.out
        return public(*arrays[:call.nin], **kwargs)

    # The options xarray itself applies to NumPy ufuncs (see xarray's
    # __array_ufunc__), so the compiled backend's ufuncs, which xarray handles
    # natively, and these wrappers align and keep attrs alike.
    join = xr.get_options()["arithmetic_join"]
    return xr.apply_ufunc(on_data, *call.arrays, output_core_dims=[()] * nout,
                          join=join, dataset_join=join, dataset_fill_value=np.nan,
                          dask="allowed", keep_attrs=True)


def dispatching(act: _catalogue.Activation, op: str, fn: Callable[..., Any], backend: str,
                rebuild: Callable[..., Any], doc: str,
                signature: Any) -> Callable[..., Any]:
    """`fn` (the NumPy-level public function) that also takes dask and xarray."""
    nout = _catalogue.OP_NOUT[op]
    array_params = tuple(p.name for p in act.signature_params(op) if p.array)

    def public(*args: Any, **kwargs: Any) -> Any:
        # The NumPy path: an identity test per input (a type-module prefix test
        # for other types), nothing imported, nothing converted.
        for x in args:
            t = type(x)
            if t is not _NDARRAY and (t.__module__.startswith(_DUCK_MODULES)
                                        or t is list or t is tuple):
                break
        else:
            if not kwargs:
                return fn(*args)
            out = kwargs.get("out")
            if out is None and "out" in kwargs:
                # out=None means "allocate"; NumPy's two-output ufuncs refuse it
                kwargs = {k: v for k, v in kwargs.items() if k != "out"}
            # most operations have no array parameter: skip building the
            # generator for them (~200 ns of a 16-element call with out=)
            if (not array_params or all(_plain(kwargs.get(n)) for n in array_params)) \
                    and _plain_out(out):
                return fn(*args, **kwargs)
        kind = _duck_kind(args, kwargs)
        if not kind:
            # sequences converted here: a ragged one is a ValueError on every NumPy
            return fn(*(as_data(x) for x in args), **kwargs)
        call = _Call(act, op, args, kwargs)
        if kind == "xarray":
            return _apply_xarray(public, call, nout)
        block = _Block(backend, call.name, call.nin, call.array_params, call.kwargs, fn, rebuild)
        return _apply_dask(block, call.arrays, nout, call.outs)

    public.__name__ = public.__qualname__ = _catalogue.public_name(act, op)
    public.__doc__ = doc
    public.__module__ = "fastact"
    public.__signature__ = signature  # type: ignore[attr-defined]
    public.__wrapped__ = fn  # type: ignore[attr-defined]
    return public


__all__: Tuple[str, ...] = ("dispatching",)
