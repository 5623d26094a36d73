/*
 * cmd/progress.c - the progress line (cmd/progress.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "cmd/progress.h"
#include "sdx.h"

/* seconds between redraws, and before the first: SDX_PROGRESS_INTERVAL (tests set 0) */
#define REDRAW_SECONDS 0.25

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void from_library(void *ctx, uint64_t done, uint64_t total)
{
	progress_update(ctx, done, total);
}

void progress_begin(struct progress *p, const char *what, int quiet)
{
	const char *nc = getenv("NO_COLOR"), *iv;

	p->what = what;
	p->on = !quiet && isatty(STDERR_FILENO) && !(nc && *nc);
	p->start = p->last = now();
	p->shown = 0;
	p->interval = REDRAW_SECONDS;
	if ((iv = getenv("SDX_PROGRESS_INTERVAL")) && *iv) {
		char *end;
		double v = strtod(iv, &end);
		if (*end == '\0' && v >= 0 && v <= 60)
			p->interval = v;
	}
	if (p->on)
		sdx_progress_set(from_library, p);
}

/* "1:05" or "2:03:07" */
static void clock_text(char *out, size_t cap, double seconds)
{
	unsigned long s = seconds > 0 && seconds < 1e8 ? (unsigned long)(seconds + 0.5) : 0;

	if (s >= 3600)
		snprintf(out, cap, "%lu:%02lu:%02lu", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(out, cap, "%lu:%02lu", s / 60, s % 60);
}

void progress_update_fraction(struct progress *p, uint64_t done, double fraction)
{
	double t = now(), elapsed = t - p->start, rate;
	char left[32];

	/* nothing for work done in a moment; then a few redraws a second */
	if (!p->on || elapsed < p->interval ||
	    (p->shown && t - p->last < p->interval && fraction < 1.0))
		return;
	p->last = t;
	rate = elapsed > 0 ? (double)done / elapsed : 0;
	fprintf(stderr, "\r%s: %llu", p->what, (unsigned long long)done);
	if (fraction > 0 && fraction <= 1)
		fprintf(stderr, " (%.0f%%)", 100 * fraction);
	fprintf(stderr, ", %.0f/s", rate);
	if (fraction > 0 && fraction < 1) {
		clock_text(left, sizeof(left), elapsed * (1 - fraction) / fraction);
		fprintf(stderr, ", %s left", left);
	}
	fprintf(stderr, "\033[K");
	fflush(stderr);
	p->shown = 1;
}

void progress_update(struct progress *p, uint64_t done, uint64_t total)
{
	progress_update_fraction(p, done, total ? (double)done / (double)total : -1);
}

void progress_clear(struct progress *p)
{
	if (!p->on || !p->shown)
		return;
	fprintf(stderr, "\r\033[K");
	fflush(stderr);
	p->shown = 0;
	p->last = 0;
}

void progress_end(struct progress *p)
{
	if (!p->on)
		return;
	sdx_progress_set(NULL, NULL);
	progress_clear(p);
	p->on = 0;
}
