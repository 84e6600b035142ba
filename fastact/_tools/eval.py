"""`fastact.evaluate_file`: one public function over a .npy file of any size.

The input is read one chunk at a time into buffers allocated once (so the
resident set stays near the chunk budget however large the file; plain reads,
not memory maps, so an input that shrinks mid-run is a short read and an
error, not a SIGBUS), and the results are written into a temporary file in the
target directory that is renamed over the target only when it is complete: a
failure never leaves a half-written output.  The output's space is reserved up
front (posix_fallocate), so a full disk is an error before anything is
computed.  Temporary files are named for their target and their writer
(.fastact-TARGET-HASH.HOST-PID.*.tmp), so a run removes those of earlier runs
for the same target that were killed (SIGKILL) before they could clean up.
"""
from __future__ import annotations

import ast
import concurrent.futures
import contextlib
import errno
import hashlib
import io
import math
import os
import re
import socket
import stat
import struct
import tempfile
import zipfile
from dataclasses import dataclass
from typing import Any, BinaryIO, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

from fastact import _catalogue

PathLike = Union[str, "os.PathLike[str]"]
Progress = Callable[[int, int], None]  # (elements done, elements total)

DEFAULT_CHUNK_BYTES = 64 << 20
DTYPES = ("float16", "float32", "float64")
OPS = ("value", "derivative", "and_derivative", "backward",
       "derivative_from_a", "backward_from_a")
# Names of the arrays in an .npz output, per operation.
NPZ_NAMES: Dict[str, Tuple[str, ...]] = {
    "value": ("a",),
    "derivative": ("derivative",),
    "derivative_from_a": ("derivative",),
    "and_derivative": ("a", "derivative"),
    "backward": ("backward",),
    "backward_from_a": ("backward",),
}


class EvalError(Exception):
    """A problem with the files or arguments of evaluate_file, told in one line."""


@dataclass(frozen=True)
class NpyInfo:
    path: str
    shape: Tuple[int, ...]
    dtype: np.dtype
    fortran_order: bool
    offset: int  # where the data starts

    @property
    def size(self) -> int:
        return math.prod(self.shape)  # a Python int: never wraps

    @property
    def nbytes(self) -> int:
        return self.size * self.dtype.itemsize


# .npy format versions: (length field, encoding of the header text).
_NPY_VERSIONS = {(1, 0): ("<H", "latin1"), (2, 0): ("<I", "latin1"), (3, 0): ("<I", "utf8")}
_NPY_MAGIC = b"\x93NUMPY"
# NumPy's own limit for untrusted headers (literal_eval of a longer text can
# take unbounded time and memory); a header of 64 dims is far shorter.
_MAX_HEADER_BYTES = 10_000
_MAX_DIMS = 64
_INTP_MAX = int(np.iinfo(np.intp).max)


class _BadHeader(Exception):
    """Why a .npy header is not one fastact reads (for the caller's message)."""


def read_npy_header(path: PathLike, what: str = "input") -> NpyInfo:
    """The header of a .npy file, checked against the file's size; clear errors
    for anything that is not a complete .npy file of real numbers.  The file
    is untrusted: every field is checked, and sizes are Python ints."""
    path = os.fspath(path)
    try:
        mode = os.stat(path).st_mode
        if stat.S_ISDIR(mode):
            raise EvalError(f"{what} {path!r} is a directory, not a .npy file")
        if not stat.S_ISREG(mode):
            # A FIFO would block, a device has no size to check the header against.
            raise EvalError(f"{what} {path!r} is not a regular file")
        with open(path, "rb") as f:
            try:
                shape, fortran, dtype = _parse_header(f)
            except _BadHeader as exc:
                raise EvalError(f"{what} {path!r} is not a valid .npy file ({exc})") from None
            offset = f.tell()
            file_size = os.fstat(f.fileno()).st_size
    except FileNotFoundError:
        raise EvalError(f"{what} file not found: {path!r}") from None
    except PermissionError:
        raise EvalError(f"permission denied reading {what} {path!r}") from None
    except OSError as exc:
        raise EvalError(f"cannot read {what} {path!r}: {exc.strerror or exc}") from None
    if dtype.kind not in "biuf" or dtype.hasobject or dtype.fields is not None:
        raise EvalError(f"{what} {path!r} has dtype {dtype}: fastact needs real numbers "
                        "(floating, integer or boolean), not object, complex or structured data")
    info = NpyInfo(path, shape, dtype, fortran, offset)
    data_size = file_size - offset
    if data_size < info.nbytes:
        raise EvalError(f"{what} {path!r} is truncated: its header promises "
                        f"{info.nbytes} bytes of data, the file has {data_size}")
    if data_size > info.nbytes:
        raise EvalError(f"{what} {path!r} is not a valid .npy file: it has "
                        f"{data_size - info.nbytes} bytes after the {info.nbytes} bytes of "
                        "data its header describes")
    return info


def _parse_header(f: BinaryIO) -> Tuple[Tuple[int, ...], bool, np.dtype]:
    """(shape, fortran_order, dtype) from the start of a .npy file; _BadHeader
    for anything else."""
    magic = f.read(8)
    if len(magic) < 8 or magic[:6] != _NPY_MAGIC:
        raise _BadHeader("no .npy magic string at the start")
    version = (magic[6], magic[7])
    if version not in _NPY_VERSIONS:
        raise _BadHeader(f"unknown format version {version[0]}.{version[1]}; "
                         f"fastact reads {', '.join(f'{a}.{b}' for a, b in _NPY_VERSIONS)}")
    length_format, encoding = _NPY_VERSIONS[version]
    raw_length = f.read(struct.calcsize(length_format))
    if len(raw_length) < struct.calcsize(length_format):
        raise _BadHeader("the file ends inside the header")
    length = struct.unpack(length_format, raw_length)[0]
    if length > _MAX_HEADER_BYTES:
        raise _BadHeader(f"header of {length} bytes, more than the {_MAX_HEADER_BYTES} "
                         "fastact reads from an untrusted file")
    raw = f.read(length)
    if len(raw) < length:
        raise _BadHeader("the file ends inside the header")
    try:
        header = ast.literal_eval(raw.decode(encoding))
    except (ValueError, SyntaxError, UnicodeDecodeError, MemoryError, RecursionError):
        raise _BadHeader("the header is not a Python literal") from None
    if not isinstance(header, dict) or set(header) != {"descr", "fortran_order", "shape"}:
        raise _BadHeader("the header is not a dict of descr, fortran_order and shape")
    if not isinstance(header["fortran_order"], bool):
        raise _BadHeader(f"fortran_order {header['fortran_order']!r} is not True or False")
    return _checked_shape(header["shape"]), header["fortran_order"], \
        _checked_dtype(header["descr"], header["shape"])


def _checked_shape(shape: object) -> Tuple[int, ...]:
    if not isinstance(shape, tuple) or not all(type(n) is int for n in shape):
        raise _BadHeader(f"shape {shape!r} is not a tuple of integers")
    if len(shape) > _MAX_DIMS:
        raise _BadHeader(f"shape has {len(shape)} dimensions, more than {_MAX_DIMS}")
    if any(n < 0 for n in shape):
        raise _BadHeader(f"shape {shape} has a negative dimension")
    return shape


def _checked_dtype(descr: object, shape: Tuple[int, ...]) -> np.dtype:
    if not isinstance(descr, str):
        raise _BadHeader(f"descr {descr!r} is a structured or subarray dtype")
    try:
        dtype = np.dtype(descr)
    except (TypeError, ValueError):
        raise _BadHeader(f"descr {descr!r} is not a dtype") from None
    # NumPy's own rule (even for an empty array): the bytes the nonzero dims
    # span must fit in an index.
    if math.prod(n for n in shape if n) * max(dtype.itemsize, 1) > _INTP_MAX:
        raise _BadHeader(f"shape {shape} is too large for any array")
    return dtype


def resolve_function(fn: str, op: str) -> Tuple[_catalogue.Activation, str]:
    """(activation, operation) from an activation name and an operation, or from
    a full public name such as 'sigmoid_derivative_from_a' (op then 'value')."""
    for act in _catalogue.ACTIVATIONS:
        for candidate in _catalogue.OPS:
            if _catalogue.public_name(act, candidate) == fn and candidate != "value":
                if op != "value":
                    raise EvalError(f"{fn!r} already names an operation; drop the "
                                    f"{op.replace('_', '-')} option")
                return act, candidate
    if fn not in _catalogue.BY_NAME:
        choices = ", ".join(_catalogue.BY_NAME)
        raise EvalError(f"unknown function {fn!r}; choose from {choices} "
                        "(or a full name such as sigmoid_derivative_from_a)")
    if op not in OPS:
        raise EvalError(f"unknown operation {op!r}; choose from {', '.join(OPS)}")
    return _catalogue.BY_NAME[fn], op


def _temp_prefix(output: str) -> str:
    """What every temporary file for `output` starts with: the target's name
    (shortened to keep within NAME_MAX, a hash keeps it unique) and a dot."""
    base = os.path.basename(output)
    digest = hashlib.sha1(base.encode("utf-8", "surrogateescape")).hexdigest()[:8]
    return f".fastact-{base[:64]}-{digest}."


def _writer_tag() -> str:
    """HOST-PID of this process: who wrote a temporary file.  The host keeps a
    run on another machine sharing the directory (or in another container)
    from judging our writers by its own process table."""
    host = re.sub(r"[^A-Za-z0-9]", "", socket.gethostname())[:32] or "host"
    return f"{host}-{os.getpid()}"


def _writer_alive(tag: str) -> bool:
    """Whether the writer of a temporary file may still be running; True when
    in doubt, so a live run's files are never touched."""
    host, _, pid = tag.rpartition("-")
    if os.name != "posix" or not pid.isdigit() or host != _writer_tag().rpartition("-")[0]:
        return True  # (os.kill(pid, 0) would terminate the process on Windows)
    if int(pid) in (0, os.getpid()):
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):  # EPERM: alive, another user's
        return True
    return True


def remove_stale_temps(output: PathLike) -> List[str]:
    """Delete the temporary files that runs for `output` left when they were
    killed (SIGKILL, power loss): those whose writer is no longer running on
    this host.  Returns their paths."""
    output = os.fspath(output)
    directory = os.path.dirname(os.path.abspath(output))
    prefix = _temp_prefix(output)
    removed: List[str] = []
    try:
        names = os.listdir(directory)
    except OSError:  # a directory we may write but not list: nothing to clean
        return removed
    for name in names:
        if name.startswith(prefix) and name.endswith(".tmp") and \
                not _writer_alive(name[len(prefix):].split(".", 1)[0]):
            try:
                os.unlink(os.path.join(directory, name))
                removed.append(os.path.join(directory, name))
            except FileNotFoundError:  # a concurrent run removed it first
                pass
    return removed


def _mkstemp(output: str, suffix: str, temps: List[str]) -> Tuple[int, str]:
    """A new temporary file next to `output`, named for it and for this writer."""
    directory = os.path.dirname(os.path.abspath(output))
    fd, path = tempfile.mkstemp(dir=directory, suffix=suffix,
                                prefix=f"{_temp_prefix(output)}{_writer_tag()}.")
    temps.append(path)
    return fd, path


def _reserve(fd: int, size: int) -> None:
    """Claim the disk space now (ENOSPC here, not SIGBUS mid-write)."""
    if size > 0 and hasattr(os, "posix_fallocate"):
        try:
            os.posix_fallocate(fd, 0, size)
        except OSError as exc:
            # A file system that cannot preallocate: go on with a sparse file.
            if exc.errno not in (errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL):
                raise


def _create_npy(output: str, shape: Tuple[int, ...], dtype: np.dtype,
                fortran: bool, temps: List[str]) -> NpyInfo:
    fd, path = _mkstemp(output, ".npy.tmp", temps)
    with os.fdopen(fd, "wb") as f:
        header = {"descr": np.lib.format.dtype_to_descr(dtype), "fortran_order": fortran,
                  "shape": shape}
        np.lib.format.write_array_header_2_0(f, header) if _needs_v2(header) else \
            np.lib.format.write_array_header_1_0(f, header)
        offset = f.tell()
        f.flush()
        nbytes = math.prod(shape) * dtype.itemsize
        _reserve(f.fileno(), offset + nbytes)
        f.truncate(offset + nbytes)
    return NpyInfo(path, shape, dtype, fortran, offset)


def _needs_v2(header: Mapping[str, object]) -> bool:
    return len(repr(header)) > 65000


def _umask_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _chunk_elements(chunk_bytes: int, in_dtypes: Sequence[np.dtype],
                    out_dtype: np.dtype, nout: int) -> int:
    # Per element: the mapped inputs and outputs, plus float64-sized scratch for
    # the cast and the fallback's temporaries.
    per_element = sum(d.itemsize for d in in_dtypes) + nout * out_dtype.itemsize + 3 * 8
    count = max(1, chunk_bytes // per_element)
    return count - count % 4096 if count > 4096 else count


def _output_dtype(call: Callable[..., object], in_dtypes: Sequence[np.dtype],
                  dtype: Optional[str]) -> np.dtype:
    if dtype is not None:
        return np.dtype(dtype)
    with np.errstate(all="ignore"):
        sample = call(*(np.ones(1, d) for d in in_dtypes))
    first = sample[0] if isinstance(sample, tuple) else sample
    return np.asarray(first).dtype


def evaluate_file(input: PathLike, output: PathLike, fn: str, *, op: str = "value",
                  grad: Optional[PathLike] = None, alpha: Optional[float] = None,
                  at_zero: Optional[float] = None,
                  params: Optional[Mapping[str, Any]] = None, dtype: Optional[str] = None,
                  force: bool = False, chunk_bytes: int = DEFAULT_CHUNK_BYTES,
                  progress: Optional[Progress] = None) -> str:
    """Apply one fastact function to a .npy file, streaming, and write OUTPUT.

    fn: an activation ('sigmoid', ...) with op one of 'value', 'derivative',
    'and_derivative', 'backward' (needs grad, a .npy of the same shape),
    'derivative_from_a', 'backward_from_a'; or a full public name.
    output: .npy (one result) or .npz (named arrays: a, derivative, backward).
    dtype: compute and write in float16/float32/float64 (default: fastact's
    rule for the input dtype).  chunk_bytes bounds the memory used per chunk.
    Returns the output path.  Raises EvalError (one-line message) on bad input,
    existing output without force, permission problems or a full disk; the
    output is then untouched and no temporary file is left.
    """
    import fastact

    act, op = resolve_function(fn, op)
    name = _catalogue.public_name(act, op)
    public = getattr(fastact, name)
    nout = _catalogue.OP_NOUT[op]
    if dtype is not None and dtype not in DTYPES:
        raise EvalError(f"unsupported --dtype {dtype!r}; choose from {', '.join(DTYPES)}")
    # alpha= and at_zero= are the lesson's two; params= takes any parameter by name
    kwargs: Dict[str, Any] = dict(params or {})
    for pname, v in (("alpha", alpha), ("at_zero", at_zero)):
        if v is not None:
            kwargs[pname] = v
    takes = [p.name for p in act.signature_params(op)]
    for pname in kwargs:
        if pname not in takes:
            raise EvalError(f"{name} has no parameter {pname}"
                            + (f" (it takes {', '.join(takes)})" if takes else " (it takes none)"))

    def call(*xs: np.ndarray, out: object = None) -> object:
        try:
            return public(*xs, **kwargs, **({} if out is None else {"out": out}))
        except (TypeError, ValueError) as exc:
            raise EvalError(str(exc)) from None

    output = os.fspath(output)
    ext = os.path.splitext(output)[1].lower()
    if ext not in (".npy", ".npz"):
        raise EvalError(f"output {output!r} must end in .npy or .npz")
    if ext == ".npy" and nout == 2:
        raise EvalError(f"{name} gives two arrays (a and derivative): write an .npz output")
    if op.startswith("backward") and grad is None:
        raise EvalError(f"{name} needs the upstream gradient: --backward GRAD.npy")
    if not op.startswith("backward") and grad is not None:
        raise EvalError("a gradient file is only used with --backward")

    data = read_npy_header(input)
    inputs = [data]
    if grad is not None:
        g = read_npy_header(grad, "gradient")
        if g.shape != data.shape or (g.fortran_order != data.fortran_order and g.size > 1):
            raise EvalError(f"gradient {g.path!r} has shape {g.shape}"
                            f"{' (Fortran order)' if g.fortran_order else ''}, input has "
                            f"{data.shape}{' (Fortran order)' if data.fortran_order else ''}: "
                            "they must match")
        inputs.insert(0, g)
    _check_output(output, force)
    for x in inputs:
        _check_computable(x, dtype)

    compute_dtypes = [np.dtype(dtype) if dtype else x.dtype for x in inputs]
    out_dtype = _output_dtype(call, compute_dtypes, dtype)
    temps: List[str] = []
    try:
        remove_stale_temps(output)
        outs = [_create_npy(output, data.shape, out_dtype, data.fortran_order, temps)
                for _ in range(nout)]
        _stream(inputs, outs, call, dtype, out_dtype, chunk_bytes, progress)
        for o in outs:
            os.chmod(o.path, _umask_mode())
        if ext == ".npy":
            final = outs[0].path
        else:
            final = _zip(output, outs, NPZ_NAMES[op], temps)
        os.replace(final, output)
        temps.remove(final)
    except EvalError:
        raise
    except OSError as exc:
        raise EvalError(_os_message(exc, output)) from None
    finally:
        for t in temps:
            try:
                os.unlink(t)
            except OSError:
                pass
    return output


def _check_output(output: str, force: bool) -> None:
    # lexists: a dangling symlink is something in the way too.
    if os.path.isdir(output):
        raise EvalError(f"output {output!r} is a directory")
    if os.path.lexists(output) and not force:
        raise EvalError(f"output {output!r} exists (use --force to overwrite)")
    directory = os.path.dirname(os.path.abspath(output))
    if not os.path.isdir(directory):
        raise EvalError(f"output directory {directory!r} does not exist")


def _check_computable(info: NpyInfo, dtype: Optional[str]) -> None:
    """Long double is a real floating dtype, but none fastact computes in: say
    how to convert it rather than let the function's dtype error contradict
    the header check."""
    if dtype is None and info.dtype.kind == "f" and info.dtype.itemsize > 8:
        raise EvalError(f"{info.path!r} has dtype {info.dtype} (long double), which fastact "
                        "does not compute in; add --dtype float64 (or float32, float16) to "
                        "convert it as it is read")


def _stream(inputs: Sequence[NpyInfo], outs: Sequence[NpyInfo],
            call: Callable[..., object], dtype: Optional[str], out_dtype: np.dtype,
            chunk_bytes: int, progress: Optional[Progress]) -> None:
    """Read, compute and write one chunk at a time, with plain reads and writes
    into buffers allocated once: a file that shrinks while it is read gives a
    short read (an EvalError), where a memory map would give SIGBUS.

    While chunk k is computed (on fastact's thread pool), one I/O thread writes
    chunk k-1 and reads chunk k+1 (reads and writes release the GIL), so the
    copies to and from the page cache overlap the computation instead of adding
    to it.  Two sets of buffers, each of half the chunk budget; the I/O thread
    runs its jobs in order, which is what makes reusing them safe (see below)."""
    total = inputs[-1].size
    step = max(1, min(total, _chunk_elements(chunk_bytes // 2, [x.dtype for x in inputs],
                                             out_dtype, len(outs))))
    starts = range(0, total, step)
    if progress:
        progress(0, total)
    with contextlib.ExitStack() as stack:
        readers = [_open_at(stack, x, "rb") for x in inputs]
        writers = [_open_at(stack, o, "r+b") for o in outs]
        x_sets = [_buffers([x.dtype for x in inputs], step) for _ in range(2)]
        y_sets = [_buffers([out_dtype] * len(outs), step) for _ in range(2)]
        # entered last, so shut down (its queue finished) before the files close
        io_thread = stack.enter_context(
            concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="fastact-eval-io"))

        def read(k: int) -> List[np.ndarray]:
            count = min(step, total - starts[k])
            return [_read_into(f, b[:count], x) for f, b, x in zip(readers, x_sets[k % 2], inputs)]

        def write(ys: List[np.ndarray]) -> None:
            for f, y in zip(writers, ys):
                _write_all(f, y)

        pending_read = io_thread.submit(read, 0)
        pending_write: Optional["concurrent.futures.Future[None]"] = None
        for k, start in enumerate(starts):
            xs = pending_read.result()
            if k + 1 < len(starts):  # into the other input set: chunk k-1 is computed
                pending_read = io_thread.submit(read, k + 1)
            if dtype is not None:
                xs = [x.astype(dtype) for x in xs]  # computed in the asked dtype
            # this output set was last used by chunk k-2's write, waited for below
            ys = [b[:len(xs[0])] for b in y_sets[k % 2]]
            with np.errstate(all="ignore"):
                call(*xs, out=tuple(ys) if len(ys) == 2 else ys[0])
            if pending_write is not None:
                pending_write.result()  # chunk k-1 written (its errors raised here)
            pending_write = io_thread.submit(write, ys)
            if progress:
                progress(start + len(xs[0]), total)
        if pending_write is not None:
            pending_write.result()
        for f in writers:
            os.fsync(f.fileno())


def _open_at(stack: contextlib.ExitStack, info: NpyInfo, mode: str) -> io.FileIO:
    """The file of `info`, unbuffered, positioned at its data."""
    f = stack.enter_context(io.FileIO(info.path, mode.replace("b", "")))
    f.seek(info.offset)
    return f


def _buffers(dtypes: Sequence[np.dtype], count: int) -> List[np.ndarray]:
    try:
        return [np.empty(count, d) for d in dtypes]
    except MemoryError:
        raise EvalError(f"not enough memory for chunks of {count} elements; use a smaller "
                        "chunk size (--chunk-mb)") from None


def _read_into(f: io.FileIO, buf: np.ndarray, info: NpyInfo) -> np.ndarray:
    """Fill buf from f's position; an EvalError if the file ends first."""
    view = buf.view(np.uint8).data
    done = 0
    while done < len(view):
        n = f.readinto(view[done:])
        if not n:
            raise EvalError(f"input {info.path!r} shrank while it was read (it ended "
                            f"{len(view) - done} bytes short of the next chunk); "
                            "nothing was written")
        done += n
    return buf


def _write_all(f: io.FileIO, buf: np.ndarray) -> None:
    view = buf.view(np.uint8).data
    done = 0
    while done < len(view):
        done += f.write(view[done:])


def _zip(output: str, outs: Sequence[NpyInfo], names: Sequence[str],
         temps: List[str]) -> str:
    """An .npz (uncompressed zip of .npy members, as np.savez writes), copied
    from the finished temporary .npy files in bounded memory."""
    fd, path = _mkstemp(output, ".npz.tmp", temps)
    os.close(fd)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        for o, name in zip(outs, names):
            zf.write(o.path, arcname=name + ".npy")
    os.chmod(path, _umask_mode())
    with open(path, "rb+") as f:
        os.fsync(f.fileno())
    return path


def _os_message(exc: OSError, output: str) -> str:
    where = exc.filename or output
    if exc.errno == errno.ENOSPC:
        return f"no space left on the device for {output!r}; nothing was written"
    if isinstance(exc, PermissionError):
        return f"permission denied writing {where!r}"
    return f"cannot write {output!r}: {exc.strerror or exc}"
