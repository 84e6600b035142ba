/* leaky_relu(z) = z for z > 0, alpha*z otherwise; derivative 1 / alpha, and
 * at_zero at z = 0 (the caller passes alpha, PyTorch's choice, by default).
 * alpha = 0 is relu exactly (+0 for every z <= 0): alpha*z alone would give
 * -0 for z < 0 and 0 * -inf = NaN.  So the product is kept only where alpha != 0,
 * a mask the loop computes once (alpha is the same in every lane and every
 * element of a call): one mul, one compare and two selects per vector, where a
 * per-element relu select for the alpha = 0 case cost two more (leaky_relu's
 * value ran at 0.85x torch's).  NaN fails z <= 0 and passes through. */
FA_INLINE void FA_FN(fa_leaky_relu_fwd)(FA_V z, const FA_V *P, FA_V *a, FA_V *d)
{
    const FA_V alpha = P[0], at_zero = P[1];
    const FA_V zero = FA_SET(FA_C(0.0));
    const FA_V neg = FV(select)(FV(cmpeq)(alpha, zero), zero, FV(mul)(alpha, z));
    *a = FV(select)(FV(cmple)(z, zero), neg, z);
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
