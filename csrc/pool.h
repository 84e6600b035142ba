/* pool.h - the worker threads that split one large elementwise call.
 *
 * A small pthread pool of our own rather than OpenMP: libgomp's pool does not
 * survive fork() (a child that calls into it hangs), and a wheel may link only
 * libc, libm and libpthread (.ci/build-wheels), not an OpenMP runtime.  The
 * calling thread works too, chunks are claimed dynamically (a worker that wakes
 * late, or shares its core with another process, just claims fewer), and one
 * call at a time owns the pool: another thread calling meanwhile runs its call
 * serially on its own thread, so the threads at work never exceed the callers
 * plus the pool's workers (no queueing, no oversubscription).
 *
 * Windows builds (MSVC has no pthreads) get the same API, single-threaded.
 */
#ifndef FASTACT_POOL_H
#define FASTACT_POOL_H

#include "fa_config.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Most threads one call may use (a request above it is refused). */
#define FA_POOL_MAX_THREADS 256
/* Chunk boundaries fall on this many bytes of the aligned operand: no two
 * threads write the same cache line, and every chunk is whole vectors. */
#define FA_POOL_ALIGN 64

/* Runs [begin, end) of the call's elements. */
typedef void (*fa_pool_task)(void *ctx, fa_size begin, fa_size end);

/* Whether a contiguous call over n elements is worth splitting (n at or above
 * the threshold and more than one thread for the calling thread).  Cheap: the
 * ufunc glue asks before building anything for fa_pool_run. */
int fa_pool_wanted(fa_size n);

/* Runs task over [0, n), split into chunks whose inner boundaries are
 * FA_POOL_ALIGN-byte aligned for the operand at `align_to` (elements of
 * `elem_size` bytes), on the pool's workers and the calling thread.  Serial on
 * the calling thread when the pool is busy with another call.  Returns when
 * every chunk is done.  The task must not touch Python (no GIL is held). */
void fa_pool_run(fa_size n, const void *align_to, fa_size elem_size, fa_pool_task task,
                 void *ctx);

/* 1 where calls can run on several threads, 0 on the single-threaded fallback. */
int fa_pool_threaded(void);
/* The process-wide thread count (1: never split), and the calling thread's
 * override of it (0: none).  The setters return 0, or -1 when n is out of range
 * (1..FA_POOL_MAX_THREADS; the override also takes 0, clearing it). */
int fa_pool_get_num_threads(void);
int fa_pool_set_num_threads(int n);
int fa_pool_get_thread_num_threads(void);
int fa_pool_set_thread_num_threads(int n);
/* Threads the calling thread's calls use: its override, else the process-wide count. */
int fa_pool_threads(void);
/* Elements below which a call never wakes the pool (tests lower it). */
fa_size fa_pool_get_threshold(void);
void fa_pool_set_threshold(fa_size n);

/* Counters since the last reset, for tests and show_config. */
typedef struct {
    long long parallel_calls; /* calls split over the pool */
    long long busy_calls;     /* calls that wanted the pool, found it busy, ran serially */
    long long max_running;    /* most threads running large calls at once */
    long long worker_chunks;  /* chunks the workers (not the callers) ran */
    int workers;              /* worker threads started in this process */
} fa_pool_stats;
void fa_pool_get_stats(fa_pool_stats *out);
void fa_pool_reset_stats(void);

#ifdef __cplusplus
}
#endif
#endif
