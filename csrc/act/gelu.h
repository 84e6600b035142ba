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

FA_INLINE void FA_FN(fa_gelu_fwd_high)(FA_V z, const FA_V *P, FA_V *a, FA_V *d)
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
    /* +-0 stays itself (z Phi(z), as torch) */
    *a = FV(select)(FV(cmpeq)(z, zero), z, FV(select)(neg, a_neg, a_pos));
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


/* The default gelu, <= 2 ULP: float32 alone has a kernel of its own (double keeps
 * the <= 1 ULP one above, which is already within its speed bar).
 * With m = |z| (cut at 15: beyond, every result is z or 0 and 1 or -0) and
 * E = exp(-m^2/2) = 2^n (1 + q) (m^2 = h + l exactly, l folded into the reduced
 * argument; no table, so 2^n scales exactly and q = expm1(r), |r| <= ln2/2, is
 * one degree-6 polynomial), Phi(-m) = E K(m) and gelu'(-m) = E D(m) with
 * K = Phi(-m) exp(m^2/2) (= R(m)/sqrt(2 pi), R the Mills ratio) and D = K - m/sqrt(2 pi).
 * Each result is one rounding of a sum whose large part is exact (the budget is
 * 2 ULP: every rounding at the result's own magnitude costs up to 0.5-1 of it):
 *  - m < 2: four pieces of width 1/2 (read with fv_lut4), K = k0 + s k1 + s^2 P2(s)
 *    and D = d0 + s d1 + s^2 P2(s) (degree 6, relative 2^-27, the same P2),
 *    s = m - anchor exact (Sterbenz; anchor 0 for the first piece).  The anchors
 *    are floats where K (and D) round to within 2^-30, so k0 and d0 are nearly
 *    exact, and sit where D keeps its sign within the piece (D's small part
 *    never cancels its large one).  K (1 + q) = k0 + (k0 q + dK (1 + q)),
 *    dK = K - k0: k0 q is exact inside the FMA, and gelu = z 2^n k0 + z 2^n (the
 *    bracket) is one more.
 *  - m >= 2: R from Laplace's continued fraction 1/(m + 1/(m + 2/(m + 3/(m + T))))
 *    with the tail T a degree-5 polynomial in m (relative 2^-28: each level damps
 *    the tail's error), W = 1 - m R (<= 0.16), so that gelu(-m) =
 *    -2^n (1 + q)(1 - W)/sqrt(2 pi) and gelu'(-m) = 2^n (1 + q)(R - m)/sqrt(2 pi)
 *    each have the large part 1 (or -m) exact and the rest small.
 *  - next to the zero of gelu' (z - z0 in (-1/4, 1/2), where D cancels) the fit
 *    fa_at_simple_zero at -m, on a window wider on the side of small m (D's
 *    pieces cancel down to m ~ 1/4) than the high kernel's.
 * Measured over all 2^32 floats: docs/accuracy.md.
 * z > 0 reflects: gelu(z) = z - z Phi(-m), gelu'(z) = 1 - gelu'(-m). */
#if FA_IS_F32
#  define FA_GD_MMAX 15.0f      /* exp(-m^2/2) < 2^-162: every result is 0 (or z) beyond */
#  define FA_GD_MB 2.0f         /* the continued fraction from here */
#  define FA_GD_MAGIC (0x1.8p23f + 167.0f)  /* 167 = 127 + 40: t's low bits are n + 167 */
/* the window z - z0 in (-1/4, 1/2) = WC -+ WR: it reaches m = 1/4, where D's pieces
 * would cancel (its other side is where the fit's rounding errors grow) */
#  define FA_GD_WC 0.125f
#  define FA_GD_WR 0.375f
static const float FA_FN(fa_gelu_e_p)[] = {0x1.6ad05cp-10f, 0x1.12329ap-7f, 0x1.5557a8p-5f,
                                          0x1.55549ep-3f, 0x1.fffffep-2f};
static const float FA_FN(fa_gelu_a_anchor)[4] = {0.0f, 0x1.80000ap-1f, 0x1.fff6d8p-1f,
                                                 0x1.7ffd1cp+0f};
static const float FA_FN(fa_gelu_a_d0)[4] = {0x1.000000p-1f, 0.0f, -0x1.193ea6p-3f,
                                             -0x1.9208aap-2f};
static const float FA_FN(fa_gelu_a_d1)[4] = {-0x1.988448p-1f, -0x1.253a44p-1f, -0x1.1297e0p-1f,
                                             -0x1.f4f536p-2f};
/* K's pieces, s^6 first; the last row is k0 (the one before, s^1, is P's constant) */
static const float FA_FN(fa_gelu_a_p)[][4] = {
    {0x1.6f1e46p-8f, 0x1.cbe7acp-10f, 0x1.5d17f0p-11f, 0x1.ec0fecp-13f},
    {-0x1.832832p-6f, -0x1.5796b4p-8f, -0x1.8922c6p-9f, -0x1.36dfeap-10f},
    {0x1.f8245cp-5f, 0x1.d68da6p-7f, 0x1.2e362cp-7f, 0x1.0bc7e8p-8f},
    {-0x1.10036ep-3f, -0x1.2c80dcp-5f, -0x1.9b0562p-6f, -0x1.9966a6p-7f},
    {0x1.fff948p-3f, 0x1.5bf7e8p-4f, 0x1.fcd3c6p-5f, 0x1.204326p-5f},
    {-0x1.98843cp-2f, -0x1.63e06cp-3f, -0x1.1956dap-3f, -0x1.71c38cp-4f},
    {0x1.000000p-1f, 0x1.337020p-2f, 0x1.0bddb2p-2f, 0x1.a5726cp-3f}};
static const float FA_FN(fa_gelu_b_t)[] = {-0x1.385e78p-17f, 0x1.aa38d6p-12f, -0x1.e76ad6p-8f,
                                          0x1.36e83ep-4f, -0x1.ea33d2p-2f, 0x1.e2d5aep+0f};
/* gelu' next to its zero, for z - z0 in (-1/4, 1/2): 2^-27.8 relative */
static const float FA_FN(fa_gelu_w_q)[] = {-0x1.63f43ep-9f, 0x1.2955a2p-8f, 0x1.3f2a04p-6f,
                                          -0x1.e4304ep-7f, -0x1.d2fcb6p-4f, -0x1.2a2e7ep-6f,
                                          0x1.8d9a96p-2f};

/* Horner of c (n coefficients, highest degree first) at x */
FA_INLINE FA_V FA_FN(fa_gelu_horner)(FA_V x, const FA_T *c, unsigned n)
{
    FA_V p = FA_SET(c[0]);
    for (unsigned i = 1; i < n; i++)
        p = FV(muladd)(p, x, FA_SET(c[i]));
    return p;
}

/* exp(-(h + l)/2) = 2^-40 *sc (1 + q), sc = 2^(n+40) (normal for every h <= MMAX^2),
 * and q = expm1(r) as the pair (returned) r + *ql: x - n ln2_hi is exact (nf ln2_hi
 * has at most 23 bits; Sterbenz), the small terms -n ln2_lo - l/2 are added once
 * (r) and that rounding's error goes into *ql with r^2 P(r), so that neither r nor
 * q is rounded at its own magnitude (up to ln2/2: each rounding there was
 * 0.25-0.3 ULP of gelu) */
FA_INLINE FA_V FA_FN(fa_gelu_exp)(FA_V h, FA_V l, FA_V *sc, FA_V *ql)
{
    const FA_V magic = FA_SET(FA_GD_MAGIC);
    const FA_V x = FV(mul)(h, FA_SET(-0.5f));
    const FA_V t = FV(muladd)(x, FA_SET(0x1.715476p+0f), magic);
    const FA_V nf = FV(sub)(t, magic);
    const FA_V rh = FV(nmuladd)(nf, FA_SET(0x1.62e400p-1f), x);
    const FA_V rl = FV(nmuladd)(nf, FA_SET(0x1.7f7d1cp-20f), FV(mul)(l, FA_SET(-0.5f)));
    const FA_V r = FV(add)(rh, rl);
    /* r's rounding error (Fast2Sum, exact for |rh| >= |rl|; below that r < 2^-11
     * and its error is far below what counts) */
    const FA_V re = FV(add)(FV(sub)(rh, r), rl);
    const unsigned np = sizeof FA_FN(fa_gelu_e_p) / sizeof FA_FN(fa_gelu_e_p)[0];
    const FA_V p = FA_FN(fa_gelu_horner)(r, FA_FN(fa_gelu_e_p), np);
    *sc = FV(from_u)(FV(ushli)(FV(as_u)(t), 23));
    *ql = FV(muladd)(p, FV(mul)(r, r), re);
    return r;
}

FA_INLINE void FA_FN(fa_gelu_fwd)(FA_V z, const FA_V *P, FA_V *a, FA_V *d)
{
    (void)P;
    const FA_V one = FA_SET(1.0f), ch = FA_SET(FA_RSQRT2PI_HI), cl = FA_SET(FA_RSQRT2PI_LO);
    const FA_V m = FV(abs)(z);
    const FA_V mc = FV(min)(FA_SET(FA_GD_MMAX), m);  /* NaN passes (simd.h) */
    const FA_V zc = FV(orsign)(mc, z);
    /* m >= 2: the fraction from its tail T up, S = 1/(m + 2/(m + 3/(m + T))),
     * R = 1/(m + S), W = 1 - m R = S R, as the quotients of its convergents
     * (u = m + T, N1 = m u + 3, D1 = m N1 + 2u, D2 = m D1 + N1: S = N1/D1,
     * R = D1/D2, W = N1/D2): two divisions side by side instead of a chain of
     * four, and first in the source, so that the rest overlaps their latency.
     * D2's rounding reaches R whole (it was damped by S/(m + S) in the chain),
     * but R's error is damped again in R - m (by R/(m - R) <= 0.27) and W's in
     * 1 - W (W <= 0.16) */
    const FA_V mb = FV(max)(FA_SET(FA_GD_MB), mc);  /* NaN passes */
    const unsigned nt = sizeof FA_FN(fa_gelu_b_t) / sizeof FA_FN(fa_gelu_b_t)[0];
    const FA_V u = FV(add)(mb, FA_FN(fa_gelu_horner)(mb, FA_FN(fa_gelu_b_t), nt));
    const FA_V cn1 = FV(muladd)(mb, u, FA_SET(3.0f));
    const FA_V cd1 = FV(muladd)(mb, cn1, FV(add)(u, u));
    const FA_V cd2 = FV(muladd)(mb, cd1, cn1);
    const FA_V r = FV(div)(cd1, cd2), wb = FV(div)(cn1, cd2);
    FA_V l, sc, ql;
    const FA_V h = FA_FN(fa_square_dw)(mc, &l);
    const FA_V qh = FA_FN(fa_gelu_exp)(h, l, &sc, &ql);
    /* m < 2: the piece j = floor(2m) in kt's low bits (m >= 2 wraps: not taken) */
    const FA_V kt = FV(add)(FV(muladd)(mc, FA_SET(2.0f), FA_SET(-0.5f)), FA_SET(0x1.8p23f));
    const FA_U j = FV(as_u)(kt);
    const FA_V s = FV(sub)(mc, FV(lut4)(FA_FN(fa_gelu_a_anchor), j));
    FA_V pp = FV(lut4)(FA_FN(fa_gelu_a_p)[0], j);
    for (unsigned i = 1; i < 5; i++)
        pp = FV(muladd)(pp, s, FV(lut4)(FA_FN(fa_gelu_a_p)[i], j));
    const FA_V k0 = FV(lut4)(FA_FN(fa_gelu_a_p)[6], j), d0 = FV(lut4)(FA_FN(fa_gelu_a_d0), j);
    const FA_V k1 = FV(lut4)(FA_FN(fa_gelu_a_p)[5], j), d1 = FV(lut4)(FA_FN(fa_gelu_a_d1), j);
    /* K (1 + q) = k0 + ia with ia = k0 q + dK (1 + q), dK = K - k0 = s k1 + s^2 P2:
     * k0 q is exact inside the last FMA, so only terms of dK's size are rounded
     * besides ia itself (K rounded and then times q cost up to 0.5 ULP); D alike */
    const FA_V opq = FV(add)(one, FV(add)(qh, ql));
    const FA_V s2p = FV(mul)(FV(mul)(s, s), pp);
    const FA_V dk = FV(muladd)(s, k1, s2p), dd = FV(muladd)(s, d1, s2p);
    const FA_V ia = FV(muladd)(qh, k0, FV(muladd)(dk, opq, FV(mul)(ql, k0)));
    const FA_V id = FV(muladd)(qh, d0, FV(muladd)(dd, opq, FV(mul)(ql, d0)));
    const FA_V sn = FV(mul)(sc, FA_SET(0x1p-40f));
    const FA_V zs = FV(mul)(zc, sn);
    const FA_V zi = FV(mul)(zs, ia);
    const FA_V a_neg_a = FV(muladd)(zs, k0, zi);
    const FA_V a_pos_a = FV(sub)(FV(nmuladd)(zs, k0, zc), zi);
    const FA_V d_a = FV(mul)(FV(add)(d0, id), sn);
    /* (1 + q)(1 - W) = 1 + ib;  (1 + q)(R - m) = -m + ie */
    const FA_V ib = FV(add)(qh, FV(nmuladd)(wb, opq, ql));
    const FA_V ie = FV(nmuladd)(mb, qh, FV(nmuladd)(mb, ql, FV(mul)(r, opq)));
    /* scaled by 2^(n+40) first, then 2^-40: a subnormal result is rounded once */
    const FA_V a_neg_b = FV(mul)(FV(mul)(FV(add)(ch, FV(muladd)(ch, ib, cl)), sc),
                                 FA_SET(-0x1p-40f));
    const FA_V a_pos_b = FV(add)(m, a_neg_b);  /* +inf stays */
    const FA_V e_b = FV(nmuladd)(mb, ch, FV(nmuladd)(mb, cl, FV(mul)(ch, ie)));
    const FA_V d_b = FV(mul)(FV(mul)(e_b, sc), FA_SET(0x1p-40f));
    const FA_M far = FV(cmple)(FA_SET(FA_GD_MB), mc);
    *a = FV(selsign)(z, FV(select)(far, a_neg_b, a_neg_a), FV(select)(far, a_pos_b, a_pos_a));
    /* next to the zero of gelu' */
    const FA_V x = FV(neg)(mc);
    const unsigned nq = sizeof FA_FN(fa_gelu_w_q) / sizeof FA_FN(fa_gelu_w_q)[0];
    const FA_V w = FA_FN(fa_at_simple_zero)(x, FA_FN(fa_gelu_k), FA_FN(fa_gelu_w_q), nq);
    const FA_M near = FV(cmplt)(FV(abs)(FV(sub)(x, FA_SET(FA_FN(fa_gelu_k)[0] + FA_GD_WC))),
                                FA_SET(FA_GD_WR));
    const FA_V dn = FV(select)(near, w, FV(select)(far, d_b, d_a));
    *d = FV(selsign)(z, dn, FV(sub)(one, dn));
}
#  undef FA_GD_MMAX
#  undef FA_GD_MB
#  undef FA_GD_MAGIC
#  undef FA_GD_WC
#  undef FA_GD_WR
#else
/* double: the <= 1 ULP kernel is the default too */
FA_INLINE void FA_FN(fa_gelu_fwd)(FA_V z, const FA_V *P, FA_V *a, FA_V *d)
{
    FA_FN(fa_gelu_fwd_high)(z, P, a, d);
}
#endif

#if FA_IS_F32
#  define FA_GT_XMIN -110.0f     /* exp's argument cut (fa_exp_pair_neg's range) */
#  define FA_GT_ZC 12.0f         /* |z| beyond: exp(-|y|) < 2^-190, results z and 0 */
#  define FA_GT_2B_HI 0x1.988454p+0f         /* 2 sqrt(2/pi) */
#  define FA_GT_2B_LO -0x1.857936p-25f
#  define FA_GT_K_HI 0x1.6e4e26p-5f          /* 0.044715 */
#  define FA_GT_K_LO 0x1.a9003ep-30f
#  define FA_GT_3K_HI 0x1.12ba9ep-3f         /* 3 * 0.044715 */
#  define FA_GT_3K_LO -0x1.c13fd0p-28f
static const float FA_FN(fa_gelu_tanh_k)[4] = {-0x1.8142a0p-1f, 0x1.85a06cp-27f, 0x1.b8bacep-2f,
                                               -0x1.a6d28ep-27f};
static const float FA_FN(fa_gelu_tanh_q)[] = {
    -0x1.de314cp-11f, -0x1.3946d8p-9f, 0x1.58bfe4p-8f, 0x1.427444p-6f, -0x1.104a7cp-6f,
    -0x1.d2b770p-4f, -0x1.029616p-6f, 0x1.8cd1a2p-2f};
#else
#  define FA_GT_XMIN -752.0
#  define FA_GT_ZC 23.0
#  define FA_GT_2B_HI 0x1.9884533d43651p+0
#  define FA_GT_2B_LO -0x1.cbc0d30ebfd15p-54
#  define FA_GT_K_HI 0x1.6e4e26d4801f7p-5
#  define FA_GT_K_LO 0x1.441355475a31ap-59
#  define FA_GT_3K_HI 0x1.12ba9d1f60179p-3
#  define FA_GT_3K_LO 0x1.f30e7ff583a54p-57
static const double FA_FN(fa_gelu_tanh_k)[4] = {-0x1.81429f9e97e4dp-1, 0x1.4f523ed77dbdcp-55,
                                                0x1.b8bacd2c96b91p-2, 0x1.7625a206be83dp-56};
static const double FA_FN(fa_gelu_tanh_q)[] = {
    0x1.3a425f56ec913p-19, 0x1.7eeec06b57c0dp-18, -0x1.0b7ad44514a4fp-16,
    -0x1.2514d6b98f2cap-15, 0x1.04934133692b9p-13, 0x1.14bf545f63c69p-12,
    -0x1.e63f29031f15ep-11, -0x1.3d8d63f205385p-9, 0x1.58c9ed711f318p-8,
    0x1.427996dc18485p-6, -0x1.104a83edc0d87p-6, -0x1.d2b773464707ap-4,
    -0x1.029615edb077ap-6, 0x1.8cd1a2b2fff33p-2};
#endif

/* gelu_tanh(z) = z/2 (1 + tanh(u)) = z sigma(y),  y = 2u = 2 sqrt(2/pi) (z + 0.044715 z^3)
 * (the constant as the decimal torch writes, carried as a pair), and
 * gelu_tanh' = sigma(y) (1 + z (1 - sigma(y)) y'),  y' = 2 sqrt(2/pi) (1 + 3 0.044715 z^2).
 * y is formed as an unrounded pair (z^3 exactly from the split square): exp(-|y|)
 * magnifies y's error by |y|, ~140 in float32's tail.  e = exp(-|y|) (2^S, a pair,
 * always normal), q = e/(1 + e) = sigma(-|y|) and c = 1 - q = sigma(|y|) as pairs
 * from one division; z <= 0 takes sigma = q, 1 - sigma = c, z > 0 the reverse,
 * and each result is one rounding of an unrounded product.  gelu_tanh' has a
 * zero at z0 = -0.75246...: 1 + z c y' cancels there; within |z - z0| < 1/4 the
 * fit dz (C1 + dz Q(dz)) is taken instead (fa_at_simple_zero; relative error
 * 2^-35 float / 2^-61 double). */
FA_INLINE void FA_FN(fa_gelu_tanh_fwd)(FA_V z, const FA_V *P, FA_V *a, FA_V *d)
{
    (void)P;
    const FA_V one = FA_SET(FA_C(1.0)), zero = FA_SET(FA_C(0.0));
    const FA_V unscale = FA_SET(FA_EXP_UNSCALE_S);
    const FA_V b2h = FA_SET(FA_GT_2B_HI), b2l = FA_SET(FA_GT_2B_LO);
    const FA_M neg = FV(cmple)(z, zero);
    const FA_V zc = FV(min)(FA_SET(FA_GT_ZC), FV(max)(FA_SET(-FA_GT_ZC), z));  /* NaN passes */
    /* y = 2 beta (z + kappa z^3) as yh + yl */
    FA_V l, p3e, k3l, se, yl;
    const FA_V h = FA_FN(fa_square_dw)(zc, &l);
    const FA_V p3h = FA_FN(fa_two_prod)(zc, h, &p3e);
    const FA_V k3h = FA_FN(fa_mul_pair)(FA_SET(FA_GT_K_HI), FA_SET(FA_GT_K_LO), p3h,
                                        FV(muladd)(zc, l, p3e), &k3l);
    const FA_V sh = FA_FN(fa_two_sum)(zc, k3h, &se);
    const FA_V yh = FA_FN(fa_mul_pair)(b2h, b2l, sh, FV(add)(se, k3l), &yl);
    /* 2^S exp(-|y|) = es + el: exp(-|yh|) (1 -+ yl) */
    FA_V el;
    const FA_V x = FV(nabs)(yh);
    FA_V es = FA_FN(fa_exp_pair_neg)(FV(max)(FA_SET(FA_GT_XMIN), x), &el);
    /* beyond the cut every result is 0 and 1 (the cut's exp would leave a last
     * subnormal in the derivative) */
    const FA_M cut = FV(cmplt)(x, FA_SET(FA_GT_XMIN));
    es = FV(select)(cut, zero, es);
    el = FV(select)(cut, zero, el);
    /* normalised (Fast2Sum; o = 1 + e must be, for the quotient's one step),
     * then times 1 -+ yl: the whole of exp(-|yh|), not es alone (el is up to
     * 9% of it) */
    const FA_V en = FV(add)(es, el);
    el = FV(add)(FV(sub)(es, en), el);
    el = FV(muladd)(en, FV(select)(neg, yl, FV(neg)(yl)), el);
    /* o = 1 + e (Fast2Sum, e <= 1), q = 2^S e/o, c = 1 - q/2^S (Fast2Sum, q <= 1/2) */
    const FA_V eh = FV(mul)(en, unscale), elu = FV(mul)(el, unscale);
    const FA_V oh = FV(add)(one, eh);
    const FA_V ol = FV(add)(FV(sub)(FV(sub)(one, oh), FV(neg)(eh)), elu);
    FA_V ql;
    const FA_V qh = FA_FN(fa_quot_pair)(en, el, oh, ol, FV(div)(one, oh), &ql);
    const FA_V quh = FV(mul)(qh, unscale), qul = FV(mul)(ql, unscale);
    const FA_V ch = FV(sub)(one, quh);
    const FA_V cl = FV(sub)(FV(sub)(FV(sub)(one, ch), quh), qul);
    /* the value: z <= 0: z q / 2^S;  z > 0: z c */
    const FA_V a_neg = FV(mul)(FV(muladd)(zc, qh, FV(mul)(zc, ql)), unscale);
    const FA_V a_pos = FV(muladd)(z, ch, FV(mul)(zc, cl));  /* +inf * cl is not met */
    *a = FV(select)(FV(cmpeq)(z, zero), z, FV(select)(neg, a_neg, a_pos));
    /* the derivative: sigma (1 + z (1 - sigma) y'), sigma times 2^S */
    FA_V m2l, ue, dyl, wl, xe, be, gl;
    const FA_V m2h = FA_FN(fa_mul_pair)(FA_SET(FA_GT_3K_HI), FA_SET(FA_GT_3K_LO), h, l, &m2l);
    const FA_V uh = FA_FN(fa_two_sum)(one, m2h, &ue);
    const FA_V dyh = FA_FN(fa_mul_pair)(b2h, b2l, uh, FV(add)(ue, m2l), &dyl);
    const FA_V sgh = FV(select)(neg, qh, FV(mul)(ch, FA_SET(FA_EXP_SCALE_S)));
    const FA_V sgl = FV(select)(neg, ql, FV(mul)(cl, FA_SET(FA_EXP_SCALE_S)));
    const FA_V wh = FA_FN(fa_mul_pair)(FV(select)(neg, ch, quh), FV(select)(neg, cl, qul),
                                       dyh, dyl, &wl);
    const FA_V xh = FA_FN(fa_two_prod)(zc, wh, &xe);
    const FA_V bh = FA_FN(fa_two_sum)(one, xh, &be);
    const FA_V gh = FA_FN(fa_mul_pair)(sgh, sgl, bh, FV(add)(be, FV(muladd)(zc, wl, xe)), &gl);
    FA_V dv = FV(mul)(FV(add)(gh, gl), unscale);
    /* beyond the cut: 1, or -0 for z < 0 (g' tends to 0 from below) */
    dv = FV(select)(cut, FV(select)(neg, FA_SET(FA_C(-0.0)), one), dv);
    const unsigned nq = sizeof FA_FN(fa_gelu_tanh_q) / sizeof FA_FN(fa_gelu_tanh_q)[0];
    const FA_M near = FV(cmplt)(FV(abs)(FV(sub)(z, FA_SET(FA_FN(fa_gelu_tanh_k)[0]))),
                                FA_SET(FA_GELU_W));
    *d = FV(select)(near, FA_FN(fa_at_simple_zero)(z, FA_FN(fa_gelu_tanh_k),
                                                   FA_FN(fa_gelu_tanh_q), nq), dv);
}
/* gelu's catalogue entry has a high-mode kernel (the exact form's row), so its
 * tanh-form row needs one too: its default already meets <= 1 ULP. */
FA_INLINE void FA_FN(fa_gelu_tanh_fwd_high)(FA_V z, const FA_V *P, FA_V *a, FA_V *d)
{
    FA_FN(fa_gelu_tanh_fwd)(z, P, a, d);
}
#undef FA_GT_XMIN
#undef FA_GT_ZC
#undef FA_GT_2B_HI
#undef FA_GT_2B_LO
#undef FA_GT_K_HI
#undef FA_GT_K_LO
#undef FA_GT_3K_HI
#undef FA_GT_3K_LO
#undef FA_GELU_W
