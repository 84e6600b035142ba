/* tanh(z) = -expm1(-2|z|) / (2 + expm1(-2|z|)), sign restored from z: the expm1
 * form keeps full precision near 0, where (1-e)/(1+e) would cancel.
 * tanh'(z) = 4e/(1+e)^2 with e = exp(-2|z|); 1 + e equals 2 + expm1(-2|z|), so
 * one reciprocal serves the value and the derivative. */
FA_INLINE void FA_FN(fa_tanh_fwd)(FA_T z, FA_T alpha, FA_T at_zero, FA_T *a, FA_T *d)
{
    (void)alpha; (void)at_zero;
    FA_T e, em;
    FA_FN(fa_exp_expm1_neg)(FA_C(-2.0) * FA_FABS(z), &e, &em);
    const FA_T den = FA_C(2.0) + em;             /* = 1 + e */
    const FA_T den_lo = (FA_C(2.0) - den) + em;  /* exact: |em| <= 2 */
    const FA_T rcp = FA_FN(fa_recip)(den, den_lo);
    *a = FA_COPYSIGN(FA_FN(fa_quot)(-em, den, den_lo, rcp), z);
    *d = FA_C(4.0) * (FA_FN(fa_quot)(e, den, den_lo, rcp) * rcp);
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
