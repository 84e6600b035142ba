/* log_sigmoid(z) = -softplus(-z) = min(z, 0) - log1p(exp(-|z|)), rounded once
 * (the negated softplus sum); log_sigmoid' = sigma(-z). */
FA_INLINE void FA_FN(fa_log_sigmoid_fwd)(FA_V z, const FA_V *P, FA_V *a, FA_V *d)
{
    (void)P;
    FA_V l_hi, l_lo, sig_lo, sig_hi;
    FA_FN(fa_softplus_parts)(z, &l_hi, &l_lo, &sig_lo, &sig_hi);
    const FA_V zero = FA_SET(FA_C(0.0));
    /* max(0, -z) keeps a NaN z (simd.h's operand order); + 0 turns the -0 of an
     * underflowed tail into +0, as min(z, 0) - log1p(e) (torch's form) gives */
    *a = FV(add)(FV(neg)(FA_FN(fa_add_pair)(FV(max)(zero, FV(neg)(z)), l_hi, l_lo)), zero);
    *d = FV(select)(FV(cmpgt)(z, zero), sig_lo, sig_hi);
}

/* log_sigmoid' = sigma(-z) = 1 - exp(a) = -expm1(a), a = log_sigmoid(z) < 0. */
FA_INLINE FA_V FA_FN(fa_log_sigmoid_from_a)(FA_V a, const FA_V *P)
{
    (void)P;
    return FA_FN(fa_neg_expm1)(a);
}
