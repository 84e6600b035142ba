/* fa_config.h - compiler portability and the floating-point contract of the kernels.
 *
 * Every kernel source is compiled several times, once per instruction-set level
 * (see kernels.c and setup.py).  This header is the only place that looks at what
 * the compiler was told about the target, so the maths headers stay ISA-free.
 */
#ifndef FASTACT_CONFIG_H
#define FASTACT_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#if defined(_MSC_VER) && !defined(__clang__)
#  define FA_INLINE static __forceinline
#  define FA_RESTRICT __restrict
#else
#  define FA_INLINE static inline __attribute__((always_inline))
#  define FA_RESTRICT __restrict__
#endif

/* Element counts and strides: the same width as npy_intp (Py_intptr_t). */
typedef intptr_t fa_size;

/* A hardware fused multiply-add is what makes the error-free residuals in
 * fa_math_impl.h exact.  Without one (baseline x86-64 has none) a*b+c is used:
 * still correct maths, just without the last-bit refinement, so those levels
 * are measured separately in the accuracy report.
 * -ffp-contract=off is set by the build so the compiler never fuses on its
 * own: results must not depend on how an expression happened to be scheduled
 * (fused and separate functions agree bit for bit). */
#if defined(__FMA__) || defined(__ARM_FEATURE_FMA) || defined(__aarch64__)
#  define FA_HAVE_FMA 1
#  define FA_FMAF(a, b, c) __builtin_fmaf((a), (b), (c))
#  define FA_FMAD(a, b, c) __builtin_fma((a), (b), (c))
#else
#  define FA_HAVE_FMA 0
#  define FA_FMAF(a, b, c) ((a) * (b) + (c))
#  define FA_FMAD(a, b, c) ((a) * (b) + (c))
#endif

/* Thread-local storage for the per-thread settings (dispatch.c's accuracy override,
 * pool.c's thread count).  initial-exec: a fixed offset in the static TLS block, so
 * the extension calls no __tls_get_addr and needs nothing from ld-linux.so beyond
 * libc (a manylinux wheel may link libc, libm and libpthread only; a few ints fit
 * the static TLS surplus glibc keeps for dlopen'ed libraries). */
#if defined(_MSC_VER) && !defined(__clang__)
#  define FA_THREAD_LOCAL __declspec(thread)
#elif defined(__GNUC__) && defined(__ELF__)
#  define FA_THREAD_LOCAL _Thread_local __attribute__((tls_model("initial-exec")))
#else
#  define FA_THREAD_LOCAL _Thread_local
#endif

#define FA_CAT2(a, b) a##b
#define FA_CAT(a, b) FA_CAT2(a, b)

#endif
