/* fa_math_impl.h - branch-free exp/expm1 and the logistic quotient, written once
 * and instantiated per float type.
 *
 * Include with FA_T, FA_IS_F32, FA_FN, FA_C and FA_FMA defined (see kernels.c).  Everything
 * is plain scalar C with selects instead of branches so that the compiler
 * vectorises the calling loops for whatever instruction set the translation unit
 * is built for (SSE2, AVX2+FMA, AVX-512, NEON): one source, many ISA variants.
 *
 * Only arguments x <= 0 (or NaN) are ever needed: sigmoid and tanh are evaluated
 * on -|z| and reflected, which is what keeps them free of overflow.
 */
#include <string.h>

#if FA_IS_F32
typedef uint32_t FA_FN(fa_u);
#  define FA_MANT_BITS 23
#  define FA_EXP_BIAS 127
/* Below this exp(x), even times the largest scale passed to fa_exp_expm1_neg
 * (4, for tanh'), rounds to zero in the subnormal range. */
#  define FA_EXP_MIN_ARG -110.0f
#  define FA_LOG2E 0x1.715476p+0f
/* Cody-Waite split of ln 2: n*LN2_HI is exact for |n| < 2^8. */
#  define FA_LN2_HI 0x1.62e400p-1f
#  define FA_LN2_LO 0x1.7f7d1cp-20f
/* Adding 1.5*2^23 rounds to an integer held in the low mantissa bits. */
#  define FA_ROUND_MAGIC 0x1.8p23f
/* 2^(n+K) is normal for every n >= -160 the reduction can produce. */
#  define FA_SCALE_K 40
#  define FA_INV_SCALE_K 0x1p-40f
#else
typedef uint64_t FA_FN(fa_u);
#  define FA_MANT_BITS 52
#  define FA_EXP_BIAS 1023
#  define FA_EXP_MIN_ARG -750.0
#  define FA_LOG2E 0x1.71547652b82fep+0
#  define FA_LN2_HI 0x1.62e42fee00000p-1
#  define FA_LN2_LO 0x1.a39ef35793c76p-33
#  define FA_ROUND_MAGIC 0x1.8p52
#  define FA_SCALE_K 64
#  define FA_INV_SCALE_K 0x1p-64
#endif

FA_INLINE FA_FN(fa_u) FA_FN(fa_bits)(FA_T x)
{
    FA_FN(fa_u) u;
    memcpy(&u, &x, sizeof u);
    return u;
}

FA_INLINE FA_T FA_FN(fa_from_bits)(FA_FN(fa_u) u)
{
    FA_T x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* expm1(r) for |r| <= ln2/2: Taylor series, truncated where the remainder
 * is below 2^-60 (double) / 2^-30 (float) relative to r. */
FA_INLINE FA_T FA_FN(fa_expm1_reduced)(FA_T r)
{
#if FA_IS_F32
    FA_T p = 0x1.a01a02p-16f;
    p = FA_FMA(p, r, 0x1.a01a02p-13f);
    p = FA_FMA(p, r, 0x1.6c16c2p-10f);
    p = FA_FMA(p, r, 0x1.111112p-7f);
    p = FA_FMA(p, r, 0x1.555556p-5f);
    p = FA_FMA(p, r, 0x1.555556p-3f);
    p = FA_FMA(p, r, 0x1.0p-1f);
#else
    FA_T p = 0x1.93974a8c07c9dp-37;
    p = FA_FMA(p, r, 0x1.6124613a86d09p-33);
    p = FA_FMA(p, r, 0x1.1eed8eff8d898p-29);
    p = FA_FMA(p, r, 0x1.ae64567f544e4p-26);
    p = FA_FMA(p, r, 0x1.27e4fb7789f5cp-22);
    p = FA_FMA(p, r, 0x1.71de3a556c734p-19);
    p = FA_FMA(p, r, 0x1.a01a01a01a01ap-16);
    p = FA_FMA(p, r, 0x1.a01a01a01a01ap-13);
    p = FA_FMA(p, r, 0x1.6c16c16c16c17p-10);
    p = FA_FMA(p, r, 0x1.1111111111111p-7);
    p = FA_FMA(p, r, 0x1.5555555555555p-5);
    p = FA_FMA(p, r, 0x1.5555555555555p-3);
    p = FA_FMA(p, r, 0x1.0p-1);
#endif
    return FA_FMA(r * r, p, r);
}

/* For x <= 0 or NaN: *e = escale * exp(x) and *em = expm1(x) from one range
 * reduction; escale is a power of two in [1, 4] (tanh' wants 4 exp(-2|z|)).
 * x = n ln2 + r;  exp(x) = 2^n (1 + q),  expm1(x) = 2^n q + (2^n - 1), q = expm1(r).
 * 2^n is applied as the normal 2^(n+K) times the constant 2^-K (times escale):
 * the first product is exact up to the rounding of 1 + q, so a result that lands
 * in the subnormal range is rounded only once, at the last multiply (and this
 * costs the vector loop one power-of-two construction, not two). */
FA_INLINE void FA_FN(fa_exp_expm1_neg)(FA_T x, FA_T escale, FA_T *e, FA_T *em)
{
    x = x < FA_EXP_MIN_ARG ? FA_EXP_MIN_ARG : x; /* NaN passes through */
    const FA_T t = FA_FMA(x, FA_LOG2E, FA_ROUND_MAGIC);
    const FA_T n = t - FA_ROUND_MAGIC;
    /* n as an integer, read from the mantissa of t (no float->int conversion,
     * which would be undefined for NaN); unsigned, so nothing can overflow. */
    const FA_FN(fa_u) ni = FA_FN(fa_bits)(t) - FA_FN(fa_bits)(FA_ROUND_MAGIC);
    FA_T r = FA_FMA(n, -FA_LN2_HI, x);
    r = FA_FMA(n, -FA_LN2_LO, r);
    const FA_T q = FA_FN(fa_expm1_reduced)(r);
    /* n >= FA_EXP_MIN_ARG*log2(e) keeps n + K inside the normal exponents. */
    const FA_T sk = FA_FN(fa_from_bits)((FA_FN(fa_u))(ni + FA_EXP_BIAS + FA_SCALE_K)
                                        << FA_MANT_BITS);
    *e = FA_FMA(q, sk, sk) * (FA_INV_SCALE_K * escale);
    const FA_T s = sk * FA_INV_SCALE_K; /* 2^n, itself rounded once if subnormal */
    *em = FA_FMA(s, q, s - FA_C(1.0));
}

/* Accurate num/den where the true denominator is den + den_lo (den_lo an exact
 * rounding error) and rcp ~ 1/den.  With FMA the residual is exact and one
 * correction step gives a nearly correctly rounded quotient, returned.
 * The unrounded quotient is also handed out as *h + *l (|*l| << |*h|; *l = 0
 * without FMA), so a product of two quotients can be rounded once (fa_mul_dw). */
FA_INLINE FA_T FA_FN(fa_quot_dw)(FA_T num, FA_T den, FA_T den_lo, FA_T rcp, FA_T *h, FA_T *l)
{
#if FA_HAVE_FMA
    const FA_T q0 = num * rcp;
    const FA_T res = FA_FMA(-q0, den, num) - q0 * den_lo;
    *h = q0;
    *l = res * rcp;
    return FA_FMA(res, rcp, q0);
#else
    (void)den_lo; (void)rcp;
    *h = num / den;
    *l = FA_C(0.0);
    return *h;
#endif
}

FA_INLINE FA_T FA_FN(fa_quot)(FA_T num, FA_T den, FA_T den_lo, FA_T rcp)
{
    FA_T h, l;
    return FA_FN(fa_quot_dw)(num, den, den_lo, rcp, &h, &l);
}

/* Reciprocal of den + den_lo, refined as above; *h + *l as in fa_quot_dw. */
FA_INLINE FA_T FA_FN(fa_recip_dw)(FA_T den, FA_T den_lo, FA_T *h, FA_T *l)
{
    const FA_T r0 = FA_C(1.0) / den;
    *h = r0;
#if FA_HAVE_FMA
    const FA_T res = FA_FMA(-r0, den, FA_C(1.0)) - r0 * den_lo;
    *l = res * r0;
    return FA_FMA(res, r0, r0);
#else
    (void)den_lo;
    *l = FA_C(0.0);
    return r0;
#endif
}

/* (ah + al) * (bh + bl) rounded once, for |al| << |ah|, |bl| << |bh|: the FMA
 * adds the small cross terms to the exact ah*bh before its only rounding, so a
 * derivative formed as a product of two quotients is not rounded three times
 * (that cost up to 3 ULP for tanh' in float32).  Without FMA: the plain product. */
FA_INLINE FA_T FA_FN(fa_mul_dw)(FA_T ah, FA_T al, FA_T bh, FA_T bl)
{
#if FA_HAVE_FMA
    return FA_FMA(ah, bh, FA_FMA(ah, bl, al * bh));
#else
    (void)al; (void)bl;
    return ah * bh;
#endif
}

/* The logistic pair for e = exp(-|z|) in [0, 1]:
 *   *lo = e / (1 + e) = sigma(-|z|),   *hi = 1 / (1 + e) = sigma(|z|),
 *   *prod = e / (1 + e)^2 = lo * hi, rounded once from the unrounded lo and hi.
 * 1 + e is formed with its exact rounding error (Fast2Sum, 1 >= e). */
FA_INLINE void FA_FN(fa_logistic_pair)(FA_T e, FA_T *lo, FA_T *hi, FA_T *prod)
{
    const FA_T den = FA_C(1.0) + e;
    const FA_T den_lo = (FA_C(1.0) - den) + e;
    FA_T rh, rl, qh, ql;
    *hi = FA_FN(fa_recip_dw)(den, den_lo, &rh, &rl);
    *lo = FA_FN(fa_quot_dw)(e, den, den_lo, *hi, &qh, &ql);
    *prod = FA_FN(fa_mul_dw)(qh, ql, rh, rl);
}

#undef FA_MANT_BITS
#undef FA_EXP_BIAS
#undef FA_EXP_MIN_ARG
#undef FA_LOG2E
#undef FA_LN2_HI
#undef FA_LN2_LO
#undef FA_ROUND_MAGIC
#undef FA_SCALE_K
#undef FA_INV_SCALE_K
