/* dispatch.c - which kernel table the ufuncs use.
 *
 * The extension is built for baseline x86-64 (or whatever the target's baseline
 * is); setup.py adds AVX2 and AVX-512 builds of kernels.c on x86-64 and defines
 * FA_COMPILED_AVX2 / FA_COMPILED_AVX512 for them.  At import the best level the
 * CPU (and OS) supports is chosen; fa_set_level lets tests and benchmarks force
 * another one (FASTACT_SIMD in Python).
 */
#include "fastact.h"

#if defined(_MSC_VER) && !defined(__clang__) && defined(_M_X64)
#  include <intrin.h>
#  define FA_MSVC_CPUID 1
#endif

extern const fa_activation *const fa_tables_baseline[FA_NACC];
#ifdef FA_COMPILED_AVX2
extern const fa_activation *const fa_tables_avx2[FA_NACC];
#endif
#ifdef FA_COMPILED_AVX512
extern const fa_activation *const fa_tables_avx512[FA_NACC];
#endif

static const char *const level_names[FA_NLEVELS] = {"baseline", "avx2", "avx512"};
static const char *const accuracy_names[FA_NACC] = {"default", "high"};

static const char *const op_suffixes[FA_NOPS] = {
    "", "_derivative", "_derivative_from_a", "_and_derivative", "_backward", "_backward_from_a",
};

int fa_op_nin(fa_op op) { return op >= FA_OP_BACKWARD ? 2 : 1; }
int fa_op_nout(fa_op op) { return op == FA_OP_AND_DERIVATIVE ? 2 : 1; }
const char *fa_op_suffix(fa_op op) { return (unsigned)op < FA_NOPS ? op_suffixes[op] : NULL; }

/* Counted from the table itself, so activations.def stays the only list. */
#define FA_ACTIVATION(name, high, pv, pd, pa) +1
int fa_num_activations(void) { return 0
#include "activations.def"
    ;
}
#undef FA_ACTIVATION

const char *fa_level_name(fa_level level)
{
    return (unsigned)level < FA_NLEVELS ? level_names[level] : NULL;
}

const char *fa_accuracy_name(fa_accuracy acc)
{
    return (unsigned)acc < FA_NACC ? accuracy_names[acc] : NULL;
}

static const fa_activation *const *compiled_tables(fa_level level)
{
    switch (level) {
    case FA_LEVEL_BASELINE: return fa_tables_baseline;
#ifdef FA_COMPILED_AVX2
    case FA_LEVEL_AVX2: return fa_tables_avx2;
#endif
#ifdef FA_COMPILED_AVX512
    case FA_LEVEL_AVX512: return fa_tables_avx512;
#endif
    default: return NULL;
    }
}

int fa_level_compiled(fa_level level) { return compiled_tables(level) != NULL; }

#ifdef FA_MSVC_CPUID
/* MSVC has no __builtin_cpu_supports: read CPUID, and XCR0 for whether the OS saves
 * the YMM (bits 1-2) and opmask/ZMM (bits 5-7) state.  Not compiled or tested by this
 * project's CI (no MSVC); it follows Intel's SDM vol. 1 ch. 14-15 detection recipe. */
static int msvc_cpu_has(int need_avx512)
{
    int r1[4], r7[4];
    __cpuid(r1, 1);
    const unsigned ecx1 = (unsigned)r1[2];
    const unsigned osxsave_avx_fma = (1u << 27) | (1u << 28) | (1u << 12);
    if ((ecx1 & osxsave_avx_fma) != osxsave_avx_fma)
        return 0;
    const unsigned long long xcr0 = _xgetbv(0);
    __cpuidex(r7, 7, 0);
    const unsigned ebx7 = (unsigned)r7[1];
    if ((xcr0 & 0x6) != 0x6 || !(ebx7 & (1u << 5)))
        return 0; /* YMM state, AVX2 */
    if (!need_avx512)
        return 1;
    const unsigned f_dq_bw_vl = (1u << 16) | (1u << 17) | (1u << 30) | (1u << 31);
    return (xcr0 & 0xe0) == 0xe0 && (ebx7 & f_dq_bw_vl) == f_dq_bw_vl;
}
#endif

static int cpu_runs(fa_level level)
{
    switch (level) {
    case FA_LEVEL_BASELINE: return 1;
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
    /* __builtin_cpu_supports also checks that the OS saves the wide registers. */
    case FA_LEVEL_AVX2:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case FA_LEVEL_AVX512:
        __builtin_cpu_init();
        return cpu_runs(FA_LEVEL_AVX2) && __builtin_cpu_supports("avx512f") &&
               __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
               __builtin_cpu_supports("avx512bw");
#elif defined(FA_MSVC_CPUID)
    case FA_LEVEL_AVX2: return msvc_cpu_has(0);
    case FA_LEVEL_AVX512: return msvc_cpu_has(1);
#endif
    default: return 0;
    }
}

int fa_level_supported(fa_level level) { return fa_level_compiled(level) && cpu_runs(level); }

fa_level fa_best_level(void)
{
    for (int l = FA_NLEVELS - 1; l > 0; l--)
        if (fa_level_supported((fa_level)l))
            return (fa_level)l;
    return FA_LEVEL_BASELINE;
}

const fa_activation *fa_level_table(fa_level level, fa_accuracy acc)
{
    if ((unsigned)acc >= FA_NACC || !fa_level_supported(level))
        return NULL;
    return compiled_tables(level)[acc];
}

/* Set once at import (before any ufunc runs) and by tests; plain stores, read
 * once per ufunc inner-loop call. */
static fa_level active_level = FA_LEVEL_BASELINE;
static const fa_activation *const *active_tables = fa_tables_baseline;
static fa_accuracy default_accuracy = FA_ACC_DEFAULT;
static FA_THREAD_LOCAL int thread_accuracy = -1;

fa_level fa_get_level(void) { return active_level; }

int fa_set_level(fa_level level)
{
    if (!fa_level_supported(level))
        return -1;
    active_level = level;
    active_tables = compiled_tables(level);
    return 0;
}

fa_accuracy fa_get_accuracy(void)
{
    return thread_accuracy >= 0 ? (fa_accuracy)thread_accuracy : default_accuracy;
}

int fa_set_accuracy(int acc)
{
    if (acc < 0 || acc >= FA_NACC)
        return -1;
    default_accuracy = (fa_accuracy)acc;
    return 0;
}

int fa_get_thread_accuracy(void) { return thread_accuracy; }

int fa_set_thread_accuracy(int acc)
{
    if (acc < -1 || acc >= FA_NACC)
        return -1;
    thread_accuracy = acc;
    return 0;
}

const fa_activation *fa_active_table(void) { return active_tables[fa_get_accuracy()]; }

const char *fa_compiler(void)
{
#if defined(__clang__)
    return "clang " __clang_version__;
#elif defined(__GNUC__)
    return "gcc " __VERSION__;
#elif defined(_MSC_VER)
    return "msvc";
#else
    return "unknown";
#endif
}
