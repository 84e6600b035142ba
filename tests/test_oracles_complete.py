"""Every catalogue activation has exactly one oracle (tests/oracles/) and every
oracle names a catalogue activation: a missing one fails by name."""
from __future__ import annotations

import pytest

from fastact import _catalogue
from oracles import ORACLES

CATALOGUE = [a.name for a in _catalogue.ACTIVATIONS]


@pytest.mark.parametrize("name", CATALOGUE)
def test_every_activation_has_an_oracle(name):
    if name not in ORACLES:
        raise KeyError(f"{name!r} has no oracle: register one in tests/oracles/FAMILY.py")


@pytest.mark.parametrize("name", sorted(ORACLES))
def test_every_oracle_is_an_activation(name):
    if name not in _catalogue.BY_NAME:
        raise KeyError(f"oracle {name!r} is not in fastact's catalogue")
    assert ORACLES[name].name == name


def test_from_a_references_exactly_where_the_catalogue_has_from_a_ops():
    for name, o in ORACLES.items():
        has = "derivative_from_a" in _catalogue.BY_NAME[name].ops if name in _catalogue.BY_NAME \
            else None
        assert (o.derivative_from_a is not None) == has, name
        assert (o.mp_derivative_from_a is not None) <= has, name


def test_param_sets_name_real_parameters():
    for name, o in ORACLES.items():
        params = {p.name for p in _catalogue.BY_NAME[name].parameters}
        for s in o.param_sets:
            assert set(s) <= params, (name, s)
