"""Parameter values by name for tools that call an activation outside the
public API (accuracy references, benchmark peers): every parameter, with None
replaced by what it means."""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional

from fastact._catalogue.model import Activation


def resolved(act: Activation, given: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
    """Every parameter of `act` by name: `given`, else the catalogue default;
    None replaced by its none_means (a number, or another parameter's value).
    A name `act` does not have is a TypeError."""
    given = dict(given or {})
    unknown = set(given) - {p.name for p in act.parameters}
    if unknown:
        raise TypeError(f"{act.name} has no parameter {', '.join(sorted(unknown))}")
    out = {p.name: given.get(p.name, p.default) for p in act.parameters}
    for p in act.parameters:
        if out[p.name] is None and p.none_means is not None:
            nm = p.none_means
            out[p.name] = out[nm] if isinstance(nm, str) else nm
    return out
