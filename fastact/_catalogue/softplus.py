"""The softplus family: softplus and log_sigmoid (gelu and mish join them here)."""
from __future__ import annotations

from fastact._catalogue.model import (FROM_Z_OPS, OPS, Activation, AtenBackward, BenchPeers,
                                      Param)

INF = float("inf")

ACTIVATIONS = (
    Activation(
        "softplus",
        formula="log1p(exp(beta*z)) / beta   (z where beta*z > threshold, if given)",
        derivative="sigmoid(beta*z)   (1 where beta*z > threshold, if given)",
        derivative_from_a="-expm1(-beta*a)",
        parameters=(
            Param("beta", 1.0, "the sharpness (the larger, the closer to relu)",
                  ops=OPS, positive=OPS,
                  positive_why="log1p(exp(beta*z))/beta is a smooth relu only for beta > 0"),
            Param("threshold", None,
                  "PyTorch's switch to z itself where beta*z > threshold (None: never, "
                  "exact everywhere)", ops=FROM_Z_OPS, none_means=INF, allow_inf=True),
        ),
        a_domain=(0.0, INF),
        limits=(0.0, INF),
        summary="the smooth rectifier log(1 + e^z)",
        torch="F.softplus(z, beta, threshold)",
        jax="jax.nn.softplus(beta * z) / beta",
        numpy="np.logaddexp(0, beta * z) / beta",
        bench=BenchPeers(
            torch_backward=AtenBackward("softplus_backward", ("z", "beta", "threshold")),
            # F.softplus takes no out=; it calls this binding, which does.
            torch_out="torch._C._nn.softplus(z, beta, threshold, out=out)",
            numpy_derivative="1 / (1 + np.exp(-beta * z))",
            jax_derivative="jax.nn.sigmoid(beta * z)",
            numexpr=("log(1 + exp(beta * z)) / beta", "1 - exp(-beta * a)")),
    ),
    Activation(
        "log_sigmoid",
        formula="log(sigmoid(z)) = -softplus(-z)",
        derivative="sigmoid(-z)",
        derivative_from_a="-expm1(a)",
        a_domain=(-INF, 0.0),
        limits=(-INF, 0.0),
        summary="the log of the logistic function",
        torch="F.logsigmoid(z)",
        jax="jax.nn.log_sigmoid(z)",
        numpy="-np.logaddexp(0, -z)",
        # aten's log_sigmoid_backward needs log_sigmoid_forward's buffer (its CPU
        # kernel reads it), which AtenBackward's arguments (a, z, parameters,
        # constants) cannot express: no torch backward peer yet.
        bench=BenchPeers(
            torch_out="torch._C._nn.log_sigmoid(z, out=out)",
            numpy_derivative="1 / (1 + np.exp(z))",
            jax_derivative="jax.nn.sigmoid(-z)",
            numexpr=("-log(1 + exp(-z))", "1 - exp(a)")),
    ),
)
