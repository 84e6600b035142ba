/* simd/scalar.h - the vector vocabulary with one lane (see simd.h).
 *
 * Plain C: every operation is the C operator it stands for, with selects written
 * as ternaries, so loops over these functions stay branch-free and the compiler
 * can still widen them (this is the x86-64 baseline's SSE2 code, and the
 * reference the vector headers reproduce bit for bit). */
#ifndef FASTACT_SIMD_SCALAR_H
#define FASTACT_SIMD_SCALAR_H

#include <string.h>

#define FV_ISA "scalar"
/* fv_lut4 is three selects here (the auto-vectoriser has no shuffle), which
 * costs the default-mode algorithms their speed: see kernels_impl.h */
#ifndef FV_LUT4_CHEAP /* the sanitizer's scalar reference sets 1: same algorithms as the vectors */
#  define FV_LUT4_CHEAP 0
#endif
/* no non-temporal stores: a call's fa_params.stream is ignored */
#define FV_HAS_STREAM 0
#define FV_LANES_f32 1
#define FV_LANES_f64 1

typedef float fv_f32;
typedef double fv_f64;
typedef int fv_mf32;
typedef int fv_mf64;
typedef uint32_t fv_uf32;
typedef uint64_t fv_uf64;

#define FV_SCALAR_OPS(S, T, U)                                                                  \
    FA_INLINE fv_##S fv_load_##S(const T *p) { return *p; }                                     \
    FA_INLINE void fv_store_##S(T *p, fv_##S v) { *p = v; }                                     \
    FA_INLINE fv_##S fv_setall_##S(T x) { return x; }                                           \
    FA_INLINE fv_u##S fv_usetall_##S(U x) { return x; }                                         \
    FA_INLINE fv_##S fv_add_##S(fv_##S a, fv_##S b) { return a + b; }                          \
    FA_INLINE fv_##S fv_sub_##S(fv_##S a, fv_##S b) { return a - b; }                          \
    FA_INLINE fv_##S fv_mul_##S(fv_##S a, fv_##S b) { return a * b; }                          \
    FA_INLINE fv_##S fv_div_##S(fv_##S a, fv_##S b) { return a / b; }                          \
    FA_INLINE fv_##S fv_sqrt_##S(fv_##S a) { return FV_SCALAR_SQRT_##S(a); }                    \
    FA_INLINE fv_##S fv_abs_##S(fv_##S a) { return FV_SCALAR_FABS_##S(a); }                     \
    FA_INLINE fv_##S fv_neg_##S(fv_##S a) { return -a; }                                        \
    FA_INLINE fv_##S fv_copysign_##S(fv_##S m, fv_##S s) { return FV_SCALAR_COPYSIGN_##S(m, s); } \
    FA_INLINE fv_##S fv_max_##S(fv_##S a, fv_##S b) { return a > b ? a : b; }                  \
    FA_INLINE fv_##S fv_min_##S(fv_##S a, fv_##S b) { return a < b ? a : b; }                  \
    FA_INLINE fv_m##S fv_cmplt_##S(fv_##S a, fv_##S b) { return a < b; }                       \
    FA_INLINE fv_m##S fv_cmple_##S(fv_##S a, fv_##S b) { return a <= b; }                      \
    FA_INLINE fv_m##S fv_cmpgt_##S(fv_##S a, fv_##S b) { return a > b; }                       \
    FA_INLINE fv_m##S fv_cmpeq_##S(fv_##S a, fv_##S b) { return a == b; }                      \
    FA_INLINE fv_##S fv_select_##S(fv_m##S m, fv_##S a, fv_##S b) { return m ? a : b; }        \
    FA_INLINE fv_m##S fv_mand_##S(fv_m##S a, fv_m##S b) { return a & b; }                      \
    FA_INLINE fv_m##S fv_mor_##S(fv_m##S a, fv_m##S b) { return a | b; }                       \
    FA_INLINE fv_m##S fv_mandnot_##S(fv_m##S a, fv_m##S b) { return a & !b; }                  \
    FA_INLINE fv_u##S fv_as_u_##S(fv_##S v) { U u; memcpy(&u, &v, sizeof u); return u; }       \
    FA_INLINE fv_##S fv_from_u_##S(fv_u##S u) { T v; memcpy(&v, &u, sizeof v); return v; }     \
    FA_INLINE fv_u##S fv_uadd_##S(fv_u##S a, fv_u##S b) { return a + b; }                      \
    FA_INLINE fv_u##S fv_usub_##S(fv_u##S a, fv_u##S b) { return a - b; }

#define FV_SCALAR_FABS_f32(x) __builtin_fabsf(x)
#define FV_SCALAR_SQRT_f32(x) __builtin_sqrtf(x)
#define FV_SCALAR_SQRT_f64(x) __builtin_sqrt(x)
#define FV_SCALAR_FABS_f64(x) __builtin_fabs(x)
#define FV_SCALAR_COPYSIGN_f32(m, s) __builtin_copysignf((m), (s))
#define FV_SCALAR_COPYSIGN_f64(m, s) __builtin_copysign((m), (s))

FV_SCALAR_OPS(f32, float, uint32_t)
FV_SCALAR_OPS(f64, double, uint64_t)
#undef FV_SCALAR_OPS

/* Shifts by a constant: macros, like the intrinsics' immediate operands. */
#define fv_ushli_f32(u, n) ((fv_uf32)((u) << (n)))
#define fv_ushli_f64(u, n) ((fv_uf64)((u) << (n)))

FA_INLINE fv_f32 fv_muladd_f32(fv_f32 a, fv_f32 b, fv_f32 c) { return FA_FMAF(a, b, c); }
FA_INLINE fv_f64 fv_muladd_f64(fv_f64 a, fv_f64 b, fv_f64 c) { return FA_FMAD(a, b, c); }
FA_INLINE fv_f32 fv_nmuladd_f32(fv_f32 a, fv_f32 b, fv_f32 c) { return FA_FMAF(-a, b, c); }
FA_INLINE fv_f64 fv_nmuladd_f64(fv_f64 a, fv_f64 b, fv_f64 c) { return FA_FMAD(-a, b, c); }

/* fv_lut4_S(t, i) = t[i & 3] per lane: the low two bits of i pick one of 4 entries.
 * As selects rather than an indexed load, which the auto-vectoriser would not
 * widen (gathers): the baseline's default kernels ran at 4x the instructions. */
FA_INLINE fv_f32 fv_lut4_f32(const float t[4], fv_uf32 i)
{
    const fv_uf32 j = i & 3u;
    const float lo = j & 1u ? t[1] : t[0], hi = j & 1u ? t[3] : t[2];
    return j & 2u ? hi : lo;
}
FA_INLINE fv_f64 fv_lut4_f64(const double t[4], fv_uf64 i)
{
    const fv_uf64 j = i & 3u;
    const double lo = j & 1u ? t[1] : t[0], hi = j & 1u ? t[3] : t[2];
    return j & 2u ? hi : lo;
}
FA_INLINE fv_uf32 fv_uand_f32(fv_uf32 a, fv_uf32 b) { return a & b; }
FA_INLINE fv_uf64 fv_uand_f64(fv_uf64 a, fv_uf64 b) { return a & b; }

FA_INLINE fv_f32 fv_nabs_f32(fv_f32 a) { return -__builtin_fabsf(a); }
FA_INLINE fv_f64 fv_nabs_f64(fv_f64 a) { return -__builtin_fabs(a); }

/* fv_orsign_S(m, s): m (>= 0, sign bit clear) with the sign of s */
FA_INLINE fv_f32 fv_orsign_f32(fv_f32 m, fv_f32 s) { return __builtin_copysignf(m, s); }
FA_INLINE fv_f64 fv_orsign_f64(fv_f64 m, fv_f64 s) { return __builtin_copysign(m, s); }

/* fv_selsign_S(s, a, b) = signbit(s) ? a : b (NaN and -0 by their sign bit) */
FA_INLINE fv_f32 fv_selsign_f32(fv_f32 s, fv_f32 a, fv_f32 b) { return __builtin_signbit(s) ? a : b; }
FA_INLINE fv_f64 fv_selsign_f64(fv_f64 s, fv_f64 a, fv_f64 b) { return __builtin_signbit(s) ? a : b; }

/* fv_join: one lane is always aligned (k = 0): cur */
typedef int fv_jctl_f32;
typedef int fv_jctl_f64;
FA_INLINE fv_jctl_f32 fv_join_ctl_f32(unsigned k) { (void)k; return 0; }
FA_INLINE fv_jctl_f64 fv_join_ctl_f64(unsigned k) { (void)k; return 0; }
FA_INLINE fv_f32 fv_join_f32(fv_f32 prev, fv_f32 cur, fv_jctl_f32 c) { (void)prev; (void)c; return cur; }
FA_INLINE fv_f64 fv_join_f64(fv_f64 prev, fv_f64 cur, fv_jctl_f64 c) { (void)prev; (void)c; return cur; }

#endif
