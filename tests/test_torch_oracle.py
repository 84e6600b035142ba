"""PyTorch as a second oracle (where it is installed): every activation with a
torch expression in its oracle gives torch's values and autograd derivatives
in float64, and at the kinks, with the default parameters, PyTorch's
convention (relu'(0) = 0, leaky_relu'(0) = alpha)."""
from __future__ import annotations

import numpy as np
import pytest

from oracles import ORACLES
from oracles import support as s

torch = pytest.importorskip("torch")

WITH_TORCH = [n for n, o in ORACLES.items() if o.torch is not None]


def _torch_value_and_derivative(name, z, params):
    return s.torch_autograd(torch, name, np.asarray(z, dtype=np.float64), params)


@pytest.mark.parametrize("name,params",
                         [c for c in s.cases() if c.values[0] in WITH_TORCH
                          and set(c.values[1]) <= {p.name for p in s.act(c.values[0]).parameters
                                                   if "value" in p.ops}])
def test_matches_torch(fa, name, params):
    lo, hi = ORACLES[name].z_range
    z = np.linspace(lo, hi, 2001)
    z = z[~np.isin(z, s.kinks(name, params))]
    a, d = _torch_value_and_derivative(name, z, params)
    got_a, got_d = s.call(fa, name, "and_derivative", z, **params)
    rtol_a, rtol_d = ORACLES[name].torch_tolerances(s.with_defaults(name, params))
    atol = max(1e-300, ORACLES[name].torch_atol)
    np.testing.assert_allclose(got_a, a, rtol=max(1e-13, rtol_a), atol=atol)
    # torch's autograd computes g' from the rounded output (y (1 - y) for
    # sigmoid), which loses digits where g saturates: a looser rtol there
    np.testing.assert_allclose(got_d, d, rtol=max(1e-10, rtol_d), atol=atol)


@pytest.mark.parametrize("name", [n for n in WITH_TORCH if s.kinks(n)])
def test_kink_defaults_are_torchs(fa, name):
    z = np.array(s.kinks(name), dtype=np.float64)
    _, d = _torch_value_and_derivative(name, z, s.required(name))
    _, rtol_d = ORACLES[name].torch_tolerances(s.with_defaults(name, {}))
    # bit for bit, but where torch rounds its kink value less well (selu's lambda*alpha)
    np.testing.assert_allclose(s.call(fa, name, "derivative", z), d, rtol=rtol_d, atol=0)
