/* sigmoid(z) = 1 / (1 + e^-z).
 * From e = exp(-|z|) in [0, 1]: sigma(-|z|) = e/(1+e), sigma(|z|) = 1/(1+e), so
 * nothing overflows and the tails keep full relative precision.
 * sigma'(z) = sigma(z) sigma(-z) = e/(1+e)^2 (never a(1-a), which loses the tails),
 * rounded once from the unrounded sigma(z) and sigma(-z). */
FA_INLINE void FA_FN(fa_sigmoid_fwd_high)(FA_V z, const FA_V *P, FA_V *a, FA_V *d)
{
    (void)P;
    FA_V e, em, em_lo, lo, hi, prod;
    FA_FN(fa_exp_expm1_neg)(FV(nabs)(z), FA_C(1.0), &e, &em, &em_lo);
    FA_FN(fa_logistic_pair)(e, &lo, &hi, &prod);
    *a = FV(select)(FV(cmpgt)(z, FA_SET(FA_C(0.0))), hi, lo);
    *d = prod;
}

/* The default, <= 2 ULP, with one division.  q = e/den is corrected by the
 * residual res = e - q (1 + e) = (e - q) - q e: e - q is exact (Sterbenz: e/2 <=
 * q <= e) and the FMA rounds the rest once, so neither 1 + e's rounding error nor
 * a second FMA is needed.  Over 1/(1+e) = 1 - lo ~ 1 - q: lo = q + res (1 - q), one
 * FMA.  sigma' = lo - lo^2 from the unrounded lo, (q - q^2) + res (1 - q)(1 - 2q):
 * rounding lo first would add its error to the derivative's, and sigma' sits one
 * binade below lo exactly where e is just above a power of two (that cost 2.3 ULP).
 * The factor (1 - q)(1 - 2q) is formed beside the residual, off the chain of
 * dependent operations the loop is bound by; so is sigma(|z|) = 1 - lo, picked by
 * z's sign bit (z = +-0 gives 1/2 either way, NaN stays NaN). */
FA_INLINE void FA_FN(fa_sigmoid_fwd)(FA_V z, const FA_V *P, FA_V *a, FA_V *d)
{
    (void)P;
    const FA_V one = FA_SET(FA_C(1.0));
    FA_V st;
    const FA_V qe = FA_FN(fa_exp_neg_st)(FV(max)(FA_SET(FA_EXP_MIN_ARG), FV(nabs)(z)), 0, 0, 0, &st);
    const FA_V e = FV(muladd)(st, qe, st);
    const FA_V q = FV(div)(e, FV(add)(one, e));
    const FA_V omq = FV(sub)(one, q);
    const FA_V res = FV(nmuladd)(q, e, FV(sub)(e, q));
    const FA_V lo = FV(muladd)(res, omq, q);
    *a = FV(selsign)(z, lo, FV(sub)(one, lo));
    *d = FV(muladd)(res, FV(mul)(omq, FV(sub)(omq, q)), FV(nmuladd)(q, q, q));
}

/* The lesson's a(1 - a); with FMA a - a*a is rounded once.  An a outside [0, 1]
 * gets the formula as written (torch's sigmoid_backward does the same), so
 * a = +-inf gives -inf: a(1 - a) does that by itself, but the fused form is
 * inf - inf = NaN at a = +inf, hence the select (every finite a keeps the single
 * rounding). */
FA_INLINE FA_V FA_FN(fa_sigmoid_from_a)(FA_V a, const FA_V *P)
{
    (void)P;
#if FA_HAVE_FMA
    const FA_V inf = FA_SET((FA_T)INFINITY);
    return FV(select)(FV(cmpeq)(a, inf), FV(neg)(a), FV(nmuladd)(a, a, a));
#else
    return FV(mul)(a, FV(sub)(FA_SET(FA_C(1.0)), a));
#endif
}
