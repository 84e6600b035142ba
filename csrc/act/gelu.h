/* gelu(z) = z Phi(z) (approximate="none"), and PyTorch's tanh form gelu_tanh.
 *
 * gelu: from the Gaussian tail at m = |z| (fa_gauss_parts, fa_math_impl.h:
 * 2^S exp(-m^2/2), 1/sqrt(2 pi) with exp's argument error folded in, and the
 * Mills ratio R(m) = Phi(-m)/phi(m), each an unrounded pair, the exponential
 * always normal), everything at x = -m and reflected:
 *   z <= 0:  gelu = z Phi(-m),         gelu' = phi(m) (R(m) - m)
 *   z >  0:  gelu = z (1 - Phi(-m)),   gelu' = 1 - gelu'(-m)
 * (gelu(z) - gelu(-z) = z, gelu'(z) + gelu'(-z) = 1).  Each result is one
 * rounding of an unrounded product, so the far negative tail keeps its
 * relative precision down to the last subnormal (float32: z ~ -14.1, double:
 * z ~ -38.6): Phi is never 1 + erf.
 * gelu' has a zero at z0 = -0.75179...: R - m cancels there, and R's own error
 * (~2^-28 relative in float32) would be 10^5 ULP of the result next to it.
 * Within |z - z0| < W (1/4) the derivative comes from the fit dz (C1 + dz Q(dz))
 * instead (fa_at_simple_zero; mpmath Chebyshev, relative error 2^-30 float /
 * 2^-68 double), always computed: cheaper than a branch.  At the window's edge
 * R - m is 0.36, and R's error there is 2^-28/0.36 relative: well inside. */
#define FA_GELU_W FA_C(0.25)
#if FA_IS_F32
static const float FA_FN(fa_gelu_k)[4] = {-0x1.80ead2p-1f, 0x1.a03fd4p-27f, 0x1.b9d990p-2f,
                                          -0x1.69737ap-28f};
static const float FA_FN(fa_gelu_q)[] = {
    -0x1.22e1c4p-9f, 0x1.243120p-8f, 0x1.3e31c6p-6f, -0x1.e3f368p-7f, -0x1.d2fa4ap-4f,
    -0x1.2a2f0ep-6f, 0x1.8d9a94p-2f};
#else
static const double FA_FN(fa_gelu_k)[4] = {-0x1.80ead197f00b4p-1, 0x1.13e74c58cada8p-56,
                                           0x1.b9d98fa5a3215p-2, 0x1.f7c1a23190c7cp-56};
static const double FA_FN(fa_gelu_q)[] = {
    0x1.2e07aca6e36bep-21, 0x1.d058093e844d3p-22, -0x1.03f91a834f3f1p-17,
    -0x1.784a7e74fd459p-17, 0x1.6961016af1e92p-14, 0x1.86c8638180b9ep-13,
    -0x1.8680f74903b9ap-11, -0x1.258a6d855091ep-9, 0x1.297b9d6ff8dfcp-8,
    0x1.3e346def41ff3p-6, -0x1.e4088244f900fp-7, -0x1.d2fa4c17c7e84p-4,
    -0x1.2a2ef9bb865aep-6, 0x1.8d9a941de3ac5p-2};
#endif

FA_INLINE void FA_FN(fa_gelu_fwd)(FA_V z, const FA_V *P, FA_V *a, FA_V *d)
{
    (void)P;
    const FA_V one = FA_SET(FA_C(1.0)), zero = FA_SET(FA_C(0.0));
    const FA_V unscale = FA_SET(FA_EXP_UNSCALE_S), ch = FA_SET(FA_RSQRT2PI_HI);
    const FA_V m = FV(abs)(z);
    const FA_V mc = FV(min)(FA_SET(FA_GAUSS_MMAX), m);  /* NaN passes (simd.h) */
    FA_V el, cl, rh, rl;
    const FA_V es = FA_FN(fa_gauss_parts)(mc, zero, &el, &cl, &rh, &rl);
    /* 2^S Phi(-m) = ph + pl */
    FA_V wl, pl;
    const FA_V wh = FA_FN(fa_mul_pair)(rh, rl, ch, cl, &wl);
    const FA_V ph = FA_FN(fa_mul_pair)(es, el, wh, wl, &pl);
    /* z <= 0: z Phi(-m), z cut at -MMAX (-inf * 0 is not met);
     * z > 0: z (1 - Phi(-m)) with 1 - Phi(-m) = sh + sl (Fast2Sum, Phi(-m) <= 1/2) */
    const FA_V zc = FV(max)(FA_SET(-FA_GAUSS_MMAX), z);
    const FA_V a_neg = FV(mul)(FV(muladd)(zc, ph, FV(mul)(zc, pl)), unscale);
    const FA_V qh = FV(mul)(ph, unscale), ql = FV(mul)(pl, unscale);
    const FA_V sh = FV(sub)(one, qh);
    const FA_V sl = FV(sub)(FV(sub)(FV(sub)(one, sh), qh), ql);
    const FA_V a_pos = FV(muladd)(m, sh, FV(mul)(mc, sl));  /* +inf * sl is not met */
    const FA_M neg = FV(cmple)(z, zero);
    *a = FV(select)(neg, a_neg, a_pos);
    /* gelu'(-m) = phi(m) (R - m): 2^S of it is vh + vl */
    FA_V dl, yl, vl;
    const FA_V dh = FA_FN(fa_two_sum)(rh, FV(neg)(mc), &dl);
    const FA_V yh = FA_FN(fa_mul_pair)(dh, FV(add)(dl, rl), ch, cl, &yl);
    const FA_V vh = FA_FN(fa_mul_pair)(es, el, yh, yl, &vl);
    FA_V d_neg = FV(mul)(FV(add)(vh, vl), unscale);
    /* 1 - gelu'(-m), Fast2Sum (|gelu'(-m)| <= 1/2) */
    const FA_V gh = FV(mul)(vh, unscale), gl = FV(mul)(vl, unscale);
    const FA_V bh = FV(sub)(one, gh);
    FA_V d_pos = FV(add)(bh, FV(sub)(FV(sub)(FV(sub)(one, bh), gh), gl));
    /* next to the zero of gelu' (at -m: z = z0 itself, or z = -z0 reflected) */
    const FA_V x = FV(neg)(mc);
    const unsigned nq = sizeof FA_FN(fa_gelu_q) / sizeof FA_FN(fa_gelu_q)[0];
    const FA_V w = FA_FN(fa_at_simple_zero)(x, FA_FN(fa_gelu_k), FA_FN(fa_gelu_q), nq);
    const FA_M near = FV(cmplt)(FV(abs)(FV(sub)(x, FA_SET(FA_FN(fa_gelu_k)[0]))),
                                FA_SET(FA_GELU_W));
    d_neg = FV(select)(near, w, d_neg);
    d_pos = FV(select)(near, FV(sub)(one, w), d_pos);
    *d = FV(select)(neg, d_neg, d_pos);
}

/* PLACEHOLDER gelu_tanh */
FA_INLINE void FA_FN(fa_gelu_tanh_fwd)(FA_V z, const FA_V *P, FA_V *a, FA_V *d)
{
    (void)P;
    *a = z;
    *d = z;
}
#undef FA_GELU_W
