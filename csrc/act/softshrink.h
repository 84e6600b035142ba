/* softshrink(z) = z - lambd above lambd, z + lambd below -lambd (one rounding),
 * else z * 0 (PyTorch's: a signed zero, NaN for NaN); g' = 1 outside, 0 on the
 * closed [-lambd, lambd].  From a: a == 0 exactly on the dead zone. */
FA_INLINE void FA_FN(fa_softshrink_fwd)(FA_V z, const FA_V *P, FA_V *a, FA_V *d)
{
    const FA_V lambd = P[0], mlambd = FV(neg)(P[0]);
    const FA_V in = FV(select)(FV(cmplt)(z, mlambd), FV(add)(z, lambd),
                               FV(mul)(z, FA_SET(FA_C(0.0))));
    *a = FV(select)(FV(cmplt)(lambd, z), FV(sub)(z, lambd), in);
    *d = FA_FN(fa_outside)(z, mlambd, lambd);
}

FA_INLINE FA_V FA_FN(fa_softshrink_from_a)(FA_V a, const FA_V *P)
{
    (void)P;
    const FA_V zero = FA_SET(FA_C(0.0));
    return FA_FN(fa_outside)(a, zero, zero);
}
