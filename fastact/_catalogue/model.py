"""The catalogue's vocabulary: operations, parameter descriptors, activations.

On the path of `import fastact`, so it imports nothing: the records are plain
classes with __slots__ rather than dataclasses (whose import and per-class code
generation cost more than all the rest of the catalogue), and the typing names
appear in annotations only (strings, under `from __future__ import annotations`)."""
from __future__ import annotations

TYPE_CHECKING = False  # typing's, without importing typing (mypy knows the name)
if TYPE_CHECKING:
    from typing import Any, Callable, Dict, Mapping, Optional, Tuple, Union


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


class _Required:
    """The default of a parameter the caller must give (threshold's threshold
    and value): it has no default, so it is positional-or-keyword, and a call
    without it is a TypeError naming it."""

    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED = _Required()


class _Record:
    """A frozen record, as @dataclass(frozen=True) made it: fields set once in
    __init__, compared and hashed by value, shown by field (a subclass lists its
    fields in __slots__, in declaration order)."""

    __slots__: Tuple[str, ...] = ()

    def _set(self, **fields: object) -> None:
        for name in self.__slots__:
            object.__setattr__(self, name, fields[name])

    def _values(self) -> Tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r} of a frozen {type(self).__name__}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r} of a frozen {type(self).__name__}")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__name__}({fields})"


class Param(_Record):
    """One parameter of an activation.

    A numeric parameter is a ufunc input of the operations in `ops` (the C
    kernels see it as P[j], j its index among the activation's numeric
    parameters); a parameter with `choices` is not: its value picks the C
    kernel row instead (gelu's approximate="tanh")."""

    __slots__ = ("name", "default", "doc", "ops", "positional", "array", "none_means",
                 "positive", "positive_why", "nonzero", "nonnegative", "allow_inf", "choices",
                 "example")
    name: str
    default: Union[float, str, None, _Required]  # REQUIRED: none, the caller gives it
    doc: str                        # one line: what it is (the docstring adds the checks)
    ops: Tuple[str, ...]            # the operations that take it (default: all)
    positional: bool                # may follow the data positionally (leaky_relu's alpha)
    array: bool                     # may be an array broadcasting against the data
    # What None means: a number, or the name of another parameter whose value it
    # takes (leaky_relu's at_zero defaults to alpha); None: None is not allowed.
    none_means: Union[float, str, None]
    positive: Tuple[str, ...]       # operations that need it > 0
    positive_why: str               # why they do (for the error message)
    nonzero: Tuple[str, ...]        # operations that need it != 0
    nonnegative: Tuple[str, ...]    # operations that need it >= 0
    allow_inf: bool                 # +-inf allowed (softplus' threshold); NaN never is
    choices: Optional[Mapping[str, str]]  # value -> C kernel row
    # What a required parameter takes in the generated examples (docstrings).
    example: Optional[float]

    def __init__(self, name: str, default: Union[float, str, None, _Required], doc: str,
                 ops: Tuple[str, ...] = OPS, positional: bool = False, array: bool = False,
                 none_means: Union[float, str, None] = None, positive: Tuple[str, ...] = (),
                 positive_why: str = "", nonzero: Tuple[str, ...] = (),
                 nonnegative: Tuple[str, ...] = (), allow_inf: bool = False,
                 choices: Optional[Mapping[str, str]] = None,
                 example: Optional[float] = None) -> None:
        self._set(name=name, default=default, doc=doc, ops=ops, positional=positional,
                  array=array, none_means=none_means, positive=positive,
                  positive_why=positive_why, nonzero=nonzero, nonnegative=nonnegative,
                  allow_inf=allow_inf, choices=choices, example=example)
        # required ones are positional-or-keyword (declared positional=True)
        assert not self.required or (self.numeric and self.positional
                                     and self.example is not None), self.name

    @property
    def numeric(self) -> bool:
        return self.choices is None

    @property
    def required(self) -> bool:
        return self.default is REQUIRED


class Relation(_Record):
    """A condition between parameters that the formula needs (min_val < max_val):
    `holds` gets the validated numeric parameters of the call by name and
    returns whether the call is valid; `message` says what is required."""

    __slots__ = ("ops", "holds", "message")
    ops: Tuple[str, ...]
    holds: Callable[[Mapping[str, Any]], bool]
    message: str

    def __init__(self, ops: Tuple[str, ...], holds: Callable[[Mapping[str, Any]], bool],
                 message: str) -> None:
        self._set(ops=ops, holds=holds, message=message)


class AtenBackward(_Record):
    """torch.ops.aten.<op>(grad, *args): each arg is "a" (the forward's output),
    "z" (its input), a parameter name, or a constant."""

    __slots__ = ("op", "args", "out")
    op: str
    args: Tuple[Any, ...]
    # its out= overload and keyword: grad_input for most, out for hardswish_backward
    out: str

    def __init__(self, op: str, args: Tuple[Any, ...], out: str = "grad_input") -> None:
        self._set(op=op, args=args, out=out)


class BenchPeers(_Record):
    """What the benchmark (fastact._bench) times an activation against, beyond
    the Activation's torch/jax/numpy value expressions.  None means "this peer
    has no such function": the peer is skipped for that activation, explicitly,
    never another activation's code.  The lesson's four use the lesson's own
    NumPy code (fastact._lesson.LESSON_NUMPY) instead of numpy_derivative."""

    __slots__ = ("params", "torch_backward", "torch_out", "jax_derivative",
                 "numpy_derivative", "numexpr", "scipy")
    # fastact's keyword arguments beyond the defaults (each op gets those it
    # takes); the peers' expressions see every parameter with these values
    params: Mapping[str, Any]
    torch_backward: Optional[AtenBackward]
    # the forward writing into the tensor `out` (a public out= binding of the
    # same kernel where the catalogue's function has none)
    torch_out: Optional[str]
    jax_derivative: Optional[str]        # of z and a = value(z), in jnp terms
    # the derivative as a straightforward NumPy composition (of z and a = the
    # catalogue's NumPy value), for the fused op's NumPy peer; None where the
    # catalogue has no NumPy value (gelu: NumPy has no erf) or the lesson's
    # code is used (the lesson's four)
    numpy_derivative: Optional[str]
    numexpr: Optional[Tuple[str, str]]   # (value of z, derivative of z, a, one, zero)
    scipy: Optional[Tuple[str, str]]     # (value with sp = scipy.special, derivative of a)

    def __init__(self, params: Optional[Mapping[str, Any]] = None,
                 torch_backward: Optional[AtenBackward] = None,
                 torch_out: Optional[str] = None, jax_derivative: Optional[str] = None,
                 numpy_derivative: Optional[str] = None,
                 numexpr: Optional[Tuple[str, str]] = None,
                 scipy: Optional[Tuple[str, str]] = None) -> None:
        self._set(params={} if params is None else params, torch_backward=torch_backward,
                  torch_out=torch_out, jax_derivative=jax_derivative,
                  numpy_derivative=numpy_derivative, numexpr=numexpr, scipy=scipy)


class Activation(_Record):
    __slots__ = ("name", "formula", "derivative", "derivative_from_a", "parameters", "kink",
                 "a_domain", "limits", "example_z", "high", "streams", "relations", "summary",
                 "torch",
                 "jax", "numpy", "bench")
    name: str
    formula: str                       # g(z), for the docs
    derivative: str                    # g'(z) as computed from z
    # g'(z) in terms of a = g(z); None where g' is not a function of a (g not
    # monotonic): then the activation has no from-a operations.
    derivative_from_a: Optional[str]
    parameters: Tuple[Param, ...]
    kink: Optional[str]                # the derivative's convention at a kink (docs)
    a_domain: Tuple[float, float]      # the range of g (default: the real line)
    limits: Tuple[float, float]        # g(-inf), g(+inf) (default: NaN, NaN)
    example_z: str
    # The C header act/NAME.h also defines a separate <= 1 ULP fa_NAME_fwd_high
    # for the "high" accuracy mode (False: the default one already meets it).
    high: bool
    # Memory-bound: its kernels do less arithmetic per element than the memory
    # traffic costs, so a call too large for the cache writes its outputs with
    # non-temporal (streaming) stores, which skip reading each output line first
    # (fastact.h, fa_params.stream).  Not for the others: there the stores are not
    # the bottleneck and streaming them measured slower (issue 9).
    streams: bool
    relations: Tuple[Relation, ...]
    summary: str                       # one line for the README's catalogue table
    # Peers for the benchmark and the oracle tests: an expression of z (and
    # the parameters by name) in torch / jax.numpy terms, None if the peer has
    # no such function.
    torch: Optional[str]
    jax: Optional[str]
    numpy: Optional[str]               # a straightforward NumPy composition (bench)
    # The benchmark's parameters and the rest of its peers (aten backward op,
    # out= binding, derivatives): required, so that an entry without them is a
    # TypeError where it is written, never a peer silently missing.
    bench: BenchPeers

    def __init__(self, name: str, formula: str, derivative: str,
                 derivative_from_a: Optional[str], parameters: Tuple[Param, ...] = (),
                 kink: Optional[str] = None,
                 a_domain: Tuple[float, float] = (float("-inf"), float("inf")),
                 limits: Tuple[float, float] = (float("nan"), float("nan")),
                 example_z: str = "[-2.0, 0.0, 2.0]", high: bool = False,
                 streams: bool = False, relations: Tuple[Relation, ...] = (), summary: str = "",
                 torch: Optional[str] = None, jax: Optional[str] = None,
                 numpy: Optional[str] = None, *, bench: BenchPeers) -> None:
        self._set(name=name, formula=formula, derivative=derivative,
                  derivative_from_a=derivative_from_a, parameters=parameters, kink=kink,
                  a_domain=a_domain, limits=limits, example_z=example_z, high=high,
                  streams=streams, relations=relations, summary=summary, torch=torch, jax=jax, numpy=numpy,
                  bench=bench)
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
