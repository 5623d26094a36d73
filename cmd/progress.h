/*
 * cmd/progress.h - a progress line on stderr for long commands: count, rate
 * and, when the total or the fraction done is known, the time left.
 *
 * Shown only when stderr is a terminal and NO_COLOR is unset, and never
 * with --quiet, so pipes and CI logs get nothing; not before a quarter of a
 * second has passed (SDX_PROGRESS_INTERVAL=SECONDS changes that, for tests).  Order of calls:
 * progress_begin() (which also hands libsdx's long operations the line, see
 * sdx/progress.h), then progress_update() as work gets done (or let the
 * library call it), progress_end() before printing the result.
 */
#ifndef SDX_CMD_PROGRESS_H
#define SDX_CMD_PROGRESS_H

#include <stdint.h>

struct progress {
	const char *what;   /* "verify", "import", ... */
	int on;
	double start, last; /* monotonic seconds */
	double interval;    /* between redraws, and before the first */
	int shown;          /* a line is on the terminal */
};

/* Start a line for `what` (borrowed), unless quiet or stderr is no terminal. */
void progress_begin(struct progress *p, const char *what, int quiet);

/* `done` items so far; total 0 if not known.  Redraws at most 4 times a second. */
void progress_update(struct progress *p, uint64_t done, uint64_t total);

/* As progress_update() with the fraction done (0..1) instead of a total: bytes read of a file. */
void progress_update_fraction(struct progress *p, uint64_t done, double fraction);

/* Erase the line before other output to the terminal; the next update draws it again. */
void progress_clear(struct progress *p);

/* Clear the line and stop hearing from libsdx. */
void progress_end(struct progress *p);

#endif
