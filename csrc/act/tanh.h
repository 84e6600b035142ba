/* tanh(z) = -expm1(-2|z|) / (2 + expm1(-2|z|)), sign restored from z: the expm1
 * form keeps full precision near 0, where (1-e)/(1+e) would cancel.
 * tanh'(z) = 4e/(1+e)^2 with e = exp(-2|z|); the value's denominator
 * 2 + expm1(-2|z|) is 1 + e, so one reciprocal serves the value and the
 * derivative.  4e comes scaled out of the exponential (one rounding even when
 * e is subnormal). */
FA_INLINE void FA_FN(fa_tanh_fwd)(FA_T z, FA_T alpha, FA_T at_zero, FA_T *a, FA_T *d)
{
    (void)alpha; (void)at_zero;
    FA_T e4, em;
    FA_FN(fa_exp_expm1_neg)(FA_C(-2.0) * FA_FABS(z), FA_C(4.0), &e4, &em);
    /* 1 + e from e rather than 2 + em: e carries at most half an ULP of error,
     * em up to about one, and tanh' depends on 1/(1+e)^2. */
    const FA_T e = FA_C(0.25) * e4;              /* exact where it matters */
    const FA_T den = FA_C(1.0) + e;
    const FA_T den_lo = (FA_C(1.0) - den) + e;   /* exact (Fast2Sum, 1 >= e) */
    FA_T rh, rl, qh, ql;
    const FA_T rcp = FA_FN(fa_recip_dw)(den, den_lo, &rh, &rl);
    *a = FA_COPYSIGN(FA_FN(fa_quot)(-em, den, den_lo, rcp), z);
    /* 4e/(1+e)^2 = (4e/(1+e)) * (1/(1+e)), both factors unrounded, one rounding */
    (void)FA_FN(fa_quot_dw)(e4, den, den_lo, rcp, &qh, &ql);
    *d = FA_FN(fa_mul_dw)(qh, ql, rh, rl);
}

/* The lesson's 1 - a^2: one rounding with FMA; otherwise (1-|a|)(1+|a|), whose
 * first factor is exact for |a| >= 1/2 (no cancellation near |a| = 1). */
FA_INLINE FA_T FA_FN(fa_tanh_from_a)(FA_T a, FA_T alpha, FA_T at_zero)
{
    (void)alpha; (void)at_zero;
#if FA_HAVE_FMA
    return FA_FMA(-a, a, FA_C(1.0));
#else
    const FA_T m = FA_FABS(a);
    return m >= FA_C(0.5) ? (FA_C(1.0) - m) * (FA_C(1.0) + m) : FA_C(1.0) - a * a;
#endif
}
