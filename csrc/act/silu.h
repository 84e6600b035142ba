/* silu(z) = z sigma(z);  silu'(z) = sigma(z) (1 + z (1 - sigma(z))).
 *
 * silu' has a zero at z0 = -1.27846454276...: 1 + z (1 - sigma) cancels there, and
 * any rounding error of sigma is 10^5 ULP of the result.  Within |z - z0| < W the
 * derivative comes from a polynomial instead, silu'(z0 + dz) = dz P(dz)
 * (fa_at_simple_zero: dz and the leading coefficient as pairs; P a Chebyshev fit,
 * mpmath, relative error 2^-30 float / 2^-55.7 double, |dz| < 1/4 in both).
 * Cheaper than a branch on the lanes that need it: ~10 FMAs, always computed. */
#if FA_IS_F32
#  define FA_SILU_W 0x1p-2f
#  define FA_SILU_Z0_HI -0x1.474974p+0f
#  define FA_SILU_Z0_LO 0x1.bdf6fap-27f
#  define FA_SILU_C1_HI 0x1.be1410p-3f
#  define FA_SILU_C1_LO 0x1.1814a0p-29f
#  define FA_SILU_Q(s) {0x1.a04bfep-11f * (s), 0x1.339fb0p-13f * (s), -0x1.b0f5d0p-8f * (s), \
                        -0x1.f2d620p-7f * (s), 0x1.353eb4p-6f * (s), 0x1.2c5636p-3f * (s)}
/* fa_exp_neg_st's clamp: every result has rounded to 0 below (z e^z < 2^-150) */
#  define FA_SILU_MIN FA_EXP_MIN_ARG
#else
/* float64 silu and silu' stay nonzero (subnormal) down to z = -751.8, past the
 * -750 of FA_EXP_MIN_ARG (that cost 3 ULP, a result of 0 for 3e-323): the clamp
 * is lower, where every result has rounded to 0; fa_exp_neg_st's 2^(n+K) stays
 * normal down to -753.4. */
#  define FA_SILU_MIN -752.5
/* the main path's t is still 3 ULP off at 1/8 from z0 (as in float) */
#  define FA_SILU_W 0x1p-2
#  define FA_SILU_Z0_HI -0x1.474973c84120bp+0
#  define FA_SILU_Z0_LO -0x1.f8d74bc9ac154p-54
#  define FA_SILU_C1_HI 0x1.be1410460527fp-3
#  define FA_SILU_C1_LO -0x1.2541062177473p-58
#  define FA_SILU_Q(s) { \
    -0x1.879ea6bf6cdaep-24 * (s), -0x1.2b41b2f8ae8c4p-25 * (s), 0x1.cd977ab1790bep-21 * (s), \
    0x1.3aeec96561cf0p-19 * (s), -0x1.8af3a51c39855p-19 * (s), -0x1.f2d8ac6a86e0ap-16 * (s), \
    -0x1.57238e062234fp-15 * (s), 0x1.8574d147f8778p-13 * (s), 0x1.a2a7caf1007adp-11 * (s), \
    0x1.098e92b8b709cp-13 * (s), -0x1.b0f82c498fd81p-8 * (s), -0x1.f2d0e32bc297fp-7 * (s), \
    0x1.353eb573ca457p-6 * (s), 0x1.2c563458cc0adp-3 * (s)}
#endif
/* the fit (fa_at_simple_zero's k and q) times 2^S: the kernel's derivative is
 * scaled back by its last operation */
static const FA_T FA_FN(fa_silu_k)[4] = {FA_SILU_Z0_HI, FA_SILU_Z0_LO,
                                         FA_SILU_C1_HI * FA_EXP_SCALE_S,
                                         FA_SILU_C1_LO * FA_EXP_SCALE_S};
static const FA_T FA_FN(fa_silu_q)[] = FA_SILU_Q(FA_EXP_SCALE_S);

/* <= 2 ULP, with sigmoid's one division (fa_sigmoid_fwd), all on
 * x = -|z| (cut at FA_SILU_MIN, where every result has rounded to 0 and which keeps
 * -inf from meeting inf * 0), and reflected: silu(z) = z + silu(-z) and
 * silu'(z) = 1 - silu'(-z): for z > 0 nothing cancels (|silu(-z)| <= z/2 and
 * silu'(-z) <= 1/2), and no z is cut at the top (inf stays inf).
 * es = 2^S e, e = exp(x) (FA_EXP_ST_SCALED: normal down to the cut, so the subnormal
 * results of the tail are rounded once, by the last operation that scales them
 * back); q = es/(1 + e) ~ 2^S lo, lo = sigma(x), and the residual res = es - q(1 + e)
 * = (es - q) - q e (es - q exact, Sterbenz) makes lo = q + corr nearly unrounded,
 * corr = res/(1 + e) = res (1 - lo) (rounding q there is nothing).
 *   silu(x) = x q + x corr, rounded once (one rounding of lo would cost the value
 *     a third rounding: 2.2 ULP);
 *   silu'(x) = lo t, t = 1 + x (1 - lo) = (1 + x) - x lo: 1 + x is exact for
 *     x <= -1/2 (Sterbenz to -2, no more bits than x beyond), so near the zero
 *     z0 = -1.2785 the FMAs round t itself, not the larger x (1 - lo) ~ -1, and
 *     lo t is formed from lo's pair;
 *   within |x - z0| < W the fit above instead (t cancels).
 * The errors left are e's (2^-25.8 relative before its rounding) and t's two
 * roundings: 1.4 / 2.3 ULP measured (docs/accuracy.md). */
FA_INLINE void FA_FN(fa_silu_fwd)(FA_V z, const FA_V *P, FA_V *a, FA_V *d)
{
    (void)P;
    const FA_V one = FA_SET(FA_C(1.0)), unscale = FA_SET(FA_EXP_UNSCALE_S);
    const FA_V x = FV(max)(FA_SET(FA_SILU_MIN), FV(nabs)(z));  /* NaN passes */
    /* the fit next to the zero of silu' first: its Horner chain is as long as the
     * exp's, and independent of it, so that the two overlap */
    const FA_M near = FV(cmplt)(FV(abs)(FV(sub)(x, FA_SET(FA_SILU_Z0_HI))), FA_SET(FA_SILU_W));
    const FA_V dnear = FA_FN(fa_at_simple_zero)(x, FA_FN(fa_silu_k), FA_FN(fa_silu_q),
                                                sizeof FA_FN(fa_silu_q) / sizeof(FA_T));
    FA_V st;
    const FA_V qe = FA_FN(fa_exp_neg_st)(x, 0, FA_EXP_ST_SCALED, 0, &st);
    const FA_V es = FV(muladd)(st, qe, st);
    const FA_V e = FV(mul)(es, unscale);
    const FA_V q = FV(div)(es, FV(add)(one, e));
    const FA_V res = FV(nmuladd)(q, e, FV(sub)(es, q));
    const FA_V corr = FV(mul)(res, FV(nmuladd)(q, unscale, one));
    const FA_V an = FV(muladd)(x, q, FV(mul)(x, corr));           /* 2^S silu(x) */
    /* + z for z > 0; -0 (not +0) for z <= 0, so that a zero result keeps its
     * sign also where the product rounds on its own (no FMA) */
    *a = FV(muladd)(an, unscale, FV(selsign)(z, FA_SET(-FA_C(0.0)), z));
    /* -x 2^-S: exact but for |x| < 2^-86 (float), where t is 1 to far below an ULP */
    const FA_V k = FV(mul)(x, FA_SET(-FA_EXP_UNSCALE_S));
    const FA_V t = FV(muladd)(k, corr, FV(muladd)(k, q, FV(add)(one, x)));
    const FA_V dn = FV(muladd)(q, t, FV(mul)(corr, t));            /* 2^S silu'(x) */
    /* z <= 0: 2^-S dn (+ -0, as for the value);  z > 0: 1 - 2^-S dn (z = +-0: 1/2
     * either way) */
    *d = FV(muladd)(FV(select)(near, dnear, dn), FV(selsign)(z, unscale, FV(neg)(unscale)),
                    FV(selsign)(z, FA_SET(-FA_C(0.0)), one));
}
#undef FA_SILU_MIN
#undef FA_SILU_W
#undef FA_SILU_Z0_HI
#undef FA_SILU_Z0_LO
#undef FA_SILU_C1_HI
#undef FA_SILU_C1_LO
#undef FA_SILU_Q
