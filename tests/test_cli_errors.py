"""Bad invocations of every subcommand, through the real CLI (`python -m fastact`
in a subprocess): each must print exactly one line on stderr that names the bad
value, no traceback, exit with status 2 (usage) or 1 (runtime), and write nothing.

Usage errors are found while the arguments are parsed, before any backend is
imported for work, so they run once; the ones that reach a backend's functions
(eval's computations and dtype rules) run on both backends."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

ENV = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
ENV.pop("FASTACT_NO_EXTENSIONS", None)

# (argv with {d} for the scratch directory, exit status, text the message must contain);
# {tiny}: a sweep of seconds, should a check ever let the run start.
TINY = "--backend python --functions relu --dtype float16 --sample 64 --cross-check 0"
USAGE = [
    ("demo -n 0", 2, "'0' must be >= 1"),
    ("demo -n -5", 2, "'-5' must be >= 1"),
    ("demo -n abc", 2, "'abc' is not a whole number"),
    ("demo -n 1.5", 2, "'1.5' is not a whole number"),
    ("demo -n 1e15", 2, "-n 1000000000000000 needs about"),
    ("demo --repeat 0", 2, "--repeat: '0' must be >= 1"),
    ("demo --repeat nan", 2, "'nan' is not a whole number"),
    ("bench --quick -d int8", 2, "unknown value 'int8'"),
    ("bench -n abc", 2, "'abc' is not a whole number"),
    ("bench -n 1000,0", 2, "'0' must be >= 1"),
    ("bench -n ,", 2, "',' lists nothing"),
    ("bench -n 1e15", 2, "n = 1000000000000000 needs about"),
    ("bench -f swishy", 2, "unknown value 'swishy'"),
    ("bench --ops grad", 2, "unknown value 'grad'"),
    ("bench --quick --levels avx9", 2, "SIMD level 'avx9'"),
    ("bench --peers foo", 2, "unknown value 'foo'"),
    ("bench -t 0", 2, "--threads: '0' must be >= 1"),
    ("bench --rounds -3", 2, "'-3' must be >= 1"),
    ("bench --target 0", 2, "'0' must be > 0"),
    ("bench --target nan", 2, "'nan' is not a finite number"),
    ("bench --quick --json {d}/no/such/dir/x.json", 2, "/no/such/dir' does not exist"),
    ("bench --quick --json {d}", 2, "is a directory"),
    ("bench --quick --plot {d}/x.txt", 2, "extension '.txt'"),
    ("plot -o {d}/x.txt", 2, "extension '.txt'"),
    ("plot -o {d}/x", 2, "no extension"),
    ("plot -o {d}/no/such/dir/a.png", 2, "/no/such/dir' does not exist"),
    ("plot -o {d}/adir.png", 2, "is a directory"),
    ("plot --dpi 0", 2, "'0' must be >= 1"),
    ("plot --dpi 100000", 2, "'100000' must be <= 1000"),
    ("plot --dpi abc", 2, "'abc' is not a whole number"),
    ("eval {d}/z.npy --fn tanh -o {d}/o.npy --chunk-mb abc", 2, "'abc' is not a number"),
    ("eval {d}/z.npy --fn tanh -o {d}/o.npy --chunk-mb inf", 2, "'inf' is not a finite"),
    ("eval {d}/z.npy --fn tanh -o {d}/o.npy --chunk-mb nan", 2, "'nan' is not a finite"),
    ("eval {d}/z.npy --fn tanh -o {d}/o.npy --chunk-mb 0", 2, "'0' must be > 0"),
    ("eval {d}/z.npy --fn tanh -o {d}/o.npy --chunk-mb -1", 2, "'-1' must be > 0"),
    ("eval {d}/z.npy --fn tanh -o {d}/o.npy --chunk-mb 1e30", 2, "'1e30' must be <="),
    ("eval {d}/z.npy --fn tanh -o {d}/o.npy --dtype int8", 2, "invalid choice: 'int8'"),
    ("eval {d}/z.npy --fn leaky_relu -o {d}/o.npy --alpha nan", 2, "'nan' is not a finite"),
    ("eval {d}/z.npy --fn leaky_relu -o {d}/o.npy --alpha 1e400", 2, "'1e400' is not a fin"),
    ("eval {d}/z.npy --fn relu --derivative -o {d}/o.npy --at-zero x", 2, "'x' is not a num"),
    ("eval {d}/z.npy --fn tanh", 2, "required: -o/--output"),
    ("eval {d}/z.npy --fn tanh -o {d}/o.npy --derivative --and-derivative", 2,
     "not allowed with argument"),
    ("accuracy {tiny} --backend gpu", 2, "unknown value 'gpu'"),
    ("accuracy {tiny} --dtype int8", 2, "unknown value 'int8'"),
    ("accuracy {tiny} --functions swishy", 2, "unknown value 'swishy'"),
    ("accuracy {tiny} --groups q", 2, "unknown value 'q'"),
    ("accuracy {tiny} --sample -1", 2, "'-1' must be >= 0"),
    ("accuracy {tiny} --sample abc", 2, "'abc' is not a whole number"),
    ("accuracy {tiny} --jobs 0", 2, "--jobs: '0' must be >= 1"),
    ("accuracy {tiny} --chunk 0", 2, "--chunk: '0' must be >= 1"),
    ("accuracy {tiny} --chunk 1e13", 2, "--chunk 10000000000000 needs about"),
    ("accuracy {tiny} --f64-points 0", 2, "'0' must be >= 1"),
    ("accuracy {tiny} --cross-check -1", 2, "'-1' must be >= 0"),
    ("accuracy {tiny} --seed -1", 2, "'-1' must be >= 0"),
    ("accuracy {tiny} --markdown {d}/no/such/dir/x.md", 2, "does not exist"),
    ("accuracy {tiny} --json {d}", 2, "is a directory"),
    ("nosuch", 2, "invalid choice: 'nosuch'"),
]

# Errors found once the input files are read or the function is called.
RUNTIME = [
    ("eval {d}/ld.npy --fn tanh -o {d}/o.npy", 1, "ld.npy' has dtype float128 (long double)"),
    ("eval {d}/missing.npy --fn tanh -o {d}/o.npy", 1, "not found: '{d}/missing.npy'"),
    ("eval {d} --fn tanh -o {d}/o.npy", 1, "is a directory"),
    ("eval {d}/fifo.npy --fn tanh -o {d}/o.npy", 1, "fifo.npy' is not a regular file"),
    ("eval /dev/null --fn tanh -o {d}/o.npy", 1, "'/dev/null' is not a regular file"),
    ("eval {d}/text.npy --fn tanh -o {d}/o.npy", 1, "text.npy' is not a valid .npy"),
    ("eval {d}/z.npy --fn swishy -o {d}/o.npy", 1, "unknown function 'swishy'"),
    ("eval {d}/z.npy --fn sigmoid --alpha 0.1 -o {d}/o.npy", 1, "sigmoid has no parameter alpha"),
    ("eval {d}/z.npy --fn leaky_relu_derivative_from_a --alpha -1 -o {d}/o.npy", 1,
     "alpha > 0"),
    ("eval {d}/z.npy --fn tanh --at-zero 1 -o {d}/o.npy", 1, "tanh has no parameter at_zero"),
    ("eval {d}/z.npy --fn tanh -o {d}/o.txt", 1, "'{d}/o.txt' must end in .npy or .npz"),
    ("eval {d}/z.npy --fn tanh -o {d}/no/such/dir/o.npy", 1, "/no/such/dir' does not exist"),
    ("eval {d}/z.npy --fn tanh --backward {d}/missing.npy -o {d}/o.npy", 1,
     "gradient file not found"),
    ("eval {d}/z.npy --fn tanh --backward {d}/g5.npy -o {d}/o.npy", 1,
     "has shape (5,), input has (100,)"),
    ("eval {d}/z.npy --fn tanh -o {d}/z.npy", 1, "exists (use --force"),
]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli")
    np.save(d / "z.npy", np.linspace(-3, 3, 100))
    np.save(d / "g5.npy", np.ones(5))
    np.save(d / "ld.npy", np.ones(3, np.longdouble))
    (d / "text.npy").write_text("not a .npy file\n")
    (d / "adir.png").mkdir()
    os.mkfifo(d / "fifo.npy")
    return d


def _snapshot(d):
    return {p: os.stat(os.path.join(d, p)).st_mtime_ns for p in os.listdir(d)}


def _cli(argv, env=ENV, prefix=(sys.executable, "-m", "fastact")):
    return subprocess.run([*prefix, *argv], capture_output=True, text=True, env=env,
                          timeout=60, stdin=subprocess.DEVNULL)


def _assert_one_line_error(res, status, needle):
    err = res.stderr
    assert "Traceback" not in err, err
    assert res.returncode == status, (res.returncode, err)
    assert len(err.strip().splitlines()) == 1, err
    assert "error: " in err and needle in err, err


def _check(scratch, argv, status, needle, env=ENV):
    d = str(scratch)
    if "long double" in needle and np.dtype(np.longdouble).itemsize != 16:
        pytest.skip("long double is not float128 here")
    before = _snapshot(d)
    res = _cli(argv.format(d=d, tiny=TINY).split(), env)
    _assert_one_line_error(res, status, needle.format(d=d))
    assert _snapshot(d) == before  # nothing written, nothing left behind


@pytest.mark.skipif(os.name != "posix", reason="uses a FIFO and /dev/null")
@pytest.mark.parametrize("argv,status,needle", USAGE, ids=[u[0] for u in USAGE])
def test_usage_error(scratch, argv, status, needle):
    if "-o " in argv.split("{d}")[0] or "--plot" in argv:
        # the image path is checked against the formats matplotlib writes
        pytest.importorskip("matplotlib")
    _check(scratch, argv, status, needle)


@pytest.mark.skipif(os.name != "posix", reason="uses a FIFO and /dev/null")
@pytest.mark.parametrize("argv,status,needle", RUNTIME, ids=[r[0] for r in RUNTIME])
def test_runtime_error(fa, scratch, argv, status, needle):
    env = dict(ENV, **({"FASTACT_NO_EXTENSIONS": "1"} if fa.BACKEND == "python" else {}))
    _check(scratch, argv, status, needle, env)


_NO_MPMATH = textwrap.dedent("""
    import sys
    sys.modules["mpmath"] = None  # import mpmath -> ImportError, as when it is not installed
    from fastact.__main__ import main
    sys.exit(main(["accuracy", *sys.argv[1:]]))
""")
_SMALL = ["--backend", "python", "--dtype", "float16", "--sample", "64", "--quiet"]


def test_accuracy_without_mpmath(tmp_path):
    res = _cli([*_SMALL, "--functions", "sigmoid", "--json", str(tmp_path / "a.json")],
               prefix=(sys.executable, "-c", _NO_MPMATH))
    _assert_one_line_error(res, 1, "mpmath is not installed")
    assert not (tmp_path / "a.json").exists()
    # relu's and leaky_relu's references are exact selects: no mpmath needed
    res = _cli([*_SMALL, "--functions", "relu,leaky_relu"],
               prefix=(sys.executable, "-c", _NO_MPMATH))
    assert res.returncode == 0 and "Traceback" not in res.stderr, res.stderr
    assert "relu" in res.stdout


def test_accuracy_backend_both_is_offered_and_runs_both(c_module):
    assert "c, python or both" in " ".join(_cli(["accuracy", "--help"]).stdout.split())
    res = _cli(["accuracy", "--backend", "both", "--functions", "relu", "--dtype", "float16",
                "--sample", "64", "--cross-check", "0", "--quiet"])
    assert res.returncode == 0, res.stderr
    headings = [line for line in res.stdout.splitlines() if line.startswith("## ")]
    assert headings == [f"## c / {c_module.get_level()} - float16", "## python - float16"]


def test_accuracy_exhaustive_is_announced_up_front(tmp_path):
    """The default sweeps every float32 bit pattern: say so before starting (the
    run is stopped right after the announcement)."""
    proc = subprocess.Popen([sys.executable, "-m", "fastact", "accuracy", "--backend",
                             "python", "--functions", "relu", "--dtype", "float32",
                             "--cross-check", "0"], stderr=subprocess.PIPE, text=True,
                            env=ENV, stdout=subprocess.DEVNULL)
    first = proc.stderr.readline()
    proc.kill()
    proc.communicate(timeout=60)
    assert "exhaustive float32" in first and "--sample N" in first, first
    help_text = _cli(["accuracy", "--help"]).stdout
    assert "2^32" in " ".join(help_text.split())


@pytest.mark.parametrize("exc,status,needle", [
    (FileNotFoundError(2, "No such file or directory", "x.json"), 1,
     "No such file or directory: 'x.json'"),
    (ValueError("bad value 'q'"), 1, "bad value 'q'"),
    (MemoryError(), 1, "not enough memory (try smaller sizes)"),
    (KeyboardInterrupt(), 130, "interrupted"),
])
def test_main_turns_the_remaining_expected_errors_into_one_line(monkeypatch, capsys, exc,
                                                                  status, needle):
    from fastact._cli import demo as _cli_demo
    from fastact.__main__ import main

    def run(args):
        raise exc
    monkeypatch.setattr(_cli_demo, "_run", run)
    assert main(["demo"]) == status
    err = capsys.readouterr().err
    assert err.splitlines() == [f"fastact demo: error: {needle}"]


def test_main_lets_a_bug_keep_its_traceback(monkeypatch):
    from fastact._cli import demo as _cli_demo
    from fastact.__main__ import main

    def run(args):
        raise AttributeError("a bug")
    monkeypatch.setattr(_cli_demo, "_run", run)
    with pytest.raises(AttributeError, match="a bug"):
        main(["demo"])


def test_accuracy_progress_shows_at_once_and_the_time_left(monkeypatch, capsys):
    from fastact._accuracy import run as _accuracy_run

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    clock = iter([100.0, 100.0, 130.0])  # start, first draw, after half the work
    monkeypatch.setattr(_accuracy_run.time, "monotonic", lambda: next(clock))
    progress = _accuracy_run.Progress(1000)
    progress.advance(0, "sigmoid (z)")
    assert "0.0%  sigmoid (z)" in capsys.readouterr().err  # before the first block ends
    progress.advance(500, "sigmoid (z)")
    err = capsys.readouterr().err
    assert "50.0%" in err and "30 s, 30 s left" in err
