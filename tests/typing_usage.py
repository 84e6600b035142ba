"""Typed use of fastact, checked with `mypy --strict` by test_typing.py (and run
by it too): arrays in give arrays out, scalars give NumPy floating scalars, the
fused functions give pairs, keywords as at runtime."""
from __future__ import annotations

import sys
from typing import Any, Tuple

import numpy as np
from numpy.typing import NDArray

import fastact

if sys.version_info >= (3, 11):
    from typing import assert_type
else:  # pragma: no cover
    from typing_extensions import assert_type

z64: NDArray[np.float64] = np.linspace(-3.0, 3.0, 7, dtype=np.float64)  # older stubs need the dtype
z32: NDArray[np.float32] = z64.astype(np.float32)
zi: NDArray[np.int64] = np.arange(-3, 4, dtype=np.int64)

a = fastact.sigmoid(z64)
assert_type(a, NDArray[np.float64])
assert_type(fastact.tanh_derivative(z32), NDArray[np.float32])
assert_type(fastact.relu(zi), NDArray[np.floating[Any]])
assert_type(fastact.tanh(0.5), np.floating[Any])
assert_type(fastact.sigmoid_derivative_from_a(a), NDArray[np.float64])

pair = fastact.tanh_and_derivative(z32)
assert_type(pair, Tuple[NDArray[np.float32], NDArray[np.float32]])
value, slope = fastact.sigmoid_and_derivative(1.0)
assert_type(slope, np.floating[Any])

d = fastact.relu_derivative(z64, at_zero=0.5)
assert_type(d, NDArray[np.float64])
leak = fastact.leaky_relu(z64, 0.2)
leak2 = fastact.leaky_relu_derivative_from_a(leak, alpha=0.2, at_zero=1.0)
assert_type(leak2, NDArray[np.float64])
back = fastact.leaky_relu_backward(np.ones(7), z64, alpha=0.1, at_zero=0.0)
assert_type(back, NDArray[np.floating[Any]])
assert_type(fastact.tanh_backward_from_a(2.0, 0.5), np.floating[Any])

out = np.empty(7)
fastact.tanh(z64, out=out)
fastact.relu_and_derivative(z64, out=(np.empty(7), np.empty(7)))

anything = fastact.sigmoid([0.0, 1.0])  # lists, dask, xarray: Any
backend: str = fastact.BACKEND
names: Tuple[str, ...] = fastact.ACTIVATIONS
version: str = fastact.__version__
lesson = fastact.ActivationFunctions()
lesson.relu_derivative(z64)
writer = fastact.evaluate_file  # (str, str, str, *, op=..., ...) -> str

if __name__ == "__main__":
    fastact.show_config()
