/* sparse_plus(z) = 0 for z <= -1, t^2/4 with t = z + 1 on (-1, 1), z for z >= 1
 * (jax.nn.sparse_plus), from c = clamp(z, -1, 1).  t = c + 1 is formed with its
 * exact error (Fast2Sum: |c| <= 1; it is exact anyway for c <= -1/2, Sterbenz),
 * and t^2 as the exact square of the high part (TwoProduct: FMA, or Dekker's
 * split without it) plus 2 th tl, so only the final sum rounds (tl^2, 2^-48 of
 * t^2 in float32, is below what can move it off the nearest): <= 1 ULP with or
 * without FMA.  t^2/4 is normal for every t >= the spacing below 1, so the
 * quarter is exact.  g' = (c + 1)/2: the rounded c + 1 halved exactly, which is
 * 0 at z <= -1 and 1 at z >= 1 by the clamp, so g' is continuous and needs no
 * select (correctly rounded).  NaN passes the clamp; z = +inf takes the z
 * branch. */
FA_INLINE void FA_FN(fa_sparse_plus_fwd)(FA_V z, const FA_V *P, FA_V *a, FA_V *d)
{
    (void)P;
    const FA_V one = FA_SET(FA_C(1.0)), half = FA_SET(FA_C(0.5));
    const FA_V c = FA_FN(fa_clamp)(z, FA_SET(FA_C(-1.0)), one);
    const FA_V th = FV(add)(one, c);
    const FA_V tl = FV(sub)(c, FV(sub)(th, one));
    FA_V pe;
    const FA_V ph = FA_FN(fa_square_dw)(th, &pe);
    const FA_V pl = FV(muladd)(FV(add)(th, th), tl, pe);
    *a = FV(select)(FV(cmplt)(one, z), z, FV(mul)(FV(add)(ph, pl), FA_SET(FA_C(0.25))));
    *d = FV(mul)(th, half);
}

/* From a = t^2/4 on (0, 1): t/2 = sqrt(a), the vocabulary's IEEE root rounded
 * once; 1 for a >= 1 (z >= 1, +inf too), 0 at a = 0 (every z <= -1).  Outside
 * the range (a < 0) the formula as written: sqrt gives NaN. */
FA_INLINE FA_V FA_FN(fa_sparse_plus_from_a)(FA_V a, const FA_V *P)
{
    (void)P;
    const FA_V one = FA_SET(FA_C(1.0));
    return FV(select)(FV(cmple)(one, a), one, FV(sqrt)(a));
}
