"""`python -m fastact bench`: the peers compute what they are said to, the
level and accuracy-mode switches select what they say and put things back,
and the tables (levels side by side, the ratios, instructions per element)
have the structure documented and agree with the timings saved with --json.
Speeds are never asserted: tiny sizes, one round."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

from fastact import _backends
from fastact._bench import run as _bench
from fastact._bench import instructions as _bench_instructions

import reference as ref
from oracles import ORACLES
from oracles import support as s

ENV = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
ENV.pop("FASTACT_NO_EXTENSIONS", None)
FAST = ["--quick", "--rounds", "1", "--target", "0.0002"]
# fastact out= on 1 thread and on its default count (tests/test_num_threads.py)
THREADS_COLUMN = re.compile(r" \d+T out=$")
TOL = {"float32": dict(rtol=1e-5, atol=1e-6), "float64": dict(rtol=1e-12, atol=1e-14)}


def _compiled():
    mod = _backends.compiled_module()
    if mod is None or _backends.extensions_disabled():
        pytest.skip("the compiled extension is not built or is disabled")
    return mod


def _bench_cli(*argv, env=ENV):
    return subprocess.run([sys.executable, "-m", "fastact", "bench", *argv],
                          capture_output=True, text=True, env=env, timeout=600)


def _ok(*argv):
    res = _bench_cli(*argv)
    assert res.returncode == 0, res.stderr
    return res.stdout


def _markdown_tables(text):
    """Every Markdown table in `text`: (header cells, rows of cells)."""
    tables, current = [], None
    for line in text.splitlines():
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if current is None:
                current = (cells, [])
                tables.append(current)
            elif not set("".join(cells)) <= set("-:"):
                current[1].append(cells)
        else:
            current = None
    return tables


def _table(tables, first):
    return next(t for t in tables if t[0][0] == first)


def _times(path):
    with open(path) as f:
        data = json.load(f)
    return data, {(r["function"], r["op"], r["dtype"], r["n"], r["impl"]): r["seconds"]
                  for r in data["rows"]}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("op", _bench.OPS)
@pytest.mark.parametrize("act", _bench.ACTS)
@pytest.mark.parametrize("make", [_bench._torch, _bench._torch_out, _bench._lesson],
                         ids=["torch", "torch_out", "numpy"])
def test_torch_and_numpy_peers_compute_the_activation(make, act, op, dtype):
    if make is not _bench._lesson:
        pytest.importorskip("torch")
    z = _bench.make_input(257, dtype)
    before = z.copy()
    fn = make(act, op, z)
    if fn is None:   # the entry's bench record says the peer has no such function
        pytest.skip(f"no such peer for {act} {op} ({make.__name__})")
    got = fn()
    # the benchmark's parameters (required ones included), as the peers see them
    params = _bench._params(act)
    o = ORACLES[act]
    if op == "value":
        got = (got,)
        want = (s.reference(o, "value", z, params),)
    else:
        want = (s.reference(o, "value", z, params), s.reference(o, "derivative", z, params))
    # torch's own errors, beyond the float64 tolerances
    tols = [dict(TOL[dtype], rtol=max(TOL[dtype]["rtol"], r))
            for r in o.torch_tolerances(s.with_defaults(act, params))]
    for g, w, tol in zip(got, want, tols):
        g = g.numpy() if hasattr(g, "numpy") else np.asarray(g)
        np.testing.assert_allclose(g.astype(np.float64), w, **tol)
        # (the lesson's own code is verbatim: its relu' is float64 for any z)
        assert g.dtype == z.dtype or (make is _bench._lesson and act in _bench.LESSON_NUMPY)
    np.testing.assert_array_equal(z, before)


def test_torch_out_writes_into_the_same_arrays_every_call():
    pytest.importorskip("torch")
    z = _bench.make_input(64, "float32")
    fn = _bench._torch_out("tanh", "and_derivative", z)
    a1, d1 = fn()
    a2, d2 = fn()
    assert a1.data_ptr() == a2.data_ptr() and d1.data_ptr() == d2.data_ptr()
    np.testing.assert_allclose(a2.numpy(), np.tanh(z.astype(np.float64)), rtol=1e-6)


def test_configured_selects_level_and_mode_then_restores_them():
    mod = _compiled()
    z = _bench.make_input(1000, "float64")
    level_before, thread_before = mod.get_level(), mod.get_thread_accuracy()
    for level in mod.simd_levels():
        for mode in mod.accuracy_modes():
            im = _bench.Impl("x", _bench._fastact, level, "fastact", mode)
            with pytest.raises(KeyError), _bench.configured(im):
                assert (mod.get_level(), mod.get_accuracy()) == (level, mode)
                a, d = _bench._fastact("tanh", "and_derivative", z, out=True)()
                # the float64 reference's own error allows no tighter budget (test_values)
                ref.assert_ulp(a, ref.tanh(z), np.float64, 8.0, "tanh")
                ref.assert_ulp(d, ref.tanh_derivative(z), np.float64, 8.0, "tanh'")
                raise KeyError  # the settings come back on the way out of an error too
            assert (mod.get_level(), mod.get_thread_accuracy()) == (level_before,
                                                                     thread_before)


def test_implementations_cover_every_level_and_mode_with_and_without_out():
    mod = _compiled()
    labels = [im.label for im in _bench.implementations(mod.simd_levels(), peers=["torch"])]
    best = mod.simd_levels()[-1]
    for level in mod.simd_levels():
        tag = "" if level == best else f"[{level}]"
        for mode in mod.accuracy_modes():
            high = "" if mode == "default" else f" {mode}"
            assert f"fastact{tag}{high}" in labels
            assert f"fastact{tag}{high} out=" in labels
    if _bench.peer("torch") is not None:
        assert {"torch", "torch out="} <= set(labels)
    assert labels.count("fastact out=") == 1


def test_tables_show_levels_side_by_side_and_the_ratios_of_the_run(tmp_path):
    mod = _compiled()
    out = tmp_path / "b.json"
    text = _ok(*FAST, "-f", "sigmoid,relu", "-d", "float32", "--ops", "and_derivative,value",
               "--levels", "all", "--accuracy", "default,high", "--markdown", "--json", str(out))
    data, t = _times(out)
    impls = list(dict.fromkeys(r["impl"] for r in data["rows"]))
    variants = [i for i in impls if i.startswith("fastact") and not THREADS_COLUMN.search(i)]
    assert len(variants) == 2 * len(mod.simd_levels()) * len(mod.accuracy_modes())
    tables = _markdown_tables(text)

    # the levels side by side (the x-table also starts with "function")
    columns = [i for i in impls if i.startswith("fastact")]  # variants, then thread counts
    head, body = next(tb for tb in tables if tb[0][3:] == columns)
    assert [(r[0], r[2]) for r in body] == [(f, n) for n in ("10", "1,000") for f in
                                            ("sigmoid_and_derivative", "sigmoid",
                                             "relu_and_derivative", "relu")]
    for cells in body:
        name, dtype, n = cells[0], cells[1], int(cells[2].replace(",", ""))
        act, op = (name, "value") if name in _bench.ACTS else (name[:-15], "and_derivative")
        for v, cell in zip(columns, cells[3:]):
            assert float(cell) == pytest.approx(t[act, op, dtype, n, v] / n * 1e9, abs=6e-4)

    peers = [i for i in impls if not i.startswith("fastact") and i != "fallback"]
    head, body = _table(tables, "fused")
    assert head[3:] == ["fastact out= ns/el", "vs numpy", "vs torch out=", "vs fastest other",
                        "fastest other", "high/default"]
    assert [(r[0], r[2]) for r in body] == [(f, n) for n in ("10", "1,000")
                                            for f in ("sigmoid_and_derivative",
                                                      "relu_and_derivative")]
    for cells in body:
        act, n = cells[0][:-15], int(cells[2].replace(",", ""))
        case = {i: t[act, "and_derivative", "float32", n, i] for i in impls
                if (act, "and_derivative", "float32", n, i) in t}
        fa = case["fastact out="]
        fastest = min((p for p in peers if p in case), key=case.get)
        assert cells[7] == fastest
        expect = [case["numpy"] / fa, case.get("torch out=", np.nan) / fa, case[fastest] / fa,
                  case["fastact high out="] / fa]
        for cell, want in zip(cells[4:7] + cells[8:], expect):
            _assert_ratio(cell, want)

    head, body = _table(tables, "value")
    assert head[4:] == [f"vs {p}" for p in peers] + ["high/default"]
    for cells in body:
        act, n = cells[0], int(cells[2].replace(",", ""))
        fa = t[act, "value", "float32", n, "fastact out="]
        for p, cell in zip(peers, cells[4:]):
            _assert_ratio(cell, t.get((act, "value", "float32", n, p), np.nan) / fa)
    if _bench.peer("scipy") is not None:
        scipy = head.index("vs scipy")
        assert [r[scipy] == "-" for r in body] == [r[0] == "relu" for r in body]


def _assert_ratio(cell, want):
    if np.isnan(want):
        assert cell == "-"
    else:
        assert cell.endswith("x") and float(cell[:-1]) == pytest.approx(want, abs=0.006)


def test_accuracy_selects_the_modes_timed(tmp_path):
    _compiled()
    out = tmp_path / "b.json"
    text = _ok(*FAST, "-f", "tanh", "-d", "float64", "--peers", "none", "--accuracy", "high",
               "--json", str(out))
    data, _ = _times(out)
    fastact = {r["impl"] for r in data["rows"]
               if r["impl"].startswith("fastact") and not THREADS_COLUMN.search(r["impl"])}
    assert fastact == {"fastact high", "fastact high out="}
    # without the default mode the ratios are taken against the high mode's out=
    assert re.search(r"^fused\s+dtype\s+n\s+fastact high out= ns/el", text, re.MULTILINE)


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")
def test_instructions_per_element_for_every_level_and_mode(tmp_path):
    mod = _compiled()
    out = tmp_path / "b.json"
    text = _ok(*FAST, "-f", "sigmoid,relu", "-d", "float16,float32", "--peers", "none",
               "--instructions", "--markdown", "--json", str(out))
    with open(out) as f:
        data = json.load(f)
    counts, skipped = data["instructions_per_element"], data["instructions_skipped_levels"]
    assert data["instructions_n"] == 1 << 16
    run = [lv for lv in mod.simd_levels() if lv not in skipped]
    assert run and set(skipped) <= {"avx512"}  # valgrind emulates up to AVX2
    assert ("skipped" in text) == bool(skipped)
    keys = [(c["act"], c["op"], c["dtype"], c["level"], c["mode"]) for c in counts]
    assert sorted(keys) == sorted((a, o, "float32", lv, m) for a in ("sigmoid", "relu")
                                  for o in _bench.OPS for lv in run
                                  for m in mod.accuracy_modes())
    unnamed = {c["kernel"] for c in counts} == {"?"}
    for c in counts:
        assert 0 < c["per_element"] < 500
        # sigmoid's high kernels are its own, except where the default mode already uses
        # them (the baseline level: scalar.h has no cheap table lookup, csrc/kernels_impl.h)
        high = ("_high" if c["mode"] == "high" and c["act"] == "sigmoid"
                and c["level"] != "baseline" else "")
        # an extension without a symbol table (a repaired wheel) names no kernel at all
        if not unnamed:
            assert c["kernel"] == f"fa_{c['act']}{high}_{c['op']}_f32"
    columns = [lv + ("" if m == "default" else f" {m}") for lv in run
               for m in mod.accuracy_modes()]
    body = next(b for h, b in _markdown_tables(text) if h == ["function", "dtype"] + columns)
    assert [r[:2] for r in body] == [["sigmoid_and_derivative", "float32"],
                                     ["sigmoid", "float32"], ["relu_and_derivative", "float32"],
                                     ["relu", "float32"]]
    by = {(c["act"], c["op"], c["level"], c["mode"]): c["per_element"] for c in counts}
    for cells in body:
        name = cells[0]
        act, op = (name, "value") if name in _bench.ACTS else (name[:-15], "and_derivative")
        for (lv, m), cell in zip([(lv, m) for lv in run for m in mod.accuracy_modes()],
                                 cells[2:]):
            # the table prints the JSON figure to two decimals (0.875 is "0.88")
            assert cell == f"{by[act, op, lv, m]:.2f}"


def test_instruction_profiles_are_matched_to_their_calls():
    assert _bench_instructions._kernel(["fa_tanh_high_value_f64"], "tanh", "value",
                                       "float64") == "fa_tanh_high_value_f64"
    assert _bench_instructions._kernel([], "tanh", "value", "float64") == "?"
    # a row whose default and high kernels the compiler folded into one
    assert _bench_instructions._kernel(
        ["fa_gelu_and_derivative_f64", "fa_gelu_high_and_derivative_f64"], "gelu",
        "and_derivative", "float64") == "fa_gelu_and_derivative_f64 = fa_gelu_high_and_derivative_f64"
    for symbols in (["fa_relu_value_f64"], ["fa_tanh_value_f32"],
                    ["fa_tanh_value_f64", "fa_tanh_and_derivative_f64"],
                    ["fa_tanh_tanh_value_f64"], ["fa_tanh_value_f64", "fa_relu_value_f64"]):
        with pytest.raises(RuntimeError, match="callgrind profile of tanh value float64"):
            _bench_instructions._kernel(symbols, "tanh", "value", "float64")


@pytest.mark.parametrize("argv, env, message", [
    (["--accuracy", "fast"], {}, "unknown value 'fast'"),
    (["--instructions", "-d", "float16"], {}, "--dtypes lists neither"),
    (["--instructions"], {"PATH": "/nonexistent"}, "--instructions needs valgrind"),
])
def test_bad_requests_are_one_line_errors(argv, env, message):
    _compiled()
    res = _bench_cli("--quick", *argv, env=dict(ENV, **env))
    assert res.returncode == 2
    assert res.stdout == ""
    assert len(res.stderr.splitlines()) == 1 and message in res.stderr, res.stderr
