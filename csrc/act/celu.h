/* celu(z) = z for z > 0, alpha expm1(z / alpha) otherwise; celu'(z) = 1 for z > 0,
 * exp(z / alpha) otherwise, so celu'(0) = 1 (PyTorch: elu_backward with input
 * scale 1/alpha).
 *
 * z / alpha is rounded, and exp multiplies that relative error by |z / alpha|
 * (up to ~100 ULP in the tail): the quotient is carried as xh + xl instead
 * (xl from the exact residual, by FMA) and folded in to first order,
 *   exp(xh + xl) = E (1 + xl),  expm1(xh + xl) = EM + E xl.
 * With y = -|z / alpha| <= 0 the exponential never overflows; alpha < 0 (z / alpha
 * >= 0 for z <= 0) then needs exp(-y) = 1 / exp(y): divisions, by 1 where
 * alpha > 0 (exact). */
#if FA_IS_F32
#  define FA_CELU_TINY 0x1p-126f /* the smallest normal number */
#else
#  define FA_CELU_TINY 0x1p-1022
#endif
FA_INLINE void FA_FN(fa_celu_fwd)(FA_V z, const FA_V *P, FA_V *a, FA_V *d)
{
    const FA_V alpha = P[0], one = FA_SET(FA_C(1.0));
    const FA_V beta = FV(abs)(alpha);
    /* 1/beta only scales the tiny residual: kept finite for a subnormal alpha */
    const FA_V rb = FV(div)(one, FV(max)(beta, FA_SET(FA_CELU_TINY)));
    const FA_M pos = FV(cmpgt)(z, FA_SET(FA_C(0.0)));
    const FA_V xh = FV(div)(z, beta);
    /* 0 where exp(xh) is 0 anyway: the residual of an infinite xh is NaN */
    const FA_V xl = FV(select)(FV(cmplt)(xh, FA_SET(FA_EXP_MIN_ARG)), FA_SET(FA_C(0.0)),
                               FV(mul)(FV(nmuladd)(xh, beta, z), rb));
    FA_V em_h, em_l;
    const FA_V es = FA_FN(fa_exp_em_nonpos)(xh, &em_h, &em_l);  /* 2^S exp(xh) */
    const FA_V Es = FV(muladd)(es, xl, es);
    const FA_V EMh = FV(muladd)(FV(mul)(es, FA_SET(FA_EXP_UNSCALE_S)), xl, em_h);
    const FA_M neg_alpha = FV(cmplt)(alpha, FA_SET(FA_C(0.0)));
    /* alpha < 0: exp(-y) = 2^S / Es and beta expm1(y) exp(-y) = beta EM 2^S / Es, one
     * division each (overflowing to inf where they should); alpha > 0: both
     * divisions are by 1, exact */
    const FA_V two_s = FA_SET(FA_EXP_SCALE_S);
    const FA_V den = FV(select)(neg_alpha, Es, one);
    const FA_V num_scale = FV(select)(neg_alpha, two_s, one);
    const FA_V bem = FV(muladd)(beta, EMh, FV(mul)(beta, em_l));
    /* alpha expm1(z / alpha) has the sign of z for either sign of alpha, zeros
     * included (PyTorch's celu(-0) is -0) */
    *a = FV(copysign)(FV(select)(pos, z, FV(div)(FV(mul)(bem, num_scale), den)), z);
    *d = FV(select)(pos, one, FV(select)(neg_alpha, FV(div)(two_s, den),
                                         FV(mul)(Es, FA_SET(FA_EXP_UNSCALE_S))));
}

/* exp(z / alpha) = a / alpha + 1 = (a + alpha) / alpha for a <= 0: the sum is exact
 * where it cancels (Sterbenz), so about one rounding each; a > 0 exactly when
 * z > 0, for either sign of alpha. */
FA_INLINE FA_V FA_FN(fa_celu_from_a)(FA_V a, const FA_V *P)
{
    const FA_V alpha = P[0];
    return FV(select)(FV(cmpgt)(a, FA_SET(FA_C(0.0))), FA_SET(FA_C(1.0)),
                      FV(div)(FV(add)(a, alpha), alpha));
}
#undef FA_CELU_TINY
