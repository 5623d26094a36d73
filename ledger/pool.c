/*
 * ledger/pool.c - worker threads that live across batches.
 *
 * The caller submits a batch of n independent items, does its own work
 * (reading the next batch, in-order checks of the previous one) while the
 * workers claim items a few at a time, then waits; while it waits it claims
 * items too.  So a pool that could start no thread still finishes every batch.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ledger/internal.h"

#define POOL_MAX_THREADS 64
#define CLAIM 8

struct sdx__pool {
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	sdx__pool_fn fn;
	void *ctx;
	size_t n, next, finished;
	int quit;
	pthread_t tid[POOL_MAX_THREADS];
	unsigned started;
};

/* Claim and run up to CLAIM items; 0 if none was left.  Called locked. */
static int step(struct sdx__pool *p)
{
	size_t from = p->next, to, i;
	sdx__pool_fn fn = p->fn;
	void *ctx = p->ctx;

	if (from >= p->n)
		return 0;
	to = from + CLAIM < p->n ? from + CLAIM : p->n;
	p->next = to;
	pthread_mutex_unlock(&p->mu);
	for (i = from; i < to; i++)
		fn(ctx, i);
	pthread_mutex_lock(&p->mu);
	p->finished += to - from;
	if (p->finished == p->n)
		pthread_cond_broadcast(&p->done);
	return 1;
}

static void *worker(void *arg)
{
	struct sdx__pool *p = arg;

	pthread_mutex_lock(&p->mu);
	while (!p->quit)
		if (!step(p))
			pthread_cond_wait(&p->work, &p->mu);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

int sdx__pool_new(struct sdx__pool **out, unsigned threads)
{
	struct sdx__pool *p;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	*out = NULL;
	if (!(p = calloc(1, sizeof(*p))))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	if (threads == 0)
		threads = ncpu > 0 ? (unsigned)ncpu : 1;
	if (threads > POOL_MAX_THREADS)
		threads = POOL_MAX_THREADS;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	while (p->started < threads && pthread_create(&p->tid[p->started], NULL, worker, p) == 0)
		p->started++;
	*out = p;
	return 0;
}

unsigned sdx__pool_threads(const struct sdx__pool *p)
{
	return p->started ? p->started : 1;
}

void sdx__pool_submit(struct sdx__pool *p, sdx__pool_fn fn, void *ctx, size_t n)
{
	pthread_mutex_lock(&p->mu);
	p->fn = fn;
	p->ctx = ctx;
	p->n = n;
	p->next = p->finished = 0;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
}

void sdx__pool_wait(struct sdx__pool *p)
{
	pthread_mutex_lock(&p->mu);
	while (step(p))
		;
	while (p->finished < p->n)
		pthread_cond_wait(&p->done, &p->mu);
	pthread_mutex_unlock(&p->mu);
}

void sdx__pool_free(struct sdx__pool *p)
{
	unsigned t;

	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->quit = 1;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
	for (t = 0; t < p->started; t++)
		pthread_join(p->tid[t], NULL);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->done);
	free(p);
}
