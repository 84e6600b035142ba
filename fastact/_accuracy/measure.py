"""Running one backend's functions on a block of arguments and scoring them.

Per activation there are two groups of checks:
  from z:  NAME, NAME_derivative, NAME_and_derivative (both outputs) and
           NAME_backward with grad = 1, against (g(z), g'(z));
  from a:  NAME_derivative_from_a and NAME_backward_from_a with grad = 1,
           against the lesson's formula on a.
`Stats` keeps what the report shows, and merges across blocks and processes.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

import numpy as np

from fastact import _catalogue
from fastact._accuracy.reference import reference_fwd, reference_from_a
from fastact._accuracy.references import REFERENCES
from fastact._accuracy.ulp import ulp_error

Z_CHECKS = ("value", "derivative", "and_derivative[a]", "and_derivative[d]", "backward")
A_CHECKS = ("derivative_from_a", "backward_from_a")


def check_label(name: str, check: str) -> str:
    """The function a check measures, as the report names it."""
    op, _, part = check.partition("[")
    label = _catalogue.public_name(_catalogue.BY_NAME[name], op)
    if part:
        label += "[" + part
    if op.startswith("backward"):
        label += "(grad=1)"
    return label


@dataclass
class Stats:
    """Accuracy of one function over the arguments seen so far."""
    count: int = 0
    max_ulp: float = 0.0
    worst_arg: Optional[float] = None   # the argument of max_ulp (first one seen)
    worst_got: Optional[float] = None
    worst_ref: Optional[float] = None
    over_1ulp: int = 0                  # results more than 1 ULP off

    def add(self, ulps: np.ndarray, args: np.ndarray, got: np.ndarray, ref: np.ndarray) -> None:
        self.count += ulps.size
        self.over_1ulp += int(np.count_nonzero(ulps > 1))
        if ulps.size:
            i = int(np.argmax(ulps))
            if self.worst_arg is None or ulps[i] > self.max_ulp:
                self.max_ulp = float(ulps[i])
                self.worst_arg, self.worst_got, self.worst_ref = (
                    float(args[i]), float(got[i]), float(ref[i]))

    def merge(self, other: "Stats") -> None:
        if other.worst_arg is not None and (self.worst_arg is None or other.max_ulp > self.max_ulp):
            self.max_ulp, self.worst_arg = other.max_ulp, other.worst_arg
            self.worst_got, self.worst_ref = other.worst_got, other.worst_ref
        self.count += other.count
        self.over_1ulp += other.over_1ulp

    def to_dict(self) -> Dict[str, Any]:
        return asdict(self)


def _call(ns: Any, name: str, op: str, x: np.ndarray, params: Mapping[str, Any]) -> Any:
    """ns's function for `op` on x, with those of `params` that it takes."""
    act = _catalogue.BY_NAME[name]
    fn = getattr(ns, _catalogue.public_name(act, op))
    kw = {p.name: params[p.name] for p in act.signature_params(op) if p.name in params}
    if op.startswith("backward"):
        return fn(np.ones_like(x), x, **kw)
    return fn(x, **kw)


def block_references(name: str, group: str, x: np.ndarray,
                     params: Optional[Mapping[str, Any]] = None) -> Tuple[Tuple[Any, ...], int]:
    """The correctly rounded references measure_block scores one block against
    ((g, g') from z, or (g' from a,)), and the points that needed mpmath:
    computed once, they can score every backend and level (refs=)."""
    params = {**REFERENCES[name].params, **(params or {})}
    with np.errstate(all="ignore"):
        if group == "z":
            ref_a, ref_d, n_mp = reference_fwd(name, x, **params)
            return (ref_a, ref_d), n_mp
        ref, n_mp = reference_from_a(name, x, **params)
        return (ref,), n_mp


def measure_block(ns: Any, name: str, group: str, x: np.ndarray,
                  params: Optional[Mapping[str, Any]] = None,
                  refs: Optional[Tuple[Tuple[Any, ...], int]] = None
                  ) -> Tuple[Dict[str, Stats], int]:
    """({check: Stats} for one block of arguments, points that needed mpmath);
    params by name over the report's (Reference.params); the functions get
    only these, the others keep their defaults.  refs: block_references' result
    for these arguments and parameters (computed here if not given)."""
    out: Dict[str, Stats] = {}
    refs = block_references(name, group, x, params) if refs is None else refs
    (*ref, ), n_mp = refs
    params = {**REFERENCES[name].params, **(params or {})}
    with np.errstate(all="ignore"):
        if group == "z":
            ref_a, ref_d = ref
            both = _call(ns, name, "and_derivative", x, params)
            results: List[Tuple[str, np.ndarray, np.ndarray]] = [
                ("value", _call(ns, name, "value", x, params), ref_a),
                ("derivative", _call(ns, name, "derivative", x, params), ref_d),
                ("and_derivative[a]", both[0], ref_a),
                ("and_derivative[d]", both[1], ref_d),
                ("backward", _call(ns, name, "backward", x, params), ref_d),
            ]
        else:
            results = [(op, _call(ns, name, op, x, params), ref[0]) for op in A_CHECKS]
        for check, got, r in results:
            st = Stats()
            st.add(ulp_error(got, r), x, got, r)
            out[check] = st
    return out, n_mp


def merge_into(total: Dict[str, Stats], part: Dict[str, Stats]) -> None:
    for key, st in part.items():
        total.setdefault(key, Stats()).merge(st)


Progress = Callable[[int], None]
