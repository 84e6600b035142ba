/* sigmoid(z) = 1 / (1 + e^-z).
 * From e = exp(-|z|) in [0, 1]: sigma(-|z|) = e/(1+e), sigma(|z|) = 1/(1+e), so
 * nothing overflows and the tails keep full relative precision.
 * sigma'(z) = sigma(z) sigma(-z) = e/(1+e)^2 (never a(1-a), which loses the tails),
 * rounded once from the unrounded sigma(z) and sigma(-z). */
FA_INLINE void FA_FN(fa_sigmoid_fwd)(FA_T z, FA_T alpha, FA_T at_zero, FA_T *a, FA_T *d)
{
    (void)alpha; (void)at_zero;
    FA_T e, em, lo, hi, prod;
    FA_FN(fa_exp_expm1_neg)(-FA_FABS(z), FA_C(1.0), &e, &em);
    FA_FN(fa_logistic_pair)(e, &lo, &hi, &prod);
    *a = z > 0 ? hi : lo;
    *d = prod;
}

/* The lesson's a(1 - a); with FMA a - a*a is rounded once.  An a outside [0, 1]
 * gets the formula as written (torch's sigmoid_backward does the same), so
 * a = +-inf gives -inf: a(1 - a) does that by itself, but the fused form is
 * inf - inf = NaN at a = +inf, hence the select (a compare and a blend in the
 * vector loops; every finite a keeps the single rounding). */
FA_INLINE FA_T FA_FN(fa_sigmoid_from_a)(FA_T a, FA_T alpha, FA_T at_zero)
{
    (void)alpha; (void)at_zero;
#if FA_HAVE_FMA
    const FA_T d = FA_FMA(-a, a, a);
    return a == (FA_T)INFINITY ? -a : d;
#else
    return a * (FA_C(1.0) - a);
#endif
}
