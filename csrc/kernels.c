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
#define FA_KV(name, op, S) FA_K(name, FA_CAT(FA_CAT(op, _), S))
/* A from-a kernel, or NULL where the activation has none (from_a = 0). */
#define FA_KA_0(name, op, S) NULL
#define FA_KA_1(name, op, S) FA_KV(name, op, S)
#define FA_ROW_KERNELS(name, S, fa)                                    \
    {                                                                  \
        {.k11 = FA_KV(name, value, S)},                                \
        {.k11 = FA_KV(name, derivative, S)},                           \
        {.k11 = FA_KA_##fa(name, derivative_from_a, S)},               \
        {.k12 = FA_KV(name, and_derivative, S)},                       \
        {.k21 = FA_KV(name, backward, S)},                             \
        {.k21 = FA_KA_##fa(name, backward_from_a, S)},                 \
    }
/* The ops mask: every operation, less the two from-a ones where from_a = 0. */
#define FA_OPS_MASK(fa) ((1u << FA_NOPS) - 1u -                        \
    ((fa) ? 0u : (1u << FA_OP_DERIVATIVE_FROM_A) | (1u << FA_OP_BACKWARD_FROM_A)))
#define FA_ROW(name, kname, fa, p0, p1, p2, p3, p4, p5)                \
    {#name, FA_OPS_MASK(fa), {p0, p1, p2, p3, p4, p5},                 \
     FA_ROW_KERNELS(kname, f32, fa), FA_ROW_KERNELS(kname, f64, fa)},

/* The default accuracy mode's table, and the "high" (<= 1 ULP) one: an activation
 * without a separate high definition has the same kernels in both. */
#define FA_ACTIVATION(name, high, fa, st, p0, p1, p2, p3, p4, p5) \
    FA_ROW(name, name, fa, p0, p1, p2, p3, p4, p5)
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
#define FA_ACTIVATION(name, high, fa, st, p0, p1, p2, p3, p4, p5) \
    FA_ROW(name, FA_HIGH_KERNELS_##high(name), fa, p0, p1, p2, p3, p4, p5)
static const fa_activation table_high[] = {
#include "activations.def"
};
#undef FA_ACTIVATION

const fa_activation *const FA_CAT(fa_tables_, FA_LEVEL)[FA_NACC] = {table_default, table_high};
