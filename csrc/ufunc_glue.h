/* ufunc_glue.h - the one NumPy-style inner loop behind every fastact ufunc.
 *
 * It has NumPy's PyUFuncGenericFunction signature but needs no NumPy header, so
 * the sanitizer driver in tests/ can exercise it directly.  It handles what the
 * contiguous kernels do not: strides (incl. negative), in-place operands,
 * float16 and integer/bool inputs (converted block by block on the stack),
 * parameters given per element, and the FP status flags (cleared, so NaN and
 * inf inputs never surface as RuntimeWarnings).
 */
#ifndef FASTACT_UFUNC_GLUE_H
#define FASTACT_UFUNC_GLUE_H

#include "fastact.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Storage type of a ufunc operand. */
typedef enum {
    FA_ST_F16 = 0, FA_ST_F32, FA_ST_F64,
    FA_ST_BOOL, FA_ST_I8, FA_ST_U8, FA_ST_I16, FA_ST_U16,
    FA_ST_I32, FA_ST_U32, FA_ST_I64, FA_ST_U64,
    FA_NSTORAGE
} fa_storage;

/* One registered loop: what it computes and how its operands are stored.
 * Operand order is: data inputs, parameter inputs (alpha, at_zero as in
 * `params`, stored as the compute type), outputs. */
typedef struct {
    int act;              /* row of activations.def */
    fa_op op;
    fa_storage in_type;   /* data inputs */
    fa_storage out_type;  /* outputs: F16, F32 or F64 */
    int compute_f64;      /* kernels run in double (1) or float (0) */
    unsigned params;      /* FA_P_* mask */
    /* Derived by fa_loop_spec_init, so a call need not work them out again: */
    int nin, npar, nout;  /* data inputs, parameter inputs, outputs */
    int native;           /* data inputs and outputs stored as the compute type */
} fa_loop_spec;

/* Fills a spec for a loop whose data inputs are stored as `in_type`: float16
 * and float32 compute in float and return their own type; float64, integers
 * and bool compute in and return float64. */
void fa_loop_spec_init(fa_loop_spec *spec, int act, fa_op op, fa_storage in_type,
                       unsigned params);

int fa_storage_itemsize(fa_storage st);

/* PyUFuncGenericFunction-compatible; `data` is a const fa_loop_spec *. */
void fa_ufunc_loop(char **args, const fa_size *dims, const fa_size *steps, void *data);

/* Streaming stores: a contiguous call that moves at least this many bytes (its
 * inputs and outputs together) sets fa_params.stream, so the memory-bound rows
 * write around the cache (fastact.h).  The default, 16 MiB until
 * fa_stream_bytes_for_cache() is applied, is half the last-level cache (at most
 * 16 MiB): a call that large would evict its own outputs before they are read
 * back.  0: always. */
fa_size fa_get_stream_bytes(void);
void fa_set_stream_bytes(fa_size bytes);
/* Half the last-level cache as the OS reports it, at most 16 MiB (a core's
 * share of a large shared LLC is far smaller than all of it), or 16 MiB where
 * the OS does not say. */
fa_size fa_stream_bytes_for_cache(void);

/* IEEE binary16 <-> binary32, round to nearest even (exposed for the tests). */
float fa_half_to_float(uint16_t h);
uint16_t fa_float_to_half(float f);

#ifdef __cplusplus
}
#endif
#endif
