/* ufunc_glue_impl.h - the ufunc driver for one compute type (FA_GLUE_T), included
 * twice by ufunc_glue.c. */
#define FA_G(name) FA_CAT(name, FA_CAT(_, FA_GLUE_S))
#define FA_GLUE_KERNEL FA_CAT(fa_kernel_, FA_GLUE_S)

static void FA_G(glue_call)(fa_op op, FA_GLUE_KERNEL k, fa_size n, const FA_GLUE_T *const *x,
                            FA_GLUE_T *const *y, const fa_params *p)
{
    if (fa_op_nin(op) == 2)
        k.k21(n, x[0], x[1], y[0], p);
    else if (fa_op_nout(op) == 2)
        k.k12(n, x[0], y[0], y[1], p);
    else
        k.k11(n, x[0], y[0], p);
}

#include "ufunc_pool_impl.h" /* glue_call_split: large calls on the pool */

/* Every operand contiguous, native and apart from the others, no parameter
 * varying per element (p holds them): one kernel call over everything (split
 * over the pool when large), streamed when the call is large (ufunc_glue.h). */
static void FA_G(glue_direct)(const fa_loop_spec *spec, FA_GLUE_KERNEL k, char *const *in,
                              char *const *out, fa_size n, fa_params p)
{
    const int nin = spec->nin, nout = spec->nout;
    p.stream = n * (fa_size)sizeof(FA_GLUE_T) * (fa_size)(nin + nout) >= stream_bytes;
    const FA_GLUE_T *x[2] = {(const FA_GLUE_T *)in[0], nin > 1 ? (const FA_GLUE_T *)in[1] : NULL};
    FA_GLUE_T *y[2] = {(FA_GLUE_T *)out[0], nout > 1 ? (FA_GLUE_T *)out[1] : NULL};
    FA_G(glue_call_split)(spec->op, k, n, x, y, &p);
}

/* The parameter inputs of element i into p: input j fills p->v[b] for the j-th
 * set bit b of the mask (the activation's parameter b). */
static void FA_G(glue_params)(const fa_loop_spec *spec, char *const *par, fa_size i,
                              const fa_size *pstep, fa_params *p)
{
    int j = 0;
    FA_GLUE_T v;
    for (int b = 0; b < FA_MAX_PARAMS; b++) {
        if (spec->params & (1u << b)) {
            memcpy(&v, par[j] + i * pstep[j], sizeof v);
            p->v[b] = v;
            j++;
        }
    }
}

/* A call plain_call() accepted: its parameters read once, then one direct call. */
static void FA_G(glue_plain)(const fa_loop_spec *spec, FA_GLUE_KERNEL k, char *const *args,
                             const fa_size *steps, fa_size n)
{
    fa_params p = {{0.0, 0.0, 0.0, 0.0}, 0};
    if (spec->npar)
        FA_G(glue_params)(spec, args + spec->nin, 0, steps + spec->nin, &p);
    FA_G(glue_direct)(spec, k, args, args + spec->nin + spec->npar, n, p);
}

/* One element at a time, in order: element j's inputs are loaded after element
 * j-1's outputs are stored, NumPy's sequential semantics for operands that
 * overlap (see operands_conflict).  Each step is the same scalar kernel the
 * vector loops run, so the results are bit-identical to theirs. */
static void FA_G(glue_sequential)(const fa_loop_spec *spec, FA_GLUE_KERNEL k, const fa_operands *v,
                                  fa_size n)
{
    FA_GLUE_T xv[2] = {0, 0}, yv[2] = {0, 0};
    const FA_GLUE_T *x[2] = {&xv[0], &xv[1]};
    FA_GLUE_T *y[2] = {&yv[0], &yv[1]};
    fa_params p = {{0.0, 0.0, 0.0, 0.0}, 0};
    for (fa_size j = 0; j < n; j++) {
        for (int i = 0; i < v->nin; i++)
            FA_CAT(load_, FA_GLUE_S)(&xv[i], v->in[i] + j * v->in_step[i], 0, 1, spec->in_type);
        if (v->npar) /* re-read each time: a parameter may overlap an output too */
            FA_G(glue_params)(spec, v->par, j, v->par_step, &p);
        FA_G(glue_call)(spec->op, k, 1, x, y, &p);
        for (int o = 0; o < v->nout; o++)
            FA_CAT(store_, FA_GLUE_S)(v->out[o] + j * v->out_step[o], 0, &yv[o], 1,
                                      spec->out_type);
    }
}

/* The block loop: one kernel call over everything when every operand is
 * contiguous and native, else blocks converted on the stack. */
static void FA_G(glue_blocks)(const fa_loop_spec *spec, FA_GLUE_KERNEL k, const fa_operands *v,
                              fa_size n)
{
    const fa_op op = spec->op;
    const int nin = v->nin, nout = v->nout, npar = v->npar;
    char *const *in = v->in, *const *par = v->par, *const *out = v->out;
    const fa_size *in_step = v->in_step, *par_step = v->par_step, *out_step = v->out_step;
    const fa_size es = (fa_size)sizeof(FA_GLUE_T);
    const int native_in = spec->in_type == FA_GLUE_NATIVE;
    const int native_out = spec->out_type == FA_GLUE_NATIVE;

    int const_params = 1;
    for (int j = 0; j < npar; j++)
        const_params &= par_step[j] == 0;
    fa_params p = {{0.0, 0.0, 0.0, 0.0}, 0};
    if (npar)
        FA_G(glue_params)(spec, par, 0, par_step, &p);

    /* An input that is also an output (in place: the only overlap left here) is
     * copied to the stack first: the kernels' restrict contract forbids aliasing. */
    int direct_in[2] = {0, 0}, direct_out[2] = {0, 0}, all_direct = const_params;
    for (int i = 0; i < nin; i++) {
        int aliased = 0;
        for (int o = 0; o < nout; o++)
            aliased |= in[i] == out[o];
        direct_in[i] = native_in && in_step[i] == es && !aliased;
        all_direct &= direct_in[i];
    }
    for (int o = 0; o < nout; o++) {
        direct_out[o] = native_out && out_step[o] == es;
        all_direct &= direct_out[o];
    }
    if (all_direct) { /* one kernel call over everything */
        FA_G(glue_direct)(spec, k, in, out, n, p);
        return;
    }

    FA_GLUE_T buf_in[2][FA_BLOCK], buf_out[2][FA_BLOCK];
    for (fa_size off = 0; off < n; off += FA_BLOCK) {
        const fa_size m = n - off < FA_BLOCK ? n - off : FA_BLOCK;
        const FA_GLUE_T *x[2] = {NULL, NULL};
        FA_GLUE_T *y[2] = {NULL, NULL};
        for (int i = 0; i < nin; i++) {
            const char *src = in[i] + off * in_step[i];
            if (direct_in[i]) {
                x[i] = (const FA_GLUE_T *)src;
            } else {
                FA_CAT(load_, FA_GLUE_S)(buf_in[i], src, in_step[i], m, spec->in_type);
                x[i] = buf_in[i];
            }
        }
        for (int o = 0; o < nout; o++)
            y[o] = direct_out[o] ? (FA_GLUE_T *)(out[o] + off * out_step[o]) : buf_out[o];
        if (const_params) {
            FA_G(glue_call)(op, k, m, x, y, &p);
        } else { /* parameters vary per element: one kernel call each */
            for (fa_size j = 0; j < m; j++) {
                const FA_GLUE_T *xj[2] = {x[0] + j, nin > 1 ? x[1] + j : NULL};
                FA_GLUE_T *yj[2] = {y[0] + j, nout > 1 ? y[1] + j : NULL};
                FA_G(glue_params)(spec, par, off + j, par_step, &p);
                FA_G(glue_call)(op, k, 1, xj, yj, &p);
            }
        }
        for (int o = 0; o < nout; o++)
            if (!direct_out[o])
                FA_CAT(store_, FA_GLUE_S)(out[o] + off * out_step[o], out_step[o], buf_out[o], m,
                                          spec->out_type);
    }
}

static void FA_G(glue_run)(const fa_loop_spec *spec, FA_GLUE_KERNEL k, const fa_operands *v,
                           fa_size n)
{
    if (operands_conflict(spec, v, n))
        FA_G(glue_sequential)(spec, k, v, n);
    else
        FA_G(glue_blocks)(spec, k, v, n);
}

#undef FA_G
#undef FA_GLUE_KERNEL
