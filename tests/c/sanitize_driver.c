/* sanitize_driver.c - drives every kernel and the ufunc inner loop under
 * AddressSanitizer / UndefinedBehaviorSanitizer (see run_sanitizers.sh).
 *
 * 1. Kernels: every level this CPU runs x accuracy mode x activation x operation x
 *    float type,
 *    every length 0..300 at element offsets 0..7 (so every vector alignment and
 *    every remainder loop is hit).  Inputs are allocated to their exact size, so
 *    an over-read lands in ASan's red zone; outputs are surrounded by guard
 *    values that must be intact afterwards; a second output sits at another
 *    offset than the first.  Results must not depend on the alignment: each
 *    offset is compared bit for bit with offset 0.
 * 2. fa_ufunc_loop: strided (also negative) and in-place operands, float16 and
 *    every integer/bool storage type, parameters per element, lengths around the
 *    glue's 256-element block; each result is compared bit for bit with the
 *    contiguous kernel applied to the converted input.
 * 3. fa_ufunc_loop with input 0 inside output 0's memory, as NumPy's accumulate
 *    (in0 = out - step) and reduce (both step 0) call it, against NumPy's
 *    sequential loop simulated element by element.
 * 4. Every level with FMA this CPU runs (avx2, avx512 on x86-64; the NEON
 *    baseline on aarch64) bit-identical to the scalar-FMA table (kernels.c built
 *    with FA_SIMD_SCALAR=1 and FMA), every activation x operation x type x mode,
 *    on specials, subnormals, +-inf, NaNs, dense sweeps and random bit patterns,
 *    at every length 0..300 (NaN compares as NaN).
 * 5. The same levels against textbook references in double / long double, within
 *    the ULP budgets (2 default, 1 high; 0 from a), so a level and its scalar
 *    twin cannot be wrong together.
 * Exit status 0 if everything held, 1 otherwise (sanitizer errors abort).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fastact.h"
#include "ufunc_glue.h"

#define MAX_LEN 300
#define MAX_OFF 8
#define GUARD 16
static const unsigned char GUARD_BYTE = 0xA5;

static int failures;

static void fail(const char *what, const char *act, int op, int level, long n, int off)
{
    if (failures++ < 20)
        fprintf(stderr, "FAIL %s: %s op %d level %s n %ld off %d\n", what, act, op,
                fa_level_name((fa_level)level), n, off);
}

/* Deterministic arguments: specials (0, -0, +-inf, NaN, subnormal, max) mixed
 * with values spread over the interesting range. */
static double arg_value(unsigned i)
{
    static const double specials[] = {0.0, -0.0, INFINITY, -INFINITY, NAN, 4.9e-324,
                                      -1e-310, 1.7976931348623157e308, -3.4e38, 1e-40};
    if (i % 7 == 3)
        return specials[(i / 7) % (sizeof specials / sizeof specials[0])];
    unsigned x = i * 2654435761u;
    return ((double)(x % 20001u) - 10000.0) / 400.0;  /* [-25, 25] */
}


static unsigned char *guarded(size_t bytes)
{
    unsigned char *p = malloc(bytes + 2 * GUARD);
    memset(p, GUARD_BYTE, bytes + 2 * GUARD);
    return p + GUARD;
}

static int guards_ok(unsigned char *p, size_t bytes)
{
    for (size_t i = 0; i < GUARD; i++)
        if (p[-1 - (long)i] != GUARD_BYTE || p[bytes + i] != GUARD_BYTE)
            return 0;
    return 1;
}

static void guarded_free(unsigned char *p) { free(p - GUARD); }

/* ------------------------------------------------- wide inputs, helpers */

/* One element of a float32 (f64 = 0) or float64 buffer, as a double / raw bits. */
static double get_elem(const unsigned char *buf, int f64, long k)
{
    if (f64) { double d; memcpy(&d, buf + k * 8, 8); return d; }
    float f;
    memcpy(&f, buf + k * 4, 4);
    return f;
}

static void put_elem(unsigned char *buf, int f64, long k, double v)
{
    if (f64) memcpy(buf + k * 8, &v, 8);
    else { const float f = (float)v; memcpy(buf + k * 4, &f, 4); }
}

static void put_bits(unsigned char *buf, int f64, long k, uint64_t bits)
{
    if (f64) memcpy(buf + k * 8, &bits, 8);
    else { const uint32_t b = (uint32_t)bits; memcpy(buf + k * 4, &b, 4); }
}

/* Same value and sign, or both NaN (payloads and NaN signs are not part of the
 * contract).  float32 values compare as doubles: the conversion is exact. */
static int same_value(double x, double y)
{
    return (x != x && y != y) || memcmp(&x, &y, sizeof x) == 0;
}

static int same_elem(const unsigned char *a, const unsigned char *b, int f64, long k)
{
    return same_value(get_elem(a, f64, k), get_elem(b, f64, k));
}

static int same_elems(const unsigned char *a, const unsigned char *b, int f64, long n)
{
    for (long k = 0; k < n; k++)
        if (!same_elem(a, b, f64, k))
            return 0;
    return 1;
}

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* Special bit patterns of both types: +-0, +-min subnormal, +-max subnormal,
 * +-min normal, +-max finite, +-inf, quiet NaNs of both signs, a NaN with a
 * payload, a signalling NaN. */
static const uint32_t special_bits_f32[] = {
    0x00000000u, 0x80000000u, 0x00000001u, 0x80000001u, 0x007fffffu, 0x807fffffu,
    0x00800000u, 0x80800000u, 0x7f7fffffu, 0xff7fffffu, 0x7f800000u, 0xff800000u,
    0x7fc00000u, 0xffc00000u, 0x7fc12345u, 0x7f800001u};
static const uint64_t special_bits_f64[] = {
    0x0000000000000000u, 0x8000000000000000u, 0x0000000000000001u, 0x8000000000000001u,
    0x000fffffffffffffu, 0x800fffffffffffffu, 0x0010000000000000u, 0x8010000000000000u,
    0x7fefffffffffffffu, 0xffefffffffffffffu, 0x7ff0000000000000u, 0xfff0000000000000u,
    0x7ff8000000000000u, 0xfff8000000000000u, 0x7ff8000000012345u, 0x7ff0000000000001u};
#define NSPECIAL_BITS 16
/* Values around the kernels' thresholds (clamps of the exponential's argument,
 * where exp underflows to subnormal and to zero, where tanh and sigmoid round to
 * +-1) and around the kinks; each is also used negated. */
static const double special_values[] = {
    1.0, 0.5, 0.25, 2.0, 1e-8, 0x1p-12, 0x1p-26, 0x1p-54, 1e-30, 1e-300,
    8.0, 9.01, 16.6, 17.33, 19.06, 36.74, 37.43, 44.36,
    55.0, 86.99, 87.34, 88.72, 103.28, 103.97, 104.0, 110.0, 111.0,
    354.89, 372.0, 375.0, 376.0, 708.4, 709.78, 744.44, 745.13, 750.0, 751.0, 1e10};
#define NSPECIAL_VALUES ((long)(sizeof special_values / sizeof special_values[0]))

/* n arguments of one type: the specials, then a dense sweep of [-24, 24] (where
 * sigmoid and tanh change), a sweep of [-R, R] (R past the zero-underflow of
 * either type's exponential), and random bit patterns (log-uniform magnitudes:
 * every binade, subnormals, now and then a NaN or infinity). */
static void wide_inputs(unsigned char *buf, int f64, long n, uint64_t seed)
{
    long k = 0;
    for (int i = 0; i < NSPECIAL_BITS && k < n; i++, k++)
        put_bits(buf, f64, k, f64 ? special_bits_f64[i] : special_bits_f32[i]);
    for (long i = 0; i < 2 * NSPECIAL_VALUES && k < n; i++, k++)
        put_elem(buf, f64, k, (i & 1 ? -1 : 1) * special_values[i / 2]);
    const long dense = k + (n - k) * 3 / 8, wide = dense + (n - k) / 8;
    const double range = f64 ? 760.0 : 120.0;
    uint64_t st = seed;
    for (; k < n; k++) {
        const uint64_t r = splitmix64(&st);
        const double u = (double)(r >> 11) * 0x1p-53 * 2.0 - 1.0;  /* [-1, 1) */
        if (k < dense) put_elem(buf, f64, k, 24.0 * u);
        else if (k < wide) put_elem(buf, f64, k, range * u);
        else put_bits(buf, f64, k, r);
    }
}

/* How many parameter inputs a mask declares, and the value the tests give the
 * j-th (leaky_relu: alpha 0.25, at_zero 0.75). */
static int param_count(unsigned mask)
{
    int n = 0;
    for (; mask; mask >>= 1)
        n += (int)(mask & 1u);
    return n;
}
static double param_base(int j) { return 0.25 + 0.5 * j; }

/* The named parameters of the lesson's references, from the kernels' vector
 * (relu: P[0] = at_zero; leaky_relu: P[0] = alpha, P[1] = at_zero). */
static double p_alpha(char act, const fa_params *p) { return act == 'l' ? p->v[0] : 0.0; }
static double p_at_zero(char act, const fa_params *p) { return act == 'r' ? p->v[0] : p->v[1]; }

/* Calls one kernel on n contiguous elements (in[1] / out[1] for two-operand
 * shapes). */
static void call_kernel(const fa_activation *row, fa_op op, int f64, long n,
                        unsigned char *const in[2], unsigned char *const out[2],
                        const fa_params *p)
{
    const int nin = fa_op_nin(op), nout = fa_op_nout(op);
    if (f64) {
        const fa_kernel_f64 k = row->f64[op];
        if (nin == 2) k.k21(n, (double *)in[0], (double *)in[1], (double *)out[0], p);
        else if (nout == 2) k.k12(n, (double *)in[0], (double *)out[0], (double *)out[1], p);
        else k.k11(n, (double *)in[0], (double *)out[0], p);
    } else {
        const fa_kernel_f32 k = row->f32[op];
        if (nin == 2) k.k21(n, (float *)in[0], (float *)in[1], (float *)out[0], p);
        else if (nout == 2) k.k12(n, (float *)in[0], (float *)out[0], (float *)out[1], p);
        else k.k11(n, (float *)in[0], (float *)out[0], p);
    }
}

/* ------------------------------------------------------------------ kernels */

/* Runs one kernel on n elements at element offset `off`; the outputs (packed,
 * nout * n elements of size es) go to `result`. */
static int run_kernel(const fa_activation *row, fa_op op, int f64, long n, int off,
                      const fa_params *p, unsigned char *result)
{
    const size_t es = f64 ? sizeof(double) : sizeof(float);
    const int nin = fa_op_nin(op), nout = fa_op_nout(op);
    unsigned char *in[2] = {NULL, NULL}, *out[2] = {NULL, NULL};
    int ok = 1;
    for (int i = 0; i < nin; i++) {
        /* exact size: the first byte past the data is ASan's red zone */
        const size_t bytes = (size_t)(off + n) * es;
        in[i] = malloc(bytes ? bytes : 1);
        for (long k = 0; k < n; k++)
            put_elem(in[i], f64, off + k, arg_value((unsigned)(k + 977 * i)));
    }
    /* a second output at its own offset, so that the two are misaligned against
     * each other by every amount from -5 to 3 elements (the realigned stores of
     * kernels_impl.h's FA_JOINED); offset 0 has both at 0 */
    const int offs[2] = {off, (off * 3 + (off > 0)) % MAX_OFF};
    for (int o = 0; o < nout; o++)
        out[o] = guarded((size_t)(offs[o] + n) * es);
    unsigned char *x[2] = {in[0] + off * es, nin > 1 ? in[1] + off * es : NULL};
    unsigned char *y[2] = {out[0] + off * es, nout > 1 ? out[1] + offs[1] * es : NULL};
    call_kernel(row, op, f64, n, x, y, p);
    for (int o = 0; o < nout; o++) {
        ok &= guards_ok(out[o], (size_t)(offs[o] + n) * es);
        memcpy(result + o * n * es, out[o] + offs[o] * es, (size_t)n * es);
        guarded_free(out[o]);
    }
    for (int i = 0; i < nin; i++)
        free(in[i]);
    return ok;
}

static void check_kernels(void)
{
    static unsigned char first[2 * MAX_LEN * sizeof(double)], now[2 * MAX_LEN * sizeof(double)];
    const fa_params p = {{0.01, 0.5}, 0};
    for (int level = 0; level < FA_NLEVELS; level++)
      for (int acc = 0; acc < FA_NACC; acc++) {
        const fa_activation *table = fa_level_table((fa_level)level, (fa_accuracy)acc);
        if (!table)
            continue;
        for (int a = 0; a < fa_num_activations(); a++)
            for (int op = 0; op < FA_NOPS; op++)
              if (table[a].ops & (1u << op))
                for (int f64 = 0; f64 < 2; f64++)
                    for (long n = 0; n <= MAX_LEN; n++)
                        for (int off = 0; off < MAX_OFF; off++) {
                            unsigned char *dst = off == 0 ? first : now;
                            if (!run_kernel(&table[a], (fa_op)op, f64, n, off, &p, dst))
                                fail("guard overwritten", table[a].name, op, level, n, off);
                            /* elementwise, as same_value: clang compiles the head,
                             * the main loop and the tail of one kernel with the two
                             * NaN operands of a commutative operation in different
                             * orders, so a NaN result's sign may depend on them */
                            if (off && !same_elems(first, now, f64,
                                                   fa_op_nout((fa_op)op) * n))
                                fail("result depends on alignment", table[a].name, op, level, n, off);
                        }
        printf("kernels %-8s %-7s ok so far (%d failures)\n", fa_level_name((fa_level)level),
               fa_accuracy_name((fa_accuracy)acc), failures);
      }
}

/* Whether a level's kernels use a fused multiply-add: levels.def's has_fma (the
 * baseline's as the target's: aarch64 yes, x86-64 no). */
static int level_has_fma(fa_level level) { return fa_level_describe(level)->has_fma; }

/* ------------------------------------ vector levels vs the scalar-FMA table */

/* run_sanitizers.sh (and the aarch64 CI step) build kernels.c once more with
 * FA_SIMD_SCALAR=1 and FMA: one lane of plain C, the same IEEE operations in
 * the same order as every vector header, so each FMA level must reproduce it
 * bit for bit.  This is what checks a vector header on hardware that cannot
 * run the Python suite at that level (avx512.h on CI machines without AVX-512
 * when run there, neon.h under qemu). */
#ifdef FA_HAVE_SCALAR_FMA_TABLE
extern const fa_activation *const fa_tables_scalar_fma[FA_NACC];

#define VS_N ((1L << 15) + 77)   /* not a multiple of any vector width */
#define VS_MAX_LEN 300

/* Parameter sets, as P[0], P[1] (leaky_relu: alpha, at_zero; relu: at_zero, -): the
 * defaults, alpha = 0 (leaky_relu's relu path), a negative-zero kink value, and a
 * NaN one (the only way a select ever picks a NaN operand). */
static const fa_params vs_params[] = {{{0.01, 0.5}, 0}, {{0.0, 1.0}, 0}, {{1.75, -0.0}, 0}, {{0.25, NAN}, 0}};
#define VS_NPARAMS ((int)(sizeof vs_params / sizeof vs_params[0]))

/* The vector and the scalar kernel on n elements starting at element `start` of
 * in[]; outputs allocated to their exact size (ASan sees any over-write).  The
 * vector kernel runs twice on x86: with plain stores into malloc's outputs, and
 * asked to stream (fa_params.stream) into outputs aligned to 64 bytes, where the
 * rows with streams = 1 take their non-temporal stores; both must give the
 * scalar's bits. */
static void compare_window(const fa_activation *vec, const fa_activation *ref, fa_op op,
                           int f64, unsigned char *const in[2], long start, long n,
                           const fa_params *p, int level)
{
    const size_t es = f64 ? 8 : 4;
    const int nout = fa_op_nout(op);
    unsigned char *win[2] = {in[0] + start * es, in[1] + start * es};
    unsigned char *want[2] = {NULL, NULL};
    for (int o = 0; o < nout; o++)
        want[o] = malloc(n ? (size_t)n * es : 1);
    call_kernel(ref, op, f64, n, win, want, p);
    fa_params streamed = *p;
    streamed.stream = 1;
    /* only x86's vector levels have non-temporal stores (FV_HAS_STREAM) */
#if defined(__x86_64__) || defined(__i386__)
    const int passes = 2;
#else
    const int passes = 1;
#endif
    for (int st = 0; st < passes; st++) {
        unsigned char *got[2] = {NULL, NULL};
        for (int o = 0; o < nout; o++) {
            if (!st) {
                got[o] = malloc(n ? (size_t)n * es : 1);
            } else {
                void *q = NULL;
                got[o] = posix_memalign(&q, 64, n ? (size_t)n * es : 1) == 0 ? q : NULL;
            }
            if (!got[o]) {
                fprintf(stderr, "out of memory\n");
                exit(2);
            }
        }
        call_kernel(vec, op, f64, n, win, got, st ? &streamed : p);
        for (int o = 0; o < nout; o++) {
            for (long k = 0; k < n; k++)
                if (!same_elem(got[o], want[o], f64, k)) {
                    if (failures < 20)
                        fprintf(stderr, "  %s z = %a (grad %a): got %a, scalar %a%s\n",
                                f64 ? "f64" : "f32", get_elem(win[0], f64, k),
                                get_elem(win[1], f64, k), get_elem(got[o], f64, k),
                                get_elem(want[o], f64, k), st ? " (streamed)" : "");
                    fail("differs from the scalar-FMA table", vec->name, op, level, n,
                         (int)start);
                    break;
                }
            free(got[o]);
        }
    }
    for (int o = 0; o < nout; o++)
        free(want[o]);
}

static void check_vector_vs_scalar(void)
{
    unsigned char *in[2][2];   /* [f64][operand]; operand 1 (grad) is operand 0 reversed */
    for (int f64 = 0; f64 < 2; f64++) {
        const size_t es = f64 ? 8 : 4;
        in[f64][0] = malloc(VS_N * es);
        in[f64][1] = malloc(VS_N * es);
        wide_inputs(in[f64][0], f64, VS_N, 1);
        for (long k = 0; k < VS_N; k++)
            memcpy(in[f64][1] + k * es, in[f64][0] + (VS_N - 1 - k) * es, es);
    }
    for (int level = 0; level < FA_NLEVELS; level++) {
        if (!level_has_fma((fa_level)level) || !fa_level_supported((fa_level)level))
            continue;
        for (int acc = 0; acc < FA_NACC; acc++) {
            const fa_activation *vec = fa_level_table((fa_level)level, (fa_accuracy)acc);
            const fa_activation *ref = fa_tables_scalar_fma[acc];
            for (int a = 0; a < fa_num_activations(); a++) {
                /* sigmoid and tanh take no parameters: one set is enough */
                const int nparams = vec[a].params[FA_OP_DERIVATIVE] ? VS_NPARAMS : 1;
                for (int op = 0; op < FA_NOPS; op++)
                  if (vec[a].ops & (1u << op))
                    for (int f64 = 0; f64 < 2; f64++)
                        for (int ps = 0; ps < nparams; ps++) {
                            const fa_params *p = &vs_params[ps];
                            compare_window(&vec[a], &ref[a], (fa_op)op, f64, in[f64], 0, VS_N,
                                           p, level);
                            /* every length, so every head and tail path, each at
                             * another start (another alignment, other inputs) */
                            for (long n = 0; n <= VS_MAX_LEN; n++)
                                compare_window(&vec[a], &ref[a], (fa_op)op, f64, in[f64],
                                               (n * 97) % (VS_N - VS_MAX_LEN), n, p, level);
                        }
            }
            printf("vector vs scalar-FMA %-8s %-7s ok so far (%d failures)\n",
                   fa_level_name((fa_level)level), fa_accuracy_name((fa_accuracy)acc), failures);
        }
    }
    for (int f64 = 0; f64 < 2; f64++) {
        free(in[f64][0]);
        free(in[f64][1]);
    }
}
#else
static void check_vector_vs_scalar(void)
{
    printf("vector vs scalar-FMA: no scalar-FMA table for this target; skipped\n");
}
#endif

/* ------------------------------------------------ accuracy vs references */

/* The references are the textbook formulas, for float32 in double (libm's error,
 * ~2^-52, is far below a float ULP) and for float64 in long double (x87's 64 bits
 * or aarch64's 113).  Independent of the kernels' algorithms, so a wrong build of
 * a level fails even if its scalar-FMA twin were wrong the same way.  Formulas
 * (of a NaN argument: NaN):
 *   sigmoid 1/(1+exp(-z)), as e/(1+e) for z < 0 (e = exp(-|z|): no overflow);
 *   sigmoid' e/(1+e)^2;  tanh;  tanh' 4 e^2/(1+e^2)^2;  relu, leaky_relu exactly;
 *   from the output a: a(1-a), and 1-a^2 as (1-a)(1+a): near |a| = 1, a*a does not
 *   fit the x87 long double and 1 - a*a would cancel its rounding error into
 *   hundreds of float64 ULP, while 1 - a is exact there.
 * act: 's'igmoid, 't'anh, 'r'elu, 'l'eaky_relu; alpha, at_zero as the kernel's
 * type holds them. */
#define REF_FORMULAS(S, W, EXP, TANH, FABS)                                                 \
    static void ref_fwd_##S(char act, W z, W alpha, W at_zero, W *a, W *d)                  \
    {                                                                                       \
        const W e = act == 's' || act == 't' ? EXP(-FABS(z)) : 0;                           \
        if (z != z) { *a = *d = z; }                                                        \
        else if (act == 's') { *a = z >= 0 ? 1 / (1 + e) : e / (1 + e);                     \
                               *d = e / ((1 + e) * (1 + e)); }                              \
        else if (act == 't') { *a = TANH(z); *d = 4 * e * e / ((1 + e * e) * (1 + e * e)); } \
        else if (act == 'r') { *a = z > 0 ? z : 0; *d = z > 0 ? 1 : z < 0 ? 0 : at_zero; }  \
        else { *a = z > 0 ? z : alpha * z; *d = z > 0 ? 1 : z < 0 ? alpha : at_zero; }      \
    }                                                                                       \
    static W ref_from_a_##S(char act, W a, W alpha, W at_zero)                              \
    {                                                                                       \
        if (a != a) return a;                                                               \
        if (act == 's') return a * (1 - a);                                                 \
        if (act == 't') return (1 - a) * (1 + a);                                           \
        if (act == 'r') return a > 0 ? 1 : 0;                                               \
        return a > 0 ? 1 : a < 0 ? alpha : at_zero;                                         \
    }
REF_FORMULAS(f32, double, exp, tanh, fabs)
REF_FORMULAS(f64, long double, expl, tanhl, fabsl)
#undef REF_FORMULAS

/* A reference value as hi + lo, hi = the value rounded to double: the checks
 * then run in double arithmetic (long double is software on aarch64, far too
 * slow under qemu for millions of comparisons). */
typedef struct { double hi, lo; } ref_val;
static ref_val ref_of_double(double x) { return (ref_val){x, 0.0}; }
static ref_val ref_of_long_double(long double x)
{
    const double hi = (double)x;
    return (ref_val){hi, isfinite(hi) ? (double)(x - hi) : 0.0};
}

/* |got - exact| in ULP of the exact value rounded to the type, the project's
 * measure (fastact/_accuracy_ulp.py) except that it is taken from the unrounded
 * reference: a result within B ULP of the correctly rounded value is within
 * B + 1/2 of the exact one.  NaN vs NaN and equal infinities are 0. */
static double ulp_error(int f64, double got, ref_val exact)
{
    if (got != got || exact.hi != exact.hi)
        return got != got && exact.hi != exact.hi ? 0 : INFINITY;
    const double r = f64 ? exact.hi : (double)(float)exact.hi;
    if (isinf(r) || isinf(got))
        return got == r ? 0 : INFINITY;
    const double ulp = f64 ? nextafter(fabs(r), INFINITY) - fabs(r)
                           : (double)(nextafterf(fabsf((float)r), INFINITY) - fabsf((float)r));
    return fabs((got - exact.hi) - exact.lo) / ulp;
}

/* The driver's references cover the lesson's four; 0 for any other row (its
 * accuracy is checked by its family's own sweep, not here). */
static char act_code(const char *name)
{
    static const char *const known[] = {"sigmoid", "tanh", "relu", "leaky_relu"};
    static const char codes[] = {'s', 't', 'r', 'l'};
    for (int i = 0; i < 4; i++)
        if (strcmp(name, known[i]) == 0) return codes[i];
    return 0;
}

/* Budgets in the project's ULP, at the FMA levels (the only ones checked here):
 * sigmoid and tanh of z within 2 (default) / 1 (high); relu and leaky_relu, and
 * every derivative from a (a - a*a and 1 - a*a are one FMA, rounded once),
 * correctly rounded.  The slack covers the references' own error (about 2^-10 ULP
 * of float64 for the x87 long double). */
#define REF_SLACK (0.5 + 1.0 / 64)
static double z_budget(char act, int acc)
{
    if (act != 's' && act != 't') return 0;
    return acc == FA_ACC_HIGH ? 1 : 2;
}
#define A_BUDGET 0.0

static ref_val ref_from_a(char act, int f64, double a, const fa_params *p)
{
    if (f64)
        return ref_of_long_double(ref_from_a_f64(act, a, p_alpha(act, p), p_at_zero(act, p)));
    return ref_of_double(ref_from_a_f32(act, a, (float)p_alpha(act, p), (float)p_at_zero(act, p)));
}

#define REF_N32 (1L << 17)
#define REF_N64 (1L << 17)

static void ref_fail(const char *what, const fa_activation *row, fa_op op, int level, int f64,
                     long k, double arg, double got, double want)
{
    if (failures < 20)
        fprintf(stderr, "  %s %s(%a) [element %ld]: got %a, reference %a\n",
                f64 ? "f64" : "f32", row->name, arg, k, got, want);
    fail(what, row->name, op, level, k, f64);
}

/* The six operations of one activation on z (and grad = z reversed):
 * value, derivative and derivative_from_a (at the computed values) within
 * budget of the references; and_derivative the same bits as value and
 * derivative; backward(_from_a) the derivative times grad, rounded once. */
static void check_reference_case(const fa_activation *row, int acc, int level, int f64,
                                 unsigned char *const in[2], long n, const ref_val *ref_a,
                                 const ref_val *ref_d, const fa_params *p)
{
    const size_t es = f64 ? 8 : 4;
    enum { A, D, A2, D2, DA, B, BA, NBUF };
    unsigned char *r[NBUF];
    for (int i = 0; i < NBUF; i++)
        r[i] = malloc((size_t)n * es);
    call_kernel(row, FA_OP_VALUE, f64, n, in, (unsigned char *[2]){r[A], NULL}, p);
    call_kernel(row, FA_OP_DERIVATIVE, f64, n, in, (unsigned char *[2]){r[D], NULL}, p);
    call_kernel(row, FA_OP_AND_DERIVATIVE, f64, n, in, (unsigned char *[2]){r[A2], r[D2]}, p);
    call_kernel(row, FA_OP_DERIVATIVE_FROM_A, f64, n, (unsigned char *[2]){r[A], NULL},
                (unsigned char *[2]){r[DA], NULL}, p);
    call_kernel(row, FA_OP_BACKWARD, f64, n, (unsigned char *[2]){in[1], in[0]},
                (unsigned char *[2]){r[B], NULL}, p);
    call_kernel(row, FA_OP_BACKWARD_FROM_A, f64, n, (unsigned char *[2]){in[1], r[A]},
                (unsigned char *[2]){r[BA], NULL}, p);
    const char act = act_code(row->name);
    const double zb = z_budget(act, acc) + REF_SLACK, ab = A_BUDGET + REF_SLACK;
    int bad[6] = {0};   /* one report per check */
#define REF_CHECK(i, cond, what, op, arg, got, want)                                      \
    if (!(cond) && !bad[i]++) ref_fail(what, row, op, level, f64, k, arg, got, want)
    for (long k = 0; k < n; k++) {
        const double z = get_elem(in[0], f64, k), g = get_elem(in[1], f64, k);
        const double a = get_elem(r[A], f64, k), d = get_elem(r[D], f64, k);
        const double da = get_elem(r[DA], f64, k);
        const ref_val want_da = ref_from_a(act, f64, a, p);
        REF_CHECK(0, ulp_error(f64, a, ref_a[k]) <= zb, "value vs reference", FA_OP_VALUE,
                  z, a, ref_a[k].hi);
        REF_CHECK(1, ulp_error(f64, d, ref_d[k]) <= zb, "derivative vs reference",
                  FA_OP_DERIVATIVE, z, d, ref_d[k].hi);
        REF_CHECK(2, ulp_error(f64, da, want_da) <= ab, "derivative_from_a vs reference",
                  FA_OP_DERIVATIVE_FROM_A, a, da, want_da.hi);
        REF_CHECK(3, same_elem(r[A2], r[A], f64, k) && same_elem(r[D2], r[D], f64, k),
                  "and_derivative differs from value, derivative", FA_OP_AND_DERIVATIVE,
                  z, get_elem(r[D2], f64, k), d);
        /* the product in the kernel's type, rounded once */
        const double gd = f64 ? g * d : (double)((float)g * (float)d);
        const double gda = f64 ? g * da : (double)((float)g * (float)da);
        const double b = get_elem(r[B], f64, k), ba = get_elem(r[BA], f64, k);
        REF_CHECK(4, same_value(b, gd), "backward != grad * derivative", FA_OP_BACKWARD, z, b, gd);
        REF_CHECK(5, same_value(ba, gda), "backward_from_a != grad * derivative_from_a",
                  FA_OP_BACKWARD_FROM_A, a, ba, gda);
    }
#undef REF_CHECK
    for (int i = 0; i < NBUF; i++)
        free(r[i]);
}

/* The references of one activation at every z (computed once, for every level
 * and mode). */
static void reference_values(char act, int f64, const unsigned char *z, long n,
                             const fa_params *p, ref_val *ref_a, ref_val *ref_d)
{
    for (long k = 0; k < n; k++) {
        if (f64) {
            long double a, d;
            ref_fwd_f64(act, get_elem(z, 1, k), p_alpha(act, p), p_at_zero(act, p), &a, &d);
            ref_a[k] = ref_of_long_double(a);
            ref_d[k] = ref_of_long_double(d);
        } else {
            double a, d;
            ref_fwd_f32(act, get_elem(z, 0, k), (float)p_alpha(act, p), (float)p_at_zero(act, p), &a, &d);
            ref_a[k] = ref_of_double(a);
            ref_d[k] = ref_of_double(d);
        }
    }
}

static void check_reference(void)
{
    static const fa_params p = {{0.01, 0.5}, 0};
    for (int f64 = 0; f64 < 2; f64++) {
        const long n = f64 ? REF_N64 : REF_N32;
        const size_t es = f64 ? 8 : 4;
        unsigned char *in[2] = {malloc((size_t)n * es), malloc((size_t)n * es)};
        ref_val *ref_a = malloc((size_t)n * sizeof *ref_a), *ref_d = malloc((size_t)n * sizeof *ref_d);
        wide_inputs(in[0], f64, n, 2);
        for (long k = 0; k < n; k++)
            memcpy(in[1] + k * es, in[0] + (n - 1 - k) * es, es);
        for (int a = 0; a < fa_num_activations(); a++) {
            const char *name = fa_level_table(FA_LEVEL_BASELINE, FA_ACC_DEFAULT)[a].name;
            if (!act_code(name))
                continue;
            reference_values(act_code(name), f64, in[0], n, &p, ref_a, ref_d);
            for (int level = 0; level < FA_NLEVELS; level++)
                for (int acc = 0; acc < FA_NACC; acc++)
                    if (level_has_fma((fa_level)level) && fa_level_supported((fa_level)level))
                        check_reference_case(&fa_level_table((fa_level)level, (fa_accuracy)acc)[a],
                                             acc, level, f64, in, n, ref_a, ref_d, &p);
        }
        printf("reference check %s (%ld arguments) ok so far (%d failures)\n",
               f64 ? "float64" : "float32", n, failures);
        free(in[0]);
        free(in[1]);
        free(ref_a);
        free(ref_d);
    }
}

/* ------------------------------------------------------------ ufunc loop */

static void store_arg(unsigned char *dst, fa_storage st, unsigned i)
{
    const double v = arg_value(i);
    const double iv = (double)((long)(i * 2654435761u % 300u) - 150); /* small ints */
#define PUT(T, X) do { T t = (T)(X); memcpy(dst, &t, sizeof t); } while (0)
    switch (st) {
    case FA_ST_F16: { const uint16_t h = fa_float_to_half((float)v); memcpy(dst, &h, 2); break; }
    case FA_ST_F32: PUT(float, v); break;
    case FA_ST_F64: PUT(double, v); break;
    case FA_ST_BOOL: PUT(unsigned char, i % 3 == 0); break;
    case FA_ST_I8: PUT(int8_t, iv / 2); break;
    case FA_ST_U8: PUT(uint8_t, (iv + 150) * 0.85); break;
    case FA_ST_I16: PUT(int16_t, iv * 100); break;
    case FA_ST_U16: PUT(uint16_t, (iv + 150) * 200); break;
    case FA_ST_I32: PUT(int32_t, iv * 1e6); break;
    case FA_ST_U32: PUT(uint32_t, (iv + 150) * 1e7); break;
    case FA_ST_I64: PUT(int64_t, iv * 1e15); break;
    case FA_ST_U64: PUT(uint64_t, (iv + 150) * 1e16); break;
    default: break;
    }
#undef PUT
}

/* The storage value as the compute type sees it (what the glue converts to). */
static double load_arg(const unsigned char *src, fa_storage st)
{
#define GET(T) do { T t; memcpy(&t, src, sizeof t); return (double)t; } while (0)
    switch (st) {
    case FA_ST_F16: { uint16_t h; memcpy(&h, src, 2); return fa_half_to_float(h); }
    case FA_ST_F32: GET(float);
    case FA_ST_F64: GET(double);
    case FA_ST_BOOL: GET(unsigned char);
    case FA_ST_I8: GET(int8_t);
    case FA_ST_U8: GET(uint8_t);
    case FA_ST_I16: GET(int16_t);
    case FA_ST_U16: GET(uint16_t);
    case FA_ST_I32: GET(int32_t);
    case FA_ST_U32: GET(uint32_t);
    case FA_ST_I64: GET(int64_t);
    case FA_ST_U64: GET(uint64_t);
    default: return 0.0;
    }
#undef GET
}

/* The compute type's kernel on one element: what the glue must produce for it. */
static void call_one(const fa_activation *row, fa_op op, int f64, const double *x, double *y,
                     const fa_params *p)
{
    const int nin = fa_op_nin(op), nout = fa_op_nout(op);
    if (f64) {
        const fa_kernel_f64 kf = row->f64[op];
        if (nin == 2) kf.k21(1, &x[0], &x[1], &y[0], p);
        else if (nout == 2) kf.k12(1, &x[0], &y[0], &y[1], p);
        else kf.k11(1, &x[0], &y[0], p);
    } else {
        float xf[2] = {(float)x[0], (float)x[1]}, yf[2] = {0.0f, 0.0f};
        const fa_kernel_f32 kf = row->f32[op];
        if (nin == 2) kf.k21(1, &xf[0], &xf[1], &yf[0], p);
        else if (nout == 2) kf.k12(1, &xf[0], &yf[0], &yf[1], p);
        else kf.k11(1, &xf[0], &yf[0], p);
        y[0] = yf[0]; y[1] = yf[1];
    }
}

/* v rounded to an output storage type (F16, F32 or F64), as the glue stores it. */
static void store_value(unsigned char *dst, fa_storage st, double v)
{
    if (st == FA_ST_F16) {
        const uint16_t h = fa_float_to_half((float)v);
        memcpy(dst, &h, 2);
    } else if (st == FA_ST_F32) {
        const float f = (float)v;
        memcpy(dst, &f, 4);
    } else {
        memcpy(dst, &v, 8);
    }
}

/* Same bits, or both NaN (the payload is not part of the contract here). */
static int same_stored(const unsigned char *got, const unsigned char *want, fa_storage st)
{
    const double g = load_arg(got, st), w = load_arg(want, st);
    return (g != g && w != w) || memcmp(got, want, (size_t)fa_storage_itemsize(st)) == 0;
}

/* Operand layouts exercised. */
enum { L_CONTIG, L_STRIDE3, L_NEGATIVE, L_INPLACE, L_PARAM_ARRAYS, L_COUNT };

static void check_glue_case(int a, fa_op op, fa_storage st, int layout, long n, int level)
{
    const fa_activation *row = &fa_active_table()[a];
    fa_loop_spec spec;
    fa_loop_spec_init(&spec, a, op, st, row->params[op]);
    const int nin = fa_op_nin(op), nout = fa_op_nout(op);
    const int npar = param_count(spec.params);
    const int in_es = fa_storage_itemsize(st), out_es = fa_storage_itemsize(spec.out_type);
    const int c_es = spec.compute_f64 ? 8 : 4;
    const int stride = layout == L_STRIDE3 ? 3 : 1;
    const int inplace = layout == L_INPLACE && in_es == out_es;
    const long span = n ? (n - 1) * stride + 1 : 0;

    char *args[6];
    fa_size steps[6];
    unsigned char *in_buf[2], *par_buf[2], *out_buf[2];
    for (int i = 0; i < nin; i++) {
        in_buf[i] = guarded((size_t)span * in_es);
        for (long k = 0; k < n; k++)
            store_arg(in_buf[i] + k * stride * in_es, st, (unsigned)(k + 131 * i));
        const int neg = layout == L_NEGATIVE;
        args[i] = (char *)in_buf[i] + (neg && n ? (span - 1) * in_es : 0);
        steps[i] = (neg ? -1 : 1) * (fa_size)stride * in_es;
    }
    /* parameters as the compute type: one value broadcast (step 0) or per element */
    const int per_elem = layout == L_PARAM_ARRAYS;
    for (int j = 0; j < npar; j++) {
        const double pv = param_base(j);
        const long m = per_elem ? (n ? n : 1) : 1;
        par_buf[j] = guarded((size_t)m * c_es);
        for (long k = 0; k < m; k++) {
            const double v = pv + (per_elem ? (double)(k % 5) / 8 : 0.0);
            if (c_es == 8) memcpy(par_buf[j] + k * 8, &v, 8);
            else { const float f = (float)v; memcpy(par_buf[j] + k * 4, &f, 4); }
        }
        args[nin + j] = (char *)par_buf[j];
        steps[nin + j] = per_elem ? c_es : 0;
    }
    for (int o = 0; o < nout; o++) {
        out_buf[o] = inplace && o < nin ? in_buf[o] : guarded((size_t)span * out_es);
        args[nin + npar + o] = inplace && o < nin ? args[o] : (char *)out_buf[o];
        steps[nin + npar + o] = inplace && o < nin ? steps[o] : (fa_size)stride * out_es;
    }

    /* expected: the contiguous kernel, element by element with its parameters */
    double expect[2][MAX_LEN + 512];
    for (long k = 0; k < n; k++) {
        fa_params p = {{0.0, 0.0}, 0};
        for (int b = 0, j = 0; b < FA_MAX_PARAMS; b++)
            if (spec.params & (1u << b)) {
                const double v = param_base(j++) + (per_elem ? (double)(k % 5) / 8 : 0);
                p.v[b] = c_es == 4 ? (double)(float)v : v;
            }
        double x[2] = {0.0, 0.0}, y[2];
        for (int i = 0; i < nin; i++)
            x[i] = load_arg((unsigned char *)args[i] + k * steps[i], st);
        call_one(row, op, c_es == 8, x, y, &p);
        for (int o = 0; o < nout; o++)
            expect[o][k] = y[o];
    }

    const fa_size dims[1] = {n};
    fa_ufunc_loop(args, dims, steps, &spec);

    for (int o = 0; o < nout; o++) {
        for (long k = 0; k < n; k++) {
            const unsigned char *got = (unsigned char *)args[nin + npar + o] + k * steps[nin + npar + o];
            unsigned char want[8];
            store_value(want, spec.out_type, expect[o][k]);
            if (!same_stored(got, want, spec.out_type)) {
                fail("ufunc loop result", row->name, op, level, n, layout);
                break;
            }
        }
        if (!(inplace && o < nin) && !guards_ok(out_buf[o], (size_t)span * out_es))
            fail("ufunc loop guard", row->name, op, level, n, layout);
    }
    for (int i = 0; i < nin; i++) {
        if (!guards_ok(in_buf[i], (size_t)span * in_es))
            fail("ufunc loop input guard", row->name, op, level, n, layout);
        guarded_free(in_buf[i]);
    }
    for (int j = 0; j < npar; j++)
        guarded_free(par_buf[j]);
    for (int o = 0; o < nout; o++)
        if (!(inplace && o < nin))
            guarded_free(out_buf[o]);
}

/* ------------------------------------- overlapping operands (ufunc methods) */

/* How input 0 shares output 0's memory, as NumPy's methods call the loop:
 * accumulate passes in0 = out - step (also with a negative step), reduce and
 * reduceat pass the accumulator as in0 and out, both with step 0. */
enum { O_ACCUMULATE, O_ACCUMULATE_NEG, O_REDUCE, O_COUNT };

/* NumPy's loop, one element after another, on operands laid out as for
 * fa_ufunc_loop: element k's inputs are read after element k-1's outputs are
 * stored. */
static void sequential_reference(const fa_activation *row, const fa_loop_spec *spec,
                                 char *const *args, const fa_size *steps, long n,
                                 const fa_params *p)
{
    const int nin = fa_op_nin(spec->op), nout = fa_op_nout(spec->op);
    const int npar = param_count(spec->params);
    for (long k = 0; k < n; k++) {
        double x[2] = {0.0, 0.0}, y[2];
        for (int i = 0; i < nin; i++)
            x[i] = load_arg((unsigned char *)args[i] + k * steps[i], spec->in_type);
        call_one(row, spec->op, spec->compute_f64, x, y, p);
        for (int o = 0; o < nout; o++)
            store_value((unsigned char *)args[nin + npar + o] + k * steps[nin + npar + o],
                        spec->out_type, y[o]);
    }
}

/* One call of fa_ufunc_loop with input 0 inside output 0's memory, against
 * sequential_reference on a copy of that memory.  Float storage only (an
 * accumulator has the output's type); parameters are broadcast (step 0). */
static void check_glue_overlap_case(int a, fa_op op, fa_storage st, int kind, long n, int level)
{
    if (n < 1)
        return;
    const fa_activation *row = &fa_active_table()[a];
    fa_loop_spec spec;
    fa_loop_spec_init(&spec, a, op, st, row->params[op]);
    const int nin = fa_op_nin(op), nout = fa_op_nout(op);
    const int npar = param_count(spec.params);
    const int es = fa_storage_itemsize(st);
    const long cells = kind == O_REDUCE ? 1 : n + 1; /* output 0's memory, in elements */
    const size_t bytes = (size_t)cells * (size_t)es, other_bytes = (size_t)n * (size_t)es;
    const fa_size step = kind == O_REDUCE ? 0 : kind == O_ACCUMULATE ? es : -es;
    /* byte offsets in that memory of out0[0] and of in0[0] = out0[0] - step */
    const long out_off = kind == O_ACCUMULATE ? es : kind == O_ACCUMULATE_NEG ? (n - 1) * es : 0;
    const long in_off = out_off - (long)step;
    const double par_v[FA_MAX_PARAMS] = {param_base(0), param_base(1), param_base(2), param_base(3)};
    const float par_f[FA_MAX_PARAMS] = {(float)par_v[0], (float)par_v[1], (float)par_v[2],
                                        (float)par_v[3]};
    fa_params p = {{0.0, 0.0}, 0};
    for (int b = 0, j = 0; b < FA_MAX_PARAMS; b++)
        if (spec.params & (1u << b))
            p.v[b] = par_v[j++];

    /* copy 0: what fa_ufunc_loop works on; copy 1: the reference's */
    unsigned char *acc[2], *other_out[2], *other_in = guarded(other_bytes);
    for (long k = 0; k < n; k++)
        store_arg(other_in + k * es, st, (unsigned)(k + 131));
    for (int c = 0; c < 2; c++) {
        acc[c] = guarded(bytes);
        other_out[c] = guarded(other_bytes);
        for (long k = 0; k < cells; k++)
            store_arg(acc[c] + k * es, st, (unsigned)(k + 7));
        char *args[6];
        fa_size steps[6];
        args[0] = (char *)acc[c] + in_off;
        steps[0] = step;
        args[1] = (char *)other_in; /* used when nin == 2 */
        steps[1] = es;
        for (int j = 0; j < npar; j++) {
            args[nin + j] = spec.compute_f64 ? (char *)&par_v[j] : (char *)&par_f[j];
            steps[nin + j] = 0;
        }
        args[nin + npar] = (char *)acc[c] + out_off;
        steps[nin + npar] = step;
        args[nin + npar + 1] = (char *)other_out[c]; /* used when nout == 2 */
        steps[nin + npar + 1] = es;
        if (c == 0) {
            const fa_size dims[1] = {n};
            fa_ufunc_loop(args, dims, steps, &spec);
        } else {
            sequential_reference(row, &spec, args, steps, n, &p);
        }
    }

    for (long k = 0; k < cells; k++)
        if (!same_stored(acc[0] + k * es, acc[1] + k * es, st)) {
            fail("overlapping operands: output 0", row->name, op, level, n, kind);
            break;
        }
    for (long k = 0; nout == 2 && k < n; k++)
        if (!same_stored(other_out[0] + k * es, other_out[1] + k * es, st)) {
            fail("overlapping operands: output 1", row->name, op, level, n, kind);
            break;
        }
    for (int c = 0; c < 2; c++) {
        if (!guards_ok(acc[c], bytes) || !guards_ok(other_out[c], other_bytes))
            fail("overlapping operands: guard", row->name, op, level, n, kind);
        guarded_free(acc[c]);
        guarded_free(other_out[c]);
    }
    guarded_free(other_in);
}

static void check_glue(void)
{
    static const long lengths[] = {0, 1, 2, 7, 8, 17, 255, 256, 257, 300, 600};
    for (int level = 0; level < FA_NLEVELS; level++)
      for (int acc = 0; acc < FA_NACC; acc++) {
        if (fa_set_level((fa_level)level) != 0 || fa_set_accuracy(acc) != 0)
            continue;
        for (int a = 0; a < fa_num_activations(); a++)
            for (int op = 0; op < FA_NOPS; op++)
              if (fa_active_table()[a].ops & (1u << op))
                for (int st = 0; st < FA_NSTORAGE; st++)
                    for (int layout = 0; layout < L_COUNT; layout++)
                        for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++)
                            check_glue_case(a, (fa_op)op, (fa_storage)st, layout, lengths[li], level);
        for (int a = 0; a < fa_num_activations(); a++)
            for (int op = 0; op < FA_NOPS; op++)
              if (fa_active_table()[a].ops & (1u << op))
                for (int st = FA_ST_F16; st <= FA_ST_F64; st++)
                    for (int kind = 0; kind < O_COUNT; kind++)
                        for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++)
                            check_glue_overlap_case(a, (fa_op)op, (fa_storage)st, kind,
                                                    lengths[li], level);
        printf("ufunc loop %-8s %-7s ok so far (%d failures)\n", fa_level_name((fa_level)level),
               fa_accuracy_name((fa_accuracy)acc), failures);
      }
    fa_set_accuracy(FA_ACC_DEFAULT);
}

int main(void)
{
    /* line-buffered: progress shows as it happens, in order with the FAIL lines */
    setvbuf(stdout, NULL, _IOLBF, 0);
    check_kernels();
    check_vector_vs_scalar();
    check_reference();
    check_glue();
    if (failures) {
        fprintf(stderr, "%d failures\n", failures);
        return 1;
    }
    printf("sanitize_driver: all kernels and ufunc loops passed\n");
    return 0;
}
