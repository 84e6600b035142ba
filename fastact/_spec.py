"""The activation table: the one list that drives the public API, both backends'
registration, the docstrings, the tests and the docs.

Adding an activation is a kernel definition (``csrc/act/NAME.h`` and a NumPy
formula in ``_fallback.py``) plus one row here and one in ``csrc/activations.def``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional, Tuple

# Operations, in the order of the C enum fa_op (csrc/fastact.h).
OPS: Tuple[str, ...] = (
    "value",
    "derivative",
    "derivative_from_a",
    "and_derivative",
    "backward",
    "backward_from_a",
)
OP_SUFFIX: Dict[str, str] = {op: "" if op == "value" else "_" + op for op in OPS}
OP_NIN: Dict[str, int] = {op: 2 if op.startswith("backward") else 1 for op in OPS}
OP_NOUT: Dict[str, int] = {op: 2 if op == "and_derivative" else 1 for op in OPS}
# Names of the data arguments of each operation.
OP_ARGS: Dict[str, Tuple[str, ...]] = {
    "value": ("z",),
    "derivative": ("z",),
    "derivative_from_a": ("a",),
    "and_derivative": ("z",),
    "backward": ("grad", "z"),
    "backward_from_a": ("grad", "a"),
}
FROM_A_OPS = ("derivative_from_a", "backward_from_a")


@dataclass(frozen=True)
class Activation:
    name: str
    formula: str            # g(z)
    derivative: str         # g'(z) as computed from z
    derivative_from_a: str  # g'(z) in terms of a = g(z)
    at_zero_default: Optional[str] = None  # kink convention; None: no kink
    has_alpha: bool = False
    from_a_at_zero: bool = False  # from-a functions take at_zero too
    example_z: str = "[-2.0, 0.0, 2.0]"

    def params(self, op: str) -> Tuple[str, ...]:
        """Parameter inputs of the ufunc for `op`, in ufunc order (alpha, at_zero)."""
        out = []
        if self.has_alpha:
            out.append("alpha")
        kinked = self.at_zero_default is not None and op not in ("value",)
        if kinked and (op not in FROM_A_OPS or self.from_a_at_zero):
            out.append("at_zero")
        return tuple(out)


ACTIVATIONS: Tuple[Activation, ...] = (
    Activation(
        "sigmoid",
        formula="1 / (1 + exp(-z))",
        derivative="sigmoid(z) * sigmoid(-z)   (= e / (1 + e)**2, e = exp(-|z|))",
        derivative_from_a="a * (1 - a)",
    ),
    Activation(
        "tanh",
        formula="tanh(z)",
        derivative="1 - tanh(z)**2   (= 4e / (1 + e)**2, e = exp(-2|z|))",
        derivative_from_a="1 - a**2",
    ),
    Activation(
        "relu",
        formula="max(0, z)",
        derivative="1 if z > 0, 0 if z < 0, at_zero (default 0) at z == 0",
        derivative_from_a="1 if a > 0 else 0",
        at_zero_default="0",
    ),
    Activation(
        "leaky_relu",
        formula="z if z > 0 else alpha * z",
        derivative="1 if z > 0, alpha if z < 0, at_zero (default alpha) at z == 0",
        derivative_from_a="1 if a > 0, alpha if a < 0, at_zero at a == 0 (needs alpha > 0)",
        at_zero_default="alpha",
        has_alpha=True,
        from_a_at_zero=True,
    ),
)

BY_NAME: Dict[str, Activation] = {act.name: act for act in ACTIVATIONS}
DEFAULT_ALPHA = 0.01


def public_name(act: Activation, op: str) -> str:
    return act.name + OP_SUFFIX[op]


def all_public_names() -> Tuple[str, ...]:
    return tuple(public_name(act, op) for act in ACTIVATIONS for op in OPS)
