"""The test-side knowledge about one activation (in the manner of XNNPACK's
test/unary-ops.h: one struct per operator, generic testers iterate them).

Everything here is independent of fastact's own formulas: it is the oracle.
fastact's catalogue is imported only to check that every activation has exactly
one Oracle (tests/test_oracles_complete.py)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Mapping, Optional, Tuple

Fn = Callable[..., Any]
INF = float("inf")


@dataclass(frozen=True)
class Oracle:
    name: str
    # float64 NumPy references, written from the maths: f(x, **params) -> ndarray,
    # accurate to a few float64 ULP (enough to judge float32 results in ULP, and
    # float64 results within the rtol of the tests that use them).
    value: Fn
    derivative: Fn
    derivative_from_a: Optional[Fn] = None   # None: the activation has no from-a ops
    # mpmath references (mp, x, **params) -> mpf, for ULP checks of float64 results
    mp_value: Optional[Fn] = None
    mp_derivative: Optional[Fn] = None
    mp_derivative_from_a: Optional[Fn] = None
    # the interesting z range (where g is neither linear nor saturated), and the
    # range of a = g(z) the from-a functions accept
    z_range: Tuple[float, float] = (-10.0, 10.0)
    a_range: Tuple[float, float] = (-INF, INF)
    limits: Tuple[float, float] = (float("nan"), float("nan"))      # g(-inf), g(+inf)
    d_limits: Tuple[float, float] = (float("nan"), float("nan"))    # g'(-inf), g'(+inf)
    max_abs_derivative: float = INF
    monotonic: bool = True
    kinks: Tuple[float, ...] = ()             # z where g' jumps (their conventions are tested)
    # parameter sets to test with besides the defaults: name -> value
    param_sets: Tuple[Mapping[str, float], ...] = ()
    # ULP budgets: (dtype name, "value" | "derivative" | "from_a") -> max ULP, for
    # the compiled backend at the levels with FMA in the default accuracy mode;
    # "high" mode and the fallback have their own maps (missing keys: no ULP test)
    ulp: Mapping[Tuple[str, str], float] = field(default_factory=dict)
    ulp_high: Mapping[Tuple[str, str], float] = field(default_factory=dict)
    ulp_fallback: Mapping[Tuple[str, str], float] = field(default_factory=dict)
    # torch as an oracle: (torch, z_tensor, **params) -> the value tensor; its
    # autograd gives the derivative.  None: torch has no such function.
    torch: Optional[Fn] = None
    extra: Dict[str, Any] = field(default_factory=dict)  # anything family-specific
