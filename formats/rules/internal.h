/*
 * formats/rules/internal.h - the compliance checks' insides, shared by
 * profile.c (loading), check.c (the walk and the verdicts), claims.c
 * (substance, not-intentionally-added and claim rules), reports.c
 * (test-report rules) and origin.c (rules of origin).  Not installed.
 *
 * Every verdict carries its reason in words a compliance officer can check
 * against the documents: the values and the limit, the regulation, the
 * report relied on, or what is missing.  No threshold lives here.
 */
#ifndef SDX_RULES_INTERNAL_H
#define SDX_RULES_INTERNAL_H

#include <jansson.h>

#include "formats/graph/internal.h"
#include "sdx/provenance.h"

struct sdx_profile {
	json_t *j;
	char *source; /* file path or "builtin NAME" for messages */
};

/* One check of one profile over one graph, collecting verdicts. */
struct check {
	const sdx_graph *g;
	const json_t *profile;
	int programme;           /* kind "programme": missing evidence is not eligible */
	const char *date;
	long today;
	const char *destination; /* of the subject shipment; NULL: not recorded */
	const char *port;        /* its port of loading; NULL: not recorded */
	const struct sdx_check_options *opts;
	json_t *results;
	int worst;               /* SDX_VERDICT_*, by verdict_rank(); -1: out of memory */
	size_t coarse;           /* withheld fields where the rule being judged reads, for a
				  * kind that does not tell which it needs (check.c) */
	const char *coarse_region;
	int counts[4];
};

/*
 * Where a walk stands when it judges a record: how the record came in.  Each
 * is NULL when not known (the subject itself, or a version 1 batch that
 * records no roles).
 */
struct walk {
	const char *lot;  /* the lot of a declaration that a batch used */
	const char *via;  /* the id of the batch that consumed it */
	const char *role; /* that input's role (batch inputs[].role); "product": the subject */
	const char *hs;   /* HS code of the goods it went into */
};

/* A string member, or "". */
static inline const char *sget(const json_t *o, const char *k)
{
	return sdx__jstr(o, k, NULL);
}

/* Does `claim` cover `lot` (NULL: no particular lot)? (claims.c) */
int sdx__claim_covers(const json_t *claim, const char *lot);
/* A quantity {value, unit} in kilograms, or -1 when it is not a mass (origin.c). */
double sdx__check_kilograms(const json_t *q);

/* Days since 1970-01-01 of a valid YYYY-MM-DD (Gregorian). */
long sdx__check_days(const char *d);
/* *date, or today (UTC, written to `today`) if NULL; SDX_EINVAL if not a date. */
int sdx__check_date(const char **date, char today[21]);

/* Record the verdict of `rule` on `node` (for `lot`, reached via batch
 * `via`; either may be NULL), with its reason.  An unknown under a rule whose
 * missing evidence means fail (on_missing) is recorded as a fail. */
void sdx__check_result(struct check *c, const json_t *rule, size_t node, const char *lot,
		       const char *via, int verdict, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 7, 8)))
#endif
	;
/* Or'ed into a verdict: an unknown that on_missing does not turn into a fail
 * (the profile asked for unknown, e.g. a clause whose interpretation is pending). */
#define SDX__CHECK_FIRM 0x10

/* The declaration that speaks for `decl`'s lot at the check date: a later
 * declaration of the same ledger that supersedes it and still covers the lot
 * (depth: 0; the chain is followed at most 64 deep). */
size_t sdx__check_current(const sdx_graph *g, size_t decl, const char *lot, int depth);

/* 1 if missing or stale evidence fails `rule` (on_missing, or the profile's kind). */
int sdx__check_strict(const struct check *c, const json_t *rule);

/* ---- attribution (attributed.c, formats/trust.md) ---- */

/* Append to `note` what every verdict on statement `node` says of who stands
 * behind it: " [restated by ...]", " [CONFLICT with ...]"; nothing when it is
 * signed by the party it names. */
void sdx__check_attribution_note(char *note, size_t cap, const struct check *c, size_t node);
/* Under evidence.signed_by "issuer", a statement not signed by the party it
 * names counts as unknown: 1 with that verdict recorded, else 0. */
int sdx__check_signed_by(struct check *c, const json_t *rule, size_t node, const struct walk *w,
			 const char *note);

/* ---- plausibility (plausible_use.c, formats/plausibility.md) ---- */

/* A result per implausible fact of composite `node` against the records the
 * graph holds: "plausibility" fail, or not_applicable when unchecked (units
 * that do not compare: shown, never a pass); a misclassified item
 * "hs-classification" (unknown; a programme fails it already).  0 or the
 * error. */
int sdx__check_plausible(struct check *c, size_t node);

/* ---- scope (scope.c) ---- */

enum { SCOPE_IN, SCOPE_OUT, SCOPE_UNRECORDED };

/* Is HS `code` in `list` (prefix match on the digits, dots ignored)? */
int sdx__hs_in(const json_t *list, const char *code);
/* Does the profile cover goods of HS `code`: in its scope's hs_codes or
 * categories and not excluded?  SCOPE_IN if the profile has no HS scope.
 * OUT fills `why`; *near is set when a listed code shares the heading (the
 * first four digits): a misclassification, for a programme. */
int sdx__scope_goods(const json_t *profile, const char *code, int *near, char *why,
		     size_t cap);
/* The profile's destinations, ports and dates against the subject's. */
int sdx__scope_market(const struct check *c, char *why, size_t cap);
/* Does `rule` judge record `node`, reached as `w` says?  OUT and UNRECORDED
 * fill `why` (what is out of scope; what scope data is missing). */
int sdx__scope_rule(const struct check *c, const json_t *rule, size_t node,
		    const struct walk *w, char *why, size_t cap);

/* The check kinds (formats/profiles.md), each judging one statement or
 * record for `lot` and recording its verdict. */
void sdx__check_substances(struct check *c, const json_t *rule, size_t node, const struct walk *w);
void sdx__check_nia(struct check *c, const json_t *rule, size_t node, const struct walk *w);
void sdx__check_claim(struct check *c, const json_t *rule, size_t node, const struct walk *w);
void sdx__check_report(struct check *c, const json_t *rule, size_t node, const struct walk *w);
void sdx__check_origin(struct check *c, const json_t *rule, size_t node, const struct walk *w);
void sdx__check_listed(struct check *c, const json_t *rule, size_t node, const struct walk *w);

/* ---- threshold statements (claims.c, formats/declaration.md §5.4) ---- */

enum { SDX__STMT_OTHER, SDX__STMT_ABOVE, SDX__STMT_COVERS };

/* Does threshold statement `st` name substance `s` of a rule's list `subs`
 * (by name, alias or CAS number, as a measurement would)? */
int sdx__statement_names(const json_t *st, const json_t *subs, size_t s);
/* Its limit in mg/kg, or -1 if not a mass fraction. */
double sdx__statement_limit(const json_t *st);
/*
 * Does `st` carry a rule's bound on substances need[0..n) of `subs` at
 * lim_mgkg (comparison `cmp`)?  sum: the rule bounds their sum, which a
 * sum_at_most naming each of them carries (an at_most, for one); else the
 * rule bounds the one substance need[0], which an at_most of it or a
 * sum_at_most naming it carries (concentrations are not negative).
 * SDX__STMT_COVERS when its limit keeps to the rule's, SDX__STMT_ABOVE when
 * it names them under a higher limit, else SDX__STMT_OTHER.
 */
int sdx__statement_covers(const json_t *st, const json_t *subs, const size_t *need, size_t n,
			  int sum, double lim_mgkg, const char *cmp);
/* Is the file of report (evidence element) `e` held? */
int sdx__check_file_held(const struct check *c, const json_t *e);

/* Is statement `node` still its ledger's word at day `today`: not superseded,
 * not withdrawn with effect by then (listed.c)? */
int sdx__check_in_force(const sdx_graph *g, size_t node, long today);

#endif
