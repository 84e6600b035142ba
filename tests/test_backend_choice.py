"""A compiled extension built from another catalogue (a source tree edited and
not rebuilt) is not used: fastact falls back to NumPy and says why."""
from __future__ import annotations

import types

from fastact import _backends, _catalogue


def _module_with(ufuncs):
    return types.SimpleNamespace(UFUNCS=ufuncs)


def test_a_complete_build_is_current():
    full = {(row, op): None for row, act in _catalogue.kernel_rows() for op in act.ops}
    assert _backends.stale_reason(_module_with(full)) is None


def test_a_build_missing_a_kernel_is_stale_and_names_it():
    full = {(row, op): None for row, act in _catalogue.kernel_rows() for op in act.ops}
    row, act = _catalogue.kernel_rows()[-1]
    del full[row, act.ops[-1]]
    reason = _backends.stale_reason(_module_with(full))
    assert reason is not None and row in reason and act.ops[-1] in reason
    assert "build_ext --inplace" in reason


def test_choose_falls_back_on_a_stale_build(monkeypatch):
    monkeypatch.delenv("FASTACT_NO_EXTENSIONS", raising=False)
    monkeypatch.setattr(_backends, "compiled_module", lambda: _module_with({}))
    assert _backends.choose() == "python"
    from fastact import _config
    monkeypatch.setattr(_config, "_import_error", lambda: None)
    assert "another catalogue" in _config.missing_reason()
