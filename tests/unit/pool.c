/*
 * tests/unit/pool.c - ledger/pool.c: every item of every batch runs exactly
 * once, whatever the number of threads, and empty batches are fine.
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "harness.h"
#include "ledger/internal.h"

struct counts {
	atomic_int *n;
};

static void bump(void *ctx, size_t i)
{
	struct counts *c = ctx;

	atomic_fetch_add(&c->n[i], 1);
}

static void each_item_once(void)
{
	static const unsigned threads[] = { 0, 1, 3, 64 };
	static const size_t sizes[] = { 0, 1, 7, 8, 9, 1000, 0, 4097 };
	struct counts c;
	size_t t, k, i;

	c.n = calloc(4097, sizeof(*c.n));
	CHECK(c.n != NULL);
	for (t = 0; t < sizeof(threads) / sizeof(threads[0]); t++) {
		struct sdx__pool *p = NULL;

		CHECK_OK(sdx__pool_new(&p, threads[t]));
		CHECK(sdx__pool_threads(p) >= 1);
		for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
			for (i = 0; i < 4097; i++)
				atomic_store(&c.n[i], 0);
			sdx__pool_submit(p, bump, &c, sizes[k]);
			sdx__pool_wait(p);
			for (i = 0; i < 4097; i++)
				CHECK(atomic_load(&c.n[i]) == (i < sizes[k] ? 1 : 0));
		}
		sdx__pool_free(p);
	}
	free(c.n);
}

/* Freed with a batch submitted and not waited for: joins, no leak. */
static void free_while_busy(void)
{
	struct sdx__pool *p = NULL;
	struct counts c;

	c.n = calloc(10000, sizeof(*c.n));
	CHECK(c.n != NULL);
	CHECK_OK(sdx__pool_new(&p, 2));
	sdx__pool_submit(p, bump, &c, 10000);
	sdx__pool_free(p);
	for (size_t i = 0; i < 10000; i++)
		CHECK(atomic_load(&c.n[i]) <= 1);
	free(c.n);
}

static const struct test_case tests[] = {
	{ "every item of every batch runs once", each_item_once },
	{ "free while a batch runs", free_while_busy },
	{ NULL, NULL }
};

TEST_MAIN(tests)
