/* dispatch.c - which kernel table the ufuncs use.
 *
 * levels.def lists the SIMD levels.  The extension is built for the target's
 * baseline; setup.py adds a build of kernels.c per further level of the target
 * with that row's flags and defines FA_COMPILED_<name>=1 for each.  At import the
 * best level the CPU (and OS) supports is chosen; fa_set_level lets tests and
 * benchmarks force another one (FASTACT_SIMD in Python).
 */
#include <string.h>
#include "fastact.h"

#if defined(_MSC_VER) && !defined(__clang__) && defined(_M_X64)
#  include <intrin.h>
#  define FA_MSVC_CPUID 1
#endif

/* FA_IS_1(M): 1 where the macro M is defined as 1, else 0 (undefined too): an
 * #ifdef for a name made by ## inside a row macro (the Linux kernel's IS_ENABLED).
 * FA_EXPAND makes MSVC's traditional preprocessor split the probe at its comma. */
#define FA_PROBE_1 ~, 1
#define FA_SECOND(a, b, ...) b
#define FA_EXPAND(x) x
#define FA_IS_1(m) FA_IS_1_(FA_CAT(FA_PROBE_, m))
#define FA_IS_1_(probe) FA_EXPAND(FA_SECOND(probe, 0, ~))
#define FA_IF(c) FA_CAT(FA_IF_, c)
#define FA_IF_1(yes, no) yes
#define FA_IF_0(yes, no) no

/* kernels.c built with FA_LEVEL=name defines fa_tables_<name>; the baseline's is
 * always in the build, the others where the build says FA_COMPILED_<name>=1. */
#define FA_COMPILED_baseline 1
#define FA_SIMD_LEVEL(name, ...) extern const fa_activation *const fa_tables_##name[FA_NACC];
#include "levels.def"
#undef FA_SIMD_LEVEL

typedef struct {
    fa_level_info info;
    const fa_activation *const *tables;   /* per accuracy mode; NULL: not in this build */
} level_row;

#define FA_SIMD_LEVEL(name, arch, has_fma, cflags, msvc_flags, cpu_features)              \
    {{#name, #arch, (has_fma), cflags, msvc_flags, cpu_features},                          \
     FA_IF(FA_IS_1(FA_COMPILED_##name))(fa_tables_##name, NULL)},
static const level_row levels[FA_NLEVELS] = {
#include "levels.def"
};
#undef FA_SIMD_LEVEL

static const char *const accuracy_names[FA_NACC] = {"default", "high"};

static const char *const op_suffixes[FA_NOPS] = {
    "", "_derivative", "_derivative_from_a", "_and_derivative", "_backward", "_backward_from_a",
};

int fa_op_nin(fa_op op) { return op >= FA_OP_BACKWARD ? 2 : 1; }
int fa_op_nout(fa_op op) { return op == FA_OP_AND_DERIVATIVE ? 2 : 1; }
const char *fa_op_suffix(fa_op op) { return (unsigned)op < FA_NOPS ? op_suffixes[op] : NULL; }

/* Counted from the table itself, so activations.def stays the only list. */
#define FA_ACTIVATION(name, ...) +1
int fa_num_activations(void) { return 0
#include "activations.def"
    ;
}
#undef FA_ACTIVATION

const fa_level_info *fa_level_describe(fa_level level)
{
    return (unsigned)level < FA_NLEVELS ? &levels[level].info : NULL;
}

const char *fa_level_name(fa_level level)
{
    return (unsigned)level < FA_NLEVELS ? levels[level].info.name : NULL;
}

const char *fa_accuracy_name(fa_accuracy acc)
{
    return (unsigned)acc < FA_NACC ? accuracy_names[acc] : NULL;
}

static const fa_activation *const *compiled_tables(fa_level level)
{
    return (unsigned)level < FA_NLEVELS ? levels[level].tables : NULL;
}

int fa_level_compiled(fa_level level) { return compiled_tables(level) != NULL; }

/* The CPU features levels.def may name (x86-64): the CPUID leaf, register (0 EAX
 * .. 3 EDX) and bit that report it, and the XCR0 state components the OS must save
 * for its registers (0x6: SSE and AVX, the YMM state; 0xe6: also opmask and ZMM). */
#define FA_X86_FEATURES(X)        \
    X(fma, 1, 2, 12, 0x6)         \
    X(avx2, 7, 1, 5, 0x6)         \
    X(avx512f, 7, 1, 16, 0xe6)    \
    X(avx512dq, 7, 1, 17, 0xe6)   \
    X(avx512bw, 7, 1, 30, 0xe6)   \
    X(avx512vl, 7, 1, 31, 0xe6)

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
/* __builtin_cpu_supports also checks that the OS saves the wide registers; it
 * takes a string literal only, hence a check per feature. */
#  define FA_CPU_HAS(name, leaf, reg, bit, xcr0) \
    (__builtin_cpu_init(), __builtin_cpu_supports(#name))
#elif defined(FA_MSVC_CPUID)
/* MSVC has no __builtin_cpu_supports: read CPUID, and XCR0 for whether the OS saves
 * the registers.  Not compiled or tested by this project's CI (no MSVC); it follows
 * Intel's SDM vol. 1 ch. 14-15 detection recipe. */
static int msvc_cpu_has(int leaf, int reg, unsigned bit, unsigned xcr0_need)
{
    int r[4];
    __cpuid(r, 1);
    const unsigned osxsave_avx = (1u << 27) | (1u << 28);
    if (((unsigned)r[2] & osxsave_avx) != osxsave_avx || (_xgetbv(0) & xcr0_need) != xcr0_need)
        return 0;
    __cpuidex(r, leaf, 0);
    return ((unsigned)r[reg] >> bit) & 1u;
}
#  define FA_CPU_HAS(name, leaf, reg, bit, xcr0) msvc_cpu_has(leaf, reg, bit, xcr0)
#endif

/* Whether the CPU has the feature word[0..len) names: 0 for a name this build
 * cannot check (a level needing it never runs here). */
static int cpu_has(const char *word, size_t len)
{
#ifdef FA_CPU_HAS
#  define FA_FEATURE_CHECK(name, leaf, reg, bit, xcr0)                          \
    if (len == sizeof #name - 1 && memcmp(word, #name, len) == 0)             \
        return FA_CPU_HAS(name, leaf, reg, bit, xcr0);
    FA_X86_FEATURES(FA_FEATURE_CHECK)
#endif
    (void)word, (void)len;
    return 0;
}

/* Every feature of the level's space-separated list. */
static int cpu_runs(fa_level level)
{
    const char *f = levels[level].info.cpu_features;
    for (;;) {
        f += strspn(f, " ");
        const size_t len = strcspn(f, " ");
        if (len == 0)
            return 1;
        if (!cpu_has(f, len))
            return 0;
        f += len;
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
