/*
 * pool.c — a tiny fork-join thread pool for the kernels.
 *
 * ek_pool_create(T) starts T-1 workers; the caller of ek_pool_parallel_for is the T-th.
 * Workers sleep on a condition variable between jobs (no spinning). A job is published under
 * the mutex with a new generation number; worker w runs chunk w+1 of [0, n) and the caller
 * runs chunk 0, then waits on a second condition variable until every chunk is done.
 * Creation allocates (including each worker's GEMM packing arena, see ek_thread_scratch_reserve);
 * parallel_for allocates nothing. Calls from different threads are serialized by a call
 * mutex; a parallel_for issued from inside a chunk (nested) runs inline on that thread.
 */
#include "internal.h"

#include <pthread.h>
#include <stdlib.h>

struct ek_pool {
    int threads;
    pthread_t *workers;
    pthread_mutex_t call_mu;   /* one parallel_for at a time */
    pthread_mutex_t mu;
    pthread_cond_t wake;       /* workers wait here for a new generation */
    pthread_cond_t done;       /* caller waits here for pending == 0 */
    uint64_t generation;
    int pending;               /* workers still running the current job */
    int shutdown;
    int64_t n;
    void (*fn)(void *, int64_t, int64_t);
    void *ctx;
    int chunks;                /* chunks of the current job (<= threads) */
    int started;               /* workers that finished start-up (create waits for all) */
};

static _Thread_local int tl_in_pool;

int ek__in_pool_worker(void) { return tl_in_pool; }

typedef struct {
    ek_pool *pool;
    int index;  /* 1..threads-1 */
} worker_arg;

static void run_chunk(void (*fn)(void *, int64_t, int64_t), void *ctx, int64_t n, int chunks, int idx) {
    const int64_t begin = (int64_t)((__int128)n * idx / chunks);
    const int64_t end = (int64_t)((__int128)n * (idx + 1) / chunks);
    if (begin < end) fn(ctx, begin, end);
}

static void *worker_main(void *p) {
    worker_arg *wa = (worker_arg *)p;
    ek_pool *pool = wa->pool;
    const int idx = wa->index;
    free(wa);
    tl_in_pool = 1;
    ek_thread_scratch_reserve(); /* allocate the GEMM packing arena now, not inside a job */
    uint64_t seen = 0;
    pthread_mutex_lock(&pool->mu);
    pool->started++;
    pthread_cond_signal(&pool->done);
    for (;;) {
        while (!pool->shutdown && pool->generation == seen) pthread_cond_wait(&pool->wake, &pool->mu);
        if (pool->shutdown) break;
        seen = pool->generation;
        void (*fn)(void *, int64_t, int64_t) = pool->fn;
        void *ctx = pool->ctx;
        const int64_t n = pool->n;
        const int chunks = pool->chunks;
        pthread_mutex_unlock(&pool->mu);
        if (idx < chunks) run_chunk(fn, ctx, n, chunks, idx);
        pthread_mutex_lock(&pool->mu);
        if (--pool->pending == 0) pthread_cond_signal(&pool->done);
    }
    pthread_mutex_unlock(&pool->mu);
    return NULL;
}

ek_pool *ek_pool_create(int threads) {
    if (threads < 1) threads = 1;
    ek_pool *pool = (ek_pool *)calloc(1, sizeof *pool);
    if (!pool) return NULL;
    pool->threads = 1;
    pthread_mutex_init(&pool->call_mu, NULL);
    pthread_mutex_init(&pool->mu, NULL);
    pthread_cond_init(&pool->wake, NULL);
    pthread_cond_init(&pool->done, NULL);
    if (threads > 1) {
        pool->workers = (pthread_t *)calloc((size_t)threads - 1, sizeof(pthread_t));
        if (!pool->workers) return pool;
        for (int i = 1; i < threads; i++) {
            worker_arg *wa = (worker_arg *)malloc(sizeof *wa);
            if (!wa) break;
            wa->pool = pool;
            wa->index = i;
            if (pthread_create(&pool->workers[i - 1], NULL, worker_main, wa) != 0) {
                free(wa);
                break;
            }
            pool->threads = i + 1;
        }
        /* wait until every worker has its scratch, so creation does all the allocating */
        pthread_mutex_lock(&pool->mu);
        while (pool->started < pool->threads - 1) pthread_cond_wait(&pool->done, &pool->mu);
        pthread_mutex_unlock(&pool->mu);
    }
    return pool;
}

void ek_pool_destroy(ek_pool *pool) {
    if (!pool) return;
    pthread_mutex_lock(&pool->mu);
    pool->shutdown = 1;
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->mu);
    for (int i = 0; i < pool->threads - 1; i++) pthread_join(pool->workers[i], NULL);
    free(pool->workers);
    pthread_cond_destroy(&pool->wake);
    pthread_cond_destroy(&pool->done);
    pthread_mutex_destroy(&pool->mu);
    pthread_mutex_destroy(&pool->call_mu);
    free(pool);
}

int ek_pool_threads(const ek_pool *pool) { return pool ? pool->threads : 1; }

void ek_pool_parallel_for(ek_pool *pool, int64_t n, void (*fn)(void *ctx, int64_t begin, int64_t end), void *ctx) {
    if (n <= 0) return;
    if (!pool || pool->threads <= 1 || n == 1 || tl_in_pool) {
        fn(ctx, 0, n);
        return;
    }
    const int chunks = n < pool->threads ? (int)n : pool->threads;
    pthread_mutex_lock(&pool->call_mu);
    pthread_mutex_lock(&pool->mu);
    pool->fn = fn;
    pool->ctx = ctx;
    pool->n = n;
    pool->chunks = chunks;
    pool->pending = pool->threads - 1;
    pool->generation++;
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->mu);

    tl_in_pool = 1;
    run_chunk(fn, ctx, n, chunks, 0);
    tl_in_pool = 0;

    pthread_mutex_lock(&pool->mu);
    while (pool->pending > 0) pthread_cond_wait(&pool->done, &pool->mu);
    pthread_mutex_unlock(&pool->mu);
    pthread_mutex_unlock(&pool->call_mu);
}
