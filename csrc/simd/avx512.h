/* simd/avx512.h - the vector vocabulary on AVX-512 F/DQ/VL/BW (see simd.h): 16
 * float or 8 double lanes, masks in the k registers. */
#ifndef FASTACT_SIMD_AVX512_H
#define FASTACT_SIMD_AVX512_H

#include <immintrin.h>

#define FV_ISA "avx512"
/* fv_lut4 is a shuffle here: the default-mode algorithms (which read 2^(j/4)
 * from a table) pay */
#define FV_LUT4_CHEAP 1
/* vmovntps/pd: non-temporal stores (p aligned to the vector) */
#define FV_HAS_STREAM 1
#define FV_LANES_f32 16
#define FV_LANES_f64 8

typedef __m512 fv_f32;
typedef __m512d fv_f64;
typedef __mmask16 fv_mf32;
typedef __mmask8 fv_mf64;
typedef __m512i fv_uf32;
typedef __m512i fv_uf64;

/* ps/pd: the intrinsic suffix; ep: the integer lane width; M: the mask type. */
#define FV_AVX512_OPS(S, T, U, ps, ep, M)                                                       \
    FA_INLINE fv_##S fv_load_##S(const T *p) { return _mm512_loadu_##ps(p); }                  \
    FA_INLINE void fv_store_##S(T *p, fv_##S v) { _mm512_storeu_##ps(p, v); }                  \
    FA_INLINE void fv_stream_##S(T *p, fv_##S v) { _mm512_stream_##ps(p, v); }                 \
    FA_INLINE fv_##S fv_setall_##S(T x) { return _mm512_set1_##ps(x); }                        \
    FA_INLINE fv_##S fv_add_##S(fv_##S a, fv_##S b) { return _mm512_add_##ps(a, b); }         \
    FA_INLINE fv_##S fv_sub_##S(fv_##S a, fv_##S b) { return _mm512_sub_##ps(a, b); }         \
    FA_INLINE fv_##S fv_mul_##S(fv_##S a, fv_##S b) { return _mm512_mul_##ps(a, b); }         \
    FA_INLINE fv_##S fv_div_##S(fv_##S a, fv_##S b) { return _mm512_div_##ps(a, b); }         \
    FA_INLINE fv_##S fv_sqrt_##S(fv_##S a) { return _mm512_sqrt_##ps(a); }                    \
    FA_INLINE fv_##S fv_muladd_##S(fv_##S a, fv_##S b, fv_##S c)                              \
    { return _mm512_fmadd_##ps(a, b, c); }                                                     \
    FA_INLINE fv_##S fv_nmuladd_##S(fv_##S a, fv_##S b, fv_##S c)                             \
    { return _mm512_fnmadd_##ps(a, b, c); }                                                    \
    FA_INLINE fv_##S fv_abs_##S(fv_##S a) { return _mm512_abs_##ps(a); }                       \
    FA_INLINE fv_##S fv_neg_##S(fv_##S a) { return _mm512_xor_##ps(_mm512_set1_##ps(-0.0), a); }   \
    FA_INLINE fv_##S fv_copysign_##S(fv_##S m, fv_##S s)                                      \
    {                                                                                          \
        const fv_##S sign = _mm512_set1_##ps(-0.0);                                            \
        return _mm512_or_##ps(_mm512_andnot_##ps(sign, m), _mm512_and_##ps(sign, s));          \
    }                                                                                          \
    /* vmaxps/vminps return the second operand when either is NaN or both are equal */        \
    FA_INLINE fv_##S fv_max_##S(fv_##S a, fv_##S b) { return _mm512_max_##ps(a, b); }         \
    FA_INLINE fv_##S fv_min_##S(fv_##S a, fv_##S b) { return _mm512_min_##ps(a, b); }         \
    FA_INLINE M fv_cmplt_##S(fv_##S a, fv_##S b) { return _mm512_cmp_##ps##_mask(a, b, _CMP_LT_OQ); } \
    FA_INLINE M fv_cmple_##S(fv_##S a, fv_##S b) { return _mm512_cmp_##ps##_mask(a, b, _CMP_LE_OQ); } \
    FA_INLINE M fv_cmpgt_##S(fv_##S a, fv_##S b) { return _mm512_cmp_##ps##_mask(a, b, _CMP_GT_OQ); } \
    FA_INLINE M fv_cmpeq_##S(fv_##S a, fv_##S b) { return _mm512_cmp_##ps##_mask(a, b, _CMP_EQ_OQ); } \
    FA_INLINE fv_##S fv_select_##S(M m, fv_##S a, fv_##S b) { return _mm512_mask_blend_##ps(m, b, a); } \
    FA_INLINE M fv_mand_##S(M a, M b) { return (M)(a & b); }                                   \
    FA_INLINE M fv_mor_##S(M a, M b) { return (M)(a | b); }                                    \
    FA_INLINE M fv_mandnot_##S(M a, M b) { return (M)(a & ~b); }                               \
    FA_INLINE fv_u##S fv_usetall_##S(U x) { return _mm512_set1_epi##ep((FV_AVX512_SET_##ep)x); } \
    FA_INLINE fv_u##S fv_as_u_##S(fv_##S v) { return _mm512_cast##ps##_si512(v); }             \
    FA_INLINE fv_##S fv_from_u_##S(fv_u##S u) { return _mm512_castsi512_##ps(u); }             \
    FA_INLINE fv_u##S fv_uadd_##S(fv_u##S a, fv_u##S b) { return _mm512_add_epi##ep(a, b); }  \
    FA_INLINE fv_u##S fv_usub_##S(fv_u##S a, fv_u##S b) { return _mm512_sub_epi##ep(a, b); }

#define FV_AVX512_SET_32 int
#define FV_AVX512_SET_64 long long

FA_INLINE void fv_stream_fence(void) { _mm_sfence(); }

FV_AVX512_OPS(f32, float, uint32_t, ps, 32, __mmask16)
FV_AVX512_OPS(f64, double, uint64_t, pd, 64, __mmask8)
#undef FV_AVX512_OPS

#define fv_ushli_f32(u, n) _mm512_slli_epi32((u), (n))
#define fv_ushli_f64(u, n) _mm512_slli_epi64((u), (n))

/* vpermilps / vpermilpd read the low bits of each index within each 128-bit lane:
 * the 4-entry table broadcast to every 128 bits (2 entries for doubles, so their
 * table is replicated over the 512 bits and read with vpermpd instead). */
FA_INLINE fv_f32 fv_lut4_f32(const float t[4], fv_uf32 i)
{
    return _mm512_permutevar_ps(_mm512_broadcast_f32x4(_mm_loadu_ps(t)), i);
}
FA_INLINE fv_f64 fv_lut4_f64(const double t[4], fv_uf64 i)
{
    return _mm512_permutexvar_pd(i, _mm512_broadcast_f64x4(_mm256_loadu_pd(t)));
}
FA_INLINE fv_uf32 fv_uand_f32(fv_uf32 a, fv_uf32 b) { return _mm512_and_si512(a, b); }
FA_INLINE fv_uf64 fv_uand_f64(fv_uf64 a, fv_uf64 b) { return _mm512_and_si512(a, b); }

/* -|a| in one operation: set the sign bit */
FA_INLINE fv_f32 fv_nabs_f32(fv_f32 a) { return _mm512_or_ps(a, _mm512_set1_ps(-0.0f)); }
FA_INLINE fv_f64 fv_nabs_f64(fv_f64 a) { return _mm512_or_pd(a, _mm512_set1_pd(-0.0)); }

/* m (sign bit clear) with the sign of s: one and, one or (copysign needs three) */
FA_INLINE fv_f32 fv_orsign_f32(fv_f32 m, fv_f32 s)
{ return _mm512_or_ps(m, _mm512_and_ps(s, _mm512_set1_ps(-0.0f))); }
FA_INLINE fv_f64 fv_orsign_f64(fv_f64 m, fv_f64 s)
{ return _mm512_or_pd(m, _mm512_and_pd(s, _mm512_set1_pd(-0.0))); }

/* signbit(s) ? a : b: the sign bits moved into a mask (vpmovd2m / vpmovq2m) */
FA_INLINE fv_f32 fv_selsign_f32(fv_f32 s, fv_f32 a, fv_f32 b)
{ return _mm512_mask_blend_ps(_mm512_movepi32_mask(_mm512_castps_si512(s)), b, a); }
FA_INLINE fv_f64 fv_selsign_f64(fv_f64 s, fv_f64 a, fv_f64 b)
{ return _mm512_mask_blend_pd(_mm512_movepi64_mask(_mm512_castpd_si512(s)), b, a); }

/* fv_join: one vpermt2ps / vpermt2pd over the pair (prev, cur), index l + L - k
 * (its top bit picks cur) */
typedef __m512i fv_jctl_f32;
typedef __m512i fv_jctl_f64;
FA_INLINE fv_jctl_f32 fv_join_ctl_f32(unsigned k)
{
    return _mm512_add_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                            _mm512_set1_epi32((int)(16u - k)));
}
FA_INLINE fv_jctl_f64 fv_join_ctl_f64(unsigned k)
{
    return _mm512_add_epi64(_mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7),
                            _mm512_set1_epi64((long long)(8u - k)));
}
FA_INLINE fv_f32 fv_join_f32(fv_f32 prev, fv_f32 cur, fv_jctl_f32 c)
{ return _mm512_permutex2var_ps(prev, c, cur); }
FA_INLINE fv_f64 fv_join_f64(fv_f64 prev, fv_f64 cur, fv_jctl_f64 c)
{ return _mm512_permutex2var_pd(prev, c, cur); }

#endif
