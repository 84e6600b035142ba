/* pool.c - see pool.h. */
#include "pool.h"

/* Below this many elements a call runs on the calling thread alone: waking a
 * worker costs more than it saves (measured on 2 cores, see README "Threads"). */
#define FA_POOL_THRESHOLD 262144
/* Chunks per participating thread: enough that a late or preempted thread
 * leaves most of its share to the others, few enough that claiming costs nothing. */
#define FA_POOL_CHUNKS_PER_THREAD 4
/* No chunk smaller than this many elements (the claim and the cache misses at
 * its edges would show). */
#define FA_POOL_MIN_CHUNK 4096
/* Pause-loop iterations (some 20-50 us) the caller spins for the last worker
 * before it sleeps: a futex wake-up costs about as much again on a VM. */
#define FA_POOL_SPIN 1000

#if defined(_MSC_VER) && !defined(__clang__)
#  define FA_LOAD(x) (x)
#  define FA_STORE(x, v) ((x) = (v))
#else /* settings read by every call while another thread may set them */
#  define FA_LOAD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
#  define FA_STORE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#endif

static int process_threads = 1;
static FA_THREAD_LOCAL int thread_threads = 0;
static fa_size threshold = FA_POOL_THRESHOLD;

static int valid_count(int n) { return n >= 1 && n <= FA_POOL_MAX_THREADS; }

int fa_pool_get_num_threads(void) { return FA_LOAD(process_threads); }

int fa_pool_set_num_threads(int n)
{
    if (!valid_count(n))
        return -1;
    FA_STORE(process_threads, n);
    return 0;
}

int fa_pool_get_thread_num_threads(void) { return thread_threads; }

int fa_pool_set_thread_num_threads(int n)
{
    if (n != 0 && !valid_count(n))
        return -1;
    thread_threads = n;
    return 0;
}

int fa_pool_threads(void) { return thread_threads > 0 ? thread_threads : FA_LOAD(process_threads); }

fa_size fa_pool_get_threshold(void) { return FA_LOAD(threshold); }

void fa_pool_set_threshold(fa_size n) { FA_STORE(threshold, n < 1 ? 1 : n); }

int fa_pool_wanted(fa_size n) { return n >= FA_LOAD(threshold) && fa_pool_threads() > 1; }

#if defined(_WIN32)
/* ---- single-threaded fallback ------------------------------------------- */

int fa_pool_threaded(void) { return 0; }

void fa_pool_run(fa_size n, const void *align_to, fa_size elem_size, fa_pool_task task,
                 void *ctx)
{
    (void)align_to;
    (void)elem_size;
    task(ctx, 0, n);
}

void fa_pool_get_stats(fa_pool_stats *out)
{
    out->parallel_calls = out->busy_calls = out->max_running = out->worker_chunks = 0;
    out->workers = 0;
}

void fa_pool_reset_stats(void) {}

#else
/* ---- the pthread pool ---------------------------------------------------- */
#include <pthread.h>
#include <signal.h>

/* A wheel must load on glibc 2.17 (manylinux2014, .ci/build-wheels).  glibc 2.34
 * moved the pthread functions into libc under new symbol versions, which a build
 * on a newer glibc would then require; every glibc still has them under their
 * original versions, so bind to those. */
#if defined(__GLIBC__) && defined(__GLIBC_PREREQ)
#  if __GLIBC_PREREQ(2, 34) && defined(__x86_64__)
#    define FA_GLIBC_BASE "GLIBC_2.2.5"
#  elif __GLIBC_PREREQ(2, 34) && defined(__aarch64__)
#    define FA_GLIBC_BASE "GLIBC_2.17"
#  endif
#endif
#ifdef FA_GLIBC_BASE
__asm__(".symver pthread_create, pthread_create@" FA_GLIBC_BASE);
__asm__(".symver pthread_once, pthread_once@" FA_GLIBC_BASE);
__asm__(".symver pthread_sigmask, pthread_sigmask@" FA_GLIBC_BASE);
#endif

#define FA_INC(x) __atomic_add_fetch(&(x), 1, __ATOMIC_RELAXED)
#define FA_DEC(x) __atomic_sub_fetch(&(x), 1, __ATOMIC_RELAXED)

int fa_pool_threaded(void) { return 1; }

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/* One job at a time.  The control fields are guarded by `lock`; the chunks are
 * claimed with atomic counters.  A worker joins a job only while it is open,
 * under the lock, so once the caller has closed it and seen `inside` drop to 0
 * no thread touches the job (its context lives on the caller's stack).
 *
 * The chunks form one contiguous segment per participant (the caller is 0,
 * worker i is i+1): each thread runs its own segment's chunks first, then
 * claims what is left of the others'.  Repeated calls over the same arrays so
 * find each part in the cache of the core that wrote it last time (with one
 * shared counter each part went to whichever thread came first, and its cache
 * lines moved between cores on every call), and a late thread's share is
 * still done by the others. */
typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t wake;        /* workers wait here for a new job */
    pthread_cond_t done;        /* the caller waits here for the last worker out */
    int created;                /* workers started: indices 0 .. created-1 */
    unsigned long gen;          /* bumped per job */
    unsigned long born[FA_POOL_MAX_THREADS]; /* gen when each worker was started */
    int open, wanted, inside;   /* joinable; workers 0..wanted-1 may join; joined now */
    fa_pool_task task;
    void *ctx;
    unsigned long fp_control;   /* the caller's FP control register (see fp_control) */
    fa_size n, head, chunk;
    int segments;               /* participants */
    fa_size next[FA_POOL_MAX_THREADS]; /* each segment's next unclaimed chunk (atomic) */
    fa_size end[FA_POOL_MAX_THREADS];  /* and its end */
} fa_pool;

static fa_pool pool = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
                       PTHREAD_COND_INITIALIZER, 0, 0, {0}, 0, 0, 0, NULL, NULL, 0, 0, 0, 0, 0,
                       {0}, {0}};
static int busy;                /* a call owns the pool (atomic) */
static long long running, max_running, parallel_calls, busy_calls, worker_chunks; /* atomic */
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

static void note_running(void)
{
    const long long now = FA_INC(running);
    long long seen = FA_LOAD(max_running);
    while (now > seen &&
           !__atomic_compare_exchange_n(&max_running, &seen, now, 1, __ATOMIC_RELAXED,
                                        __ATOMIC_RELAXED)) {
    }
}

static void run_chunk(fa_size i)
{
    const fa_size begin = i ? pool.head + i * pool.chunk : 0;
    const fa_size end = pool.head + (i + 1) * pool.chunk;
    pool.task(pool.ctx, begin, end < pool.n ? end : pool.n);
}

/* Claims and runs chunks until none is left, participant `self`'s segment
 * first; returns how many it ran.  Chunk 0 is [0, head + chunk), chunk i is
 * [head + i*chunk, head + (i+1)*chunk), the last one cut at n. */
static long long run_chunks(int self)
{
    long long ran = 0;
    note_running();
    for (int k = 0; k < pool.segments; k++) {
        const int s = (self + k) % pool.segments;
        fa_size i;
        while ((i = __atomic_fetch_add(&pool.next[s], 1, __ATOMIC_RELAXED)) < pool.end[s]) {
            run_chunk(i);
            ran++;
        }
    }
    FA_DEC(running);
    return ran;
}

/* The FP control state a kernel's results depend on: the rounding mode and
 * flush-to-zero / denormals-are-zero (e.g. torch.set_flush_denormal(True) sets
 * them in the calling thread).  Workers take the caller's, so a chunk gives the
 * same bits on whichever thread runs it.  The status flags are left out: they
 * are per thread and never reported (ufunc_glue.c clears the caller's). */
static unsigned long fp_control(void)
{
#if defined(__x86_64__) || defined(__i386__)
    unsigned int csr;
    __asm__ __volatile__("stmxcsr %0" : "=m"(csr));
    return csr & ~0x3fu; /* MXCSR bits 0-5: the sticky exception flags */
#elif defined(__aarch64__)
    unsigned long fpcr;
    __asm__ __volatile__("mrs %0, fpcr" : "=r"(fpcr));
    return fpcr;
#else
    return 0;
#endif
}

static void set_fp_control(unsigned long value)
{
#if defined(__x86_64__) || defined(__i386__)
    unsigned int csr;
    __asm__ __volatile__("stmxcsr %0" : "=m"(csr));
    csr = (csr & 0x3fu) | (unsigned int)value;
    __asm__ __volatile__("ldmxcsr %0" : : "m"(csr));
#elif defined(__aarch64__)
    __asm__ __volatile__("msr fpcr, %0" : : "r"(value));
#else
    (void)value;
#endif
}

static void *worker_main(void *arg)
{
    const int index = (int)(intptr_t)arg;
    pthread_mutex_lock(&pool.lock);
    unsigned long seen = pool.born[index];
    for (;;) {
        while (pool.gen == seen)
            pthread_cond_wait(&pool.wake, &pool.lock);
        seen = pool.gen;
        if (!pool.open || index >= pool.wanted)
            continue;
        pool.inside++;
        pthread_mutex_unlock(&pool.lock);
        if (fp_control() != pool.fp_control)
            set_fp_control(pool.fp_control);
        const long long ran = run_chunks(index + 1);
        __atomic_add_fetch(&worker_chunks, ran, __ATOMIC_RELAXED);
        pthread_mutex_lock(&pool.lock);
        if (__atomic_sub_fetch(&pool.inside, 1, __ATOMIC_RELEASE) == 0 && !pool.open)
            pthread_cond_signal(&pool.done);
    }
    return NULL;
}

/* In a child after fork() only the forking thread exists: no workers, and no
 * call in flight (whatever other threads were doing is gone).  Start over; the
 * workers are recreated by the first large call. */
static void reset_in_child(void)
{
    pthread_mutex_init(&pool.lock, NULL);
    pthread_cond_init(&pool.wake, NULL);
    pthread_cond_init(&pool.done, NULL);
    pool.created = 0;
    pool.open = pool.wanted = pool.inside = 0;
    busy = 0;
    running = 0;
}

static void register_atfork(void) { pthread_atfork(NULL, NULL, reset_in_child); }

/* Starts workers up to `count` (lock held).  They block every signal: signals
 * are for the interpreter's main thread.  A failure to start one (resource
 * limits) just leaves fewer. */
static void start_workers(int count)
{
    sigset_t all, before;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &before);
    while (pool.created < count) {
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        pool.born[pool.created] = pool.gen;
        const int failed = pthread_create(&t, &attr, worker_main, (void *)(intptr_t)pool.created);
        pthread_attr_destroy(&attr);
        if (failed)
            break;
        pool.created++;
    }
    pthread_sigmask(SIG_SETMASK, &before, NULL);
}

/* Elements before the first FA_POOL_ALIGN boundary of `p` (0 if p is not even
 * element-aligned: then no boundary is better than another). */
static fa_size aligned_head(const void *p, fa_size elem_size)
{
    const uintptr_t a = (uintptr_t)p;
    if (a % (uintptr_t)elem_size)
        return 0;
    return (fa_size)((FA_POOL_ALIGN - a % FA_POOL_ALIGN) % FA_POOL_ALIGN) / elem_size;
}

/* Lays out the job's chunks for `threads` participants (lock held). */
static void plan_chunks(fa_size n, const void *align_to, fa_size elem_size, int threads)
{
    const fa_size unit = FA_POOL_ALIGN / elem_size;
    const fa_size head = aligned_head(align_to, elem_size);
    const fa_size parts = (fa_size)threads * FA_POOL_CHUNKS_PER_THREAD;
    fa_size chunk = (n - head + parts - 1) / parts;
    if (chunk < FA_POOL_MIN_CHUNK)
        chunk = FA_POOL_MIN_CHUNK;
    chunk = (chunk + unit - 1) / unit * unit;
    pool.head = head < n ? head : 0;
    pool.chunk = chunk;
    pool.n = n;
    const fa_size nchunks = (n - pool.head + chunk - 1) / chunk;
    pool.segments = threads;
    for (int s = 0; s < threads; s++) {
        pool.next[s] = nchunks * s / threads;
        pool.end[s] = nchunks * (s + 1) / threads;
    }
}

static void run_serial(fa_size n, fa_pool_task task, void *ctx)
{
    note_running();
    task(ctx, 0, n);
    FA_DEC(running);
}

void fa_pool_run(fa_size n, const void *align_to, fa_size elem_size, fa_pool_task task,
                 void *ctx)
{
    const int threads = fa_pool_threads();
    pthread_once(&atfork_once, register_atfork);
    if (threads < 2 || __atomic_exchange_n(&busy, 1, __ATOMIC_ACQUIRE)) {
        if (threads >= 2)
            FA_INC(busy_calls);
        run_serial(n, task, ctx);
        return;
    }
    pthread_mutex_lock(&pool.lock);
    start_workers(threads - 1);
    pool.wanted = threads - 1 < pool.created ? threads - 1 : pool.created;
    pool.task = task;
    pool.ctx = ctx;
    pool.fp_control = fp_control();
    plan_chunks(n, align_to, elem_size, pool.wanted + 1);
    pool.open = 1;
    pool.gen++;
    pthread_cond_broadcast(&pool.wake);
    pthread_mutex_unlock(&pool.lock);
    FA_INC(parallel_calls);

    run_chunks(0);

    pthread_mutex_lock(&pool.lock);
    pool.open = 0;
    if (pool.inside > 0) { /* a worker is finishing its last chunk: spin, then sleep */
        pthread_mutex_unlock(&pool.lock);
        for (int spin = 0; spin < FA_POOL_SPIN && __atomic_load_n(&pool.inside, __ATOMIC_ACQUIRE);
             spin++)
            cpu_relax();
        pthread_mutex_lock(&pool.lock);
    }
    while (pool.inside > 0)
        pthread_cond_wait(&pool.done, &pool.lock);
    pthread_mutex_unlock(&pool.lock);
    __atomic_store_n(&busy, 0, __ATOMIC_RELEASE);
}

void fa_pool_get_stats(fa_pool_stats *out)
{
    out->parallel_calls = FA_LOAD(parallel_calls);
    out->busy_calls = FA_LOAD(busy_calls);
    out->max_running = FA_LOAD(max_running);
    out->worker_chunks = FA_LOAD(worker_chunks);
    pthread_mutex_lock(&pool.lock);
    out->workers = pool.created;
    pthread_mutex_unlock(&pool.lock);
}

void fa_pool_reset_stats(void)
{
    FA_STORE(parallel_calls, 0);
    FA_STORE(busy_calls, 0);
    FA_STORE(max_running, 0);
    FA_STORE(worker_chunks, 0);
}
#endif
