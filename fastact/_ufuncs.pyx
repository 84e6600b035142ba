# cython: language_level=3, boundscheck=False, wraparound=False
"""Compiled backend: registers the C kernels of csrc/ as real NumPy ufuncs.

One ufunc per (activation, operation) of csrc/activations.def, each with loops
for bool and the integer types (computed in float64), float16 (computed in
float32), float32 and float64, all served by the glue loop in ufunc_glue.c.
"""
from libc.stdlib cimport malloc
from libc.string cimport memset

cimport numpy as cnp

cnp.import_array()
cnp.import_ufunc()

cdef extern from "fastact.h":
    ctypedef enum fa_op:
        FA_NOPS
    ctypedef enum fa_level:
        FA_LEVEL_BASELINE
        FA_NLEVELS
    ctypedef enum fa_accuracy:
        FA_ACC_DEFAULT
        FA_NACC
    ctypedef struct fa_activation:
        const char *name
        unsigned ops
        unsigned params[6]
    int fa_op_nin(fa_op op)
    int fa_op_nout(fa_op op)
    const char *fa_op_suffix(fa_op op)
    int fa_num_activations()
    const char *fa_level_name(fa_level level)
    int fa_level_compiled(fa_level level)
    int fa_level_supported(fa_level level)
    fa_level fa_best_level()
    fa_level fa_get_level()
    int fa_set_level(fa_level level)
    const fa_activation *fa_level_table(fa_level level, fa_accuracy acc)
    const char *fa_accuracy_name(fa_accuracy acc)
    fa_accuracy fa_get_accuracy()
    int fa_set_accuracy(int acc)
    int fa_get_thread_accuracy()
    int fa_set_thread_accuracy(int acc)
    const char *fa_compiler()

cdef extern from "ufunc_glue.h":
    ctypedef enum fa_storage:
        FA_ST_F16, FA_ST_F32, FA_ST_F64, FA_ST_BOOL, FA_ST_I8, FA_ST_U8, FA_ST_I16,
        FA_ST_U16, FA_ST_I32, FA_ST_U32, FA_ST_I64, FA_ST_U64
    ctypedef struct fa_loop_spec:
        pass
    void fa_loop_spec_init(fa_loop_spec *spec, int act, fa_op op, fa_storage in_type,
                           unsigned params)
    void fa_ufunc_loop(char **args, const cnp.npy_intp *dims, const cnp.npy_intp *steps,
                       void *data) noexcept nogil
    cnp.npy_intp fa_get_stream_bytes()
    void fa_set_stream_bytes(cnp.npy_intp n)
    cnp.npy_intp fa_stream_bytes_for_cache()

cdef extern from "_type_errors.h":
    int fa_install_type_resolver(object ufunc)

from collections.abc import Mapping

import numpy as np

from . import _catalogue

_NPY_HALF = np.dtype(np.float16).num  # not in numpy's .pxd

cdef fa_storage _int_storage(int typenum, int itemsize, bint signed):
    if typenum == cnp.NPY_BOOL:
        return FA_ST_BOOL
    if itemsize == 1:
        return FA_ST_I8 if signed else FA_ST_U8
    if itemsize == 2:
        return FA_ST_I16 if signed else FA_ST_U16
    if itemsize == 4:
        return FA_ST_I32 if signed else FA_ST_U32
    return FA_ST_I64 if signed else FA_ST_U64

# Loop order matters: NumPy takes the first loop every input casts to safely, so
# the integer loops come first (int8 must not land in the float16 loop), then
# float16, float32, float64.
cdef list _INT_TYPES = [
    (cnp.NPY_BOOL, 1, False), (cnp.NPY_BYTE, 1, True), (cnp.NPY_UBYTE, 1, False),
    (cnp.NPY_SHORT, 2, True), (cnp.NPY_USHORT, 2, False),
    (cnp.NPY_INT, sizeof(int), True), (cnp.NPY_UINT, sizeof(int), False),
    (cnp.NPY_LONG, sizeof(long), True), (cnp.NPY_ULONG, sizeof(long), False),
    (cnp.NPY_LONGLONG, 8, True), (cnp.NPY_ULONGLONG, 8, False),
]

# Keeps the names, docs and loop tables alive: NumPy only borrows them.
cdef list _keepalive = []


cdef object _make_ufunc(int act, fa_op op, unsigned params, str name, str doc):
    cdef int nin = fa_op_nin(op) + bin(params).count("1")
    cdef int ndata = fa_op_nin(op)
    cdef int nout = fa_op_nout(op)
    cdef int nargs = nin + nout
    loops = [(t, _int_storage(t, size, signed), cnp.NPY_DOUBLE, cnp.NPY_DOUBLE)
             for t, size, signed in _INT_TYPES]
    loops += [(_NPY_HALF, FA_ST_F16, cnp.NPY_FLOAT, _NPY_HALF),
              (cnp.NPY_FLOAT, FA_ST_F32, cnp.NPY_FLOAT, cnp.NPY_FLOAT),
              (cnp.NPY_DOUBLE, FA_ST_F64, cnp.NPY_DOUBLE, cnp.NPY_DOUBLE)]
    cdef int ntypes = len(loops)
    cdef cnp.PyUFuncGenericFunction *funcs = <cnp.PyUFuncGenericFunction *>malloc(
        ntypes * sizeof(cnp.PyUFuncGenericFunction))
    cdef void **data = <void **>malloc(ntypes * sizeof(void *))
    cdef char *types = <char *>malloc(ntypes * nargs)
    cdef fa_loop_spec *specs = <fa_loop_spec *>malloc(ntypes * sizeof(fa_loop_spec))
    if not funcs or not data or not types or not specs:
        raise MemoryError()
    cdef int i, j
    for i, (data_t, storage, param_t, out_t) in enumerate(loops):
        fa_loop_spec_init(&specs[i], act, op, storage, params)
        funcs[i] = <cnp.PyUFuncGenericFunction>fa_ufunc_loop
        data[i] = &specs[i]
        for j in range(nargs):
            types[i * nargs + j] = data_t if j < ndata else param_t if j < nin else out_t
    bname = name.encode()
    bdoc = doc.encode()
    _keepalive.extend([bname, bdoc])
    ufunc = cnp.PyUFunc_FromFuncAndData(funcs, data, types, ntypes, nin, nout,
                                        cnp.PyUFunc_None, bname, bdoc, 0)
    fa_install_type_resolver(ufunc)
    return ufunc


cdef dict _kernel_specs():
    """{(C row, op): (C table index, op index, parameter mask, activation)} for
    every row of the C table and every operation it has (a row is an
    activation, or one of its kernel choices, whose ufunc is named after the
    row)."""
    cdef const fa_activation *table = fa_level_table(FA_LEVEL_BASELINE, FA_ACC_DEFAULT)
    cdef int a, o
    acts = dict(_catalogue.kernel_rows())
    specs = {}
    for a in range(fa_num_activations()):
        row = table[a].name.decode()
        act = acts.get(row)
        if act is None:  # a build from another catalogue: _backends tells
            continue
        for o in range(<int>FA_NOPS):
            if table[a].ops & (1u << o):
                specs[row, _catalogue.OPS[o]] = (a, o, table[a].params[o], act)
    return specs


cdef object _kernel_ufunc(tuple key, tuple spec):
    """The ufunc of one (C row, op), its docstring the catalogue's."""
    from . import _docs  # with the first ufunc, not at import
    cdef int a = spec[0], o = spec[1]
    return _make_ufunc(a, <fa_op>o, spec[2], key[0] + fa_op_suffix(<fa_op>o).decode(),
                       _docs.docstring(spec[3], key[1]))


class _Ufuncs(Mapping):
    """{(C row, op): ufunc} for every row of the C table and every operation it
    has, each ufunc made on its first lookup and then kept: making them all, with
    their docstrings, at import took about 3 ms of the 15 that `import fastact`
    may add to NumPy's import (issue 8).  One ufunc per key, also when two threads look it up first
    at once: the first one stored wins."""

    def __init__(self):
        self._specs = _kernel_specs()
        self._made = {}

    def __getitem__(self, key):
        ufunc = self._made.get(key)
        if ufunc is None:
            spec = self._specs[key]  # KeyError for a key the table lacks
            ufunc = self._made.setdefault(key, _kernel_ufunc(key, spec))
        return ufunc

    def __iter__(self):
        return iter(self._specs)

    def __len__(self):
        return len(self._specs)


def c_table():
    """{(C row, op): parameter names} as the C table declares them (its op and
    parameter masks), the names from the catalogue's parameter order."""
    cdef const fa_activation *table = fa_level_table(FA_LEVEL_BASELINE, FA_ACC_DEFAULT)
    cdef int a, o
    acts = dict(_catalogue.kernel_rows())
    out = {}
    for a in range(fa_num_activations()):
        row = table[a].name.decode()
        numeric = [p.name for p in acts[row].numeric_params] if row in acts else []
        for o in range(<int>FA_NOPS):
            if table[a].ops & (1u << o):
                mask = table[a].params[o]
                out[row, _catalogue.OPS[o]] = tuple(
                    n for j, n in enumerate(numeric) if mask & (1u << j))
    return out


UFUNCS = _Ufuncs()


def simd_levels():
    """Names of the kernel levels this build has and this CPU can run, best last."""
    return [fa_level_name(<fa_level>l).decode() for l in range(FA_NLEVELS)
            if fa_level_supported(<fa_level>l)]


def compiled_levels():
    return [fa_level_name(<fa_level>l).decode() for l in range(FA_NLEVELS)
            if fa_level_compiled(<fa_level>l)]


def compiler():
    return fa_compiler().decode()


def best_level():
    return fa_level_name(fa_best_level()).decode()


def get_level():
    return fa_level_name(fa_get_level()).decode()


def set_level(str name):
    """Switch every fastact ufunc to the kernels of one level (not thread-safe
    against calls in flight; meant for tests and benchmarks)."""
    for l in range(FA_NLEVELS):
        if fa_level_name(<fa_level>l).decode() == name:
            if fa_set_level(<fa_level>l) == 0:
                return
            break
    raise ValueError(f"SIMD level {name!r} is not available here; choose from {simd_levels()}")


set_level(best_level())


# ---- streaming stores (ufunc_glue.h): the memory-bound rows' large calls ----

fa_set_stream_bytes(fa_stream_bytes_for_cache())


def _stream_bytes():
    """Bytes (inputs and outputs) from which a contiguous call of a memory-bound
    activation writes with non-temporal stores (half the last-level cache, at
    most 16 MiB)."""
    return fa_get_stream_bytes()


def _set_stream_bytes(cnp.npy_intp n):
    """For tests and benchmarks: 0 streams every call, a huge value none."""
    fa_set_stream_bytes(n)


def accuracy_modes():
    """Names of the accuracy modes, in the C enum's order ("default", "high")."""
    return [fa_accuracy_name(<fa_accuracy>a).decode() for a in range(FA_NACC)]


def _accuracy_index(name):
    modes = accuracy_modes()
    if name not in modes:
        raise ValueError(f"unknown accuracy mode {name!r}; choose from {modes}")
    return modes.index(name)


def get_accuracy():
    """The accuracy mode in effect for the calling thread."""
    return fa_accuracy_name(fa_get_accuracy()).decode()


def set_accuracy(str name):
    """Set the process-wide default accuracy mode."""
    fa_set_accuracy(_accuracy_index(name))


def get_thread_accuracy():
    """The calling thread's override of the mode, or None."""
    cdef int acc = fa_get_thread_accuracy()
    return None if acc < 0 else fa_accuracy_name(<fa_accuracy>acc).decode()


def set_thread_accuracy(name):
    """Override the mode for the calling thread only (None: follow the default)."""
    fa_set_thread_accuracy(-1 if name is None else _accuracy_index(name))


cdef extern from "fastact.h":
    ctypedef struct fa_level_info:
        const char *name
        const char *arch
        int has_fma
        const char *cflags
        const char *msvc_flags
        const char *cpu_features
    const fa_level_info *fa_level_describe(fa_level level)


def levels():
    """Every row of csrc/levels.def, worst first: name, arch ("any": the baseline),
    has_fma (for this target: the baseline has it on aarch64), cflags, msvc_flags,
    cpu_features (lists), and whether the level is compiled into this build and
    supported by this CPU."""
    cdef const fa_level_info *info
    rows = []
    for l in range(FA_NLEVELS):
        info = fa_level_describe(<fa_level>l)
        rows.append({
            "name": info.name.decode(), "arch": info.arch.decode(),
            "has_fma": bool(info.has_fma),
            "cflags": info.cflags.decode().split(),
            "msvc_flags": info.msvc_flags.decode().split(),
            "cpu_features": info.cpu_features.decode().split(),
            "compiled": bool(fa_level_compiled(<fa_level>l)),
            "supported": bool(fa_level_supported(<fa_level>l)),
        })
    return rows


# ---- the thread pool (csrc/pool.h); fastact/_threads.py is the public face ----

cdef extern from "pool.h":
    ctypedef struct fa_pool_stats:
        long long parallel_calls
        long long busy_calls
        long long max_running
        long long worker_chunks
        int workers
    int FA_POOL_MAX_THREADS
    int fa_pool_threaded()
    int fa_pool_get_num_threads()
    int fa_pool_set_num_threads(int n)
    int fa_pool_get_thread_num_threads()
    int fa_pool_set_thread_num_threads(int n)
    cnp.npy_intp fa_pool_get_threshold()
    void fa_pool_set_threshold(cnp.npy_intp n)
    void fa_pool_get_stats(fa_pool_stats *out)
    void fa_pool_reset_stats()

MAX_THREADS = FA_POOL_MAX_THREADS


def pool_threaded():
    """Whether this build splits large calls over threads (False: Windows fallback)."""
    return bool(fa_pool_threaded())


def get_num_threads():
    """The process-wide thread count."""
    return fa_pool_get_num_threads()


def set_num_threads(int n):
    """Set the process-wide thread count (1..MAX_THREADS, validated by the caller)."""
    if fa_pool_set_num_threads(n) != 0:
        raise ValueError(f"thread count {n} is out of range 1..{MAX_THREADS}")


def get_thread_num_threads():
    """The calling thread's override of the thread count, or None."""
    cdef int n = fa_pool_get_thread_num_threads()
    return None if n == 0 else n


def set_thread_num_threads(n):
    """Override the thread count for the calling thread only (None: follow the process)."""
    if fa_pool_set_thread_num_threads(0 if n is None else n) != 0:
        raise ValueError(f"thread count {n} is out of range 1..{MAX_THREADS}")


def _pool_threshold():
    """Elements below which a call never wakes the pool."""
    return fa_pool_get_threshold()


def _set_pool_threshold(cnp.npy_intp n):
    """For tests: lower the threshold so small arrays exercise the split."""
    fa_pool_set_threshold(n)


def _pool_stats():
    """{parallel_calls, busy_calls, max_running, worker_chunks, workers} since the
    last reset (workers: started in this process)."""
    cdef fa_pool_stats s
    fa_pool_get_stats(&s)
    return {"parallel_calls": s.parallel_calls, "busy_calls": s.busy_calls,
            "max_running": s.max_running, "worker_chunks": s.worker_chunks,
            "workers": s.workers}


def _reset_pool_stats():
    fa_pool_reset_stats()
