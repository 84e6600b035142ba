/* tanh(z) = -expm1(-2|z|) / (2 + expm1(-2|z|)), sign restored from z: the expm1
 * form keeps full precision near 0, where (1-e)/(1+e) would cancel.
 * tanh'(z) = 4e/(1+e)^2 with e = exp(-2|z|); the value's denominator
 * 2 + expm1(-2|z|) is 1 + e, so one reciprocal serves the value and the
 * derivative.  4e comes scaled out of the exponential (one rounding even when
 * e is subnormal). */
FA_INLINE void FA_FN(fa_tanh_fwd_high)(FA_V z, const FA_V *P, FA_V *a, FA_V *d)
{
    (void)P;
    FA_V e4, em, em_lo;
    FA_FN(fa_exp_expm1_neg)(FV(mul)(FA_SET(FA_C(-2.0)), FV(abs)(z)), FA_C(4.0), &e4, &em, &em_lo);
    /* 1 + e from e rather than 2 + em: e carries at most half an ULP of error,
     * em up to about one, and tanh' depends on 1/(1+e)^2. */
    const FA_V one = FA_SET(FA_C(1.0));
    const FA_V e = FV(mul)(FA_SET(FA_C(0.25)), e4);        /* exact where it matters */
    const FA_V den = FV(add)(one, e);
    const FA_V den_lo = FV(add)(FV(sub)(one, den), e);     /* exact (Fast2Sum, 1 >= e) */
    FA_V rh, rl, qh, ql;
    const FA_V rcp = FA_FN(fa_recip_dw)(den, den_lo, &rh, &rl);
    /* -expm1 carried as a pair: its rounding alone made tanh 2 ULP.  The quotient's
     * correction step needs only the plain reciprocal (the same division, shared
     * with fa_recip_dw), so the value alone skips the refinement. */
    const FA_V r0 = FV(div)(one, den);
    *a = FV(orsign)(FA_FN(fa_quot2)(FV(neg)(em), FV(neg)(em_lo), den, den_lo, r0), z);
    /* 4e/(1+e)^2 = (4e/(1+e)) * (1/(1+e)), both factors unrounded, one rounding */
    (void)FA_FN(fa_quot_dw)(e4, den, den_lo, rcp, &qh, &ql);
    *d = FA_FN(fa_mul_dw)(qh, ql, rh, rl);
}

/* The default, <= 2 ULP, with one division: tanh is the logistic of 2z in disguise.
 * With e = exp(-2|z|) and lo = e/(1+e) (as for sigmoid, corrected by the exact
 * residual, lo = q + c):
 *   |tanh z| = (1 - e)/(1 + e) = -expm1(-2|z|) (1 - lo)    (no cancellation near 0)
 *   tanh' = 4 lo (1 - lo), from the unrounded lo.
 * Everything is carried times 4 (e4, em4, q4, c4 come scaled out of the
 * exponential's table), so tanh' is rounded once even where it is subnormal.
 * The residual is sigmoid's, times 4: (e4 - q4) - q e4 (e4 - q4 exact, Sterbenz).
 * -|z| is clamped before it is doubled (2|z| would overflow for huge z), and the
 * doubling is folded into the exponential's constants (exactly).  Near 0,
 * em4 = 4 q exactly (the table's 2^-K scaling never touches q), so tiny and
 * subnormal z come out as z. */
FA_INLINE void FA_FN(fa_tanh_fwd)(FA_V z, const FA_V *P, FA_V *a, FA_V *d)
{
    (void)P;
    const FA_V one = FA_SET(FA_C(1.0)), quarter = FA_SET(FA_C(0.25));
    const FA_V xh = FV(max)(FA_SET(FA_C(0.5) * FA_EXP_MIN_ARG), FV(nabs)(z));
    FA_V st;  /* 4 exp(-2|z|) = st (1 + qe) */
    const FA_V qe = FA_FN(fa_exp_neg_st)(xh, 1, 1, 1, &st);
    const FA_V e4 = FV(muladd)(st, qe, st);
    /* -4 expm1(-2|z|) >= 0: 4 - st is exact wherever it is small (Sterbenz) */
    const FA_V nem4 = FV(nmuladd)(st, qe, FV(sub)(FA_SET(FA_C(4.0)), st));
    const FA_V q4 = FV(div)(e4, FV(muladd)(quarter, e4, one));
    const FA_V q = FV(mul)(quarter, q4);
    const FA_V omq = FV(sub)(one, q);
    const FA_V c4 = FV(mul)(FV(nmuladd)(q, e4, FV(sub)(e4, q4)), omq);
    /* 1 - lo = omq + (domq - c), unrounded: domq is the rounding error of 1 - q */
    const FA_V domq = FV(sub)(FV(sub)(one, omq), q);
    const FA_V rest = FV(nmuladd)(quarter, c4, domq);
    /* |tanh z| = nem (1 - lo) >= 0 takes z's sign; nem = nem4/4 (exact) is formed
     * long before the division is done, not after the product */
    const FA_V nem = FV(mul)(quarter, nem4);
    const FA_V t = FV(muladd)(nem, omq, FV(mul)(nem, rest));
    *a = FV(orsign)(t, z);
    *d = FV(muladd)(c4, FV(sub)(omq, q), FV(nmuladd)(q4, q, q4));
}

/* The lesson's 1 - a^2: one rounding with FMA; otherwise (1-|a|)(1+|a|), whose
 * first factor is exact for |a| >= 1/2 (no cancellation near |a| = 1). */
FA_INLINE FA_V FA_FN(fa_tanh_from_a)(FA_V a, const FA_V *P)
{
    (void)P;
    const FA_V one = FA_SET(FA_C(1.0));
#if FA_HAVE_FMA
    return FV(nmuladd)(a, a, one);
#else
    const FA_V m = FV(abs)(a);
    return FV(select)(FV(cmple)(FA_SET(FA_C(0.5)), m),
                      FV(mul)(FV(sub)(one, m), FV(add)(one, m)),
                      FV(sub)(one, FV(mul)(a, a)));
#endif
}
