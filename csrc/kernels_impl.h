/* kernels_impl.h - the six loops of every activation for one float type.
 * Included by kernels.c with FA_T / FA_S / FA_FN / FA_C / FV / FA_V defined.  Each
 * loop calls the activation's fused vector definition (act/NAME.h); whatever
 * output a loop does not store is dead code the compiler removes, so the fused
 * and the separate functions compute every value with the same operations. */
#include "fa_math_impl.h"
#include "act/all.h"

#define FA_LANES FA_CAT(FV_LANES_, FA_S)

#define FA_LOOP(name, op) static void FA_FN(FA_CAT(FA_CAT(fa_, name), FA_CAT(_, op)))

/* Elements before p reaches a vector-size boundary (fewer than a vector, at most
 * n).  NumPy's large arrays start 16 bytes past a page boundary (malloc's
 * header), so without this every 512-bit store of the AVX-512 loops straddles two
 * cache lines; the memory-bound loops (relu, leaky_relu) then ran at ~57% of copy
 * bandwidth against ~95% at AVX2.  The first elements of the first output are
 * done as a partial vector, so that the main loop stores to aligned vectors (a
 * second output allocated alike is aligned too).  Results do not depend on it:
 * every lane does the same operations. */
FA_INLINE fa_size FA_FN(fa_head)(const void *p, fa_size n)
{
    const fa_size bytes = (fa_size)sizeof(FA_V);
    const fa_size h = (fa_size)(((uintptr_t)0 - (uintptr_t)p) % (uintptr_t)bytes) /
                      (fa_size)sizeof(FA_T);
    return h < n ? h : n;
}

/* The loops' arguments: one input / two inputs, one / two outputs. */
#define FA_ARGS_11 (fa_size n, const FA_T *FA_RESTRICT x, FA_T *FA_RESTRICT y, const fa_params *p)
#define FA_ARGS_12 (fa_size n, const FA_T *FA_RESTRICT x, FA_T *FA_RESTRICT y, \
                    FA_T *FA_RESTRICT y1, const fa_params *p)
#define FA_ARGS_21 (fa_size n, const FA_T *FA_RESTRICT g, const FA_T *FA_RESTRICT x, \
                    FA_T *FA_RESTRICT y, const fa_params *p)

/* Loading and storing the operands of elements i..i+m-1 of one shape; a partial
 * vector (m < FA_LANES) goes through zero-filled stack copies, so the maths
 * never sees a short vector and nothing past the arrays is touched.  The body
 * reads xv (and gv) and sets yv (and y1v). */
#define FA_IN(vec, ptr, i, m, buf)                                                            \
    FA_T buf[FA_LANES] = {0};                                                                 \
    if ((m) < FA_LANES) memcpy(buf, (ptr) + (i), (size_t)(m) * sizeof(FA_T));                 \
    const FA_V vec = FV(load)((m) < FA_LANES ? buf : (ptr) + (i));
#define FA_OUT(vec, ptr, i, m, buf, st)                                                       \
    if ((m) < FA_LANES) {                                                                     \
        FA_T buf[FA_LANES];                                                                   \
        FV(store)(buf, vec);                                                                  \
        memcpy((ptr) + (i), buf, (size_t)(m) * sizeof(FA_T));                                 \
    } else {                                                                                  \
        FV(st)((ptr) + (i), vec);                                                             \
    }
/* st: how whole vectors are stored, store or stream (non-temporal, aligned). */
#define FA_STEP_11(i, m, st, ...)                                                             \
    { FA_IN(xv, x, i, m, bx) FA_V yv; __VA_ARGS__ FA_OUT(yv, y, i, m, by, st) }
#define FA_STEP_12(i, m, st, ...)                                                             \
    { FA_IN(xv, x, i, m, bx) FA_V yv, y1v; __VA_ARGS__                                        \
      FA_OUT(yv, y, i, m, by, st) FA_OUT(y1v, y1, i, m, by1, st) }
#define FA_STEP_21(i, m, st, ...)                                                             \
    { FA_IN(gv, g, i, m, bg) FA_IN(xv, x, i, m, bx) FA_V yv; __VA_ARGS__                      \
      FA_OUT(yv, y, i, m, by, st) }

/* The whole vectors from i on, two at a time. */
#define FA_WHOLE(shape, st, ...)                                                              \
    for (; i + 2 * FA_LANES <= n; i += 2 * FA_LANES) {                                         \
        FA_STEP_##shape(i, FA_LANES, st, __VA_ARGS__)                                         \
        FA_STEP_##shape(i + FA_LANES, FA_LANES, st, __VA_ARGS__)                              \
    }                                                                                         \
    for (; i + FA_LANES <= n; i += FA_LANES) FA_STEP_##shape(i, FA_LANES, st, __VA_ARGS__)

/* Whether every output is vector-aligned at element i (the non-temporal stores
 * need it; y is, after the head, unless it is not even element-aligned). */
#define FA_ALIGNED(ptr, i) (((uintptr_t)((ptr) + (i)) % (uintptr_t)sizeof(FA_V)) == 0)
#define FA_ALIGNED_11(i) FA_ALIGNED(y, i)
#define FA_ALIGNED_12(i) (FA_ALIGNED(y, i) && FA_ALIGNED(y1, i))
#define FA_ALIGNED_21(i) FA_ALIGNED(y, i)

/* The whole vectors of a row with streams = 0, and of one with streams = 1: there,
 * when the call asks for it (p->stream: too large for the cache), non-temporal
 * stores, which write a line without reading it into the cache first (a plain
 * store's read-for-ownership: a third of a memory-bound loop's traffic).  The
 * fence orders them before whatever the caller (or a pool worker's caller)
 * stores or reads next. */
#define FA_WHOLE_0(shape, ...) FA_WHOLE(shape, store, __VA_ARGS__)
/* loop(shape, st, ...) with st = stream where the call asks for it and the stored
 * vectors are aligned, then the fence; else with plain stores */
#if FV_HAS_STREAM
#  define FA_STREAMED(aligned, loop, shape, ...)                                              \
    if (p->stream && (aligned)) {                                                             \
        loop(shape, stream, __VA_ARGS__)                                                      \
        fv_stream_fence();                                                                    \
    } else {                                                                                  \
        loop(shape, store, __VA_ARGS__)                                                       \
    }
#else
#  define FA_STREAMED(aligned, loop, shape, ...) loop(shape, store, __VA_ARGS__)
#endif
#define FA_WHOLE_1(shape, ...) FA_WHOLE_1_##shape(__VA_ARGS__)
#define FA_WHOLE_1_11(...) FA_STREAMED(FA_ALIGNED_11(i), FA_WHOLE, 11, __VA_ARGS__)
#define FA_WHOLE_1_21(...) FA_STREAMED(FA_ALIGNED_21(i), FA_WHOLE, 21, __VA_ARGS__)

/* A memory-bound row's two outputs when the second is not vector-aligned where
 * the first is.  That is the usual case, not a corner: two arrays from malloc's
 * heap (NumPy's out= arrays, or the ufunc's own outputs, once glibc serves
 * blocks of megabytes from the heap) lie 16 bytes apart modulo 64, so every
 * 512-bit store to the second straddles two cache lines, and relu's fused loop
 * at 10^6 float32 elements took 0.50 ns per element against 0.41 with the
 * outputs aligned alike (Intel Xeon, avx512).  Here the second output is stored
 * to aligned addresses: y1 + i is k lanes past a vector boundary, and the
 * aligned vector that ends k lanes into this step's derivative holds the
 * previous step's last k lanes and this one's first L - k (fv_join, a shuffle).
 * The first vector is stored unaligned, and the last one again at the end (the
 * same values), to cover both ends.  The values are those of every other path:
 * only the stores differ.  A y1 that is not even element-aligned keeps the
 * plain loop.  (shape is always 12: FA_STREAMED's loops take it.) */
#define FA_JOINED(shape, st, ...)                                                              \
    {                                                                                         \
        const unsigned k = (unsigned)(((uintptr_t)(y1 + i) % (uintptr_t)sizeof(FA_V)) /       \
                                      (uintptr_t)sizeof(FA_T));                               \
        const FV(jctl) ctl = FV(join_ctl)(k);                                                 \
        FA_V prev;                                                                            \
        {                                                                                     \
            const FA_V xv = FV(load)(x + i);                                                  \
            FA_V yv, y1v;                                                                     \
            __VA_ARGS__                                                                       \
            FV(st)(y + i, yv);                                                                \
            FV(store)(y1 + i, y1v);                                                           \
            prev = y1v;                                                                       \
        }                                                                                     \
        for (i += FA_LANES; i + 2 * FA_LANES <= n; i += 2 * FA_LANES) {                        \
            FA_STEP_JOINED(i, st, __VA_ARGS__)                                                \
            FA_STEP_JOINED(i + FA_LANES, st, __VA_ARGS__)                                     \
        }                                                                                     \
        for (; i + FA_LANES <= n; i += FA_LANES) FA_STEP_JOINED(i, st, __VA_ARGS__)            \
        FV(store)(y1 + i - FA_LANES, prev);                                                   \
    }
/* one whole vector at i of the loop above: the first output stored where it is,
 * the second realigned */
#define FA_STEP_JOINED(i, st, ...)                                                            \
    {                                                                                         \
        const FA_V xv = FV(load)(x + (i));                                                    \
        FA_V yv, y1v;                                                                         \
        __VA_ARGS__                                                                           \
        FV(st)(y + (i), yv);                                                                  \
        FV(st)(y1 + (i) - k, FV(join)(prev, y1v, ctl));                                       \
        prev = y1v;                                                                           \
    }
#define FA_WHOLE_1_12(...)                                                                    \
    if (FA_LANES > 1 && n - i >= 2 * FA_LANES && !FA_ALIGNED(y1, i) &&                        \
        (uintptr_t)y1 % (uintptr_t)sizeof(FA_T) == 0) {                                       \
        FA_STREAMED(FA_ALIGNED(y, i), FA_JOINED, 12, __VA_ARGS__)                             \
    } else {                                                                                  \
        FA_STREAMED(FA_ALIGNED_12(i), FA_WHOLE, 12, __VA_ARGS__)                              \
    }

/* One loop: the parameters broadcast, a partial head up to y's alignment, whole
 * vectors, a partial tail. */
#define FA_KERNEL(name, op, shape, streams, ...)                                              \
FA_LOOP(name, op) FA_ARGS_##shape                                                             \
{                                                                                             \
    const FA_V P[FA_MAX_PARAMS] = {FA_SET((FA_T)p->v[0]), FA_SET((FA_T)p->v[1]),              \
                                   FA_SET((FA_T)p->v[2]), FA_SET((FA_T)p->v[3])};             \
    (void)P;                                                                                  \
    const fa_size head = FA_FN(fa_head)(y, n);                                                \
    if (head) FA_STEP_##shape(0, head, store, __VA_ARGS__)                                    \
    fa_size i = head;                                                                         \
    FA_WHOLE_##streams(shape, __VA_ARGS__)                                                    \
    if (i < n) FA_STEP_##shape(i, n - i, store, __VA_ARGS__)                                  \
}

/* av, dv: the fused value and derivative at xv (fwd: the fused definition); dav:
 * the derivative from a = xv (from_a: its definition). */
#define FA_FWD(fwd) FA_V av, dv; FA_FN(fwd)(xv, P, &av, &dv)
#define FA_FROM_A(from_a) const FA_V dav = FA_FN(from_a)(xv, P)

/* The loops fa_<kname>_<op> from one fused definition, and (from_a = 1: g' is a
 * function of a) the two from-a loops from the from-a definition. */
#define FA_KERNELS_FROM_A_0(kname, from_a, st)
#define FA_KERNELS_FROM_A_1(kname, from_a, st)                                                 \
    FA_KERNEL(kname, derivative_from_a, 11, st, FA_FROM_A(from_a); yv = dav;)                  \
    FA_KERNEL(kname, backward_from_a, 21, st, FA_FROM_A(from_a); yv = FV(mul)(gv, dav);)
#define FA_KERNELS(kname, fwd, from_a, has_from_a, st)                                         \
    FA_KERNEL(kname, value, 11, st, FA_FWD(fwd); yv = av; (void)dv;)                           \
    FA_KERNEL(kname, derivative, 11, st, FA_FWD(fwd); yv = dv; (void)av;)                      \
    FA_KERNEL(kname, and_derivative, 12, st, FA_FWD(fwd); yv = av; y1v = dv;)                  \
    FA_KERNEL(kname, backward, 21, st, FA_FWD(fwd); yv = FV(mul)(gv, dv); (void)av;)           \
    FA_KERNELS_FROM_A_##has_from_a(kname, from_a, st)

/* Every activation's loops, and with high = 1 a second set fa_<name>_high_<op> from
 * its <= 1 ULP definition (the from-a definition is shared: it is already exact).
 * Where the vocabulary has no cheap table lookup (the scalar header: x86-64's
 * baseline SSE2 code emulated it with selects, and ran the default kernels at 2x
 * the instructions of the high ones) the default mode takes the high definitions
 * too, and both modes share one set of loops (kernels.c). */
#define FA_DEFAULT_FWD_0(name) fa_##name##_fwd
#define FA_KERNELS_HIGH_0(name, fa, st)
#if FV_LUT4_CHEAP
#  define FA_DEFAULT_FWD_1(name) fa_##name##_fwd
#  define FA_KERNELS_HIGH_1(name, fa, st) \
    FA_KERNELS(name##_high, fa_##name##_fwd_high, fa_##name##_from_a, fa, st)
#else
#  define FA_DEFAULT_FWD_1(name) fa_##name##_fwd_high
#  define FA_KERNELS_HIGH_1(name, fa, st)
#endif
#define FA_ACTIVATION(name, high, from_a, st, p0, p1, p2, p3, p4, p5)                         \
    FA_KERNELS(name, FA_DEFAULT_FWD_##high(name), fa_##name##_from_a, from_a, st)              \
    FA_KERNELS_HIGH_##high(name, from_a, st)

#include "activations.def"
#undef FA_ACTIVATION
#undef FA_LANES
#undef FA_LOOP
#undef FA_ARGS_11
#undef FA_ARGS_12
#undef FA_ARGS_21
#undef FA_IN
#undef FA_OUT
#undef FA_STEP_11
#undef FA_STEP_12
#undef FA_STEP_21
#undef FA_KERNEL
#undef FA_WHOLE
#undef FA_WHOLE_0
#undef FA_WHOLE_1
#undef FA_WHOLE_1_11
#undef FA_WHOLE_1_12
#undef FA_WHOLE_1_21
#undef FA_STREAMED
#undef FA_JOINED
#undef FA_STEP_JOINED
#undef FA_ALIGNED
#undef FA_ALIGNED_11
#undef FA_ALIGNED_12
#undef FA_ALIGNED_21
#undef FA_FWD
#undef FA_FROM_A
#undef FA_KERNELS
#undef FA_KERNELS_FROM_A_0
#undef FA_KERNELS_FROM_A_1
#undef FA_KERNELS_HIGH_0
#undef FA_KERNELS_HIGH_1
#undef FA_DEFAULT_FWD_0
#undef FA_DEFAULT_FWD_1
#undef FA_EXP_MIN_ARG
