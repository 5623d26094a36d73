/*
 * formats/rules/internal.h - the compliance checks' insides, shared by
 * profile.c (loading), check.c (the walk and the verdicts), claims.c
 * (substance, not-intentionally-added and claim rules) and reports.c
 * (test-report rules).  Not installed.
 *
 * Every verdict carries its reason in words a compliance officer can check
 * against the documents: the values and the limit, the regulation, the
 * report relied on, or what is missing.  No threshold lives here.
 */
#ifndef SDX_RULES_INTERNAL_H
#define SDX_RULES_INTERNAL_H

#include <jansson.h>

#include "formats/graph/internal.h"

struct sdx_profile {
	json_t *j;
	char *source; /* file path or "builtin NAME" for messages */
};

/* One check of one profile over one graph, collecting verdicts. */
struct check {
	const sdx_graph *g;
	const json_t *profile;
	const char *date;
	long today;
	json_t *results;
	int worst;      /* -1: out of memory */
	int counts[3];
};

/* A string member, or "". */
static inline const char *sget(const json_t *o, const char *k)
{
	return sdx__jstr(o, k, NULL);
}

/* Days since 1970-01-01 of a valid YYYY-MM-DD (Gregorian). */
long sdx__check_days(const char *d);

/* Record the verdict of `rule` on `node` (for `lot`, reached via batch
 * `via`; either may be NULL), with its reason. */
void sdx__check_result(struct check *c, const json_t *rule, size_t node, const char *lot,
		       const char *via, int verdict, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 7, 8)))
#endif
	;

/* The check kinds (formats/profiles.md), each judging one statement or
 * record for `lot` and recording its verdict. */
void sdx__check_substances(struct check *c, const json_t *rule, size_t node, const char *lot,
			   const char *via);
void sdx__check_nia(struct check *c, const json_t *rule, size_t node, const char *lot,
		    const char *via);
void sdx__check_claim(struct check *c, const json_t *rule, size_t node, const char *lot,
		      const char *via);
void sdx__check_report(struct check *c, const json_t *rule, size_t node, const char *lot,
		       const char *via);

#endif
