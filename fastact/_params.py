"""Parameter validation, driven by the catalogue's descriptors (Param).

A parameter is validated once per call, then converted to the computation
dtype (float32 for float16/float32 data, float64 otherwise), so that it can
never change the result dtype on any NumPy (NumPy 1.x promotes float32 data
with a float64 scalar parameter)."""
from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from fastact._catalogue import Param

_F32, _F64 = np.dtype(np.float32), np.dtype(np.float64)
_F32_MAX = float(np.finfo(np.float32).max)


def shown(v: Any) -> str:
    """A number for an error message (an int too large for a float included)."""
    if isinstance(v, int) and not isinstance(v, bool):
        import decimal  # error messages only
        return format(decimal.Decimal(v).normalize(), ".6g")
    return repr(v)


def real_scalar(name: str, what: str, v: Any, allow_inf: bool = False) -> float:
    """v as a Python float: a real number (not bool), finite unless allow_inf."""
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (numbers.Real, np.integer,
                                                               np.floating)):
        raise TypeError(f"fastact.{name}: {what} must be a real number, not "
                        f"{type(v).__name__}")
    try:
        f = float(v)
    except OverflowError:  # an int beyond the float64 range
        f = math.inf if v > 0 else -math.inf  # type: ignore[operator]  # an int here
    if math.isnan(f) or (math.isinf(f) and not allow_inf):
        raise ValueError(f"fastact.{name}: {what} must be finite, got {shown(v)}")
    return f


def real_array(name: str, what: str, v: Any) -> np.ndarray:
    value = np.array(v)  # parameters are small; data is never copied here
    if value.dtype.kind not in "iuf":
        raise TypeError(f"fastact.{name}: {what} must be real numbers, not dtype {value.dtype}")
    if not np.all(np.isfinite(value)):
        raise ValueError(f"fastact.{name}: {what} must be finite")
    return value


def check(name: str, p: Param, op: str, v: Any) -> Any:
    """A validated numeric parameter: a Python float, or (where p.array) a finite
    real array broadcasting against the data; the relations of p that op needs
    (> 0, >= 0, != 0) hold."""
    if p.array and (np.ndim(v) > 0 or isinstance(v, np.ndarray)):
        if np.ndim(v) == 0:
            return check(name, p, op, np.asarray(v)[()])
        value: Any = real_array(name, p.name, v)
    else:
        value = real_scalar(name, p.name, v, p.allow_inf)
    if op in p.positive and not np.all(value > 0):
        why = f" ({p.positive_why})" if p.positive_why else ""
        raise ValueError(f"fastact.{name}: needs {p.name} > 0{why}; got {p.name} = {v!r}")
    if op in p.nonnegative and not np.all(value >= 0):
        raise ValueError(f"fastact.{name}: needs {p.name} >= 0; got {p.name} = {v!r}")
    if op in p.nonzero and not np.all(value != 0):
        raise ValueError(f"fastact.{name}: needs {p.name} != 0; got {p.name} = {v!r}")
    return value


def to_compute(name: str, what: str, value: Any, ct: np.dtype, positive: bool) -> Any:
    """A validated parameter (a float, or a finite real array) in the computation
    dtype ct.  A finite value float32 cannot hold, or a positive one it rounds
    to 0 where > 0 is needed, is a ValueError: it would compute inf * 0 = NaN, or
    the wrong branch.  (Infinities, where allowed, stay infinities.)"""
    if ct is _F64:
        return value if isinstance(value, float) else value.astype(_F64, copy=False)
    if isinstance(value, float):
        # the same checks in plain Python: np.any on a scalar costs ~1.5 us, twice
        # the time of a parameterised call on small float32 data
        if math.inf != abs(value) > _F32_MAX:
            raise ValueError(_unrepresentable(name, what, value))
        converted = ct.type(value)
        if positive and converted == 0:
            raise ValueError(_rounds_to_zero(name, what, value))
        return converted
    # (the array compared in float64: _F32_MAX would overflow a float16 array)
    mag = np.abs(value, dtype=_F64)
    if np.any((mag > _F32_MAX) & (mag != math.inf)):
        raise ValueError(_unrepresentable(name, what, value))
    converted = value.astype(ct)
    if positive and np.any(converted == 0):
        raise ValueError(_rounds_to_zero(name, what, value))
    return converted


def _unrepresentable(name: str, what: str, value: Any) -> str:
    return (f"fastact.{name}: {what} = {value!r} is not representable in float32, the "
            f"computation dtype of float16/float32 data (|{what}| <= {_F32_MAX:.7g})")


def _rounds_to_zero(name: str, what: str, value: Any) -> str:
    return (f"fastact.{name}: {what} = {value!r} rounds to 0 in float32, the computation "
            f"dtype of float16/float32 data (needs {what} > 0)")


def check_choice(name: str, p: Param, v: Any) -> str:
    assert p.choices is not None
    if not isinstance(v, str):
        raise TypeError(f"fastact.{name}: {p.name} must be a string, not {type(v).__name__}")
    if v not in p.choices:
        raise ValueError(f"fastact.{name}: {p.name} must be one of "
                         f"{', '.join(map(repr, p.choices))}; got {v!r}")
    return v
