/*
 * cmd/serve/limits.c - the request rate per token (or per client address for
 * the public reads): a token bucket of `per_second` requests, as many in a
 * burst.  A fixed table: when it is full, the bucket used least recently is
 * reused (its key starts again with a full bucket).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/serve/serve.h"

#define RATE_KEYS 512
#define KEY_MAX 64

struct bucket {
	char key[KEY_MAX];
	double tokens;
	double last;   /* seconds, monotonic */
};

struct rate_table {
	pthread_mutex_t lock;
	double per_second;
	struct bucket b[RATE_KEYS];
	size_t n;
};

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int rate_table_new(struct rate_table **out, uint64_t per_second)
{
	struct rate_table *t = calloc(1, sizeof(*t));

	*out = NULL;
	if (!t)
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	pthread_mutex_init(&t->lock, NULL);
	t->per_second = (double)per_second;
	*out = t;
	return 0;
}

void rate_table_free(struct rate_table *t)
{
	if (!t)
		return;
	pthread_mutex_destroy(&t->lock);
	free(t);
}

int rate_allow(struct rate_table *t, const char *key)
{
	double now = now_seconds();
	struct bucket *b = NULL;
	size_t i, oldest = 0;
	int ok;

	if (t->per_second <= 0)
		return 1; /* --rate 0: no limit */
	pthread_mutex_lock(&t->lock);
	for (i = 0; i < t->n; i++) {
		if (strncmp(t->b[i].key, key, KEY_MAX - 1) == 0) {
			b = &t->b[i];
			break;
		}
		if (t->b[i].last < t->b[oldest].last)
			oldest = i;
	}
	if (!b) {
		b = t->n < RATE_KEYS ? &t->b[t->n++] : &t->b[oldest];
		snprintf(b->key, sizeof(b->key), "%s", key);
		b->tokens = t->per_second;
		b->last = now;
	}
	b->tokens += (now - b->last) * t->per_second;
	if (b->tokens > t->per_second)
		b->tokens = t->per_second;
	b->last = now;
	ok = b->tokens >= 1.0;
	if (ok)
		b->tokens -= 1.0;
	pthread_mutex_unlock(&t->lock);
	return ok;
}
