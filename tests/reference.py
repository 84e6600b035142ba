"""The float64 references by name, for the tests that index them so
(test_inputs, test_out, test_bench_cli, ...): a view of the oracles
(tests/oracles/), which hold them; nothing here is a second copy."""
from __future__ import annotations

from oracles import ORACLES
from oracles import lesson as _lesson
from oracles import support as _support
from oracles.support import assert_ulp, ulp_error  # noqa: F401  (re-exported)

ALPHA = _lesson.ALPHA
NAMES = tuple(ORACLES)


def _by_kind(kind):
    """{name: f(x, **params)}: the oracle's float64 reference of `kind`, the
    required parameters not given taking the catalogue's examples."""
    return {n: (lambda x, _n=n, **p: _support.reference(ORACLES[_n], kind, x, p))
            for n, o in ORACLES.items() if kind != "from_a" or o.derivative_from_a is not None}


VALUE, DERIVATIVE, DERIVATIVE_FROM_A = _by_kind("value"), _by_kind("derivative"), _by_kind("from_a")

# the lesson's references by their names (ref.sigmoid(z), ...)
sigmoid, sigmoid_derivative = _lesson.sigmoid, _lesson.sigmoid_derivative
tanh, tanh_derivative = _lesson.tanh, _lesson.tanh_derivative
relu, relu_derivative = _lesson.relu, _lesson.relu_derivative
leaky_relu, leaky_relu_derivative = _lesson.leaky_relu, _lesson.leaky_relu_derivative


# -- the shape of a public function's call, from its name (for tests over all of them)

def nin(name):
    """Data inputs of the public function `name`: 2 for the backward ones."""
    return _support.nin(_support.op_of(name)[1])


def nout(name):
    """Outputs of the public function `name`: 2 for the fused ones."""
    return _support.nout(_support.op_of(name)[1])


def params(name):
    """The parameters the public function `name` takes as ufunc inputs."""
    act, op = _support.op_of(name)
    return _support.act(act).params(op)
