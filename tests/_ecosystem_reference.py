"""Reference results for the ecosystem tests (dask, xarray, distributed, eval):
the oracles' float64 references (tests/oracles/), arranged per public function
and operation."""
from __future__ import annotations

from typing import Any, Dict, List, Tuple

import numpy as np

from oracles import ORACLES
from oracles import support as s

NAMES = tuple(ORACLES)
# (activation, operation) for every operation each activation offers
CASES = tuple((n, op) for n in NAMES for op in s.ops(n))


def public(name: str, op: str) -> str:
    return s.public(name, op)


def value_and_derivative(name: str, z: Any, **params) -> Tuple[np.ndarray, np.ndarray]:
    """g(z) and g'(z) from the oracle's float64 references."""
    o = ORACLES[name]
    z = np.asarray(z, dtype=np.float64)
    # (required parameters not given take the catalogue's example, as the tools do)
    return s.reference(o, "value", z, params), s.reference(o, "derivative", z, params)


def grid(n: int = 2001) -> np.ndarray:
    """z over [-8, 8] with an exact 0 (the kink) in it."""
    z = np.linspace(-8.0, 8.0, n)
    z[n // 2] = 0.0
    return z


def call(name: str, op: str, z: Any, grad: Any, a: Any) -> Tuple[List[Any], Dict[str, Any]]:
    """(positional inputs, keywords) of the public function for op, given z, the
    upstream gradient and a = g(z) (each may be NumPy, dask or xarray); the
    keywords are the required parameters' examples, which the references take."""
    data = {"value": [z], "derivative": [z], "derivative_from_a": [a],
            "and_derivative": [z], "backward": [grad, z], "backward_from_a": [grad, a]}[op]
    return data, s.kwargs(name, op, s.required(name))


def expected(name: str, op: str, z: Any, grad: Any) -> Any:
    """The reference result of op (a tuple for and_derivative)."""
    a, d = value_and_derivative(name, z)
    if op in s.FROM_A_OPS:
        # From a, the oracle's formula in a, evaluated on the float64 a (a * (1 - a)
        # cancels near a = 1, so comparing it with g'(z) would test the formula,
        # not the code; relu'(0) from a is 0 by definition)
        d = s.reference(ORACLES[name], "from_a", a)
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
