/* kernels.c - every activation x operation x float type, for one ISA level.
 *
 * setup.py compiles this file once per level with FA_LEVEL set (baseline,
 * avx2, avx512) and that level's compiler flags; the result of each is the table
 * fa_table_<level>.  The maths is plain C written for auto-vectorisation, so the
 * same source becomes SSE2, AVX2+FMA, AVX-512 or NEON code.
 */
#include <math.h>
#include "fastact.h"

#ifndef FA_LEVEL
#  define FA_LEVEL baseline
#endif

/* ---------------------------------------------------------------- float32 */
#define FA_T float
#define FA_IS_F32 1
#define FA_FN(name) FA_CAT(name, _f32)
#define FA_C(x) x##f
#define FA_FMA(a, b, c) FA_FMAF(a, b, c)
#define FA_FABS(x) __builtin_fabsf(x)
#define FA_COPYSIGN(x, y) __builtin_copysignf((x), (y))
#include "kernels_impl.h"
#undef FA_T
#undef FA_IS_F32
#undef FA_FN
#undef FA_C
#undef FA_FMA
#undef FA_FABS
#undef FA_COPYSIGN

/* ---------------------------------------------------------------- float64 */
#define FA_T double
#define FA_IS_F32 0
#define FA_FN(name) FA_CAT(name, _f64)
#define FA_C(x) x
#define FA_FMA(a, b, c) FA_FMAD(a, b, c)
#define FA_FABS(x) __builtin_fabs(x)
#define FA_COPYSIGN(x, y) __builtin_copysign((x), (y))
#include "kernels_impl.h"

/* ---------------------------------------------------------------- table */
#define FA_K(name, op) FA_CAT(FA_CAT(fa_, name), FA_CAT(_, op))
#define FA_ROW_KERNELS(name, S)                                        \
    {                                                                  \
        {.k11 = FA_K(name, FA_CAT(value_, S))},                        \
        {.k11 = FA_K(name, FA_CAT(derivative_, S))},                   \
        {.k11 = FA_K(name, FA_CAT(derivative_from_a_, S))},            \
        {.k12 = FA_K(name, FA_CAT(and_derivative_, S))},               \
        {.k21 = FA_K(name, FA_CAT(backward_, S))},                     \
        {.k21 = FA_K(name, FA_CAT(backward_from_a_, S))},              \
    }
#define FA_ACTIVATION(name, pv, pd, pa)                                \
    {#name, {pv, pd, pa, pd, pd, pa},                                  \
     FA_ROW_KERNELS(name, f32), FA_ROW_KERNELS(name, f64)},

const fa_activation FA_CAT(fa_table_, FA_LEVEL)[] = {
#include "activations.def"
};
#undef FA_ACTIVATION
