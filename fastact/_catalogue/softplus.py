"""The softplus family: softplus, log_sigmoid and JAX's squareplus (its
algebraic counterpart)."""
from __future__ import annotations

from fastact._catalogue.model import (FROM_Z_OPS, OPS, Activation, AtenBackward, BenchPeers,
                                      Param, Relation)

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
    Activation(
        "squareplus",
        formula="(z + sqrt(z**2 + b)) / 2",
        derivative="(1 + z / sqrt(z**2 + b)) / 2",
        derivative_from_a="a**2 / (a**2 + b/4)",
        parameters=(
            Param("b", 4.0, "the curvature at 0 (the larger, the smoother; g(0) = sqrt(b)/2)",
                  ops=OPS, positive=OPS,
                  positive_why="b = 0 is relu itself, whose kink squareplus smooths, and "
                               "sqrt(z**2 + b) is not real for every z if b < 0"),
        ),
        a_domain=(0.0, INF),
        limits=(0.0, INF),
        # Below 2^-64 the from-a square (2a)^2 reaches float32's subnormals while g' is
        # still normal (10^6 ULP at b = 2^-120); squareplus is relu there to 2^-32
        # relative at |z| >= 1, so a b that small is refused rather than answered wrong.
        relations=(Relation(OPS, lambda v: v["b"] >= 2.0 ** -64, "b >= 2**-64"),),
        summary="the algebraic smooth rectifier (JAX's squareplus)",
        jax="jax.nn.squareplus(z, b)",
        numpy="(z + np.sqrt(z * z + b)) / 2",
        # torch has no squareplus (so no aten backward and no out= binding)
        bench=BenchPeers(
            numpy_derivative="(1 + z / np.sqrt(z * z + b)) / 2",
            jax_derivative="(1 + z / jnp.sqrt(z * z + b)) / 2",
            numexpr=("(z + sqrt(z * z + b)) / 2", "a * a / (a * a + b / 4)")),
    ),
)
