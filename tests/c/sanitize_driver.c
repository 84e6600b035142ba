/* sanitize_driver.c - drives every kernel and the ufunc inner loop under
 * AddressSanitizer / UndefinedBehaviorSanitizer (see run_sanitizers.sh).
 *
 * 1. Kernels: every level this CPU runs x accuracy mode x activation x operation x
 *    float type,
 *    every length 0..300 at element offsets 0..7 (so every vector alignment and
 *    every remainder loop is hit).  Inputs are allocated to their exact size, so
 *    an over-read lands in ASan's red zone; outputs are surrounded by guard
 *    values that must be intact afterwards.  Results must not depend on the
 *    alignment: each offset is compared bit for bit with offset 0.
 * 2. fa_ufunc_loop: strided (also negative) and in-place operands, float16 and
 *    every integer/bool storage type, parameters per element, lengths around the
 *    glue's 256-element block; each result is compared bit for bit with the
 *    contiguous kernel applied to the converted input.
 * 3. fa_ufunc_loop with input 0 inside output 0's memory, as NumPy's accumulate
 *    (in0 = out - step) and reduce (both step 0) call it, against NumPy's
 *    sequential loop simulated element by element.
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

static int same_bits(const void *a, const void *b, size_t n) { return memcmp(a, b, n) == 0; }

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
        for (long k = 0; k < n; k++) {
            const double v = arg_value((unsigned)(k + 977 * i));
            if (f64)
                memcpy(in[i] + (off + k) * es, &v, es);
            else {
                const float fv = (float)v;
                memcpy(in[i] + (off + k) * es, &fv, es);
            }
        }
    }
    for (int o = 0; o < nout; o++)
        out[o] = guarded((size_t)(off + n) * es);
    unsigned char *x0 = in[0] + off * es, *x1 = nin > 1 ? in[1] + off * es : NULL;
    unsigned char *y0 = out[0] + off * es, *y1 = nout > 1 ? out[1] + off * es : NULL;
    if (f64) {
        const fa_kernel_f64 k = row->f64[op];
        if (nin == 2) k.k21(n, (double *)x0, (double *)x1, (double *)y0, p);
        else if (nout == 2) k.k12(n, (double *)x0, (double *)y0, (double *)y1, p);
        else k.k11(n, (double *)x0, (double *)y0, p);
    } else {
        const fa_kernel_f32 k = row->f32[op];
        if (nin == 2) k.k21(n, (float *)x0, (float *)x1, (float *)y0, p);
        else if (nout == 2) k.k12(n, (float *)x0, (float *)y0, (float *)y1, p);
        else k.k11(n, (float *)x0, (float *)y0, p);
    }
    for (int o = 0; o < nout; o++) {
        ok &= guards_ok(out[o], (size_t)(off + n) * es);
        memcpy(result + o * n * es, out[o] + off * es, (size_t)n * es);
        guarded_free(out[o]);
    }
    for (int i = 0; i < nin; i++)
        free(in[i]);
    return ok;
}

static void check_kernels(void)
{
    static unsigned char first[2 * MAX_LEN * sizeof(double)], now[2 * MAX_LEN * sizeof(double)];
    const fa_params p = {0.01, 0.5};
    for (int level = 0; level < FA_NLEVELS; level++)
      for (int acc = 0; acc < FA_NACC; acc++) {
        const fa_activation *table = fa_level_table((fa_level)level, (fa_accuracy)acc);
        if (!table)
            continue;
        for (int a = 0; a < fa_num_activations(); a++)
            for (int op = 0; op < FA_NOPS; op++)
                for (int f64 = 0; f64 < 2; f64++)
                    for (long n = 0; n <= MAX_LEN; n++)
                        for (int off = 0; off < MAX_OFF; off++) {
                            const size_t bytes = (size_t)(fa_op_nout((fa_op)op) * n) *
                                                 (f64 ? sizeof(double) : sizeof(float));
                            unsigned char *dst = off == 0 ? first : now;
                            if (!run_kernel(&table[a], (fa_op)op, f64, n, off, &p, dst))
                                fail("guard overwritten", table[a].name, op, level, n, off);
                            if (off && !same_bits(first, now, bytes))
                                fail("result depends on alignment", table[a].name, op, level, n, off);
                        }
        printf("kernels %-8s %-7s ok so far (%d failures)\n", fa_level_name((fa_level)level),
               fa_accuracy_name((fa_accuracy)acc), failures);
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
    const int npar = !!(spec.params & FA_P_ALPHA) + !!(spec.params & FA_P_AT_ZERO);
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
        const double pv = j == 0 && (spec.params & FA_P_ALPHA) ? 0.25 : 0.75;
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
        fa_params p = {0.0, 0.0};
        if (spec.params & FA_P_ALPHA) p.alpha = 0.25 + (per_elem ? (double)(k % 5) / 8 : 0);
        if (spec.params & FA_P_AT_ZERO) p.at_zero = 0.75 + (per_elem ? (double)(k % 5) / 8 : 0);
        if (c_es == 4) { p.alpha = (float)p.alpha; p.at_zero = (float)p.at_zero; }
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
    const int npar = !!(spec->params & FA_P_ALPHA) + !!(spec->params & FA_P_AT_ZERO);
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
    const int npar = !!(spec.params & FA_P_ALPHA) + !!(spec.params & FA_P_AT_ZERO);
    const int es = fa_storage_itemsize(st);
    const long cells = kind == O_REDUCE ? 1 : n + 1; /* output 0's memory, in elements */
    const size_t bytes = (size_t)cells * (size_t)es, other_bytes = (size_t)n * (size_t)es;
    const fa_size step = kind == O_REDUCE ? 0 : kind == O_ACCUMULATE ? es : -es;
    /* byte offsets in that memory of out0[0] and of in0[0] = out0[0] - step */
    const long out_off = kind == O_ACCUMULATE ? es : kind == O_ACCUMULATE_NEG ? (n - 1) * es : 0;
    const long in_off = out_off - (long)step;
    const double par_v[2] = {0.25, 0.75};
    const float par_f[2] = {0.25f, 0.75f};
    fa_params p = {0.0, 0.0};
    if (spec.params & FA_P_ALPHA) p.alpha = par_v[0];
    if (spec.params & FA_P_AT_ZERO) p.at_zero = par_v[npar - 1];

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
                for (int st = 0; st < FA_NSTORAGE; st++)
                    for (int layout = 0; layout < L_COUNT; layout++)
                        for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++)
                            check_glue_case(a, (fa_op)op, (fa_storage)st, layout, lengths[li], level);
        for (int a = 0; a < fa_num_activations(); a++)
            for (int op = 0; op < FA_NOPS; op++)
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
    check_kernels();
    check_glue();
    if (failures) {
        fprintf(stderr, "%d failures\n", failures);
        return 1;
    }
    printf("sanitize_driver: all kernels and ufunc loops passed\n");
    return 0;
}
