/* ulp_sweep.c - exhaustive float32 ULP sweep of every row of the C table.
 *
 * For each activation row (csrc/activations.def, the table dispatch.c builds), at
 * one level and accuracy mode: every float32 bit pattern z (or every STRIDE-th)
 * through and_derivative, and every one inside g's range through
 * derivative_from_a, against correctly rounded references.  One row at a time,
 * its inputs split over --jobs threads; the results of each finished row go to
 * the --results file, so a run that is stopped resumes with the next row.
 *
 * Figures, per row x output (value, derivative, derivative_from_a):
 *   ulp   |got - cr| / spacing(cr), cr the exact result rounded to float32 (the
 *         metric of fastact._accuracy.ulp and `python -m fastact accuracy`): 0 is
 *         correctly rounded, 1 faithful;
 *   real  |got - exact| / spacing(cr), over the results that are not cr;
 * the worst input, and how many results differ from cr / are over 1 ULP.
 *
 * The references are written here from the maths (the stable textbook forms:
 * exp(-|z|) logistic, expm1, log1p, a series for z - tanh z; gelu's Phi from
 * erfc, never 1 + erf; gelu_tanh as z sigma(y); mish's tanh(softplus) rational
 * in exp(-|z|)), independent of the kernels' formulas.  Each returns the result
 * and the magnitude S of the terms it adds (times a libm function's condition
 * number where its argument is rounded), so that its error is below S * 2^-47
 * (double) / S * 2^-57 (x87 long double; glibc's functions are within a few ulp
 * of either).  cr is decided in double; where the double result lies within
 * that error of a float32 rounding midpoint (cr is then not certain), again in
 * long double; where even that cannot decide (a few points: cancellation next to
 * a zero of g', e.g. silu' at z = -1.2785), the point is written out as "pending" with both candidates, the
 * smaller figure counts, and tests/c/ulp_sweep_settle.py settles it with mpmath
 * (fastact/_accuracy's references), which also re-checks every worst input.
 *
 * Referenced: every row of the table (csrc/activations.def; gelu_tanh is gelu's
 * approximate="tanh" row).  Parameters: the catalogue's defaults; threshold
 * (threshold 0.5, value -1) and prelu (weight 0.25) as
 * fastact/_accuracy/ref_piecewise.py measures them.
 *
 * usage: ulp_sweep [LEVEL [MODE [STRIDE [JOBS [BOUND]]]]] [options]
 *   --level L, --mode M (default|high), --stride S, --jobs N (threads),
 *   --functions a,b,... (rows to sweep; default every row),
 *   --results FILE (append the records; rows already done there are skipped),
 *   --bound B (ULP, for every output; "-" reports only),
 *   --same-as L2: instead of the references, every output compared bit for bit
 *         with level L2's in the same mode (NaN as NaN): a level identical to
 *         one that was swept has that sweep's figures, for a fraction of the
 *         time (the references are most of a sweep's cost).
 * Default bounds: smooth values and derivatives 2 ULP (1 in "high" mode for the
 * rows with a separate high kernel), from-a 1 ULP, piecewise-linear rows exact
 * (hardsigmoid's value, a division by 6, 1 ULP; hardswish 2 / 1; sparse_plus 1
 * on every output); at a level
 * without FMA the figures are only reported.  Exit status 1 if a bound is exceeded
 * or a NaN/finiteness check fails, 2 on bad arguments or an unavailable level. */
#include <fenv.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "fastact.h"

enum { OUT_VALUE, OUT_DERIV, OUT_FROM_A, NOUT, BLOCK = 1 << 14, MAX_PENDING = 4096,
       MAX_JOBS = 64 };
static const char *const out_names[NOUT] = {"value", "derivative", "derivative_from_a"};

/* ---- references -------------------------------------------------------------
 * Each is written once and instantiated in double (_d) and long double (_l); T is
 * the type, and <math.h>'s functions are called through the type-generic macros
 * below.  fwd: v[0] = g(x), v[1] = g'(x), s[] their term magnitudes; from_a:
 * v[0] = g'(z) from x = a = g(z), s[0].  A result may come as v + lo (lo 0 unless
 * set): where v is exact and lo far smaller, which side of a rounding midpoint
 * the sum is on is decided by lo even when v is that midpoint.  P: the row's parameters as the float32
 * kernels see them (rounded to float). */
/* libm_used: the long double result came through a libm function, whose inexact
 * flag is not to be trusted (tier 2 below takes a result as exact when no
 * arithmetic raised FE_INEXACT and no libm function was called) */
static __thread int libm_used;
#define G(f, x) (libm_used = 1, sizeof(x) == sizeof(double) ? (long double)f(x) : f##l(x))
#define EXP(x) ((T)G(exp, x))
#define EXPM1(x) ((T)G(expm1, x))
#define LOG1P(x) ((T)G(log1p, x))
#define TANH(x) ((T)G(tanh, x))
#define ERFC(x) ((T)G(erfc, x))
#define SQRT(x) ((T)G(sqrt, x))
#define ABS(x) ((x) < 0 ? -(x) : (x))
#define DEFINE_REF(fn, ...)                                                                 \
    static void fn##_d(double x, const double *P, double *v, double *s, double *lo)         \
    {                                                                                       \
        typedef double T;                                                                   \
        (void)P; (void)sizeof(T); lo[0] = lo[1] = 0;                                        \
        __VA_ARGS__                                                                         \
    }                                                                                       \
    static void fn##_l(long double x, const double *P, long double *v, long double *s,      \
                       long double *lo)                                                     \
    {                                                                                       \
        typedef long double T;                                                              \
        (void)P; (void)sizeof(T); lo[0] = lo[1] = 0;                                        \
        __VA_ARGS__                                                                         \
    }

/* the logistic pair of x from e = exp(-|x|): sigma(x) and 1 - sigma(x) = sigma(-x) */
#define LOGISTIC(x, e, sg, c)                                                               \
    const T e = EXP(-ABS(x)), sg = (x) > 0 ? 1 / (1 + e) : e / (1 + e),                     \
            c = (x) > 0 ? e / (1 + e) : 1 / (1 + e)

static const long double SELU_L = 1.0507009873554804934193349852946L;
static const long double SELU_LA = 1.7580993408473768599402175208123L;  /* lambda alpha */
/* (z - tanh z) / z^3 = sum_k TS[k] z^(2k) (mpmath, 25 digits): below |z| = 1/8 the
 * terms fall by 2^-7 each, so 12 reach 2^-84 */
static const long double TS[] = {
    0.3333333333333333333333333L, -0.1333333333333333333333333L, 0.05396825396825396825396825L,
    -0.02186948853615520282186949L, 0.008863235529902196568863236L,
    -0.003592128036572481016925461L, 0.001455834387051318268249485L,
    -0.000590027440945585981378076L, 0.0002391291142435524814857315L,
    -0.00009691537956929450325595875L, 0.00003927832388331683405337081L,
    -0.00001591890506932896474074428L};

DEFINE_REF(sigmoid, LOGISTIC(x, e, sg, c); (void)c;
           v[0] = sg; v[1] = e / ((1 + e) * (1 + e)); s[0] = v[0]; s[1] = v[1];)
DEFINE_REF(sigmoid_a, v[0] = x * (1 - x); s[0] = ABS(v[0]);)
DEFINE_REF(tanh, const T e2 = EXP(-2 * ABS(x));
           v[0] = TANH(x); v[1] = 4 * e2 / ((1 + e2) * (1 + e2)); s[0] = ABS(v[0]); s[1] = v[1];)
DEFINE_REF(tanh_a, v[0] = 1 - x * x; s[0] = v[0];)
/* relu, leaky_relu, prelu: P = (slope, at_zero); relu's slope is 0 */
DEFINE_REF(leaky, v[0] = x > 0 ? x : (T)P[0] * x; v[1] = x > 0 ? 1 : x < 0 ? (T)P[0] : (T)P[1];
           s[0] = ABS(v[0]); s[1] = ABS(v[1]);)
DEFINE_REF(relu, v[0] = x > 0 ? x : 0; v[1] = x > 0 ? 1 : x < 0 ? 0 : (T)P[0];
           s[0] = v[0]; s[1] = v[1];)
DEFINE_REF(relu_a, v[0] = x > 0 ? 1 : 0; s[0] = v[0];)
DEFINE_REF(leaky_a, v[0] = x > 0 ? 1 : x < 0 ? (T)P[0] : (T)P[1]; s[0] = ABS(v[0]);)
/* hardtanh, relu6: P = (min_val, max_val); g' = 0 at both edges (torch) */
DEFINE_REF(clamp, v[0] = x < (T)P[0] ? (T)P[0] : x > (T)P[1] ? (T)P[1] : x;
           v[1] = x > (T)P[0] && x < (T)P[1] ? 1 : 0; s[0] = ABS(v[0]); s[1] = v[1];)
DEFINE_REF(clamp_a, v[0] = x > (T)P[0] && x < (T)P[1] ? 1 : 0; s[0] = v[0];)
DEFINE_REF(hardsigmoid, const T cl = x < -3 ? -3 : x > 3 ? 3 : x;
           v[0] = (cl + 3) / 6; v[1] = x > -3 && x < 3 ? (T)1 / 6 : 0; s[0] = v[0]; s[1] = v[1];)
DEFINE_REF(hardsigmoid_a, v[0] = x > 0 && x < 1 ? (T)1 / 6 : 0; s[0] = v[0];)
/* hardswish: g'(-3) = 0, g'(3) = 1 (torch); tiny z: g = z/2 + z^2/6 as the
 * silu above */
DEFINE_REF(hardswish, v[0] = x <= -3 ? 0 : x >= 3 ? x : x * (x + 3) / 6;
           v[1] = x <= -3 ? 0 : x >= 3 ? 1 : (2 * x + 3) / 6; s[0] = ABS(v[0]);
           s[1] = ABS(v[1]);
           if (ABS(x) < (T)0x1p-20) {
               v[0] = x / 2; lo[0] = x * x / 6; s[0] = ABS(lo[0]);
           })
/* sparse_plus: (x + 1)^2 / 4 on (-1, 1) (exact in double for a float32 x), g'
 * continuous; from a, sqrt(a) below 1 */
DEFINE_REF(sparse_plus, const T t = x <= -1 ? 0 : x >= 1 ? 2 : x + 1;
           v[0] = x >= 1 ? x : t * t / 4; v[1] = t / 2; s[0] = v[0]; s[1] = v[1];)
DEFINE_REF(sparse_plus_a, v[0] = x >= 1 ? 1 : SQRT(x); s[0] = v[0];)
/* softshrink, hardshrink: P = (lambd); g' = 0 on the closed interval */
DEFINE_REF(softshrink, const T l = (T)P[0];
           v[0] = x > l ? x - l : x < -l ? x + l : 0; v[1] = ABS(x) > l ? 1 : 0;
           s[0] = ABS(x) + l; s[1] = v[1];)
DEFINE_REF(hardshrink, v[0] = ABS(x) > (T)P[0] ? x : 0; v[1] = ABS(x) > (T)P[0] ? 1 : 0;
           s[0] = ABS(v[0]); s[1] = v[1];)
DEFINE_REF(shrink_a, v[0] = x != 0 ? 1 : 0; s[0] = v[0];)
/* threshold: P = (threshold, value) */
DEFINE_REF(threshold, v[0] = x > (T)P[0] ? x : (T)P[1]; v[1] = x > (T)P[0] ? 1 : 0;
           s[0] = ABS(v[0]); s[1] = v[1];)
/* elu (P = alpha), selu, celu (P = alpha): g'(0) = alpha, lambda alpha, 1 (torch) */
DEFINE_REF(elu, const T al = (T)P[0];
           v[0] = x > 0 ? x : al * EXPM1(x); v[1] = x > 0 ? 1 : al * EXP(x);
           s[0] = ABS(v[0]); s[1] = ABS(v[1]);)
DEFINE_REF(elu_a, v[0] = x > 0 ? 1 : x + (T)P[0]; s[0] = x > 0 ? 1 : ABS(x) + ABS((T)P[0]);)
DEFINE_REF(selu, v[0] = x > 0 ? (T)SELU_L * x : (T)SELU_LA * EXPM1(x);
           v[1] = x > 0 ? (T)SELU_L : (T)SELU_LA * EXP(x); s[0] = ABS(v[0]); s[1] = v[1];)
DEFINE_REF(selu_a, v[0] = x > 0 ? (T)SELU_L : x + (T)SELU_LA;
           s[0] = x > 0 ? v[0] : ABS(x) + (T)SELU_LA;)
DEFINE_REF(celu, const T al = (T)P[0];
           v[0] = x > 0 ? x : al * EXPM1(x / al); v[1] = x > 0 ? 1 : EXP(x / al);
           s[0] = ABS(v[0]); s[1] = v[1];)
DEFINE_REF(celu_a, v[0] = x > 0 ? 1 : x / (T)P[0] + 1; s[0] = x > 0 ? 1 : ABS(x / (T)P[0]) + 1;)
/* tiny z: g(z) = z/2 + z tanh(z/2)/2, z/2 exact (a midpoint for odd subnormals) */
DEFINE_REF(silu, LOGISTIC(x, e, sg, c);
           v[0] = isinf(x) ? (x > 0 ? x : 0) : x * sg;
           if (ABS(x) < (T)0x1p-20) {
               v[0] = x / 2; lo[0] = x * TANH(x / 2) / 2; s[0] = ABS(lo[0]);
           }
           v[1] = isinf(x) ? (x > 0 ? 1 : 0) : sg * (1 + x * c);
           if (ABS(x) >= (T)0x1p-20) s[0] = ABS(v[0]);
           s[1] = isinf(x) ? v[1] : sg * (1 + ABS(x * c));)
DEFINE_REF(softsign, const T m = ABS(x);
           v[0] = isinf(x) ? (x > 0 ? 1 : -1) : x / (1 + m); v[1] = 1 / ((1 + m) * (1 + m));
           s[0] = ABS(v[0]); s[1] = v[1];)
DEFINE_REF(softsign_a, const T w = 1 - ABS(x); v[0] = w * w; s[0] = v[0];)
/* below 1/8, tanh z = z - r with r = z^3 (...) the series: g' = z^2 + r (r - 2z),
 * z^2 exact (a midpoint for some tiny z: r decides) */
DEFINE_REF(tanhshrink,
           if (ABS(x) < (T)0.125) {
               const T u = x * x;
               T p = 0;
               for (int k = (int)(sizeof TS / sizeof TS[0]) - 1; k >= 0; k--)
                   p = p * u + (T)TS[k];
               const T r = x * u * p;
               v[0] = r; s[0] = ABS(r);
               v[1] = u; lo[1] = r * (r - 2 * x); s[1] = ABS(lo[1]);
           } else {
               const T t = TANH(x);
               v[0] = x - t; s[0] = ABS(x) + ABS(t);
               v[1] = t * t; s[1] = v[1];
           })
/* softplus: P = (beta, threshold); beta z > threshold is torch's switch to z */
DEFINE_REF(softplus, const T b = (T)P[0], bz = b * x; LOGISTIC(bz, e, sg, c); (void)c;
           const int linear = bz > (T)P[1];
           v[0] = linear ? x : ((bz > 0 ? bz : 0) + LOG1P(e)) / b; v[1] = linear ? 1 : sg;
           s[0] = ABS(v[0]); s[1] = v[1];)
DEFINE_REF(softplus_a, v[0] = -EXPM1(-(T)P[0] * x); s[0] = ABS(v[0]);)
DEFINE_REF(log_sigmoid, LOGISTIC(x, e, sg, c); (void)sg;
           v[0] = (x < 0 ? x : 0) - LOG1P(e); v[1] = c; s[0] = ABS(v[0]); s[1] = v[1];)
DEFINE_REF(log_sigmoid_a, v[0] = -EXPM1(x); s[0] = ABS(v[0]);)
/* squareplus: P = (b); (z + sq)/2 rationalised to b / (2 (sq - z)) for z < 0,
 * where it cancels; g' = g / sq (the limit 1 at +inf, where that is inf / inf) */
DEFINE_REF(squareplus, const T b = (T)P[0], sq = SQRT(x * x + b);
           v[0] = x < 0 ? b / (2 * (sq - x)) : (x + sq) / 2;
           v[1] = isinf(x) && x > 0 ? 1 : v[0] / sq; s[0] = v[0]; s[1] = v[1];)
DEFINE_REF(squareplus_a, const T y2 = (2 * x) * (2 * x);
           v[0] = isinf(x) ? 1 : y2 / (y2 + (T)P[0]); s[0] = v[0];)

/* The gated units.  Where a libm function's argument is rounded, its error is
 * magnified by the function's condition number, and S carries that factor: erfc
 * at t = m/sqrt 2 (~2t^2 = m^2 in the tail), exp(-|y|) (|y|).  exp(-z^2/2) takes
 * an exact argument (z^2 of a float is exact in double). */
static const long double RSQRT2_L = 0.707106781186547524400844362104849039L;
static const long double RSQRT2PI_L = 0.398942280401432677939946059934381868L;
static const long double GT_B2_L = 1.59576912160573071175978423973752747L;  /* 2 sqrt(2/pi) */
static const long double GT_K_L = 0.044715L;  /* as torch writes it */
/* gelu = z Phi(z), gelu' = Phi + z phi, from the tail q = Phi(-|z|) = erfc(|z|/sqrt 2)/2
 * (Phi = q or 1 - q); gelu' cancels next to its zero (z = -0.7518): S is the
 * terms' size there, and the undecided points go to long double, then mpmath.
 * tiny z: g = z/2 + phi(0) z^2 (the next term z^2 smaller), z/2 exact: a midpoint for
 * odd subnormals (above 2^-124 z/2 is a float32, far from one: the plain form) */
DEFINE_REF(gelu, const T m = ABS(x), q = ERFC(m * (T)RSQRT2_L) / 2, ph = x > 0 ? 1 - q : q,
           ep = EXP(-m * m / 2) * (T)RSQRT2PI_L, amp = 3 + 2 * m * m;
           const int inf = isinf(x);
           v[0] = inf ? (x > 0 ? x : 0) : x * ph; s[0] = inf ? 0 : ABS(v[0]) + m * q * amp;
           if (m < (T)0x1p-124) {
               v[0] = x / 2; lo[0] = (T)RSQRT2PI_L * x * x; s[0] = ABS(lo[0]);
           }
           v[1] = inf ? (x > 0 ? 1 : 0) : ph + x * ep;
           s[1] = inf ? v[1] : ph + q * amp + 3 * m * ep;)
/* gelu_tanh = z sigma(y), y = 2 sqrt(2/pi) (z + 0.044715 z^3), and its derivative
 * sigma (1 + z (1 - sigma) y') (zero at z = -0.7525); E: the error scale of the
 * smaller of sigma, 1 - sigma (y's rounding, magnified by |y| in exp).  tiny z
 * (as gelu): g = z/2 + z tanh(y/2)/2 */
DEFINE_REF(gelu_tanh, const T y = (T)GT_B2_L * (x + (T)GT_K_L * x * x * x);
           LOGISTIC(y, e, sg, c);
           const T E = (y > 0 ? c : sg) * (ABS(y) + 3),
                   yp = (T)GT_B2_L * (1 + 3 * (T)GT_K_L * x * x);
           const int inf = isinf(x);
           v[0] = inf ? (x > 0 ? x : 0) : x * sg; s[0] = inf ? 0 : ABS(v[0]) + ABS(x) * E;
           if (ABS(x) < (T)0x1p-124) {
               v[0] = x / 2; lo[0] = x * TANH(y / 2) / 2; s[0] = ABS(lo[0]);
           }
           v[1] = inf ? (x > 0 ? 1 : 0) : sg * (1 + x * c * yp);
           s[1] = inf ? v[1] : (sg + E) * (1 + ABS(x) * (c + E) * yp);)
/* mish = z t, t = tanh(softplus(z)) from e = exp(-|z|): z <= 0: t = e (e + 2)/D,
 * D = (1 + e)^2 + 1; z > 0: t = 1 - w, w = 2 e^2/D, D = (1 + e)^2 + e^2 (w = 1 - t
 * on both sides, 2/D below 0); mish' = t + z sigma(z) w (1 + t) (zero at z = -1.1924) */
DEFINE_REF(mish, const T e = EXP(-ABS(x)), o = 1 + e, D = o * o + (x > 0 ? e * e : 1),
           w = x > 0 ? 2 * e * e / D : 2 / D, t = x > 0 ? 1 - w : e * (e + 2) / D,
           sg = x > 0 ? 1 / o : e / o, r = x * sg * w * (1 + t);
           const int inf = isinf(x);
           v[0] = inf ? (x > 0 ? x : 0) : x * t; s[0] = ABS(v[0]);
           v[1] = inf ? (x > 0 ? 1 : 0) : t + r; s[1] = inf ? v[1] : t + ABS(r);)

typedef void (*ref_d_fn)(double, const double *, double *, double *, double *);
typedef void (*ref_l_fn)(long double, const double *, long double *, long double *,
                         long double *);

/* Which bound a row's outputs get by default: smooth (2 ULP / 1 in high mode),
 * exact (0), the two piecewise rows with a division by 6, or faithful (1 ULP on
 * every output: sparse_plus, rounded once but for a dropped tl^2). */
typedef enum { SMOOTH, EXACT, DIV6, HARDSWISH, FAITHFUL } kind_t;

typedef struct {
    const char *name;
    kind_t kind;
    double params[FA_MAX_PARAMS];
    ref_d_fn fwd_d, from_a_d;
    ref_l_fn fwd_l, from_a_l;
    float a_lo, a_hi;  /* g's range: the a the from-a operations are swept over */
} ref_t;

#define FWD(f) f##_d, NULL, f##_l, NULL
#define FWD_A(f, fa) f##_d, fa##_d, f##_l, fa##_l
static const ref_t REFS[] = {
    {"sigmoid", SMOOTH, {0}, FWD_A(sigmoid, sigmoid_a), 0, 1},
    {"tanh", SMOOTH, {0}, FWD_A(tanh, tanh_a), -1, 1},
    {"relu", EXACT, {0}, FWD_A(relu, relu_a), 0, INFINITY},
    {"leaky_relu", EXACT, {0.01, 0.01}, FWD_A(leaky, leaky_a), -INFINITY, INFINITY},
    {"hardtanh", EXACT, {-1, 1}, FWD_A(clamp, clamp_a), -1, 1},
    {"relu6", EXACT, {0, 6}, FWD_A(clamp, clamp_a), 0, 6},
    {"hardsigmoid", DIV6, {0}, FWD_A(hardsigmoid, hardsigmoid_a), 0, 1},
    {"hardswish", HARDSWISH, {0}, FWD(hardswish), 0, 0},
    {"softshrink", EXACT, {0.5}, FWD_A(softshrink, shrink_a), -INFINITY, INFINITY},
    {"hardshrink", EXACT, {0.5}, FWD_A(hardshrink, shrink_a), -INFINITY, INFINITY},
    {"threshold", EXACT, {0.5, -1}, FWD(threshold), 0, 0},
    {"prelu", EXACT, {0.25, 0.25}, FWD(leaky), 0, 0},
    {"sparse_plus", FAITHFUL, {0}, FWD_A(sparse_plus, sparse_plus_a), 0, INFINITY},
    {"elu", SMOOTH, {1}, FWD_A(elu, elu_a), -1, INFINITY},
    /* -lambda alpha rounded up to float32: a's below it are no output of selu */
    {"selu", SMOOTH, {0}, FWD_A(selu, selu_a), -0x1.c212ccp+0f, INFINITY},
    {"celu", SMOOTH, {1}, FWD_A(celu, celu_a), -1, INFINITY},
    {"silu", SMOOTH, {0}, FWD(silu), 0, 0},
    {"softsign", SMOOTH, {0}, FWD_A(softsign, softsign_a), -1, 1},
    {"tanhshrink", SMOOTH, {0}, FWD(tanhshrink), 0, 0},
    {"softplus", SMOOTH, {1, INFINITY}, FWD_A(softplus, softplus_a), 0, INFINITY},
    {"log_sigmoid", SMOOTH, {0}, FWD_A(log_sigmoid, log_sigmoid_a), -INFINITY, 0},
    {"squareplus", SMOOTH, {4}, FWD_A(squareplus, squareplus_a), 0, INFINITY},
    {"gelu", SMOOTH, {0}, FWD(gelu), 0, 0},
    {"gelu_tanh", SMOOTH, {0}, FWD(gelu_tanh), 0, 0},
    {"mish", SMOOTH, {0}, FWD(mish), 0, 0},
};
enum { NREFS = sizeof REFS / sizeof REFS[0] };

/* activations.def's "high" column: the rows with a separate high-mode kernel */
static const struct { const char *name; int high; } HIGH[] = {
#define FA_ACTIVATION(name, high, ...) {#name, high},
#include "activations.def"
#undef FA_ACTIVATION
};

/* ---- measuring ------------------------------------------------------------- */
typedef struct {
    float z, got, cr, other;
} pending_t;

typedef struct {
    double ulp, real;  /* worst figures */
    float z_ulp;       /* the input of the worst ulp */
    long wrong, over1, npending, checked;
    long nstored;  /* the undecided points that could raise ulp, kept for mpmath */
    pending_t pending[MAX_PENDING];
} worst_t;

static uint32_t bits_of(float x)
{
    uint32_t b;
    memcpy(&b, &x, sizeof b);
    return b;
}

static float from_bits(uint32_t b)
{
    float x;
    memcpy(&x, &b, sizeof x);
    return x;
}

/* spacing(cr): the gap above |cr| (np.spacing); the subnormal step near 0 */
static double spacing_at(float cr)
{
    const uint32_t b = bits_of(cr) & 0x7fffffffu;
    if (b >= 0x7f7fffffu)  /* FLT_MAX and beyond: the step below */
        return 0x1p104;
    return (double)from_bits(b + 1) - (double)from_bits(b);
}

static double ulp_of(float got, float cr)
{
    if (got == cr || (isnan(got) && isnan(cr)))
        return 0;
    if (isnan(got) || isnan(cr) || isinf(got) || isinf(cr))
        return INFINITY;
    return fabs((double)got - (double)cr) / spacing_at(cr);
}

/* The float32 neighbour of cr on the side of a reference off = ref - cr away. */
static float neighbour(float cr, double off)
{
    if (cr == 0)
        return off > 0 ? 0x1p-149f : -0x1p-149f;
    const uint32_t b = bits_of(cr);
    return from_bits((off > 0) == (cr > 0) ? b + 1 : b - 1);  /* magnitude up / down */
}

/* The float32 rounding of ref, unless ref lies within err of a rounding midpoint
 * (then 0, and *other the other candidate).  In double: the two floats and their
 * midpoint are exact there; long double refs come here only when double could
 * not decide. */
static int round_certain_d(double ref, double err, float *cr, float *other)
{
    *cr = (float)ref;
    *other = *cr;
    const double off = ref - (double)*cr;
    if (off == 0 || !isfinite(ref) || isinf(*cr))
        return 1;
    *other = neighbour(*cr, off);
    return isinf(*other) || fabs(ref - ((double)*cr + (double)*other) * 0.5) > err;
}

static void record(worst_t *w, float z, double real, double u)
{
    w->checked++;
    if (u > w->ulp) {
        w->ulp = u;
        w->z_ulp = z;
    }
    if (real > w->real)
        w->real = real;
    w->wrong += u > 0;
    w->over1 += u > 1;
}

/* One output at one input: the double reference rd (term size sd), and if that
 * cannot decide cr, the long double one from wide(). */
typedef struct {
    const ref_t *ref;
    const double *P;  /* the parameters, rounded to float32 as the kernels see them */
    int from_a, k;
} which_t;

/* The long double result of the output (v + *lo), *err its error bound: 0 if it
 * is exact (no libm call, no inexact arithmetic). */
static long double wide(const which_t *wh, float x, long double *lo, long double *err)
{
    long double v[2], sv[2], lv[2];
    libm_used = 0;
    feclearexcept(FE_INEXACT);
    if (wh->from_a)
        wh->ref->from_a_l(x, wh->P, v, sv, lv);
    else
        wh->ref->fwd_l(x, wh->P, v, sv, lv);
    const int exact = !libm_used && !fetestexcept(FE_INEXACT);
    *lo = lv[wh->k];
    *err = exact ? 0 : sv[wh->k] * 0x1p-57L;
    return v[wh->k];
}

/* round_certain for hi + lo (lo far below hi, hi exact where lo matters): an
 * exact tie (err 0) goes to the even neighbour, as IEEE rounding does. */
static int round_certain_pair(long double hi, long double lo, long double err, float *cr,
                              float *other)
{
    const long double r = hi + lo;
    *cr = (float)r;
    *other = *cr;
    if (!isfinite(r) || isinf(*cr) || (lo == 0 && (long double)*cr == r))
        return 1;
    const long double off = r - (long double)*cr;
    *other = neighbour(*cr, off != 0 ? (double)off : (double)lo);
    if (isinf(*other))
        return 1;
    const long double mid = ((long double)*cr + (long double)*other) / 2;
    const long double dist = (hi - mid) + lo;  /* hi - mid exact */
    if (fabsl(dist) <= err && err != 0)
        return 0;
    if (dist == 0) {  /* an exact tie: the even one */
        if (bits_of(*other) % 2 == 0) {
            const float t = *cr;
            *cr = *other;
            *other = t;
        }
        return 1;
    }
    /* the side of the midpoint decides, also where hi + lo rounded across it */
    const int cr_above = fabsl((long double)*cr) > fabsl(mid);
    const int r_above = (dist > 0) == (mid > 0);
    if (cr_above != r_above) {
        const float t = *cr;
        *cr = *other;
        *other = t;
    }
    return 1;
}

static void measure_slow(worst_t *w, const which_t *wh, float z, float got, double rd,
                         double sd)
{
    float cr, other;
    long double ref = rd;
    if (!round_certain_d(rd, sd * 0x1p-47, &cr, &other)) {
        long double lo, err;
        const long double hi = wide(wh, z, &lo, &err);
        ref = hi + lo;
        if (!round_certain_pair(hi, lo, err, &cr, &other)) {
            /* undecided: the smaller figure now, mpmath later if it can matter */
            const double u1 = ulp_of(got, cr), u2 = ulp_of(got, other);
            if (fmax(u1, u2) > w->ulp && w->nstored < MAX_PENDING)
                w->pending[w->nstored++] = (pending_t){z, got, cr, other};
            else if (fmax(u1, u2) > w->ulp) {
                w->ulp = fmax(u1, u2);  /* no room: counted as the worse figure */
                w->z_ulp = z;
            }
            w->npending++;
            record(w, z, 0, fmin(u1, u2));
            return;
        }
    }
    const double u = ulp_of(got, cr);
    const double real = u == 0 ? 0 : isfinite(u) ? (double)(fabsl((long double)got - ref) /
                                                            spacing_at(cr)) : INFINITY;
    record(w, z, real, u);
}

/* One output at one input: the double reference rd (term size sd); the common
 * case, got the certain rounding of rd, without a call. */
static inline void measure(worst_t *w, const which_t *wh, float z, float got, double rd,
                           double sd)
{
    const float cr = (float)rd;
    if (got == cr) {
        const double off = rd - (double)cr;
        /* half a step (the step below a power of two: half the one above; a
         * subnormal's is smaller still: those take measure_slow) */
        const double half = (double)fabsf(cr) * (bits_of(cr) & 0x7fffffu ? 0x1p-24 : 0x1p-25);
        if (fabs(off) < half - sd * 0x1p-47 || off == 0) {
            w->checked++;
            return;
        }
    }
    measure_slow(w, wh, z, got, rd, sd);
}

typedef struct {
    const fa_activation *row;
    const ref_t *ref;
    fa_params p[FA_NOPS];  /* per operation: the parameters it takes, 0 elsewhere */
    double pf[FA_MAX_PARAMS];  /* the parameters rounded to float32, for the references */
    uint64_t stride, total;
    int job, njobs;
    worst_t w[NOUT];
    long bad;  /* NaN in without NaN out */
    const fa_activation *same_as;  /* --same-as: the other level's row */
    long differ, compared;         /* its results: outputs not the same bits, compared */
    float z_differ;                /* an input where they differ */
} job_t;

/* --same-as: the outputs of one block against the other level's, bit for bit */
static void compare_block(job_t *job, int n, const float *z, const float *a, const float *d,
                          const float *fa, float *buf)
{
    float *a2 = buf, *d2 = buf + BLOCK, *fa2 = buf + 2 * BLOCK;
    job->same_as->f32[FA_OP_AND_DERIVATIVE].k12(n, z, a2, d2, &job->p[FA_OP_AND_DERIVATIVE]);
    if (fa)
        job->same_as->f32[FA_OP_DERIVATIVE_FROM_A].k11(n, z, fa2,
                                                       &job->p[FA_OP_DERIVATIVE_FROM_A]);
    for (int i = 0; i < n; i++) {
        const float got[3] = {a[i], d[i], fa ? fa[i] : 0.0f};
        const float other[3] = {a2[i], d2[i], fa ? fa2[i] : 0.0f};
        for (int k = 0; k < (fa ? 3 : 2); k++) {
            const int same = isnan(got[k]) ? isnan(other[k]) != 0
                                           : memcmp(&got[k], &other[k], sizeof(float)) == 0;
            job->compared++;
            if (!same && job->differ++ == 0)
                job->z_differ = z[i];
        }
    }
}

static void check_block(job_t *job, int n, const float *z, const float *a, const float *d,
                        const float *fa)
{
    const ref_t *r = job->ref;
    const which_t wv = {r, job->pf, 0, 0}, wd = {r, job->pf, 0, 1}, wa = {r, job->pf, 1, 0};
    for (int i = 0; i < n; i++) {
        const float x = z[i];
        if (isnan(x)) {
            job->bad += !isnan(a[i]) + !isnan(d[i]) + (fa && !isnan(fa[i]));
            continue;
        }
        double v[2], s[2], lo[2];
        r->fwd_d(x, job->pf, v, s, lo);
        measure(&job->w[OUT_VALUE], &wv, x, a[i], v[0] + lo[0], s[0]);
        measure(&job->w[OUT_DERIV], &wd, x, d[i], v[1] + lo[1], s[1] + fabs(v[1]));
        if (fa && x >= r->a_lo && x <= r->a_hi) {
            r->from_a_d(x, job->pf, v, s, lo);
            measure(&job->w[OUT_FROM_A], &wa, x, fa[i], v[0] + lo[0], s[0]);
        }
    }
}

static void *run(void *arg)
{
    job_t *job = arg;
    float *buf = malloc(sizeof(float) * BLOCK * 7);
    if (!buf) {
        job->bad = -1;
        return NULL;
    }
    float *z = buf, *a = buf + BLOCK, *d = buf + 2 * BLOCK, *fa = buf + 3 * BLOCK;
    const int has_from_a = job->ref->from_a_d != NULL;
    /* blocks dealt round-robin: the cost per input differs between ranges */
    for (uint64_t k = (uint64_t)job->job * BLOCK; k < job->total;
         k += (uint64_t)job->njobs * BLOCK) {
        const int n = (int)(job->total - k < BLOCK ? job->total - k : BLOCK);
        for (int i = 0; i < n; i++) {
            const uint32_t bits = (uint32_t)((k + (uint64_t)i) * job->stride);
            memcpy(&z[i], &bits, sizeof bits);
        }
        job->row->f32[FA_OP_AND_DERIVATIVE].k12(n, z, a, d, &job->p[FA_OP_AND_DERIVATIVE]);
        if (has_from_a)
            job->row->f32[FA_OP_DERIVATIVE_FROM_A].k11(n, z, fa,
                                                       &job->p[FA_OP_DERIVATIVE_FROM_A]);
        if (job->same_as)
            compare_block(job, n, z, a, d, has_from_a ? fa : NULL, buf + 4 * BLOCK);
        else
            check_block(job, n, z, a, d, has_from_a ? fa : NULL);
    }
    free(buf);
    return NULL;
}

/* ---- the driver ------------------------------------------------------------ */
typedef struct {
    const char *level, *mode, *functions, *results, *bound, *same_as;
    uint64_t stride;
    int jobs;
    const fa_activation *same_as_table;
} options_t;

static int parse(int argc, char **argv, options_t *o)
{
    const char **pos[] = {&o->level, &o->mode, NULL, NULL, &o->bound};
    const char *stride = NULL, *jobs = NULL;
    pos[2] = &stride;
    pos[3] = &jobs;
    int npos = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char **dst = NULL;
        if (strncmp(arg, "--", 2) != 0) {
            if (npos >= 5)
                return -1;
            *pos[npos++] = arg;
            continue;
        }
        if (strcmp(arg, "--level") == 0) dst = &o->level;
        else if (strcmp(arg, "--mode") == 0) dst = &o->mode;
        else if (strcmp(arg, "--stride") == 0) dst = &stride;
        else if (strcmp(arg, "--jobs") == 0) dst = &jobs;
        else if (strcmp(arg, "--functions") == 0) dst = &o->functions;
        else if (strcmp(arg, "--results") == 0) dst = &o->results;
        else if (strcmp(arg, "--bound") == 0) dst = &o->bound;
        else if (strcmp(arg, "--same-as") == 0) dst = &o->same_as;
        if (!dst || i + 1 >= argc)
            return -1;
        *dst = argv[++i];
    }
    o->stride = stride ? strtoull(stride, NULL, 10) : 1;
    o->jobs = jobs ? atoi(jobs) : 1;
    return o->stride >= 1 && o->stride <= (1ull << 31) && o->jobs >= 1 && o->jobs <= MAX_JOBS
               ? 0 : -1;
}

/* The level's table in the mode, and in *has_fma whether the level has FMA. */
static const fa_activation *find_table(const char *level, const char *mode, int *has_fma)
{
    for (int l = 0; l < FA_NLEVELS; l++)
        if (strcmp(fa_level_name((fa_level)l), level) == 0)
            for (int m = 0; m < FA_NACC; m++)
                if (strcmp(fa_accuracy_name((fa_accuracy)m), mode) == 0) {
                    *has_fma = fa_level_describe((fa_level)l)->has_fma;
                    return fa_level_table((fa_level)l, (fa_accuracy)m);
                }
    return NULL;
}

static const ref_t *find_ref(const char *name)
{
    for (int i = 0; i < NREFS; i++)
        if (strcmp(REFS[i].name, name) == 0)
            return &REFS[i];
    return NULL;
}

static int has_high(const char *name)
{
    for (size_t i = 0; i < sizeof HIGH / sizeof HIGH[0]; i++)
        if (strcmp(HIGH[i].name, name) == 0)
            return HIGH[i].high;
    return 0;
}

/* name is in the comma-separated list (NULL: every name is) */
static int listed(const char *list, const char *name)
{
    if (!list)
        return 1;
    const size_t n = strlen(name);
    for (const char *p = list; *p;) {
        const char *end = strchr(p, ',');
        const size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && strncmp(p, name, n) == 0)
            return 1;
        p += len + (end != NULL);
    }
    return 0;
}

/* A "done" record for this level, mode, stride and row is in the results file. */
static int already_done(const options_t *o, const char *name)
{
    FILE *f = o->results ? fopen(o->results, "r") : NULL;
    if (!f)
        return 0;
    char line[512], want[256];
    snprintf(want, sizeof want, "done\t%s\t%s\t%llu\t%s\t", o->level, o->mode,
             (unsigned long long)o->stride, name);
    int found = 0;
    while (!found && fgets(line, sizeof line, f))
        found = strncmp(line, want, strlen(want)) == 0;
    fclose(f);
    return found;
}

static double default_bound(const ref_t *r, int out, const options_t *o, int has_fma)
{
    if (o->bound)
        return strcmp(o->bound, "-") == 0 ? INFINITY : atof(o->bound);
    if (!has_fma)
        return INFINITY;  /* the bounds hold with FMA only: report */
    switch (r->kind) {
    case EXACT: return 0;
    case DIV6: return out == OUT_VALUE ? 1 : 0;
    case HARDSWISH: return out == OUT_VALUE ? 2 : 1;
    case FAITHFUL: return 1;
    default:
        if (out == OUT_FROM_A)
            return 1;
        return strcmp(o->mode, "high") == 0 && has_high(r->name) ? 1 : 2;
    }
}

static void merge(worst_t *into, const worst_t *w)
{
    if (w->ulp > into->ulp) {
        into->ulp = w->ulp;
        into->z_ulp = w->z_ulp;
    }
    into->real = fmax(into->real, w->real);
    into->wrong += w->wrong;
    into->over1 += w->over1;
    into->checked += w->checked;
    into->npending += w->npending;
    for (long i = 0; i < w->nstored; i++)
        if (into->nstored < MAX_PENDING)
            into->pending[into->nstored++] = w->pending[i];
        else {  /* no room: counted as the worse figure */
            const pending_t *p = &w->pending[i];
            const double u = fmax(ulp_of(p->got, p->cr), ulp_of(p->got, p->other));
            if (u > into->ulp) {
                into->ulp = u;
                into->z_ulp = p->z;
            }
        }
}

/* Sweeps one row; prints and appends its records; returns 1 if over a bound. */
static int sweep_row(const fa_activation *row, const fa_activation *same_as, const ref_t *ref,
                     const options_t *o, int has_fma, FILE *results)
{
    static job_t jobs[MAX_JOBS];
    pthread_t tid[MAX_JOBS];
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int j = 0; j < o->jobs; j++) {
        job_t *job = &jobs[j];
        memset(job, 0, sizeof *job);
        job->row = row;
        job->ref = ref;
        for (int op = 0; op < FA_NOPS; op++)
            for (int k = 0; k < FA_MAX_PARAMS; k++)
                job->p[op].v[k] = row->params[op] >> k & 1 ? ref->params[k] : 0.0;
        for (int k = 0; k < FA_MAX_PARAMS; k++)
            job->pf[k] = (float)ref->params[k];
        job->stride = o->stride;
        job->total = ((1ull << 32) + o->stride - 1) / o->stride;
        job->job = j;
        job->njobs = o->jobs;
        job->same_as = same_as;
        pthread_create(&tid[j], NULL, run, job);
    }
    static worst_t w[NOUT];
    memset(w, 0, sizeof w);
    long bad = 0;
    for (int j = 0; j < o->jobs; j++) {
        pthread_join(tid[j], NULL);
        bad += jobs[j].bad;
        for (int k = 0; k < NOUT; k++)
            merge(&w[k], &jobs[j].w[k]);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    const double secs = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    int fail = bad != 0;
    if (same_as) {
        long differ = 0, compared = 0;
        float z_differ = 0.0f;
        for (int j = 0; j < o->jobs; j++) {
            if (jobs[j].differ && !differ)
                z_differ = jobs[j].z_differ;
            differ += jobs[j].differ;
            compared += jobs[j].compared;
        }
        fail |= differ != 0;
        if (differ)
            printf("  %-12s %ld of %ld outputs differ from %s, e.g. at z = %a\n", ref->name,
                   differ, compared, o->same_as, (double)z_differ);
        else
            printf("  %-12s identical to %s: %ld outputs, %.1f s\n", ref->name, o->same_as,
                   compared, secs);
        if (bad)
            printf("  %-12s %ld NaN-in-without-NaN-out failures\n", ref->name, bad);
        if (results) {
            fprintf(results, "same\t%s\t%s\t%llu\t%s\t%s\t%ld\t%ld\t%.1f\t%d\n", o->level,
                    o->mode, (unsigned long long)o->stride, ref->name, o->same_as, differ,
                    compared, secs, fail);
            fflush(results);
        }
        fflush(stdout);
        return fail;
    }
    for (int k = 0; k < NOUT; k++) {
        if (!w[k].checked)
            continue;
        const double bound = default_bound(ref, k, o, has_fma);
        const int over = w[k].ulp > bound;
        fail |= over;
        printf("  %-12s %-18s max %g ULP at z = %a (%.9g; real %.3f), %ld != cr, %ld > 1 ULP,"
               " %ld undecided%s\n", ref->name, out_names[k], w[k].ulp, (double)w[k].z_ulp,
               (double)w[k].z_ulp, w[k].real, w[k].wrong, w[k].over1, w[k].npending,
               over ? "  OVER THE BOUND" : "");
        if (results) {
            fprintf(results, "result\t%s\t%s\t%llu\t%s\t%s\t%g\t%a\t%.4f\t%ld\t%ld\t%ld\t%g\t%ld\n",
                    o->level, o->mode, (unsigned long long)o->stride, ref->name, out_names[k],
                    w[k].ulp, (double)w[k].z_ulp, w[k].real, w[k].wrong, w[k].over1,
                    w[k].checked, bound, w[k].npending);
            for (long i = 0; i < w[k].nstored; i++) {
                const pending_t *p = &w[k].pending[i];
                fprintf(results, "pending\t%s\t%s\t%llu\t%s\t%s\t%a\t%a\t%a\t%a\n", o->level,
                        o->mode, (unsigned long long)o->stride, ref->name, out_names[k],
                        (double)p->z, (double)p->got, (double)p->cr, (double)p->other);
            }
        }
    }
    if (bad)
        printf("  %-12s %ld NaN-in-without-NaN-out failures\n", ref->name, bad);
    printf("  %-12s %.1f s with %d job(s)\n", ref->name, secs, o->jobs);
    if (results) {
        fprintf(results, "done\t%s\t%s\t%llu\t%s\t%.1f\t%d\t%d\n", o->level, o->mode,
                (unsigned long long)o->stride, ref->name, secs, o->jobs, fail);
        fflush(results);
    }
    fflush(stdout);
    return fail;
}

int main(int argc, char **argv)
{
    options_t o = {"avx2", "default", NULL, NULL, NULL, NULL, 1, 1, NULL};
    if (parse(argc, argv, &o) != 0) {
        fprintf(stderr, "usage: %s [LEVEL [MODE [STRIDE [JOBS [BOUND]]]]] [--level L] [--mode M]"
                " [--stride S] [--jobs N] [--functions a,b] [--results FILE] [--bound B|-]"
                " [--same-as L2]\n",
                argv[0]);
        return 2;
    }
    int has_fma = 0;
    const fa_activation *table = find_table(o.level, o.mode, &has_fma);
    if (!table) {
        fprintf(stderr, "ulp_sweep: level %s / mode %s not available here\n", o.level, o.mode);
        return 2;
    }
    if (o.same_as) {
        int other_fma = 0;
        o.same_as_table = find_table(o.same_as, o.mode, &other_fma);
        if (!o.same_as_table) {
            fprintf(stderr, "ulp_sweep: level %s / mode %s not available here\n", o.same_as,
                    o.mode);
            return 2;
        }
    }
    FILE *results = o.results ? fopen(o.results, "a") : NULL;
    if (o.results && !results) {
        fprintf(stderr, "ulp_sweep: cannot append to %s\n", o.results);
        return 2;
    }
    printf("float32 %s/%s, stride %llu, %d job(s)%s%s\n", o.level, o.mode,
           (unsigned long long)o.stride, o.jobs, o.same_as ? ", bit for bit against " : "",
           o.same_as ? o.same_as : "");
    int fail = 0, swept = 0;
    for (int r = 0; r < fa_num_activations(); r++) {
        const char *name = table[r].name;
        if (!listed(o.functions, name))
            continue;
        swept++;
        const ref_t *ref = find_ref(name);
        if (!ref) {
            printf("  %-12s no reference here: not swept\n", name);
            fail = 1;
            continue;
        }
        if (!o.same_as && already_done(&o, name)) {
            printf("  %-12s done (in %s)\n", name, o.results);
            continue;
        }
        fail |= sweep_row(&table[r], o.same_as_table ? &o.same_as_table[r] : NULL, ref, &o,
                          has_fma, results);
    }
    if (results)
        fclose(results);
    if (!swept) {
        fprintf(stderr, "ulp_sweep: no row of the table is in --functions %s\n", o.functions);
        return 2;
    }
    return fail;
}
