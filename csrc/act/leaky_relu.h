/* leaky_relu(z) = z for z > 0, alpha*z otherwise; derivative 1 / alpha, and
 * at_zero at z = 0 (the caller passes alpha, PyTorch's choice, by default).
 * alpha = 0 is relu exactly: without the select, 0 * -inf would give NaN. */
FA_INLINE void FA_FN(fa_leaky_relu_fwd)(FA_V z, const FA_V *P, FA_V *a, FA_V *d)
{
    const FA_V alpha = P[0], at_zero = P[1];
    const FA_V zero = FA_SET(FA_C(0.0));
    const FA_V neg = FV(select)(FV(cmpeq)(alpha, zero),
                                FV(select)(FV(cmple)(z, zero), zero, z), FV(mul)(alpha, z));
    *a = FV(select)(FV(cmpgt)(z, zero), z, neg);
    FA_V t = FV(select)(FV(cmpeq)(z, zero), at_zero, z);
    t = FV(select)(FV(cmplt)(z, zero), alpha, t);
    *d = FV(select)(FV(cmpgt)(z, zero), FA_SET(FA_C(1.0)), t);
}

/* From the output: with alpha > 0 (checked by the caller) sign(a) = sign(z). */
FA_INLINE FA_V FA_FN(fa_leaky_relu_from_a)(FA_V a, const FA_V *P)
{
    const FA_V alpha = P[0], at_zero = P[1];
    const FA_V zero = FA_SET(FA_C(0.0));
    FA_V t = FV(select)(FV(cmpeq)(a, zero), at_zero, a);
    t = FV(select)(FV(cmplt)(a, zero), alpha, t);
    return FV(select)(FV(cmpgt)(a, zero), FA_SET(FA_C(1.0)), t);
}
