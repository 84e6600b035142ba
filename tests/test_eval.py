"""`python -m fastact eval` and fastact.evaluate_file: values against the
float64 reference on both backends, .npy/.npz outputs, bounded memory, and
clear one-line errors that leave nothing half-written."""
from __future__ import annotations

import errno
import os
import signal
import struct
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from _ecosystem_reference import expected, grid, tolerance
from fastact._tools import eval as _eval
from fastact.__main__ import main


@pytest.fixture
def use_backend(fa, monkeypatch):
    """evaluate_file calls the public functions of `fastact`: point them at
    the backend under test."""
    import fastact
    for name in dir(fa):
        if not name.startswith("_") and hasattr(fastact, name) and callable(getattr(fa, name)):
            monkeypatch.setattr(fastact, name, getattr(fa, name))
    return fa


def run_cli(*argv):
    code = main(["eval", *map(str, argv)])
    return code


def listing(path):
    return sorted(os.listdir(path))


@pytest.mark.parametrize("fn,flags,names,op", [
    ("sigmoid", [], ["a"], "value"),
    ("tanh", ["--derivative"], ["derivative"], "derivative"),
    ("tanh", ["--and-derivative"], ["a", "derivative"], "and_derivative"),
    ("relu", ["--and-derivative"], ["a", "derivative"], "and_derivative"),
    ("sigmoid_derivative_from_a", [], ["derivative"], "derivative_from_a"),
])
def test_values_npz(tmp_path, use_backend, fn, flags, names, op):
    z = grid(10_001).reshape(73, 137)
    np.save(tmp_path / "z.npy", z)
    src = z
    if op == "derivative_from_a":
        src = expected("sigmoid", "value", z, None)
        np.save(tmp_path / "z.npy", src)
    assert run_cli(tmp_path / "z.npy", "--fn", fn, *flags, "-o", tmp_path / "out.npz",
                   "--chunk-mb", "0.05") == 0
    act = fn.split("_derivative")[0]
    want = expected(act, op, z, None)
    wants = want if isinstance(want, tuple) else (want,)
    with np.load(tmp_path / "out.npz") as f:
        assert sorted(f.files) == sorted(names)
        for name, w in zip(names, wants):
            assert f[name].shape == z.shape
            np.testing.assert_allclose(f[name], w, **tolerance(op))
    assert listing(tmp_path) == ["out.npz", "z.npy"]  # no temporaries left


def test_backward_alpha_at_zero_npy(tmp_path, use_backend):
    z = grid(5001)
    grad = np.cos(z)
    np.save(tmp_path / "z.npy", z)
    np.save(tmp_path / "g.npy", grad)
    out = tmp_path / "back.npy"
    assert run_cli(tmp_path / "z.npy", "--fn", "leaky_relu", "--backward", tmp_path / "g.npy",
                   "--alpha", "0.2", "--at-zero", "0.5", "-o", out, "--chunk-mb", "0.01") == 0
    kink = np.where(z > 0, 1.0, np.where(z < 0, 0.2, 0.5))
    np.testing.assert_allclose(np.load(out), grad * kink, rtol=1e-15)


def test_dtype_fortran_and_integer_input(tmp_path, use_backend):
    z = np.asfortranarray(grid(6000).reshape(60, 100))
    np.save(tmp_path / "z.npy", z)
    assert run_cli(tmp_path / "z.npy", "--fn", "tanh", "--dtype", "float32", "-o",
                   tmp_path / "t.npy", "--chunk-mb", "0.01") == 0
    t = np.load(tmp_path / "t.npy")
    assert t.dtype == np.float32 and t.flags.f_contiguous
    np.testing.assert_allclose(t, np.tanh(z), rtol=2e-6, atol=1e-37)
    ints = np.arange(-500, 500, dtype=np.int16)
    np.save(tmp_path / "i.npy", ints)
    assert run_cli(tmp_path / "i.npy", "--fn", "sigmoid", "--derivative", "-o",
                   tmp_path / "i_out.npy") == 0
    got = np.load(tmp_path / "i_out.npy")
    assert got.dtype == np.float64  # fastact's rule: integers give float64
    np.testing.assert_allclose(got, expected("sigmoid", "derivative", ints, None), rtol=1e-13,
                               atol=1e-300)


def test_api_returns_path_and_reports_progress(tmp_path, use_backend):
    z = grid(10_000)
    np.save(tmp_path / "z.npy", z)
    seen = []
    out = _eval.evaluate_file(tmp_path / "z.npy", tmp_path / "a.npy", "relu",
                              chunk_bytes=40_000, progress=lambda d, t: seen.append((d, t)))
    assert out == str(tmp_path / "a.npy")
    assert seen[0] == (0, 10_000) and seen[-1] == (10_000, 10_000) and len(seen) > 3
    np.testing.assert_array_equal(np.load(out), np.maximum(z, 0))


def _error(capsys, *argv):
    code = run_cli(*argv)
    err = capsys.readouterr().err
    assert code != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("fastact eval: error: "), err
    assert "Traceback" not in err
    return lines[0]


def test_errors_are_one_line_and_write_nothing(tmp_path, capsys):
    np.save(tmp_path / "z.npy", grid(100))
    np.save(tmp_path / "c.npy", np.ones(10, complex))
    np.save(tmp_path / "o.npy", np.array([1, None], dtype=object), allow_pickle=True)
    (tmp_path / "bad.npy").write_bytes(b"\x93NUMPY garbage")
    np.save(tmp_path / "short.npy", np.ones(1000))
    with open(tmp_path / "short.npy", "r+b") as f:
        f.truncate(500)
    (tmp_path / "exists.npy").write_bytes(b"keep me")
    before = listing(tmp_path)
    out = tmp_path / "out.npy"
    assert "not found" in _error(capsys, tmp_path / "missing.npy", "--fn", "tanh", "-o", out)
    assert "not a valid .npy" in _error(capsys, tmp_path / "bad.npy", "--fn", "tanh", "-o", out)
    assert "truncated" in _error(capsys, tmp_path / "short.npy", "--fn", "tanh", "-o", out)
    assert "complex128" in _error(capsys, tmp_path / "c.npy", "--fn", "tanh", "-o", out)
    assert "object" in _error(capsys, tmp_path / "o.npy", "--fn", "tanh", "-o", out)
    assert "unknown function 'swishy'" in _error(capsys, tmp_path / "z.npy", "--fn", "swishy",
                                               "-o", out)
    assert "--force" in _error(capsys, tmp_path / "z.npy", "--fn", "tanh", "-o",
                               tmp_path / "exists.npy")
    assert ".npz" in _error(capsys, tmp_path / "z.npy", "--fn", "tanh", "--and-derivative",
                            "-o", out)
    assert "alpha > 0" in _error(capsys, tmp_path / "z.npy", "--fn",
                                 "leaky_relu_derivative_from_a", "--alpha", "-1", "-o", out)
    assert listing(tmp_path) == before
    assert (tmp_path / "exists.npy").read_bytes() == b"keep me"
    # --force replaces it, atomically
    assert run_cli(tmp_path / "z.npy", "--fn", "tanh", "-o", tmp_path / "exists.npy",
                   "--force") == 0
    np.testing.assert_allclose(np.load(tmp_path / "exists.npy"), np.tanh(grid(100)),
                               rtol=1e-13, atol=1e-300)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="needs POSIX permissions and a non-root user")
def test_permission_denied(tmp_path, capsys):
    np.save(tmp_path / "z.npy", grid(100))
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        assert "permission denied" in _error(capsys, tmp_path / "z.npy", "--fn", "tanh", "-o",
                                             locked / "out.npy")
        assert listing(locked) == []
    finally:
        locked.chmod(0o700)


def test_permission_denied_simulated(tmp_path, capsys, monkeypatch):
    """(Runs as root too.)  mkstemp failing with EACCES: one line, no leftovers."""
    np.save(tmp_path / "z.npy", grid(100))

    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / "x.tmp"))
    monkeypatch.setattr(_eval.tempfile, "mkstemp", denied)
    assert "permission denied" in _error(capsys, tmp_path / "z.npy", "--fn", "tanh", "-o",
                                         tmp_path / "out.npy")
    assert listing(tmp_path) == ["z.npy"]


@pytest.mark.parametrize("where", ["reserve", "zip"])
def test_disk_full_leaves_nothing(tmp_path, capsys, monkeypatch, where):
    np.save(tmp_path / "z.npy", grid(1000))

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")
    if where == "reserve":
        monkeypatch.setattr(_eval, "_reserve", full)
    else:
        monkeypatch.setattr(_eval.zipfile.ZipFile, "write", full)
    assert "no space left" in _error(capsys, tmp_path / "z.npy", "--fn", "tanh",
                                     "--and-derivative", "-o", tmp_path / "out.npz")
    assert listing(tmp_path) == ["z.npy"]


def test_peak_memory_stays_bounded(tmp_path):
    """A 64 MiB input with a 2 MiB chunk budget: the peak RSS of the whole run
    exceeds that of a tiny run by far less than the input (the 4 GiB / 64 MiB
    version of this is in the README: 74 MB peak)."""
    n = 8 << 20  # 8 Mi float64 = 64 MiB
    big = np.lib.format.open_memmap(tmp_path / "big.npy", mode="w+", dtype=np.float64,
                                    shape=(n,))
    big[:] = np.linspace(-8, 8, n)
    big.flush()
    del big
    np.save(tmp_path / "tiny.npy", np.ones(10))
    probe = textwrap.dedent("""
        import resource, subprocess, sys
        subprocess.run([sys.executable, "-m", "fastact", "eval", *sys.argv[1:]], check=True)
        print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    """)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))

    def peak_kb(*argv):
        res = subprocess.run([sys.executable, "-c", probe, *map(str, argv)], env=env,
                             capture_output=True, text=True, timeout=60, check=True)
        return int(res.stdout.split()[-1])
    base = peak_kb(tmp_path / "tiny.npy", "--fn", "tanh", "--and-derivative",
                   "-o", tmp_path / "tiny.npz", "--chunk-mb", "2")
    peak = peak_kb(tmp_path / "big.npy", "--fn", "tanh", "--and-derivative",
                   "-o", tmp_path / "big.npz", "--chunk-mb", "2")
    grown_mb = (peak - base) / 1024
    print(f"\npeak RSS {peak / 1024:.1f} MB for 64 MiB in, {base / 1024:.1f} MB for 80 bytes in")
    assert grown_mb < 16, f"peak RSS grew by {grown_mb:.1f} MB for a 64 MiB input"
    with np.load(tmp_path / "big.npz") as f:
        d = f["derivative"]
    z = np.linspace(-8, 8, n)
    np.testing.assert_allclose(d[::997], expected("tanh", "derivative", z[::997], None),
                               rtol=1e-13, atol=1e-300)


@pytest.mark.parametrize("tty,quiet,tqdm_installed", [
    (False, False, True), (True, True, True), (True, False, False), (True, False, True)])
def test_progress_bar_only_on_a_terminal(tmp_path, capsys, monkeypatch, tty, quiet,
                                         tqdm_installed):
    np.save(tmp_path / "z.npy", grid(50_000))
    monkeypatch.setattr(sys.stderr, "isatty", lambda: tty)
    if not tqdm_installed:
        monkeypatch.setitem(sys.modules, "tqdm", None)  # import tqdm -> ImportError
    elif tty and not quiet:
        pytest.importorskip("tqdm")
    argv = [tmp_path / "z.npy", "--fn", "sigmoid", "-o", tmp_path / "a.npy", "--chunk-mb", "0.1"]
    assert run_cli(*argv, *(["--quiet"] if quiet else [])) == 0
    err = capsys.readouterr().err
    if not tty or quiet:
        assert err == ""
    elif tqdm_installed:
        assert "fastact eval" in err and "100%" in err
    else:
        assert "[" + "#" * 25 + "] 100%" in err
    np.testing.assert_allclose(np.load(tmp_path / "a.npy"),
                               expected("sigmoid", "value", grid(50_000), None), rtol=1e-13)


# ---------------------------------------------------------------- untrusted headers

def npy_bytes(header, version=(1, 0), length_format="<H", data=b""):
    """A .npy file written byte by byte: magic, version, header length in
    `length_format`, the header text padded as NumPy pads it, then `data`."""
    text = header if isinstance(header, str) else repr(header)
    prefix = 8 + struct.calcsize(length_format)
    pad = -(prefix + len(text) + 1) % 64
    body = (text + " " * pad + "\n").encode("latin1")
    return (b"\x93NUMPY" + bytes(version) + struct.pack(length_format, len(body)) + body
            + data)


def _header(shape, descr="<f8", fortran=False):
    return {"descr": descr, "fortran_order": fortran, "shape": shape}


BAD_HEADERS = [
    # (id, file bytes, what the message must say)
    ("count-overflows-int64", npy_bytes(_header((3, 6148914691236517206))), "too large"),
    ("negative-dim", npy_bytes(_header((-1,))), "negative dimension"),
    ("negative-dims-positive-product", npy_bytes(_header((-2, -2)), data=bytes(32)),
     "negative dimension"),
    ("dim-2**70", npy_bytes(_header((2**70,))), "too large"),
    ("empty-but-too-large", npy_bytes(_header((0, 2**62, 4))), "too large"),
    ("65-dims", npy_bytes(_header((1,) * 65), data=bytes(8)), "65 dimensions"),
    ("version-4.0", npy_bytes(_header((1,)), version=(4, 0), length_format="<I",
                              data=bytes(8)), "unknown format version 4.0"),
    ("version-1.5", npy_bytes(_header((1,)), version=(1, 5), data=bytes(8)),
     "unknown format version 1.5"),
    ("bool-dim", npy_bytes(_header((True,)), data=bytes(8)), "not a tuple of integers"),
    ("float-dim", npy_bytes(_header((2.0,)), data=bytes(16)), "not a tuple of integers"),
    ("shape-list", npy_bytes(_header([2]), data=bytes(16)), "not a tuple of integers"),
    ("fortran-not-bool", npy_bytes({"descr": "<f8", "fortran_order": 0, "shape": (1,)},
                                   data=bytes(8)), "fortran_order"),
    ("extra-key", npy_bytes({**_header((1,)), "x": 1}, data=bytes(8)), "dict of descr"),
    ("not-a-dict", npy_bytes("[1, 2]"), "dict of descr"),
    ("code", npy_bytes("__import__('os').system('true')"), "not a Python literal"),
    ("bad-descr", npy_bytes(_header((1,), descr="<q9")), "not a dtype"),
    ("structured", npy_bytes(_header((1,), descr=[("a", "<f8")]), data=bytes(8)),
     "structured"),
    ("datetime", npy_bytes(_header((1,), descr="<M8[s]"), data=bytes(8)), "datetime64"),
    ("header-length-past-end", npy_bytes(_header((1,)))[:20], "ends inside the header"),
    ("huge-header", npy_bytes(repr(_header((1,))) + " " * 20_000, version=(2, 0),
                              length_format="<I"), "more than the 10000"),
    ("no-magic", b"\x93NUMPX\x01\x00", "magic"),
    ("empty-file", b"", "magic"),
    ("trailing-bytes", npy_bytes(_header((2,)), data=bytes(24)), "8 bytes after"),
    ("truncated", npy_bytes(_header((3,)), data=bytes(16)), "truncated"),
]


@pytest.mark.parametrize("raw,needle", [b[1:] for b in BAD_HEADERS],
                         ids=[b[0] for b in BAD_HEADERS])
def test_untrusted_header_is_one_line_and_writes_nothing(tmp_path, capsys, raw, needle):
    (tmp_path / "in.npy").write_bytes(raw)
    line = _error(capsys, tmp_path / "in.npy", "--fn", "tanh", "-o", tmp_path / "out.npy")
    assert needle in line
    assert listing(tmp_path) == ["in.npy"]  # no output, no temporary file


@pytest.mark.parametrize("version,length_format", [((1, 0), "<H"), ((2, 0), "<I"),
                                                     ((3, 0), "<I")])
def test_hand_written_headers_of_every_version_are_read(tmp_path, use_backend, version,
                                                        length_format):
    z = np.linspace(-4, 4, 12).reshape(3, 4)
    big_endian = z.astype(">f8")
    (tmp_path / "in.npy").write_bytes(npy_bytes(_header((3, 4), descr=">f8"), version,
                                                length_format, big_endian.tobytes()))
    assert run_cli(tmp_path / "in.npy", "--fn", "tanh", "-o", tmp_path / "out.npy") == 0
    np.testing.assert_allclose(np.load(tmp_path / "out.npy"), np.tanh(z), rtol=1e-13)


def test_long_double_input_says_how_to_convert(tmp_path, capsys, use_backend):
    z = np.linspace(-3, 3, 50)
    np.save(tmp_path / "ld.npy", z.astype(np.longdouble))
    if np.dtype(np.longdouble).itemsize <= 8:
        pytest.skip("long double is float64 here")
    line = _error(capsys, tmp_path / "ld.npy", "--fn", "sigmoid", "-o", tmp_path / "a.npy")
    assert "long double" in line and "--dtype float64" in line
    assert "expected real floating" not in line  # no self-contradicting dtype error
    assert listing(tmp_path) == ["ld.npy"]
    assert run_cli(tmp_path / "ld.npy", "--fn", "sigmoid", "--dtype", "float64", "-o",
                   tmp_path / "a.npy") == 0
    np.testing.assert_allclose(np.load(tmp_path / "a.npy"), 1 / (1 + np.exp(-z)), rtol=1e-13)


# ---------------------------------------------------------------- the output path

def test_dangling_symlink_at_the_output_is_not_replaced_without_force(tmp_path, capsys):
    np.save(tmp_path / "z.npy", grid(100))
    link = tmp_path / "out.npy"
    os.symlink(tmp_path / "nowhere.npy", link)
    assert "--force" in _error(capsys, tmp_path / "z.npy", "--fn", "tanh", "-o", link)
    assert os.readlink(link) == str(tmp_path / "nowhere.npy")
    assert listing(tmp_path) == ["out.npy", "z.npy"]
    assert run_cli(tmp_path / "z.npy", "--fn", "tanh", "-o", link, "--force") == 0
    assert not link.is_symlink()
    np.testing.assert_allclose(np.load(link), np.tanh(grid(100)), rtol=1e-13, atol=1e-300)


def test_output_that_is_a_directory(tmp_path, capsys):
    np.save(tmp_path / "z.npy", grid(100))
    (tmp_path / "d.npy").mkdir()
    assert "is a directory" in _error(capsys, tmp_path / "z.npy", "--fn", "tanh", "-o",
                                      tmp_path / "d.npy", "--force")
    assert listing(tmp_path) == ["d.npy", "z.npy"] and listing(tmp_path / "d.npy") == []


# ---------------------------------------------------------------- signals, SIGKILL, shrinking

# The real CLI in a subprocess, with the progress callback (called after each
# chunk) replaced by a hook: after the first chunk it says so on stdout and
# waits, so a signal arrives mid-run deterministically, or it truncates the input.
_HOOKED_CLI = textwrap.dedent("""
    import os, sys, time
    from fastact._cli import eval as _cli_eval
    from fastact.__main__ import main
    action, argv = sys.argv[1], sys.argv[2:]

    class Hook:
        chunks = 0
        def __call__(self, done, total):
            if done == 0:
                return
            Hook.chunks += 1
            if Hook.chunks == 1 and action == "shrink":
                os.truncate(argv[0], 1000)
            elif Hook.chunks == 1:
                print("mid-run", flush=True)
                time.sleep(120)
        def close(self):
            pass

    _cli_eval._Progress = Hook
    sys.stderr.isatty = lambda: True
    sys.exit(main(["eval", *argv]))
""")
_ENV = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))


def _big_input(tmp_path, n=1 << 17):
    z = np.linspace(-8, 8, n)
    np.save(tmp_path / "z.npy", z)
    return z


def _default_sigint():
    # A suite started in the background by a non-interactive shell inherits SIGINT
    # ignored, and a Python started so never raises KeyboardInterrupt: the child
    # gets the default disposition, as an interactive user's process has.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start_hooked(action, *argv):
    proc = subprocess.Popen([sys.executable, "-c", _HOOKED_CLI, action, *map(str, argv)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=_ENV, preexec_fn=_default_sigint if os.name == "posix" else None)
    if action != "shrink":
        assert proc.stdout.readline() == "mid-run\n", proc.communicate()[1]
    return proc


def _temps(path):
    return [n for n in listing(path) if n.startswith(".fastact-") and n.endswith(".tmp")]


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
@pytest.mark.parametrize("signame", ["SIGTERM", "SIGHUP", "SIGINT"])
def test_signal_mid_run_cleans_up_and_exits_128_plus_n(tmp_path, signame):
    _big_input(tmp_path)
    proc = _start_hooked("wait", tmp_path / "z.npy", "--fn", "tanh", "--and-derivative",
                         "-o", tmp_path / "out.npz", "--chunk-mb", "0.05")
    temps = _temps(tmp_path)
    assert len(temps) == 2 and all(os.path.getsize(tmp_path / t) > 8 << 17 for t in temps)
    signum = getattr(signal, signame)
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signum, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert "nothing was written" in err
    assert listing(tmp_path) == ["z.npy"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
def test_sigkill_then_next_run_removes_only_its_own_dead_temporaries(tmp_path):
    z = _big_input(tmp_path)
    out = tmp_path / "out.npy"
    proc = _start_hooked("wait", tmp_path / "z.npy", "--fn", "sigmoid", "-o", out,
                         "--chunk-mb", "0.05")
    proc.kill()
    proc.communicate(timeout=60)
    (left,) = _temps(tmp_path)  # SIGKILL: nothing could clean up
    assert os.path.getsize(tmp_path / left) > 8 << 17  # full-size
    assert "out.npy" in left and f"-{proc.pid}." in left  # recognisable: target and writer
    # a live writer's file for the same target (this pytest process) and a dead
    # writer's file for another target: neither is this run's to remove
    live = _eval._temp_prefix(str(out)) + _eval._writer_tag() + ".abcdefgh.npy.tmp"
    other = left.replace(_eval._temp_prefix(str(out)), _eval._temp_prefix("other.npy"))
    for name in (live, other):
        (tmp_path / name).write_bytes(b"x")
    res = subprocess.run([sys.executable, "-m", "fastact", "eval", str(tmp_path / "z.npy"),
                          "--fn", "sigmoid", "-o", str(out)], capture_output=True, text=True,
                         env=_ENV, timeout=60)
    assert res.returncode == 0, res.stderr
    assert sorted(_temps(tmp_path)) == sorted([live, other])
    np.testing.assert_allclose(np.load(out), expected("sigmoid", "value", z, None), rtol=1e-13)


def test_input_that_shrinks_mid_run_is_a_one_line_error(tmp_path):
    _big_input(tmp_path)
    proc = _start_hooked("shrink", tmp_path / "z.npy", "--fn", "tanh", "-o",
                         tmp_path / "out.npy", "--chunk-mb", "0.05")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert "shrank" in err
    assert listing(tmp_path) == ["z.npy"]
