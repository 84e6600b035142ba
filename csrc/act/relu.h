/* relu(z) = max(0, z); relu'(z) = 1 for z > 0, 0 for z < 0, at_zero at z = 0
 * (the caller passes 0, PyTorch's choice, unless told otherwise).
 * Written as selects that let NaN through: NaN in gives NaN out. */
FA_INLINE void FA_FN(fa_relu_fwd)(FA_T z, FA_T alpha, FA_T at_zero, FA_T *a, FA_T *d)
{
    (void)alpha;
    *a = z <= 0 ? FA_C(0.0) : z;
    /* Flat selects from the least to the most specific case (NaN fails every
     * compare and keeps z): nested ?: became branches that GCC would not
     * vectorise in the fused loop. */
    FA_T t = z == 0 ? at_zero : z;
    t = z < 0 ? FA_C(0.0) : t;
    *d = z > 0 ? FA_C(1.0) : t;
}

/* From the output a = relu(z): a > 0 exactly when z > 0.  a = 0 covers every
 * z <= 0, so no kink value applies here. */
FA_INLINE FA_T FA_FN(fa_relu_from_a)(FA_T a, FA_T alpha, FA_T at_zero)
{
    (void)alpha; (void)at_zero;
    return a > 0 ? FA_C(1.0) : a <= 0 ? FA_C(0.0) : a;
}
