"""Instructions per element of each fastact kernel, counted by valgrind's callgrind.

Wall-clock ratios on a shared machine drift from run to run; an instruction
count does not, so it is the noise-free evidence of what a kernel costs (it
says nothing of memory traffic or of how many instructions retire per cycle).
`perf stat -e instructions` would count on real hardware, but the hardware
counters are often unavailable (virtual machines, containers); callgrind counts
on any machine that has valgrind.

Method: one child Python process runs under `valgrind --tool=callgrind`,
collecting only inside NumPy's calls of fastact's inner loop (fa_ufunc_loop:
fastact's glue and the kernel, nothing of Python or of NumPy's dispatch) and
writing one profile per call.  The child calls every kernel with out= on n and
on 2n elements; (count(2n) - count(n)) / n is the instructions per element,
the fixed cost of a call cancelling out.  The outputs lie as malloc's heap
places two blocks (16 and 32 bytes past a 64-byte boundary: a memory-bound
row's second output is stored realigned, csrc/kernels_impl.h), so the count
does not depend on where this process's allocator put them.  Valgrind emulates no AVX-512: under
it the CPU lacks the AVX-512 level, which is then reported as skipped.
"""
from __future__ import annotations

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from typing import Dict, List, Optional, Sequence, Tuple

N = 1 << 16
DTYPES = ("float32", "float64")  # float16 runs the float32 kernel after a conversion
OPS = ("and_derivative", "value")
LOOP = "fa_ufunc_loop"
TIMEOUT = 900  # seconds; a full run takes about a minute

# The child: prints the SIMD levels it sees and the calls made, in order.
_CHILD = """
import json, sys
sys.path.insert(0, sys.argv[1])
from fastact import _backends
from fastact._bench import run as _bench
spec = json.loads(sys.argv[2])
here = _backends.require_compiled().simd_levels()
calls = []
for level in [lv for lv in spec["levels"] if lv in here]:
    for mode in spec["modes"]:
        with _bench.configured(_bench.Impl("", _bench._fastact, level, "fastact", mode)):
            for dtype in spec["dtypes"]:
                for size in (spec["n"], 2 * spec["n"]):
                    z = _bench.make_input(size, dtype)
                    for act in spec["acts"]:
                        for op in spec["ops"]:
                            call = _bench._fastact(act, op, z, out=True, heap_layout=True)
                            call()
                            calls.append([act, op, dtype, level, mode, size])
print(json.dumps({"levels": here, "calls": calls}))
"""

_KERNEL = re.compile(r"^fn=(fa_\w+_f(?:16|32|64))$", re.MULTILINE)
_TOTAL = re.compile(r"^(?:totals|summary): (\d+)", re.MULTILINE)


@dataclass
class Count:
    act: str
    op: str
    dtype: str
    level: str
    mode: str
    per_element: float
    kernel: str  # the kernel's symbol, as callgrind saw it ("?" if stripped)


def valgrind() -> Optional[str]:
    """The valgrind executable, or None when it is not installed."""
    return shutil.which("valgrind")


def _run_child(spec: Dict[str, object], directory: str) -> Dict[str, list]:
    import fastact
    root = os.path.dirname(os.path.dirname(os.path.abspath(fastact.__file__)))
    cmd = [valgrind() or "valgrind", "-q", "--tool=callgrind",
           f"--callgrind-out-file={directory}/cg.out", f"--toggle-collect={LOOP}",
           f"--dump-after={LOOP}", "--compress-strings=no", "--compress-pos=no",
           sys.executable, "-c", _CHILD, root, json.dumps(spec)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no message"])[-1]
        raise RuntimeError(f"valgrind exited with status {proc.returncode}: {last}")
    result: Dict[str, list] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def _profiles(directory: str) -> List[Tuple[int, List[str]]]:
    """(instructions, kernel symbols) of each profile, in the order written."""
    paths = glob.glob(os.path.join(directory, "cg.out.*"))
    out = []
    for path in sorted(paths, key=lambda p: int(p.rsplit(".", 1)[1])):
        with open(path) as f:
            text = f.read()
        total = _TOTAL.search(text)
        out.append((int(total.group(1)) if total else 0, sorted(set(_KERNEL.findall(text)))))
    return out


def _kernel(symbols: List[str], act: str, op: str, dtype: str) -> str:
    """The kernel symbol of a call, checked against the call made (so a profile
    can never be credited to the wrong call).  Where a row's default and high
    kernels are the same code (gelu's float64), the compiler folds one into the
    other and the profile shows both names: the call is still that row's."""
    if not symbols:
        return "?"
    tail = f"{op}_f{dtype[-2:]}"
    own = {f"fa_{act}_{tail}", f"fa_{act}_high_{tail}"}
    if not set(symbols) <= own:
        raise RuntimeError(f"callgrind profile of {act} {op} {dtype} shows {symbols}")
    return " = ".join(symbols)


def count(acts: Sequence[str], dtypes: Sequence[str], levels: Sequence[str],
          modes: Sequence[str], ops: Sequence[str] = OPS,
          n: int = N) -> Tuple[List[Count], List[str]]:
    """Instructions per element of every (function, op, dtype, level, mode), and
    the levels valgrind cannot run."""
    spec = {"acts": list(acts), "ops": list(ops), "dtypes": list(dtypes),
            "levels": list(levels), "modes": list(modes), "n": n}
    with tempfile.TemporaryDirectory(prefix="fastact-callgrind-") as directory:
        child = _run_child(spec, directory)
        profiles = _profiles(directory)
    calls = child["calls"]
    if len(profiles) < len(calls):
        raise RuntimeError(f"callgrind wrote {len(profiles)} profiles for {len(calls)} calls")
    profiles = profiles[len(profiles) - len(calls):]  # any earlier ones: the import's
    first: Dict[Tuple[str, ...], int] = {}
    counts = []
    for (act, op, dtype, level, mode, size), (total, symbols) in zip(calls, profiles):
        key = (act, op, dtype, level, mode)
        kernel = _kernel(symbols, act, op, dtype)
        if size == n:
            first[key] = total
        else:
            counts.append(Count(act, op, dtype, level, mode, (total - first[key]) / n, kernel))
    skipped = [lv for lv in levels if lv not in child["levels"]]
    return counts, skipped


def as_dicts(counts: Sequence[Count]) -> List[Dict[str, object]]:
    return [asdict(c) for c in counts]


def format_counts(counts: Sequence[Count], skipped: Sequence[str], n: int = N,
                  markdown: bool = False) -> str:
    """One line per (function, op, dtype); one column per (level, mode)."""
    from fastact._bench.run import _case_name, grid
    columns = list(dict.fromkeys((c.level, c.mode) for c in counts))
    cells: Dict[Tuple[str, str, str], Dict[Tuple[str, str], float]] = {}
    for c in counts:
        cells.setdefault((c.act, c.op, c.dtype), {})[c.level, c.mode] = c.per_element
    head = ["function", "dtype"] + [lv if mode == "default" else f"{lv} {mode}"
                                    for lv, mode in columns]
    body = [[_case_name(act, op), dtype] + [f"{by[col]:.2f}" if col in by else "-"
                                            for col in columns]
            for (act, op, dtype), by in cells.items()]
    lines = [f"Instructions per element (valgrind callgrind; kernel call with out= on "
             f"{n:,} and {2 * n:,} elements: the difference / {n:,}):",
             grid(head, body, markdown, text_columns=2)]
    if skipped:
        lines.append(f"skipped, not on valgrind's emulated CPU (it has no AVX-512): "
                     f"{', '.join(skipped)}")
    return "\n".join(lines)
