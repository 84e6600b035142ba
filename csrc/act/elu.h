/* elu(z) = z for z > 0, alpha expm1(z) otherwise; elu'(z) = 1 for z > 0, alpha exp(z)
 * otherwise, so elu'(0) = alpha: PyTorch's elu_backward takes the exponential
 * branch for z <= 0.  Both products are rounded once from the nearly exact
 * expm1 pair and the scaled exponential (fa_exp_em_nonpos). */
FA_INLINE void FA_FN(fa_elu_fwd)(FA_V z, const FA_V *P, FA_V *a, FA_V *d)
{
    const FA_V alpha = P[0];
    const FA_M pos = FV(cmpgt)(z, FA_SET(FA_C(0.0)));
    FA_V em_h, em_l;
    const FA_V es = FA_FN(fa_exp_em_nonpos)(z, &em_h, &em_l);
    /* alpha expm1(z) has the sign of alpha z, zeros included (PyTorch's elu(-0) is
     * -0): the rounded pair loses it at z = -0, and without FMA where alpha em_h
     * underflows to -0 and alpha em_l is +0 */
    const FA_V neg = FV(copysign)(FV(muladd)(alpha, em_h, FV(mul)(alpha, em_l)),
                                  FV(mul)(alpha, z));
    *a = FV(select)(pos, z, neg);
    /* alpha exp(z) = (alpha 2^-S) es for |alpha| > 1 (exact scaling; alpha es
     * would overflow for alpha near the format's max), else (alpha es) 2^-S (es
     * <= 2^S, and alpha 2^-S could lose bits); one rounding either way */
    const FA_M big = FV(cmpgt)(FV(abs)(alpha), FA_SET(FA_C(1.0)));
    const FA_V unscale = FA_SET(FA_EXP_UNSCALE_S), one = FA_SET(FA_C(1.0));
    const FA_V de = FV(mul)(FV(mul)(FV(mul)(alpha, FV(select)(big, unscale, one)), es),
                            FV(select)(big, one, unscale));
    *d = FV(select)(pos, one, de);
}

/* alpha exp(z) = a + alpha for a <= 0 (torch's is_result branch), one rounding;
 * the caller checks alpha > 0, which makes a > 0 exactly when z > 0. */
FA_INLINE FA_V FA_FN(fa_elu_from_a)(FA_V a, const FA_V *P)
{
    const FA_V alpha = P[0];
    return FV(select)(FV(cmpgt)(a, FA_SET(FA_C(0.0))), FA_SET(FA_C(1.0)), FV(add)(a, alpha));
}
