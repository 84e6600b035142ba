/* softsign(z) = z / (1 + |z|);  softsign'(z) = 1 / (1 + |z|)^2.
 * 1 + |z| is formed with its exact rounding error (Fast2Sum on the larger and
 * smaller of 1 and |z|), the quotient and the reciprocal are refined against it
 * (fa_quot_dw, fa_recip_dw), and the square is rounded once from the unrounded
 * reciprocal (fa_mul_dw).  |z| is cut at a bound past which the results are
 * exactly +-1 and 0, so that inf / inf is never met. */
#if FA_IS_F32
#  define FA_SOFTSIGN_BIG 0x1p100f
#else
#  define FA_SOFTSIGN_BIG 0x1p600
#endif
FA_INLINE void FA_FN(fa_softsign_fwd)(FA_V z, const FA_V *P, FA_V *a, FA_V *d)
{
    (void)P;
    const FA_V one = FA_SET(FA_C(1.0));
    const FA_V m = FV(min)(FA_SET(FA_SOFTSIGN_BIG), FV(abs)(z));  /* NaN passes */
    const FA_V den = FV(add)(one, m);
    const FA_V den_lo = FV(add)(FV(sub)(FV(max)(one, m), den), FV(min)(one, m));
    FA_V rh, rl, qh, ql;
    const FA_V rcp = FA_FN(fa_recip_dw)(den, den_lo, &rh, &rl);
    *a = FV(orsign)(FA_FN(fa_quot_dw)(m, den, den_lo, rcp, &qh, &ql), z);
    *d = FA_FN(fa_mul_dw)(rh, rl, rh, rl);
}

/* (1 - |a|)^2 from s = 1 - |a| and its exact rounding error sl (Fast2Sum, 1 >= |a|
 * on the domain): s^2 + 2 s sl, rounded once.  Outside the domain the formula as
 * written (an infinite a gives inf, as |a| is cut at BIG). */
FA_INLINE FA_V FA_FN(fa_softsign_from_a)(FA_V a, const FA_V *P)
{
    (void)P;
    const FA_V one = FA_SET(FA_C(1.0));
    const FA_V m = FV(min)(FA_SET(FA_SOFTSIGN_BIG), FV(abs)(a));
    const FA_V s = FV(sub)(one, m);
    const FA_V sl = FV(sub)(FV(sub)(one, s), m);
    return FV(muladd)(s, s, FV(mul)(FV(add)(s, s), sl));
}
#undef FA_SOFTSIGN_BIG
