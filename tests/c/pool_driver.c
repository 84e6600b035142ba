/* pool_driver.c - csrc/pool.c on its own, under ASan/UBSan and ThreadSanitizer
 * (run_sanitizers.sh): every element runs exactly once and every inner chunk
 * boundary is 64-byte aligned, for 1..8 threads, sizes from 1 up and misaligned
 * starts; 4 callers at once (per-thread counts, the pool busy); a fork() child
 * with the pool alive.  Exit 0: passed. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "pool.h"

/* hits[i]: times element i was run; misaligned: a chunk began off a boundary */
typedef struct { unsigned char *hits; const double *base; int misaligned; } job;

static void task(void *ctx, fa_size b, fa_size e)
{
    job *j = ctx;
    if (b != 0 && ((uintptr_t)(j->base + b) % FA_POOL_ALIGN) != 0)
        j->misaligned = 1;
    for (fa_size i = b; i < e; i++)
        j->hits[i]++;
}

/* One pool run over n elements starting `offset` doubles into a buffer; nonzero
 * if any element ran other than once or a chunk began unaligned. */
static int run_once(fa_size n, int offset)
{
    double *buf = calloc((size_t)(n + 8), sizeof(double));
    job j = {calloc((size_t)n, 1), buf + offset, 0};
    fa_pool_run(n, j.base, sizeof(double), task, &j);
    int bad = j.misaligned;
    for (fa_size i = 0; i < n; i++)
        bad |= j.hits[i] != 1;
    free(j.hits);
    free(buf);
    return bad;
}

/* One of several concurrent callers, with its own per-thread count. */
static void *caller(void *arg)
{
    (void)arg;
    fa_pool_set_thread_num_threads(3);
    long bad = 0;
    for (int k = 0; k < 50; k++)
        bad |= run_once(100003 + k, k % 8);
    return (void *)bad;
}

int main(void)
{
    int bad = 0;
    fa_pool_set_threshold(1);
    for (int t = 1; t <= 8; t++) {
        fa_pool_set_num_threads(t);
        for (fa_size n = 1; n < 70000; n = n * 3 + 1)
            for (int off = 0; off < 3; off++)
                bad |= run_once(n, off);
    }
    pthread_t th[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&th[i], NULL, caller, NULL);
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(th[i], &r);
        bad |= r != NULL;
    }
    fa_pool_stats s;
    fa_pool_get_stats(&s);
    bad |= s.max_running > 4 + 3 - 1; /* callers + pool threads - 1, never more */
    fa_pool_set_num_threads(2);
    bad |= run_once(200000, 1);
    pid_t pid = fork();
    if (pid == 0) { /* the workers are gone here: the pool must start afresh, not hang */
        alarm(20);
        _exit(run_once(200000, 3) ? 3 : 0);
    }
    int status;
    waitpid(pid, &status, 0);
    bad |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    fa_pool_get_stats(&s);
    printf("parallel %lld busy %lld max_running %lld worker_chunks %lld workers %d: %s\n",
           s.parallel_calls, s.busy_calls, s.max_running, s.worker_chunks, s.workers,
           bad ? "FAIL" : "ok");
    return bad;
}
