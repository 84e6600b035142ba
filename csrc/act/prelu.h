/* prelu(z, weight) is leaky_relu with the slope as a required (array) input: the
 * same kernel, P = (weight, at_zero) as leaky_relu's (alpha, at_zero). */
FA_INLINE void FA_FN(fa_prelu_fwd)(FA_V z, const FA_V *P, FA_V *a, FA_V *d)
{
    FA_FN(fa_leaky_relu_fwd)(z, P, a, d);
}
