"""The accuracy mode: set_accuracy / get_accuracy / accuracy_mode and FASTACT_ACCURACY.

The values each mode computes are held to their budgets by test_accuracy.py and
test_values.py (the fa_level fixture runs every level in both modes); here: the
switch itself, its per-thread scope, and its validation."""
from __future__ import annotations

import os
import subprocess
import sys
import threading

import numpy as np
import pytest

import fastact
from fastact import _backends, _mode

# z where the two modes' float32 tanh differ (found by the test below, kept wide)
Z = np.linspace(-9, 9, 200_001, dtype=np.float32)


@pytest.fixture
def restore_mode():
    before = fastact.get_accuracy()
    yield
    fastact.set_accuracy(before)


def test_default_is_default():
    assert fastact.get_accuracy() == "default"


def test_set_and_get(restore_mode):
    fastact.set_accuracy("high")
    assert fastact.get_accuracy() == "high"
    fastact.set_accuracy("default")
    assert fastact.get_accuracy() == "default"


@pytest.mark.parametrize("bad, exc", [("fast", ValueError), ("HIGH", ValueError), ("", ValueError),
                                      (1, TypeError), (None, TypeError)])
def test_bad_modes_are_refused(bad, exc, restore_mode):
    with pytest.raises(exc, match="accuracy mode"):
        fastact.set_accuracy(bad)
    with pytest.raises(exc, match="accuracy mode"):
        with fastact.accuracy_mode(bad):
            pass
    assert fastact.get_accuracy() == "default"


def test_the_mode_selects_the_kernels(c_module, restore_mode):
    """The compiled high mode computes tanh with other kernels: some float32 results
    differ, and each mode's result is what set_accuracy gives."""
    ns = _backends.namespace("c")
    default = ns.tanh(Z)
    fastact.set_accuracy("high")
    high = ns.tanh(Z)
    assert np.count_nonzero(default != high) > 0
    with fastact.accuracy_mode("default"):
        np.testing.assert_array_equal(ns.tanh(Z), default)
    np.testing.assert_array_equal(ns.tanh(Z), high)


def test_scoped_mode_is_per_thread_and_nests(restore_mode):
    seen = []
    with fastact.accuracy_mode("high"):
        assert fastact.get_accuracy() == "high"
        t = threading.Thread(target=lambda: seen.append(fastact.get_accuracy()))
        t.start()
        t.join()
        with fastact.accuracy_mode("default"):
            assert fastact.get_accuracy() == "default"
        assert fastact.get_accuracy() == "high"
    assert seen == ["default"]
    assert fastact.get_accuracy() == "default"


def test_scoped_mode_restores_after_an_exception(restore_mode):
    with pytest.raises(RuntimeError):
        with fastact.accuracy_mode("high"):
            raise RuntimeError("boom")
    assert fastact.get_accuracy() == "default"


def test_scoped_calls_in_other_threads_keep_their_mode(c_module, restore_mode):
    """Two threads computing at once in different modes each get their own mode's
    bits (the C side reads a thread-local override on every call)."""
    ns = _backends.namespace("c")
    default = ns.tanh(Z)
    with fastact.accuracy_mode("high"):
        high = ns.tanh(Z)
    results = {}

    def work(mode):
        with fastact.accuracy_mode(mode):
            results[mode] = [ns.tanh(Z) for _ in range(20)]

    threads = [threading.Thread(target=work, args=(m,)) for m in ("default", "high")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(np.array_equal(r, default) for r in results["default"])
    assert all(np.array_equal(r, high) for r in results["high"])


def test_gelu_has_a_high_kernel(c_module, restore_mode):
    """gelu's exact form has a float32 default kernel of its own (<= 2 ULP, faster)
    beside the <= 1 ULP one the high mode runs: some float32 results and derivatives
    differ between the modes.  Its tanh form and float64 run one kernel in both.
    (The baseline level, without a cheap table lookup, runs the high kernel in both.)"""
    if c_module.get_level() == "baseline":
        pytest.skip("the baseline level runs the high kernels in both modes")
    ns = _backends.namespace("c")
    z64 = np.linspace(-9, 9, 20_001)
    runs = {}
    for mode in ("default", "high"):
        with fastact.accuracy_mode(mode):
            runs[mode] = (ns.gelu_and_derivative(Z), ns.gelu_and_derivative(Z, approximate="tanh"),
                          ns.gelu_and_derivative(z64))
    (exact_d, tanh_d, f64_d), (exact_h, tanh_h, f64_h) = runs["default"], runs["high"]
    for out_d, out_h in zip(exact_d, exact_h):
        assert np.count_nonzero(out_d != out_h) > 0
        # and both close to each other (each mode's budget: test_accuracy.py)
        np.testing.assert_allclose(out_d, out_h, rtol=4e-7, atol=1e-44)
    for pair in (zip(tanh_d, tanh_h), zip(f64_d, f64_h)):
        for out_d, out_h in pair:
            np.testing.assert_array_equal(out_d, out_h)


@pytest.mark.parametrize("mode", ["default", "high"])
def test_environment_variable(mode):
    code = "import fastact; print(fastact.get_accuracy())"
    env = dict(os.environ, FASTACT_ACCURACY=mode)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == mode


def test_bad_environment_variable_is_a_clear_error():
    env = dict(os.environ, FASTACT_ACCURACY="fastest")
    out = subprocess.run([sys.executable, "-c", "import fastact"], env=env, capture_output=True,
                         text=True)
    assert out.returncode != 0
    assert "unknown accuracy mode 'fastest'" in out.stderr


def test_show_config_reports_the_mode(capsys, restore_mode):
    fastact.set_accuracy("high")
    fastact.show_config()
    assert "accuracy: high" in capsys.readouterr().out


def test_fallback_records_the_mode_and_says_it_selects_nothing(monkeypatch, restore_mode):
    monkeypatch.setattr(fastact, "BACKEND", "python")
    fastact.set_accuracy("high")
    assert fastact.get_accuracy() == "high"
    with fastact.accuracy_mode("default"):
        assert fastact.get_accuracy() == "default"
    assert "selects nothing" in fastact._config.config()["accuracy"]
    assert _mode.MODES == ("default", "high")
