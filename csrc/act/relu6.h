/* relu6(z) = hardtanh(z, 0, 6), PyTorch's definition (its backward too). */
FA_INLINE void FA_FN(fa_relu6_fwd)(FA_V z, const FA_V *P, FA_V *a, FA_V *d)
{
    (void)P;
    const FA_V bounds[2] = {FA_SET(FA_C(0.0)), FA_SET(FA_C(6.0))};
    FA_FN(fa_hardtanh_fwd)(z, bounds, a, d);
}

FA_INLINE FA_V FA_FN(fa_relu6_from_a)(FA_V a, const FA_V *P)
{
    (void)P;
    const FA_V bounds[2] = {FA_SET(FA_C(0.0)), FA_SET(FA_C(6.0))};
    return FA_FN(fa_hardtanh_from_a)(a, bounds);
}
