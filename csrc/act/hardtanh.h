/* hardtanh(z) = clamp(z, min_val, max_val) (exact); g' = 1 strictly inside, 0 at
 * and beyond both clamps, as PyTorch's hardtanh_backward.  From a the same test
 * holds: a == min_val or max_val only comes from z at or beyond that clamp. */
FA_INLINE void FA_FN(fa_hardtanh_fwd)(FA_V z, const FA_V *P, FA_V *a, FA_V *d)
{
    *a = FA_FN(fa_clamp)(z, P[0], P[1]);
    *d = FA_FN(fa_inside)(z, P[0], P[1], FA_SET(FA_C(1.0)));
}

FA_INLINE FA_V FA_FN(fa_hardtanh_from_a)(FA_V a, const FA_V *P)
{
    return FA_FN(fa_inside)(a, P[0], P[1], FA_SET(FA_C(1.0)));
}
