/* check_exp_scale.c - fa_exp_scale.h's fa_exp_expm1_neg against fa_math_impl.h's,
 * bit for bit: every float32 x <= 0 (and NaN), and float64 samples (random bit
 * patterns of negative numbers plus a dense sweep of [-800, 0]).  Not part of
 * the build; compile at the FMA level the kernels use:
 *   gcc -O2 -mavx2 -mfma -ffp-contract=off -Icsrc csrc/check_exp_scale.c -o /tmp/cx && /tmp/cx */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fa_config.h"

#define FA_T float
#define FA_IS_F32 1
#define FA_C(x) x##f
#define FA_FMA(a, b, c) FA_FMAF(a, b, c)
#define FA_FN(name) FA_CAT(name, _ref32)
#include "fa_math_impl.h"
#undef FA_FN
#define FA_FN(name) FA_CAT(name, _new32)
#include "fa_exp_scale.h"
#undef FA_FN
#undef FA_T
#undef FA_IS_F32
#undef FA_C
#undef FA_FMA

#define FA_T double
#define FA_IS_F32 0
#define FA_C(x) x
#define FA_FMA(a, b, c) FA_FMAD(a, b, c)
#define FA_FN(name) FA_CAT(name, _ref64)
#include "fa_math_impl.h"
#undef FA_FN
#define FA_FN(name) FA_CAT(name, _new64)
#include "fa_exp_scale.h"

int main(int argc, char **argv)
{
    const long n64 = argc > 1 ? atol(argv[1]) : 100000000L;
    unsigned long long bad = 0, count = 0;
    uint32_t u = 0;
    do {
        float x, e0, m0, e1, m1;
        memcpy(&x, &u, 4);
        if (x > 0)
            continue;
        fa_exp_expm1_neg_ref32(x, &e0, &m0);
        fa_exp_expm1_neg_new32(x, &e1, &m1);
        if (memcmp(&e0, &e1, 4) || memcmp(&m0, &m1, 4)) {
            if (bad++ < 5)
                printf("float x=%a: e %a vs %a, em %a vs %a\n", x, e0, e1, m0, m1);
        }
        count++;
    } while (++u != 0);
    uint64_t s = 0x9E3779B97F4A7C15ull;
    for (long i = 0; i < n64; i++) {
        s ^= s << 13; s ^= s >> 7; s ^= s << 17;
        double x, e0, m0, e1, m1;
        if (i & 1) {
            x = -(double)(s % 800000000ull) * 1e-6;
        } else {
            const uint64_t v = s | 0x8000000000000000ull;
            memcpy(&x, &v, 8);
        }
        fa_exp_expm1_neg_ref64(x, &e0, &m0);
        fa_exp_expm1_neg_new64(x, &e1, &m1);
        if (memcmp(&e0, &e1, 8) || memcmp(&m0, &m1, 8)) {
            if (bad++ < 10)
                printf("double x=%a: e %a vs %a, em %a vs %a\n", x, e0, e1, m0, m1);
        }
        count++;
    }
    printf("checked %llu inputs, %llu mismatches\n", count, bad);
    return bad != 0;
}
