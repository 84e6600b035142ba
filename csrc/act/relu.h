/* relu(z) = max(0, z); relu'(z) = 1 for z > 0, 0 for z < 0, at_zero at z = 0
 * (the caller passes 0, PyTorch's choice, unless told otherwise).
 * Written as selects that let NaN through: NaN in gives NaN out. */
FA_INLINE void FA_FN(fa_relu_fwd)(FA_V z, const FA_V *P, FA_V *a, FA_V *d)
{
    const FA_V at_zero = P[0];
    const FA_V zero = FA_SET(FA_C(0.0));
    *a = FV(select)(FV(cmple)(z, zero), zero, z);
    /* From the least to the most specific case; NaN fails every compare and
     * keeps z. */
    FA_V t = FV(select)(FV(cmpeq)(z, zero), at_zero, z);
    t = FV(select)(FV(cmplt)(z, zero), zero, t);
    *d = FV(select)(FV(cmpgt)(z, zero), FA_SET(FA_C(1.0)), t);
}

/* From the output a = relu(z): a > 0 exactly when z > 0.  a = 0 covers every
 * z <= 0, so no kink value applies here. */
FA_INLINE FA_V FA_FN(fa_relu_from_a)(FA_V a, const FA_V *P)
{
    (void)P;
    const FA_V zero = FA_SET(FA_C(0.0));
    const FA_V t = FV(select)(FV(cmple)(a, zero), zero, a);
    return FV(select)(FV(cmpgt)(a, zero), FA_SET(FA_C(1.0)), t);
}
