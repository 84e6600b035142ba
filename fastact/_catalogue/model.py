"""The catalogue's vocabulary: operations, parameter descriptors, activations."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Dict, Mapping, Optional, Tuple, Union

# Operations, in the order of the C enum fa_op (csrc/fastact.h).
OPS: Tuple[str, ...] = (
    "value",
    "derivative",
    "derivative_from_a",
    "and_derivative",
    "backward",
    "backward_from_a",
)
FROM_A_OPS: Tuple[str, ...] = ("derivative_from_a", "backward_from_a")
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
# Operations that compute g (value) and g' (derivative from z): a parameter of
# the value takes part in and_derivative, one of the derivative in
# and_derivative and backward.
VALUE_OPS: Tuple[str, ...] = ("value", "and_derivative")
DERIVATIVE_OPS: Tuple[str, ...] = ("derivative", "and_derivative", "backward")
FROM_Z_OPS: Tuple[str, ...] = tuple(op for op in OPS if op not in FROM_A_OPS)


@dataclass(frozen=True)
class Param:
    """One parameter of an activation.

    A numeric parameter is a ufunc input of the operations in `ops` (the C
    kernels see it as P[j], j its index among the activation's numeric
    parameters); a parameter with `choices` is not: its value picks the C
    kernel row instead (gelu's approximate="tanh")."""

    name: str
    default: Union[float, str, None]
    doc: str                        # one line: what it is (the docstring adds the checks)
    ops: Tuple[str, ...] = OPS      # the operations that take it
    positional: bool = False        # may follow the data positionally (leaky_relu's alpha)
    array: bool = False             # may be an array broadcasting against the data
    # What None means: a number, or the name of another parameter whose value it
    # takes (leaky_relu's at_zero defaults to alpha); None: None is not allowed.
    none_means: Union[float, str, None] = None
    positive: Tuple[str, ...] = ()  # operations that need it > 0
    positive_why: str = ""          # why they do (for the error message)
    nonzero: Tuple[str, ...] = ()   # operations that need it != 0
    allow_inf: bool = False         # +-inf allowed (softplus' threshold); NaN never is
    choices: Optional[Mapping[str, str]] = None  # value -> C kernel row

    @property
    def numeric(self) -> bool:
        return self.choices is None


@dataclass(frozen=True)
class Relation:
    """A condition between parameters that the formula needs (min_val < max_val):
    `holds` gets the validated numeric parameters of the call by name and
    returns whether the call is valid; `message` says what is required."""

    ops: Tuple[str, ...]
    holds: Callable[[Mapping[str, object]], bool]
    message: str


@dataclass(frozen=True)
class Activation:
    name: str
    formula: str                       # g(z), for the docs
    derivative: str                    # g'(z) as computed from z
    # g'(z) in terms of a = g(z); None where g' is not a function of a (g not
    # monotonic): then the activation has no from-a operations.
    derivative_from_a: Optional[str]
    parameters: Tuple[Param, ...] = ()
    kink: Optional[str] = None         # the derivative's convention at a kink (docs)
    a_domain: Tuple[float, float] = (float("-inf"), float("inf"))  # the range of g
    limits: Tuple[float, float] = (float("nan"), float("nan"))     # g(-inf), g(+inf)
    example_z: str = "[-2.0, 0.0, 2.0]"
    # The C header act/NAME.h also defines a separate <= 1 ULP fa_NAME_fwd_high
    # for the "high" accuracy mode (False: the default one already meets it).
    high: bool = False
    relations: Tuple[Relation, ...] = ()
    summary: str = ""                  # one line for the README's catalogue table
    # Peers for the benchmark and the oracle tests: an expression of z (and
    # the parameters by name) in torch / jax.numpy terms, None if the peer has
    # no such function.
    torch: Optional[str] = None
    jax: Optional[str] = None
    numpy: Optional[str] = None        # a straightforward NumPy composition (bench)

    def __post_init__(self) -> None:
        names = [p.name for p in self.parameters]
        assert len(set(names)) == len(names), f"{self.name}: duplicate parameter"
        assert sum(p.choices is not None for p in self.parameters) <= 1, self.name
        for p in self.parameters:
            assert set(p.ops) <= set(self.ops), (self.name, p.name)

    @property
    def ops(self) -> Tuple[str, ...]:
        """The operations this activation offers, in OPS order."""
        return OPS if self.derivative_from_a is not None else FROM_Z_OPS

    @property
    def numeric_params(self) -> Tuple[Param, ...]:
        """The parameters the C kernels take, in their P[j] order."""
        return tuple(p for p in self.parameters if p.numeric)

    @property
    def choice(self) -> Optional[Param]:
        return next((p for p in self.parameters if not p.numeric), None)

    @property
    def kernels(self) -> Tuple[str, ...]:
        """The C table rows this activation uses: its name, or one per choice."""
        c = self.choice
        if c is None:
            return (self.name,)
        assert c.choices is not None  # a non-numeric parameter is a choice
        return tuple(dict.fromkeys(c.choices.values()))

    def signature_params(self, op: str) -> Tuple[Param, ...]:
        """The parameters the public function for `op` accepts, in signature order."""
        return tuple(p for p in self.parameters if op in p.ops)

    def params(self, op: str) -> Tuple[str, ...]:
        """Parameter inputs of the ufunc for `op`, in ufunc order."""
        return tuple(p.name for p in self.numeric_params if op in p.ops)

    def param_mask(self, op: str) -> int:
        """Bit j set: numeric parameter j is a ufunc input of `op` (the C table's mask)."""
        return sum(1 << j for j, p in enumerate(self.numeric_params) if op in p.ops)
