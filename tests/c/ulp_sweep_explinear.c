/* ulp_sweep_explinear.c - exhaustive float32 ULP sweep of family B's smooth
 * kernels (elu, selu, celu, silu, softsign, tanhshrink: value and derivative
 * from and_derivative, default parameters) and of the gated units' (gelu, its
 * tanh form gelu_tanh, mish), as tests/c/ulp_sweep.c does for
 * sigmoid and tanh, with the same two figures (ulp against the double reference
 * rounded to float32, both roundings near a tie; real against the double value).
 * References: the formulas in double, except where double itself cancels: silu'
 * next to its zero and z - tanh z for |z| < 0.625 are taken in long double
 * (x87, 64-bit mantissa) and, for |z| < 2^-4, from the Taylor series.
 * gelu: z Phi(z) from erfc (never 1 + erf), its derivative Phi + z phi in long
 * double next to its zero (z0 = -0.7518), where double cancels; gelu_tanh and
 * mish in long double.
 *
 * usage: ulp_sweep_explinear LEVEL MODE [STRIDE [THREADS [BOUND [FUNCTIONS]]]]
 * FUNCTIONS: comma-separated names to measure (default: all of them).
 * built and run by `SWEEP=tests/c/ulp_sweep_explinear.c bash tests/c/run_ulp_sweep.sh`; exit status 1 if the bound
 * is exceeded or a NaN check fails, 2 if the level is not available. */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fastact.h"

enum { NFN = 9, NOUT = 2 * NFN, BLOCK = 1 << 14 };
static const char *const fn_names[NFN] = {"elu", "selu", "celu", "silu", "softsign",
                                          "tanhshrink", "gelu", "mish", "gelu_tanh"};
static const double SELU_L = 1.0507009873554804934193349852946;
static const double SELU_LA = 1.0507009873554804934193349852946 * 1.6732632423543772848170429916717;

typedef struct {
    double ulp, real;
    float z_ulp;
    long over1;
} worst_t;

typedef struct {
    const fa_activation *rows[NFN];  /* NULL: not measured */
    uint64_t first, stride, count;
    worst_t w[NOUT];
    long bad;
} job_t;

static double spacing_at(float cr)
{
    const float a = fabsf(cr);
    if (a < 0x1p-126f)
        return 0x1p-149;
    return (double)nextafterf(a, INFINITY) - (double)a;
}

static void measure(float got, double ref, worst_t *w, float z)
{
    const float cr = (float)ref;
    const double sp = spacing_at(cr);
    double u = fabs((double)got - (double)cr) / sp;
    const float other = (double)cr < ref ? nextafterf(cr, INFINITY) : nextafterf(cr, -INFINITY);
    if (fabs(fabs(ref - (double)cr) - fabs(ref - (double)other)) < sp * 0x1p-30) {
        const double u2 = fabs((double)got - (double)other) / spacing_at(other);
        if (u2 > u)
            u = u2;
    }
    if (got == cr)  /* also inf == inf */
        u = 0;
    const double r = got == cr ? 0 : fabs((double)got - ref) / sp;
    if (u > w->ulp) {
        w->ulp = u;
        w->z_ulp = z;
    }
    if (r > w->real)
        w->real = r;
    w->over1 += u > 1.0;
}

/* gelu = z Phi(z), Phi from erfc; gelu' = Phi + z phi, in long double next to
 * its zero, where the two terms cancel (double would lose 10^5 float ULP). */
static void reference_gelu(double x, double *out)
{
    const double phi_ = 0.5 * erfc(-x * 0.70710678118654752440);
    out[0] = isinf(x) ? (x > 0 ? x : -0.0) : x * phi_;
    if (fabs(x + 0.75179152469356446) < 0.3) {
        const long double xl = x;
        const long double p = 0.5L * erfcl(-xl * 0.707106781186547524400844362104849L);
        out[1] = (double)(p + xl * expl(-xl * xl / 2) * 0.398942280401432677939946L);
    } else {
        out[1] = isinf(x) ? (x > 0 ? 1 : -0.0) : phi_ + x * exp(-x * x / 2) * 0.398942280401432678;
    }
}

/* mish = z tanh(softplus(z)) from e = exp(-|z|): tanh(sp) = e(e+2)/(e(e+2)+2)
 * for z <= 0, 1 - 2e^2/((1+e)^2 + e^2) above; mish' = t + z sigma (1 - t^2), in
 * long double next to its zero (z0 = -1.1924). */
static void reference_mish(double x, double *out)
{
    if (isinf(x)) {
        out[0] = x > 0 ? x : -0.0;
        out[1] = x > 0 ? 1 : 0.0;
        return;
    }
    const long double xl = x, e = expl(-fabsl(xl));
    const long double t = x <= 0 ? e * (e + 2) / (e * (e + 2) + 2)
                                 : 1 - 2 * e * e / ((1 + e) * (1 + e) + e * e);
    const long double sig = x <= 0 ? e / (1 + e) : 1 / (1 + e);
    out[0] = (double)(xl * t);
    out[1] = (double)(t + xl * sig * (1 - t) * (1 + t));
}

/* gelu_tanh = z sigma(y), y = 2 sqrt(2/pi) (z + 0.044715 z^3), in long double
 * (y's rounding is magnified by |y| in the tail); the derivative
 * sigma (1 + z (1 - sigma) y') cancels at its zero (z0 = -0.7525). */
static void reference_gelu_tanh(double x, double *out)
{
    if (isinf(x)) {
        out[0] = x > 0 ? x : -0.0;
        out[1] = x > 0 ? 1 : 0.0;
        return;
    }
    const long double xl = x, b2 = 1.59576912160573071175978423973752747L;
    const long double k = 0.044715L, y = b2 * (xl + k * xl * xl * xl);
    const long double e = expl(-fabsl(y));
    const long double s = y > 0 ? 1 / (1 + e) : e / (1 + e), c = y > 0 ? e / (1 + e) : 1 / (1 + e);
    out[0] = (double)(xl * s);
    out[1] = (double)(s * (1 + xl * c * b2 * (1 + 3 * k * xl * xl)));
}

/* the references: out[2k] value, out[2k+1] derivative of fn_names[k] at x */
static void reference(double x, double *out)
{
    const double em = expm1(x < 0 ? x : 0), e = exp(x < 0 ? x : 0);
    out[0] = x > 0 ? x : em;
    out[1] = x > 0 ? 1 : e;
    out[2] = x > 0 ? SELU_L * x : SELU_LA * em;
    out[3] = x > 0 ? SELU_L : SELU_LA * e;
    out[4] = out[0];
    out[5] = out[1];
    /* silu */
    const double m = fabs(x), en = exp(-m);
    const double hi = 1 / (1 + en), lo = en / (1 + en);
    const double s = x > 0 ? hi : lo, c = x > 0 ? lo : hi;
    out[6] = x * s;
    if (fabs(x + 1.2784645427610738) < 0.3) {
        const long double xl = x, sl = 1 / (1 + expl(-xl));
        out[7] = (double)(sl * (1 + xl * (1 - sl)));
    } else {
        out[7] = s * (1 + x * c);
    }
    /* softsign */
    out[8] = x / (1 + m);
    out[9] = 1 / ((1 + m) * (1 + m));
    if (isinf(x)) {
        out[6] = x > 0 ? x : -0.0;
        out[7] = x > 0 ? 1 : -0.0;
        out[8] = x > 0 ? 1 : -1;
    }
    /* tanhshrink */
    if (m < 0x1p-4) {
        const double u = x * x;
        out[10] = x * u * (1.0 / 3 + u * (-2.0 / 15 + u * (17.0 / 315 + u * (-62.0 / 2835 +
                  u * (1382.0 / 155925 + u * (-21844.0 / 6081075))))));
    } else if (m < 0.625) {
        const long double xl = x;
        out[10] = (double)(xl - tanhl(xl));
    } else {
        out[10] = x - tanh(x);
    }
    const double t = tanh(x);
    out[11] = t * t;
    reference_gelu(x, out + 12);
    reference_mish(x, out + 14);
    reference_gelu_tanh(x, out + 16);
}

static void *run(void *arg)
{
    job_t *job = arg;
    fa_params p = {{0.0, 0.0, 0.0, 0.0}};
    float *zz = malloc(sizeof(float) * BLOCK), *aa = malloc(sizeof(float) * BLOCK * NFN),
          *dd = malloc(sizeof(float) * BLOCK * NFN);
    for (uint64_t k = 0; k < job->count; k += BLOCK) {
        const int n = (int)(job->count - k < BLOCK ? job->count - k : BLOCK);
        for (int i = 0; i < n; i++) {
            const uint32_t bits = (uint32_t)(job->first + (k + (uint64_t)i) * job->stride);
            memcpy(&zz[i], &bits, sizeof bits);
        }
        for (int f = 0; f < NFN; f++) {
            if (!job->rows[f])
                continue;
            /* elu and celu: alpha = 1 (P[0]); the others take none */
            p.v[0] = (f == 0 || f == 2) ? 1.0 : 0.0;
            job->rows[f]->f32[FA_OP_AND_DERIVATIVE].k12(n, zz, aa + f * BLOCK, dd + f * BLOCK, &p);
        }
        for (int i = 0; i < n; i++) {
            if (isnan(zz[i])) {
                for (int f = 0; f < NFN; f++)
                    if (job->rows[f])
                        job->bad += !isnan(aa[f * BLOCK + i]) + !isnan(dd[f * BLOCK + i]);
                continue;
            }
            double ref[NOUT];
            reference(zz[i], ref);
            for (int f = 0; f < NFN; f++) {
                if (!job->rows[f])
                    continue;
                measure(aa[f * BLOCK + i], ref[2 * f], &job->w[2 * f], zz[i]);
                measure(dd[f * BLOCK + i], ref[2 * f + 1], &job->w[2 * f + 1], zz[i]);
            }
        }
    }
    free(zz); free(aa); free(dd);
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

/* whether name is an entry of the comma-separated list */
static int listed(const char *list, const char *name)
{
    const size_t n = strlen(name);
    for (const char *p = list; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
        if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == '\0'))
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s LEVEL MODE [STRIDE [THREADS [BOUND [FUNCTIONS]]]]\n", argv[0]);
        return 2;
    }
    const fa_activation *table = find_table(argv[1], argv[2]);
    const uint64_t stride = argc > 3 ? strtoull(argv[3], NULL, 10) : 1;
    const int nthreads = argc > 4 ? atoi(argv[4]) : 2;
    if (!table || stride < 1 || nthreads < 1 || nthreads > 64) {
        fprintf(stderr, "ulp_sweep_explinear: level %s / mode %s not available here\n",
                argv[1], argv[2]);
        return 2;
    }
    const char *only = argc > 6 ? argv[6] : NULL;
    const fa_activation *rows[NFN] = {0};
    for (int r = 0; r < fa_num_activations(); r++)
        for (int f = 0; f < NFN; f++)
            if (strcmp(table[r].name, fn_names[f]) == 0)
                rows[f] = &table[r];
    for (int f = 0; f < NFN; f++)
        if (!rows[f]) {
            fprintf(stderr, "ulp_sweep_explinear: no row %s\n", fn_names[f]);
            return 2;
        }
    for (int f = 0; f < NFN; f++)
        if (only && !listed(only, fn_names[f]))
            rows[f] = NULL;
    const uint64_t total = ((1ull << 32) + stride - 1) / stride;
    static job_t jobs[64];
    pthread_t tid[64];
    const uint64_t per = (total + (uint64_t)nthreads - 1) / (uint64_t)nthreads;
    for (int j = 0; j < nthreads; j++) {
        memset(&jobs[j], 0, sizeof jobs[j]);
        memcpy(jobs[j].rows, rows, sizeof rows);
        jobs[j].stride = stride;
        jobs[j].first = (uint64_t)j * per * stride;
        const uint64_t left = total > (uint64_t)j * per ? total - (uint64_t)j * per : 0;
        jobs[j].count = left < per ? left : per;
        pthread_create(&tid[j], NULL, run, &jobs[j]);
    }
    worst_t w[NOUT];
    memset(w, 0, sizeof w);
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
                                   : 2.0;
    int fail = bad != 0;
    printf("float32 %s/%s, %llu inputs (stride %llu); bound %g ULP\n", argv[1], argv[2],
           (unsigned long long)total, (unsigned long long)stride, bound);
    for (int o = 0; o < NOUT; o++) {
        if (!rows[o / 2])
            continue;
        const int over = w[o].ulp > bound;
        fail |= over;
        printf("  %-10s %-10s max %g ULP at z = %.9g (real error %.3f ULP), %ld results > 1 ULP%s\n",
               fn_names[o / 2], o % 2 ? "derivative" : "value", w[o].ulp, (double)w[o].z_ulp,
               w[o].real, w[o].over1, over ? "  OVER THE BOUND" : "");
    }
    if (bad)
        printf("  %ld NaN failures\n", bad);
    return fail;
}
