"""`fastact.evaluate_file`: one public function over a .npy file of any size.

The input is memory-mapped one chunk at a time (each chunk's map is dropped
before the next, so the resident set stays near the chunk budget however large
the file), and the results are written through memory maps into a temporary
file in the target directory that is renamed over the target only when it is
complete: a failure never leaves a half-written output.  The output's space is
reserved up front (posix_fallocate), so a full disk is an error before anything
is computed, not a SIGBUS in a memory-mapped write.
"""
from __future__ import annotations

import errno
import os
import tempfile
import zipfile
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Literal, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

from . import _spec

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
        return int(np.prod(self.shape, dtype=np.int64))


def read_npy_header(path: PathLike, what: str = "input") -> NpyInfo:
    """The header of a .npy file, checked against the file's size; clear errors
    for anything that is not a complete .npy file of real numbers."""
    path = os.fspath(path)
    try:
        with open(path, "rb") as f:
            try:
                version = np.lib.format.read_magic(f)
                if version == (1, 0):
                    shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
                else:
                    shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
            except (ValueError, OSError, SyntaxError) as exc:
                raise EvalError(f"{what} {path!r} is not a valid .npy file ({exc})") from None
            offset = f.tell()
            file_size = os.fstat(f.fileno()).st_size
    except FileNotFoundError:
        raise EvalError(f"{what} file not found: {path!r}") from None
    except IsADirectoryError:
        raise EvalError(f"{what} {path!r} is a directory, not a .npy file") from None
    except PermissionError:
        raise EvalError(f"permission denied reading {what} {path!r}") from None
    if dtype.kind not in "biuf" or dtype.hasobject or dtype.fields is not None:
        raise EvalError(f"{what} {path!r} has dtype {dtype}: fastact needs real numbers "
                        "(floating, integer or boolean), not object, complex or structured data")
    info = NpyInfo(path, tuple(shape), dtype, bool(fortran), offset)
    if file_size < offset + info.size * dtype.itemsize:
        raise EvalError(f"{what} {path!r} is truncated: its header promises "
                        f"{info.size * dtype.itemsize} bytes of data, the file has "
                        f"{file_size - offset}")
    return info


def resolve_function(fn: str, op: str) -> Tuple[_spec.Activation, str]:
    """(activation, operation) from an activation name and an operation, or from
    a full public name such as 'sigmoid_derivative_from_a' (op then 'value')."""
    for act in _spec.ACTIVATIONS:
        for candidate in _spec.OPS:
            if _spec.public_name(act, candidate) == fn and candidate != "value":
                if op != "value":
                    raise EvalError(f"{fn!r} already names an operation; drop the "
                                    f"{op.replace('_', '-')} option")
                return act, candidate
    if fn not in _spec.BY_NAME:
        choices = ", ".join(_spec.BY_NAME)
        raise EvalError(f"unknown function {fn!r}; choose from {choices} "
                        "(or a full name such as sigmoid_derivative_from_a)")
    if op not in OPS:
        raise EvalError(f"unknown operation {op!r}; choose from {', '.join(OPS)}")
    return _spec.BY_NAME[fn], op


def _map(info: NpyInfo, start: int, count: int, dtype: np.dtype,
         mode: Literal["r", "r+"]) -> "np.memmap[Any, np.dtype[Any]]":
    """Elements [start, start + count) of a .npy file's data, in file order."""
    return np.memmap(info.path, dtype=dtype, mode=mode,
                     offset=info.offset + start * dtype.itemsize, shape=(count,))


def _reserve(fd: int, size: int) -> None:
    """Claim the disk space now (ENOSPC here, not SIGBUS mid-write)."""
    if size > 0 and hasattr(os, "posix_fallocate"):
        try:
            os.posix_fallocate(fd, 0, size)
        except OSError as exc:
            # A file system that cannot preallocate: go on with a sparse file.
            if exc.errno not in (errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL):
                raise


def _create_npy(directory: str, shape: Tuple[int, ...], dtype: np.dtype,
                fortran: bool, temps: List[str]) -> NpyInfo:
    fd, path = tempfile.mkstemp(dir=directory, prefix=".fastact-", suffix=".npy.tmp")
    temps.append(path)
    with os.fdopen(fd, "wb") as f:
        header = {"descr": np.lib.format.dtype_to_descr(dtype), "fortran_order": fortran,
                  "shape": shape}
        np.lib.format.write_array_header_2_0(f, header) if _needs_v2(header) else \
            np.lib.format.write_array_header_1_0(f, header)
        offset = f.tell()
        f.flush()
        nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
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
                  at_zero: Optional[float] = None, dtype: Optional[str] = None,
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
    name = _spec.public_name(act, op)
    public = getattr(fastact, name)
    nout = _spec.OP_NOUT[op]
    if dtype is not None and dtype not in DTYPES:
        raise EvalError(f"unsupported --dtype {dtype!r}; choose from {', '.join(DTYPES)}")
    kwargs: Dict[str, float] = {}
    if alpha is not None:
        if not act.has_alpha:
            raise EvalError(f"{act.name} has no alpha")
        kwargs["alpha"] = alpha
    if at_zero is not None:
        if "at_zero" not in act.params(op):
            raise EvalError(f"{name} has no at_zero (only the derivative and backward of "
                            "relu and leaky_relu)")
        kwargs["at_zero"] = at_zero

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
    if os.path.exists(output) and not force:
        raise EvalError(f"output {output!r} exists (use --force to overwrite)")
    directory = os.path.dirname(os.path.abspath(output))
    if not os.path.isdir(directory):
        raise EvalError(f"output directory {directory!r} does not exist")

    compute_dtypes = [np.dtype(dtype) if dtype else x.dtype for x in inputs]
    out_dtype = _output_dtype(call, compute_dtypes, dtype)
    temps: List[str] = []
    try:
        outs = [_create_npy(directory, data.shape, out_dtype, data.fortran_order, temps)
                for _ in range(nout)]
        _stream(inputs, outs, call, dtype, out_dtype, chunk_bytes, progress)
        for o in outs:
            os.chmod(o.path, _umask_mode())
        if ext == ".npy":
            final = outs[0].path
        else:
            final = _zip(directory, outs, NPZ_NAMES[op], temps)
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


def _stream(inputs: Sequence[NpyInfo], outs: Sequence[NpyInfo],
            call: Callable[..., object], dtype: Optional[str], out_dtype: np.dtype,
            chunk_bytes: int, progress: Optional[Progress]) -> None:
    total = inputs[-1].size
    step = _chunk_elements(chunk_bytes, [x.dtype for x in inputs], out_dtype, len(outs))
    if progress:
        progress(0, total)
    for start in range(0, total, step):
        count = min(step, total - start)
        xs: List[np.ndarray] = [_map(x, start, count, x.dtype, "r") for x in inputs]
        if dtype is not None:
            xs = [x.astype(dtype) for x in xs]  # computed in the asked dtype
        ys = [_map(o, start, count, out_dtype, "r+") for o in outs]
        with np.errstate(all="ignore"):
            call(*xs, out=tuple(ys) if len(ys) == 2 else ys[0])
        for y in ys:
            y.flush()
        del xs, ys  # unmap: the resident set stays at one chunk
        if progress:
            progress(start + count, total)
    for o in outs:
        with open(o.path, "rb+") as f:
            os.fsync(f.fileno())


def _zip(directory: str, outs: Sequence[NpyInfo], names: Sequence[str],
         temps: List[str]) -> str:
    """An .npz (uncompressed zip of .npy members, as np.savez writes), copied
    from the finished temporary .npy files in bounded memory."""
    fd, path = tempfile.mkstemp(dir=directory, prefix=".fastact-", suffix=".npz.tmp")
    os.close(fd)
    temps.append(path)
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
