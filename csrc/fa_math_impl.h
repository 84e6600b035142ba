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
/* times4 = FA_EXP_ST_SCALED: s = 2^K instead (FA_EXP_SCALE_S below), so st and
 * s exp(kx) stay normal down to the clamp and a subnormal result formed from them is
 * rounded once, where the caller scales it back (silu's tail). */
#define FA_EXP_ST_SCALED 2
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
    static const FA_T TK[4] = FA_EXPT_T(1);  /* FA_EXP_ST_SCALED */
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
    *st = FV(mul)(FV(lut4)(times4 == FA_EXP_ST_SCALED ? TK : times4 ? T4 : T1, FV(as_u)(t)), sk);
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

/* ---- piecewise-linear family (hardtanh ... prelu) ---- */

/* v where lo < x < hi, 0 where x <= lo or x >= hi, NaN for NaN: the slope of a
 * clamp, which PyTorch's backward kernels take strictly inside (0 at both edges). */
FA_INLINE FA_V FA_FN(fa_inside)(FA_V x, FA_V lo, FA_V hi, FA_V v)
{
    const FA_V t = FV(select)(FV(mor)(FV(cmple)(x, lo), FV(cmple)(hi, x)), FA_SET(FA_C(0.0)), x);
    return FV(select)(FV(mand)(FV(cmplt)(lo, x), FV(cmplt)(x, hi)), v, t);
}

/* 1 where x < lo or x > hi, 0 where lo <= x <= hi, NaN for NaN: the slope of a
 * shrink, 0 on its closed dead zone. */
FA_INLINE FA_V FA_FN(fa_outside)(FA_V x, FA_V lo, FA_V hi)
{
    const FA_V t = FV(select)(FV(mand)(FV(cmple)(lo, x), FV(cmple)(x, hi)), FA_SET(FA_C(0.0)), x);
    return FV(select)(FV(mor)(FV(cmplt)(x, lo), FV(cmplt)(hi, x)), FA_SET(FA_C(1.0)), t);
}

/* a + b = s + *e exactly (Knuth's TwoSum: no condition on the magnitudes). */
FA_INLINE FA_V FA_FN(fa_two_sum)(FA_V a, FA_V b, FA_V *e)
{
    const FA_V s = FV(add)(a, b);
    const FA_V bb = FV(sub)(s, a);
    *e = FV(add)(FV(sub)(a, FV(sub)(s, bb)), FV(sub)(b, bb));
    return s;
}

/* (s + e) / 6 for an unrounded s + e (|e| <= ulp(s)), rounded once: hardsigmoid and
 * hardswish are exact but for this division.  With FMA the quotient q = s * (1/6)
 * leaves the exact remainder s - 6q (q is within an ULP of s/6, so the remainder
 * is a small multiple of q's ULP), and one correction step rounds the whole.  The
 * correction is divided, not multiplied by the rounded 1/6: a division by 6 can
 * land exactly on a midpoint (3 may divide the numerator), and only the exact
 * (r + e)/6 breaks that tie to even as the true quotient does.
 * Without FMA the division is rounded and e only nudges it (<= 1 ULP). */
FA_INLINE FA_V FA_FN(fa_div6_dw)(FA_V s, FA_V e)
{
    const FA_V six = FA_SET(FA_C(6.0)), sixth = FA_SET(FA_C(1.0) / FA_C(6.0));
#if FA_HAVE_FMA
    const FA_V q = FV(mul)(s, sixth);
    return FV(add)(q, FV(div)(FV(add)(FV(nmuladd)(q, six, s), e), six));
#else
    return FV(muladd)(e, sixth, FV(div)(s, six));
#endif
}

/* max(lo, min(hi, z)) with NaN passing through (the vocabulary's max/min hand on a
 * NaN second operand). */
FA_INLINE FA_V FA_FN(fa_clamp)(FA_V z, FA_V lo, FA_V hi)
{
    return FV(min)(hi, FV(max)(lo, z));
}

/* ---- family B (explinear): elu, selu, celu ---- */
/* A lane mask of the current type, as FA_V is a vector of it. */
#ifndef FA_M
#  define FA_M FA_CAT(fv_m, FA_S)
#endif
/* 2^S with S = FA_SCALE_K: exp(x) * 2^S is normal for every x >= FA_EXP_MIN_ARG, and
 * fa_exp_expm1_neg(x, FA_EXP_SCALE_S, ...) returns exactly that (its internal 2^-K
 * and the scale cancel), so a result formed from it and scaled back by
 * FA_EXP_UNSCALE_S at the end is rounded only there if it is subnormal. */
#undef FA_EXP_SCALE_S   /* from the other float type's inclusion */
#undef FA_EXP_UNSCALE_S
#if FA_IS_F32
#  define FA_EXP_SCALE_S 0x1p40f
#  define FA_EXP_UNSCALE_S 0x1p-40f
#else
#  define FA_EXP_SCALE_S 0x1p64
#  define FA_EXP_UNSCALE_S 0x1p-64
#endif

/* For the exponential-linear units' negative side (their positive side is
 * linear, so the argument is cut at 0 and nothing overflows): at x = min(z, 0),
 * returns 2^S exp(x) and sets expm1(x) = *em_h + *em_l, nearly exact (elu(z) ~ z
 * keeps its relative precision near 0).  NaN passes through (min keeps a NaN
 * second operand, simd.h); fa_exp_expm1_neg clamps the far tail. */
FA_INLINE FA_V FA_FN(fa_exp_em_nonpos)(FA_V z, FA_V *em_h, FA_V *em_l)
{
    FA_V es;
    FA_FN(fa_exp_expm1_neg)(FV(min)(FA_SET(FA_C(0.0)), z), FA_EXP_SCALE_S, &es, em_h, em_l);
    return es;
}

/* ---- softplus family (softplus, log_sigmoid) ---------------------------- */

/* q = e/(c + e) for e in [0, 1] and c in {1, 2} (or NaN), with *res = e - q (c + e)
 * computed exactly (by FMA; Fast2Sum gives c + e's rounding error, c >= e): the
 * residual that corrects the quotient to nearly correct rounding. */
FA_INLINE FA_V FA_FN(fa_quot_c_plus)(FA_V e, FA_T c, FA_V *res)
{
    const FA_V cv = FA_SET(c);
    const FA_V den = FV(add)(cv, e);
    const FA_V dl = FV(add)(FV(sub)(cv, den), e);
    const FA_V q = FV(div)(e, den);
    *res = FV(nmuladd)(q, dl, FV(nmuladd)(q, den, e));
    return q;
}

/* log1p(e) for e in [0, 1] (or NaN) as an unrounded pair *hi + *lo, |*lo| <= *hi/20.
 * log1p(e) = 2 atanh(s), s = e/(2 + e) in [0, 1/3]: atanh(s) = s + s^3 P(s^2), P a
 * Chebyshev fit on [0, 1/9] (error 0.02 ULP float, 0.07 ULP double, relative to
 * the result).  s itself is carried as q + s_lo: the quotient's exact residual
 * divided by 2 + e through 1/(2 + e) = (1 - q)/2 (to far more than s_lo's few
 * bits), so the only rounding of note is the caller's final one. */
FA_INLINE void FA_FN(fa_log1p_unit)(FA_V e, FA_V *hi, FA_V *lo)
{
    FA_V res;
    const FA_V q = FA_FN(fa_quot_c_plus)(e, FA_C(2.0), &res);
    /* 2 s_lo, not s_lo: halving would round a subnormal residual (where
     * 2q + res = e exactly, den being 2) */
    const FA_V s_lo2 = FV(mul)(res, FV(sub)(FA_SET(FA_C(1.0)), q));
    const FA_V u = FV(mul)(q, q);
#define FA_EST(c1, c0) FV(muladd)(FA_SET(c1), u, FA_SET(c0)) /* c0 + c1 u */
#if FA_IS_F32
    const FA_V u2 = FV(mul)(u, u);
    const FA_V p = FV(muladd)(FV(muladd)(FA_SET(0x1.dba260p-4f), u2,
                                         FA_EST(0x1.bc8cf8p-4f, 0x1.24c926p-3f)), u2,
                              FA_EST(0x1.9998d4p-3f, 0x1.555556p-2f));
#else
    /* Estrin: the double loops are latency-bound */
    const FA_V u2 = FV(mul)(u, u), u4 = FV(mul)(u2, u2), u8 = FV(mul)(u4, u4);
    const FA_V f0 = FV(muladd)(FA_EST(0x1.c71c727143318p-4, 0x1.24924923d44c6p-3), u2,
                               FA_EST(0x1.999999999a3ddp-3, 0x1.5555555555555p-2));
    const FA_V f1 = FV(muladd)(FA_EST(0x1.eb905e8575054p-5, 0x1.10ac75dc602b1p-4), u2,
                               FA_EST(0x1.3b18b294bebf9p-4, 0x1.745cf0b0e03bdp-4));
    const FA_V p = FV(muladd)(FA_EST(0x1.4b0a26c5f2aefp-4, 0x1.687a6e7c95176p-5), u8,
                              FV(muladd)(f1, u4, f0));
#endif
#undef FA_EST
    *hi = FV(add)(q, q);                                       /* exact */
    *lo = FV(muladd)(FV(mul)(*hi, u), p, s_lo2);
}

/* The logistic function from e = exp(-|s|) in [0, 1]: *lo = sigma(-|s|) =
 * e/(1 + e), *hi = sigma(|s|) = 1 - *lo, each <= 2 ULP with one division (the
 * quotient corrected by its exact residual, as in sigmoid's default kernel). */
FA_INLINE void FA_FN(fa_logistic_from_e)(FA_V e, FA_V *lo, FA_V *hi)
{
    const FA_V one = FA_SET(FA_C(1.0));
    FA_V res;
    const FA_V q = FA_FN(fa_quot_c_plus)(e, FA_C(1.0), &res);
    *lo = FV(muladd)(res, FV(sub)(one, q), q);
    *hi = FV(sub)(one, *lo);
}

/* What softplus(s) = max(s, 0) + log1p(exp(-|s|)) and its derivative sigma(s)
 * share (log_sigmoid is -softplus(-z)): e = exp(-|s|), clamped where it is 0
 * anyway (NaN passes); log1p(e) = *l_hi + *l_lo; sigma(-|s|), sigma(|s|). */
FA_INLINE void FA_FN(fa_softplus_parts)(FA_V s, FA_V *l_hi, FA_V *l_lo, FA_V *sig_lo,
                                        FA_V *sig_hi)
{
    FA_V nem;
    const FA_V e = FA_FN(fa_exp_neg)(FV(max)(FA_SET(FA_EXP_MIN_ARG), FV(nabs)(s)), 0, 0, &nem);
    FA_FN(fa_log1p_unit)(e, l_hi, l_lo);
    FA_FN(fa_logistic_from_e)(e, sig_lo, sig_hi);
}

/* x + (hi + lo) rounded once (2Sum of x and hi, then the errors): for
 * x = max(s, 0) >= 0 and a log1p pair, whose sum never cancels.  x = +inf is
 * inf (the error terms would be inf - inf). */
FA_INLINE FA_V FA_FN(fa_add_pair)(FA_V x, FA_V hi, FA_V lo)
{
    const FA_V t = FV(add)(x, hi);
    const FA_V xv = FV(sub)(t, hi);
    const FA_V err = FV(add)(FV(sub)(x, xv), FV(sub)(hi, FV(sub)(t, xv)));
    return FV(select)(FV(cmpeq)(t, FA_SET((FA_T)INFINITY)), t, FV(add)(t, FV(add)(err, lo)));
}

/* -expm1(y) for any y (NaN passes): for y <= 0 straight from the exponential's
 * pair; for y > 0 (an a outside the activation's range in the from-a formulas)
 * as -expm1(y) = nem/(nem - 1) = -nem / exp(-y) with nem = -expm1(-y), which is
 * -inf once exp(-y) is 0: the formula as written, never a wrapped exponent. */
FA_INLINE FA_V FA_FN(fa_neg_expm1)(FA_V y)
{
    FA_V nem;
    const FA_V e = FA_FN(fa_exp_neg)(FV(max)(FA_SET(FA_EXP_MIN_ARG), FV(nabs)(y)), 0, 1, &nem);
    return FV(select)(FV(cmple)(y, FA_SET(FA_C(0.0))), nem, FV(div)(FV(neg)(nem), e));
}

/* ---- gated family (gelu, gelu_tanh, mish) -------------------------------- */

/* Veltkamp's split: x = *hi + (returned lo), each half of the mantissa (for
 * Dekker's exact product where there is no FMA); |x| far below overflow. */
FA_INLINE FA_V FA_FN(fa_split)(FA_V x, FA_V *hi)
{
#if FA_IS_F32
    const FA_V c = FA_SET(4097.0f);          /* 2^12 + 1 */
#else
    const FA_V c = FA_SET(134217729.0);      /* 2^27 + 1 */
#endif
    const FA_V p = FV(mul)(x, c);
    *hi = FV(sub)(p, FV(sub)(p, x));
    return FV(sub)(x, *hi);
}

/* a * b = (returned p) + *e exactly: by FMA, else by Dekker's product (the
 * levels without FMA need it too: exp(-x^2/2) magnifies the rounding of x^2 by
 * x^2, 2^-24 * 200 in gelu's float32 tail, and the tanh form's cube by |y|). */
FA_INLINE FA_V FA_FN(fa_two_prod)(FA_V a, FA_V b, FA_V *e)
{
    const FA_V p = FV(mul)(a, b);
#if FA_HAVE_FMA
    *e = FV(muladd)(a, b, FV(neg)(p));
#else
    FA_V ah, bh;
    const FA_V al = FA_FN(fa_split)(a, &ah), bl = FA_FN(fa_split)(b, &bh);
    *e = FV(add)(FV(add)(FV(add)(FV(sub)(FV(mul)(ah, bh), p), FV(mul)(ah, bl)),
                         FV(mul)(al, bh)), FV(mul)(al, bl));
#endif
    return p;
}

/* x*x = (returned h) + *l exactly */
FA_INLINE FA_V FA_FN(fa_square_dw)(FA_V x, FA_V *l)
{
    return FA_FN(fa_two_prod)(x, x, l);
}

/* (ah + al)(bh + bl) = (returned hi) + *lo, unrounded to far below hi's ULP
 * for |al| <= |ah|/8, |bl| <= |bh|/8: the exact product ah*bh plus
 * (ah + al) bl + al bh.  The pairs need not be normalised: the exponential's
 * pair has |al| up to 0.09 |ah|, and with the 2^-17 of gelu's exp(-l/2) in bl
 * the term al bl alone is 8 float32 ULP. */
FA_INLINE FA_V FA_FN(fa_mul_pair)(FA_V ah, FA_V al, FA_V bh, FA_V bl, FA_V *lo)
{
    FA_V e;
    const FA_V hi = FA_FN(fa_two_prod)(ah, bh, &e);
    *lo = FV(add)(e, FV(muladd)(FV(add)(ah, al), bl, FV(mul)(al, bh)));
    return hi;
}

/* (nh + nl) / (dh + dl) as an unrounded pair from rcp ~ 1/dh (one correction
 * step of the exact residual, which needs dh + dl normalised (|dl| <= ulp(dh)):
 * rcp need not be correctly rounded, but the step divides by dh alone). */
FA_INLINE FA_V FA_FN(fa_quot_pair)(FA_V nh, FA_V nl, FA_V dh, FA_V dl, FA_V rcp, FA_V *lo)
{
    const FA_V q0 = FV(mul)(nh, rcp);
    const FA_V res = FV(sub)(FV(add)(FV(nmuladd)(q0, dh, nh), nl), FV(mul)(q0, dl));
    const FA_V q1 = FV(muladd)(res, rcp, q0);
    *lo = FV(muladd)(res, rcp, FV(sub)(q0, q1));
    return q1;
}

/* 1 + (h + l) rounded once, |h| <= 1 (Fast2Sum) */
FA_INLINE FA_V FA_FN(fa_one_plus)(FA_V h, FA_V l)
{
    const FA_V one = FA_SET(FA_C(1.0));
    const FA_V s = FV(add)(one, h);
    return FV(add)(s, FV(add)(FV(sub)(FV(sub)(one, s), FV(neg)(h)), l));
}

/* g'(z0 + dz) = dz (C1 + dz Q(dz)) next to a simple zero z0 of g' (the gated
 * units' derivatives cross zero where their two terms cancel, and there the
 * plain formula is 10^5+ ULP off): k = {Z0_HI, Z0_LO, C1_HI, C1_LO}, z0 and
 * C1 = g''(z0) as pairs, q the fitted Q highest degree first.  dz is formed as
 * a pair (z - Z0_HI is exact by Sterbenz where this is used) and the leading
 * term dz C1 from both pairs, so the result keeps its relative precision down
 * to the zero itself. */
FA_INLINE FA_V FA_FN(fa_at_simple_zero)(FA_V z, const FA_T k[4], const FA_T *q, unsigned nq)
{
    const FA_V d0 = FV(sub)(z, FA_SET(k[0]));    /* exact */
    const FA_V dzh = FV(sub)(d0, FA_SET(k[1]));
    const FA_V dzl = FV(sub)(FV(sub)(d0, dzh), FA_SET(k[1]));
    FA_V r = FA_SET(q[0]);
    for (unsigned i = 1; i < nq; i++)
        r = FV(muladd)(r, dzh, FA_SET(q[i]));
    const FA_V tail = FV(muladd)(dzh, FV(muladd)(r, dzh, FA_SET(k[3])),
                                 FV(mul)(dzl, FA_SET(k[2])));
    return FV(muladd)(dzh, FA_SET(k[2]), tail);
}

/* The Gaussian tail, what the exact gelu and erfc share.
 * For m in [0, FA_GAUSS_MMAX] (the caller clamps; NaN passes):
 *   phi(m)   = exp(-m^2/2) / sqrt(2 pi) = 2^-S es (RSQRT2PI_HI + *cl)
 *   Phi(-m)  = phi(m) R(m),   R(m) = *rh + *rl   (the Mills ratio Phi(-m)/phi(m))
 * with es + *el = 2^S exp(-h/2) unrounded (fa_exp_pair_neg), S = FA_EXP_SCALE_S
 * (normal however small exp is, so the tails keep their relative precision down
 * to the last subnormal); m^2 = h + l exactly and exp(-l/2) = 1 - l/2 is folded
 * into *cl.
 * m may come as a pair m + ml (erfc's sqrt(2) x; gelu passes 0).
 * R from t = (m - 2)/(m + 2) in [-1, 1): R = F(t) (1 - t), F(t) = R(m) (m + 2)/4
 * varies only between 1/4 and 0.63, and is fitted (mpmath Chebyshev) on the four
 * pieces t in k/2 + 1/4 +- 1/4, k = -2..1 (float: degree 7, relative error
 * 2^-33; double: 15, 2^-60), each as c0 + s p(s), s = t - k/2 - 1/4: the pieces'
 * coefficients are read with one shuffle each (fv_lut4), no branch and no gather.
 * 1 - t = 4/(m + 2) is a pair from the corrected reciprocal, and c0 + s p(s)
 * is summed exactly, so R carries ~2^-28 (float) / 2^-57 (double) relative: the
 * gelu derivative needs R - m with that precision next to its zero. */
#undef FA_GAUSS_MMAX
#undef FA_RSQRT2PI_HI
#undef FA_RSQRT2PI_LO
#undef FA_ROUND_INT
#if FA_IS_F32
#  define FA_GAUSS_MMAX 16.0f   /* exp(-m^2/2) < 2^-180: every result is 0 beyond */
#  define FA_RSQRT2PI_HI 0x1.988454p-2f
#  define FA_RSQRT2PI_LO -0x1.857936p-27f
#  define FA_ROUND_INT 0x1.8p23f
#else
#  define FA_GAUSS_MMAX 40.0
#  define FA_RSQRT2PI_HI 0x1.9884533d43651p-2
#  define FA_RSQRT2PI_LO -0x1.cbc0d30ebfd15p-56
#  define FA_ROUND_INT 0x1.8p52
#endif
#if FA_IS_F32
static const float FA_FN(fa_mills_c0)[2][4] = {{0x1.7bd590p-2f, 0x1.2319dcp-2f, 0x1.280e64p-1f, 0x1.e56fd8p-2f}, {0x1.e1eeccp-27f, -0x1.7b0612p-27f, 0x1.f0820ap-27f, -0x1.e5bbfcp-29f}};
static const float FA_FN(fa_mills_p)[][4] = {
    {0x1.8dd734p-10f, -0x1.33ca00p-11f, -0x1.dbd986p-13f, -0x1.7d0186p-13f},
    {0x1.587268p-11f, 0x1.8430a0p-9f, -0x1.92e14ap-12f, -0x1.630e22p-10f},
    {-0x1.41de22p-8f, 0x1.9ed186p-9f, 0x1.0963acp-11f, -0x1.152abep-9f},
    {-0x1.9c227ep-8f, -0x1.4a38b6p-7f, 0x1.4a06b0p-8f, 0x1.e27178p-9f},
    {0x1.445aeep-6f, -0x1.9b2ca4p-13f, 0x1.71de26p-7f, 0x1.599baap-6f},
    {0x1.1a6f2cp-5f, 0x1.9b51c6p-5f, -0x1.7e49aep-6f, 0x1.49dcb2p-10f},
    {-0x1.8e39dep-3f, -0x1.323254p-3f, -0x1.99e8f8p-3f, -0x1.b314acp-3f}};
#else
static const double FA_FN(fa_mills_c0)[2][4] = {{0x1.7bd590f1a23dap-2, 0x1.2319db427a17dp-2, 0x1.280e647c11490p-1, 0x1.e56fd7c3a61a3p-2}, {-0x1.cfbc157c126edp-58, -0x1.1ee026924e57fp-57, 0x1.f41227d0991b5p-55, 0x1.d7b8fe70fef05p-57}};
static const double FA_FN(fa_mills_p)[][4] = {
    {-0x1.1bb911257882dp-15, -0x1.eed3f640ada7bp-16, -0x1.e84dacb8ceb7fp-24, 0x1.deac738b99813p-21},
    {-0x1.f80e5b3004ab4p-20, 0x1.6480dad087d37p-12, -0x1.4c2536e2ceeafp-23, -0x1.3af19fb83eff4p-20},
    {0x1.4e5667d781e2ep-14, 0x1.9bf8d4819a4b0p-12, 0x1.1eb813b9c0928p-23, -0x1.d3beb757a7c69p-18},
    {0x1.d724756656da4p-14, -0x1.5a365177484d2p-12, 0x1.82388fd30b37ap-20, -0x1.c5061ce2ac563p-17},
    {-0x1.7cebb3f0de6f7p-16, -0x1.394a8abeeaeecp-11, 0x1.3dab5a2b25a1ep-18, -0x1.0788fc6fdd1c7p-17},
    {-0x1.45fbf62ef97dfp-12, 0x1.d803bfc2f2f45p-12, 0x1.238be79f7e5ebp-17, 0x1.32fd4367209c1p-15},
    {-0x1.88e4dfcea893bp-12, 0x1.f63b1ce49a228p-11, 0x1.804d7ef5dceeep-21, 0x1.14bb8831a4f26p-13},
    {0x1.7d2a98ebf34a8p-12, -0x1.d19ec9ea57a5cp-11, -0x1.f06d319e7fe01p-15, 0x1.6d1cc32a6f88dp-13},
    {0x1.9a2a9a20e4de9p-10, -0x1.c06d613b669d2p-10, -0x1.dc24e9ad2779bp-13, -0x1.9f68b9165272dp-13},
    {0x1.425405e96c6e2p-11, 0x1.4d62341f40252p-9, -0x1.8b38f02e129fbp-12, -0x1.68dc3d2569e04p-10},
    {-0x1.41fcf9b5eae5fp-8, 0x1.956e3553f1efbp-9, 0x1.09647cc795e97p-11, -0x1.151546d7b061ep-9},
    {-0x1.9c077e3090c1bp-8, -0x1.4a6855f84675fp-7, 0x1.4a01ec0e07fe8p-8, 0x1.e28ea5ae5a681p-9},
    {0x1.445b0630ff4f6p-6, -0x1.9b777ddf7a3e2p-13, 0x1.71de259773b45p-7, 0x1.599ba21e0097bp-6},
    {0x1.1a6f2156ad9d7p-5, 0x1.9b51c926366f0p-5, -0x1.7e49aa05b4aa1p-6, 0x1.49dbf6b9411e9p-10},
    {-0x1.8e39def54d6ddp-3, -0x1.3232549588a12p-3, -0x1.99e8f743d98ecp-3, -0x1.b314ac5255dd0p-3}};
#endif

/* 2^S exp(x) = (returned hi) + *lo for x in [FA_EXP_MIN_ARG, 0] or NaN (the
 * caller clamps), unrounded: hi = 2^(n+S) T_j is exact and normal, *lo = hi q'
 * carries the rest to ~2^-30 (float) / 2^-62 (double) relative, so that a
 * product formed from it is rounded once (exp's own rounding alone is half the
 * 2 ULP budget of gelu's tail).  The reduction of fa_exp_neg, x = (4n + j) ln2/4
 * + r, |r| <= ln2/8, 2^(j/4) = T_j (1 + D_j) read with one shuffle each; q =
 * expm1(r) to full relative precision (Taylor, float to r^5, double to r^10). */
#if FA_IS_F32
static const float FA_FN(fa_exp2q_t)[4] = {0x1p+0f, 0x1.306fe0p+0f, 0x1.6a09e6p+0f,
                                          0x1.ae89fap+0f};
static const float FA_FN(fa_exp2q_d)[4] = {0.0f, 0x1.125002p-25f, 0x1.26055cp-26f,
                                          -0x1.f9c304p-27f};
#else
static const double FA_FN(fa_exp2q_t)[4] = {0x1p+0, 0x1.306fe0a31b715p+0, 0x1.6a09e667f3bcdp+0,
                                           0x1.ae89f995ad3adp+0};
static const double FA_FN(fa_exp2q_d)[4] = {0.0, 0x1.34d754db0abb6p-55, -0x1.3b3efbf5e2228p-54,
                                           0x1.c1a7792cb3387p-55};
#endif
FA_INLINE FA_V FA_FN(fa_exp_pair_neg)(FA_V x, FA_V *lo)
{
#if FA_IS_F32
    const FA_V ln2_4_hi = FA_SET(0x1.62e000p-3f), ln2_4_lo = FA_SET(0x1.0bfbe8p-17f);
    const FA_V four_log2e = FA_SET(0x1.715476p+2f);
    /* 4 (BIAS + S), S = 40: 2^(n+S) is normal for every n >= -166 */
    const FA_U exp_mask = FV(usetall)(0x7f800000u), bias = FV(usetall)(4u * (127u + 40u));
#else
    const FA_V ln2_4_hi = FA_SET(0x1.62e42fefa0000p-3), ln2_4_lo = FA_SET(0x1.cf79abc9e3b3ap-42);
    const FA_V four_log2e = FA_SET(0x1.71547652b82fep+2);
    /* 4 (BIAS + S), S = 64 */
    const FA_U exp_mask = FV(usetall)(0x7ff0000000000000u), bias = FV(usetall)(4u * (1023u + 64u));
#endif
    const FA_V magic = FA_SET(FA_ROUND_INT);
    const FA_V t = FV(muladd)(x, four_log2e, magic);  /* N = 4n + j in t's low bits */
    const FA_V nf = FV(sub)(t, magic);
    FA_V r = FV(nmuladd)(nf, ln2_4_hi, x);
    r = FV(nmuladd)(nf, ln2_4_lo, r);
    /* q = r + r^2 (1/2 + r/6 + ...) */
#if FA_IS_F32
    FA_V p = FV(muladd)(FA_SET(0x1.111112p-7f), r, FA_SET(0x1.555556p-5f));
    p = FV(muladd)(p, r, FA_SET(0x1.555556p-3f));
    p = FV(muladd)(p, r, FA_SET(0x1.0p-1f));
#else
    const FA_V r2 = FV(mul)(r, r), r4 = FV(mul)(r2, r2);
#define FA_EST(c1, c0) FV(muladd)(FA_SET(c1), r, FA_SET(c0)) /* c0 + c1 r */
    const FA_V hi4 = FV(muladd)(FA_SET(0x1.27e4fb7789f5cp-22), r4,
                                FV(muladd)(FA_EST(0x1.71de3a556c734p-19, 0x1.a01a01a01a01ap-16),
                                           r2, FA_EST(0x1.a01a01a01a01ap-13, 0x1.6c16c16c16c17p-10)));
    const FA_V p = FV(muladd)(hi4, r4, FV(muladd)(FA_EST(0x1.1111111111111p-7, 0x1.5555555555555p-5),
                                                  r2, FA_EST(0x1.5555555555555p-3, 0x1.0p-1)));
#undef FA_EST
#endif
    const FA_V q = FV(muladd)(p, FV(mul)(r, r), r);
    /* 2^(n+S): (N + 4 (BIAS + S)) >> 2 into the exponent field (j's bits masked off) */
    const FA_U u = FV(uadd)(FV(usub)(FV(as_u)(t), FV(as_u)(magic)), bias);
#if FA_IS_F32
    const FA_V two_n = FV(from_u)(FV(uand)(FV(ushli)(u, 21), exp_mask));
#else
    const FA_V two_n = FV(from_u)(FV(uand)(FV(ushli)(u, 50), exp_mask));
#endif
    const FA_V hi = FV(mul)(FV(lut4)(FA_FN(fa_exp2q_t), FV(as_u)(t)), two_n);  /* exact */
    *lo = FV(mul)(hi, FV(add)(q, FV(lut4)(FA_FN(fa_exp2q_d), FV(as_u)(t))));
    return hi;
}

FA_INLINE FA_V FA_FN(fa_gauss_parts)(FA_V m, FA_V ml, FA_V *el, FA_V *cl, FA_V *rh, FA_V *rl)
{
    const FA_V one = FA_SET(FA_C(1.0)), two = FA_SET(FA_C(2.0)), four = FA_SET(FA_C(4.0));
    /* exp(-m^2/2): m^2 = h + l exactly (plus 2 m ml), h/2 exact */
    FA_V l;
    const FA_V h = FA_FN(fa_square_dw)(m, &l);
    l = FV(muladd)(FV(add)(m, m), ml, l);
    const FA_V x = FV(max)(FA_SET(FA_EXP_MIN_ARG), FV(mul)(h, FA_SET(FA_C(-0.5))));
    const FA_V es = FA_FN(fa_exp_pair_neg)(x, el);
    *cl = FV(nmuladd)(FA_SET(FA_RSQRT2PI_HI), FV(mul)(l, FA_SET(FA_C(0.5))),
                      FA_SET(FA_RSQRT2PI_LO));
    /* u = 1 - t = 4/(m + 2) as uh + ul, t = 1 - uh (exact for t <= 1/2) - ul */
    FA_V den_lo, rcp_h, rcp_l;
    const FA_V den = FA_FN(fa_two_sum)(m, two, &den_lo);
    (void)FA_FN(fa_recip_dw)(den, FV(add)(den_lo, ml), &rcp_h, &rcp_l);
    const FA_V uh = FV(mul)(four, rcp_h), ul = FV(mul)(four, rcp_l);
    const FA_V t = FV(sub)(one, uh);
    /* the piece: k = rint(2t - 1/2) in the low bits of kt (lut4 reads them) */
    const FA_V magic = FA_SET(FA_ROUND_INT);
    const FA_V kt = FV(add)(FV(muladd)(t, two, FA_SET(FA_C(-0.5))), magic);
    const FA_U j = FV(as_u)(kt);
    const FA_V cen = FV(muladd)(FV(sub)(kt, magic), FA_SET(FA_C(0.5)), FA_SET(FA_C(0.25)));
    const FA_V te = FV(sub)(FV(sub)(one, t), uh);  /* 1 - uh = t + te exactly */
    const FA_V s = FV(sub)(FV(add)(FV(sub)(t, cen), te), ul);
    const unsigned np = sizeof FA_FN(fa_mills_p) / sizeof FA_FN(fa_mills_p)[0];
    FA_V p = FV(lut4)(FA_FN(fa_mills_p)[0], j);
    for (unsigned i = 1; i < np; i++)
        p = FV(muladd)(p, s, FV(lut4)(FA_FN(fa_mills_p)[i], j));
    /* F = c0 + s p, summed exactly (|s p| < c0: Fast2Sum) */
    FA_V sp_l;
    const FA_V sp = FA_FN(fa_two_prod)(s, p, &sp_l);
    const FA_V c0h = FV(lut4)(FA_FN(fa_mills_c0)[0], j), c0l = FV(lut4)(FA_FN(fa_mills_c0)[1], j);
    const FA_V fh = FV(add)(c0h, sp);
    const FA_V fl = FV(add)(FV(add)(FV(sub)(c0h, fh), sp), FV(add)(sp_l, c0l));
    *rh = FA_FN(fa_mul_pair)(fh, fl, uh, ul, rl);
    return es;
}

/* erfc(x) for any x (NaN passes), <= 2 ULP: erfc(|x|) = 2 Phi(-m) with
 * m = sqrt(2) |x| as a pair (its rounding would cost 2 m^2 2^-24 relative),
 * erfc(x) = 2 - erfc(|x|) for x < 0. */
FA_INLINE FA_V FA_FN(fa_erfc)(FA_V x)
{
#if FA_IS_F32
    const FA_V r2h = FA_SET(0x1.6a09e6p+0f), r2l = FA_SET(0x1.9fcef4p-26f);
#else
    const FA_V r2h = FA_SET(0x1.6a09e667f3bcdp+0), r2l = FA_SET(-0x1.bdd3413b26456p-54);
#endif
    const FA_V lim = FA_SET(FA_GAUSS_MMAX * FA_C(0.70710678118654752));
    const FA_V ax = FV(min)(lim, FV(abs)(x));
    FA_V ml, el, cl, rh, rl, wl, pl;
    const FA_V m = FA_FN(fa_two_prod)(ax, r2h, &ml);
    ml = FV(muladd)(ax, r2l, ml);
    const FA_V es = FA_FN(fa_gauss_parts)(m, ml, &el, &cl, &rh, &rl);
    const FA_V wh = FA_FN(fa_mul_pair)(rh, rl, FA_SET(FA_RSQRT2PI_HI), cl, &wl);
    const FA_V ph = FA_FN(fa_mul_pair)(es, el, wh, wl, &pl);
    /* 2 Phi(-m), scaled back once */
    const FA_V e = FV(mul)(FV(add)(ph, pl), FA_SET(FA_C(2.0) * FA_EXP_UNSCALE_S));
    return FV(select)(FV(cmplt)(x, FA_SET(FA_C(0.0))), FV(sub)(FA_SET(FA_C(2.0)), e), e);
}
