/* fa_math_impl.h - branch-free exp/expm1 and the logistic quotient, written once
 * against the vector vocabulary (simd/simd.h) and instantiated per float type.
 *
 * Include with FA_T, FA_IS_F32, FA_FN, FV, FA_V, FA_U defined (see kernels.c).  Every
 * function works on one vector of FA_T; the same source becomes scalar C (which the
 * baseline build auto-vectorises), AVX2, AVX-512 or NEON code, and every lane does
 * the same IEEE operations, so results do not depend on the level's width.
 *
 * Only arguments x <= 0 (or NaN) are ever needed: sigmoid and tanh are evaluated
 * on -|z| and reflected, which is what keeps them free of overflow.
 */
#if FA_IS_F32
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

/* expm1(r) = r + r^2 P(r) for |r| <= ln2/2: P from the Taylor series, truncated
 * where the remainder is below 2^-60 (double) / 2^-30 (float) relative to r.
 * Returns P(r). */
FA_INLINE FA_V FA_FN(fa_expm1_reduced_p)(FA_V r)
{
#if FA_IS_F32
#define FA_EST(c1, c0) FV(muladd)(FA_SET(c1), r, FA_SET(c0)) /* c0 + c1 r */
    const FA_V r2 = FV(mul)(r, r), r4 = FV(mul)(r2, r2);
    const FA_V hi = FV(muladd)(FA_SET(0x1.a01a02p-16f), r2,
                               FA_EST(0x1.a01a02p-13f, 0x1.6c16c2p-10f));
    const FA_V p = FV(muladd)(hi, r4, FV(muladd)(FA_EST(0x1.111112p-7f, 0x1.555556p-5f), r2,
                                                 FA_EST(0x1.555556p-3f, 0x1.0p-1f)));
#undef FA_EST
#else
    /* Estrin's scheme: the double loops are latency-bound, and 13 dependent FMAs
     * were most of the chain */
#define FA_EST(c1, c0) FV(muladd)(FA_SET(c1), r, FA_SET(c0)) /* c0 + c1 r */
    const FA_V r2 = FV(mul)(r, r), r4 = FV(mul)(r2, r2), r8 = FV(mul)(r4, r4);
    const FA_V f0 = FV(muladd)(FA_EST(0x1.1111111111111p-7, 0x1.5555555555555p-5), r2,
                               FA_EST(0x1.5555555555555p-3, 0x1.0p-1));
    const FA_V f1 = FV(muladd)(FA_EST(0x1.71de3a556c734p-19, 0x1.a01a01a01a01ap-16), r2,
                               FA_EST(0x1.a01a01a01a01ap-13, 0x1.6c16c16c16c17p-10));
    const FA_V f2 = FV(muladd)(FA_EST(0x1.6124613a86d09p-33, 0x1.1eed8eff8d898p-29), r2,
                               FA_EST(0x1.ae64567f544e4p-26, 0x1.27e4fb7789f5cp-22));
    const FA_V g1 = FV(muladd)(FA_SET(0x1.93974a8c07c9dp-37), r4, f2);
    const FA_V p = FV(muladd)(g1, r8, FV(muladd)(f1, r4, f0));
#undef FA_EST
#endif
    return p;
}

/* For x <= 0 or NaN: *e = escale * exp(x) and expm1(x) = *em_h + *em_l (unrounded,
 * |*em_l| << |*em_h|) from one range reduction; escale is a power of two in [1, 4]
 * (tanh' wants 4 exp(-2|z|)).
 * x = n ln2 + r;  exp(x) = 2^n (1 + q),  expm1(x) = (2^n - 1) + 2^n q,  q = expm1(r).
 * 2^n is applied as the normal 2^(n+K) times the constant 2^-K (times escale):
 * the first product is exact up to the rounding of 1 + q, so a result that lands
 * in the subnormal range is rounded only once, at the last multiply (and this
 * costs the vector loop one power-of-two construction, not two).
 * expm1 comes as a pair, *em_h + *em_l, nearly exact: its rounding alone would
 * cost tanh a second ULP.  Without FMA the low part is 0. */
FA_INLINE void FA_FN(fa_exp_expm1_neg)(FA_V x, FA_T escale, FA_V *e, FA_V *em_h, FA_V *em_l)
{
    x = FV(max)(FA_SET(FA_EXP_MIN_ARG), x); /* a NaN x passes through (simd.h) */
    const FA_V magic = FA_SET(FA_ROUND_MAGIC);
    const FA_V t = FV(muladd)(x, FA_SET(FA_LOG2E), magic);
    const FA_V n = FV(sub)(t, magic);
    /* n as an integer, read from the mantissa of t (no float->int conversion,
     * which would be undefined for NaN); unsigned, so nothing can overflow. */
    const FA_U ni = FV(usub)(FV(as_u)(t), FV(as_u)(magic));
    FA_V r = FV(nmuladd)(n, FA_SET(FA_LN2_HI), x);
    r = FV(nmuladd)(n, FA_SET(FA_LN2_LO), r);
    const FA_V p = FA_FN(fa_expm1_reduced_p)(r), rr = FV(mul)(r, r);
    const FA_V q = FV(muladd)(rr, p, r);
    /* n >= FA_EXP_MIN_ARG*log2(e) keeps n + K inside the normal exponents. */
    const FA_V sk = FV(from_u)(FV(ushli)(FV(uadd)(ni, FV(usetall)(FA_EXP_BIAS + FA_SCALE_K)),
                                         FA_MANT_BITS));
    *e = FV(mul)(FV(muladd)(q, sk, sk), FA_SET(FA_INV_SCALE_K * escale));
    const FA_V s = FV(mul)(sk, FA_SET(FA_INV_SCALE_K)); /* 2^n, rounded once if subnormal */
    /* (2^n - 1) + 2^n q by Fast2Sum: 2^n - 1 is exact and, for n < 0, at least
     * 1/2 >= |2^n q|; 2^n q is exact (a power of two).  The low part adds q's own
     * rounding error (r - q is exact, Sterbenz: q/2 <= r <= 2q). */
    const FA_V a = FV(sub)(s, FA_SET(FA_C(1.0))), b = FV(mul)(s, q);
    *em_h = FV(add)(a, b);
#if FA_HAVE_FMA
    const FA_V q_err = FV(muladd)(rr, p, FV(sub)(r, q));
    *em_l = FV(muladd)(s, q_err, FV(add)(FV(sub)(a, *em_h), b));
#else
    *em_l = FA_SET(FA_C(0.0));
#endif
}

/* fa_exp_neg's polynomial P: expm1(r) = r + r^2 P(r) for |r| <= ln2/8; with_em:
 * one degree more, so that expm1 itself (not only exp) has full relative precision. */
FA_INLINE FA_V FA_FN(fa_exp_neg_poly)(FA_V r, int with_em)
{
#define FA_HORNER(c) p = FV(muladd)(p, r, FA_SET(c))
#define FA_EST(c1, c0) FV(muladd)(FA_SET(c1), r, FA_SET(c0)) /* c0 + c1 r */
    FA_V p;
    if (!with_em) {
#if FA_IS_F32
        p = FA_SET(0x1.55661ap-5f);  /* minimax for exp: its error is relative to 1 */
        FA_HORNER(0x1.557000p-3f);
        FA_HORNER(0x1.ffffecp-2f);
#else
        /* 1/2! ... 1/9!: Taylor, by Estrin (the double loops are latency-bound:
         * 11% faster than Horner) */
        const FA_V r2 = FV(mul)(r, r), r4 = FV(mul)(r2, r2);
        p = FV(muladd)(FV(muladd)(FA_EST(0x1.71de3a556c734p-19, 0x1.a01a01a01a01ap-16), r2,
                                  FA_EST(0x1.a01a01a01a01ap-13, 0x1.6c16c16c16c17p-10)), r4,
                       FV(muladd)(FA_EST(0x1.1111111111111p-7, 0x1.5555555555555p-5), r2,
                                  FA_EST(0x1.5555555555555p-3, 0x1.0p-1)));
#endif
    } else { /* expm1 near 0 needs q to full relative precision: one degree more */
#if FA_IS_F32
        p = FA_SET(0x1.111112p-7f);  /* 1/5! ... 1/2!: Taylor */
        FA_HORNER(0x1.555556p-5f);
        FA_HORNER(0x1.555556p-3f);
        FA_HORNER(0x1.0p-1f);
#else
        /* 1/2! ... 1/10!: Taylor, by Estrin */
        const FA_V r2 = FV(mul)(r, r), r4 = FV(mul)(r2, r2);
        const FA_V hi = FV(muladd)(FA_SET(0x1.27e4fb7789f5cp-22), r4,
                                   FV(muladd)(FA_EST(0x1.71de3a556c734p-19, 0x1.a01a01a01a01ap-16),
                                              r2, FA_EST(0x1.a01a01a01a01ap-13,
                                                         0x1.6c16c16c16c17p-10)));
        p = FV(muladd)(hi, r4, FV(muladd)(FA_EST(0x1.1111111111111p-7, 0x1.5555555555555p-5), r2,
                                          FA_EST(0x1.5555555555555p-3, 0x1.0p-1)));
#endif
    }
#undef FA_HORNER
#undef FA_EST
    return p;
}

/* exp(x) for x in [FA_EXP_MIN_ARG, 0] or NaN (the caller clamps), nearly correctly
 * rounded (about 0.55 ULP) and cheaper than fa_exp_expm1_neg: x = (4n + j) ln2/4 + r with |r| <= ln2/8, so
 * exp(x) = 2^n 2^(j/4) (1 + q(r)) needs only a short polynomial q (degree 4 minimax
 * for float, degree 9 Taylor for double).  2^(j/4) comes from a 4-entry table, as
 * the float T_j and its relative rounding error D_j (2^(j/4) = T_j (1 + D_j)), read
 * with one shuffle per table (the low bits of t are j):
 *   exp = 2^n T_j (1 + q'),  q' = q + D_j,  rounded once by an FMA.
 * As in fa_exp_expm1_neg, 2^n is applied as the normal 2^(n+K), the T table holding
 * T_j 2^-K (times 4 for tanh', `times4`), so a subnormal result is rounded at most
 * twice, by products whose errors are far below its spacing.  Returns s exp(x) and sets *em = s expm1(x),
 * s = 4 if times4 else 1, when with_em: 2^n T_j - 1 is exact (Sterbenz) wherever
 * expm1 is small, and q then has one degree more (its error must be small relative
 * to q itself, not to 1), so em keeps its full relative precision near 0. */
#if FA_IS_F32
#  define FA_EXP_T(s) {0x1p+0f * (s), 0x1.306fe0p+0f * (s), 0x1.6a09e6p+0f * (s), \
                       0x1.ae89fap+0f * (s)}
#  define FA_EXP_D {0.0f, 0x1.125002p-25f, 0x1.26055cp-26f, -0x1.f9c304p-27f}
#else
#  define FA_EXP_T(s) {0x1p+0 * (s), 0x1.306fe0a31b715p+0 * (s), 0x1.6a09e667f3bcdp+0 * (s), \
                       0x1.ae89f995ad3adp+0 * (s)}
#  define FA_EXP_D {0.0, 0x1.34d754db0abb6p-55, -0x1.3b3efbf5e2228p-54, 0x1.c1a7792cb3387p-55}
#endif
FA_INLINE FA_V FA_FN(fa_exp_neg)(FA_V x, int times4, int with_em, FA_V *nem)
{
    static const FA_T T1[4] = FA_EXP_T(FA_INV_SCALE_K), T4[4] = FA_EXP_T(4 * FA_INV_SCALE_K);
    static const FA_T D[4] = FA_EXP_D;
#if FA_IS_F32
    const FA_V ln2_4_hi = FA_SET(0x1.62e000p-3f), ln2_4_lo = FA_SET(0x1.0bfbe8p-17f);
    const FA_V four_log2e = FA_SET(0x1.715476p+2f);
    const FA_U exp_mask = FV(usetall)(0x7f800000u);
#else
    const FA_V ln2_4_hi = FA_SET(0x1.62e42fefa0000p-3), ln2_4_lo = FA_SET(0x1.cf79abc9e3b3ap-42);
    const FA_V four_log2e = FA_SET(0x1.71547652b82fep+2);
    const FA_U exp_mask = FV(usetall)(0x7ff0000000000000u);
#endif
    const FA_V magic = FA_SET(FA_ROUND_MAGIC);
    const FA_V t = FV(muladd)(x, four_log2e, magic);  /* N = 4n + j in t's low bits */
    const FA_V nf = FV(sub)(t, magic);
    /* N ln2_4_hi is exact without FMA too: |N| has at most 10 (float) / 13 (double)
     * bits, ln2_4_hi 14 / 39 */
    FA_V r = FV(nmuladd)(nf, ln2_4_hi, x);
    r = FV(nmuladd)(nf, ln2_4_lo, r);
    const FA_V p = FA_FN(fa_exp_neg_poly)(r, with_em);
    const FA_V q = FV(muladd)(p, FV(mul)(r, r), r);
    /* 2^(n+K): (N + 4(BIAS+K)) >> 2 into the exponent field, i.e. shifted by
     * MANT_BITS - 2 with j's two bits masked off; N + 4(BIAS+K) > 0 always. */
    const FA_U u = FV(uadd)(FV(usub)(FV(as_u)(t), FV(as_u)(magic)),
                            FV(usetall)(4 * (FA_EXP_BIAS + FA_SCALE_K)));
    const FA_V sk = FV(from_u)(FV(uand)(FV(ushli)(u, FA_MANT_BITS - 2), exp_mask));
    /* st = s 2^n T_j, exact where normal; 1 + q' = (1 + q)(1 + D_j) to far below an ULP */
    const FA_V st = FV(mul)(FV(lut4)(times4 ? T4 : T1, FV(as_u)(t)), sk);
    const FA_V q1 = FV(add)(q, FV(lut4)(D, FV(as_u)(t)));
    *nem = FV(nmuladd)(st, q1, FV(sub)(FA_SET(times4 ? FA_C(4.0) : FA_C(1.0)), st));
    return FV(muladd)(st, q1, st);
}
#undef FA_EXP_T
#undef FA_EXP_D

/* Accurate num/den where the true denominator is den + den_lo (den_lo an exact
 * rounding error) and rcp ~ 1/den.  With FMA the residual is exact and one
 * correction step gives a nearly correctly rounded quotient, returned.
 * The unrounded quotient is also handed out as *h + *l (|*l| << |*h|; *l = 0
 * without FMA), so a product of two quotients can be rounded once (fa_mul_dw). */
FA_INLINE FA_V FA_FN(fa_quot_dw)(FA_V num, FA_V den, FA_V den_lo, FA_V rcp, FA_V *h, FA_V *l)
{
#if FA_HAVE_FMA
    const FA_V q0 = FV(mul)(num, rcp);
    const FA_V res = FV(sub)(FV(nmuladd)(q0, den, num), FV(mul)(q0, den_lo));
    *h = q0;
    *l = FV(mul)(res, rcp);
    return FV(muladd)(res, rcp, q0);
#else
    (void)den_lo; (void)rcp;
    *h = FV(div)(num, den);
    *l = FA_SET(FA_C(0.0));
    return *h;
#endif
}

/* (num + num_lo) / (den + den_lo), nearly correctly rounded, as fa_quot_dw. */
FA_INLINE FA_V FA_FN(fa_quot2)(FA_V num, FA_V num_lo, FA_V den, FA_V den_lo, FA_V rcp)
{
#if FA_HAVE_FMA
    const FA_V q0 = FV(mul)(num, rcp);
    const FA_V res = FV(sub)(FV(add)(FV(nmuladd)(q0, den, num), num_lo), FV(mul)(q0, den_lo));
    return FV(muladd)(res, rcp, q0);
#else
    (void)num_lo; (void)den_lo; (void)rcp;
    return FV(div)(num, den);
#endif
}

/* Reciprocal of den + den_lo, refined as above; *h + *l as in fa_quot_dw. */
FA_INLINE FA_V FA_FN(fa_recip_dw)(FA_V den, FA_V den_lo, FA_V *h, FA_V *l)
{
    const FA_V one = FA_SET(FA_C(1.0));
    const FA_V r0 = FV(div)(one, den);
    *h = r0;
#if FA_HAVE_FMA
    const FA_V res = FV(sub)(FV(nmuladd)(r0, den, one), FV(mul)(r0, den_lo));
    *l = FV(mul)(res, r0);
    return FV(muladd)(res, r0, r0);
#else
    (void)den_lo;
    *l = FA_SET(FA_C(0.0));
    return r0;
#endif
}

/* (ah + al) * (bh + bl) rounded once, for |al| << |ah|, |bl| << |bh|: the FMA
 * adds the small cross terms to the exact ah*bh before its only rounding, so a
 * derivative formed as a product of two quotients is not rounded three times
 * (that cost up to 3 ULP for tanh' in float32).  Without FMA: the plain product. */
FA_INLINE FA_V FA_FN(fa_mul_dw)(FA_V ah, FA_V al, FA_V bh, FA_V bl)
{
#if FA_HAVE_FMA
    return FV(muladd)(ah, bh, FV(muladd)(ah, bl, FV(mul)(al, bh)));
#else
    (void)al; (void)bl;
    return FV(mul)(ah, bh);
#endif
}

/* The logistic pair for e = exp(-|z|) in [0, 1]:
 *   *lo = e / (1 + e) = sigma(-|z|),   *hi = 1 / (1 + e) = sigma(|z|),
 *   *prod = e / (1 + e)^2 = lo * hi, rounded once from the unrounded lo and hi.
 * 1 + e is formed with its exact rounding error (Fast2Sum, 1 >= e). */
FA_INLINE void FA_FN(fa_logistic_pair)(FA_V e, FA_V *lo, FA_V *hi, FA_V *prod)
{
    const FA_V one = FA_SET(FA_C(1.0));
    const FA_V den = FV(add)(one, e);
    const FA_V den_lo = FV(add)(FV(sub)(one, den), e);
    FA_V rh, rl, qh, ql;
    *hi = FA_FN(fa_recip_dw)(den, den_lo, &rh, &rl);
    *lo = FA_FN(fa_quot_dw)(e, den, den_lo, *hi, &qh, &ql);
    *prod = FA_FN(fa_mul_dw)(qh, ql, rh, rl);
}

/* exp(kx) for kx in [FA_EXP_MIN_ARG, 0] or NaN (the caller clamps), k = 2 if twice
 * else 1 (tanh's exp(-2|z|): the doubling folded into the constants, exactly), as
 *   s exp(kx) = *st (1 + q),   q returned,   s = 4 if times4 else 1,
 * so that exp = fma(st, q, st) and s expm1 = fma(st, q, st - s) cost one operation
 * each.  The algorithm of fa_exp_neg (whose results stay as they are, for the
 * kernels that call it) with three operations fewer and a shorter dependency
 * chain, which is what the default sigmoid and tanh kernels are bound by:
 *  - the rounding constant carries the exponent bias: t = x 4log2e + M' with
 *    M' = M + 4(BIAS+K), so the low bits of t are N + 4(BIAS+K) = 4(n+BIAS+K) + j
 *    (N = 4n + j), and one shift by MANT_BITS - 2 puts n + BIAS + K in the
 *    exponent field and j in the two mantissa bits below it: sk = 2^(n+K) (1 + j/4),
 *    no add and no mask (the field is below 2^(EXP_BITS+2) for every N the
 *    clamp allows, so nothing reaches the sign bit);
 *  - the table holds T_j = 2^(j/4) 2^-K s / (1 + j/4), so st = T_j sk = S_j 2^n s
 *    where S_j (T_j (1 + j/4) rounded once) is within half an ULP of 2^(j/4);
 *  - the correction 2^(j/4) = S_j exp(L_j), L_j = log(2^(j/4) / S_j), goes into
 *    the reduced argument: exp(x) = st exp(r + L_j), r + L_j = (x - N ln2_4_hi)
 *    + (L_j - N ln2_4_lo), the second bracket computed beside the first (so the
 *    chain has one rounding step less than r, then q + D_j), and rounded once as
 *    before.  q is the same polynomial at r + L_j.
 * Like fa_exp_neg, a subnormal st is rounded at most twice, far below its spacing. */
#if FA_IS_F32
#  define FA_EXPT_T(s) {0x1p+0f * (s), 0x1.e71968p-1f * (s), 0x1.e2b7dep-1f * (s), \
                        0x1.ec0b66p-1f * (s)}
#  define FA_EXPT_L {0.0f, 0x1.125002p-25f, 0x1.26055cp-26f, -0x1.f9c306p-27f}
#  define FA_EXPT_MAGIC (0x1.8p23f + 4 * (FA_EXP_BIAS + FA_SCALE_K))
#else
#  define FA_EXPT_T(s) {0x1p+0 * (s), 0x1.e719676b5f1bbp-1 * (s), 0x1.e2b7dddfefa66p-1 * (s), \
                        0x1.ec0b6661ea8c6p-1 * (s)}
#  define FA_EXPT_L {0.0, 0x1.34d754db0abb6p-55, 0x1.98d4d0da05571p-54, 0x1.c1a7792cb3387p-55}
#  define FA_EXPT_MAGIC (0x1.8p52 + 4 * (FA_EXP_BIAS + FA_SCALE_K))
#endif
FA_INLINE FA_V FA_FN(fa_exp_neg_st)(FA_V x, int twice, int times4, int with_em, FA_V *st)
{
    static const FA_T T1[4] = FA_EXPT_T(FA_INV_SCALE_K), T4[4] = FA_EXPT_T(4 * FA_INV_SCALE_K);
    static const FA_T L[4] = FA_EXPT_L;
    const FA_T k = twice ? FA_C(2.0) : FA_C(1.0);
#if FA_IS_F32
    const FA_V ln2_4_hi_k = FA_SET(0x1.62e000p-3f / k), ln2_4_lo = FA_SET(0x1.0bfbe8p-17f);
    const FA_V four_log2e_k = FA_SET(0x1.715476p+2f * k);
#else
    const FA_V ln2_4_hi_k = FA_SET(0x1.62e42fefa0000p-3 / k);
    const FA_V ln2_4_lo = FA_SET(0x1.cf79abc9e3b3ap-42);
    const FA_V four_log2e_k = FA_SET(0x1.71547652b82fep+2 * k);
#endif
    const FA_V magic = FA_SET(FA_EXPT_MAGIC);
    const FA_V t = FV(muladd)(x, four_log2e_k, magic);
    const FA_V nf = FV(sub)(t, magic);  /* N, exact (Sterbenz) */
    /* kx - N ln2_4_hi = k (x - N ln2_4_hi / k) is exact (as in fa_exp_neg); the low
     * part and L_j are small */
    /* (as expressions, not named values: gcc then keeps sigmoid's loop free of a spill) */
#define FA_HI FV(nmuladd)(nf, ln2_4_hi_k, x)
#define FA_LO FV(nmuladd)(nf, ln2_4_lo, FV(lut4)(L, FV(as_u)(t)))
#if FA_IS_F32
    const FA_V r = twice ? FV(muladd)(FA_HI, FA_SET(k), FA_LO) : FV(add)(FA_HI, FA_LO);
    const FA_V rl = r;
#else
    /* A double table read is four dependent operations at AVX2 (a float one is one
     * vpermilps), which made the chain through L_j the longest; without the
     * doubling, L_j joins r beside the polynomial instead (as many operations;
     * gcc adds a register copy, +0.13 instructions per element by callgrind, but
     * llvm-mca's Zen 3 model counts 9% fewer cycles per element), and the
     * polynomial is evaluated at r alone (the neglected L_j r is below 2^-56). */
    const FA_V r = twice ? FV(muladd)(FA_HI, FA_SET(k), FA_LO)
                         : FV(nmuladd)(nf, ln2_4_lo, FA_HI);
    const FA_V rl = twice ? r : FV(add)(r, FV(lut4)(L, FV(as_u)(t)));
#endif
#undef FA_HI
#undef FA_LO
    const FA_V p = FA_FN(fa_exp_neg_poly)(r, with_em);
    const FA_V sk = FV(from_u)(FV(ushli)(FV(as_u)(t), FA_MANT_BITS - 2));
    *st = FV(mul)(FV(lut4)(times4 ? T4 : T1, FV(as_u)(t)), sk);
    return FV(muladd)(p, FV(mul)(r, r), rl);
}
#undef FA_EXPT_T
#undef FA_EXPT_L
#undef FA_EXPT_MAGIC

#undef FA_MANT_BITS
#undef FA_EXP_BIAS
#undef FA_LOG2E
#undef FA_LN2_HI
#undef FA_LN2_LO
#undef FA_ROUND_MAGIC
#undef FA_SCALE_K
#undef FA_INV_SCALE_K
