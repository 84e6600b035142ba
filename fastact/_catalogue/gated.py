"""The gated linear units: z times a smooth gate, gelu (z Phi(z), exact or
torch's tanh form) and mish (z tanh(softplus(z))).  Neither is monotonic, so
neither has from-a operations."""
from __future__ import annotations

from fastact._catalogue.model import FROM_Z_OPS, Activation, AtenBackward, BenchPeers, Param

INF = float("inf")

ACTIVATIONS = (
    Activation(
        "gelu",
        formula="z * Phi(z),  Phi(z) = erfc(-z / sqrt(2)) / 2   (approximate='tanh': "
                "z / 2 * (1 + tanh(sqrt(2 / pi) * (z + 0.044715 * z**3))))",
        derivative="Phi(z) + z * phi(z),  phi(z) = exp(-z**2 / 2) / sqrt(2 pi)   "
                   "(approximate='tanh': the derivative of the tanh form)",
        derivative_from_a=None,
        parameters=(
            Param("approximate", "none",
                  "'none': the exact z Phi(z); 'tanh': PyTorch's tanh approximation",
                  ops=FROM_Z_OPS, choices={"none": "gelu", "tanh": "gelu_tanh"}),
        ),
        limits=(0.0, INF),
        # act/gelu.h: a <= 2 ULP float32 default for the exact form beside its
        # <= 1 ULP kernel (the tanh form has one kernel for both modes)
        high=True,
        summary="the Gaussian error linear unit (exact, or torch's tanh form)",
        torch="F.gelu(z, approximate=approximate)",
        jax="jax.nn.gelu(z, approximate=approximate == 'tanh')",
        # NumPy has no erf: its composition is the tanh form only
        numpy=None,
        bench=BenchPeers(
            torch_backward=AtenBackward("gelu_backward", ("z",)),
            torch_out="torch._C._nn.gelu(z, approximate=approximate, out=out)",
            jax_derivative="jax.scipy.stats.norm.cdf(z) + z * jax.scipy.stats.norm.pdf(z)"),
    ),
    Activation(
        "mish",
        formula="z * tanh(softplus(z)),  softplus(z) = log1p(exp(z))",
        derivative="tanh(softplus(z)) + z * sigmoid(z) * (1 - tanh(softplus(z))**2)",
        derivative_from_a=None,
        limits=(0.0, INF),
        summary="the self-regularised non-monotonic activation z tanh(softplus(z))",
        torch="F.mish(z)",
        jax="z * jnp.tanh(jax.nn.softplus(z))",
        numpy="z * np.tanh(np.logaddexp(0, z))",
        # aten's mish_backward has no out= (.grad_input) overload: no out= peer
        bench=BenchPeers(
            torch_backward=AtenBackward("mish_backward", ("z",)),
            numpy_derivative="(lambda t: t + z * (1 - t * t) / (1 + np.exp(-z)))"
                             "(np.tanh(np.logaddexp(0, z)))",
            jax_derivative="jnp.tanh(jax.nn.softplus(z)) + z * jax.nn.sigmoid(z) * "
                           "(1 - jnp.tanh(jax.nn.softplus(z)) ** 2)"),
    ),
)
