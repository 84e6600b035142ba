/* leaky_relu(z) = z for z > 0, alpha*z otherwise; derivative 1 / alpha, and
 * at_zero at z = 0 (the caller passes alpha, PyTorch's choice, by default).
 * alpha = 0 is relu exactly: without the select, 0 * -inf would give NaN. */
FA_INLINE void FA_FN(fa_leaky_relu_fwd)(FA_T z, FA_T alpha, FA_T at_zero, FA_T *a, FA_T *d)
{
    const FA_T neg = alpha == 0 ? (z <= 0 ? FA_C(0.0) : z) : alpha * z;
    *a = z > 0 ? z : neg;
    *d = z > 0 ? FA_C(1.0) : z < 0 ? alpha : z == 0 ? at_zero : z;
}

/* From the output: with alpha > 0 (checked by the caller) sign(a) = sign(z). */
FA_INLINE FA_T FA_FN(fa_leaky_relu_from_a)(FA_T a, FA_T alpha, FA_T at_zero)
{
    return a > 0 ? FA_C(1.0) : a < 0 ? alpha : a == 0 ? at_zero : a;
}
