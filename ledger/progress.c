/*
 * ledger/progress.c - the calling thread's progress function
 * (sdx/progress.h), told by the long operations as they go.
 */
#include "ledger/internal.h"
#include "sdx/progress.h"

static _Thread_local sdx_progress_fn *hook;
static _Thread_local void *hook_ctx;

void sdx_progress_set(sdx_progress_fn *fn, void *ctx)
{
	hook = fn;
	hook_ctx = ctx;
}

int sdx__progress_on(void)
{
	return hook != NULL;
}

void sdx__progress(uint64_t done, uint64_t total)
{
	if (hook)
		hook(hook_ctx, done, total);
}
