"""Reference results for the ecosystem tests (dask, xarray, distributed, eval):
the suite's independent float64 formulas (tests/reference.py), arranged per
public function and operation."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

import numpy as np

import reference

NAMES = ("sigmoid", "tanh", "relu", "leaky_relu")
OPS = ("value", "derivative", "derivative_from_a", "and_derivative", "backward",
       "backward_from_a")
ALPHA = 0.01


def public(name: str, op: str) -> str:
    return name if op == "value" else f"{name}_{op}"


def value_and_derivative(name: str, z: Any, alpha: float = ALPHA,
                         at_zero: Optional[float] = None) -> Tuple[np.ndarray, np.ndarray]:
    """g(z) and g'(z) from the suite's float64 references (tests/reference.py)."""
    z = np.asarray(z, dtype=np.float64)
    if name == "leaky_relu":
        return reference.leaky_relu(z, alpha), reference.leaky_relu_derivative(z, alpha, at_zero)
    if name == "relu":
        return reference.relu(z), reference.relu_derivative(z, 0.0 if at_zero is None else at_zero)
    return reference.VALUE[name](z), reference.DERIVATIVE[name](z)


def grid(n: int = 2001) -> np.ndarray:
    """z over [-8, 8] with an exact 0 (the kink) in it."""
    z = np.linspace(-8.0, 8.0, n)
    z[n // 2] = 0.0
    return z


def call(name: str, op: str, z: Any, grad: Any, a: Any) -> Tuple[List[Any], Dict[str, Any]]:
    """(positional inputs, keywords) of the public function for op, given z, the
    upstream gradient and a = g(z) (each may be NumPy, dask or xarray)."""
    data = {"value": [z], "derivative": [z], "derivative_from_a": [a],
            "and_derivative": [z], "backward": [grad, z], "backward_from_a": [grad, a]}[op]
    return data, {}


def expected(name: str, op: str, z: Any, grad: Any) -> Any:
    """The reference result of op (a tuple for and_derivative)."""
    a, d = value_and_derivative(name, z)
    if op in ("derivative_from_a", "backward_from_a"):
        # From a, the textbook formulas in a (a * (1 - a) cancels near a = 1, so
        # comparing it with g'(z) would test the formula, not the code).
        if name == "sigmoid":
            d = a * (1 - a)
        elif name == "tanh":
            d = 1 - a * a
        elif name == "relu":
            d = np.where(a > 0, 1.0, 0.0)  # from a, relu'(0) is 0 by definition
    if op == "value":
        return a
    if op in ("derivative", "derivative_from_a"):
        return d
    if op == "and_derivative":
        return a, d
    return np.asarray(grad, dtype=np.float64) * d


def tolerance(op: str) -> Dict[str, float]:
    """From a, 1 - a*a and (1 - a)(1 + a) are both right to a few ulp of 1 (not
    of the result): an absolute tolerance there, a relative one elsewhere."""
    if op.endswith("from_a"):
        return {"rtol": 1e-13, "atol": 1e-15}
    return {"rtol": 1e-13, "atol": 1e-300}


def check(result: Any, want: Any, rtol: float = 1e-13, atol: float = 1e-300) -> None:
    """Every output equal to the reference to rtol/atol."""
    results = result if isinstance(want, tuple) else (result,)
    wants = want if isinstance(want, tuple) else (want,)
    assert len(results) == len(wants)
    for r, w in zip(results, wants):
        np.testing.assert_allclose(np.asarray(r, dtype=np.float64), w, rtol=rtol, atol=atol)
