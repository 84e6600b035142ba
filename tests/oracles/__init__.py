"""One Oracle per activation (tests/oracles/model.py), in one module per family;
ORACLES is checked complete against fastact's catalogue by
tests/test_oracles_complete.py."""
from __future__ import annotations

from typing import Dict

from oracles.model import Oracle

ORACLES: Dict[str, Oracle] = {}


def register(*oracles: Oracle) -> None:
    for o in oracles:
        assert o.name not in ORACLES, f"two oracles for {o.name}"
        ORACLES[o.name] = o


# The families' modules register themselves when imported here.
from oracles import lesson  # noqa: E402,F401
from oracles import piecewise  # noqa: E402,F401
from oracles import explinear  # noqa: E402,F401
from oracles import softplus  # noqa: E402,F401
from oracles import gated  # noqa: E402,F401
