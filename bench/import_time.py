"""What `import fastact` costs on top of `import numpy` (issue 8's target: <= 15 ms).

    python bench/import_time.py [--runs 20] [--top 10]

Times `python -c "import numpy"` and `python -c "import fastact"` in fresh
processes, interleaved (the order alternating) so that a change in the machine's
load hits both alike, and prints both medians and the median of the per-pair
differences.  Then shows where fastact's share goes: `python -X importtime` of
`import numpy; import fastact`, the modules imported after numpy (what fastact
adds), sorted by their own (self) time.

Run from anywhere (the script puts its own checkout first on PYTHONPATH),
after `python setup.py build_ext --inplace` for the compiled backend; the
backend in use is printed.  Both imports read bytecode caches, as an installed
package does (pip compiles them): they are kept under a temporary
PYTHONPYCACHEPREFIX, so the checkout stays clean even where
PYTHONDONTWRITEBYTECODE is set.  --no-cache compiles every module from source
in every process instead (a checkout under PYTHONDONTWRITEBYTECODE).  Not a test: wall time is never
asserted (tests/test_import_cost.py checks the deterministic proxy instead).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _env(cache_dir: str | None) -> dict:
    """The subprocesses' environment: this checkout first on the path; bytecode
    cached in cache_dir, or never written (cache_dir None)."""
    path = os.environ.get("PYTHONPATH", "")
    env = dict(os.environ, PYTHONPATH=ROOT + (os.pathsep + path if path else ""))
    if cache_dir is None:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.pop("PYTHONPYCACHEPREFIX", None)
    else:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = cache_dir
    return env


def _run(python: str, code: str, env: dict) -> tuple:
    """(wall, CPU) seconds of a fresh interpreter running code, startup included
    (it cancels out in the difference).  CPU time (user + system, from wait4)
    is shown too: on a loaded machine it varies less than wall time."""
    start = time.perf_counter()
    proc = subprocess.Popen([python, "-c", code], env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise subprocess.CalledProcessError(proc.returncode, code)
    return wall, usage.ru_utime + usage.ru_stime


def interleaved(python: str, runs: int, env: dict) -> dict:
    """{"numpy"/"fastact": [(wall, cpu) per run]}, alternating which goes first."""
    times: dict = {"numpy": [], "fastact": []}
    _run(python, "import fastact", env)  # warm the file cache and write the .pyc files
    for i in range(runs):
        pair = ["numpy", "fastact"] if i % 2 == 0 else ["fastact", "numpy"]
        for which in pair:
            times[which].append(_run(python, f"import {which}", env))
    return times


def importtime_after_numpy(python: str, env: dict) -> list:
    """[(self us, cumulative us, module)] of the modules `import fastact` adds
    to `import numpy`, from -X importtime (stderr)."""
    r = subprocess.run([python, "-X", "importtime", "-c", "import numpy; import fastact"],
                       env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    rows, after_numpy = [], False
    for line in r.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cum_us, name = line[len("import time:"):].split("|")
        if after_numpy:
            rows.append((int(self_us), int(cum_us), name.rstrip()))
        elif name.strip() == "numpy" and not name.startswith("  "):
            after_numpy = True  # numpy's own top-level entry closes its tree
    return rows


def main(argv: list | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="fresh-process pairs (default 20)")
    parser.add_argument("--top", type=int, default=10, help="-X importtime rows shown (default 10)")
    parser.add_argument("--python", default=sys.executable, help="the interpreter to time")
    parser.add_argument("--no-cache", action="store_true",
                        help="no bytecode caches: every process compiles every module")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="fastact-pycache-") as cache_dir:
        return report(args, _env(None if args.no_cache else cache_dir))


def report(args: argparse.Namespace, env: dict) -> int:
    backend = subprocess.run([args.python, "-c", "import fastact; print(fastact.BACKEND, "
                              "len(fastact.ACTIVATIONS))"], env=env, cwd=ROOT, check=True,
                             capture_output=True, text=True).stdout.split()
    print(f"fastact backend {backend[0]}, {backend[1]} activations; {args.runs} interleaved "
          f"runs; bytecode {'never cached' if args.no_cache else 'cached'}")
    times = interleaved(args.python, args.runs, env)
    for k, what in enumerate(("wall", "CPU")):
        med = {m: statistics.median(t[k] for t in times[m]) * 1e3 for m in times}
        pairs = statistics.median((f[k] - n[k]) * 1e3
                                  for f, n in zip(times["fastact"], times["numpy"]))
        print(f"  {what:>4}: import numpy {med['numpy']:6.1f} ms, import fastact "
              f"{med['fastact']:6.1f} ms: fastact adds {med['fastact'] - med['numpy']:5.1f} ms "
              f"(median of the pairwise differences {pairs:5.1f} ms)")
    rows = importtime_after_numpy(args.python, env)
    total = sum(s for s, _, _ in rows)
    print(f"\n-X importtime after numpy: {len(rows)} modules, {total / 1e3:.1f} ms self in all; "
          f"top {args.top} by self time:")
    print(f"  {'self ms':>8} {'cumul ms':>9}  module")
    for self_us, cum_us, name in sorted(rows, reverse=True)[:args.top]:
        print(f"  {self_us / 1e3:8.2f} {cum_us / 1e3:9.2f}  {name.strip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
