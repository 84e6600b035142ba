"""`ActivationFunctions`: the lesson's class, with its exact calling conventions,
served by fastact's kernels.

Meaning kept from the lesson: sigmoid_derivative and tanh_derivative take the
*activation* a; relu_derivative and leaky_relu_derivative take z; the lesson
sets relu'(0) = 0 and leaky_relu'(0) = 1 (its code sets alpha only where z < 0).
Where fastact differs on purpose: integer input gives float64 results (the
lesson's leaky_relu_derivative on an int array truncates alpha to 0), and NaN
gives NaN (the lesson's leaky_relu_derivative gives 1).
"""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any, Callable, Dict, Tuple

import numpy as np

# the lesson's leaky_relu default: the catalogue's, where the benchmark's parameters are
from fastact._catalogue.lesson import LESSON_ALPHA


def make_activation_functions(api: Any) -> type:
    """The lesson's class over one backend's public functions."""

    class ActivationFunctions:
        """Collection of activation functions and their derivatives (the lesson's API)."""

        @staticmethod
        def sigmoid(z: Any) -> Any:
            return api.sigmoid(z)

        @staticmethod
        def sigmoid_derivative(a: Any) -> Any:
            """Derivative using already-computed activation: a * (1 - a)."""
            return api.sigmoid_derivative_from_a(a)

        @staticmethod
        def tanh(z: Any) -> Any:
            return api.tanh(z)

        @staticmethod
        def tanh_derivative(a: Any) -> Any:
            """Derivative using already-computed activation: 1 - a**2."""
            return api.tanh_derivative_from_a(a)

        @staticmethod
        def relu(z: Any) -> Any:
            return api.relu(z)

        @staticmethod
        def relu_derivative(z: Any) -> Any:
            """1 where z > 0, else 0."""
            return api.relu_derivative(z, at_zero=0.0)

        @staticmethod
        def leaky_relu(z: Any, alpha: float = 0.01) -> Any:
            return api.leaky_relu(z, alpha=alpha)

        @staticmethod
        def leaky_relu_derivative(z: Any, alpha: float = 0.01) -> Any:
            """alpha where z < 0, else 1 (so 1 at z == 0, as in the lesson)."""
            return api.leaky_relu_derivative(z, alpha=alpha, at_zero=1.0)

    return ActivationFunctions


def lesson_example_lines(act: Any, z: Any) -> list:
    """The lesson's example printout, line by line."""
    lines = ["Sigmoid:",
             f"  Values: {act.sigmoid(z)}",
             f"  Derivatives: {act.sigmoid_derivative(act.sigmoid(z))}",
             "", "Tanh:",
             f"  Values: {act.tanh(z)}",
             f"  Derivatives: {act.tanh_derivative(act.tanh(z))}",
             "", "ReLU:",
             f"  Values: {act.relu(z)}",
             f"  Derivatives: {act.relu_derivative(z)}",
             "", "Leaky ReLU:",
             f"  Values: {act.leaky_relu(z)}",
             f"  Derivatives: {act.leaky_relu_derivative(z)}"]
    return lines


# ---------------------------------------------------------------------------
# The lesson's own NumPy code, what the benchmark's "numpy" column and the demo
# time fastact against: value(z, alpha), and the lesson's value then
# derivative both(z, alpha) -> (a, d).  Only the lesson's four have it.

def _sigmoid(z: Any, alpha: float) -> Any:
    return 1 / (1 + np.exp(-z))


def _sigmoid_both(z: Any, alpha: float) -> Any:
    a = 1 / (1 + np.exp(-z))
    return a, a * (1 - a)


def _tanh_both(z: Any, alpha: float) -> Any:
    a = np.tanh(z)
    return a, 1 - a ** 2


def _relu(z: Any, alpha: float) -> Any:
    return np.maximum(0, z)


def _relu_both(z: Any, alpha: float) -> Any:
    return np.maximum(0, z), (z > 0).astype(float)


def _leaky_relu(z: Any, alpha: float) -> Any:
    return np.maximum(alpha * z, z)


def _leaky_relu_both(z: Any, alpha: float) -> Any:
    a = np.maximum(alpha * z, z)
    dz = np.ones_like(z)
    dz[z < 0] = alpha
    return a, dz


LessonCode = Tuple[Callable[[Any, float], Any], Callable[[Any, float], Any]]
LESSON_NUMPY: Dict[str, LessonCode] = {
    "sigmoid": (_sigmoid, _sigmoid_both),
    "tanh": (lambda z, alpha: np.tanh(z), _tanh_both),
    "relu": (_relu, _relu_both),
    "leaky_relu": (_leaky_relu, _leaky_relu_both),
}


__all__ = ["make_activation_functions", "lesson_example_lines", "LESSON_NUMPY", "LESSON_ALPHA",
           "SimpleNamespace"]
