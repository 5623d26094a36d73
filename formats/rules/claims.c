/*
 * formats/rules/claims.c - the check kinds that read a declaration's claims:
 * substance limits (each or summed), not intentionally added, and claims of
 * conformity with their required elements (formats/profiles.md).
 */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sdx/provenance.h"
#include "formats/records/internal.h"
#include "formats/rules/internal.h"
#include "formats/text/l10n.h"
#include "formats/text/text.h"

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

/*
 * Can the claim's evidence be relied on under the rule's policy?  0 if so;
 * else SDX_VERDICT_UNKNOWN with the reason in `why`.
 */
static int evidence_ok(struct check *c, const json_t *rule, const json_t *decl,
		       const json_t *claim, char *why, size_t cap)
{
	const json_t *policy = json_object_get(rule, "evidence"), *id, *bodies;
	size_t i, k;
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
		const char *body = sget(json_object_get(e, "accreditation"), "body");
		int accredited = *body != '\0';
		if (!e)
			continue;
		if (json_is_true(json_object_get(policy, "accredited")) && !accredited) {
			sdx__text_put(why, cap, _("report %s by %s names no accreditation"), sget(e, "report_number"),
				 sget(e, "lab_name"));
			continue;
		}
		if ((bodies = json_object_get(policy, "accreditation_bodies")) && accredited) {
			int listed = 0;
			json_t *b;
			json_array_foreach(bodies, k, b)
				if (strcmp(json_string_value(b), body) == 0)
					listed = 1;
			if (!listed) {
				sdx__text_put(why, cap, _("report %s is accredited by %s, not a body this profile "
					 "accepts"), sget(e, "report_number"), body);
				continue;
			}
		}
		if (sdx__check_days(sget(e, "valid_until")) < c->today) {
			sdx__text_put(why, cap, _("report %s expired on %s (checked at %s)"),
				 sget(e, "report_number"), sget(e, "valid_until"), c->date);
			continue;
		}
		if (json_integer_value(json_object_get(policy, "max_age_days")) &&
		    c->today - sdx__check_days(sget(e, "issue_date")) >
			    json_integer_value(json_object_get(policy, "max_age_days"))) {
			sdx__text_put(why, cap, _("report %s was issued %s, %ld days before %s; at most %lld "
				   "are allowed"), sget(e, "report_number"),
				 sget(e, "issue_date"), c->today - sdx__check_days(sget(e, "issue_date")),
				 c->date, (long long)json_integer_value(json_object_get(policy, "max_age_days")));
			continue;
		}
		any = 1;
	}
	if (!any && json_array_size(json_object_get(claim, "evidence_ids")) == 0 &&
	    (json_is_true(json_object_get(policy, "accredited")) ||
	     json_object_get(policy, "max_age_days")))
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
	char why[400];    /* evidence problem, if any */
};

/* The worst (largest) reliable value of each substance among the claims covering the lot. */
static void measure(struct check *c, const json_t *rule, const json_t *decl, const char *lot,
		    struct found *f, size_t nsub)
{
	const json_t *subs = json_object_get(rule, "substances"), *claim, *m;
	size_t i, k, s;
	char why[400];

	memset(f, 0, nsub * sizeof(*f));
	json_array_foreach(json_object_get(decl, "claims"), i, claim) {
		if (!sdx__claim_covers(claim, lot))
			continue;
		int ev = evidence_ok(c, rule, decl, claim, why, sizeof(why));
		json_array_foreach(json_object_get(claim, "measurements"), k, m) {
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

void sdx__check_substances(struct check *c, const json_t *rule, size_t node, const struct walk *w)
{
	const char *lot = w->lot, *via = w->via;
	const json_t *decl = sdx__graph_body(c->g, &c->g->n[node]), *subs = json_object_get(rule, "substances");
	const json_t *limit = json_object_get(rule, "limit");
	const char *unit = sget(limit, "unit"), *cmp = sget(limit, "comparison");
	int is_sum = strcmp(sget(rule, "check"), "substance_sum") == 0;
	int own = !is_sum && own_limits(subs);
	double f_unit = sdx__mass_fraction_factor(unit), lim = json_number_value(json_object_get(limit, "value"));
	size_t nsub = json_array_size(subs), s;
	struct found *f = calloc(nsub ? nsub : 1, sizeof(*f));
	char parts[900], num[32], missing[400], over[600], limtxt[64], *why = NULL;
	double sum = 0;
	int nmissing = 0, nover = 0;

	if (!f) {
		c->worst = -1;
		return;
	}
	measure(c, rule, decl, lot, f, nsub);
	parts[0] = missing[0] = over[0] = limtxt[0] = '\0';
	if (limit)
		limit_text(limtxt, sizeof(limtxt), limit);
	for (s = 0; s < nsub; s++) {
		const json_t *sub = json_array_get(subs, s), *sl = json_object_get(sub, "limit");
		const char *name = sget(sub, "name"), *su = unit, *sc = cmp;
		double sf = f_unit, slim = lim;
		size_t pl = strlen(parts), ml = strlen(missing), ol = strlen(over);
		if (!is_sum && sl) {
			/* this substance's own limit, in its own unit */
			su = sget(sl, "unit");
			sc = sget(sl, "comparison");
			sf = sdx__mass_fraction_factor(su);
			slim = json_number_value(json_object_get(sl, "value"));
		}
		if (!f[s].have) {
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
					  "(%s)%s%s"), parts, num, unit, limtxt, nmissing ? _("; not even counting ") : "",
					  nmissing ? missing : "");
		else if (nmissing)
			sdx__check_result(c, rule, node, lot, via, SDX_VERDICT_UNKNOWN, _("no reliable value for %s%s%s"
					  "; the rest sums to %s %s (limit %s)"), missing, why ? ": " : "",
					  why ? why : "", num, unit, limtxt);
		else
			sdx__check_result(c, rule, node, lot, via, SDX_VERDICT_PASS, _("%s = %s %s (limit %s)"), parts,
					  num, unit, limtxt);
	} else if (own) {
		if (nover)
			sdx__check_result(c, rule, node, lot, via, SDX_VERDICT_FAIL, "%s", over);
		else if (nmissing)
			sdx__check_result(c, rule, node, lot, via, SDX_VERDICT_UNKNOWN, _("no reliable value for %s%s%s"),
					  missing, why ? ": " : "", why ? why : "");
		else
			sdx__check_result(c, rule, node, lot, via, SDX_VERDICT_PASS, _("%s (each within its own "
					  "limit)"), parts);
	} else {
		if (nover)
			sdx__check_result(c, rule, node, lot, via, SDX_VERDICT_FAIL, _("%s over the limit (%s each)"),
					  over, limtxt);
		else if (nmissing)
			sdx__check_result(c, rule, node, lot, via, SDX_VERDICT_UNKNOWN, _("no reliable value for %s%s%s"),
					  missing, why ? ": " : "", why ? why : "");
		else
			sdx__check_result(c, rule, node, lot, via, SDX_VERDICT_PASS, _("%s (each %s)"), parts, limtxt);
	}
	free(f);
}

void sdx__check_nia(struct check *c, const json_t *rule, size_t node, const struct walk *w)
{
	const char *lot = w->lot, *via = w->via;
	const json_t *decl = sdx__graph_body(c->g, &c->g->n[node]), *claim;
	const char *topic = sget(rule, "topic");
	size_t i;

	json_array_foreach(json_object_get(decl, "claims"), i, claim) {
		if (!sdx__claim_covers(claim, lot) || strcmp(sget(claim, "topic"), topic) != 0)
			continue;
		if (strcmp(sget(claim, "conformance"), "does_not_conform") == 0) {
			sdx__check_result(c, rule, node, lot, via, SDX_VERDICT_FAIL, _("claim %s declares the "
					  "material does not conform for %s"), sget(claim, "id"), topic);
			return;
		}
		if (json_is_true(json_object_get(claim, "not_intentionally_added"))) {
			sdx__check_result(c, rule, node, lot, via, SDX_VERDICT_PASS, _("claim %s: no %s intentionally "
					  "added"), sget(claim, "id"), topic);
			return;
		}
	}
	sdx__check_result(c, rule, node, lot, via, SDX_VERDICT_UNKNOWN, _("no claim states that no %s are "
			  "intentionally added"), topic);
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
	char why[400], missing[300];
	size_t i, k;
	json_t *x;
	int best = -1;

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
		json_array_foreach(req, k, x) {
			size_t ml = strlen(missing);
			if (!json_object_get(fc, json_string_value(x)) && !json_object_get(claim, json_string_value(x)))
				sdx__text_put(missing + ml, sizeof(missing) - ml, "%s%s", ml ? ", " : "",
					 json_string_value(x));
		}
		if (missing[0]) {
			sdx__text_put(why, sizeof(why), _("claim %s lacks %s"), sget(claim, "id"), missing);
			best = SDX_VERDICT_UNKNOWN;
			continue;
		}
		if ((ev = evidence_ok(c, rule, decl, claim, why, sizeof(why))) != 0) {
			best = ev;
			continue;
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
