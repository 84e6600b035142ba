/* act_select.h - which fused scalar definition each loop of kernels_impl.h uses.
 *
 * FA_FWD_<name> names the fused value+derivative function of an activation.
 * By default it is the one of act/<name>.h.  relu's derivative there is a chain
 * of nested conditionals that GCC turns into branches ("control flow in loop")
 * in the fused loop, which then runs scalar with a mispredicted branch per
 * element (~8 ns/element on random signs).  fa_relu_fwd_sel below computes
 * exactly the same values (checked bit for bit over every float32 input and
 * a large float64 sample, see csrc/check_select.c) as a flat sequence of selects,
 * which every ISA level vectorises.  The maths headers stay untouched. */

/* Same results as fa_relu_fwd: the selects are applied from the least to the
 * most specific case, so NaN (every compare false) keeps z. */
FA_INLINE void FA_FN(fa_relu_fwd_sel)(FA_T z, FA_T alpha, FA_T at_zero, FA_T *a, FA_T *d)
{
    (void)alpha;
    *a = z <= 0 ? FA_C(0.0) : z;
    FA_T t = z == 0 ? at_zero : z;
    t = z < 0 ? FA_C(0.0) : t;
    *d = z > 0 ? FA_C(1.0) : t;
}

#define FA_FWD_sigmoid fa_sigmoid_fwd
#define FA_FWD_tanh fa_tanh_fwd
#define FA_FWD_relu fa_relu_fwd_sel
#define FA_FWD_leaky_relu fa_leaky_relu_fwd
