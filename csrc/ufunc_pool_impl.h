/* ufunc_pool_impl.h - the pool's side of the ufunc driver for one compute type:
 * included by ufunc_glue_impl.h (after glue_call) once per FA_GLUE_T.
 *
 * A large contiguous call goes to the pool (pool.h) with the kernel this call
 * resolved: the caller's level and accuracy mode (per-thread), which the workers
 * never look up themselves.  Every chunk runs the same kernel on whole vectors
 * from an aligned start, and every lane does the same operations, so the result
 * is bit-identical whatever the number of threads. */
typedef struct {
    fa_op op;
    FA_GLUE_KERNEL k;
    const FA_GLUE_T *x[2];
    FA_GLUE_T *y[2];
    const fa_params *p;
} FA_G(glue_job);

static void FA_G(glue_chunk)(void *ctx, fa_size begin, fa_size end)
{
    const FA_G(glue_job) *j = (const FA_G(glue_job) *)ctx;
    const FA_GLUE_T *x[2] = {j->x[0] + begin, j->x[1] ? j->x[1] + begin : NULL};
    FA_GLUE_T *y[2] = {j->y[0] + begin, j->y[1] ? j->y[1] + begin : NULL};
    FA_G(glue_call)(j->op, j->k, end - begin, x, y, j->p);
}

static void FA_G(glue_call_split)(fa_op op, FA_GLUE_KERNEL k, fa_size n, const FA_GLUE_T *const *x,
                                  FA_GLUE_T *const *y, const fa_params *p)
{
    if (!fa_pool_wanted(n)) {
        FA_G(glue_call)(op, k, n, x, y, p);
        return;
    }
    FA_G(glue_job) j = {op, k, {x[0], x[1]}, {y[0], y[1]}, p};
    fa_pool_run(n, y[0], (fa_size)sizeof(FA_GLUE_T), FA_G(glue_chunk), &j);
}
