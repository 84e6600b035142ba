"""PReLU's gradient with respect to its slope: the one function of the
piecewise family that is not elementwise in z alone (it reduces), so it is not a
catalogue entry; both backends share it (it is NumPy's minimum, multiply and
pairwise sum, whichever backend computes the rest)."""
from __future__ import annotations

import numbers
from typing import Any, Tuple, Union

import numpy as np

from fastact._args import as_data, compute_dtype

_NAME = "fastact.prelu_backward_weight"


def _result_dtype(data: Tuple[Any, ...]) -> np.dtype:
    """The elementwise functions' rule: float16/32/64 keep their dtype, integers
    and bool give float64; anything else is a TypeError naming the dtype."""
    dts = [np.dtype(type(x)) if isinstance(x, (bool, int, float)) else x.dtype for x in data]
    for dt in dts:
        if not isinstance(dt, np.dtype) or dt.kind not in "biuf":
            raise TypeError(f"{_NAME}: unsupported dtype {dt} (expected real floating, integer "
                            "or boolean input)")
    rt = np.result_type(*data)
    return rt if rt.kind == "f" else np.dtype(np.float64)


def _check_axis(axis: Any) -> None:
    ok = axis is None or (isinstance(axis, numbers.Integral) and not isinstance(axis, bool)) \
        or (isinstance(axis, tuple) and all(isinstance(i, numbers.Integral)
                                            and not isinstance(i, bool) for i in axis))
    if not ok:
        raise TypeError(f"{_NAME}: axis must be None, an int or a tuple of ints, not "
                        f"{type(axis).__name__}")


def prelu_backward_weight(grad: Any, z: Any, /, *,
                          axis: Union[None, int, Tuple[int, ...]] = None,
                          keepdims: bool = False) -> Any:
    """prelu_backward_weight(grad, z, /, *, axis=None, keepdims=False)

    The gradient of a loss with respect to prelu's weight: grad * min(z, 0)
    (d prelu(z, w) / dw = z for z <= 0, 0 for z > 0; grad and z broadcast).

    axis: None (default) gives that product elementwise, unreduced; an int or a
    tuple of ints sums it over those axes (pairwise, in float32 for
    float16/float32 data, float64 otherwise, as NumPy's sum), keepdims as in
    numpy.sum.  For weight of shape (C,) on NCHW data (PyTorch's PReLU),
    axis=(0, 2, 3) gives the gradient of shape (C,).

    float32 in gives float32 out, float64 gives float64, float16 gives float16;
    integers and bool give float64. NaN in gives NaN out quietly. A dask array
    gives a lazy dask array.

    Example::

        >>> import fastact
        >>> fastact.prelu_backward_weight([[1.0, 2.0], [1.0, 1.0]], [[-2.0, 3.0], [-1.0, -0.5]], axis=0)
        array([-3. , -0.5])
    """
    data = (as_data(grad), as_data(z))
    rt = _result_dtype(data)
    ct = compute_dtype(data)
    _check_axis(axis)
    if not isinstance(keepdims, (bool, np.bool_)):
        raise TypeError(f"{_NAME}: keepdims must be a bool, not {type(keepdims).__name__}")
    with np.errstate(all="ignore"):  # 0 * -inf is NaN, quietly
        g = np.multiply(data[0], np.minimum(data[1], 0, dtype=ct), dtype=ct)
        if axis is not None:
            g = np.sum(g, axis=axis, keepdims=bool(keepdims))
    return g if g.dtype == rt else g.astype(rt)
