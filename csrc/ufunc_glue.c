/* ufunc_glue.c - see ufunc_glue.h. */
#include <fenv.h>
#include <stdio.h>
#include <string.h>
#if defined(__unix__) || defined(__APPLE__)
#  include <unistd.h>
#endif
#include "ufunc_glue.h"
#include "pool.h"

/* Elements per stack block on the buffered path: 4 buffers of 256 doubles
 * (8 KiB) stay in L1 and amortise the per-block kernel call. */
#define FA_BLOCK 256

#define FA_NUMPY_FLAGS (FE_INVALID | FE_DIVBYZERO | FE_OVERFLOW | FE_UNDERFLOW)

static const unsigned char itemsizes[FA_NSTORAGE] = {2, 4, 8, 1, 1, 1, 2, 2, 4, 4, 8, 8};

int fa_storage_itemsize(fa_storage st) { return itemsizes[st]; }

void fa_loop_spec_init(fa_loop_spec *spec, int act, fa_op op, fa_storage in_type,
                       unsigned params)
{
    const int f32 = in_type == FA_ST_F16 || in_type == FA_ST_F32;
    spec->act = act;
    spec->op = op;
    spec->in_type = in_type;
    spec->out_type = f32 ? in_type : FA_ST_F64;
    spec->compute_f64 = !f32;
    spec->params = params;
    spec->nin = fa_op_nin(op);
    spec->npar = 0;
    for (unsigned m = params; m; m >>= 1)
        spec->npar += (int)(m & 1u);
    spec->nout = fa_op_nout(op);
    spec->native = in_type == spec->out_type && (in_type == FA_ST_F32 || in_type == FA_ST_F64);
}

float fa_half_to_float(uint16_t h)
{
    const uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    const uint32_t e = (h >> 10) & 0x1fu, m = h & 0x3ffu;
    uint32_t bits;
    if (e == 0) {
        float v = (float)m * 0x1p-24f; /* zero or subnormal, exact */
        memcpy(&bits, &v, sizeof bits);
        bits |= sign;
    } else if (e == 31) {
        bits = sign | 0x7f800000u | (m << 13);
    } else {
        bits = sign | ((e + 112u) << 23) | (m << 13);
    }
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

/* Shift right by `shift` (1..24), rounding to nearest, ties to even. */
static uint32_t round_shift(uint32_t m, unsigned shift)
{
    const uint32_t q = m >> shift, rem = m & ((1u << shift) - 1u), half = 1u << (shift - 1u);
    return q + (rem > half || (rem == half && (q & 1u)));
}

uint16_t fa_float_to_half(float f)
{
    uint32_t x;
    memcpy(&x, &f, sizeof x);
    const uint16_t sign = (uint16_t)((x >> 16) & 0x8000u);
    const uint32_t ax = x & 0x7fffffffu;
    if (ax >= 0x7f800000u) /* inf, or NaN kept quiet with its top payload bits */
        return (uint16_t)(sign | 0x7c00u | (ax > 0x7f800000u ? 0x200u | ((ax >> 13) & 0x3ffu) : 0u));
    if (ax >= 0x477ff000u) /* >= 65520 rounds to inf */
        return (uint16_t)(sign | 0x7c00u);
    const uint32_t e = ax >> 23;
    if (e >= 113) /* normal half: the carry of rounding may bump the exponent */
        return (uint16_t)(sign | (((e - 112u) << 10) + round_shift(ax & 0x7fffffu, 13)));
    if (e < 102) /* below 2^-25: rounds to zero */
        return sign;
    /* subnormal half: the significand with its implicit bit, in units of 2^-24 */
    return (uint16_t)(sign | round_shift((ax & 0x7fffffu) | 0x800000u, 126u - e));
}

/* ---- block loaders and storers ------------------------------------------ */

#define FA_LOAD_CASE(ST, CT, T)                                                    \
    case ST:                                                                       \
        for (fa_size i = 0; i < n; i++) {                                          \
            CT v;                                                                  \
            memcpy(&v, src + i * step, sizeof v);                                  \
            dst[i] = (T)v;                                                         \
        }                                                                          \
        break;

static void load_f32(float *dst, const char *src, fa_size step, fa_size n, fa_storage st)
{
    switch (st) {
    case FA_ST_F16:
        for (fa_size i = 0; i < n; i++) {
            uint16_t h;
            memcpy(&h, src + i * step, sizeof h);
            dst[i] = fa_half_to_float(h);
        }
        break;
    FA_LOAD_CASE(FA_ST_F32, float, float)
    default: break;
    }
}

static void load_f64(double *dst, const char *src, fa_size step, fa_size n, fa_storage st)
{
    switch (st) {
    FA_LOAD_CASE(FA_ST_F64, double, double)
    FA_LOAD_CASE(FA_ST_BOOL, unsigned char, double)
    FA_LOAD_CASE(FA_ST_I8, int8_t, double)
    FA_LOAD_CASE(FA_ST_U8, uint8_t, double)
    FA_LOAD_CASE(FA_ST_I16, int16_t, double)
    FA_LOAD_CASE(FA_ST_U16, uint16_t, double)
    FA_LOAD_CASE(FA_ST_I32, int32_t, double)
    FA_LOAD_CASE(FA_ST_U32, uint32_t, double)
    FA_LOAD_CASE(FA_ST_I64, int64_t, double)
    FA_LOAD_CASE(FA_ST_U64, uint64_t, double)
    default: break;
    }
}
#undef FA_LOAD_CASE

static void store_f32(char *dst, fa_size step, const float *src, fa_size n, fa_storage st)
{
    if (st == FA_ST_F16) {
        for (fa_size i = 0; i < n; i++) {
            const uint16_t h = fa_float_to_half(src[i]);
            memcpy(dst + i * step, &h, sizeof h);
        }
    } else {
        for (fa_size i = 0; i < n; i++)
            memcpy(dst + i * step, &src[i], sizeof(float));
    }
}

static void store_f64(char *dst, fa_size step, const double *src, fa_size n, fa_storage st)
{
    (void)st;
    for (fa_size i = 0; i < n; i++)
        memcpy(dst + i * step, &src[i], sizeof(double));
}

/* ---- operand overlap ----------------------------------------------------- */

/* The bytes [lo, hi) that n >= 1 elements of `size` bytes at byte step `step`
 * cover from p; with a negative step the elements lie below p. */
typedef struct { uintptr_t lo, hi; } fa_span;

static fa_span operand_span(const char *p, fa_size step, fa_size n, fa_size size)
{
    const uintptr_t base = (uintptr_t)p;
    const uintptr_t reach = (uintptr_t)(n - 1) * (uintptr_t)(step < 0 ? -step : step);
    fa_span s;
    s.lo = step < 0 ? base - reach : base;
    s.hi = (step < 0 ? base : base + reach) + (uintptr_t)size;
    return s;
}

static int spans_overlap(const char *pa, fa_size sa, fa_size za, const char *pb, fa_size sb,
                         fa_size zb, fa_size n)
{
    const fa_span a = operand_span(pa, sa, n, za), b = operand_span(pb, sb, n, zb);
    return a.lo < b.hi && b.lo < a.hi;
}

/* A call's operands by role: data inputs, parameter inputs, outputs (NumPy's
 * order, see fa_loop_spec). */
typedef struct {
    int nin, npar, nout;
    char *const *in, *const *par, *const *out;
    const fa_size *in_step, *par_step, *out_step;
} fa_operands;

static fa_operands split_operands(const fa_loop_spec *spec, char *const *args,
                                  const fa_size *steps)
{
    fa_operands v;
    v.nin = spec->nin;
    v.npar = spec->npar;
    v.nout = spec->nout;
    v.in = args;
    v.par = args + v.nin;
    v.out = args + v.nin + v.npar;
    v.in_step = steps;
    v.par_step = steps + v.nin;
    v.out_step = steps + v.nin + v.npar;
    return v;
}

/* Whether this call must run element by element, in order.  The kernels are
 * restrict-qualified and vectorised, so they may read an input slot before an
 * earlier element's output lands there.  NumPy makes exactly such calls for the
 * ufunc methods: reduce and reduceat pass the accumulator as both in0 and out
 * with step 0, accumulate passes in0 = out - step; their meaning is NumPy's
 * sequential loop (element i reads what element i-1 wrote).  So an input
 * (parameters included) that overlaps an output other than as the very same
 * elements (same pointer and step, step != 0: in place, which the block loop
 * handles), two outputs that overlap at all, or an output with step 0 over
 * several elements, takes the sequential path.  O(nin * nout) arithmetic per
 * call, nothing per element; plain calls never take it (NumPy copies
 * overlapping operands of a plain call). */
static int operands_conflict(const fa_loop_spec *spec, const fa_operands *v, fa_size n)
{
    if (n < 1)
        return 0;
    const fa_size in_size = fa_storage_itemsize(spec->in_type);
    const fa_size par_size = spec->compute_f64 ? (fa_size)sizeof(double) : (fa_size)sizeof(float);
    const fa_size out_size = fa_storage_itemsize(spec->out_type);
    for (int o = 0; o < v->nout; o++) {
        const char *po = v->out[o];
        const fa_size so = v->out_step[o];
        if (so == 0 && n > 1)
            return 1;
        for (int i = 0; i < v->nin + v->npar; i++) {
            const char *pi = v->in[i]; /* v->par follows v->in in args */
            const fa_size si = v->in_step[i], size = i < v->nin ? in_size : par_size;
            const int in_place = pi == po && si == so;
            if (!in_place && spans_overlap(pi, si, size, po, so, out_size, n))
                return 1;
        }
        for (int q = 0; q < o; q++)
            if (spans_overlap(v->out[q], v->out_step[q], out_size, po, so, out_size, n))
                return 1;
    }
    return 0;
}

/* The plain call, the one small arrays pay for most: native types, every data
 * operand contiguous, every parameter one value for the whole call (step 0),
 * and no operand's bytes touching an output's (so nothing overlaps, and no
 * input is an output: in place takes the block loop's copy).  It then goes
 * straight to the kernel, as the block loop's one-call case would, with the
 * same bits; it skips that loop's and operands_conflict's bookkeeping, about
 * 250 of the ~480 instructions fastact spent per call on 16 float32 (callgrind). */
static int plain_call(const fa_loop_spec *spec, char *const *args, const fa_size *steps,
                      fa_size n)
{
    const int first_par = spec->nin, first_out = spec->nin + spec->npar;
    const int nargs = first_out + spec->nout;
    const fa_size es = spec->compute_f64 ? (fa_size)sizeof(double) : (fa_size)sizeof(float);
    if (!spec->native || n < 1) /* n = 0: the block loop's one call, as before */
        return 0;
    for (int i = 0; i < nargs; i++)
        if (steps[i] != (i >= first_par && i < first_out ? 0 : es))
            return 0;
    for (int o = first_out; o < nargs; o++)
        for (int i = 0; i < o; i++)
            if (spans_overlap(args[i], steps[i], es, args[o], es, es, n))
                return 0;
    return 1;
}

/* ---- streaming stores (ufunc_glue.h) ------------------------------------ */

#define FA_STREAM_BYTES_DEFAULT ((fa_size)16 << 20)
/* Set at import (before any call, under the GIL) and by the tests. */
static fa_size stream_bytes = FA_STREAM_BYTES_DEFAULT;

fa_size fa_get_stream_bytes(void) { return stream_bytes; }
void fa_set_stream_bytes(fa_size bytes) { stream_bytes = bytes < 0 ? 0 : bytes; }

/* The size of the highest cache level Linux describes in sysfs (what lscpu shows),
 * in bytes, or 0.  Read there first: glibc's sysconf(_SC_LEVEL3_CACHE_SIZE) derives
 * it from cpuid, which a VM can misreport (256 MiB for a Zen 3's 32 MiB seen). */
static long sysfs_llc_bytes(void)
{
#if defined(__linux__)
    long best = 0;
    int best_level = 0;
    for (int i = 0; i < 8; i++) {
        char path[64];
        int level = 0;
        long size = 0;
        char unit = 0;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/level", i);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        const int got_level = fscanf(f, "%d", &level) == 1;
        fclose(f);
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/size", i);
        f = fopen(path, "r");
        if (!f)
            continue;
        const int got = fscanf(f, "%ld%c", &size, &unit);
        fclose(f);
        if (!got_level || got < 1 || size <= 0)
            continue;
        if (got == 2 && (unit == 'K' || unit == 'k'))
            size *= 1024;
        else if (got == 2 && unit == 'M')
            size *= 1024 * 1024;
        if (level > best_level) {
            best_level = level;
            best = size;
        }
    }
    return best;
#else
    return 0;
#endif
}

/* Half the last-level cache, but never more than FA_STREAM_BYTES_DEFAULT: on a
 * server part the LLC the OS reports is shared by every core of the socket, and
 * in a VM by other tenants too, so a core can count on a fraction of it.  Seen on
 * a 2-vCPU Xeon guest whose sysfs reports a 480 MiB L3: under the uncapped rule
 * (240 MiB) relu float32 at n = 10^7 (120 MB) stored plainly at 0.69 ns per
 * element; streamed, 0.43; at 24-96 MB streaming neither won nor lost there. */
fa_size fa_stream_bytes_for_cache(void)
{
    long llc = sysfs_llc_bytes();
#if defined(_SC_LEVEL3_CACHE_SIZE)
    if (llc <= 0)
        llc = sysconf(_SC_LEVEL3_CACHE_SIZE);
#endif
    const fa_size half = llc > 0 ? (fa_size)(llc / 2) : FA_STREAM_BYTES_DEFAULT;
    return half < FA_STREAM_BYTES_DEFAULT ? half : FA_STREAM_BYTES_DEFAULT;
}

/* ---- the driver, once per compute type ---------------------------------- */

#define FA_GLUE_T float
#define FA_GLUE_S f32
#define FA_GLUE_NATIVE FA_ST_F32
#include "ufunc_glue_impl.h"
#undef FA_GLUE_T
#undef FA_GLUE_S
#undef FA_GLUE_NATIVE

#define FA_GLUE_T double
#define FA_GLUE_S f64
#define FA_GLUE_NATIVE FA_ST_F64
#include "ufunc_glue_impl.h"
#undef FA_GLUE_T
#undef FA_GLUE_S
#undef FA_GLUE_NATIVE

void fa_ufunc_loop(char **args, const fa_size *dims, const fa_size *steps, void *data)
{
    const fa_loop_spec *spec = (const fa_loop_spec *)data;
    const fa_activation *row = &fa_active_table()[spec->act];
    const fa_size n = dims[0];
    if (plain_call(spec, args, steps, n)) {
        if (spec->compute_f64)
            glue_plain_f64(spec, row->f64[spec->op], args, steps, n);
        else
            glue_plain_f32(spec, row->f32[spec->op], args, steps, n);
    } else {
        const fa_operands v = split_operands(spec, args, steps);
        if (spec->compute_f64)
            glue_run_f64(spec, row->f64[spec->op], &v, n);
        else
            glue_run_f32(spec, row->f32[spec->op], &v, n);
    }
    /* NaN and inf inputs legitimately raise "invalid" inside the kernels (e.g.
     * ordered compares, inf * 0 in backward); the contract is quiet IEEE
     * results, so no flag may reach NumPy's error check. */
    /* Only the flags NumPy checks matter ("inexact" is raised by nearly every
     * call and ignored by NumPy).  Testing is cheap (status-word reads); clearing
     * rewrites the x87 environment too, ~100 ns, so it is done only when needed. */
    if (fetestexcept(FA_NUMPY_FLAGS))
        feclearexcept(FA_NUMPY_FLAGS);
}
