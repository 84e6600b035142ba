"""Docstrings for every public function, built from the catalogue so the two
backends document (and doctest) exactly the same thing.  Static text only: the
examples' outputs come from fastact/_examples.py (generated), so importing
fastact runs none of them."""
from __future__ import annotations

from typing import Any, Dict

from fastact import _catalogue
from fastact._catalogue import Activation, Param

_WHAT = {
    "value": "g(z) = {formula}",
    "derivative": "g'(z) = {derivative}, computed from z",
    "derivative_from_a": "g'(z) computed from the output a = g(z): {from_a}",
    "and_derivative": "(g(z), g'(z)) computed in one pass",
    "backward": "grad * g'(z) in one pass (grad and z broadcast): the chain rule "
                "dL/dz = dL/da * g'(z)",
    "backward_from_a": "grad * g'(z) from the output a = g(z), in one pass: {from_a}",
}

_CONVENTIONS = (
    "float32 in gives float32 out, float64 gives float64, float16 gives float16\n"
    "(computed in float32); integers and bool give float64. NaN in gives NaN out\n"
    "and no input ever raises a RuntimeWarning. A dask array gives a lazy dask\n"
    "array with the same chunks; an xarray object keeps its dims and coords."
)

# The example each operation's docstring runs as a doctest.
_EXAMPLE_ARGS = {
    "value": "{z}",
    "derivative": "{z}",
    "derivative_from_a": "fastact.{act}({z})",
    "and_derivative": "{z}",
    "backward": "[1.0, 1.0, 1.0], {z}",
    "backward_from_a": "[1.0, 1.0, 1.0], fastact.{act}({z})",
}


def _param_text(p: Param) -> str:
    if p.required:
        return p.name
    if p.choices is not None:
        return f"{p.name}={p.default!r}"
    return f"{p.name}={p.default}"


def signature(act: Activation, op: str) -> str:
    args = list(_catalogue.OP_ARGS[op]) + ["/"]
    ps = act.signature_params(op)
    args += [_param_text(p) for p in ps if p.positional]
    args.append("*")
    args += [_param_text(p) for p in ps if not p.positional]
    args.append("out=None")
    return f"{_catalogue.public_name(act, op)}({', '.join(args)})"


def _example_call(act: Activation, op: str) -> str:
    call = _EXAMPLE_ARGS[op].format(z=act.example_z, act=act.name)
    if op in _catalogue.FROM_A_OPS:  # the inner call computes a: it needs them too
        call = call.replace(")", _required_args(act, "value") + ")", 1)
    return f"fastact.{_catalogue.public_name(act, op)}({call}{_required_args(act, op)})"


def _required_args(act: Activation, op: str) -> str:
    """The example values of op's required parameters, as positional arguments."""
    return "".join(f", {p.example!r}" for p in act.signature_params(op) if p.required)


def compute_examples() -> Dict[str, str]:
    """{public name: repr of its example's result}, computed with the NumPy
    fallback, which both backends agree with to the printed precision (for
    fastact._generate, which stores them: nothing runs at import)."""
    import types

    from fastact import _api, _backends

    ns = types.SimpleNamespace(**_api.build(_backends.cores("python"), "python",
                                            _backends.public_function, docs=False))
    return {_catalogue.public_name(act, op): repr(eval(_example_call(act, op),  # noqa: S307
                                                      {"fastact": ns}))
            for act in _catalogue.ACTIVATIONS for op in act.ops}


def _stored_examples() -> Dict[str, str]:
    try:
        from fastact._examples import EXAMPLES
    except ImportError:  # not generated yet: python -m fastact._generate
        return {}
    return EXAMPLES


def _example(act: Activation, op: str) -> str:
    # A missing entry (a stale _examples.py) shows "?": the doctest fails, and so
    # does tests/test_generated.py.
    result = _stored_examples().get(_catalogue.public_name(act, op), "?")
    return f"    >>> import fastact\n    >>> {_example_call(act, op)}\n    {_indent(result)}"


def _indent(text: str) -> str:
    return text.replace("\n", "\n    ")


def _param_line(p: Param, op: str) -> str:
    if p.choices is not None:
        return f"{p.name}: {p.doc}, one of {', '.join(map(repr, p.choices))} (default {p.default!r})."
    kind = "a finite float" + (" or an array broadcasting against the data" if p.array else "")
    if p.allow_inf:
        kind = "a float (inf allowed)"
    line = f"{p.name}: {p.doc}, {kind}"
    if p.required:
        line += " (required)"
    elif p.default is None:
        line += f"; None (default) means {p.none_means}"
    else:
        line += f" (default {p.default})"
    if op in p.positive:
        line += f"; must be > 0 here" + (f": {p.positive_why}" if p.positive_why else "")
    if op in p.nonnegative:
        line += "; must be >= 0"
    if op in p.nonzero:
        line += "; must be != 0"
    return line + "."


def docstring(act: Activation, op: str) -> str:
    what = _WHAT[op].format(formula=act.formula, derivative=act.derivative,
                            from_a=act.derivative_from_a)
    lines = [signature(act, op), "", f"{act.name}: {what}.", ""]
    lines += [_param_line(p, op) for p in act.signature_params(op)]
    lines += [f"Needs {r.message}." for r in act.relations if op in r.ops]
    if act.kink and op != "value":
        lines.append(f"Kink: {act.kink}.")
    if op == "and_derivative":
        lines.append("out: None or a tuple of two arrays (a, g'(z)).")
    else:
        lines.append("out: None or an array to write the result to (may be an input).")
    lines += ["", _CONVENTIONS, "", "Example::", "", _example(act, op), ""]
    return "\n".join(lines)


def _doctests_missed_by_finder() -> Dict[str, str]:
    """The docstrings doctest's finder does not reach through `fastact`: those of
    compiled ufuncs (and of wrappers around them), which are not routines to
    it, and those of the functions not built yet when it walked the module
    (fastact builds each public function on first use, and the finder reads
    the module's __dict__).  `--doctest-modules` runs them from here, so every
    public docstring's example is tested whichever backend is loaded."""
    import inspect

    import fastact

    built = set(vars(fastact))  # before the getattr below builds the rest
    tests = {}
    for name in _catalogue.all_public_names():
        obj = getattr(fastact, name)
        if name not in built or not inspect.isroutine(inspect.unwrap(obj)):
            tests[name] = obj.__doc__ or ""
    return tests


def __getattr__(name: str) -> Any:
    # Computed on first use (doctest reads the module's __test__), not at import.
    if name == "__test__":
        return _doctests_missed_by_finder()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
