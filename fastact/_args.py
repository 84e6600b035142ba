"""The conventions of a call's data arguments, shared by the API wrappers, the
dask/xarray dispatch and the fallback: sequences to arrays (ragged ones are a
ValueError on every NumPy), the computation dtype, and out= checked as a ufunc
checks it."""
from __future__ import annotations

import warnings
from typing import Any, Tuple

import numpy as np

_F32, _F64 = np.dtype(np.float32), np.dtype(np.float64)
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
