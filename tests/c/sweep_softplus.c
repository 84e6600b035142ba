/* sweep_softplus.c - exhaustive float32 ULP sweep of the softplus family
 * (softplus, log_sigmoid; default parameters), in C, as ulp_sweep.c does for
 * sigmoid/tanh: every float32 bit pattern (or every STRIDE-th) through
 * and_derivative, and every one inside g's range through derivative_from_a, at
 * one kernel table, against double references of the stable formulas
 * (log1p(exp(-|z|)), e/(1+e), -expm1): their error, ~1e-16 relative, is far below
 * float32's 6e-8.  "ulp" is |got - ref| / spacing(ref rounded to float32).
 *
 * usage: sweep_softplus LEVEL MODE [STRIDE [THREADS]]; prints the max ULP per
 * output; exit status 1 on a NaN/finiteness failure, 2 if the level is absent. */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fastact.h"

enum { NFN = 2, NOUT = 3, BLOCK = 1 << 14 };
static const char *const fn_names[NFN] = {"softplus", "log_sigmoid"};
static const char *const out_names[NOUT] = {"value", "derivative", "from_a"};

typedef struct {
    const fa_activation *row[NFN];
    uint64_t first, stride, count;
    double ulp[NFN][NOUT];
    float at[NFN][NOUT];
    long bad;
} job_t;

static void measure(float got, double ref, double *worst, float *at, float z)
{
    const float cr = (float)ref;
    const float m = fabsf(cr);
    const double sp = m < 0x1p-126f ? 0x1p-149 : (double)nextafterf(m, INFINITY) - (double)m;
    const double u = (double)got == ref ? 0.0 : fabs((double)got - ref) / sp;
    if (u > *worst) {
        *worst = u;
        *at = z;
    }
}

/* softplus(x) = max(x, 0) + log1p(exp(-|x|)), sigma(x), -expm1(-a); log_sigmoid
 * is softplus reflected: -softplus(-x), sigma(-x), -expm1(a). */
static void reference(int f, double x, double *a, double *d)
{
    const double s = f == 0 ? x : -x;
    const double e = exp(-fabs(s));
    const double sp = fmax(s, 0.0) + log1p(e);
    *a = f == 0 ? sp : -sp;
    *d = s > 0 ? 1 / (1 + e) : e / (1 + e);
}

static void *run(void *arg)
{
    job_t *job = arg;
    static const fa_params p = {{1.0, INFINITY}};  /* beta = 1, threshold = None */
    float z[BLOCK], a[BLOCK], d[BLOCK], fa[BLOCK];
    for (uint64_t k = 0; k < job->count; k += BLOCK) {
        const int m = (int)(job->count - k < BLOCK ? job->count - k : BLOCK);
        for (int i = 0; i < m; i++) {
            const uint32_t bits = (uint32_t)(job->first + (k + (uint64_t)i) * job->stride);
            memcpy(&z[i], &bits, sizeof bits);
        }
        for (int f = 0; f < NFN; f++) {
            job->row[f]->f32[FA_OP_AND_DERIVATIVE].k12(m, z, a, d, &p);
            job->row[f]->f32[FA_OP_DERIVATIVE_FROM_A].k11(m, z, fa, &p);
            for (int i = 0; i < m; i++) {
                if (isnan(z[i])) {
                    job->bad += !isnan(a[i]) + !isnan(d[i]) + !isnan(fa[i]);
                    continue;
                }
                double ra, rd;
                reference(f, z[i], &ra, &rd);
                job->bad += isnan(a[i]) || isnan(d[i]);
                measure(a[i], ra, &job->ulp[f][0], &job->at[f][0], z[i]);
                measure(d[i], rd, &job->ulp[f][1], &job->at[f][1], z[i]);
                /* a inside g's range: a >= 0 (softplus), a <= 0 (log_sigmoid) */
                if (f == 0 ? z[i] >= 0 : z[i] <= 0)
                    measure(fa[i], f == 0 ? -expm1(-(double)z[i]) : -expm1((double)z[i]),
                            &job->ulp[f][2], &job->at[f][2], z[i]);
            }
        }
    }
    return NULL;
}

static const fa_activation *find_table(const char *level, const char *mode)
{
    for (int l = 0; l < FA_NLEVELS; l++)
        if (strcmp(fa_level_name((fa_level)l), level) == 0)
            for (int m = 0; m < FA_NACC; m++)
                if (strcmp(fa_accuracy_name((fa_accuracy)m), mode) == 0)
                    return fa_level_table((fa_level)l, (fa_accuracy)m);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s LEVEL MODE [STRIDE [THREADS]]\n", argv[0]);
        return 2;
    }
    const fa_activation *table = find_table(argv[1], argv[2]);
    const uint64_t stride = argc > 3 ? strtoull(argv[3], NULL, 10) : 1;
    const int nthreads = argc > 4 ? atoi(argv[4]) : 2;
    if (!table || stride < 1 || nthreads < 1 || nthreads > 64) {
        fprintf(stderr, "sweep_softplus: level %s / mode %s not available, or bad arguments\n",
                argv[1], argv[2]);
        return 2;
    }
    const fa_activation *row[NFN] = {NULL, NULL};
    for (int i = 0; i < fa_num_activations(); i++)
        for (int f = 0; f < NFN; f++)
            if (strcmp(table[i].name, fn_names[f]) == 0)
                row[f] = &table[i];
    if (!row[0] || !row[1]) {
        fprintf(stderr, "sweep_softplus: softplus / log_sigmoid not in the table\n");
        return 2;
    }
    const uint64_t total = ((1ull << 32) + stride - 1) / stride;
    job_t jobs[64];
    pthread_t tid[64];
    const uint64_t per = (total + (uint64_t)nthreads - 1) / (uint64_t)nthreads;
    for (int j = 0; j < nthreads; j++) {
        memset(&jobs[j], 0, sizeof jobs[j]);
        memcpy(jobs[j].row, row, sizeof row);
        jobs[j].stride = stride;
        jobs[j].first = (uint64_t)j * per * stride;
        const uint64_t left = total > (uint64_t)j * per ? total - (uint64_t)j * per : 0;
        jobs[j].count = left < per ? left : per;
        pthread_create(&tid[j], NULL, run, &jobs[j]);
    }
    long bad = 0;
    double ulp[NFN][NOUT] = {{0}};
    float at[NFN][NOUT] = {{0}};
    for (int j = 0; j < nthreads; j++) {
        pthread_join(tid[j], NULL);
        bad += jobs[j].bad;
        for (int f = 0; f < NFN; f++)
            for (int o = 0; o < NOUT; o++)
                if (jobs[j].ulp[f][o] > ulp[f][o]) {
                    ulp[f][o] = jobs[j].ulp[f][o];
                    at[f][o] = jobs[j].at[f][o];
                }
    }
    printf("float32 %s/%s, %llu inputs (stride %llu)\n", argv[1], argv[2],
           (unsigned long long)total, (unsigned long long)stride);
    for (int f = 0; f < NFN; f++)
        for (int o = 0; o < NOUT; o++)
            printf("  %-12s %-10s max %.3f ULP at %.9g\n", fn_names[f], out_names[o], ulp[f][o],
                   (double)at[f][o]);
    if (bad)
        printf("  %ld NaN/finiteness failures\n", bad);
    return bad != 0;
}
