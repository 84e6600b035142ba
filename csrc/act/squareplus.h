/* squareplus(z) = (z + s)/2, s = sqrt(z^2 + b)  (jax.nn.squareplus; b = P[0] > 0).
 * s is formed as an unrounded pair, and the value from halves (|z|/2, s/2):
 *   z >= 0:  g = |z|/2 + s/2                 (no cancellation)
 *   z <  0:  g = b / (2 (s + |z|))           ((z + s)/2 cancels there)
 *   g' = g / s  (= (1 + z/s)/2 = b / (2 s (s + |z|)))
 * so neither z + s nor s + |z| overflows where the result does not.  z^2 + b
 * overflows for large |z| or b: there both are scaled by powers of two (exact)
 * before the root.  |z| is capped at the largest finite number and z = -inf is
 * given its limit 0 by a select (the capped formula would give b / (4 max)). */
#if FA_IS_F32
#  define FA_SQP_BIG 0x1p60f       /* |z| beyond it, or b beyond its square: scale */
#  define FA_SQP_BIG2 0x1p120f
#  define FA_SQP_DOWN 0x1p-68f     /* (2^128 2^-68)^2 = 2^120 and b 2^-136 <= 2^-8 */
#  define FA_SQP_HALF_UP 0x1p67f   /* 0.5 / FA_SQP_DOWN: s/2 unscaled */
#  define FA_SQP_MAX 0x1.fffffep127f
#  define FA_SQP_UP 0x1p48f        /* a < 1 and b < 1: (2a)^2 and b scaled to <= 2^98 */
#  define FA_SQP_A_BIG 0x1p50f     /* from a: |a| beyond it, scaled by A_DOWN */
#  define FA_SQP_A_DOWN 0x1p-80f   /* (2a)^2 scaled to (2^-58, 2^98] */
#  define FA_SQP_B_BIG 0x1p100f    /* from a: else b beyond it, scaled by B_DOWN */
#  define FA_SQP_B_DOWN 0x1p-50f   /* b scaled to (1, 2^28], 2a to <= 2 */
#  define FA_SQP_QUOT_DOWN 0x1p-8f /* a quotient's pairs, the numerator near the max */
#else
#  define FA_SQP_BIG 0x1p500
#  define FA_SQP_BIG2 0x1p1000
#  define FA_SQP_DOWN 0x1p-520
#  define FA_SQP_HALF_UP 0x1p519
#  define FA_SQP_MAX 0x1.fffffffffffffp1023
#  define FA_SQP_UP 0x1p480
#  define FA_SQP_A_BIG 0x1p480
#  define FA_SQP_A_DOWN 0x1p-560
#  define FA_SQP_B_BIG 0x1p960
#  define FA_SQP_B_DOWN 0x1p-480
#  define FA_SQP_QUOT_DOWN 0x1p-8
#endif

/* s/2 = sqrt(m^2 + b)/2 = (returned h) + *l, unrounded, for a finite m >= 0 and
 * b > 0.  q = m^2 + b is a pair (TwoProduct, TwoSum); sqrt(qh + ql) = sh +
 * (qh - sh^2 + ql)/(2 sh), with sh^2 exact as a pair (qh - its high part is exact
 * by Sterbenz), so the pair holds at every level, with or without FMA.  Where b
 * or m^2 underflows in the scaled lanes it is below 2^-120 of the other term. */
FA_INLINE FA_V FA_FN(fa_sqp_half_root)(FA_V m, FA_V b, FA_V *l)
{
    const FA_M big = FV(mor)(FV(cmpgt)(m, FA_SET(FA_SQP_BIG)), FV(cmpgt)(b, FA_SET(FA_SQP_BIG2)));
    const FA_V sc = FV(select)(big, FA_SET(FA_SQP_DOWN), FA_SET(FA_C(1.0)));
    const FA_V unscale = FV(select)(big, FA_SET(FA_SQP_HALF_UP), FA_SET(FA_C(0.5)));
    const FA_V ms = FV(mul)(m, sc), bs = FV(mul)(FV(mul)(b, sc), sc);
    FA_V pe, qe, se;
    const FA_V qh = FA_FN(fa_two_sum)(FA_FN(fa_square_dw)(ms, &pe), bs, &qe);
    const FA_V sh = FV(sqrt)(qh);
    const FA_V sq = FA_FN(fa_square_dw)(sh, &se);
    const FA_V res = FV(add)(FV(sub)(FV(sub)(qh, sq), se), FV(add)(qe, pe));
    *l = FV(mul)(FV(div)(res, FV(add)(sh, sh)), unscale);
    return FV(mul)(sh, unscale);
}

/* (nh + nl) / (dh + dl) as fa_quot_pair, for nh >= 0 and a quotient below the
 * format's square root.  Without FMA the step's q0 dh is a rounded product of its
 * own, and for nh near the format's max it overflows (g' = g / (s/2) at z = max
 * was -inf, g = b / (4D) at b = max NaN); there both pairs are scaled down by a
 * power of two, exactly: dh is then large too (above nh / 2^(emax/2)).  With FMA
 * the step's residual is one operation, which does not overflow: no scaling. */
FA_INLINE FA_V FA_FN(fa_sqp_quot_pair)(FA_V nh, FA_V nl, FA_V dh, FA_V dl, FA_V *lo)
{
#if !FA_HAVE_FMA
    const FA_V sc = FV(select)(FV(cmpgt)(nh, FA_SET(FA_SQP_BIG2)), FA_SET(FA_SQP_QUOT_DOWN),
                               FA_SET(FA_C(1.0)));
    nh = FV(mul)(nh, sc);
    nl = FV(mul)(nl, sc);
    dh = FV(mul)(dh, sc);
    dl = FV(mul)(dl, sc);
#endif
    return FA_FN(fa_quot_pair)(nh, nl, dh, dl, FV(div)(FA_SET(FA_C(1.0)), dh), lo);
}

FA_INLINE void FA_FN(fa_squareplus_fwd)(FA_V z, const FA_V *P, FA_V *a, FA_V *d)
{
    const FA_V b = P[0], zero = FA_SET(FA_C(0.0)), quarter = FA_SET(FA_C(0.25));
    const FA_V m = FV(min)(FA_SET(FA_SQP_MAX), FV(abs)(z));   /* NaN passes */
    FA_V hl, e;
    const FA_V hh = FA_FN(fa_sqp_half_root)(m, b, &hl);
    const FA_V w = FV(mul)(m, FA_SET(FA_C(0.5)));
    /* D = s/2 + |z|/2 (normalised: the quotients below divide by its high part) */
    const FA_V d0 = FA_FN(fa_two_sum)(hh, w, &e);
    const FA_V d0l = FV(add)(e, hl);
    const FA_V dh = FV(add)(d0, d0l);
    const FA_V dl = FV(sub)(d0l, FV(sub)(dh, d0));
    /* z < 0: g = b / (4 D), the pair scaled by 1/4 (exact but in the subnormals) */
    FA_V ql;
    const FA_V qh = FA_FN(fa_sqp_quot_pair)(b, zero, dh, dl, &ql);
    const FA_M neg = FV(cmplt)(z, zero);
    const FA_V gh = FV(select)(neg, FV(mul)(qh, quarter), dh);
    const FA_V gl = FV(select)(neg, FV(mul)(ql, quarter), dl);
    /* g' = g / s = (g / (s/2)) / 2 */
    FA_V rl;
    const FA_V r = FA_FN(fa_sqp_quot_pair)(gh, gl, hh, hl, &rl);
    const FA_M minus_inf = FV(cmpeq)(z, FA_SET(-(FA_T)INFINITY));
    *a = FV(select)(minus_inf, zero,
                    FV(select)(FV(cmpeq)(z, FA_SET((FA_T)INFINITY)), z, FV(add)(gh, gl)));
    *d = FV(select)(minus_inf, zero, FV(mul)(r, FA_SET(FA_C(0.5))));
}

/* (nh + nl) / (dh + dl) rounded about once at every level, for 0 < dh <= 2^(emax - 28)
 * (Dekker's split multiplies it by 2^27 + 1 in float64, 2^12 + 1 in float32).  With
 * FMA, fa_quot2; without, fa_quot2 drops both low parts (2 ULP for g' from a), so
 * here the residual nh - q0 dh is formed from q0 dh exactly, a pair by Dekker's
 * product, and corrects q0 once. */
FA_INLINE FA_V FA_FN(fa_sqp_quot)(FA_V nh, FA_V nl, FA_V dh, FA_V dl)
{
    const FA_V rcp = FV(div)(FA_SET(FA_C(1.0)), dh);
#if FA_HAVE_FMA
    return FA_FN(fa_quot2)(nh, nl, dh, dl, rcp);
#else
    FA_V e;
    const FA_V q0 = FV(mul)(nh, rcp);
    const FA_V p = FA_FN(fa_two_prod)(q0, dh, &e);
    /* nh - p is exact (Sterbenz: q0 is within 2 ULP of nh / dh) */
    const FA_V res = FV(sub)(FV(add)(FV(sub)(FV(sub)(nh, p), e), nl), FV(mul)(q0, dl));
    return FV(add)(q0, FV(mul)(res, rcp));
#endif
}

/* The power of two that y = 2a and b are scaled by (y by it, b by its square; g'
 * is a ratio of y^2 and y^2 + b), so that y^2 + b stays within fa_sqp_quot's
 * range: large |a| down (g' is 1 to the last bit long before (2a)^2 would
 * overflow, but b may be large too); else large b down to just above 1, so that a
 * (2a)^2 in the subnormals is below a subnormal g' (scaled as for large a, (2a)^2
 * lost its digits where g' was still normal); small a with b < 1 up: (2a)^2 would
 * reach the subnormals, and lose its digits, while (2a)^2 / b is still normal. */
FA_INLINE FA_V FA_FN(fa_sqp_from_a_scale)(FA_V y, FA_V b)
{
    const FA_V one = FA_SET(FA_C(1.0));
    const FA_M small = FV(mand)(FV(cmplt)(y, one), FV(cmplt)(b, one));
    const FA_V sc = FV(select)(FV(cmpgt)(b, FA_SET(FA_SQP_B_BIG)), FA_SET(FA_SQP_B_DOWN),
                               FV(select)(small, FA_SET(FA_SQP_UP), one));
    return FV(select)(FV(cmpgt)(y, FA_SET(FA_SQP_A_BIG)), FA_SET(FA_SQP_A_DOWN), sc);
}

/* From a = g(z) > 0: s - z = b/(2a) and s + z = 2a, so g' = a/s = (2a)^2 / ((2a)^2 + b),
 * the square and the sum as pairs and their quotient rounded once; a = +-inf
 * gives 1, the formula's limit.  Outside the domain (a <= 0) the formula as written. */
FA_INLINE FA_V FA_FN(fa_squareplus_from_a)(FA_V a, const FA_V *P)
{
    const FA_V b = P[0];
    const FA_V y = FV(min)(FA_SET(FA_SQP_MAX), FV(abs)(a));   /* NaN passes */
    const FA_V sc = FA_FN(fa_sqp_from_a_scale)(y, b);
    const FA_V ys = FV(mul)(y, FV(add)(sc, sc)), bs = FV(mul)(FV(mul)(b, sc), sc);
    FA_V pl, e;
    const FA_V ph = FA_FN(fa_square_dw)(ys, &pl);
    const FA_V q0 = FA_FN(fa_two_sum)(ph, bs, &e);
    const FA_V q0l = FV(add)(e, pl);
    const FA_V qh = FV(add)(q0, q0l);
    const FA_V ql = FV(sub)(q0l, FV(sub)(qh, q0));
    return FA_FN(fa_sqp_quot)(ph, pl, qh, ql);
}
#undef FA_SQP_BIG
#undef FA_SQP_BIG2
#undef FA_SQP_DOWN
#undef FA_SQP_HALF_UP
#undef FA_SQP_MAX
#undef FA_SQP_UP
#undef FA_SQP_A_BIG
#undef FA_SQP_A_DOWN
#undef FA_SQP_B_BIG
#undef FA_SQP_B_DOWN
#undef FA_SQP_QUOT_DOWN
