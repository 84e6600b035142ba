/* fastact.h - the C core of fastact: activation kernels over contiguous buffers.
 *
 * Every kernel makes one pass over n contiguous elements.  Inputs and outputs
 * must not overlap, except that an output may be the very same buffer as an
 * input (in place); ufunc_glue.c takes care of that and of strided data.
 *
 *   value(n, z, a)                  a = g(z)
 *   derivative(n, z, d)             d = g'(z), from z
 *   derivative_from_a(n, a, d)      d = g'(z), from the output a = g(z)
 *   and_derivative(n, z, a, d)      both, one pass
 *   backward(n, grad, z, dz)        dz = grad * g'(z), one pass
 *   backward_from_a(n, grad, a, dz) dz = grad * g'(z) from a, one pass
 *
 * The same kernels exist once per instruction-set level (levels.def: baseline,
 * avx2, avx512 on x86-64; baseline elsewhere); dispatch.c picks one at run time.
 */
#ifndef FASTACT_H
#define FASTACT_H

#include "fa_config.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The numeric parameters of one call, already validated by the caller: v[j] is
 * the activation's j-th numeric parameter in catalogue order (leaky_relu: alpha,
 * at_zero; relu: at_zero), the kernels see it as the vector P[j].  An operation
 * that does not take parameter j (the table's mask) gets 0 there. */
#define FA_MAX_PARAMS 4
typedef struct {
    double v[FA_MAX_PARAMS];
    /* 1: the loops of a memory-bound row (activations.def: streams) write whole
     * vectors with non-temporal stores, where the level has them and the outputs
     * are aligned alike.  The glue sets it for contiguous calls too large for the
     * cache (ufunc_glue.h); the results are the same bits either way. */
    int stream;
} fa_params;

typedef enum {
    FA_OP_VALUE = 0,
    FA_OP_DERIVATIVE,
    FA_OP_DERIVATIVE_FROM_A,
    FA_OP_AND_DERIVATIVE,
    FA_OP_BACKWARD,
    FA_OP_BACKWARD_FROM_A,
    FA_NOPS
} fa_op;

/* Kernel shapes by (inputs, outputs). */
typedef void (*fa_k11_f32)(fa_size n, const float *FA_RESTRICT x, float *FA_RESTRICT y,
                           const fa_params *p);
typedef void (*fa_k12_f32)(fa_size n, const float *FA_RESTRICT x, float *FA_RESTRICT y0,
                           float *FA_RESTRICT y1, const fa_params *p);
typedef void (*fa_k21_f32)(fa_size n, const float *FA_RESTRICT x0, const float *FA_RESTRICT x1,
                           float *FA_RESTRICT y, const fa_params *p);
typedef void (*fa_k11_f64)(fa_size n, const double *FA_RESTRICT x, double *FA_RESTRICT y,
                           const fa_params *p);
typedef void (*fa_k12_f64)(fa_size n, const double *FA_RESTRICT x, double *FA_RESTRICT y0,
                           double *FA_RESTRICT y1, const fa_params *p);
typedef void (*fa_k21_f64)(fa_size n, const double *FA_RESTRICT x0, const double *FA_RESTRICT x1,
                           double *FA_RESTRICT y, const fa_params *p);

typedef union { fa_k11_f32 k11; fa_k12_f32 k12; fa_k21_f32 k21; } fa_kernel_f32;
typedef union { fa_k11_f64 k11; fa_k12_f64 k12; fa_k21_f64 k21; } fa_kernel_f64;

typedef struct {
    const char *name;              /* the C row: the activation, or one of its kernel choices */
    unsigned ops;                  /* bit op set: the row has that operation's kernels */
    unsigned params[FA_NOPS];      /* bit j set: parameter j is a ufunc input of the op */
    fa_kernel_f32 f32[FA_NOPS];
    fa_kernel_f64 f64[FA_NOPS];
} fa_activation;

/* Number of inputs (1 or 2) and outputs (1 or 2) of an operation. */
int fa_op_nin(fa_op op);
int fa_op_nout(fa_op op);
const char *fa_op_suffix(fa_op op);   /* "", "_derivative", ... */

/* ---- dispatch (dispatch.c) ---- */
/* One per row of levels.def, in its order (FA_LEVEL_baseline, FA_LEVEL_avx2, ...);
 * the baseline is the first row. */
typedef enum {
#define FA_SIMD_LEVEL(name, ...) FA_LEVEL_##name,
#include "levels.def"
#undef FA_SIMD_LEVEL
    FA_NLEVELS,
    FA_LEVEL_BASELINE = 0
} fa_level;

/* A row of levels.def, as dispatch.c built it (has_fma evaluated for this target). */
typedef struct {
    const char *name, *arch;
    int has_fma;
    const char *cflags, *msvc_flags, *cpu_features;   /* space-separated */
} fa_level_info;
const fa_level_info *fa_level_describe(fa_level level);   /* NULL if out of range */

/* Accuracy modes: every level has one kernel table per mode.  "default" keeps
 * every value and derivative within 2 ULP (at the levels with FMA), "high" within
 * 1 ULP, at some cost in speed. */
typedef enum { FA_ACC_DEFAULT = 0, FA_ACC_HIGH, FA_NACC } fa_accuracy;
const char *fa_accuracy_name(fa_accuracy acc);

int fa_num_activations(void);
const char *fa_level_name(fa_level level);
int fa_level_compiled(fa_level level);   /* kernels for it are in this build */
int fa_level_supported(fa_level level);  /* compiled and the CPU can run it */
fa_level fa_best_level(void);
/* The kernels of one level in one accuracy mode; NULL if that level is not
 * supported here. */
const fa_activation *fa_level_table(fa_level level, fa_accuracy acc);
/* The level used by the ufuncs; the ufunc loops read it on every call. */
fa_level fa_get_level(void);
int fa_set_level(fa_level level);        /* 0 on success, -1 if unsupported */
/* The accuracy mode: a process-wide default, and a per-thread override (-1: none)
 * that scoped changes use, so one thread's `with fastact.accuracy_mode(...)` never
 * changes another's results.  Both return 0, or -1 for an unknown mode. */
fa_accuracy fa_get_accuracy(void);         /* in effect for the calling thread */
int fa_set_accuracy(int acc);              /* the process-wide default */
int fa_get_thread_accuracy(void);          /* the calling thread's override, or -1 */
int fa_set_thread_accuracy(int acc);       /* -1 clears the override */
/* The table the ufunc loops use: the active level, the calling thread's mode. */
const fa_activation *fa_active_table(void);
const char *fa_compiler(void);          /* name and version of the C compiler */

#ifdef __cplusplus
}
#endif
#endif
