"""Settle tests/c/ulp_sweep.c's records with mpmath and print the table:

    python tests/c/ulp_sweep_settle.py RESULTS.tsv [--markdown] [--no-check]

ulp_sweep writes, per level x mode x row x output, the max ULP over the inputs
whose correct rounding its long double references decide, the worst input, and
the "pending" inputs they could not decide (both candidates given).  Here each
pending input is measured against mpmath (fastact/_accuracy's references, 50
digits, rounded to nearest-even by mp_round) and the max raised where it is
worse; and unless --no-check, every worst input is measured again, through the
compiled ufunc at the same level and mode, against mpmath: a disagreement with
the C figure (a wrong reference on either side) is reported and fails.
Exit status 1 if a figure is over its bound or a check disagrees."""
from __future__ import annotations

import argparse
import os
import sys
from collections import OrderedDict
from typing import Any, Dict, List, Tuple

import numpy as np

# the checkout this script is in, whatever the working directory
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
F32 = np.float32
Key = Tuple[str, str, str, str, str]  # level, mode, stride, row, output


def parse(path: str) -> Tuple["OrderedDict[Key, dict]", Dict[Key, List[Tuple[float, ...]]],
                               Dict[Tuple[str, ...], dict]]:
    results: "OrderedDict[Key, dict]" = OrderedDict()
    pending: Dict[Key, List[Tuple[float, ...]]] = {}
    done: Dict[Tuple[str, ...], dict] = {}
    with open(path) as f:
        for line in f:
            kind, *cols = line.rstrip("\n").split("\t")
            if kind == "result":
                key = tuple(cols[:5])
                ulp, z, real, wrong, over1, checked, bound, npend = cols[5:13]
                results[key] = dict(ulp=float(ulp), z=float.fromhex(z), real=float(real),
                                    wrong=int(wrong), over1=int(over1), checked=int(checked),
                                    bound=float(bound), undecided=int(npend))
                pending.setdefault(key, [])
            elif kind == "pending":
                pending.setdefault(tuple(cols[:5]), []).append(
                    tuple(float.fromhex(c) for c in cols[5:9]))
            elif kind == "done":
                secs, jobs, fail = cols[4:7]
                done[tuple(cols[:4])] = dict(seconds=float(secs), jobs=int(jobs))
    return results, pending, done


def _activation(row: str) -> Tuple[str, Dict[str, Any]]:
    """The activation a C table row belongs to, and its parameters as the kernels
    see them, with the choice that selects the row (gelu_tanh: gelu with
    approximate="tanh")."""
    from fastact import _catalogue
    from fastact._accuracy import reference as R
    act = dict(_catalogue.kernel_rows())[row]
    c = act.choice
    picks = {} if c is None else {c.name: next(v for v, r in c.choices.items() if r == row)}
    return act.name, R.kernel_params(act.name, F32, picks)


def _exact(row: str, output: str, x: float):
    """The mpmath result of `output` of `row` at the float32 input x, rounded to float32."""
    from fastact._accuracy import reference as R
    name, params = _activation(row)
    if output == "derivative_from_a":
        v = R.mp_from_a(name, x, **params)
    else:
        v = R.mp_fwd(name, x, **params)[0 if output == "value" else 1]
    return R.mp_round(v, F32)


def _ulp(got: float, cr) -> float:
    from fastact._accuracy.ulp import ulp_error
    return float(ulp_error(np.array([got], F32), np.array([cr], F32))[0])


def settle(results, pending) -> None:
    for key, recs in pending.items():
        r = results[key]
        for z, got, _cr, _other in recs:
            u = _ulp(got, _exact(key[3], key[4], z))
            if u > r["ulp"]:
                r["ulp"], r["z"] = u, z
        r["settled"] = len(recs)


def _kernel(level: str, mode: str, row: str, output: str, x: float) -> float:
    import fastact
    from fastact import _backends
    mod = _backends.compiled_module()
    mod.set_level(level)
    name, params = _activation(row)
    act = fastact._catalogue.BY_NAME[name]
    op = {"value": "", "derivative": "_derivative",
          "derivative_from_a": "_derivative_from_a"}[output]
    kw = {p.name: params[p.name] for p in act.signature_params(output) if p.name in params}
    with fastact.accuracy_mode(mode):
        return float(getattr(fastact, name + op)(np.array([x], F32), **kw)[0])


def check(results) -> List[str]:
    """Every worst input again: the ufunc's result against mpmath."""
    bad = []
    for (level, mode, _stride, row, output), r in results.items():
        got = _kernel(level, mode, row, output, r["z"])
        u = _ulp(got, _exact(row, output, r["z"]))
        if u != r["ulp"]:
            bad.append(f"{level}/{mode} {row} {output} at z = {r['z']!r}: C {r['ulp']:g} ULP, "
                       f"ufunc vs mpmath {u:g} ULP")
    return bad


def table(results, done, markdown: bool) -> str:
    lines = []
    if markdown:
        lines += ["| level/mode | function | output | max ULP | worst input | != cr | > 1 ULP"
                  " | bound | time |", "|---|---|---|---|---|---|---|---|---|"]
    for (level, mode, stride, row, output), r in results.items():
        t = done.get((level, mode, stride, row), {})
        secs = f"{t['seconds']:.0f} s x{t['jobs']}" if t else ""
        status = "" if r["ulp"] <= r["bound"] else "  OVER"
        cells = [f"{level}/{mode}" + (f" stride {stride}" if stride != "1" else ""), row, output,
                 f"{r['ulp']:g}", f"{r['z']:.9g}" if r["ulp"] else "-", str(r["wrong"]),
                 str(r["over1"]), f"{r['bound']:g}", secs]
        lines.append("| " + " | ".join(cells) + " |" + status if markdown
                     else "  ".join(cells) + status)
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("results")
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--no-check", action="store_true")
    args = ap.parse_args(argv)
    try:
        results, pending, done = parse(args.results)
    except (OSError, ValueError, IndexError) as e:
        print(f"ulp_sweep_settle: cannot read {args.results}: {e}", file=sys.stderr)
        return 2
    settle(results, pending)
    bad = [] if args.no_check else check(results)
    print(table(results, done, args.markdown))
    for b in bad:
        print("MISMATCH " + b)
    over = any(r["ulp"] > r["bound"] for r in results.values())
    return 1 if over or bad else 0


if __name__ == "__main__":
    sys.exit(main())
