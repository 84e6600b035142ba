/* hardshrink(z) = z outside [-lambd, lambd], 0 on it (NaN passes); g' = 1 outside,
 * 0 on the closed interval (PyTorch's); from a: a == 0 exactly on it (lambd >= 0). */
FA_INLINE void FA_FN(fa_hardshrink_fwd)(FA_V z, const FA_V *P, FA_V *a, FA_V *d)
{
    const FA_V lambd = P[0];
    *a = FV(select)(FV(cmple)(FV(abs)(z), lambd), FA_SET(FA_C(0.0)), z);
    *d = FA_FN(fa_outside)(z, FV(neg)(lambd), lambd);
}

FA_INLINE FA_V FA_FN(fa_hardshrink_from_a)(FA_V a, const FA_V *P)
{
    return FA_FN(fa_softshrink_from_a)(a, P);
}
