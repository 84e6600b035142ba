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
    "softplus": BenchPeers(
        torch_backward=AtenBackward("softplus_backward", ("z", "beta", "threshold")),
        # F.softplus takes no out=; it calls this binding, which does.
        torch_out="torch._C._nn.softplus(z, beta, threshold, out=out)",
        jax_derivative="jax.nn.sigmoid(beta * z)",
        numexpr=("log(1 + exp(beta * z)) / beta", "1 - exp(-beta * a)")),
    # aten's log_sigmoid_backward needs log_sigmoid_forward's buffer (its CPU
    # kernel reads it), which AtenBackward's arguments (a, z, parameters,
    # constants) cannot express: no torch backward peer yet.
    "log_sigmoid": BenchPeers(
        torch_out="torch._C._nn.log_sigmoid(z, out=out)",
        jax_derivative="jax.nn.sigmoid(-z)",
        numexpr=("-log(1 + exp(-z))", "1 - exp(a)")),
}
