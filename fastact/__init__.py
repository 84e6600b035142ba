"""fastact: activation functions and their derivatives, fast and exact.

For sigmoid, tanh, relu and leaky_relu, every NAME has

    NAME(z)                        a = g(z)
    NAME_derivative(z)             g'(z) from z
    NAME_derivative_from_a(a)      g'(z) from the output a
    NAME_and_derivative(z)         (a, g'(z)) in one pass
    NAME_backward(grad, z)         grad * g'(z) in one pass
    NAME_backward_from_a(grad, a)  grad * g'(z) from a, in one pass

Compiled NumPy ufuncs where the extension was built, pure NumPy otherwise
(or when FASTACT_NO_EXTENSIONS=1); `BACKEND` says which.
"""
from __future__ import annotations

import os as _os

from fastact import _backends, _catalogue
from fastact._config import show_config
from fastact._mode import accuracy_mode, get_accuracy, set_accuracy

__version__ = "0.1.0"

BACKEND: str = _backends.choose()
# The public functions are built on first use (see __getattr__), each then kept
# here: `import fastact` builds none of them (issue 8: its cost on top of NumPy's).
_ns = _backends.namespace(BACKEND)

if BACKEND == "c" and _os.environ.get("FASTACT_SIMD"):
    _backends.compiled_module().set_level(_os.environ["FASTACT_SIMD"])
if _os.environ.get("FASTACT_ACCURACY"):
    set_accuracy(_os.environ["FASTACT_ACCURACY"])

ACTIVATIONS = tuple(act.name for act in _catalogue.ACTIVATIONS)


def __getattr__(name: str) -> object:
    # Called only for a name not set yet: a public function (built now, by the
    # backend's namespace) or evaluate_file, imported on first use (its file
    # machinery, zipfile, tempfile, hashlib, socket, would double the cost of
    # `import fastact`).
    if name in _LAZY:
        value = getattr(_ns, name)
    elif name == "evaluate_file":
        from fastact._tools.eval import evaluate_file as value
    else:
        raise AttributeError(f"module 'fastact' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list:
    return sorted({*globals(), *__all__})


_LAZY = frozenset(_backends.NAMES)

__all__ = ["BACKEND", "ACTIVATIONS", "ActivationFunctions", "show_config", "evaluate_file",
           "set_accuracy", "get_accuracy", "accuracy_mode", "__version__",
           "prelu_backward_weight", *_catalogue.all_public_names()]

# The thread pool: the default count (FASTACT_NUM_THREADS, else the CPUs available
# within the OMP_* limits) and threadpoolctl's view of it (where it is installed).
from fastact import _threads  # noqa: E402
from fastact._threads import get_num_threads, num_threads, set_num_threads  # noqa: E402

set_num_threads(_threads.default_num_threads())
_threads.register_threadpoolctl()
__all__ += ["set_num_threads", "get_num_threads", "num_threads"]
