/* hardswish(z) = z for z > 3, and c (c + 3)/6 with c = clamp(z, -3, 3) otherwise
 * (0 below -3): the product c (c + 3) is carried unrounded (c + 3 by Fast2Sum, the
 * product's error by FMA), so only the division by 6 rounds, also next to the
 * zero at -3.  g' = (2c + 3)/6 inside (-3, 3), from the exact 2c + 3 (no
 * cancellation at its zero -3/2); 0 at z <= -3 and 1 at z >= 3 (PyTorch's
 * hardswish_backward). */
FA_INLINE void FA_FN(fa_hardswish_fwd)(FA_V z, const FA_V *P, FA_V *a, FA_V *d)
{
    (void)P;
    const FA_V three = FA_SET(FA_C(3.0)), mthree = FA_SET(FA_C(-3.0));
    const FA_V zero = FA_SET(FA_C(0.0)), one = FA_SET(FA_C(1.0));
    const FA_V c = FA_FN(fa_clamp)(z, mthree, three);
    const FA_V s = FV(add)(three, c);
    const FA_V e = FV(sub)(c, FV(sub)(s, three));
    const FA_V ph = FV(mul)(c, s);
    /* c (s + e) - ph: the product's rounding error needs FMA (0 without: 2 ULP) */
    const FA_V pl = FV(muladd)(c, e, FV(muladd)(c, s, FV(neg)(ph)));
    /* z's sign on every result, zeros too: -0 below -3, as PyTorch's z * 0 / 6 */
    *a = FV(select)(FV(cmplt)(three, z), z, FV(copysign)(FA_FN(fa_div6_dw)(ph, pl), z));
    FA_V e2;
    const FA_V s2 = FA_FN(fa_two_sum)(FV(add)(c, c), three, &e2);
    const FA_V inner = FA_FN(fa_div6_dw)(s2, e2);
    *d = FV(select)(FV(cmple)(z, mthree), zero, FV(select)(FV(cmple)(three, z), one, inner));
}
