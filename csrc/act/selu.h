/* selu(z) = lambda z for z > 0, lambda alpha expm1(z) otherwise; selu' = lambda,
 * or lambda alpha exp(z), so selu'(0) = lambda alpha (PyTorch's elu_backward).
 * lambda and lambda alpha are irrational: each is carried as a double-word
 * constant hi + lo (the float type's rounding plus its error), so the products
 * are rounded once from the exact constant, not from its rounding. */
#if FA_IS_F32
#  define FA_SELU_L_HI 0x1.0cfabep+0f
#  define FA_SELU_L_LO -0x1.2adddap-25f
#  define FA_SELU_LA_HI 0x1.c212ccp+0f
#  define FA_SELU_LA_LO 0x1.903c0cp-26f
#else
#  define FA_SELU_L_HI 0x1.0cfabd6a91132p+0
#  define FA_SELU_L_LO 0x1.6fc7d272f2695p-55
#  define FA_SELU_LA_HI 0x1.c212cc640f031p+0
#  define FA_SELU_LA_LO 0x1.05161b045a1fep-56
#endif

FA_INLINE void FA_FN(fa_selu_fwd)(FA_V z, const FA_V *P, FA_V *a, FA_V *d)
{
    (void)P;
    const FA_M pos = FV(cmpgt)(z, FA_SET(FA_C(0.0)));
    FA_V em_h, em_l;
    const FA_V es = FA_FN(fa_exp_em_nonpos)(z, &em_h, &em_l);
    /* one product for both branches: lambda z, or lambda alpha expm1(z) */
    const FA_V hi = FV(select)(pos, FA_SET(FA_SELU_L_HI), FA_SET(FA_SELU_LA_HI));
    const FA_V lo = FV(select)(pos, FA_SET(FA_SELU_L_LO), FA_SET(FA_SELU_LA_LO));
    const FA_V xh = FV(select)(pos, z, em_h);
    const FA_V xl = FV(select)(pos, FA_SET(FA_C(0.0)), em_l);
    /* (hi + lo)(xh + xl) rounded once; lo multiplies a finite xh (z = inf: inf) */
    const FA_V xc = FV(min)(FA_SET(FA_IS_F32 ? FA_C(0x1.fffffep127) : 0x1.fffffffffffffp1023), xh);
    /* selu(z) has the sign of z, zeros included (PyTorch's selu(-0) is -0) */
    *a = FV(copysign)(FV(muladd)(hi, xh, FV(muladd)(hi, xl, FV(mul)(lo, xc))), z);
    const FA_V la_e = FA_FN(fa_mul_dw)(FA_SET(FA_SELU_LA_HI), FA_SET(FA_SELU_LA_LO), es,
                                       FA_SET(FA_C(0.0)));
    *d = FV(select)(pos, FA_SET(FA_SELU_L_HI), FV(mul)(la_e, FA_SET(FA_EXP_UNSCALE_S)));
}

/* lambda alpha exp(z) = a + lambda alpha for a <= 0: a + hi is exact where it
 * cancels (Sterbenz, a in [-hi, -hi/2]), so the sum is rounded about once. */
FA_INLINE FA_V FA_FN(fa_selu_from_a)(FA_V a, const FA_V *P)
{
    (void)P;
    const FA_V s = FV(add)(FV(add)(a, FA_SET(FA_SELU_LA_HI)), FA_SET(FA_SELU_LA_LO));
    return FV(select)(FV(cmpgt)(a, FA_SET(FA_C(0.0))), FA_SET(FA_SELU_L_HI), s);
}
#undef FA_SELU_L_HI
#undef FA_SELU_L_LO
#undef FA_SELU_LA_HI
#undef FA_SELU_LA_LO
