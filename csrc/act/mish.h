/* mish(z) = z tanh(softplus(z)),  mish'(z) = tanh(sp) + z sigma(z) (1 - tanh(sp)^2).
 *
 * With e = exp(-|z|) and o = 1 + e, tanh(softplus(z)) is rational in e:
 *   z <= 0:  tanh(sp) = e (e + 2) / D,   D = o^2 + 1
 *   z >  0:  tanh(sp) = 1 - 2 e^2 / D,   D = o^2 + e^2
 * so with q = e/D and alpha = e + 2 (z <= 0) or -2e (z > 0), K = 0 or 1:
 *   mish  = K z + z alpha q
 *   mish' = K + q (alpha + 4 z beta o / D),   beta = 1 (z <= 0) or e (z > 0)
 * (sigma(z) (1 - tanh^2) = 4 e beta o / D^2 on both sides).  Nothing overflows,
 * one division (1/D, refined into both quotients q and o/D), and every quantity
 * is an unrounded pair (e from fa_exp_pair_neg, times 2^S: always normal, so
 * the tail z e^z keeps its relative precision down to the last subnormal), each
 * result rounded once.
 * mish' has a zero at z0 = -1.19243...: alpha + 4 z o / D cancels there; within
 * |z - z0| < 1/4 the derivative is the fit dz (C1 + dz Q(dz)) instead
 * (fa_at_simple_zero; mpmath Chebyshev, relative error 2^-31 float / 2^-65
 * double). */
#define FA_MISH_W FA_C(0.25)
#if FA_IS_F32
#  define FA_MISH_XMIN -110.0f   /* z e^z rounds to 0 below (and fa_exp_pair_neg's range) */
#  define FA_MISH_ZMAX 0x1p30f   /* z beyond: 2e^-z is 0 */
static const float FA_FN(fa_mish_k)[4] = {-0x1.31432cp+0f, -0x1.a25b08p-29f, 0x1.115accp-2f,
                                          -0x1.7b5fe8p-27f};
static const float FA_FN(fa_mish_q)[] = {
    0x1.023bc4p-10f, 0x1.258770p-10f, -0x1.b878dcp-9f, -0x1.033a2ep-6f,
    -0x1.4c2232p-6f, 0x1.574f16p-5f, 0x1.a34a26p-3f};
#else
#  define FA_MISH_XMIN -752.0
#  define FA_MISH_ZMAX 0x1p60
static const double FA_FN(fa_mish_k)[4] = {-0x1.31432c0d12d84p+0, -0x1.bf319154da210p-55,
                                           0x1.115acb42500bbp-2, 0x1.1ad72de557d4cp-56};
static const double FA_FN(fa_mish_q)[] = {
    0x1.1758b2d1de415p-20, 0x1.86f75c1bc719ep-19, 0x1.fb8fb87a782d7p-21,
    -0x1.223d1af39f7a0p-16, -0x1.d453ed95b2970p-15, -0x1.5fff99d962ae9p-15,
    0x1.0a79551440775p-12, 0x1.037991819a26cp-10, 0x1.1e5e1849f2a3bp-10,
    -0x1.b87ddfb51a097p-9, -0x1.03369d4ac90ddp-6, -0x1.4c222fe64d4fep-6,
    0x1.574f121a868dbp-5, 0x1.a34a251d8ad7bp-3};
#endif

FA_INLINE void FA_FN(fa_mish_fwd)(FA_V z, const FA_V *P, FA_V *a, FA_V *d)
{
    (void)P;
    const FA_V one = FA_SET(FA_C(1.0)), two = FA_SET(FA_C(2.0)), zero = FA_SET(FA_C(0.0));
    const FA_V unscale = FA_SET(FA_EXP_UNSCALE_S);
    const FA_M neg = FV(cmple)(z, zero);
    /* z cut where nothing changes any more (NaN passes): -inf * 0 is not met */
    const FA_V zc = FV(max)(FA_SET(FA_MISH_XMIN), FV(min)(FA_SET(FA_MISH_ZMAX), z));
    FA_V el;
    const FA_V x = FV(nabs)(z);
    FA_V es = FA_FN(fa_exp_pair_neg)(FV(max)(FA_SET(FA_MISH_XMIN), x), &el);
    const FA_M cut = FV(cmplt)(x, FA_SET(FA_MISH_XMIN));  /* beyond: every result 0 or 1 */
    es = FV(select)(cut, zero, es);
    el = FV(select)(cut, zero, el);
    const FA_V eh = FV(mul)(es, unscale), elu = FV(mul)(el, unscale);  /* e, unscaled */
    /* o = 1 + e (Fast2Sum), D = o^2 + (1 or e^2) */
    const FA_V oh = FV(add)(one, eh);
    const FA_V ol = FV(add)(FV(sub)(FV(sub)(one, oh), FV(neg)(eh)), elu);
    FA_V o2l, e2l, cl_, dl_e;
    const FA_V o2h = FA_FN(fa_mul_pair)(oh, ol, oh, ol, &o2l);
    const FA_V e2h = FA_FN(fa_mul_pair)(eh, elu, eh, elu, &e2l);
    const FA_V ch = FV(select)(neg, one, e2h);
    cl_ = FV(select)(neg, zero, e2l);
    const FA_V d0 = FA_FN(fa_two_sum)(o2h, ch, &dl_e);
    const FA_V d1 = FV(add)(dl_e, FV(add)(o2l, cl_));
    /* normalised (Fast2Sum): the quotients' one correction step divides by dh
     * alone, and e's pair leaves d1 up to 2^-9 of d0 */
    const FA_V dh = FV(add)(d0, d1);
    const FA_V dl = FV(add)(FV(sub)(d0, dh), d1);
    const FA_V rcp = FV(div)(one, dh);
    FA_V ql, sl;
    const FA_V qh = FA_FN(fa_quot_pair)(es, el, dh, dl, rcp, &ql);   /* 2^S e / D */
    const FA_V sh = FA_FN(fa_quot_pair)(oh, ol, dh, dl, rcp, &sl);   /* o / D */
    /* alpha = e + 2 (z <= 0: Fast2Sum) or -2e */
    const FA_V p2h = FV(add)(two, eh);
    const FA_V p2l = FV(add)(FV(sub)(FV(sub)(two, p2h), FV(neg)(eh)), elu);
    const FA_V ah = FV(select)(neg, p2h, FV(mul)(FA_SET(FA_C(-2.0)), eh));
    const FA_V al = FV(select)(neg, p2l, FV(mul)(FA_SET(FA_C(-2.0)), elu));
    /* the value: z alpha q (times 2^S for z <= 0) */
    FA_V vl;
    const FA_V vh = FA_FN(fa_mul_pair)(ah, al, qh, ql, &vl);
    const FA_V a_neg = FV(mul)(FV(muladd)(zc, vh, FV(mul)(zc, vl)), unscale);
    /* z > 0: q unscaled, z (1 + alpha q) with 1 + alpha q = th + tl */
    const FA_V wh = FV(mul)(vh, unscale), wl = FV(mul)(vl, unscale);
    const FA_V th = FV(add)(one, wh);
    const FA_V tl = FV(add)(FV(sub)(FV(sub)(one, th), FV(neg)(wh)), wl);
    const FA_V a_pos = FV(muladd)(z, th, FV(mul)(zc, tl));  /* +inf * tl is not met */
    *a = FV(select)(FV(cmpeq)(z, zero), z, FV(select)(neg, a_neg, a_pos));  /* +-0 itself */
    /* the derivative: K + q (alpha + 4 z beta o/D) */
    FA_V bl, xe, ce;
    const FA_V bh = FA_FN(fa_mul_pair)(FV(select)(neg, one, eh), FV(select)(neg, zero, elu),
                                       sh, sl, &bl);
    const FA_V z4 = FV(mul)(FA_SET(FA_C(4.0)), zc);
    const FA_V xh = FA_FN(fa_two_prod)(z4, bh, &xe);
    const FA_V xl = FV(muladd)(z4, bl, xe);
    const FA_V c_h = FA_FN(fa_two_sum)(ah, xh, &ce);
    FA_V gl;
    const FA_V gh = FA_FN(fa_mul_pair)(qh, ql, c_h, FV(add)(ce, FV(add)(al, xl)), &gl);
    FA_V d_neg = FV(mul)(FV(add)(gh, gl), unscale);
    const FA_V d_pos = FA_FN(fa_one_plus)(FV(mul)(gh, unscale), FV(mul)(gl, unscale));
    /* next to the zero of mish' */
    const unsigned nq = sizeof FA_FN(fa_mish_q) / sizeof FA_FN(fa_mish_q)[0];
    const FA_M near = FV(cmplt)(FV(abs)(FV(sub)(z, FA_SET(FA_FN(fa_mish_k)[0]))),
                                FA_SET(FA_MISH_W));
    d_neg = FV(select)(near, FA_FN(fa_at_simple_zero)(z, FA_FN(fa_mish_k), FA_FN(fa_mish_q), nq),
                       d_neg);
    /* beyond the cut mish' is below every subnormal and negative: -0, the sign
     * of its limit */
    d_neg = FV(select)(cut, FA_SET(FA_C(-0.0)), d_neg);
    *d = FV(select)(neg, d_neg, d_pos);
}
#undef FA_MISH_W
#undef FA_MISH_XMIN
#undef FA_MISH_ZMAX
