"""fastact.ActivationFunctions reproduces the lesson's class, and the demo runs."""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest


class LessonActivationFunctions:
    """The lesson's reference behaviour, written out here from its formulas."""

    @staticmethod
    def sigmoid(z):
        return 1 / (1 + np.exp(-z))

    @staticmethod
    def sigmoid_derivative(a):
        return a * (1 - a)

    @staticmethod
    def tanh(z):
        return np.tanh(z)

    @staticmethod
    def tanh_derivative(a):
        return 1 - a**2

    @staticmethod
    def relu(z):
        return np.maximum(0, z)

    @staticmethod
    def relu_derivative(z):
        return (z > 0).astype(float)

    @staticmethod
    def leaky_relu(z, alpha=0.01):
        return np.maximum(alpha * z, z)

    @staticmethod
    def leaky_relu_derivative(z, alpha=0.01):
        dz = np.ones_like(z)
        dz[z < 0] = alpha
        return dz


METHODS = ["sigmoid", "sigmoid_derivative", "tanh", "tanh_derivative", "relu",
           "relu_derivative", "leaky_relu", "leaky_relu_derivative"]


@pytest.mark.parametrize("method", METHODS)
def test_value_for_value(fa, method):
    ours, lesson = fa.ActivationFunctions(), LessonActivationFunctions()
    z = np.concatenate([np.linspace(-6, 6, 241), [-2, -1, 0, 1, 2]])
    arg = lesson.sigmoid(z) if method == "sigmoid_derivative" else \
        lesson.tanh(z) if method == "tanh_derivative" else z
    got, want = getattr(ours, method)(arg), getattr(lesson, method)(arg)
    # the same numbers up to the last bits (fastact evaluates the stable forms)
    np.testing.assert_allclose(got, want, rtol=4e-16, atol=1e-16)
    if method.startswith(("relu", "leaky")):
        np.testing.assert_array_equal(got, want)  # piecewise-linear: exactly


@pytest.mark.parametrize("alpha", [0.01, 0.1, 0.5])
def test_leaky_alpha_like_lesson(fa, alpha):
    z = np.linspace(-3, 3, 61)
    ours, lesson = fa.ActivationFunctions, LessonActivationFunctions
    np.testing.assert_array_equal(ours.leaky_relu(z, alpha), lesson.leaky_relu(z, alpha))
    np.testing.assert_array_equal(ours.leaky_relu_derivative(z, alpha=alpha),
                                  lesson.leaky_relu_derivative(z, alpha=alpha))


def test_lesson_example_runs_unchanged(fa, capsys):
    act = fa.ActivationFunctions()
    z = np.array([-2, -1, 0, 1, 2])
    print("Sigmoid:")
    print("  Values:", act.sigmoid(z))
    print("  Derivatives:", act.sigmoid_derivative(act.sigmoid(z)))
    out = capsys.readouterr().out
    lesson = LessonActivationFunctions()
    assert str(lesson.sigmoid(z)) in out
    assert str(lesson.sigmoid_derivative(lesson.sigmoid(z))) in out


def test_int_input_differs_from_lesson_only_where_documented(fa):
    # the lesson's leaky_relu_derivative truncates alpha on int arrays; fastact
    # computes in float64
    z = np.array([-2, -1, 0, 1, 2])
    np.testing.assert_array_equal(fa.ActivationFunctions.leaky_relu_derivative(z),
                                  [0.01, 0.01, 1, 1, 1])


def _run_demo(env_extra):
    env = dict(os.environ, **env_extra)
    return subprocess.run([sys.executable, "-m", "fastact", "demo", "-n", "20000",
                           "--repeat", "1"], capture_output=True, text=True, env=env,
                          timeout=120, check=True).stdout


def test_demo_prints_the_lesson_numbers_and_a_ratio():
    out = _run_demo({})
    lesson = LessonActivationFunctions()
    z = np.array([-2, -1, 0, 1, 2])
    for line in (f"  Values: {lesson.sigmoid(z)}",
                 f"  Derivatives: {lesson.sigmoid_derivative(lesson.sigmoid(z))}",
                 f"  Values: {lesson.tanh(z)}",
                 f"  Derivatives: {lesson.relu_derivative(z)}"):
        assert line in out, line
    assert "speed-up:" in out and "x" in out.split("speed-up:")[1]


def test_demo_on_fallback():
    out = _run_demo({"FASTACT_NO_EXTENSIONS": "1"})
    assert "backend python" in out
