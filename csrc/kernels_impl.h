/* kernels_impl.h - the six loops of every activation for one float type.
 * Included by kernels.c with FA_T / FA_FN / FA_C / FA_FMA / FA_FABS / FA_COPYSIGN
 * defined.  Each loop calls the activation's fused scalar definition; whatever
 * output a loop does not store is dead code the compiler removes. */
#include "fa_math_impl.h"
#include "act/sigmoid.h"
#include "act/tanh.h"
#include "act/relu.h"
#include "act/leaky_relu.h"

#define FA_LOOP(name, op) static void FA_FN(FA_CAT(FA_CAT(fa_, name), FA_CAT(_, op)))

/* Elements before p reaches a 64-byte boundary (at most n).  NumPy's large
 * arrays start 16 bytes past a page boundary (malloc's header), so without this
 * every 512-bit store of the AVX-512 loops straddles two cache lines; the
 * memory-bound loops (relu, leaky_relu) then ran at ~57% of copy bandwidth at
 * AVX-512 against ~95% at AVX2.  The first elements of the first output are
 * done separately, so that the main loop stores to aligned lines (a second
 * output allocated alike is aligned too).  Results do not depend on it: every
 * element goes through the same scalar definition. */
FA_INLINE fa_size FA_FN(fa_head)(const void *p, fa_size n)
{
    const fa_size h = (fa_size)(((uintptr_t)0 - (uintptr_t)p) % 64u / sizeof(FA_T));
    return h < n ? h : n;
}

/* for (i = 0; i < n; i++) BODY, split at the alignment point of p. */
#define FA_FOR_ALIGNED(i, n, p, ...)                                                         \
    const fa_size fa_head_ = FA_FN(fa_head)(p, n);                                            \
    for (fa_size i = 0; i < fa_head_; i++) { __VA_ARGS__ }                                    \
    for (fa_size i = fa_head_; i < n; i++) { __VA_ARGS__ }

/* The shapes of the loops' arguments: one input / two inputs, one / two outputs. */
#define FA_ARGS_11 (fa_size n, const FA_T *FA_RESTRICT x, FA_T *FA_RESTRICT y, const fa_params *p)
#define FA_ARGS_12 (fa_size n, const FA_T *FA_RESTRICT x, FA_T *FA_RESTRICT y, \
                    FA_T *FA_RESTRICT y1, const fa_params *p)
#define FA_ARGS_21 (fa_size n, const FA_T *FA_RESTRICT g, const FA_T *FA_RESTRICT x, \
                    FA_T *FA_RESTRICT y, const fa_params *p)

/* One loop: the parameters in FA_T, then the body for every i, with y aligned. */
#define FA_KERNEL(name, op, args, ...)                                                        \
FA_LOOP(name, op) args                                                                        \
{                                                                                             \
    const FA_T alpha = (FA_T)p->alpha, k = (FA_T)p->at_zero;                                  \
    (void)alpha; (void)k;                                                                     \
    FA_FOR_ALIGNED(i, n, y, __VA_ARGS__)                                                      \
}

/* a, d: the fused value and derivative at x[i]; da: the derivative from a = x[i]. */
#define FA_FWD(name) FA_T a, d; FA_FN(FA_CAT(FA_CAT(fa_, name), _fwd))(x[i], alpha, k, &a, &d)
#define FA_FROM_A(name) const FA_T da = FA_FN(FA_CAT(FA_CAT(fa_, name), _from_a))(x[i], alpha, k)

#define FA_ACTIVATION(name, pv, pd, pa)                                                        \
    FA_KERNEL(name, value, FA_ARGS_11, FA_FWD(name); y[i] = a;)                                \
    FA_KERNEL(name, derivative, FA_ARGS_11, FA_FWD(name); y[i] = d;)                           \
    FA_KERNEL(name, derivative_from_a, FA_ARGS_11, FA_FROM_A(name); y[i] = da;)                \
    FA_KERNEL(name, and_derivative, FA_ARGS_12, FA_FWD(name); y[i] = a; y1[i] = d;)            \
    FA_KERNEL(name, backward, FA_ARGS_21, FA_FWD(name); y[i] = g[i] * d;)                      \
    FA_KERNEL(name, backward_from_a, FA_ARGS_21, FA_FROM_A(name); y[i] = g[i] * da;)

#include "activations.def"
#undef FA_ACTIVATION
#undef FA_LOOP
#undef FA_FOR_ALIGNED
#undef FA_KERNEL
#undef FA_FWD
#undef FA_FROM_A
#undef FA_ARGS_11
#undef FA_ARGS_12
#undef FA_ARGS_21
