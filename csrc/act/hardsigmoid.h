/* hardsigmoid(z) = clamp(z/6 + 1/2, 0, 1) = (c + 3)/6 with c = clamp(z, -3, 3),
 * rounded once.  c + 3 is formed with its exact error (Fast2Sum: |c| <= 3), so
 * only the division by 6 rounds (PyTorch's (z + 3)/6 rounds z + 3 first: up to
 * ~1.2 ULP).  g' = 1/6 strictly inside (-3, 3), 0 at the edges (PyTorch's). */
FA_INLINE void FA_FN(fa_hardsigmoid_fwd)(FA_V z, const FA_V *P, FA_V *a, FA_V *d)
{
    (void)P;
    const FA_V three = FA_SET(FA_C(3.0)), mthree = FA_SET(FA_C(-3.0));
    const FA_V c = FA_FN(fa_clamp)(z, mthree, three);
    const FA_V s = FV(add)(three, c);
    const FA_V e = FV(sub)(c, FV(sub)(s, three));
    *a = FA_FN(fa_div6_dw)(s, e);
    *d = FA_FN(fa_inside)(z, mthree, three, FA_SET(FA_C(1.0) / FA_C(6.0)));
}

/* a in (0, 1) exactly when z in (-3, 3): the rounded (z + 3)/6 reaches 0 only at
 * z = -3 and 1 only at z = 3 (the nearest floats inside are >= 1/2 ULP away). */
FA_INLINE FA_V FA_FN(fa_hardsigmoid_from_a)(FA_V a, const FA_V *P)
{
    (void)P;
    return FA_FN(fa_inside)(a, FA_SET(FA_C(0.0)), FA_SET(FA_C(1.0)),
                            FA_SET(FA_C(1.0) / FA_C(6.0)));
}
