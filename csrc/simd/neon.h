/* simd/neon.h - the vector vocabulary on aarch64 ASIMD (see simd.h): 4 float or 2
 * double lanes, masks as all-ones unsigned lanes. */
#ifndef FASTACT_SIMD_NEON_H
#define FASTACT_SIMD_NEON_H

#include <arm_neon.h>

#define FV_ISA "neon"
/* fv_lut4 is a shuffle here: the default-mode algorithms (which read 2^(j/4)
 * from a table) pay */
#define FV_LUT4_CHEAP 1
/* no non-temporal stores: a call's fa_params.stream is ignored */
#define FV_HAS_STREAM 0
#define FV_LANES_f32 4
#define FV_LANES_f64 2

typedef float32x4_t fv_f32;
typedef float64x2_t fv_f64;
typedef uint32x4_t fv_mf32;
typedef uint64x2_t fv_mf64;
typedef uint32x4_t fv_uf32;
typedef uint64x2_t fv_uf64;

/* q: the float suffix (f32/f64); u: the unsigned one (u32/u64). */
#define FV_NEON_OPS(S, T, U, q, u)                                                              \
    FA_INLINE fv_##S fv_load_##S(const T *p) { return vld1q_##q(p); }                           \
    FA_INLINE void fv_store_##S(T *p, fv_##S v) { vst1q_##q(p, v); }                            \
    FA_INLINE fv_##S fv_setall_##S(T x) { return vdupq_n_##q(x); }                              \
    FA_INLINE fv_u##S fv_usetall_##S(U x) { return vdupq_n_##u(x); }                            \
    FA_INLINE fv_##S fv_add_##S(fv_##S a, fv_##S b) { return vaddq_##q(a, b); }                \
    FA_INLINE fv_##S fv_sub_##S(fv_##S a, fv_##S b) { return vsubq_##q(a, b); }                \
    FA_INLINE fv_##S fv_mul_##S(fv_##S a, fv_##S b) { return vmulq_##q(a, b); }                \
    FA_INLINE fv_##S fv_div_##S(fv_##S a, fv_##S b) { return vdivq_##q(a, b); }                \
    FA_INLINE fv_##S fv_sqrt_##S(fv_##S a) { return vsqrtq_##q(a); }                           \
    /* vfmaq(c, a, b) = c + a*b and vfmsq(c, a, b) = c - a*b, each rounded once */            \
    FA_INLINE fv_##S fv_muladd_##S(fv_##S a, fv_##S b, fv_##S c) { return vfmaq_##q(c, a, b); } \
    FA_INLINE fv_##S fv_nmuladd_##S(fv_##S a, fv_##S b, fv_##S c) { return vfmsq_##q(c, a, b); } \
    FA_INLINE fv_##S fv_abs_##S(fv_##S a) { return vabsq_##q(a); }                              \
    FA_INLINE fv_##S fv_neg_##S(fv_##S a) { return vnegq_##q(a); }                              \
    FA_INLINE fv_##S fv_copysign_##S(fv_##S m, fv_##S s)                                       \
    { return vbslq_##q(vdupq_n_##u((U)1 << (sizeof(U) * 8 - 1)), s, m); }                       \
    /* NEON's fmax propagates NaN from either side; x86's order (NaN in b passes, NaN in      \
     * a gives b) is what the maths relies on, so spell out the ternary */                    \
    FA_INLINE fv_##S fv_max_##S(fv_##S a, fv_##S b) { return vbslq_##q(vcgtq_##q(a, b), a, b); } \
    FA_INLINE fv_##S fv_min_##S(fv_##S a, fv_##S b) { return vbslq_##q(vcltq_##q(a, b), a, b); } \
    FA_INLINE fv_m##S fv_cmplt_##S(fv_##S a, fv_##S b) { return vcltq_##q(a, b); }             \
    FA_INLINE fv_m##S fv_cmple_##S(fv_##S a, fv_##S b) { return vcleq_##q(a, b); }             \
    FA_INLINE fv_m##S fv_cmpgt_##S(fv_##S a, fv_##S b) { return vcgtq_##q(a, b); }             \
    FA_INLINE fv_m##S fv_cmpeq_##S(fv_##S a, fv_##S b) { return vceqq_##q(a, b); }             \
    FA_INLINE fv_##S fv_select_##S(fv_m##S m, fv_##S a, fv_##S b) { return vbslq_##q(m, a, b); } \
    FA_INLINE fv_m##S fv_mand_##S(fv_m##S a, fv_m##S b) { return vandq_##u(a, b); }            \
    FA_INLINE fv_m##S fv_mor_##S(fv_m##S a, fv_m##S b) { return vorrq_##u(a, b); }             \
    FA_INLINE fv_m##S fv_mandnot_##S(fv_m##S a, fv_m##S b) { return vbicq_##u(a, b); }         \
    FA_INLINE fv_u##S fv_as_u_##S(fv_##S v) { return vreinterpretq_##u##_##q(v); }             \
    FA_INLINE fv_##S fv_from_u_##S(fv_u##S x) { return vreinterpretq_##q##_##u(x); }           \
    FA_INLINE fv_u##S fv_uadd_##S(fv_u##S a, fv_u##S b) { return vaddq_##u(a, b); }            \
    FA_INLINE fv_u##S fv_usub_##S(fv_u##S a, fv_u##S b) { return vsubq_##u(a, b); }

FV_NEON_OPS(f32, float, uint32_t, f32, u32)
FV_NEON_OPS(f64, double, uint64_t, f64, u64)
#undef FV_NEON_OPS

#define fv_ushli_f32(x, n) vshlq_n_u32((x), (n))
#define fv_ushli_f64(x, n) vshlq_n_u64((x), (n))

/* A byte shuffle (tbl) of the 16-byte table: byte indices 4j..4j+3 per lane. */
FA_INLINE fv_f32 fv_lut4_f32(const float t[4], fv_uf32 i)
{
    const uint32x4_t b = vaddq_u32(vmulq_n_u32(vandq_u32(i, vdupq_n_u32(3)), 0x04040404u),
                                   vdupq_n_u32(0x03020100u));
    return vreinterpretq_f32_u8(vqtbl1q_u8(vreinterpretq_u8_f32(vld1q_f32(t)),
                                           vreinterpretq_u8_u32(b)));
}
/* two lanes: two table reads */
FA_INLINE fv_f64 fv_lut4_f64(const double t[4], fv_uf64 i)
{
    const double lo = t[vgetq_lane_u64(i, 0) & 3u], hi = t[vgetq_lane_u64(i, 1) & 3u];
    return vsetq_lane_f64(hi, vdupq_n_f64(lo), 1);
}
FA_INLINE fv_uf32 fv_uand_f32(fv_uf32 a, fv_uf32 b) { return vandq_u32(a, b); }
FA_INLINE fv_uf64 fv_uand_f64(fv_uf64 a, fv_uf64 b) { return vandq_u64(a, b); }

FA_INLINE fv_f32 fv_nabs_f32(fv_f32 a) { return vnegq_f32(vabsq_f32(a)); }
FA_INLINE fv_f64 fv_nabs_f64(fv_f64 a) { return vnegq_f64(vabsq_f64(a)); }

/* m (sign bit clear) with the sign of s */
FA_INLINE fv_f32 fv_orsign_f32(fv_f32 m, fv_f32 s)
{ return vreinterpretq_f32_u32(vorrq_u32(vreinterpretq_u32_f32(m),
                                         vandq_u32(vreinterpretq_u32_f32(s), vdupq_n_u32(0x80000000u)))); }
FA_INLINE fv_f64 fv_orsign_f64(fv_f64 m, fv_f64 s)
{ return vreinterpretq_f64_u64(vorrq_u64(vreinterpretq_u64_f64(m),
                                         vandq_u64(vreinterpretq_u64_f64(s),
                                                   vdupq_n_u64(0x8000000000000000u)))); }

/* signbit(s) ? a : b: the sign bit spread over its lane (arithmetic shift) as the mask */
FA_INLINE fv_f32 fv_selsign_f32(fv_f32 s, fv_f32 a, fv_f32 b)
{ return vbslq_f32(vreinterpretq_u32_s32(vshrq_n_s32(vreinterpretq_s32_f32(s), 31)), a, b); }
FA_INLINE fv_f64 fv_selsign_f64(fv_f64 s, fv_f64 a, fv_f64 b)
{ return vbslq_f64(vreinterpretq_u64_s64(vshrq_n_s64(vreinterpretq_s64_f64(s), 63)), a, b); }

/* fv_join: one tbl over the 32 bytes of (prev, cur), byte index p + 16 - k * sizeof(T) */
typedef uint8x16_t fv_jctl_f32;
typedef uint8x16_t fv_jctl_f64;
FA_INLINE uint8x16_t fv_join_ctl_bytes(unsigned shift)
{
    static const uint8_t iota[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    return vaddq_u8(vld1q_u8(iota), vdupq_n_u8((uint8_t)(16u - shift)));
}
FA_INLINE fv_jctl_f32 fv_join_ctl_f32(unsigned k) { return fv_join_ctl_bytes(4u * k); }
FA_INLINE fv_jctl_f64 fv_join_ctl_f64(unsigned k) { return fv_join_ctl_bytes(8u * k); }
FA_INLINE fv_f32 fv_join_f32(fv_f32 prev, fv_f32 cur, fv_jctl_f32 c)
{
    uint8x16x2_t t;
    t.val[0] = vreinterpretq_u8_f32(prev);
    t.val[1] = vreinterpretq_u8_f32(cur);
    return vreinterpretq_f32_u8(vqtbl2q_u8(t, c));
}
FA_INLINE fv_f64 fv_join_f64(fv_f64 prev, fv_f64 cur, fv_jctl_f64 c)
{
    uint8x16x2_t t;
    t.val[0] = vreinterpretq_u8_f64(prev);
    t.val[1] = vreinterpretq_u8_f64(cur);
    return vreinterpretq_f64_u8(vqtbl2q_u8(t, c));
}

#endif
