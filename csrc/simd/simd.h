/* simd/simd.h - the vector vocabulary: one set of operation names, one header per ISA.
 *
 * The maths (fa_math_impl.h, act/NAME.h) is written once against these names and
 * compiled once per ISA level; each header below maps the names onto that ISA's
 * intrinsics, in the manner of SLEEF's helperavx2.h / helperpurec_scalar.h and
 * NumPy's src/common/simd/{avx2,avx512,neon}/.  The header is chosen by what the
 * compiler was told about the target (setup.py passes each level's flags), so a
 * translation unit can never use an instruction its level does not have:
 *
 *   scalar.h   one lane; plain C that the auto-vectoriser widens (x86-64 baseline)
 *   avx2.h     __m256 / __m256d, FMA                   (-mavx2 -mfma)
 *   avx512.h   __m512 / __m512d, mask registers         (-mavx512f/dq/vl/bw)
 *   neon.h     float32x4_t / float64x2_t, FMA           (aarch64: ASIMD is baseline)
 *
 * FA_SIMD_SCALAR=1 forces scalar.h on any target (the reference the vector
 * headers are checked against, and a build for CPUs nothing else fits).
 *
 * Every header defines, for S in {f32, f64} (T = float / double):
 *   types      fv_S (vector of T), fv_mS (lane mask), fv_uS (unsigned lanes of T's width)
 *   FV_LANES_S the number of lanes
 *   memory     fv_load_S(const T *p), fv_store_S(T *p, v)   (unaligned)
 *              FV_HAS_STREAM 1: also fv_stream_S(T *p, v), a non-temporal store to a
 *              p aligned to the vector, and fv_stream_fence() to order them before
 *              later stores (x86's sfence); 0: neither exists
 *   constants  fv_setall_S(T x), fv_usetall_S(bits)
 *   arithmetic fv_add_S, fv_sub_S, fv_mul_S, fv_div_S, fv_sqrt_S (IEEE, rounded once)
 *              fv_muladd_S(a, b, c) = a*b + c, fv_nmuladd_S(a, b, c) = c - a*b:
 *              one rounding where FA_HAVE_FMA, two otherwise (as fa_config.h's FA_FMA)
 *              fv_abs_S, fv_neg_S, fv_nabs_S = -|a| (sign bit only), fv_copysign_S(mag, sgn),
 *              fv_orsign_S(m, sgn) = copysign for an m whose sign bit is clear
 *              fv_max_S(a, b) = a > b ? a : b, fv_min_S(a, b) = a < b ? a : b:
 *              exactly C's ternaries, so a NaN in b passes through (x86's maxps order;
 *              the other headers reproduce it, never IEEE maxNum)
 *   compares   fv_cmplt_S, fv_cmple_S, fv_cmpgt_S, fv_cmpeq_S -> fv_mS, ordered and
 *              quiet (false for NaN; no trap: the kernels run with FP flags ignored)
 *   selects    fv_select_S(m, a, b) = m ? a : b per lane; fv_selsign_S(s, a, b) =
 *              signbit(s) ? a : b (s's sign bit, also for -0 and NaN: no compare)
 *   masks      fv_mand_S, fv_mor_S, fv_mandnot_S(a, b) = a & ~b
 *   bits       fv_as_u_S(v) / fv_from_u_S(u) (reinterpret), fv_uadd_S, fv_usub_S,
 *              fv_ushli_S(u, n) (n a constant), fv_uand_S
 *   tables     fv_lut4_S(const T t[4], u) = t[u & 3] per lane (a shuffle, no gather);
 *              FV_LUT4_CHEAP says whether it is one (0 in scalar.h)
 *   realigning fv_jctl_S (a control), fv_join_ctl_S(k) for 0 <= k < FV_LANES_S, and
 *              fv_join_S(prev, cur, c) = the last k lanes of prev, then the first
 *              FV_LANES_S - k of cur (one or three shuffles, never memory): how a
 *              loop stores a second output that is not vector-aligned where the
 *              first is, to aligned addresses (kernels_impl.h)
 * so that generic code names every operation FV(op) = fv_op_S.
 * Every operation is the same IEEE operation in every header, so one algorithm
 * gives bit-identical results at every level that has the same FA_HAVE_FMA.
 */
#ifndef FASTACT_SIMD_H
#define FASTACT_SIMD_H

#include "../fa_config.h"

#if defined(FA_SIMD_SCALAR) && FA_SIMD_SCALAR
#  include "scalar.h"
#elif defined(__AVX512F__) && defined(__AVX512DQ__) && defined(__AVX512VL__) && \
    defined(__AVX512BW__) && defined(__FMA__)
#  include "avx512.h"
#elif defined(__AVX2__) && defined(__FMA__)
#  include "avx2.h"
#elif defined(__aarch64__) && defined(__ARM_NEON)
#  include "neon.h"
#else
#  include "scalar.h"
#endif

#endif
