"""The accuracy references of every activation: the family modules' REFERENCES
merged (one import and one line per family), and the parameters they are
measured with.  tests/test_registries_complete.py checks that the keys are
exactly the catalogue's names; an unknown name is a KeyError."""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional

from fastact import _catalogue
from fastact._accuracy import ref_explinear, ref_gated, ref_lesson, ref_piecewise, ref_softplus
from fastact._accuracy.model import Reference
from fastact._catalogue.values import resolved

REFERENCES: Dict[str, Reference] = {
    **ref_lesson.REFERENCES,
    **ref_piecewise.REFERENCES,
    **ref_explinear.REFERENCES,
    **ref_softplus.REFERENCES,
    **ref_gated.REFERENCES,
}


def reference(name: str) -> Reference:
    return REFERENCES[name]


def params_for(name: str, given: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
    """Every parameter of activation `name` by name: `given`, else the
    reference's report value, else the catalogue default (values.resolved)."""
    return resolved(_catalogue.BY_NAME[name], {**REFERENCES[name].params, **(given or {})})
