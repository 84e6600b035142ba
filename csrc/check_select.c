/* check_select.c - proves the select forms of act_select.h equal the act/relu.h
 * definitions bit for bit: every float32 input, and 10^8 float64 bit patterns
 * plus the special values, for several at_zero values.  Not part of the build:
 *   gcc -O2 -Icsrc csrc/check_select.c -o /tmp/check_select && /tmp/check_select */
#include <stdio.h>
#include <string.h>
#include <math.h>
#include "fa_config.h"

#define FA_T float
#define FA_FN(name) FA_CAT(name, _f32)
#define FA_C(x) x##f
#include "act/relu.h"
#include "act_select.h"
#undef FA_T
#undef FA_FN
#undef FA_C
#define FA_T double
#define FA_FN(name) FA_CAT(name, _f64)
#define FA_C(x) x
#include "act/relu.h"
#include "act_select.h"

static unsigned long long bad;

#define CHECK(S, T, z, k)                                                   \
    do {                                                                       \
        T a0, d0, a1, d1;                                                      \
        fa_relu_fwd_##S(z, 0, k, &a0, &d0);                                    \
        fa_relu_fwd_sel_##S(z, 0, k, &a1, &d1);                                \
        if (memcmp(&a0, &a1, sizeof a0) || memcmp(&d0, &d1, sizeof d0))       \
            bad++;                                                             \
    } while (0)

int main(void)
{
    const float k32[] = {0.0f, 0.5f, 1.0f, -0.0f, NAN};
    const double k64[] = {0.0, 0.5, 1.0, -0.0, NAN};
    unsigned long long count = 0;
    for (int j = 0; j < 5; j++) {
        uint32_t u = 0;
        do {
            float z;
            memcpy(&z, &u, 4);
            CHECK(f32, float, z, k32[j]);
            count++;
        } while (++u != 0);
        uint64_t s = 0x9E3779B97F4A7C15ull;
        for (long i = 0; i < 20000000; i++) {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17; /* xorshift64 */
            double z;
            memcpy(&z, &s, 8);
            CHECK(f64, double, z, k64[j]);
            count++;
        }
        const double sp[] = {0.0, -0.0, INFINITY, -INFINITY, NAN, -NAN, 1e-320, -1e-320};
        for (unsigned i = 0; i < sizeof sp / sizeof sp[0]; i++)
            CHECK(f64, double, sp[i], k64[j]);
    }
    printf("checked %llu inputs, %llu mismatches\n", count, bad);
    return bad != 0;
}
