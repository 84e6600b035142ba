"""What the accuracy report needs to know about one activation: its references.

One module per family (``ref_lesson.py``, ``ref_FAMILY.py``) defines
``REFERENCES = {name: Reference(...)}``; ``fastact._accuracy.references``
merges them, and a test checks that it covers exactly the catalogue (an
unknown name is a KeyError, never another activation's reference).

The four functions, written from the maths (independent of both backends):

    wide_fwd(z, **params) -> (a, d)      vectorised NumPy; z is an array in the
                                         wide format (float64, or x87 long double
                                         for float64 data); a few wide ULP off
                                         at most, quiet on NaN/inf
    wide_from_a(a, **params) -> d        the same for g' from a = g(z)
    mp_fwd(mp, x, **params) -> (a, d)    mpmath; x an mpf (never NaN: NaN is
                                         handled before), exact at the working
                                         precision the caller set (50 digits)
    mp_from_a(mp, a, **params) -> d      the same from a

``params`` are every parameter of the activation by name (the ones the
catalogue calls numeric, and the choice parameter as its string), None already
replaced by what it means (leaky_relu's at_zero -> alpha).  Numeric ones are
rounded to the compute dtype as the kernels see them (float32 for float16
data) and arrive as scalars of the wide format (wide_*) or as mpf (mp_*).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, List, Mapping, Optional, Tuple

import numpy as np

Ranges = List[Tuple[int, int]]  # inclusive bit-pattern ranges of a float format
Fn = Callable[..., Any]


@dataclass(frozen=True)
class Reference:
    wide_fwd: Fn
    mp_fwd: Fn
    # None exactly where the catalogue entry has no from-a operations
    # (derivative_from_a=None); a test checks the two agree.
    wide_from_a: Optional[Fn] = None
    mp_from_a: Optional[Fn] = None
    # True: wide_fwd/wide_from_a are exact once rounded to the format under test
    # (selects and single IEEE products: relu, leaky_relu).  They are then run
    # in float64 for every dtype (an IEEE product of float16/float32 numbers is
    # exact in float64), rounded once, and need neither long double nor mpmath.
    exact: bool = False
    # The bit-pattern ranges of a the from-a sweeps cover, for a dtype; None:
    # derived from the catalogue's a_domain (fastact._accuracy.inputs.a_domain).
    a_ranges: Optional[Callable[[np.dtype], Ranges]] = None
    # Extra float64 z where the activation saturates, underflows or changes
    # formula: added (with neighbours and both signs) to the float64 sample.
    f64_edges: Tuple[float, ...] = ()
    # The parameters the report measures with, by name; the catalogue's
    # defaults for the others.
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        assert (self.wide_from_a is None) == (self.mp_from_a is None), \
            "wide_from_a and mp_from_a come together"

    @property
    def has_from_a(self) -> bool:
        return self.wide_from_a is not None
