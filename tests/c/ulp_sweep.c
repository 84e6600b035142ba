/* ulp_sweep.c - exhaustive float32 ULP sweep of the smooth kernels, in C.
 *
 * Every float32 bit pattern (or every STRIDE-th) through sigmoid and tanh
 * and_derivative at one kernel table (a level's default or high accuracy mode),
 * against double-precision references of the stable formulas (sigmoid
 * 1/(1+e^-z), tanh, e/(1+e)^2 and 4e/(1+e)^2 with e = exp(-|z|), exp(-2|z|)):
 * their error, ~1e-16 relative, is far below float32's 6e-8.  Two figures per
 * output:
 *   ulp   |got - cr| / spacing(cr), cr = the reference rounded to float32: the
 *         metric of `python -m fastact accuracy` (an integer); where the double
 *         reference lies within 2^-30 ULP of a rounding midpoint, both roundings
 *         are tried and the larger counts, so a near-tie can only overstate it;
 *   real  |got - ref| / spacing(cr), the error against the (double) exact value.
 * Also: NaN in gives NaN out, every output finite for finite z.
 * It does what the Python tool's float32 sweep does for these functions, about
 * 20 times faster (threads, no NumPy), so that every kernel change can be swept
 * whole; the Python tool remains the reference for the published tables (its
 * references are settled by mpmath).
 *
 * usage: ulp_sweep LEVEL MODE [STRIDE [THREADS [BOUND]]]   (LEVEL avx2|baseline|...,
 * MODE default|high; BOUND in ULP, default 2 for the default mode and 1 for high,
 * and report only ("-") at levels without FMA); exit status 1 if the bound is
 * exceeded or a NaN/finiteness check fails, 2 if the level is not available. */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fastact.h"

enum { NOUT = 4, BLOCK = 1 << 14 };
static const char *const out_names[NOUT] = {"sigmoid", "sigmoid_derivative", "tanh",
                                            "tanh_derivative"};

typedef struct {
    double ulp, real;  /* worst figures */
    float z_ulp;       /* where the worst ulp is */
    long over1;        /* results more than 1 ULP off */
} worst_t;

typedef struct {
    const fa_activation *table;
    uint64_t first, stride, count;  /* bit patterns first + k*stride, k < count */
    worst_t w[NOUT];
    long bad;  /* NaN / finiteness failures */
} job_t;

static double spacing_at(float cr)
{
    const float a = fabsf(cr);
    if (a < 0x1p-126f)
        return 0x1p-149;
    return (double)nextafterf(a, INFINITY) - (double)a;
}

/* |got - cr| / spacing(cr) with cr the double ref rounded to float32 (both
 * roundings near a tie), and the real error against ref. */
static void measure(float got, double ref, worst_t *w, float z)
{
    const float cr = (float)ref;
    const double sp = spacing_at(cr);
    double u = fabs((double)got - (double)cr) / sp;
    /* a near-tie: the other neighbour of ref may be the correct rounding */
    const float other = (double)cr < ref ? nextafterf(cr, INFINITY) : nextafterf(cr, -INFINITY);
    if (fabs(fabs(ref - (double)cr) - fabs(ref - (double)other)) < sp * 0x1p-30) {
        const double u2 = fabs((double)got - (double)other) / spacing_at(other);
        if (u2 > u)
            u = u2;
    }
    const double r = fabs((double)got - ref) / sp;
    if (u > w->ulp) {
        w->ulp = u;
        w->z_ulp = z;
    }
    if (r > w->real)
        w->real = r;
    w->over1 += u > 1.0;
}

static void *run(void *arg)
{
    job_t *job = arg;
    static const fa_params p = {{0.0, 0.0}};
    float z[BLOCK], a[BLOCK], d[BLOCK], t[BLOCK], td[BLOCK];
    for (uint64_t k = 0; k < job->count; k += BLOCK) {
        const int m = (int)(job->count - k < BLOCK ? job->count - k : BLOCK);
        for (int i = 0; i < m; i++) {
            const uint32_t bits = (uint32_t)(job->first + (k + (uint64_t)i) * job->stride);
            memcpy(&z[i], &bits, sizeof bits);
        }
        job->table[0].f32[FA_OP_AND_DERIVATIVE].k12(m, z, a, d, &p);
        job->table[1].f32[FA_OP_AND_DERIVATIVE].k12(m, z, t, td, &p);
        for (int i = 0; i < m; i++) {
            const double x = z[i];
            if (isnan(z[i])) {
                job->bad += !isnan(a[i]) + !isnan(d[i]) + !isnan(t[i]) + !isnan(td[i]);
                continue;
            }
            if (!isfinite(a[i]) || !isfinite(d[i]) || !isfinite(t[i]) || !isfinite(td[i])) {
                job->bad++;
                continue;
            }
            const double e = exp(-fabs(x)), e2 = exp(-2 * fabs(x));
            measure(a[i], x > 0 ? 1 / (1 + e) : e / (1 + e), &job->w[0], z[i]);
            measure(d[i], e / ((1 + e) * (1 + e)), &job->w[1], z[i]);
            measure(t[i], tanh(x), &job->w[2], z[i]);
            measure(td[i], 4 * e2 / ((1 + e2) * (1 + e2)), &job->w[3], z[i]);
        }
    }
    return NULL;
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

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s LEVEL MODE [STRIDE [THREADS [BOUND]]]\n", argv[0]);
        return 2;
    }
    int has_fma = 0;
    const fa_activation *table = find_table(argv[1], argv[2], &has_fma);
    const uint64_t stride = argc > 3 ? strtoull(argv[3], NULL, 10) : 1;
    const int nthreads = argc > 4 ? atoi(argv[4]) : 2;
    if (!table || stride < 1 || nthreads < 1 || nthreads > 64) {
        fprintf(stderr, "ulp_sweep: level %s / mode %s not available here, or bad arguments\n",
                argv[1], argv[2]);
        return 2;
    }
    /* table[0] is sigmoid, table[1] tanh: activations.def's order */
    if (strcmp(table[0].name, "sigmoid") != 0 || strcmp(table[1].name, "tanh") != 0) {
        fprintf(stderr, "ulp_sweep: unexpected table order\n");
        return 2;
    }
    const uint64_t total = ((1ull << 32) + stride - 1) / stride;
    job_t jobs[64];
    pthread_t tid[64];
    const uint64_t per = (total + (uint64_t)nthreads - 1) / (uint64_t)nthreads;
    for (int j = 0; j < nthreads; j++) {
        memset(&jobs[j], 0, sizeof jobs[j]);
        jobs[j].table = table;
        jobs[j].stride = stride;
        jobs[j].first = (uint64_t)j * per * stride;
        const uint64_t left = total > (uint64_t)j * per ? total - (uint64_t)j * per : 0;
        jobs[j].count = left < per ? left : per;
        pthread_create(&tid[j], NULL, run, &jobs[j]);
    }
    worst_t w[NOUT] = {{0, 0, 0, 0}};
    long bad = 0;
    for (int j = 0; j < nthreads; j++) {
        pthread_join(tid[j], NULL);
        bad += jobs[j].bad;
        for (int o = 0; o < NOUT; o++) {
            if (jobs[j].w[o].ulp > w[o].ulp) {
                w[o].ulp = jobs[j].w[o].ulp;
                w[o].z_ulp = jobs[j].w[o].z_ulp;
            }
            if (jobs[j].w[o].real > w[o].real)
                w[o].real = jobs[j].w[o].real;
            w[o].over1 += jobs[j].w[o].over1;
        }
    }
    const char *bound_arg = argc > 5 ? argv[5] : NULL;
    const double bound = bound_arg ? (strcmp(bound_arg, "-") == 0 ? INFINITY : atof(bound_arg))
                       : !has_fma ? INFINITY   /* the bounds hold with FMA only */
                       : strcmp(argv[2], "high") == 0 ? 1.0 : 2.0;
    int fail = bad != 0;
    printf("float32 %s/%s, %llu inputs (stride %llu); bound %g ULP\n", argv[1], argv[2],
           (unsigned long long)total, (unsigned long long)stride, bound);
    for (int o = 0; o < NOUT; o++) {
        const int over = w[o].ulp > bound;
        fail |= over;
        printf("  %-19s max %g ULP at z = %.9g (real error %.3f ULP), %ld results > 1 ULP%s\n",
               out_names[o], w[o].ulp, (double)w[o].z_ulp, w[o].real, w[o].over1,
               over ? "  OVER THE BOUND" : "");
    }
    if (bad)
        printf("  %ld NaN/finiteness failures\n", bad);
    return fail;
}
