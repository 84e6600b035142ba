"""The piecewise family: the piecewise-linear hardtanh, relu6, hardsigmoid,
hardswish, softshrink, hardshrink, threshold, prelu, and JAX's sparse_plus (a
square between two linear pieces, its g' continuous).

Every kink follows PyTorch's backward kernel (aten/src/ATen/native/cpu/Activation.cpp
and its friends), checked against torch's autograd in tests/test_piecewise.py:
the derivative is taken strictly inside each linear piece and is the outer
piece's at an edge.  From the output a the same holds: an a at an edge of the
range (hardtanh's min_val or max_val, hardsigmoid's 0 or 1) can only come from
an edge or beyond it, where g' is 0 either way, so from-a is never ambiguous."""
from __future__ import annotations

from fastact._catalogue.model import (DERIVATIVE_OPS, FROM_Z_OPS, OPS, REQUIRED, VALUE_OPS,
                                      Activation, AtenBackward, BenchPeers, Param, Relation)

INF = float("inf")

# softshrink and hardshrink: the half-width of the dead zone (from-a needs no lambd:
# a == 0 exactly inside it).
_LAMBD = Param("lambd", 0.5, "half-width of the interval [-lambd, lambd] mapped to 0",
               ops=FROM_Z_OPS, nonnegative=FROM_Z_OPS)

ACTIVATIONS = (
    Activation(
        "hardtanh",
        streams=True,
        formula="clamp(z, min_val, max_val)",
        derivative="1 if min_val < z < max_val else 0",
        derivative_from_a="1 if min_val < a < max_val else 0",
        parameters=(
            Param("min_val", -1.0, "the lower clamp"),
            Param("max_val", 1.0, "the upper clamp"),
        ),
        relations=(Relation(OPS, lambda v: v["min_val"] < v["max_val"], "min_val < max_val"),),
        kink="g' = 0 at z = min_val and z = max_val (PyTorch's hardtanh_backward)",
        a_domain=(-1.0, 1.0),
        limits=(-1.0, 1.0),
        summary="the clamp to [min_val, max_val]",
        torch="F.hardtanh(z, min_val, max_val)",
        jax="jnp.clip(z, min_val, max_val)",
        numpy="np.clip(z, min_val, max_val)",
        bench=BenchPeers(
            torch_backward=AtenBackward("hardtanh_backward", ("z", "min_val", "max_val")),
            torch_out="torch._C._nn.hardtanh(z, min_val, max_val, out=out)",
            numpy_derivative="((z > min_val) & (z < max_val)).astype(z.dtype)",
            jax_derivative="((z > min_val) & (z < max_val)).astype(z.dtype)"),
    ),
    Activation(
        "relu6",
        streams=True,
        formula="clamp(z, 0, 6)",
        derivative="1 if 0 < z < 6 else 0",
        derivative_from_a="1 if 0 < a < 6 else 0",
        kink="g' = 0 at z = 0 and z = 6 (PyTorch's, through hardtanh_backward)",
        a_domain=(0.0, 6.0),
        limits=(0.0, 6.0),
        example_z="[-2.0, 3.0, 8.0]",
        summary="the rectifier capped at 6",
        torch="F.relu6(z)",
        jax="jax.nn.relu6(z)",
        numpy="np.clip(z, 0, 6)",
        bench=BenchPeers(
            torch_backward=AtenBackward("hardtanh_backward", ("z", 0.0, 6.0)),
            torch_out="torch._C._nn.hardtanh(z, 0.0, 6.0, out=out)",
            numpy_derivative="((z > 0) & (z < 6)).astype(z.dtype)",
            jax_derivative="((z > 0) & (z < 6)).astype(z.dtype)"),
    ),
    Activation(
        "hardsigmoid",
        streams=True,
        formula="clamp(z/6 + 1/2, 0, 1)   (rounded once, <= 1 ULP)",
        derivative="1/6 if -3 < z < 3 else 0",
        derivative_from_a="1/6 if 0 < a < 1 else 0",
        kink="g' = 0 at z = -3 and z = 3 (PyTorch's hardsigmoid_backward)",
        a_domain=(0.0, 1.0),
        limits=(0.0, 1.0),
        example_z="[-4.0, 0.0, 1.5]",
        summary="the piecewise-linear sigmoid",
        torch="F.hardsigmoid(z)",
        jax="jax.nn.hard_sigmoid(z)",
        numpy="np.clip(z / 6 + 0.5, 0, 1)",
        bench=BenchPeers(
            torch_backward=AtenBackward("hardsigmoid_backward", ("z",)),
            torch_out="torch._C._nn.hardsigmoid(z, out=out)",
            numpy_derivative="np.where((z > -3) & (z < 3), 1 / 6, 0).astype(z.dtype)",
            jax_derivative="jnp.where((z > -3) & (z < 3), 1 / 6, 0).astype(z.dtype)"),
    ),
    Activation(
        "hardswish",
        streams=True,
        formula="z * hardsigmoid(z)   (z (z + 3) / 6 on [-3, 3], rounded once)",
        derivative="0 if z <= -3, (2z + 3)/6 if -3 < z < 3, 1 if z >= 3",
        derivative_from_a=None,  # not monotonic: a in (-3/8, 0) has two z
        kink="g'(-3) = 0 and g'(3) = 1 (PyTorch's hardswish_backward)",
        limits=(0.0, INF),
        example_z="[-4.0, -1.5, 1.5]",
        summary="z times hardsigmoid(z)",
        torch="F.hardswish(z)",
        jax="jax.nn.hard_swish(z)",
        numpy="z * np.clip(z / 6 + 0.5, 0, 1)",
        bench=BenchPeers(
            torch_backward=AtenBackward("hardswish_backward", ("z",), out="out"),
            torch_out="torch._C._nn.hardswish(z, out=out)",
            numpy_derivative="np.where(z < -3, 0, np.where(z > 3, 1, z / 3 + 0.5))"
                             ".astype(z.dtype)",
            jax_derivative="jnp.where(z < -3, 0, jnp.where(z > 3, 1, z / 3 + 0.5))"
                           ".astype(z.dtype)"),
    ),
    Activation(
        "softshrink",
        streams=True,
        formula="z - lambd if z > lambd, z + lambd if z < -lambd, else 0",
        derivative="1 if |z| > lambd else 0",
        derivative_from_a="1 if a != 0 else 0",
        parameters=(_LAMBD,),
        kink="g' = 0 on the closed interval [-lambd, lambd] (PyTorch's softshrink_backward)",
        limits=(-INF, INF),
        example_z="[-2.0, 0.25, 2.0]",
        summary="shrinks z towards 0 by lambd",
        torch="F.softshrink(z, lambd)",
        jax="jnp.where(z > lambd, z - lambd, jnp.where(z < -lambd, z + lambd, 0))",
        numpy="np.where(z > lambd, z - lambd, np.where(z < -lambd, z + lambd, 0))",
        bench=BenchPeers(
            torch_backward=AtenBackward("softshrink_backward", ("z", "lambd")),
            torch_out="torch._C._nn.softshrink(z, lambd, out=out)",
            numpy_derivative="(np.abs(z) > lambd).astype(z.dtype)",
            jax_derivative="(jnp.abs(z) > lambd).astype(z.dtype)"),
    ),
    Activation(
        "hardshrink",
        streams=True,
        formula="z if |z| > lambd else 0",
        derivative="1 if |z| > lambd else 0",
        derivative_from_a="1 if a != 0 else 0",
        parameters=(_LAMBD,),
        kink="g' = 0 on the closed interval [-lambd, lambd] (PyTorch's hardshrink_backward)",
        limits=(-INF, INF),
        example_z="[-2.0, 0.25, 2.0]",
        summary="zeroes z inside [-lambd, lambd]",
        torch="F.hardshrink(z, lambd)",
        jax="jnp.where(jnp.abs(z) > lambd, z, 0)",
        numpy="np.where(np.abs(z) > lambd, z, 0)",
        bench=BenchPeers(
            torch_backward=AtenBackward("hardshrink_backward", ("z", "lambd")),
            torch_out="torch.hardshrink(z, lambd, out=out)",
            numpy_derivative="(np.abs(z) > lambd).astype(z.dtype)",
            jax_derivative="(jnp.abs(z) > lambd).astype(z.dtype)"),
    ),
    Activation(
        "threshold",
        streams=True,
        formula="z if z > threshold else value",
        derivative="1 if z > threshold else 0",
        derivative_from_a=None,  # a == value can come from either side
        parameters=(
            Param("threshold", REQUIRED, "the input above which z passes", ops=FROM_Z_OPS,
                  positional=True, example=0.5),
            Param("value", REQUIRED, "what replaces z <= threshold", ops=VALUE_OPS,
                  positional=True, example=-1.0),
        ),
        kink="g' = 0 at z = threshold (PyTorch's threshold_backward)",
        limits=(float("nan"), INF),
        summary="replaces z <= threshold by value",
        torch="F.threshold(z, threshold, value)",
        jax="jnp.where(z > threshold, z, value)",
        numpy="np.where(z > threshold, z, value)",
        bench=BenchPeers(
            params={"threshold": 0.0, "value": 0.0},
            torch_backward=AtenBackward("threshold_backward", ("z", "threshold")),
            torch_out="torch.threshold(z, threshold, value, out=out)",
            numpy_derivative="(z > threshold).astype(z.dtype)",
            jax_derivative="(z > threshold).astype(z.dtype)"),
    ),
    Activation(
        "prelu",
        streams=True,
        formula="z if z > 0 else weight * z   (leaky_relu with a required slope array)",
        derivative="1 if z > 0, weight if z < 0, at_zero (default weight) at z == 0",
        derivative_from_a=None,  # a learnt weight may be <= 0: a does not tell z's sign
        parameters=(
            Param("weight", REQUIRED, "the slope for z <= 0, e.g. one per channel "
                  "(NumPy broadcasting: shape (C, 1, 1) for NCHW data)", ops=FROM_Z_OPS,
                  positional=True, array=True, example=0.25),
            Param("at_zero", None, "the derivative used at the kink z == 0", ops=DERIVATIVE_OPS,
                  none_means="weight"),
        ),
        kink="g'(0) = weight (PyTorch's prelu backward); at_zero= chooses another",
        limits=(-INF, INF),
        summary="leaky_relu with a learnable slope array (gradient: prelu_backward_weight)",
        torch="F.prelu(z, torch.as_tensor(weight, dtype=z.dtype).reshape(-1))",
        jax="jnp.where(z > 0, z, weight * z)",
        numpy="np.where(z > 0, z, weight * z)",
        bench=BenchPeers(
            params={"weight": 0.25},
            numpy_derivative="np.where(z > 0, 1, weight).astype(z.dtype)",
            jax_derivative="jnp.where(z > 0, 1, weight).astype(z.dtype)"),
    ),
    Activation(
        "sparse_plus",
        streams=True,
        formula="0 if z <= -1, (z + 1)**2 / 4 if -1 < z < 1, z if z >= 1",
        derivative="0 if z <= -1, (z + 1)/2 if -1 < z < 1, 1 if z >= 1",
        derivative_from_a="sqrt(a) if a < 1 else 1",
        kink="none: g' is continuous (0 at z = -1, 1 at z = 1)",
        a_domain=(0.0, INF),
        limits=(0.0, INF),
        example_z="[-2.0, 0.0, 0.5]",
        summary="the piecewise-quadratic smooth rectifier (JAX's sparse_plus)",
        jax="jax.nn.sparse_plus(z)",
        numpy="np.where(z <= -1, 0, np.where(z >= 1, z, (z + 1) ** 2 / 4))",
        # torch has no sparse_plus (so no aten backward and no out= binding)
        bench=BenchPeers(
            numpy_derivative="np.where(z <= -1, 0, np.where(z >= 1, 1, (z + 1) / 2))"
                             ".astype(z.dtype)",
            jax_derivative="jnp.where(z <= -1, 0, jnp.where(z >= 1, 1, (z + 1) / 2))"
                           ".astype(z.dtype)",
            numexpr=("where(z <= -1, zero, where(z >= 1, z, (z + 1) * (z + 1) / 4))",
                     "where(a >= 1, one, sqrt(a))")),
    ),
)
