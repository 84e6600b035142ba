"""What `import fastact` costs on top of `import numpy` (issue 8's target: <= 15 ms).

    python bench/import_time.py [--runs 20] [--top 10] [--baseline OTHER_CHECKOUT]

Times `python -c "import numpy"` and `python -c "import fastact"` in fresh
processes, interleaved (the order rotating) so that a change in the machine's
load hits all alike, and prints the medians and what fastact adds (the
difference of the medians, and the median of the per-run differences).
--baseline times the fastact of another checkout too (built in place), in the
same rotation: a before/after under the same load.  Then shows where fastact's
share goes: `python -X importtime` of `import numpy; import fastact`, the
modules imported after numpy (what fastact adds), each module's smallest
self time over a few runs (the least disturbed), largest first.

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


def _env(checkout: str, cache_dir: str | None) -> dict:
    """The subprocesses' environment: checkout first on the path; bytecode
    cached in cache_dir, or never written (cache_dir None)."""
    path = os.environ.get("PYTHONPATH", "")
    env = dict(os.environ, PYTHONPATH=checkout + (os.pathsep + path if path else ""))
    if cache_dir is None:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.pop("PYTHONPYCACHEPREFIX", None)
    else:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = cache_dir
    return env


def _run(python: str, code: str, env: dict, cwd: str) -> tuple:
    """(wall, CPU) seconds of a fresh interpreter running code in cwd (which
    `python -c` puts first on sys.path: it holds no fastact), startup included
    (it cancels out in the difference).  CPU time (user + system, from wait4)
    is shown too: on a loaded machine it varies less than wall time."""
    start = time.perf_counter()
    proc = subprocess.Popen([python, "-c", code], env=env, cwd=cwd, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code_ = os.waitstatus_to_exitcode(status)
    if code_ != 0:
        raise subprocess.CalledProcessError(code_, code)
    return wall, usage.ru_utime + usage.ru_stime


def interleaved(python: str, runs: int, subjects: dict, cwd: str) -> dict:
    """{label: [(wall, cpu) per run]} for subjects {label: (code, env)}, the
    order rotating from run to run."""
    labels = list(subjects)
    for code, env in subjects.values():
        _run(python, code, env, cwd)  # warm the file cache and write the .pyc files
    times: dict = {label: [] for label in labels}
    for i in range(runs):
        for label in labels[i % len(labels):] + labels[:i % len(labels)]:
            times[label].append(_run(python, *subjects[label], cwd))
    return times


def importtime_after_numpy(python: str, env: dict, cwd: str, runs: int) -> list:
    """[(self us, cumulative us, module)] of the modules `import fastact` adds
    to `import numpy`, from -X importtime (stderr): each module's smallest
    self time over runs, with the cumulative time of that run."""
    best: dict = {}
    for _ in range(runs):
        r = subprocess.run([python, "-X", "importtime", "-c", "import numpy; import fastact"],
                           env=env, cwd=cwd, capture_output=True, text=True, check=True)
        after_numpy = False
        for line in r.stderr.splitlines():
            if not line.startswith("import time:") or "self [us]" in line:
                continue
            self_us, cum_us, name = line[len("import time:"):].split("|")
            if after_numpy:
                row = (int(self_us), int(cum_us), name.strip())
                best[row[2]] = min(best.get(row[2], row), row)
            elif name.strip() == "numpy" and not name.startswith("  "):
                after_numpy = True  # numpy's own top-level entry closes its tree
    return sorted(best.values(), reverse=True)


def _backend(python: str, env: dict, cwd: str) -> str:
    return subprocess.run([python, "-c", "import fastact; print(fastact.BACKEND, "
                           "len(fastact.ACTIVATIONS), 'activations')"], env=env, cwd=cwd,
                          check=True, capture_output=True, text=True).stdout.strip()


def main(argv: list | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="fresh processes each (default 20)")
    parser.add_argument("--top", type=int, default=10, help="-X importtime rows shown (default 10)")
    parser.add_argument("--importtime-runs", type=int, default=5,
                        help="-X importtime runs, each module's least time shown (default 5)")
    parser.add_argument("--baseline", metavar="CHECKOUT",
                        help="another checkout's fastact to time alongside (e.g. before a change)")
    parser.add_argument("--python", default=sys.executable, help="the interpreter to time")
    parser.add_argument("--no-cache", action="store_true",
                        help="no bytecode caches: every process compiles every module")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="fastact-import-time-") as scratch:
        checkouts = {"fastact": ROOT}
        if args.baseline:
            checkouts["baseline"] = os.path.abspath(args.baseline)
        # each checkout its own bytecode cache; scratch/run: an empty working directory
        envs = {label: _env(path, None if args.no_cache else os.path.join(scratch, label))
                for label, path in checkouts.items()}
        cwd = os.path.join(scratch, "run")
        os.mkdir(cwd)
        return report(args, envs, cwd)


def report(args: argparse.Namespace, envs: dict, cwd: str) -> int:
    print(f"{args.runs} interleaved runs each; bytecode "
          f"{'never cached' if args.no_cache else 'cached'}")
    subjects = {"numpy": ("import numpy", envs["fastact"])}
    for label, env in envs.items():
        print(f"  {label}: {env['PYTHONPATH'].split(os.pathsep)[0]} "
              f"(backend {_backend(args.python, env, cwd)})")
        subjects[label] = ("import fastact", env)
    times = interleaved(args.python, args.runs, subjects, cwd)
    for k, what in enumerate(("wall", "CPU")):
        med = {label: statistics.median(t[k] for t in ts) * 1e3 for label, ts in times.items()}
        print(f"  {what:>4}: import numpy {med['numpy']:6.1f} ms")
        for label in envs:
            pairs = statistics.median((f[k] - n[k]) * 1e3
                                      for f, n in zip(times[label], times["numpy"]))
            print(f"        import fastact ({label}) {med[label]:6.1f} ms: adds "
                  f"{med[label] - med['numpy']:5.1f} ms (median of the per-run differences "
                  f"{pairs:5.1f} ms)")
    for label, env in envs.items():
        rows = importtime_after_numpy(args.python, env, cwd, args.importtime_runs)
        total = sum(s for s, _, _ in rows)
        print(f"\n-X importtime ({label}), after numpy: {len(rows)} modules, "
              f"{total / 1e3:.1f} ms self in all (least of {args.importtime_runs} runs each); "
              f"top {args.top} by self time:")
        print(f"  {'self ms':>8} {'cumul ms':>9}  module")
        for self_us, cum_us, name in rows[:args.top]:
            print(f"  {self_us / 1e3:8.2f} {cum_us / 1e3:9.2f}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
