"""What the benchmark times each activation against, as data.

The value expressions are the catalogue's (`Activation.torch` / `.jax` /
`.numpy`: expressions of z and the parameters by name); this table adds per
activation what the catalogue does not say: the parameters the benchmark uses,
torch's aten backward op, torch's out= forward binding, the derivative jax is
given, and the numexpr/scipy expressions.  None means "this peer has no such
function": the peer is skipped for that activation, explicitly, never another
activation's code.  tests/test_registries_complete.py checks PEERS covers
exactly the catalogue.  The lesson's own NumPy code is the lesson's
(fastact._lesson.LESSON_NUMPY).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Optional, Tuple

from fastact._lesson import LESSON_ALPHA


@dataclass(frozen=True)
class AtenBackward:
    """torch.ops.aten.<op>(grad, *args): each arg is "a" (the forward's output),
    "z" (its input), a parameter name, or a constant."""
    op: str
    args: Tuple[Any, ...]
    # its out= overload and keyword: grad_input for most, out for hardswish_backward
    out: str = "grad_input"


@dataclass(frozen=True)
class BenchPeers:
    # fastact's keyword arguments beyond the defaults (each op gets those it
    # takes); the peers' expressions see every parameter with these values
    params: Mapping[str, Any] = field(default_factory=dict)
    torch_backward: Optional[AtenBackward] = None
    # the forward writing into the tensor `out` (a public out= binding of the
    # same kernel where the catalogue's function has none)
    torch_out: Optional[str] = None
    jax_derivative: Optional[str] = None        # of z and a = value(z), in jnp terms
    # the derivative as a straightforward NumPy composition (of z and a = the
    # catalogue's NumPy value), for the fused op's NumPy peer; None where the
    # catalogue has no NumPy value (gelu: NumPy has no erf) or the lesson's
    # code is used (the lesson's four)
    numpy_derivative: Optional[str] = None
    numexpr: Optional[Tuple[str, str]] = None   # (value of z, derivative of z, a, one, zero)
    scipy: Optional[Tuple[str, str]] = None     # (value with sp = scipy.special, derivative of a)


PEERS = {
    "sigmoid": BenchPeers(
        torch_backward=AtenBackward("sigmoid_backward", ("a",)),
        torch_out="torch.sigmoid(z, out=out)",
        jax_derivative="a * (1 - a)",
        numexpr=("1 / (1 + exp(-z))", "a * (1 - a)"),
        scipy=("sp.expit(z)", "a * (1 - a)")),
    "tanh": BenchPeers(
        torch_backward=AtenBackward("tanh_backward", ("a",)),
        torch_out="torch.tanh(z, out=out)",
        jax_derivative="1 - a * a",
        numexpr=("tanh(z)", "1 - a * a")),
    "relu": BenchPeers(
        params={"at_zero": 0.0},
        torch_backward=AtenBackward("threshold_backward", ("z", 0)),
        # torch.relu takes no out=; ATen implements relu as clamp_min(self, 0),
        # so this is the same kernel through the public out= binding.
        torch_out="torch.clamp_min(z, 0, out=out)",
        jax_derivative="(z > 0).astype(z.dtype)",
        numexpr=("where(z > 0, z, 0)", "where(z > 0, one, zero)")),
    "leaky_relu": BenchPeers(
        params={"alpha": LESSON_ALPHA},
        torch_backward=AtenBackward("leaky_relu_backward", ("z", "alpha", False)),
        # F.leaky_relu takes no out=; it calls this binding, which does.
        torch_out="torch._C._nn.leaky_relu(z, alpha, out=out)",
        jax_derivative="jnp.where(z < 0, jnp.asarray(alpha, z.dtype), jnp.asarray(1, z.dtype))",
        numexpr=("where(z > 0, z, alpha * z)", "where(z < 0, alpha, one)")),
    # ---- the piecewise-linear family
    "hardtanh": BenchPeers(
        torch_backward=AtenBackward("hardtanh_backward", ("z", "min_val", "max_val")),
        torch_out="torch._C._nn.hardtanh(z, min_val, max_val, out=out)",
        numpy_derivative="((z > min_val) & (z < max_val)).astype(z.dtype)",
        jax_derivative="((z > min_val) & (z < max_val)).astype(z.dtype)"),
    "relu6": BenchPeers(
        torch_backward=AtenBackward("hardtanh_backward", ("z", 0.0, 6.0)),
        torch_out="torch._C._nn.hardtanh(z, 0.0, 6.0, out=out)",
        numpy_derivative="((z > 0) & (z < 6)).astype(z.dtype)",
        jax_derivative="((z > 0) & (z < 6)).astype(z.dtype)"),
    "hardsigmoid": BenchPeers(
        torch_backward=AtenBackward("hardsigmoid_backward", ("z",)),
        torch_out="torch._C._nn.hardsigmoid(z, out=out)",
        numpy_derivative="np.where((z > -3) & (z < 3), 1 / 6, 0).astype(z.dtype)",
        jax_derivative="jnp.where((z > -3) & (z < 3), 1 / 6, 0).astype(z.dtype)"),
    "hardswish": BenchPeers(
        torch_backward=AtenBackward("hardswish_backward", ("z",), out="out"),
        torch_out="torch._C._nn.hardswish(z, out=out)",
        numpy_derivative="np.where(z < -3, 0, np.where(z > 3, 1, z / 3 + 0.5)).astype(z.dtype)",
        jax_derivative="jnp.where(z < -3, 0, jnp.where(z > 3, 1, z / 3 + 0.5)).astype(z.dtype)"),
    "softshrink": BenchPeers(
        torch_backward=AtenBackward("softshrink_backward", ("z", "lambd")),
        torch_out="torch._C._nn.softshrink(z, lambd, out=out)",
        numpy_derivative="(np.abs(z) > lambd).astype(z.dtype)",
        jax_derivative="(jnp.abs(z) > lambd).astype(z.dtype)"),
    "hardshrink": BenchPeers(
        torch_backward=AtenBackward("hardshrink_backward", ("z", "lambd")),
        torch_out="torch.hardshrink(z, lambd, out=out)",
        numpy_derivative="(np.abs(z) > lambd).astype(z.dtype)",
        jax_derivative="(jnp.abs(z) > lambd).astype(z.dtype)"),
    "threshold": BenchPeers(
        params={"threshold": 0.0, "value": 0.0},
        torch_backward=AtenBackward("threshold_backward", ("z", "threshold")),
        torch_out="torch.threshold(z, threshold, value, out=out)",
        numpy_derivative="(z > threshold).astype(z.dtype)",
        jax_derivative="(z > threshold).astype(z.dtype)"),
    "prelu": BenchPeers(
        params={"weight": 0.25},
        numpy_derivative="np.where(z > 0, 1, weight).astype(z.dtype)",
        jax_derivative="jnp.where(z > 0, 1, weight).astype(z.dtype)"),
    # ---- the exponential-linear family
    "elu": BenchPeers(
        torch_backward=AtenBackward("elu_backward", (1.0, 1.0, 1.0, False, "z")),
        torch_out="torch._C._nn.elu(z, alpha, 1.0, 1.0, out=out)",
        numpy_derivative="np.where(z > 0, 1, a + alpha).astype(z.dtype)",
        jax_derivative="jnp.where(z > 0, 1, a + alpha).astype(z.dtype)"),
    "selu": BenchPeers(
        torch_backward=AtenBackward("elu_backward", (1.6732632423543772, 1.0507009873554805,
                                                     1.0, False, "z")),
        torch_out="torch._C._nn.elu(z, 1.6732632423543772, 1.0507009873554805, 1.0, out=out)",
        numpy_derivative="np.where(z > 0, 1.0507009873554805, a + 1.7580993408473766).astype(z.dtype)",
        jax_derivative="jnp.where(z > 0, 1.0507009873554805, a + 1.7580993408473766)"
                       ".astype(z.dtype)"),
    "celu": BenchPeers(
        torch_backward=AtenBackward("elu_backward", ("alpha", 1.0, 1.0, False, "z")),
        torch_out="torch._C._nn.elu(z, alpha, 1.0, 1.0 / alpha, out=out)",
        numpy_derivative="np.where(z > 0, 1, a / alpha + 1).astype(z.dtype)",
        jax_derivative="jnp.where(z > 0, 1, a / alpha + 1).astype(z.dtype)"),
    "silu": BenchPeers(
        torch_backward=AtenBackward("silu_backward", ("z",)),
        torch_out="torch._C._nn.silu(z, out=out)",
        numpy_derivative="(lambda s: s * (1 + z * (1 - s)))(1 / (1 + np.exp(-z)))",
        jax_derivative="jax.nn.sigmoid(z) * (1 + z * (1 - jax.nn.sigmoid(z)))"),
    "softsign": BenchPeers(
        numpy_derivative="1 / (1 + np.abs(z)) ** 2",
        jax_derivative="1 / (1 + jnp.abs(z)) ** 2"),
    "tanhshrink": BenchPeers(
        numpy_derivative="np.tanh(z) ** 2",
        jax_derivative="jnp.tanh(z) ** 2"),
    "softplus": BenchPeers(
        torch_backward=AtenBackward("softplus_backward", ("z", "beta", "threshold")),
        # F.softplus takes no out=; it calls this binding, which does.
        torch_out="torch._C._nn.softplus(z, beta, threshold, out=out)",
        numpy_derivative="1 / (1 + np.exp(-beta * z))",
        jax_derivative="jax.nn.sigmoid(beta * z)",
        numexpr=("log(1 + exp(beta * z)) / beta", "1 - exp(-beta * a)")),
    # aten's log_sigmoid_backward needs log_sigmoid_forward's buffer (its CPU
    # kernel reads it), which AtenBackward's arguments (a, z, parameters,
    # constants) cannot express: no torch backward peer yet.
    "log_sigmoid": BenchPeers(
        torch_out="torch._C._nn.log_sigmoid(z, out=out)",
        numpy_derivative="1 / (1 + np.exp(z))",
        jax_derivative="jax.nn.sigmoid(-z)",
        numexpr=("-log(1 + exp(-z))", "1 - exp(a)")),
    # torch has no squareplus (so no aten backward and no out= binding)
    "squareplus": BenchPeers(
        numpy_derivative="(1 + z / np.sqrt(z * z + b)) / 2",
        jax_derivative="(1 + z / jnp.sqrt(z * z + b)) / 2",
        numexpr=("(z + sqrt(z * z + b)) / 2", "a * a / (a * a + b / 4)")),
    # ---- the gated units (the exact gelu: aten's default approximate="none")
    "gelu": BenchPeers(
        torch_backward=AtenBackward("gelu_backward", ("z",)),
        torch_out="torch._C._nn.gelu(z, approximate=approximate, out=out)",
        jax_derivative="jax.scipy.stats.norm.cdf(z) + z * jax.scipy.stats.norm.pdf(z)"),
    # aten's mish_backward has no out= (.grad_input) overload: no out= peer
    "mish": BenchPeers(
        torch_backward=AtenBackward("mish_backward", ("z",)),
        numpy_derivative="(lambda t: t + z * (1 - t * t) / (1 + np.exp(-z)))(np.tanh(np.logaddexp(0, z)))",
        jax_derivative="jnp.tanh(jax.nn.softplus(z)) + z * jax.nn.sigmoid(z) * "
                       "(1 - jnp.tanh(jax.nn.softplus(z)) ** 2)"),
}
