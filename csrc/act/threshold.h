/* threshold(z) = z if z > threshold else value; g' = 1 above, 0 at and below
 * (PyTorch's threshold_backward).  Written as "z <= threshold" selects so that
 * NaN in gives NaN out (PyTorch's gives g' = 1 there). */
FA_INLINE void FA_FN(fa_threshold_fwd)(FA_V z, const FA_V *P, FA_V *a, FA_V *d)
{
    const FA_V th = P[0], value = P[1];
    *a = FV(select)(FV(cmple)(z, th), value, z);
    *d = FV(select)(FV(cmple)(z, th), FA_SET(FA_C(0.0)),
                    FV(select)(FV(cmpgt)(z, th), FA_SET(FA_C(1.0)), z));
}
