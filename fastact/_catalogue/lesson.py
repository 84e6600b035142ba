"""The lesson's four activations (../shared/seed/): sigmoid, tanh, relu, leaky_relu."""
from __future__ import annotations

from fastact._catalogue.model import (DERIVATIVE_OPS, FROM_A_OPS, OPS, Activation, AtenBackward,
                                      BenchPeers, Param)

INF = float("inf")
# The lesson's leaky_relu default, which the benchmark gives leaky_relu (its bench
# params; fastact._lesson and the demo use it too).
LESSON_ALPHA = 0.01

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
        bench=BenchPeers(
            torch_backward=AtenBackward("sigmoid_backward", ("a",)),
            torch_out="torch.sigmoid(z, out=out)",
            jax_derivative="a * (1 - a)",
            numexpr=("1 / (1 + exp(-z))", "a * (1 - a)"),
            scipy=("sp.expit(z)", "a * (1 - a)")),
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
        bench=BenchPeers(
            torch_backward=AtenBackward("tanh_backward", ("a",)),
            torch_out="torch.tanh(z, out=out)",
            jax_derivative="1 - a * a",
            numexpr=("tanh(z)", "1 - a * a")),
    ),
    Activation(
        "relu",
        streams=True,
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
        bench=BenchPeers(
            params={"at_zero": 0.0},
            torch_backward=AtenBackward("threshold_backward", ("z", 0)),
            # torch.relu takes no out=; ATen implements relu as clamp_min(self, 0),
            # so this is the same kernel through the public out= binding.
            torch_out="torch.clamp_min(z, 0, out=out)",
            jax_derivative="(z > 0).astype(z.dtype)",
            numexpr=("where(z > 0, z, 0)", "where(z > 0, one, zero)")),
    ),
    Activation(
        "leaky_relu",
        streams=True,
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
        bench=BenchPeers(
            params={"alpha": LESSON_ALPHA},
            torch_backward=AtenBackward("leaky_relu_backward", ("z", "alpha", False)),
            # F.leaky_relu takes no out=; it calls this binding, which does.
            torch_out="torch._C._nn.leaky_relu(z, alpha, out=out)",
            jax_derivative="jnp.where(z < 0, jnp.asarray(alpha, z.dtype), "
                           "jnp.asarray(1, z.dtype))",
            numexpr=("where(z > 0, z, alpha * z)", "where(z < 0, alpha, one)")),
    ),
)
