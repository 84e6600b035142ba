/* simd/avx2.h - the vector vocabulary on AVX2 + FMA (see simd.h): 8 float or 4
 * double lanes, masks as all-ones lanes of the same registers. */
#ifndef FASTACT_SIMD_AVX2_H
#define FASTACT_SIMD_AVX2_H

#include <immintrin.h>

#define FV_ISA "avx2"
/* fv_lut4 is a shuffle here: the default-mode algorithms (which read 2^(j/4)
 * from a table) pay */
#define FV_LUT4_CHEAP 1
/* vmovntps/pd: non-temporal stores (p aligned to the vector) */
#define FV_HAS_STREAM 1
#define FV_LANES_f32 8
#define FV_LANES_f64 4

typedef __m256 fv_f32;
typedef __m256d fv_f64;
typedef __m256 fv_mf32;
typedef __m256d fv_mf64;
typedef __m256i fv_uf32;
typedef __m256i fv_uf64;

/* ps/pd: the intrinsic suffix; ep: the integer lane width. */
#define FV_AVX2_OPS(S, T, U, ps, ep)                                                            \
    FA_INLINE fv_##S fv_load_##S(const T *p) { return _mm256_loadu_##ps(p); }                  \
    FA_INLINE void fv_store_##S(T *p, fv_##S v) { _mm256_storeu_##ps(p, v); }                  \
    FA_INLINE void fv_stream_##S(T *p, fv_##S v) { _mm256_stream_##ps(p, v); }                 \
    FA_INLINE fv_##S fv_setall_##S(T x) { return _mm256_set1_##ps(x); }                        \
    FA_INLINE fv_##S fv_add_##S(fv_##S a, fv_##S b) { return _mm256_add_##ps(a, b); }         \
    FA_INLINE fv_##S fv_sub_##S(fv_##S a, fv_##S b) { return _mm256_sub_##ps(a, b); }         \
    FA_INLINE fv_##S fv_mul_##S(fv_##S a, fv_##S b) { return _mm256_mul_##ps(a, b); }         \
    FA_INLINE fv_##S fv_div_##S(fv_##S a, fv_##S b) { return _mm256_div_##ps(a, b); }         \
    FA_INLINE fv_##S fv_sqrt_##S(fv_##S a) { return _mm256_sqrt_##ps(a); }                    \
    FA_INLINE fv_##S fv_muladd_##S(fv_##S a, fv_##S b, fv_##S c)                              \
    { return _mm256_fmadd_##ps(a, b, c); }                                                     \
    FA_INLINE fv_##S fv_nmuladd_##S(fv_##S a, fv_##S b, fv_##S c)                             \
    { return _mm256_fnmadd_##ps(a, b, c); }                                                    \
    FA_INLINE fv_##S fv_abs_##S(fv_##S a) { return _mm256_andnot_##ps(_mm256_set1_##ps(-0.0), a); } \
    FA_INLINE fv_##S fv_neg_##S(fv_##S a) { return _mm256_xor_##ps(_mm256_set1_##ps(-0.0), a); }   \
    FA_INLINE fv_##S fv_copysign_##S(fv_##S m, fv_##S s)                                      \
    {                                                                                          \
        const fv_##S sign = _mm256_set1_##ps(-0.0);                                            \
        return _mm256_or_##ps(_mm256_andnot_##ps(sign, m), _mm256_and_##ps(sign, s));          \
    }                                                                                          \
    /* maxps/minps return the second operand when either is NaN or both are equal */          \
    FA_INLINE fv_##S fv_max_##S(fv_##S a, fv_##S b) { return _mm256_max_##ps(a, b); }         \
    FA_INLINE fv_##S fv_min_##S(fv_##S a, fv_##S b) { return _mm256_min_##ps(a, b); }         \
    FA_INLINE fv_m##S fv_cmplt_##S(fv_##S a, fv_##S b) { return _mm256_cmp_##ps(a, b, _CMP_LT_OQ); } \
    FA_INLINE fv_m##S fv_cmple_##S(fv_##S a, fv_##S b) { return _mm256_cmp_##ps(a, b, _CMP_LE_OQ); } \
    FA_INLINE fv_m##S fv_cmpgt_##S(fv_##S a, fv_##S b) { return _mm256_cmp_##ps(a, b, _CMP_GT_OQ); } \
    FA_INLINE fv_m##S fv_cmpeq_##S(fv_##S a, fv_##S b) { return _mm256_cmp_##ps(a, b, _CMP_EQ_OQ); } \
    FA_INLINE fv_##S fv_select_##S(fv_m##S m, fv_##S a, fv_##S b)                             \
    { return _mm256_blendv_##ps(b, a, m); }                                                    \
    FA_INLINE fv_m##S fv_mand_##S(fv_m##S a, fv_m##S b) { return _mm256_and_##ps(a, b); }     \
    FA_INLINE fv_m##S fv_mor_##S(fv_m##S a, fv_m##S b) { return _mm256_or_##ps(a, b); }       \
    FA_INLINE fv_m##S fv_mandnot_##S(fv_m##S a, fv_m##S b) { return _mm256_andnot_##ps(b, a); } \
    FA_INLINE fv_u##S fv_usetall_##S(U x) { return FV_AVX2_SET1_##ep(x); } \
    FA_INLINE fv_u##S fv_as_u_##S(fv_##S v) { return _mm256_cast##ps##_si256(v); }             \
    FA_INLINE fv_##S fv_from_u_##S(fv_u##S u) { return _mm256_castsi256_##ps(u); }             \
    FA_INLINE fv_u##S fv_uadd_##S(fv_u##S a, fv_u##S b) { return _mm256_add_epi##ep(a, b); }  \
    FA_INLINE fv_u##S fv_usub_##S(fv_u##S a, fv_u##S b) { return _mm256_sub_epi##ep(a, b); }

FA_INLINE void fv_stream_fence(void) { _mm_sfence(); }

#define FV_AVX2_SET1_32(x) _mm256_set1_epi32((int)(x))
#define FV_AVX2_SET1_64(x) _mm256_set1_epi64x((long long)(x))

FV_AVX2_OPS(f32, float, uint32_t, ps, 32)
FV_AVX2_OPS(f64, double, uint64_t, pd, 64)
#undef FV_AVX2_OPS

#define fv_ushli_f32(u, n) _mm256_slli_epi32((u), (n))
#define fv_ushli_f64(u, n) _mm256_slli_epi64((u), (n))

/* vpermilps reads the low two bits of each index lane, within each 128-bit half:
 * a 4-entry table costs one shuffle (no gather). */
FA_INLINE fv_f32 fv_lut4_f32(const float t[4], fv_uf32 i)
{
    return _mm256_permutevar_ps(_mm256_broadcast_ps((const __m128 *)(const void *)t), i);
}
/* doubles: vpermps on the 32-bit halves, index pair (2j, 2j+1) per lane.  vpermps
 * reads only the low 3 bits of each index, so the low half of i, duplicated into
 * both halves (vpshufd) and doubled, is 2j there without a mask; the high half
 * then gets the +1. */
FA_INLINE fv_f64 fv_lut4_f64(const double t[4], fv_uf64 i)
{
    const __m256i lo2 = _mm256_shuffle_epi32(i, _MM_SHUFFLE(2, 2, 0, 0));
    const __m256i idx = _mm256_or_si256(_mm256_add_epi32(lo2, lo2),
                                        _mm256_set1_epi64x((long long)1 << 32));
    return _mm256_castps_pd(_mm256_permutevar8x32_ps(
        _mm256_castpd_ps(_mm256_loadu_pd(t)), idx));
}
FA_INLINE fv_uf32 fv_uand_f32(fv_uf32 a, fv_uf32 b) { return _mm256_and_si256(a, b); }
FA_INLINE fv_uf64 fv_uand_f64(fv_uf64 a, fv_uf64 b) { return _mm256_and_si256(a, b); }

/* -|a| in one operation: set the sign bit */
FA_INLINE fv_f32 fv_nabs_f32(fv_f32 a) { return _mm256_or_ps(a, _mm256_set1_ps(-0.0f)); }
FA_INLINE fv_f64 fv_nabs_f64(fv_f64 a) { return _mm256_or_pd(a, _mm256_set1_pd(-0.0)); }

/* m (sign bit clear) with the sign of s: one and, one or (copysign needs three) */
FA_INLINE fv_f32 fv_orsign_f32(fv_f32 m, fv_f32 s)
{ return _mm256_or_ps(m, _mm256_and_ps(s, _mm256_set1_ps(-0.0f))); }
FA_INLINE fv_f64 fv_orsign_f64(fv_f64 m, fv_f64 s)
{ return _mm256_or_pd(m, _mm256_and_pd(s, _mm256_set1_pd(-0.0))); }

/* signbit(s) ? a : b: blendv reads the sign bit of its mask lanes, so s itself is
 * the mask (no compare) */
FA_INLINE fv_f32 fv_selsign_f32(fv_f32 s, fv_f32 a, fv_f32 b) { return _mm256_blendv_ps(b, a, s); }
FA_INLINE fv_f64 fv_selsign_f64(fv_f64 s, fv_f64 a, fv_f64 b) { return _mm256_blendv_pd(b, a, s); }

/* fv_join: AVX2 has no two-register permute, so both vectors are rotated by k
 * lanes (vpermps, index (l - k) mod L; doubles as pairs of 32-bit halves) and the
 * first k lanes taken from prev (blendv on a lane mask). */
typedef struct { __m256i idx, take_prev; } fv_jctl_f32;
typedef struct { __m256i idx, take_prev; } fv_jctl_f64;
FA_INLINE fv_jctl_f32 fv_join_ctl_f32(unsigned k)
{
    const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), kk = _mm256_set1_epi32((int)k);
    fv_jctl_f32 c;
    c.idx = _mm256_and_si256(_mm256_sub_epi32(iota, kk), _mm256_set1_epi32(7));
    c.take_prev = _mm256_cmpgt_epi32(kk, iota);
    return c;
}
FA_INLINE fv_jctl_f64 fv_join_ctl_f64(unsigned k)
{
    const __m256i iota = _mm256_setr_epi64x(0, 1, 2, 3), kk = _mm256_set1_epi64x((long long)k);
    const __m256i s2 = _mm256_slli_epi64(_mm256_and_si256(_mm256_sub_epi64(iota, kk),
                                                          _mm256_set1_epi64x(3)), 1);
    fv_jctl_f64 c;
    c.idx = _mm256_or_si256(s2, _mm256_slli_epi64(_mm256_add_epi64(s2, _mm256_set1_epi64x(1)), 32));
    c.take_prev = _mm256_cmpgt_epi64(kk, iota);
    return c;
}
FA_INLINE fv_f32 fv_join_f32(fv_f32 prev, fv_f32 cur, fv_jctl_f32 c)
{
    return _mm256_blendv_ps(_mm256_permutevar8x32_ps(cur, c.idx),
                            _mm256_permutevar8x32_ps(prev, c.idx), _mm256_castsi256_ps(c.take_prev));
}
FA_INLINE fv_f64 fv_join_f64(fv_f64 prev, fv_f64 cur, fv_jctl_f64 c)
{
    const __m256 p = _mm256_permutevar8x32_ps(_mm256_castpd_ps(prev), c.idx);
    const __m256 q = _mm256_permutevar8x32_ps(_mm256_castpd_ps(cur), c.idx);
    return _mm256_castps_pd(_mm256_blendv_ps(q, p, _mm256_castsi256_ps(c.take_prev)));
}

#endif
