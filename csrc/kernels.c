/* kernels.c - every activation x operation x float type, for one ISA level.
 *
 * setup.py compiles this file once per level with FA_LEVEL set (baseline,
 * avx2, avx512) and that level's compiler flags; the result of each is
 * fa_tables_<level>, one table per accuracy mode.  The maths is written once against the vector vocabulary
 * (simd/simd.h), whose header for this level's ISA makes it scalar C (which the
 * baseline build auto-vectorises), AVX2, AVX-512 or NEON code.
 */
#include <math.h>
#include <string.h>
#include "fastact.h"
#include "simd/simd.h"

/* FV(op): the vocabulary's operation for the current float type, fv_op_f32 ... */
#define FV(op) FA_CAT(FA_CAT(fv_, op), FA_CAT(_, FA_S))
#define FA_V FA_CAT(fv_, FA_S)
#define FA_U FA_CAT(fv_u, FA_S)
#define FA_SET(x) FV(setall)(x)

#ifndef FA_LEVEL
#  define FA_LEVEL baseline
#endif

/* ---------------------------------------------------------------- float32 */
#define FA_T float
#define FA_S f32
#define FA_IS_F32 1
#define FA_FN(name) FA_CAT(name, _f32)
#define FA_C(x) x##f
#include "kernels_impl.h"
#undef FA_T
#undef FA_S
#undef FA_IS_F32
#undef FA_FN
#undef FA_C

/* ---------------------------------------------------------------- float64 */
#define FA_T double
#define FA_S f64
#define FA_IS_F32 0
#define FA_FN(name) FA_CAT(name, _f64)
#define FA_C(x) x
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
#define FA_ROW(name, kname, pv, pd, pa)                                \
    {#name, {pv, pd, pa, pd, pd, pa},                                  \
     FA_ROW_KERNELS(kname, f32), FA_ROW_KERNELS(kname, f64)},

/* The default accuracy mode's table, and the "high" (<= 1 ULP) one: an activation
 * without a separate high definition has the same kernels in both. */
#define FA_ACTIVATION(name, high, pv, pd, pa) FA_ROW(name, name, pv, pd, pa)
static const fa_activation table_default[] = {
#include "activations.def"
};
#undef FA_ACTIVATION
#define FA_HIGH_KERNELS_0(name) name
#if FV_LUT4_CHEAP
#  define FA_HIGH_KERNELS_1(name) name##_high
#else /* the default loops already are the high ones (kernels_impl.h) */
#  define FA_HIGH_KERNELS_1(name) name
#endif
#define FA_ACTIVATION(name, high, pv, pd, pa) \
    FA_ROW(name, FA_HIGH_KERNELS_##high(name), pv, pd, pa)
static const fa_activation table_high[] = {
#include "activations.def"
};
#undef FA_ACTIVATION

const fa_activation *const FA_CAT(fa_tables_, FA_LEVEL)[FA_NACC] = {table_default, table_high};
