"""The accuracy references of every activation: the family modules' REFERENCES
merged (one import and one line per family), and the parameters they are
measured with.  tests/test_registries_complete.py checks that the keys are
exactly the catalogue's names; an unknown name is a KeyError."""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional

from fastact import _catalogue
from fastact._accuracy import ref_lesson
from fastact._accuracy.model import Reference

REFERENCES: Dict[str, Reference] = {
    **ref_lesson.REFERENCES,
}


def reference(name: str) -> Reference:
    return REFERENCES[name]


def params_for(name: str, given: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
    """Every parameter of activation `name` by name: `given`, else the
    reference's report value, else the catalogue default; None replaced by what
    it means (a number, or another parameter's value).  A name the activation
    does not have is a TypeError."""
    act = _catalogue.BY_NAME[name]
    values = {**REFERENCES[name].params, **(given or {})}
    unknown = set(values) - {p.name for p in act.parameters}
    if unknown:
        raise TypeError(f"{name} has no parameter {', '.join(sorted(unknown))}")
    out = {p.name: values.get(p.name, p.default) for p in act.parameters}
    for p in act.parameters:
        if out[p.name] is None and p.none_means is not None:
            nm = p.none_means
            out[p.name] = out[nm] if isinstance(nm, str) else nm
    return out
