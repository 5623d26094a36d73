/*
 * formats/rules/claims.c - the check kinds that read a declaration's claims:
 * substance limits (each or summed), not intentionally added, and claims of
 * conformity with their required elements (formats/profiles.md).
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sdx/attachment.h"
#include "sdx/provenance.h"
#include "formats/graph/attribution.h"
#include "formats/records/internal.h"
#include "formats/rules/internal.h"
#include "formats/text/l10n.h"
#include "formats/text/text.h"
#include "ledger/internal.h"

/* A number as a person writes it: 12.4, 100, 0.05. */
static void fmt_num(char *out, size_t cap, double v)
{
	sdx__text_put(out, cap, "%.6g", v);
}

static int within(double v, double limit, const char *cmp)
{
	/* compare at 1e-9 relative so unit conversion never flips a verdict at the limit */
	double eps = fabs(limit) * 1e-9;

	if (strcmp(cmp, "<") == 0)
		return v < limit - eps;
	return v <= limit + eps;
}

/* Case-insensitive: is `alias` in `s` as a whole word (not inside another name)? */
static int has_word(const char *s, const char *alias)
{
	size_t n = strlen(alias), i;

	if (!n)
		return 0;
	for (i = 0; s[i]; i++) {
		if (strncasecmp(s + i, alias, n) != 0)
			continue;
		if ((i == 0 || !isalnum((unsigned char)s[i - 1])) &&
		    !isalnum((unsigned char)s[i + n]))
			return 1;
	}
	return 0;
}

/*
 * How well a measurement names a substance of a rule: 0 not at all; else the
 * length of the longest of the substance's names found in it as a whole word
 * (a CAS number on both sides decides alone, and outranks any name).
 */
static size_t match_len(const json_t *sub, const json_t *m)
{
	const char *cas = sget(sub, "cas"), *mcas = sget(m, "cas_number"), *name = sget(m, "substance");
	const json_t *a;
	size_t i, best = 0;

	if (*cas && *mcas)
		return strcmp(cas, mcas) == 0 ? SIZE_MAX : 0;
	if (has_word(name, sget(sub, "name")))
		best = strlen(sget(sub, "name"));
	json_array_foreach(json_object_get(sub, "aliases"), i, a)
		if (has_word(name, json_string_value(a)) && strlen(json_string_value(a)) > best)
			best = strlen(json_string_value(a));
	return best;
}

/*
 * Does measurement `m` count for substance `s` of the rule's list?  It does
 * when it names it and names no other substance of the list more closely: a
 * line "organic tin" counts for "organic tin", not also for "tin".
 */
static int substance_matches(const json_t *subs, size_t s, const json_t *m)
{
	size_t mine = match_len(json_array_get(subs, s), m), k;

	if (!mine)
		return 0;
	for (k = 0; k < json_array_size(subs); k++)
		if (k != s && match_len(json_array_get(subs, k), m) > mine)
			return 0;
	return 1;
}

/* ---- threshold statements (formats/declaration.md §5.4) ---------------------------- */

/* "7439-92-1": a CAS number's shape (the record's schema checks its digit). */
static int cas_like(const char *s)
{
	size_t a = strspn(s, "0123456789"), b, c;

	if (a < 2 || a > 7 || s[a] != '-')
		return 0;
	b = strspn(s + a + 1, "0123456789");
	if (b != 2 || s[a + 1 + b] != '-')
		return 0;
	c = strspn(s + a + 2 + b, "0123456789");
	return c == 1 && !s[a + 3 + b];
}

int sdx__statement_names(const json_t *st, const json_t *subs, size_t s)
{
	const json_t *x;
	size_t i;

	json_array_foreach(json_object_get(st, "substances"), i, x) {
		const char *name = json_string_value(x);
		json_t *m;
		int yes;

		if (!name || !(m = json_pack("{s:s}", cas_like(name) ? "cas_number" : "substance", name)))
			continue;
		yes = substance_matches(subs, s, m);
		json_decref(m);
		if (yes)
			return 1;
	}
	return 0;
}

double sdx__statement_limit(const json_t *st)
{
	const json_t *l = json_object_get(st, "limit");
	double f = sdx__mass_fraction_factor(sget(l, "unit"));

	return f > 0 ? json_number_value(json_object_get(l, "value")) * f : -1;
}

int sdx__statement_covers(const json_t *st, const json_t *subs, const size_t *need, size_t n,
			  int sum, double lim_mgkg, const char *cmp)
{
	const char *kind = sget(st, "statement");
	double v = sdx__statement_limit(st);
	size_t i;

	if (!n || v < 0)
		return SDX__STMT_OTHER;
	/* at_most bounds one substance; a sum bound bounds each of its substances
	 * too (concentrations are not negative), but a sum only if it names all */
	if (strcmp(kind, "at_most") == 0) {
		if (n != 1 || json_array_size(json_object_get(st, "substances")) != 1)
			return SDX__STMT_OTHER;
	} else if (strcmp(kind, "sum_at_most") != 0 || (!sum && n != 1)) {
		return SDX__STMT_OTHER;
	}
	for (i = 0; i < n; i++)
		if (!sdx__statement_names(st, subs, need[i]))
			return SDX__STMT_OTHER;
	return within(v, lim_mgkg, cmp) ? SDX__STMT_COVERS : SDX__STMT_ABOVE;
}

/* "sum of Pb, Cd, Hg, Cr(VI) at most 100 mg/kg": a statement as the reasons print it. */
static void statement_text(char *out, size_t cap, const json_t *st)
{
	const json_t *x, *l = json_object_get(st, "limit");
	char names[300] = "", num[32];
	size_t i;

	json_array_foreach(json_object_get(st, "substances"), i, x)
		sdx__text_list(names, sizeof(names), json_string_value(x));
	fmt_num(num, sizeof(num), json_number_value(json_object_get(l, "value")));
	if (strcmp(sget(st, "statement"), "sum_at_most") == 0)
		sdx__text_put(out, cap, _("sum of %s at most %s %s"), names, num, sget(l, "unit"));
	else
		sdx__text_put(out, cap, _("%s at most %s %s"), names, num, sget(l, "unit"));
}

int sdx__claim_covers(const json_t *claim, const char *lot)
{
	const json_t *lots = json_object_get(claim, "applies_to_lots"), *x;
	size_t i;

	if (!lots || !lot)
		return 1;
	json_array_foreach(lots, i, x)
		if (strcmp(json_string_value(x), lot) == 0)
			return 1;
	return 0;
}

static const json_t *evidence_by_id(const json_t *decl, const char *id)
{
	const json_t *e;
	size_t i;

	json_array_foreach(json_object_get(decl, "evidence"), i, e)
		if (strcmp(sget(e, "id"), id) == 0)
			return e;
	return NULL;
}

/* Is the file of report `e` held (its attachment stored, so it can be read
 * and checked against its hash)?  A graph read from a bundle holds what the
 * bundle carries, which its verification required. */
int sdx__check_file_held(const struct check *c, const json_t *e)
{
	unsigned char h[32];
	const char *hex = sget(json_object_get(e, "attachment"), "sha256");

	if (!c->g->l)
		return 1;
	if (strlen(hex) != 64 || sdx__hex32_parse(h, hex) < 0)
		return 0;
	return sdx_ledger_has_attachment(c->g->l, h) == 1;
}

/* Can report `e` be relied on under the rule's evidence policy?  0 if so,
 * else 1 with the reason in `why`. */
static int report_ok(struct check *c, const json_t *policy, const json_t *e, char *why, size_t cap)
{
	const json_t *bodies, *b;
	const char *body = sget(json_object_get(e, "accreditation"), "body");
	int accredited = *body != '\0', listed = 0;
	size_t k;

	if ((sdx__graph_may_withhold(e, "valid_until") && (k = 1)) ||
	    (json_object_get(policy, "max_age_days") && sdx__graph_may_withhold(e, "issue_date") &&
	     (k = 2)) ||
	    ((json_is_true(json_object_get(policy, "accredited")) ||
	      json_object_get(policy, "accreditation_bodies")) &&
	     sdx__graph_may_withhold(e, "accreditation") && (k = 3))) {
		sdx__text_put(why, cap, _("the %s of report %s may be concealed and is not disclosed, "
			 "and this rule reads it"), k == 1 ? "valid_until" : k == 2 ? "issue_date"
			 : "accreditation", sget(e, "report_number"));
		return 1;
	}
	if (json_is_true(json_object_get(policy, "accredited")) && !accredited) {
		sdx__text_put(why, cap, _("report %s by %s names no accreditation"), sget(e, "report_number"),
			 sget(e, "lab_name"));
		return 1;
	}
	if ((bodies = json_object_get(policy, "accreditation_bodies")) && accredited) {
		json_array_foreach(bodies, k, b)
			if (strcmp(json_string_value(b), body) == 0)
				listed = 1;
		if (!listed) {
			sdx__text_put(why, cap, _("report %s is accredited by %s, not a body this profile "
				 "accepts"), sget(e, "report_number"), body);
			return 1;
		}
	}
	if (sdx__check_days(sget(e, "valid_until")) < c->today) {
		sdx__text_put(why, cap, _("report %s expired on %s (checked at %s)"),
			 sget(e, "report_number"), sget(e, "valid_until"), c->date);
		return 1;
	}
	if (json_integer_value(json_object_get(policy, "max_age_days")) &&
	    c->today - sdx__check_days(sget(e, "issue_date")) >
		    json_integer_value(json_object_get(policy, "max_age_days"))) {
		sdx__text_put(why, cap, _("report %s was issued %s, %ld days before %s; at most %lld "
			   "are allowed"), sget(e, "report_number"),
			 sget(e, "issue_date"), c->today - sdx__check_days(sget(e, "issue_date")),
			 c->date, (long long)json_integer_value(json_object_get(policy, "max_age_days")));
		return 1;
	}
	if (strcmp(sget(policy, "report_file"), "held") == 0 && !sdx__check_file_held(c, e)) {
		sdx__text_put(why, cap, _("the file of report %s is not held (withheld with the values "
			 "it holds, or not carried), and this rule reads the report itself"),
			 sget(e, "report_number"));
		return 1;
	}
	return 0;
}

/*
 * Can the claim's evidence be relied on under the rule's policy?  0 if so;
 * else SDX_VERDICT_UNKNOWN with the reason in `why`.
 */
static int evidence_ok(struct check *c, const json_t *rule, const json_t *decl,
		       const json_t *claim, char *why, size_t cap)
{
	const json_t *policy = json_object_get(rule, "evidence"), *id;
	size_t i;
	int any = 0;

	if (!policy)
		return 0;
	if (json_is_true(json_object_get(policy, "lab_test")) &&
	    strcmp(sget(claim, "basis"), "laboratory_test") != 0) {
		sdx__text_put(why, cap, _("claim %s rests on the formulation, not a laboratory test"),
			 sget(claim, "id"));
		return SDX_VERDICT_UNKNOWN;
	}
	json_array_foreach(json_object_get(claim, "evidence_ids"), i, id) {
		const json_t *e = evidence_by_id(decl, json_string_value(id));
		if (!e || report_ok(c, policy, e, why, cap))
			continue;
		any = 1;
	}
	if (!any && json_array_size(json_object_get(claim, "evidence_ids")) == 0 &&
	    (json_is_true(json_object_get(policy, "accredited")) ||
	     json_object_get(policy, "max_age_days") || json_object_get(policy, "report_file")))
		sdx__text_put(why, cap, _("claim %s cites no report"), sget(claim, "id"));
	return any ? 0 : SDX_VERDICT_UNKNOWN;
}

/* What a measurement measures, or a rule judges: total content unless it says migration. */
static const char *measure_of(const json_t *o)
{
	return strcmp(sget(o, "measure"), "migration") == 0 ? "migration" : "total content";
}

static int same_measure(const json_t *rule, const json_t *m)
{
	return strcmp(measure_of(rule), measure_of(m)) == 0;
}

struct found {
	double mgkg;      /* value in mg/kg; 0 for a non-detect */
	int nd;
	int have;
	int hidden;       /* a value it may have is withheld: concealed, not disclosed */
	char why[400];    /* evidence problem, if any */
	char hid[300];    /* what is withheld, for the reason */
};

/* Substance `s` (every one for SIZE_MAX) may have a value that is withheld. */
static void hide(struct found *f, size_t nsub, size_t s, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

static void hide(struct found *f, size_t nsub, size_t s, const char *fmt, ...)
{
	char text[300];
	va_list ap;
	size_t k;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	for (k = 0; k < nsub; k++)
		if (s == SIZE_MAX || k == s) {
			if (!f[k].hidden)
				sdx__text_put(f[k].hid, sizeof(f[k].hid), "%s", text);
			f[k].hidden = 1;
		}
}

/*
 * The worst (largest) reliable value of each substance among the claims
 * covering the lot; and which of them may have a value withheld (a concealed
 * claim, measurement, substance name or value whose disclosure is not held,
 * formats/disclosure.md): a withheld value is never counted, as 0 or else.
 */
static void measure(struct check *c, const json_t *rule, const json_t *decl, const char *lot,
		    struct found *f, size_t nsub)
{
	const json_t *subs = json_object_get(rule, "substances"), *claim, *m;
	size_t i, k, s, gone;
	char why[400], cname[80];

	memset(f, 0, nsub * sizeof(*f));
	if ((gone = sdx__graph_withheld_elements(decl, "claims")))
		hide(f, nsub, SIZE_MAX, _("%zu claim(s) of this declaration are concealed and not "
		     "disclosed"), gone);
	json_array_foreach(json_object_get(decl, "claims"), i, claim) {
		if (!sdx__claim_covers(claim, lot))
			continue;
		int ev = evidence_ok(c, rule, decl, claim, why, sizeof(why));
		if (*sget(claim, "id"))
			sdx__text_put(cname, sizeof(cname), "%s", sget(claim, "id"));
		else
			sdx__text_put(cname, sizeof(cname), "claims[%zu]", i);
		if (!ev && strcmp(sget(claim, "basis"), "formulation") != 0 &&
		    !json_object_get(json_object_get(claim, "food_contact"), "migration") &&
		    sdx__graph_may_withhold(claim, "measurements"))
			hide(f, nsub, SIZE_MAX, _("the measurements of claim %s are concealed and not "
			     "disclosed"), cname);
		if (!ev && (gone = sdx__graph_withheld_elements(claim, "measurements")))
			hide(f, nsub, SIZE_MAX, _("%zu measurement(s) of claim %s are concealed and not "
			     "disclosed"), gone, cname);
		json_array_foreach(json_object_get(claim, "measurements"), k, m) {
			if (!ev && !json_object_get(m, "substance") && !json_object_get(m, "cas_number") &&
			    sdx__graph_withheld(m)) {
				hide(f, nsub, SIZE_MAX, _("the substance of measurement %zu of claim %s is "
				     "concealed and not disclosed"), k, cname);
				continue;
			}
			if (!same_measure(rule, m)) {
				for (s = 0; s < nsub; s++)
					if (!f[s].have && substance_matches(subs, s, m))
						sdx__text_put(f[s].why, sizeof(f[s].why), _("claim %s gives %s "
							 "values only, and the rule judges %s"),
							 sget(claim, "id"), measure_of(m),
							 measure_of(rule));
				continue;
			}
			for (s = 0; s < nsub; s++) {
				double v;
				if (!substance_matches(subs, s, m))
					continue;
				if (ev) {
					if (!f[s].have)
						sdx__text_put(f[s].why, sizeof(f[s].why), "%s", why);
					continue;
				}
				if ((!json_object_get(m, "value") &&
				     !json_is_true(json_object_get(m, "below_detection"))) ||
				    !json_object_get(m, "unit")) {
					/* a value this rule needs, and not there: withheld, or
					 * (a record no sdx wrote) missing; never a 0 */
					if (sdx__graph_withheld(m))
						hide(f, nsub, s, _("the value of %s in claim %s is concealed "
						     "and not disclosed"), sget(m, "substance"), cname);
					continue;
				}
				v = json_is_true(json_object_get(m, "below_detection"))
					? 0 : json_number_value(json_object_get(m, "value")) *
						      sdx__mass_fraction_factor(sget(m, "unit"));
				if (!f[s].have || v > f[s].mgkg) {
					f[s].mgkg = v;
					f[s].nd = json_is_true(json_object_get(m, "below_detection"));
				}
				f[s].have = 1;
				f[s].why[0] = '\0';
			}
		}
	}
}

/* ---- the statements a rule may rest on ------------------------------------------- */

/* What a statement found for a rule: the one that carries it, or why none does. */
struct carried {
	const json_t *st;       /* the statement relied on, or NULL */
	size_t idx;
	const json_t *report;   /* its measured_by report */
	char why[700];          /* no statement carries it: why */
};

/* The signer of statement-bearing record `node`, for a reason: "signed by X, ...". */
static void signer_text(char *out, size_t cap, const struct check *c, size_t node,
			json_t **json)
{
	struct sdx__attribution a;

	*json = NULL;
	if (sdx__attribution_of(&a, c->g, node) < 0) {
		sdx_error_clear();
		sdx__text_put(out, cap, "%s", _("its signer could not be read"));
		return;
	}
	if (a.outcome == SDX__ATTR_SIGNED)
		sdx__text_put(out, cap, _("signed by %s, the supplier it names"), a.named.name);
	else
		sdx__attribution_text(out, cap, &a);
	*json = json_pack("{s:s, s:s, s:s}", "outcome", sdx__attribution_name(a.outcome),
			  "party", a.outcome == SDX__ATTR_SIGNED ? a.named.name
			  : a.signer ? a.signer->name : "", "key", a.key ? a.key : "");
}

/*
 * Is there a statement of `decl` that carries substances need[0..n) of the
 * rule under its limit (lim_mgkg, cmp)?  Its report must pass the rule's
 * evidence policy as a claim's would.  `sum`: the rule bounds their sum.
 */
static int carry(struct check *c, const json_t *rule, const json_t *decl, const size_t *need,
		 size_t n, int sum, double lim_mgkg, const char *cmp, struct carried *out)
{
	const json_t *subs = json_object_get(rule, "substances"), *st;
	const json_t *policy = json_object_get(rule, "evidence");
	char text[300], lim[32], why[400];
	size_t i;
	int above = 0;

	memset(out, 0, sizeof(*out));
	if (strcmp(measure_of(rule), "total content") != 0) {
		sdx__text_put(out->why, sizeof(out->why), "%s", _("a threshold statement speaks of total "
			 "content, and the rule judges migration"));
		return 0;
	}
	json_array_foreach(json_object_get(decl, "statements"), i, st) {
		const json_t *e = evidence_by_id(decl, sget(st, "measured_by"));
		int r = sdx__statement_covers(st, subs, need, n, sum, lim_mgkg, cmp);

		statement_text(text, sizeof(text), st);
		if (r == SDX__STMT_ABOVE && !above) {
			fmt_num(lim, sizeof(lim), lim_mgkg);
			sdx__text_put(out->why, sizeof(out->why), _("the statement '%s' has a limit above "
				 "the rule's (%s %s mg/kg), so it does not carry this rule"), text, cmp, lim);
			above = 1;
		}
		if (r != SDX__STMT_COVERS)
			continue;
		if (!e) {
			sdx__text_put(out->why, sizeof(out->why), _("the statement '%s' names no report of "
				 "this declaration"), text);
			continue;
		}
		if (policy && report_ok(c, policy, e, why, sizeof(why))) {
			sdx__text_put(out->why, sizeof(out->why), _("the statement '%s' rests on report %s: "
				 "%s"), text, sget(e, "report_number"), why);
			continue;
		}
		out->st = st;
		out->idx = i;
		out->report = e;
		return 1;
	}
	if (!out->why[0])
		sdx__text_put(out->why, sizeof(out->why), "%s",
			      json_array_size(json_object_get(decl, "statements"))
			      ? _("no threshold statement of this declaration carries this rule")
			      : _("the declaration makes no threshold statement that would carry it"));
	return 0;
}

/*
 * A statement that the values in view contradict: the sum of the visible
 * values of the substances it names (a lower bound of what it bounds) is
 * over its limit.  Its text in `out` and 1, else 0.
 */
static int contradicted(const json_t *rule, const json_t *decl, const struct found *f, size_t nsub,
			char *out, size_t cap)
{
	const json_t *subs = json_object_get(rule, "substances"), *st;
	char text[300], num[32];
	size_t i, s;

	json_array_foreach(json_object_get(decl, "statements"), i, st) {
		double seen = 0, v = sdx__statement_limit(st);
		int any = 0;
		if (v < 0)
			continue;
		for (s = 0; s < nsub; s++)
			if (f[s].have && sdx__statement_names(st, subs, s)) {
				seen += f[s].mgkg;
				any = 1;
			}
		if (any && !within(seen, v, "<=")) {
			statement_text(text, sizeof(text), st);
			fmt_num(num, sizeof(num), seen);
			sdx__text_put(out, cap, _("the statement '%s' is contradicted by the values "
				 "disclosed (%s mg/kg of what it bounds)"), text, num);
			return 1;
		}
	}
	return 0;
}

/* The last verdict rests on statement `cr`: say so in its evidence member. */
static void carried_evidence(struct check *c, size_t node, const struct carried *cr, json_t *signer)
{
	json_t *last = json_array_get(c->results, json_array_size(c->results) - 1);
	const json_t *e = cr->report;

	if (!last) {
		json_decref(signer);
		return;
	}
	json_object_set_new(last, "evidence", json_pack("{s:s, s:I, s:O, s:O, s:{s:s, s:s, s:s}, "
				"s:o, s:s}", "kind", "threshold_statement",
				"statement", (json_int_t)cr->idx,
				"substances", json_object_get(cr->st, "substances"),
				"limit", json_object_get(cr->st, "limit"),
				"measured_by", "id", sget(e, "id"), "report_number",
				sget(e, "report_number"), "lab_name", sget(e, "lab_name"),
				"signed_by", signer ? signer : json_null(),
				"entry", c->g->n[node].hex));
}

/* "<= 23 mg/kg": a limit as the reasons print it. */
static void limit_text(char *out, size_t cap, const json_t *limit)
{
	char num[32];

	fmt_num(num, sizeof(num), json_number_value(json_object_get(limit, "value")));
	sdx__text_put(out, cap, "%s %s %s", sget(limit, "comparison"), num, sget(limit, "unit"));
}

/* Does any substance of the rule carry a limit of its own (substance_each, formats/profiles.md)? */
static int own_limits(const json_t *subs)
{
	const json_t *x;
	size_t i;

	json_array_foreach(subs, i, x)
		if (json_object_get(x, "limit"))
			return 1;
	return 0;
}

/* Record a pass on statement `cr` of `node`, saying what it stands in for. */
static void pass_on(struct check *c, const json_t *rule, size_t node, const struct walk *w,
		    const struct carried *cr, const char *withheld, const char *seen)
{
	char text[300], who[3 * SDX_PARTY_NAME_MAX];
	json_t *signer;

	statement_text(text, sizeof(text), cr->st);
	signer_text(who, sizeof(who), c, node, &signer);
	sdx__check_result(c, rule, node, w->lot, w->via, SDX_VERDICT_PASS, _("on the threshold "
			  "statement '%s' (statements[%zu], measured by report %s of %s; %s), which "
			  "stands in for what is withheld: %s%s%s"), text, cr->idx,
			  sget(cr->report, "report_number"), sget(cr->report, "lab_name"), who,
			  withheld, seen[0] ? _("; in view: ") : "", seen);
	carried_evidence(c, node, cr, signer);
}

void sdx__check_substances(struct check *c, const json_t *rule, size_t node, const struct walk *w)
{
	const char *lot = w->lot, *via = w->via;
	const json_t *decl = sdx__graph_body(c->g, &c->g->n[node]), *subs = json_object_get(rule, "substances");
	const json_t *limit = json_object_get(rule, "limit");
	const char *unit = sget(limit, "unit"), *cmp = sget(limit, "comparison");
	int is_sum = strcmp(sget(rule, "check"), "substance_sum") == 0;
	int own = !is_sum && own_limits(subs);
	double f_unit = sdx__mass_fraction_factor(unit), lim = json_number_value(json_object_get(limit, "value"));
	size_t nsub = json_array_size(subs), s, *need = calloc(nsub ? nsub : 1, sizeof(size_t));
	struct found *f = calloc(nsub ? nsub : 1, sizeof(*f));
	struct carried cr, one;
	char parts[900], num[32], missing[400], over[600], limtxt[64], *why = NULL;
	char hidden[600], unheld[900], contra[500];
	const char *hid = NULL;
	double sum = 0;
	int nmissing = 0, nover = 0, nhidden = 0, ncarried = 0;

	if (!f || !need) {
		free(f);
		free(need);
		c->worst = -1;
		return;
	}
	measure(c, rule, decl, lot, f, nsub);
	parts[0] = missing[0] = over[0] = limtxt[0] = hidden[0] = unheld[0] = contra[0] = '\0';
	memset(&cr, 0, sizeof(cr));
	if (limit)
		limit_text(limtxt, sizeof(limtxt), limit);
	for (s = 0; s < nsub; s++) {
		const json_t *sub = json_array_get(subs, s), *sl = json_object_get(sub, "limit");
		const char *name = sget(sub, "name"), *su = unit, *sc = cmp;
		double sf = f_unit, slim = lim;
		size_t pl = strlen(parts), ml = strlen(missing), ol = strlen(over);
		need[s] = s;
		if (!is_sum && sl) {
			/* this substance's own limit, in its own unit */
			su = sget(sl, "unit");
			sc = sget(sl, "comparison");
			sf = sdx__mass_fraction_factor(su);
			slim = json_number_value(json_object_get(sl, "value"));
		}
		if (f[s].hidden) {
			/* a value withheld: not counted, never as 0; for a limit of its
			 * own, a statement may carry it (a sum rule's: below) */
			nhidden++;
			if (!hid)
				hid = f[s].hid;
			sdx__text_list(hidden, sizeof(hidden), f[s].hid);
			if (!is_sum && carry(c, rule, decl, &need[s], 1, 0, slim * sf, sc, &one)) {
				if (!ncarried++)
					cr = one;
			} else if (!is_sum) {
				size_t ul = strlen(unheld);
				sdx__text_put(unheld + ul, sizeof(unheld) - ul, "%s%s: %s", ul ? "; " : "",
					      f[s].hid, one.why);
			}
		}
		if (!f[s].have) {
			if (f[s].hidden)
				continue;
			sdx__text_put(missing + ml, sizeof(missing) - ml, "%s%s", ml ? ", " : "", name);
			nmissing++;
			if (f[s].why[0] && !why)
				why = f[s].why;
			continue;
		}
		fmt_num(num, sizeof(num), f[s].mgkg / sf);
		sdx__text_put(parts + pl, sizeof(parts) - pl, "%s%s %s%s%s", pl ? (is_sum ? " + " : ", ") : "",
			 name, f[s].nd ? _("not detected") : num, f[s].nd ? "" : " ", f[s].nd ? "" : su);
		sum += f[s].mgkg / sf;
		if (!is_sum && !within(f[s].mgkg / sf, slim, sc)) {
			if (own) {
				char lt[64];
				limit_text(lt, sizeof(lt), sl ? sl : limit);
				sdx__text_put(over + ol, sizeof(over) - ol, _("%s%s %s %s over its limit (%s)"), ol ? ", " : "",
					 name, num, su, lt);
			} else
				sdx__text_put(over + ol, sizeof(over) - ol, "%s%s %s %s", ol ? ", " : "", name, num,
					 su);
			nover++;
		}
	}
	fmt_num(num, sizeof(num), sum);
	if (is_sum) {
		if (!within(sum, lim, cmp))
			sdx__check_result(c, rule, node, lot, via, SDX_VERDICT_FAIL, _("%s = %s %s, over the limit "
					  "(%s)%s%s"), parts, num, unit, limtxt, nmissing || nhidden
					  ? _("; not even counting ") : "", nmissing ? missing : hidden);
		else if (contradicted(rule, decl, f, nsub, contra, sizeof(contra)))
			sdx__check_result(c, rule, node, lot, via, SDX_VERDICT_FAIL, "%s", contra);
		else if (nhidden && carry(c, rule, decl, need, nsub, 1, lim * f_unit, cmp, &cr))
			pass_on(c, rule, node, w, &cr, hidden, parts);
		else if (nhidden)
			sdx__check_result(c, rule, node, lot, via, SDX_VERDICT_UNKNOWN, _("%s; %s; the values "
					  "in view sum to %s %s (limit %s)"), hidden, cr.why, num, unit,
					  limtxt);
		else if (nmissing)
			sdx__check_result(c, rule, node, lot, via, SDX_VERDICT_UNKNOWN, _("no reliable value for %s%s%s"
					  "; the rest sums to %s %s (limit %s)"), missing, why ? ": " : "",
					  why ? why : "", num, unit, limtxt);
		else
			sdx__check_result(c, rule, node, lot, via, SDX_VERDICT_PASS, _("%s = %s %s (limit %s)"), parts,
					  num, unit, limtxt);
	} else if (nover) {
		if (own)
			sdx__check_result(c, rule, node, lot, via, SDX_VERDICT_FAIL, "%s", over);
		else
			sdx__check_result(c, rule, node, lot, via, SDX_VERDICT_FAIL, _("%s over the limit (%s each)"),
					  over, limtxt);
	} else if (contradicted(rule, decl, f, nsub, contra, sizeof(contra))) {
		sdx__check_result(c, rule, node, lot, via, SDX_VERDICT_FAIL, "%s", contra);
	} else if (nhidden > ncarried) {
		sdx__check_result(c, rule, node, lot, via, SDX_VERDICT_UNKNOWN, "%s", unheld);
	} else if (nmissing) {
		sdx__check_result(c, rule, node, lot, via, SDX_VERDICT_UNKNOWN, _("no reliable value for %s%s%s"),
				  missing, why ? ": " : "", why ? why : "");
	} else if (ncarried) {
		pass_on(c, rule, node, w, &cr, hidden, parts);
	} else if (own) {
		sdx__check_result(c, rule, node, lot, via, SDX_VERDICT_PASS, _("%s (each within its own "
				  "limit)"), parts);
	} else {
		sdx__check_result(c, rule, node, lot, via, SDX_VERDICT_PASS, _("%s (each %s)"), parts, limtxt);
	}
	free(f);
	free(need);
}

/*
 * Claims of `decl` a rule on `topic` cannot see whole: concealed ones, or
 * ones whose topic, or conformance under that topic, is withheld (any of them may declare a failure).
 * The reason in `out` (for `lot`) and their number, or 0.
 */
static size_t claims_in_doubt(const json_t *decl, const char *lot, const char *topic, char *out,
			      size_t cap)
{
	const json_t *claim;
	size_t i, n = sdx__graph_withheld_elements(decl, "claims");

	out[0] = '\0';
	if (n)
		sdx__text_put(out, cap, _("%zu claim(s) of this declaration are concealed and not "
			 "disclosed, and one may declare that the material does not conform"), n);
	json_array_foreach(json_object_get(decl, "claims"), i, claim) {
		if (!sdx__claim_covers(claim, lot) ||
		    (json_object_get(claim, "topic") && strcmp(sget(claim, "topic"), topic) != 0) ||
		    !(sdx__graph_may_withhold(claim, "topic") ||
		    sdx__graph_may_withhold(claim, "conformance")))
			continue;
		if (!n++)
			sdx__text_put(out, cap, _("the %s of claim %s is concealed and not disclosed"),
				 json_object_get(claim, "topic") ? "conformance" : "topic",
				 *sget(claim, "id") ? sget(claim, "id") : "?");
	}
	return n;
}

void sdx__check_nia(struct check *c, const json_t *rule, size_t node, const struct walk *w)
{
	const char *lot = w->lot, *via = w->via;
	const json_t *decl = sdx__graph_body(c->g, &c->g->n[node]), *claim;
	const char *topic = sget(rule, "topic");
	char doubt[300], hid[300];
	size_t i;

	hid[0] = '\0';
	json_array_foreach(json_object_get(decl, "claims"), i, claim) {
		if (!sdx__claim_covers(claim, lot) || strcmp(sget(claim, "topic"), topic) != 0)
			continue;
		if (strcmp(sget(claim, "conformance"), "does_not_conform") == 0) {
			sdx__check_result(c, rule, node, lot, via, SDX_VERDICT_FAIL, _("claim %s declares the "
					  "material does not conform for %s"), sget(claim, "id"), topic);
			return;
		}
		if (json_is_true(json_object_get(claim, "not_intentionally_added"))) {
			if (claims_in_doubt(decl, lot, topic, doubt, sizeof(doubt)))
				sdx__check_result(c, rule, node, lot, via, SDX_VERDICT_UNKNOWN, _("claim %s: "
						  "no %s intentionally added; but %s"), sget(claim, "id"),
						  topic, doubt);
			else
				sdx__check_result(c, rule, node, lot, via, SDX_VERDICT_PASS, _("claim %s: no "
						  "%s intentionally added"), sget(claim, "id"), topic);
			return;
		}
		if (!hid[0] && sdx__graph_may_withhold(claim, "not_intentionally_added"))
			sdx__text_put(hid, sizeof(hid), _(": what claim %s says of intentional addition "
				 "may be concealed and not disclosed"), sget(claim, "id"));
	}
	if (!hid[0] && claims_in_doubt(decl, lot, topic, doubt, sizeof(doubt)))
		sdx__text_put(hid, sizeof(hid), ": %s", doubt);
	sdx__check_result(c, rule, node, lot, via, SDX_VERDICT_UNKNOWN, _("no claim states that no %s are "
			  "intentionally added%s"), topic, hid);
}

static int regulation_matches(const json_t *rule, const json_t *claim)
{
	const json_t *want = json_object_get(rule, "regulation_match"), *w, *r;
	size_t i, k;

	if (!want)
		return 1;
	json_array_foreach(json_object_get(claim, "regulations"), i, r)
		json_array_foreach(want, k, w)
			if (strstr(json_string_value(r), json_string_value(w)))
				return 1;
	return 0;
}

void sdx__check_claim(struct check *c, const json_t *rule, size_t node, const struct walk *w)
{
	const char *lot = w->lot, *via = w->via;
	const json_t *decl = sdx__graph_body(c->g, &c->g->n[node]), *claim, *req = json_object_get(rule, "require_fields");
	const char *topic = sget(rule, "topic");
	char why[400], missing[300], doubt[300];
	size_t i, k;
	json_t *x;
	int best = -1, concealed;

	why[0] = '\0';
	json_array_foreach(json_object_get(decl, "claims"), i, claim) {
		const json_t *fc = json_object_get(claim, "food_contact");
		int ev;
		if (!sdx__claim_covers(claim, lot) || strcmp(sget(claim, "topic"), topic) != 0 ||
		    !regulation_matches(rule, claim))
			continue;
		if (strcmp(sget(claim, "conformance"), "does_not_conform") == 0) {
			sdx__check_result(c, rule, node, lot, via, SDX_VERDICT_FAIL, _("claim %s (%s) declares the "
					  "material does not conform"), sget(claim, "id"),
					  json_string_value(json_array_get(json_object_get(claim, "regulations"), 0)));
			return;
		}
		missing[0] = '\0';
		concealed = 0;
		json_array_foreach(req, k, x) {
			size_t ml = strlen(missing);
			if (!json_object_get(fc, json_string_value(x)) && !json_object_get(claim, json_string_value(x))) {
				sdx__text_put(missing + ml, sizeof(missing) - ml, "%s%s", ml ? ", " : "",
					 json_string_value(x));
				concealed |= sdx__graph_withheld(claim) || sdx__graph_withheld(fc);
			}
		}
		if (missing[0]) {
			sdx__text_put(why, sizeof(why), concealed ? _("claim %s lacks %s, or holds it "
				 "concealed and not disclosed") : _("claim %s lacks %s"), sget(claim, "id"),
				 missing);
			best = SDX_VERDICT_UNKNOWN;
			continue;
		}
		if ((ev = evidence_ok(c, rule, decl, claim, why, sizeof(why))) != 0) {
			best = ev;
			continue;
		}
		if (claims_in_doubt(decl, lot, topic, doubt, sizeof(doubt))) {
			sdx__text_put(why, sizeof(why), _("claim %s conforms to %s; but %s"), sget(claim, "id"),
				 json_string_value(json_array_get(json_object_get(claim, "regulations"), 0)),
				 doubt);
			best = SDX_VERDICT_UNKNOWN;
			break;
		}
		sdx__check_result(c, rule, node, lot, via, SDX_VERDICT_PASS, _("claim %s: conforms to %s%s"),
				  sget(claim, "id"),
				  json_string_value(json_array_get(json_object_get(claim, "regulations"), 0)),
				  json_array_size(req) ? _(", with every required element") : "");
		return;
	}
	if (best < 0)
		sdx__text_put(why, sizeof(why), _("no %s claim%s%s"), topic,
			 json_object_get(rule, "regulation_match") ? _(" under ") : "",
			 json_object_get(rule, "regulation_match")
				 ? json_string_value(json_array_get(json_object_get(rule, "regulation_match"), 0))
				 : "");
	sdx__check_result(c, rule, node, lot, via, SDX_VERDICT_UNKNOWN, "%s", why);
}
