/* softplus(z) = log1p(exp(beta z))/beta = max(z, 0) + log1p(exp(-|beta z|))/beta:
 * exp of -|beta z| only, so nothing overflows, and max(z, 0) is taken from z
 * itself (beta z may overflow where the result does not).  The log1p pair is
 * added to max(z, 0) with one rounding (exact for beta = 1; otherwise the two
 * divisions by beta add their roundings).  softplus' = sigma(beta z).
 * threshold (P[1], +inf unless the caller gave one): PyTorch's switch to z, with
 * derivative 1, where beta z > threshold. */
FA_INLINE void FA_FN(fa_softplus_fwd)(FA_V z, const FA_V *P, FA_V *a, FA_V *d)
{
    const FA_V beta = P[0], threshold = P[1];
    const FA_V s = FV(mul)(beta, z);
    FA_V l_hi, l_lo, sig_lo, sig_hi;
    FA_FN(fa_softplus_parts)(s, &l_hi, &l_lo, &sig_lo, &sig_hi);
    const FA_V zero = FA_SET(FA_C(0.0));
    /* max(0, z) keeps a NaN z (simd.h's operand order) */
    /* |l_lo| <= l_hi/20: its quotient needs no correct rounding (~1/20 ULP), and
     * 1/beta is loop-invariant (one division per element, not two) */
    const FA_V sp = FA_FN(fa_add_pair)(FV(max)(zero, z), FV(div)(l_hi, beta),
                                       FV(mul)(l_lo, FV(div)(FA_SET(FA_C(1.0)), beta)));
    *a = FV(select)(FV(cmpgt)(s, threshold), z, sp);
    *d = FV(select)(FV(cmpgt)(s, threshold), FA_SET(FA_C(1.0)),
                    FV(select)(FV(cmpgt)(s, zero), sig_hi, sig_lo));
}

/* softplus' = sigma(beta z) = 1 - exp(-beta a) = -expm1(-beta a), a = softplus(z) > 0. */
FA_INLINE FA_V FA_FN(fa_softplus_from_a)(FA_V a, const FA_V *P)
{
    return FA_FN(fa_neg_expm1)(FV(neg)(FV(mul)(P[0], a)));
}
