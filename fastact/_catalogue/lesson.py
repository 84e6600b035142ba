"""The lesson's four activations (../shared/seed/): sigmoid, tanh, relu, leaky_relu."""
from __future__ import annotations

from fastact._catalogue.model import DERIVATIVE_OPS, FROM_A_OPS, OPS, Activation, Param

INF = float("inf")

ACTIVATIONS = (
    Activation(
        "sigmoid",
        formula="1 / (1 + exp(-z))",
        derivative="sigmoid(z) * sigmoid(-z)   (= e / (1 + e)**2, e = exp(-|z|))",
        derivative_from_a="a * (1 - a)",
        a_domain=(0.0, 1.0),
        limits=(0.0, 1.0),
        high=True,
        summary="the logistic function",
        torch="torch.sigmoid(z)",
        jax="jax.nn.sigmoid(z)",
        numpy="1 / (1 + np.exp(-z))",
    ),
    Activation(
        "tanh",
        formula="tanh(z)",
        derivative="1 - tanh(z)**2   (= 4e / (1 + e)**2, e = exp(-2|z|))",
        derivative_from_a="1 - a**2",
        a_domain=(-1.0, 1.0),
        limits=(-1.0, 1.0),
        high=True,
        summary="the hyperbolic tangent",
        torch="torch.tanh(z)",
        jax="jnp.tanh(z)",
        numpy="np.tanh(z)",
    ),
    Activation(
        "relu",
        formula="max(0, z)",
        derivative="1 if z > 0, 0 if z < 0, at_zero (default 0) at z == 0",
        derivative_from_a="1 if a > 0 else 0",
        parameters=(
            Param("at_zero", None, "the derivative used at the kink z == 0", ops=DERIVATIVE_OPS,
                  none_means=0.0),
        ),
        kink="g'(0) = 0 (PyTorch's convention); at_zero= chooses another",
        a_domain=(0.0, INF),
        limits=(0.0, INF),
        summary="the rectifier",
        torch="torch.relu(z)",
        jax="jax.nn.relu(z)",
        numpy="np.maximum(z, 0)",
    ),
    Activation(
        "leaky_relu",
        formula="z if z > 0 else alpha * z",
        derivative="1 if z > 0, alpha if z < 0, at_zero (default alpha) at z == 0",
        derivative_from_a="1 if a > 0, alpha if a < 0, at_zero at a == 0 (needs alpha > 0)",
        parameters=(
            Param("alpha", 0.01, "slope for z <= 0", ops=OPS, positional=True, array=True,
                  positive=FROM_A_OPS,
                  positive_why="with alpha <= 0 the output a does not tell whether z was "
                               "positive"),
            Param("at_zero", None, "the derivative used at the kink z == 0",
                  ops=DERIVATIVE_OPS + FROM_A_OPS, none_means="alpha"),
        ),
        kink="g'(0) = alpha (PyTorch's convention); at_zero= chooses another",
        limits=(-INF, INF),
        summary="the rectifier with a slope alpha for z < 0",
        torch="F.leaky_relu(z, alpha)",
        jax="jax.nn.leaky_relu(z, alpha)",
        numpy="np.where(z > 0, z, alpha * z)",
    ),
)
