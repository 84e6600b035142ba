/* silu(z) = z sigma(z);  silu'(z) = sigma(z) (1 + z (1 - sigma(z))).
 *
 * From one exponential of -|z| (as a pair 1 + e = den + den_lo, nearly exact)
 * the logistic pair hi = 1/(1+e) = sigma(|z|) and lo = e/(1+e) = sigma(-|z|),
 * both unrounded (h + l, fa_recip_dw / fa_quot_dw):
 *   z > 0:  sigma = hi, 1 - sigma = lo;   z <= 0: sigma = lo, 1 - sigma = hi,
 * and every product is rounded once.
 * The tail z << 0 (values and derivatives tiny, subnormal from z ~ -88 in float32)
 * keeps its relative precision: e is carried times 2^S (FA_EXP_SCALE_S), always
 * normal, and the results are scaled back by the last multiply, which alone
 * rounds into the subnormal range.
 *
 * silu' has a zero at z0 = -1.27846454276...: 1 + z hi cancels there, and the
 * rounding error of hi (~1e-9 relative in float32 even from the pair) is 10^5 ULP
 * of the result.  Within |z - z0| < W the derivative comes from a polynomial
 * instead, silu'(z0 + dz) = dz P(dz) with dz = z - z0 as a double-word (exact:
 * z - Z0_HI is, by Sterbenz) and P a Chebyshev fit (mpmath; relative error 2^-30
 * float / 2^-59 double), its leading coefficient double-word too.  Cheaper than a
 * branch on the lanes that need it: ~10 FMAs, always computed. */
#if FA_IS_F32
#  define FA_SILU_ZMAX 0x1p30f      /* |z| beyond: z (1 - sigma) or z sigma is 0 */
#  define FA_SILU_W 0x1p-2f
#  define FA_SILU_Z0_HI -0x1.474974p+0f
#  define FA_SILU_Z0_LO 0x1.bdf6fap-27f
#  define FA_SILU_C1_HI 0x1.be1410p-3f
#  define FA_SILU_C1_LO 0x1.1814a0p-29f
static const float FA_FN(fa_silu_q)[] = {0x1.a04bfep-11f, 0x1.339fb0p-13f, -0x1.b0f5d0p-8f,
                                        -0x1.f2d620p-7f, 0x1.353eb4p-6f, 0x1.2c5636p-3f};
#  define FA_SILU_MIN_ARG FA_EXP_MIN_ARG
#else
/* float64 silu and silu' stay nonzero (subnormal) down to z = -751.8, past the
 * -750 at which fa_exp_expm1_neg clamps its argument (that cost 3 ULP, a result
 * of 0 for 3e-323): below FA_SILU_TAIL the exponential is taken of -|z| + 4 ln2,
 * inside the helper's range, and scaled back by 2^-4 (2^S e^-|z| stays normal to
 * -752.7).  The sum's rounding (2^-44 relative) is nothing to results of at most
 * 3 significant bits, which is all there is below -749; beyond FA_SILU_MIN_ARG
 * every result rounds to 0. */
#  define FA_SILU_TAIL -749.0
#  define FA_SILU_SHIFT 0x1.62e42fefa39efp+1
#  define FA_SILU_MIN_ARG -752.5
#  define FA_SILU_ZMAX 0x1p60
#  define FA_SILU_W 0x1p-3
#  define FA_SILU_Z0_HI -0x1.474973c84120bp+0
#  define FA_SILU_Z0_LO -0x1.f8d74bc9ac154p-54
#  define FA_SILU_C1_HI 0x1.be1410460527fp-3
#  define FA_SILU_C1_LO -0x1.2541062177473p-58
static const double FA_FN(fa_silu_q)[] = {
    -0x1.860224d86f7bcp-19, -0x1.f127ca07b640bp-16, -0x1.5724c9f7fc7e5p-15,
    0x1.8573f8d69c5e1p-13, 0x1.a2a7cb137f9c1p-11, 0x1.098e9433939fep-13,
    -0x1.b0f82c4992e8ep-8, -0x1.f2d0e32bc6d30p-7, 0x1.353eb573ca45ap-6,
    0x1.2c563458cc0adp-3};
#endif

/* silu'(z) near its zero z0, from the fit (coefficients highest first) */
FA_INLINE FA_V FA_FN(fa_silu_d_near_zero)(FA_V z)
{
    const FA_V d0 = FV(sub)(z, FA_SET(FA_SILU_Z0_HI));  /* exact */
    const FA_V dzh = FV(sub)(d0, FA_SET(FA_SILU_Z0_LO));
    const FA_V dzl = FV(sub)(FV(sub)(d0, dzh), FA_SET(FA_SILU_Z0_LO));
    const unsigned nq = sizeof FA_FN(fa_silu_q) / sizeof FA_FN(fa_silu_q)[0];
    FA_V r = FA_SET(FA_FN(fa_silu_q)[0]);
    for (unsigned k = 1; k < nq; k++)
        r = FV(muladd)(r, dzh, FA_SET(FA_FN(fa_silu_q)[k]));
    /* P = C1 + dz Q(dz): dz P = dzh C1_HI + (dzh (C1_LO + dz Q) + dzl C1_HI) */
    const FA_V tail = FV(muladd)(dzh, FV(muladd)(r, dzh, FA_SET(FA_SILU_C1_LO)),
                                 FV(mul)(dzl, FA_SET(FA_SILU_C1_HI)));
    return FV(muladd)(dzh, FA_SET(FA_SILU_C1_HI), tail);
}

FA_INLINE void FA_FN(fa_silu_fwd)(FA_V z, const FA_V *P, FA_V *a, FA_V *d)
{
    (void)P;
    const FA_V zero = FA_SET(FA_C(0.0)), two = FA_SET(FA_C(2.0)), one = FA_SET(FA_C(1.0));
    const FA_V m = FV(nabs)(z);
    FA_V es, em_h, em_l;  /* es = 2^S exp(-|z|), exp(-|z|) - 1 = em_h + em_l */
#if FA_IS_F32
    FA_FN(fa_exp_expm1_neg)(m, FA_EXP_SCALE_S, &es, &em_h, &em_l);
#else
    /* the far tail (see FA_SILU_TAIL): exp(-|z| + 4 ln2) 2^-4 */
    const FA_M tail = FV(cmplt)(m, FA_SET(FA_SILU_TAIL));
    FA_FN(fa_exp_expm1_neg)(FV(select)(tail, FV(add)(m, FA_SET(FA_SILU_SHIFT)), m),
                            FA_EXP_SCALE_S, &es, &em_h, &em_l);
    es = FV(select)(tail, FV(mul)(es, FA_SET(0x1p-4)), es);
#endif
    /* beyond FA_SILU_MIN_ARG sigma(-|z|) is below the smallest result that can
     * still matter (z e^z rounds to 0), so 0 */
    es = FV(select)(FV(cmplt)(m, FA_SET(FA_SILU_MIN_ARG)), zero, es);
    /* 1 + e = 2 + em, by Fast2Sum (2 >= |em_h|) */
    const FA_V den = FV(add)(two, em_h);
    const FA_V den_lo = FV(add)(FV(add)(FV(sub)(two, den), em_h), em_l);
    FA_V rh, rl, lh, ll;
    const FA_V rcp = FA_FN(fa_recip_dw)(den, den_lo, &rh, &rl);
    (void)FA_FN(fa_quot_dw)(es, den, den_lo, rcp, &lh, &ll);  /* 2^S lo */
    const FA_M neg = FV(cmple)(z, zero);
    /* sigma(z) = sh + sl (times 2^S for z <= 0), 1 - sigma(z) = ch + cl */
    const FA_V unscale = FA_SET(FA_EXP_UNSCALE_S);
    const FA_V sh = FV(select)(neg, lh, rh), sl = FV(select)(neg, ll, rl);
    const FA_V ch = FV(select)(neg, rh, FV(mul)(lh, unscale));
    const FA_V cl = FV(select)(neg, rl, FV(mul)(ll, unscale));
    const FA_V scale = FV(select)(neg, unscale, one);
    /* z sigma; for the derivative z is cut at +-ZMAX so that inf * 0 is not met */
    const FA_V zc = FV(max)(FA_SET(-FA_SILU_ZMAX), FV(min)(FA_SET(FA_SILU_ZMAX), z));
    const FA_V za = FV(select)(neg, zc, z);
    *a = FV(mul)(FV(muladd)(za, sh, FV(mul)(zc, sl)), scale);  /* inf * sl is not met */
    /* t = 1 + z (1 - sigma), unrounded as th + tl */
    const FA_V th = FV(muladd)(zc, ch, one);
    const FA_V tl = FV(mul)(zc, cl);
    const FA_V dmain = FV(mul)(FV(muladd)(sh, th, FV(muladd)(sh, tl, FV(mul)(sl, th))), scale);
    const FA_M near = FV(cmplt)(FV(abs)(FV(sub)(z, FA_SET(FA_SILU_Z0_HI))), FA_SET(FA_SILU_W));
    *d = FV(select)(near, FA_FN(fa_silu_d_near_zero)(z), dmain);
}
#undef FA_SILU_ZMAX
#undef FA_SILU_MIN_ARG
#ifdef FA_SILU_TAIL
#  undef FA_SILU_TAIL
#  undef FA_SILU_SHIFT
#endif
#undef FA_SILU_W
#undef FA_SILU_Z0_HI
#undef FA_SILU_Z0_LO
#undef FA_SILU_C1_HI
#undef FA_SILU_C1_LO
