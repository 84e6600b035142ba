"""How generic tests use the oracles: the operations and parameters each
activation's public functions have (from fastact's catalogue: the API under
test, not its formulas), the parameter cases to run, the ULP budget of a
backend, ULP distances, and mpmath references rounded correctly to a format."""
from __future__ import annotations

import functools
from typing import Any, Dict, Iterator, Mapping, Optional, Tuple

import numpy as np

from fastact import _backends, _catalogue
from oracles import ORACLES
from oracles.model import Oracle

FROM_A_OPS = _catalogue.FROM_A_OPS
# The kind of reference each operation's result is judged by.
KIND = {"value": "value", "derivative": "derivative", "and_derivative": "derivative",
        "backward": "derivative", "derivative_from_a": "from_a", "backward_from_a": "from_a"}
MP_DIGITS = 50


# -- the API of one activation

def act(name: str):
    return _catalogue.BY_NAME[name]


def ops(name: str) -> Tuple[str, ...]:
    """The operations the activation offers (no from-a ones where g is not monotonic)."""
    return act(name).ops


def has_from_a(name: str) -> bool:
    return "derivative_from_a" in ops(name)


def public(name: str, op: str) -> str:
    return _catalogue.public_name(act(name), op)


def fn(ns: Any, name: str, op: str):
    """The public function of `op` on the backend namespace `ns`."""
    return getattr(ns, public(name, op))


def bound(ns: Any, name: str, op: str, omit: Tuple[str, ...] = ()):
    """op's public function with the required parameters it takes (but those in
    omit) bound by keyword to their examples: a call "with the defaults"."""
    kw = {k: v for k, v in kwargs(name, op, required(name)).items() if k not in omit}
    f = fn(ns, name, op)
    return functools.partial(f, **kw) if kw else f


def by_public(ns: Any, public_name: str):
    """bound() for a public function given by its name (sigmoid_backward)."""
    return bound(ns, *op_of(public_name))


def nin(op: str) -> int:
    return _catalogue.OP_NIN[op]


def nout(op: str) -> int:
    return _catalogue.OP_NOUT[op]


def op_of(public_name: str) -> Tuple[str, str]:
    """(activation, operation) of a public function's name."""
    for a in _catalogue.ACTIVATIONS:
        for op in a.ops:
            if _catalogue.public_name(a, op) == public_name:
                return a.name, op
    raise KeyError(public_name)


def all_public() -> Tuple[str, ...]:
    """Every public function, over the oracles' activations."""
    return tuple(public(n, op) for n in ORACLES for op in ops(n))


# -- parameters

def kwargs(name: str, op: str, params: Mapping[str, Any]) -> Dict[str, Any]:
    """The parameters of `params` that the public function of `op` takes."""
    takes = {p.name for p in act(name).signature_params(op)}
    return {k: v for k, v in params.items() if k in takes}


def torch_autograd(torch: Any, name: str, z: np.ndarray,
                   params: Mapping[str, Any]) -> Tuple[np.ndarray, np.ndarray]:
    """torch's value of the oracle's expression at z (in z's dtype) and its
    autograd derivative, with the parameters torch's function takes (the value's)."""
    t = torch.tensor(z, requires_grad=True)
    a = ORACLES[name].torch(torch, t, **kwargs(name, "value", params))
    (d,) = torch.autograd.grad(a.sum(), t)
    return a.detach().numpy(), d.numpy()


def required(name: str) -> Dict[str, Any]:
    """The catalogue's examples of the activation's required parameters
    (threshold's threshold and value, prelu's weight): what a call "with the
    defaults" gives them, as the generated docstring examples do."""
    return {p.name: p.example for p in act(name).parameters if p.required}


def valid(name: str, op: str, params: Mapping[str, Any]) -> bool:
    """Whether `params` (the defaults and required examples filling the rest)
    are valid for `op`: the catalogue's positive / nonzero / nonnegative lists
    and its relations between parameters (min_val < max_val).  An invalid call
    is test_errors' business, not a value test's."""
    full = with_defaults(name, params)
    values = {}
    for p in act(name).signature_params(op):
        v = full.get(p.name)
        if v is None or not p.numeric:
            continue
        v = np.asarray(v)
        if (op in p.positive and not np.all(v > 0)) or (op in p.nonzero and not np.all(v != 0)) \
                or (op in p.nonnegative and not np.all(v >= 0)):
            return False
        values[p.name] = v
    with np.errstate(all="ignore"):
        return all(bool(np.all(r.holds(values))) for r in act(name).relations if op in r.ops)


def param_cases(name: str, op: Optional[str] = None) -> Tuple[Dict[str, Any], ...]:
    """The defaults (with the required parameters' examples) and the oracle's
    parameter sets on top of them, each once (valid for op, if given)."""
    base = required(name)
    cases: Dict[str, Dict[str, Any]] = {}
    for c in ({},) + tuple(ORACLES[name].param_sets):
        full = {**base, **c}
        cases.setdefault(case_id(full), full)
    return tuple(c for c in cases.values() if op is None or valid(name, op, c))


def case_id(params: Mapping[str, Any]) -> str:
    return ",".join(f"{k}={v}" for k, v in params.items()) or "defaults"


def cases(ops_wanted=None, where=None):
    """pytest parameters (name, params) over every oracle and parameter case;
    with `ops_wanted`, only the activations that offer all of those ops and the
    cases valid for them; with `where`, only the oracles it is true of."""
    import pytest
    out = []
    for name in ORACLES:
        if ops_wanted and not set(ops_wanted) <= set(ops(name)):
            continue
        if where is not None and not where(ORACLES[name]):
            continue
        for params in param_cases(name):
            if ops_wanted and not all(valid(name, op, params) for op in ops_wanted):
                continue
            out.append(pytest.param(name, params, id=f"{name}-{case_id(params)}"))
    return out


def compute_dtype(dtype: Any) -> np.dtype:
    """The dtype the kernels compute in: float32 for float16 data."""
    dtype = np.dtype(dtype)
    return np.dtype(np.float32) if dtype == np.float16 else dtype


def with_defaults(name: str, params: Mapping[str, Any]) -> Dict[str, Any]:
    """params, plus the catalogue's numeric defaults (and the required
    parameters' examples) of the parameters not given."""
    full = {p.name: p.default for p in act(name).numeric_params
            if isinstance(p.default, (int, float))}
    full.update(required(name))
    full.update(params)
    return full


def in_compute_dtype(name: str, params: Mapping[str, Any], dtype: Any) -> Dict[str, Any]:
    """The parameters as the kernels see them (the defaults filled in): numbers
    rounded to the compute dtype (None and choices unchanged), as Python floats
    for the references."""
    ct = compute_dtype(dtype)
    out = {}
    for k, v in with_defaults(name, params).items():
        if isinstance(v, (int, float, np.floating, np.integer)) and not isinstance(v, bool):
            out[k] = float(ct.type(v))
        elif isinstance(v, np.ndarray):
            out[k] = v.astype(ct).astype(np.float64)
        else:
            out[k] = v
    return out


def reference(oracle: Oracle, op_kind: str, x: Any, params: Mapping[str, Any] = {},
              dtype: Any = None) -> np.ndarray:
    """The float64 reference of kind "value" / "derivative" / "from_a" at x,
    with the parameters that operation takes (as the kernels see them for data
    of `dtype`, default x's dtype)."""
    dtype = np.asarray(x).dtype if dtype is None else dtype
    params = in_compute_dtype(oracle.name, params, dtype) if np.dtype(dtype).kind == "f" \
        else with_defaults(oracle.name, params)
    op = {"value": "value", "derivative": "derivative", "from_a": "derivative_from_a"}[op_kind]
    f = {"value": oracle.value, "derivative": oracle.derivative,
         "from_a": oracle.derivative_from_a}[op_kind]
    with np.errstate(all="ignore"):
        return np.asarray(f(np.asarray(x, dtype=np.float64), **kwargs(oracle.name, op, params)),
                          dtype=np.float64)


# -- budgets

def fma_levels():
    """The compiled SIMD levels with FMA, from the levels table (csrc/levels.def)."""
    from fastact import _config
    return _config.fma_levels()


def accuracy_class(ns: Any) -> str:
    """"fallback", "nofma" (compiled without FMA) or "fma" for the backend
    namespace `ns` at the compiled module's current level."""
    if ns.BACKEND == "python":
        return "fallback"
    return "fma" if _backends.compiled_module().get_level() in fma_levels() else "nofma"


def budget(oracle: Oracle, ns: Any, dtype: Any, kind: str) -> float:
    table = {"fma": "ulp", "nofma": "ulp_nofma", "fallback": "ulp_fallback"}[accuracy_class(ns)]
    return oracle.budget(table, dtype, kind)


def argument_slack(oracle: Oracle, x: Any, params: Mapping[str, Any], dtype: Any) -> Any:
    """Per element, the ULP of `dtype` that rounding the oracle's
    rounded_argument u in the compute dtype carries into exp(u): |fl(u) - u|
    over the compute dtype's unit roundoff (a relative error |du| of exp(u)),
    in ULP of dtype; 0 where u is z itself or is exact (alpha = 1, beta = 2)."""
    f = oracle.rounded_argument
    if f is None:
        return 0.0
    ct = compute_dtype(dtype)
    kp = kwargs(oracle.name, "value", in_compute_dtype(oracle.name, params, dtype))
    x = np.asarray(x)
    with np.errstate(all="ignore"):
        exact = f(x.astype(np.longdouble), **kp)
        rounded = f(x.astype(ct), **{k: ct.type(v) if isinstance(v, float) else v
                                     for k, v in kp.items()})
        du = np.abs(np.asarray(rounded, np.longdouble) - exact).astype(np.float64)
    du = np.where(np.isfinite(du), du, 0.0)
    return du / (np.finfo(ct).eps / 2) * (np.finfo(ct).eps / np.finfo(dtype).eps)


def specials_budget(oracle: Oracle, ns: Any) -> float:
    """Max ULP from the correctly rounded result at simple arguments (the
    specials, the kinks, small integers and halves): the oracle's ulp_specials,
    0 (exact) where it gives none."""
    return float(oracle.ulp_specials.get(accuracy_class(ns), 0.0))


def rounded_budget(oracle: Oracle, ns: Any) -> float:
    """Max ULP of the functions of z against the correctly rounded reference."""
    cls = accuracy_class(ns)
    try:
        return float(oracle.ulp_rounded[cls])
    except KeyError:
        raise KeyError(f"oracle {oracle.name!r} has no ulp_rounded[{cls!r}]") from None


# -- ULP distances

def ulp_error(got, ref, dtype):
    """|got - ref| in units of the spacing of `dtype` at ref (the smallest
    subnormal spacing near zero); NaN matching NaN counts 0, a NaN or inf
    mismatch counts inf.  ref may be wider than dtype (a float64 reference)."""
    dtype = np.dtype(dtype)
    got = np.asarray(got, dtype=np.float64)
    ref = np.asarray(ref, dtype=np.float64)
    tiny = np.finfo(dtype).smallest_subnormal
    with np.errstate(all="ignore"):
        ref_r = ref.astype(dtype)  # reference rounded to the format
        spacing = np.maximum(np.abs(np.spacing(ref_r)).astype(np.float64), tiny)
        err = np.abs(got - ref) / spacing
    both_nan = np.isnan(got) & np.isnan(ref)
    # an inf where ref is, or where ref is beyond dtype's range (rounds to it)
    same_inf = np.isinf(got) & ((got == ref) | (got == ref_r))
    err = np.where(both_nan | same_inf, 0.0, err)
    return np.where(np.isnan(err), np.inf, err)


def assert_ulp(got, ref, dtype, max_ulp, what=""):
    """got within max_ulp (a number, or one per element) of ref."""
    over = ulp_error(got, ref, dtype) - max_ulp
    if over.size and over.max() > 0:
        i = int(np.argmax(over))
        err = float(np.ravel(over)[i] + np.ravel(np.broadcast_to(max_ulp, over.shape))[i])
        raise AssertionError(f"{what}: error {err:.3g} ULP > {max_ulp if np.ndim(max_ulp) == 0 else 'its budget'} "
                             f"at index {i}: got {np.ravel(got)[i]!r}, reference {np.ravel(ref)[i]!r}")


def rounded_ulp(got, ref) -> np.ndarray:
    """ULP distance of `got` from a correctly rounded `ref` of the same dtype:
    spacing(ref) as the unit (the smallest subnormal at 0); equal values
    (inf == inf, -0 == +0) and NaN vs NaN count 0, anything else vs NaN or inf
    counts inf."""
    got, ref = np.asarray(got), np.asarray(ref)
    assert got.dtype == ref.dtype, (got.dtype, ref.dtype)
    with np.errstate(all="ignore"):
        err = np.abs(got.astype(np.float64) - ref.astype(np.float64))
        err /= np.spacing(np.abs(ref)).astype(np.float64)
    special = ~np.isfinite(err)
    err[special] = np.where(got[special] == ref[special], 0.0, np.inf)
    err[special & np.isnan(got) & np.isnan(ref)] = 0.0
    return err


# -- correctly rounded mpmath references

def _mp():
    import mpmath
    return mpmath


def mp_round(v: Any, dtype: Any) -> Any:
    """An mpmath number rounded to nearest-even in `dtype`, subnormals included."""
    mp = _mp()
    dtype = np.dtype(dtype)
    if not mp.isfinite(v) or v == 0:
        return dtype.type(float(v))
    info = np.finfo(dtype)
    prec, emin = info.nmant + 1, int(np.log2(float(info.smallest_subnormal)))
    _, exp = mp.frexp(v)                      # v = m 2^exp, 1/2 <= |m| < 1
    quantum = max(int(exp) - prec, emin)     # exponent of the last kept bit
    n = mp.nint(mp.ldexp(v, -quantum))
    with np.errstate(over="ignore"):
        return dtype.type(float(mp.ldexp(n, quantum)))


def exact(oracle: Oracle, kind: str, x: Any, params: Mapping[str, Any] = {},
          dtype: Any = None) -> np.ndarray:
    """The oracle's mpmath reference of `kind` ("value", "derivative",
    "from_a") at every x, correctly rounded to `dtype` (default: x's), with
    the parameters as the kernels see them (rounded to the compute dtype)."""
    x = np.asarray(x)
    dtype = np.dtype(dtype or x.dtype)
    op = {"value": "value", "derivative": "derivative", "from_a": "derivative_from_a"}[kind]
    f = {"value": oracle.mp_value, "derivative": oracle.mp_derivative,
         "from_a": oracle.mp_derivative_from_a}[kind]
    if f is None:
        raise KeyError(f"oracle {oracle.name!r} has no mpmath reference for {kind}")
    kw = kwargs(oracle.name, op, in_compute_dtype(oracle.name, params, dtype))
    mp = _mp()
    out = np.empty(x.shape, dtype)
    with mp.workdps(MP_DIGITS):
        for i, v in np.ndenumerate(x.astype(np.float64)):
            out[i] = dtype.type(np.nan) if np.isnan(v) else \
                mp_round(f(mp, mp.mpf(float(v)), **kw), dtype)
    # mpmath has no signed zero: the float64 formula decides the sign of a 0
    zeros = out == 0
    if zeros.any():
        signs = reference(oracle, kind, x, params, dtype)[zeros]
        out[zeros] = np.copysign(np.zeros(int(zeros.sum()), dtype), signs.astype(dtype))
    return out


def exact_pair(oracle: Oracle, z: Any, params: Mapping[str, Any] = {}) -> Tuple[np.ndarray, np.ndarray]:
    return exact(oracle, "value", z, params), exact(oracle, "derivative", z, params)


# -- special arguments

_UINT = {2: np.uint16, 4: np.uint32, 8: np.uint64}


def uint_of(dtype: Any):
    return _UINT[np.dtype(dtype).itemsize]


def specials(dtype) -> np.ndarray:
    """+-0, +-inf, NaNs of both signs with a payload, the smallest and the
    largest subnormal, the smallest normal and the largest finite, both signs."""
    info = np.finfo(dtype)
    u = uint_of(dtype)
    nbits = 8 * np.dtype(dtype).itemsize
    quiet = u(((1 << (info.nexp)) - 1) << info.nmant | 1 << (info.nmant - 1))
    nans = np.array([quiet, quiet | u(1 << (info.nmant - 2)), quiet | u(1 << (nbits - 1))],
                    dtype=u).view(dtype)
    mags = np.array([0.0, np.inf, info.smallest_subnormal,
                     info.smallest_normal - info.smallest_subnormal, info.smallest_normal,
                     info.max], dtype=dtype)
    return np.concatenate([mags, -mags, nans])


def kinks(name: str, params: Mapping[str, Any] = {}) -> Tuple[float, ...]:
    """The oracle's kinks for these parameters (the defaults filling the rest)."""
    return ORACLES[name].kink_points(with_defaults(name, params))


def a_range(name: str, params: Mapping[str, Any] = {}) -> Tuple[float, float]:
    """The closed range of g for these parameters (the defaults filling the rest)."""
    return ORACLES[name].value_range(with_defaults(name, params))


def in_a_range(oracle: Oracle, a: np.ndarray, params: Mapping[str, Any] = {}) -> np.ndarray:
    """The elements of a inside the oracle's (closed) a range, and the NaNs."""
    lo, hi = a_range(oracle.name, params)
    return a[((a >= lo) & (a <= hi)) | np.isnan(a)]


def call(ns: Any, name: str, op: str, x: Any, grad: Any = None, **params):
    """Call op's public function with data x (and grad for the backward ones);
    the required parameters not in params take their examples."""
    args = (np.ones_like(x) if grad is None else grad, x) if nin(op) == 2 else (x,)
    return fn(ns, name, op)(*args, **kwargs(name, op, {**required(name), **params}))
