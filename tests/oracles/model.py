"""The test-side knowledge about one activation (in the manner of XNNPACK's
test/unary-ops.h: one struct per operator, generic testers iterate them).

Everything here is independent of fastact's own formulas: it is the oracle.
fastact's catalogue is imported only to check that every activation has exactly
one Oracle (tests/test_oracles_complete.py) and, in tests/oracles/support.py,
to know which operations and parameters each public function has.

ULP budgets are keyed (dtype name, kind), kind one of "value", "derivative",
"from_a"; they are measured against the float64 references `value`,
`derivative`, `derivative_from_a` (tests/test_values.py).  `ulp` holds the
compiled backend at the SIMD levels with FMA (either accuracy mode), `ulp_nofma`
the compiled levels without FMA, `ulp_fallback` the NumPy backend, `ulp_high`
the FMA levels in the "high" mode (empty: the default budgets apply).  A key a
generic test needs and an oracle lacks is a KeyError naming both."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Mapping, Optional, Tuple, Union

Fn = Callable[..., Any]
INF = float("inf")
NAN = float("nan")
# a number, or a function of the call's parameters (by name) giving it
PerParams = Union[float, bool, Fn]


@dataclass(frozen=True)
class Oracle:
    name: str
    # float64 NumPy references, written from the maths: f(x, **params) -> ndarray,
    # accurate to a few float64 ULP (enough to judge float32 results in ULP, and
    # float64 results within the rtol of the tests that use them).  Each takes
    # the parameters of its operation by name, with the catalogue's defaults.
    value: Fn
    derivative: Fn
    derivative_from_a: Optional[Fn] = None   # None: the activation has no from-a ops
    # mpmath references (mp, x, **params) -> mpf, exact to the working precision
    # (tests/oracles/support.py rounds them correctly to the format under test)
    mp_value: Optional[Fn] = None
    mp_derivative: Optional[Fn] = None
    mp_derivative_from_a: Optional[Fn] = None
    # the interesting z range (where g is neither linear nor saturated), and the
    # range of a = g(z) the from-a functions accept (closed)
    # (a_range: a pair, or a function of the parameters giving it: hardtanh's
    # is [min_val, max_val])
    z_range: Tuple[float, float] = (-10.0, 10.0)
    a_range: Union[Tuple[float, float], Fn] = (-INF, INF)
    # g(-inf), g(+inf) and g'(-inf), g'(+inf): pairs, or functions of the
    # parameters giving them (leaky_relu's g(-inf) depends on the sign of alpha)
    limits: Union[Tuple[float, float], Fn] = (NAN, NAN)
    d_limits: Union[Tuple[float, float], Fn] = (NAN, NAN)
    # whether g reaches its finite limits at +-max (exponential tails: True);
    # an algebraic tail does not (squareplus(-max) = b / (4 max), a subnormal)
    saturates: bool = True
    # max |g'| over all z, and whether g' >= 0 everywhere: numbers, or functions
    # of the parameters (leaky_relu: max(1, |alpha|), monotonic iff alpha >= 0)
    max_abs_derivative: PerParams = INF
    monotonic: PerParams = True
    # z where g' jumps (their conventions are tested): a tuple, or a function of
    # the parameters giving it (softshrink's +-lambd, threshold's threshold)
    kinks: Union[Tuple[float, ...], Fn] = ()
    # parameter sets to test with besides the defaults: name -> value
    param_sets: Tuple[Mapping[str, float], ...] = ()
    ulp: Mapping[Tuple[str, str], float] = field(default_factory=dict)
    ulp_high: Mapping[Tuple[str, str], float] = field(default_factory=dict)
    ulp_fallback: Mapping[Tuple[str, str], float] = field(default_factory=dict)
    ulp_nofma: Mapping[Tuple[str, str], float] = field(default_factory=dict)
    # max ULP of the functions of z against the correctly rounded (mpmath)
    # reference, for any z: {"fma": .., "nofma": .., "fallback": ..}
    ulp_rounded: Mapping[str, float] = field(default_factory=dict)
    # max ULP against the correctly rounded reference at the special arguments
    # (+-0, +-inf, subnormals, +-max) and at and next to the kinks
    # (tests/test_special_values.py), per accuracy class as ulp_rounded; a class
    # not given: 0, every result exact.  Smooth formulas need not round
    # correctly at z = k +- 1 or where a subnormal result lands on a tie.
    ulp_specials: Mapping[str, float] = field(default_factory=dict)
    # u(z, **params), the argument of an exp that the kernels round first in
    # the compute dtype (celu's z / alpha, softplus' beta * z): exp(u) carries
    # u's rounding error, |u| ULP at most, which no budget of a formula of the
    # exact z can hold.  Tests add that error of u, for the given z and
    # parameters, to the budgets (support.argument_slack); None: z itself.
    rounded_argument: Optional[Fn] = None
    # g(-z) = reflection - g(z): 0.0 for an odd g (then bit for bit), 1.0 for
    # sigmoid (within rounding); None: no such symmetry
    reflection: Optional[float] = None
    # a z where |g'| peaks smoothly (max_abs_derivative): a rounded formula
    # may land just above the maximum there, and must not
    peak: Optional[float] = None
    # (z, g(z), g'(z)) exactly, with the default parameters
    exact_points: Tuple[Tuple[float, float, float], ...] = ()
    # float64 z where the tails must keep their relative precision (saturation,
    # underflow of g'): value and derivative within the float64 FMA budget
    # against mpmath, on every backend
    edge_points: Tuple[float, ...] = ()
    # the value selects z itself for NaN z (relu): payload and sign survive
    keeps_nan_payload: bool = False
    # torch as an oracle: (torch, z_tensor, **params) -> the value tensor; its
    # autograd gives the derivative.  None: torch has no such function.
    torch: Optional[Fn] = None
    # torch's own relative error where it is coarser than float64's (numbers,
    # or functions of the parameters), of the value and of the derivative: the
    # torch comparisons allow it (hardsigmoid_backward multiplies by float32's
    # 1/6 in float64 too, celu scales z by 1/alpha in float32, selu'(0) is
    # lambda * alpha rounded twice); 0: torch's float64 is exact to the tests'
    # tolerances, its kink values bit for bit
    torch_rtol: PerParams = 0.0
    torch_d_rtol: PerParams = 0.0
    # torch's absolute error of g and g' where its formulas cancel (gelu's forms
    # 1 + erf / 1 + tanh: a few float64 eps of 1 in the negative tail)
    torch_atol: float = 0.0
    extra: Dict[str, Any] = field(default_factory=dict)  # anything family-specific

    # -- the per-parameter fields, evaluated for one call's parameters

    def top(self, params: Mapping[str, Any]) -> float:
        """max |g'| for these parameters."""
        m = self.max_abs_derivative
        return float(m(**params)) if callable(m) else float(m)

    def is_monotonic(self, params: Mapping[str, Any]) -> bool:
        m = self.monotonic
        return bool(m(**params)) if callable(m) else bool(m)

    def value_limits(self, params: Mapping[str, Any]) -> Tuple[float, float]:
        v = self.limits
        return tuple(v(**params)) if callable(v) else tuple(v)

    def derivative_limits(self, params: Mapping[str, Any]) -> Tuple[float, float]:
        d = self.d_limits
        return tuple(d(**params)) if callable(d) else tuple(d)

    def torch_tolerances(self, params: Mapping[str, Any]) -> Tuple[float, float]:
        """(value, derivative) relative error of torch for these parameters."""
        return tuple(float(r(**params)) if callable(r) else float(r)
                     for r in (self.torch_rtol, self.torch_d_rtol))

    def value_range(self, params: Mapping[str, Any]) -> Tuple[float, float]:
        """The closed range of a = g(z) for these parameters."""
        r = self.a_range
        return tuple(r(**params)) if callable(r) else tuple(r)

    def kink_points(self, params: Mapping[str, Any]) -> Tuple[float, ...]:
        """The kinks for these parameters."""
        k = self.kinks
        return tuple(k(**params)) if callable(k) else tuple(k)

    def budget(self, table: str, dtype: Any, kind: str) -> float:
        """The ULP budget of `kind` results in `dtype` from the map `table`
        ("ulp", "ulp_nofma", "ulp_fallback", "ulp_high"; an empty ulp_high
        falls back to ulp)."""
        import numpy as np
        key = (np.dtype(dtype).name, kind)
        budgets = getattr(self, table)
        if table == "ulp_high" and key not in budgets:
            budgets = self.ulp
        try:
            return float(budgets[key])
        except KeyError:
            raise KeyError(f"oracle {self.name!r} has no {table}[{key!r}]") from None
