/* tanhshrink(z) = z - tanh(z);  tanhshrink'(z) = 1 - tanh'(z) = tanh(z)^2.
 *
 * tanh |z| = -expm1(-2|z|) / (1 + e), e = exp(-2|z|), is formed unrounded as
 * th + tl (numerator and denominator as nearly exact pairs from one range
 * reduction, fa_exp_expm1_neg, and one correction of the quotient), so that
 *   |z| - tanh |z| = (|z| - th) - tl
 * loses nothing to the cancellation (|z| - th is exact for |z| <~ 1.9, Sterbenz),
 * and tanh^2 = th^2 + 2 th tl is rounded once.
 * Below |z| = C the cancellation would eat the pair's own error: there
 *   z - tanh z = z^3 (c0 + u Q(u)),  u = z^2,
 * a Chebyshev fit (mpmath; relative error 2^-32 float on u <= 0.390625, 2^-58
 * double on u <= 1/4) with z^3 and c0 as double-words, so that the product is
 * rounded about once and z^3/3 keeps full relative precision down to the
 * subnormals.  The sign is z's (odd function). */
#if FA_IS_F32
#  define FA_TS_C 0x1.4p-1f  /* 0.625 */
#  define FA_TS_C0_HI 0x1.555556p-2f
#  define FA_TS_C0_LO -0x1.575e0cp-27f
static const float FA_FN(fa_ts_q)[] = {0x1.c40cc8p-11f, -0x1.b15b42p-9f, 0x1.20104ap-7f,
                                      -0x1.66270cp-6f, 0x1.ba1a58p-5f, -0x1.111110p-3f};
#else
#  define FA_TS_C 0x1p-1
#  define FA_TS_C0_HI 0x1.5555555555555p-2
#  define FA_TS_C0_LO 0x1.41d3066daeaebp-56
static const double FA_FN(fa_ts_q)[] = {
    0x1.8117b15cbb104p-16, -0x1.71eb85bee4b4ap-14, 0x1.efab6555ccc22p-13,
    -0x1.350ce30757046p-11, 0x1.7d9e74586c684p-10, -0x1.d6d39b48449bfp-9,
    0x1.226e34a851d2cp-7, -0x1.664f487fed22ap-6, 0x1.ba1ba1ba15daap-5,
    -0x1.11111111110ecp-3};
#endif

/* |z| - tanh |z| for |z| < C, from the fit (coefficients highest first) */
FA_INLINE FA_V FA_FN(fa_tanhshrink_small)(FA_V m)
{
    const FA_V u = FV(mul)(m, m);
    const FA_V ul = FV(muladd)(m, m, FV(neg)(u));         /* exact */
    const FA_V c3 = FV(mul)(m, u);
    const FA_V c3l = FV(muladd)(m, ul, FV(muladd)(m, u, FV(neg)(c3)));
    const unsigned nq = sizeof FA_FN(fa_ts_q) / sizeof FA_FN(fa_ts_q)[0];
    FA_V r = FA_SET(FA_FN(fa_ts_q)[0]);
    for (unsigned k = 1; k < nq; k++)
        r = FV(muladd)(r, u, FA_SET(FA_FN(fa_ts_q)[k]));
    const FA_V ur = FV(mul)(u, r);                           /* u Q(u), ~15% of c0 */
    const FA_V lo = FV(muladd)(c3, FA_SET(FA_TS_C0_LO), FV(mul)(c3l, FA_SET(FA_TS_C0_HI)));
    return FV(muladd)(c3, FA_SET(FA_TS_C0_HI), FV(muladd)(c3, ur, lo));
}

FA_INLINE void FA_FN(fa_tanhshrink_fwd)(FA_V z, const FA_V *P, FA_V *a, FA_V *d)
{
    (void)P;
    const FA_V one = FA_SET(FA_C(1.0)), two = FA_SET(FA_C(2.0));
    const FA_V m = FV(abs)(z);
    FA_V e4, em_h, em_l;
    /* -2|z|: -inf for huge z, which the helper clamps; e4 = 4 exp(-2|z|) */
    FA_FN(fa_exp_expm1_neg)(FV(mul)(FA_SET(FA_C(-2.0)), m), FA_C(4.0), &e4, &em_h, &em_l);
    /* 1 + e = 2 + em (Fast2Sum, 2 >= |em_h|); tanh = -em / (1 + e) */
    const FA_V den = FV(add)(two, em_h);
    const FA_V den_lo = FV(add)(FV(add)(FV(sub)(two, den), em_h), em_l);
    FA_V rh, rl, qh, ql;
    const FA_V rcp = FA_FN(fa_recip_dw)(den, den_lo, &rh, &rl);
    const FA_V th = FV(mul)(FV(neg)(em_h), rh);
    /* minus the residual -em - th (den + den_lo), exact by FMA up to tiny terms */
    const FA_V nres = FV(muladd)(th, den_lo, FV(add)(FV(muladd)(th, den, em_h), em_l));
    const FA_V tl = FV(mul)(FV(neg)(nres), rh);
    const FA_M small = FV(cmplt)(m, FA_SET(FA_TS_C));
    const FA_V big = FV(sub)(FV(sub)(m, th), tl);
    *a = FV(orsign)(FV(select)(small, FA_FN(fa_tanhshrink_small)(m), big), z);
    /* tanh^2: from the pair below |z| = 2; above, where tanh -> 1 and the pair
     * loses the bits of expm1(-2|z|) that 2^n - 1 cannot hold (n < -24 in float),
     * as 1 - tanh' = 1 - 4e/(1+e)^2 from the unrounded factors (qh + ql)(rh + rl),
     * the product exact inside the FMA (below 2, 4e's own rounding would be
     * magnified by the cancellation) */
    (void)FA_FN(fa_quot_dw)(e4, den, den_lo, rcp, &qh, &ql);
    const FA_V d_big = FV(sub)(FV(nmuladd)(qh, rh, one),
                               FV(muladd)(qh, rl, FV(mul)(ql, rh)));
    const FA_M below2 = FV(cmplt)(m, two);
    *d = FV(select)(below2, FV(muladd)(th, th, FV(mul)(FV(add)(th, th), tl)), d_big);
}
#undef FA_TS_C
#undef FA_TS_C0_HI
#undef FA_TS_C0_LO
