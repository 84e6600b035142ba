"""Docstrings for every public function, generated from the activation table so
the two backends document (and doctest) exactly the same thing."""
from __future__ import annotations

from typing import Any, Dict

from fastact import _spec

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


def signature(act: _spec.Activation, op: str) -> str:
    args = list(_spec.OP_ARGS[op]) + ["/"]
    if act.has_alpha:
        args.append(f"alpha={_spec.DEFAULT_ALPHA}")
    args.append("*")
    if "at_zero" in act.params(op):
        args.append("at_zero=None")
    args.append("out=None")
    return f"{_spec.public_name(act, op)}({', '.join(args)})"


def _example(act: _spec.Activation, op: str) -> str:
    # Computed with the NumPy fallback, which both backends agree with to the
    # printed precision.
    from fastact import _api, _fallback

    call = _EXAMPLE_ARGS[op].format(z=act.example_z, act=act.name)
    expr = f"fastact.{_spec.public_name(act, op)}({call})"
    result = eval(expr, {"fastact": _fallback_api(_api, _fallback)})  # noqa: S307 - fixed text
    return f"    >>> import fastact\n    >>> {expr}\n    {_indent(repr(result))}"


_FALLBACK_API = None


def _fallback_api(_api, _fallback):
    global _FALLBACK_API
    if _FALLBACK_API is None:
        import types
        _FALLBACK_API = types.SimpleNamespace(**_api.build(_fallback.CORES, docs=False))
    return _FALLBACK_API


def _indent(text: str) -> str:
    return text.replace("\n", "\n    ")


def docstring(act: _spec.Activation, op: str) -> str:
    what = _WHAT[op].format(formula=act.formula, derivative=act.derivative,
                            from_a=act.derivative_from_a)
    lines = [signature(act, op), "", f"{act.name}: {what}.", ""]
    if act.has_alpha:
        lines.append(f"alpha: slope for z <= 0, a finite float (default {_spec.DEFAULT_ALPHA})"
                     + ("; must be > 0 here, so that the sign of a tells the sign of z."
                        if op in _spec.FROM_A_OPS else "."))
    if "at_zero" in act.params(op):
        lines.append(f"at_zero: the derivative used at the kink z == 0; None (default) means "
                     f"{act.at_zero_default}, PyTorch's convention.")
    if op == "and_derivative":
        lines.append("out: None or a tuple of two arrays (a, g'(z)).")
    else:
        lines.append("out: None or an array to write the result to (may be an input).")
    lines += ["", _CONVENTIONS, "", "Example::", "", _example(act, op), ""]
    return "\n".join(lines)


def _doctests_missed_by_finder() -> Dict[str, str]:
    """The docstrings doctest's finder does not reach through `fastact`: those of
    compiled ufuncs (and of wrappers around them), which are not routines to
    it.  `--doctest-modules` runs them from here, so every public docstring's
    example is tested whichever backend is loaded."""
    import inspect

    import fastact

    tests = {}
    for name in _spec.all_public_names():
        obj = getattr(fastact, name)
        if not inspect.isroutine(inspect.unwrap(obj)):
            tests[name] = obj.__doc__ or ""
    return tests


def __getattr__(name: str) -> Any:
    # Computed on first use (doctest reads the module's __test__), not at import.
    if name == "__test__":
        return _doctests_missed_by_finder()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
