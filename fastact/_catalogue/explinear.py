"""Family B: the exponential-linear units (elu, selu, celu) and the
sigmoid-weighted / rational ones (silu, softsign, tanhshrink)."""
from __future__ import annotations

from fastact._catalogue.model import (FROM_A_OPS, OPS, Activation, AtenBackward, BenchPeers,
                                      Param)

INF = float("inf")
# SELU's constants (Klambauer et al. 2017), to more digits than float64 holds:
# the kernels carry them as double-word constants.
SELU_LAMBDA = 1.0507009873554804934193349852946
SELU_ALPHA = 1.6732632423543772848170429916717
# their product, rounded once (SELU_LAMBDA * SELU_ALPHA in float64 rounds twice
# and is 1 ULP below: the limit at -inf is the rounded product, as the kernels give)
SELU_LAMBDA_ALPHA = 1.7580993408473768599402175208123

ACTIVATIONS = (
    Activation(
        "elu",
        formula="z if z > 0 else alpha * expm1(z)",
        derivative="1 if z > 0 else alpha * exp(z)   (alpha at z == 0)",
        derivative_from_a="1 if a > 0 else a + alpha   (needs alpha > 0)",
        parameters=(
            Param("alpha", 1.0, "the scale of the negative side", ops=OPS,
                  positive=FROM_A_OPS,
                  positive_why="with alpha <= 0 the output a does not tell whether z was "
                               "positive"),
        ),
        kink="g'(0) = alpha (PyTorch's elu_backward: exp(0) * alpha)",
        limits=(-1.0, INF),
        summary="the exponential linear unit",
        torch="F.elu(z, alpha)",
        jax="jax.nn.elu(z, alpha)",
        numpy="np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0)))",
        bench=BenchPeers(
            torch_backward=AtenBackward("elu_backward", (1.0, 1.0, 1.0, False, "z")),
            torch_out="torch._C._nn.elu(z, alpha, 1.0, 1.0, out=out)",
            numpy_derivative="np.where(z > 0, 1, a + alpha).astype(z.dtype)",
            jax_derivative="jnp.where(z > 0, 1, a + alpha).astype(z.dtype)"),
    ),
    Activation(
        "selu",
        formula="lambda * (z if z > 0 else alpha * expm1(z)),  lambda = 1.0507009873554805, "
                "alpha = 1.6732632423543772",
        derivative="lambda if z > 0 else lambda * alpha * exp(z)   (lambda * alpha at z == 0)",
        derivative_from_a="lambda if a > 0 else a + lambda * alpha",
        kink="g'(0) = lambda * alpha (PyTorch's elu_backward)",
        a_domain=(-SELU_LAMBDA_ALPHA, INF),
        limits=(-SELU_LAMBDA_ALPHA, INF),
        summary="the scaled exponential linear unit (self-normalising)",
        torch="F.selu(z)",
        jax="jax.nn.selu(z)",
        numpy="1.0507009873554805 * np.where(z > 0, z, 1.6732632423543772 * "
              "np.expm1(np.minimum(z, 0)))",
        bench=BenchPeers(
            torch_backward=AtenBackward("elu_backward", (1.6732632423543772, 1.0507009873554805,
                                                         1.0, False, "z")),
            torch_out="torch._C._nn.elu(z, 1.6732632423543772, 1.0507009873554805, 1.0, "
                      "out=out)",
            numpy_derivative="np.where(z > 0, 1.0507009873554805, a + 1.7580993408473766)"
                             ".astype(z.dtype)",
            jax_derivative="jnp.where(z > 0, 1.0507009873554805, a + 1.7580993408473766)"
                           ".astype(z.dtype)"),
    ),
    Activation(
        "celu",
        formula="max(0, z) + min(0, alpha * expm1(z / alpha))",
        derivative="1 if z > 0 else exp(z / alpha)   (1 at z == 0)",
        derivative_from_a="1 if a > 0 else a / alpha + 1",
        parameters=(
            Param("alpha", 1.0, "the scale of the negative side", ops=OPS,
                  nonzero=OPS),
        ),
        kink="g'(0) = 1 (PyTorch's elu_backward with input scale 1/alpha)",
        summary="the continuously differentiable exponential linear unit",
        torch="F.celu(z, alpha)",
        jax="jax.nn.celu(z, alpha)",
        numpy="np.maximum(z, 0) + np.minimum(0, alpha * np.expm1(np.minimum(z, 0) / alpha))",
        bench=BenchPeers(
            torch_backward=AtenBackward("elu_backward", ("alpha", 1.0, 1.0, False, "z")),
            torch_out="torch._C._nn.elu(z, alpha, 1.0, 1.0 / alpha, out=out)",
            numpy_derivative="np.where(z > 0, 1, a / alpha + 1).astype(z.dtype)",
            jax_derivative="jnp.where(z > 0, 1, a / alpha + 1).astype(z.dtype)"),
    ),
    Activation(
        "silu",
        formula="z * sigmoid(z)",
        derivative="sigmoid(z) * (1 + z * (1 - sigmoid(z)))",
        derivative_from_a=None,
        limits=(0.0, INF),
        summary="the sigmoid-weighted linear unit (swish)",
        torch="F.silu(z)",
        jax="jax.nn.silu(z)",
        numpy="z / (1 + np.exp(-z))",
        bench=BenchPeers(
            torch_backward=AtenBackward("silu_backward", ("z",)),
            torch_out="torch._C._nn.silu(z, out=out)",
            numpy_derivative="(lambda s: s * (1 + z * (1 - s)))(1 / (1 + np.exp(-z)))",
            jax_derivative="jax.nn.sigmoid(z) * (1 + z * (1 - jax.nn.sigmoid(z)))"),
    ),
    Activation(
        "softsign",
        streams=True,
        formula="z / (1 + |z|)",
        derivative="1 / (1 + |z|)**2",
        derivative_from_a="(1 - |a|)**2",
        a_domain=(-1.0, 1.0),
        limits=(-1.0, 1.0),
        summary="the rational sigmoid",
        torch="F.softsign(z)",
        jax="jax.nn.soft_sign(z)",
        numpy="z / (1 + np.abs(z))",
        bench=BenchPeers(
            numpy_derivative="1 / (1 + np.abs(z)) ** 2",
            jax_derivative="1 / (1 + jnp.abs(z)) ** 2"),
    ),
    Activation(
        "tanhshrink",
        formula="z - tanh(z)",
        derivative="tanh(z)**2",
        derivative_from_a=None,
        limits=(-INF, INF),
        summary="the residual of tanh (z**3/3 near 0)",
        torch="F.tanhshrink(z)",
        jax="z - jnp.tanh(z)",
        numpy="z - np.tanh(z)",
        bench=BenchPeers(
            numpy_derivative="np.tanh(z) ** 2",
            jax_derivative="jnp.tanh(z) ** 2"),
    ),
)
