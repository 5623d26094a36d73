/*
 * formats/rules/profile.c - compliance profiles (formats/profiles.md): load and
 * validate them, and evaluate their rules over a provenance graph.
 *
 * Every verdict carries its reason in words a compliance officer can check
 * against the documents: the values and the limit, the regulation, the
 * report relied on, or what is missing.  No threshold lives here.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sdx/provenance.h"
#include "formats/graph/internal.h"
#include "formats/records/internal.h"
#include "formats/schema/schema.h"
#include "ledger/internal.h"

struct sdx_embedded_schema {
	const char *name;
	const char *text;
	size_t len;
};
extern const struct sdx_embedded_schema sdx_embedded_profiles[];

#define PROFILE_MAX (1024 * 1024)
#define MAX_SUBJECTS_PER_NODE 16

struct sdx_profile {
	json_t *j;
	char *source; /* file path or "builtin NAME" for messages */
};

/* ---- loading ------------------------------------------------------------------------- */

static int load_text(sdx_profile **out, const char *text, size_t len, const char *source)
{
	const struct sdx_schema *schema;
	sdx_profile *p;
	json_t *j = NULL;
	int err;

	if ((err = sdx__json_parse(&j, text, len, 32, source)) < 0)
		return err;
	if ((err = sdx__schema_named(&schema, "profile")) < 0 ||
	    (err = sdx__schema_validate(schema, j)) < 0) {
		json_decref(j);
		return sdx__error_prefix(err, source);
	}
	if (!(p = calloc(1, sizeof(*p))) || !(p->source = strdup(source))) {
		free(p);
		json_decref(j);
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	}
	p->j = j;
	*out = p;
	return 0;
}

const char *sdx_profile_builtin(size_t i)
{
	size_t k;

	for (k = 0; k <= i; k++)
		if (!sdx_embedded_profiles[k].name)
			return NULL;
	return sdx_embedded_profiles[i].name;
}

int sdx_profile_load(sdx_profile **out, const char *name_or_path)
{
	char what[600], *buf = NULL;
	size_t n = strlen(name_or_path), i, got;
	FILE *f;
	int err;

	*out = NULL;
	if (!strchr(name_or_path, '/') && !(n > 5 && strcmp(name_or_path + n - 5, ".json") == 0)) {
		for (i = 0; sdx_embedded_profiles[i].name; i++)
			if (strcmp(sdx_embedded_profiles[i].name, name_or_path) == 0) {
				snprintf(what, sizeof(what), "profile '%s'", name_or_path);
				return load_text(out, sdx_embedded_profiles[i].text,
						 sdx_embedded_profiles[i].len, what);
			}
		return sdx_error_set(SDX_ENOTFOUND, "no profile named '%s' (see 'sdx check "
				     "--list'; or give a file path)", name_or_path);
	}
	snprintf(what, sizeof(what), "'%s'", name_or_path);
	if (!(f = fopen(name_or_path, "rb")))
		return sdx_error_set(errno == ENOENT ? SDX_ENOTFOUND : SDX_EIO, "%s: %s", what,
				     strerror(errno));
	if (!(buf = malloc(PROFILE_MAX + 1))) {
		fclose(f);
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	}
	got = fread(buf, 1, PROFILE_MAX + 1, f);
	err = ferror(f) ? sdx_error_set(SDX_EIO, "%s: %s", what, strerror(errno)) : 0;
	fclose(f);
	if (!err && got > PROFILE_MAX)
		err = sdx_error_set(SDX_ELIMIT, "%s: larger than %d bytes", what, PROFILE_MAX);
	if (!err)
		err = load_text(out, buf, got, what);
	free(buf);
	return err;
}

void sdx_profile_free(sdx_profile *p)
{
	if (p) {
		json_decref(p->j);
		free(p->source);
		free(p);
	}
}

const char *sdx_profile_name(const sdx_profile *p)
{
	return json_string_value(json_object_get(p->j, "name"));
}

const char *sdx_profile_title(const sdx_profile *p)
{
	return json_string_value(json_object_get(p->j, "title"));
}

/* ---- small helpers ------------------------------------------------------------------ */

static const char *sget(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

/* Days since 1970-01-01 of a valid YYYY-MM-DD (Gregorian). */
static long days_of(const char *d)
{
	long y = strtol(d, NULL, 10), m = strtol(d + 5, NULL, 10), day = strtol(d + 8, NULL, 10);
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* A number as a person writes it: 12.4, 100, 0.05. */
static void fmt_num(char *out, size_t cap, double v)
{
	snprintf(out, cap, "%.6g", v);
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

static int substance_matches(const json_t *sub, const json_t *m)
{
	const char *cas = sget(sub, "cas"), *mcas = sget(m, "cas_number"), *name = sget(m, "substance");
	const json_t *a;
	size_t i;

	if (*cas && *mcas)
		return strcmp(cas, mcas) == 0;
	if (has_word(name, sget(sub, "name")))
		return 1;
	json_array_foreach(json_object_get(sub, "aliases"), i, a)
		if (has_word(name, json_string_value(a)))
			return 1;
	return 0;
}

/* Does `claim` cover `lot` (NULL: no particular lot)? */
static int claim_covers(const json_t *claim, const char *lot)
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

/* ---- results ------------------------------------------------------------------------ */

struct check {
	const sdx_graph *g;
	const json_t *profile;
	const char *date;
	long today;
	json_t *results;
	int worst;
	int counts[3];
};

static const char *const verdict_names[] = { "pass", "unknown", "fail" };

static void result(struct check *c, const json_t *rule, size_t node, const char *lot,
		   const char *via, int verdict, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 7, 8)))
#endif
	;

static void result(struct check *c, const json_t *rule, size_t node, const char *lot,
		   const char *via, int verdict, const char *fmt, ...)
{
	const struct gnode *n = &c->g->n[node];
	char reason[1200], label[600];
	json_t *subject;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	sdx__graph_label(label, sizeof(label), c->g, node);
	subject = json_pack("{s:s, s:s, s:s, s:I, s:s}", "ref", n->hex, "type",
			    n->kind == NODE_BATCH ? "batch" : "declaration", "origin", n->origin,
			    "index", (json_int_t)n->index, "label", label);
	if (lot)
		json_object_set_new(subject, "lot", json_string(lot));
	if (via)
		json_object_set_new(subject, "via", json_string(via));
	json_array_append_new(c->results,
			      json_pack("{s:s, s:s, s:s, s:s, s:o, s:s}", "rule", sget(rule, "id"),
					"title", sget(rule, "title"), "regulation",
					sget(rule, "regulation"), "verdict", verdict_names[verdict],
					"subject", subject, "reason", reason));
	c->counts[verdict]++;
	if (verdict > c->worst)
		c->worst = verdict;
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
		snprintf(why, cap, "claim %s rests on the formulation, not a laboratory test",
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
			snprintf(why, cap, "report %s by %s names no accreditation", sget(e, "report_number"),
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
				snprintf(why, cap, "report %s is accredited by %s, not a body this profile "
					 "accepts", sget(e, "report_number"), body);
				continue;
			}
		}
		if (days_of(sget(e, "valid_until")) < c->today) {
			snprintf(why, cap, "report %s expired on %s (checked at %s)",
				 sget(e, "report_number"), sget(e, "valid_until"), c->date);
			continue;
		}
		if (json_integer_value(json_object_get(policy, "max_age_days")) &&
		    c->today - days_of(sget(e, "issue_date")) >
			    json_integer_value(json_object_get(policy, "max_age_days"))) {
			snprintf(why, cap, "report %s was issued %s, %ld days before %s; at most %"
				 JSON_INTEGER_FORMAT " are allowed", sget(e, "report_number"),
				 sget(e, "issue_date"), c->today - days_of(sget(e, "issue_date")),
				 c->date, json_integer_value(json_object_get(policy, "max_age_days")));
			continue;
		}
		any = 1;
	}
	if (!any && json_array_size(json_object_get(claim, "evidence_ids")) == 0 &&
	    (json_is_true(json_object_get(policy, "accredited")) ||
	     json_object_get(policy, "max_age_days")))
		snprintf(why, cap, "claim %s cites no report", sget(claim, "id"));
	return any ? 0 : SDX_VERDICT_UNKNOWN;
}

/* ---- rules on a declaration ---------------------------------------------------------- */

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
		if (!claim_covers(claim, lot))
			continue;
		int ev = evidence_ok(c, rule, decl, claim, why, sizeof(why));
		json_array_foreach(json_object_get(claim, "measurements"), k, m) {
			for (s = 0; s < nsub; s++) {
				double v;
				if (!substance_matches(json_array_get(subs, s), m))
					continue;
				if (ev) {
					if (!f[s].have)
						snprintf(f[s].why, sizeof(f[s].why), "%s", why);
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

static void substance_rule(struct check *c, const json_t *rule, size_t node, const char *lot,
			   const char *via)
{
	const json_t *decl = sdx__graph_body(c->g, &c->g->n[node]), *subs = json_object_get(rule, "substances");
	const json_t *limit = json_object_get(rule, "limit");
	const char *unit = sget(limit, "unit"), *cmp = sget(limit, "comparison");
	int is_sum = strcmp(sget(rule, "check"), "substance_sum") == 0;
	double f_unit = sdx__mass_fraction_factor(unit), lim = json_number_value(json_object_get(limit, "value"));
	size_t nsub = json_array_size(subs), s;
	struct found *f = calloc(nsub ? nsub : 1, sizeof(*f));
	char parts[900], num[32], missing[400], over[400], limtxt[64], *why = NULL;
	double sum = 0;
	int nmissing = 0, nover = 0;

	if (!f) {
		c->worst = -1;
		return;
	}
	measure(c, rule, decl, lot, f, nsub);
	parts[0] = missing[0] = over[0] = '\0';
	fmt_num(num, sizeof(num), lim);
	snprintf(limtxt, sizeof(limtxt), "%s %s %s", cmp, num, unit);
	for (s = 0; s < nsub; s++) {
		const char *name = sget(json_array_get(subs, s), "name");
		size_t pl = strlen(parts), ml = strlen(missing), ol = strlen(over);
		if (!f[s].have) {
			snprintf(missing + ml, sizeof(missing) - ml, "%s%s", ml ? ", " : "", name);
			nmissing++;
			if (f[s].why[0] && !why)
				why = f[s].why;
			continue;
		}
		fmt_num(num, sizeof(num), f[s].mgkg / f_unit);
		snprintf(parts + pl, sizeof(parts) - pl, "%s%s %s%s%s", pl ? (is_sum ? " + " : ", ") : "",
			 name, f[s].nd ? "not detected" : num, f[s].nd ? "" : " ", f[s].nd ? "" : unit);
		sum += f[s].mgkg / f_unit;
		if (!is_sum && !within(f[s].mgkg / f_unit, lim, cmp)) {
			snprintf(over + ol, sizeof(over) - ol, "%s%s %s %s", ol ? ", " : "", name, num,
				 unit);
			nover++;
		}
	}
	fmt_num(num, sizeof(num), sum);
	if (is_sum) {
		if (!within(sum, lim, cmp))
			result(c, rule, node, lot, via, SDX_VERDICT_FAIL, "%s = %s %s, over the limit "
			       "(%s)%s%s", parts, num, unit, limtxt, nmissing ? "; not even counting " : "",
			       nmissing ? missing : "");
		else if (nmissing)
			result(c, rule, node, lot, via, SDX_VERDICT_UNKNOWN, "no reliable value for %s%s%s"
			       "; the rest sums to %s %s (limit %s)", missing, why ? ": " : "",
			       why ? why : "", num, unit, limtxt);
		else
			result(c, rule, node, lot, via, SDX_VERDICT_PASS, "%s = %s %s (limit %s)", parts,
			       num, unit, limtxt);
	} else {
		if (nover)
			result(c, rule, node, lot, via, SDX_VERDICT_FAIL, "%s over the limit (%s each)",
			       over, limtxt);
		else if (nmissing)
			result(c, rule, node, lot, via, SDX_VERDICT_UNKNOWN, "no reliable value for %s%s%s",
			       missing, why ? ": " : "", why ? why : "");
		else
			result(c, rule, node, lot, via, SDX_VERDICT_PASS, "%s (each %s)", parts, limtxt);
	}
	free(f);
}

static void nia_rule(struct check *c, const json_t *rule, size_t node, const char *lot,
		     const char *via)
{
	const json_t *decl = sdx__graph_body(c->g, &c->g->n[node]), *claim;
	const char *topic = sget(rule, "topic");
	size_t i;

	json_array_foreach(json_object_get(decl, "claims"), i, claim) {
		if (!claim_covers(claim, lot) || strcmp(sget(claim, "topic"), topic) != 0)
			continue;
		if (strcmp(sget(claim, "conformance"), "does_not_conform") == 0) {
			result(c, rule, node, lot, via, SDX_VERDICT_FAIL, "claim %s declares the "
			       "material does not conform for %s", sget(claim, "id"), topic);
			return;
		}
		if (json_is_true(json_object_get(claim, "not_intentionally_added"))) {
			result(c, rule, node, lot, via, SDX_VERDICT_PASS, "claim %s: no %s intentionally "
			       "added", sget(claim, "id"), topic);
			return;
		}
	}
	result(c, rule, node, lot, via, SDX_VERDICT_UNKNOWN, "no claim states that no %s are "
	       "intentionally added", topic);
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

static void claim_rule(struct check *c, const json_t *rule, size_t node, const char *lot,
		       const char *via)
{
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
		if (!claim_covers(claim, lot) || strcmp(sget(claim, "topic"), topic) != 0 ||
		    !regulation_matches(rule, claim))
			continue;
		if (strcmp(sget(claim, "conformance"), "does_not_conform") == 0) {
			result(c, rule, node, lot, via, SDX_VERDICT_FAIL, "claim %s (%s) declares the "
			       "material does not conform", sget(claim, "id"),
			       json_string_value(json_array_get(json_object_get(claim, "regulations"), 0)));
			return;
		}
		missing[0] = '\0';
		json_array_foreach(req, k, x) {
			size_t ml = strlen(missing);
			if (!json_object_get(fc, json_string_value(x)) && !json_object_get(claim, json_string_value(x)))
				snprintf(missing + ml, sizeof(missing) - ml, "%s%s", ml ? ", " : "",
					 json_string_value(x));
		}
		if (missing[0]) {
			snprintf(why, sizeof(why), "claim %s lacks %s", sget(claim, "id"), missing);
			best = SDX_VERDICT_UNKNOWN;
			continue;
		}
		if ((ev = evidence_ok(c, rule, decl, claim, why, sizeof(why))) != 0) {
			best = ev;
			continue;
		}
		result(c, rule, node, lot, via, SDX_VERDICT_PASS, "claim %s: conforms to %s%s",
		       sget(claim, "id"),
		       json_string_value(json_array_get(json_object_get(claim, "regulations"), 0)),
		       json_array_size(req) ? ", with every required element" : "");
		return;
	}
	if (best < 0)
		snprintf(why, sizeof(why), "no %s claim%s%s", topic,
			 json_object_get(rule, "regulation_match") ? " under " : "",
			 json_object_get(rule, "regulation_match")
				 ? json_string_value(json_array_get(json_object_get(rule, "regulation_match"), 0))
				 : "");
	result(c, rule, node, lot, via, SDX_VERDICT_UNKNOWN, "%s", why);
}

/* A full report covering the listed test items, accredited and recent enough. */
static void report_rule(struct check *c, const json_t *rule, size_t node, const char *lot,
			const char *via)
{
	const json_t *rec = sdx__graph_body(c->g, &c->g->n[node]), *e, *items = json_object_get(rule, "test_items");
	const json_t *policy = json_object_get(rule, "evidence");
	char why[600], missing[500];
	size_t i, k, j, fewest = SIZE_MAX;
	json_t *want, *have;

	snprintf(why, sizeof(why), "no test report is attached to this %s",
		 c->g->n[node].kind == NODE_BATCH ? "batch" : "declaration");
	json_array_foreach(json_object_get(rec, "evidence"), i, e) {
		size_t nmiss = 0;
		missing[0] = '\0';
		json_array_foreach(items, k, want) {
			int found = 0;
			size_t ml = strlen(missing);
			json_array_foreach(json_object_get(e, "test_items"), j, have)
				if (strcasecmp(json_string_value(have), json_string_value(want)) == 0)
					found = 1;
			if (!found) {
				nmiss++;
				snprintf(missing + ml, sizeof(missing) - ml, "%s%s", ml ? ", " : "",
					 json_string_value(want));
			}
		}
		if (nmiss) {
			if (nmiss < fewest) {
				fewest = nmiss;
				snprintf(why, sizeof(why), "report %s does not cover %s",
					 sget(e, "report_number"), missing);
			}
			continue;
		}
		fewest = 0;
		if (json_is_true(json_object_get(policy, "accredited")) &&
		    !*sget(json_object_get(e, "accreditation"), "body")) {
			snprintf(why, sizeof(why), "report %s by %s names no accreditation",
				 sget(e, "report_number"), sget(e, "lab_name"));
			continue;
		}
		if (json_object_get(policy, "accreditation_bodies")) {
			const char *body = sget(json_object_get(e, "accreditation"), "body");
			int listed = 0;
			json_array_foreach(json_object_get(policy, "accreditation_bodies"), k, have)
				if (strcmp(json_string_value(have), body) == 0)
					listed = 1;
			if (!listed) {
				snprintf(why, sizeof(why), "report %s is accredited by '%s', not a body "
					 "this profile accepts", sget(e, "report_number"), body);
				continue;
			}
		}
		if (days_of(sget(e, "valid_until")) < c->today) {
			snprintf(why, sizeof(why), "report %s expired on %s (checked at %s)",
				 sget(e, "report_number"), sget(e, "valid_until"), c->date);
			continue;
		}
		if (json_object_get(policy, "max_age_days") &&
		    c->today - days_of(sget(e, "issue_date")) >
			    json_integer_value(json_object_get(policy, "max_age_days"))) {
			snprintf(why, sizeof(why), "report %s was issued %s, %ld days before %s; at "
				 "most %" JSON_INTEGER_FORMAT " days are allowed", sget(e, "report_number"),
				 sget(e, "issue_date"), c->today - days_of(sget(e, "issue_date")), c->date,
				 json_integer_value(json_object_get(policy, "max_age_days")));
			continue;
		}
		result(c, rule, node, lot, via, SDX_VERDICT_PASS, "report %s by %s (%s), issued %s "
		       "(%ld days before %s), covers all %zu test items", sget(e, "report_number"),
		       sget(e, "lab_name"), sget(json_object_get(e, "accreditation"), "number"),
		       sget(e, "issue_date"),
		       c->today - days_of(sget(e, "issue_date")), c->date, json_array_size(items));
		return;
	}
	result(c, rule, node, lot, via, SDX_VERDICT_UNKNOWN, "%s", why);
}

/* ---- walking the graph -------------------------------------------------------------- */

/*
 * The declaration that speaks for `decl`'s lot at the check date: a later
 * declaration of the same ledger that supersedes it and still covers the lot.
 */
static size_t current_version(const sdx_graph *g, size_t decl, const char *lot, int depth)
{
	size_t ids[16], m, k, i;
	json_t *x;

	if (depth > 64)
		return decl;
	m = sdx__graph_superseders(g, decl, ids, 16);
	for (k = 0; k < m; k++) {
		int covers = !lot;
		json_array_foreach(json_object_get(json_object_get(sdx__graph_body(g, &g->n[ids[k]]), "material"), "lots"),
				   i, x)
			if (lot && strcmp(sget(x, "lot_number"), lot) == 0)
				covers = 1;
		if (covers)
			return current_version(g, ids[k], lot, depth + 1);
	}
	return decl;
}

static void check_declaration(struct check *c, size_t node, const char *lot, const char *via)
{
	const json_t *rules = json_object_get(c->profile, "rules"), *rule;
	size_t cur = current_version(c->g, node, lot, 0), w[16], nw, i, k;
	const json_t *body = sdx__graph_body(c->g, &c->g->n[cur]);
	char note[200];

	note[0] = '\0';
	if (cur != node)
		snprintf(note, sizeof(note), " (as corrected by declaration %s, entry %.16s)",
			 sget(body, "declaration_id"), c->g->n[cur].hex);
	json_array_foreach(rules, i, rule) {
		if (strcmp(sget(rule, "applies_to"), "declaration") != 0)
			continue;
		nw = sdx__graph_withdrawals(c->g, cur, w, 16);
		for (k = 0; k < nw; k++)
			if (days_of(sget(sdx__graph_body(c->g, &c->g->n[w[k]]), "effective_date")) <= c->today)
				break;
		if (k < nw) {
			const json_t *wb = sdx__graph_body(c->g, &c->g->n[w[k]]);
			result(c, rule, cur, lot, via, SDX_VERDICT_FAIL, "declaration %s was withdrawn "
			       "by its supplier from %s (%s): %s%s", sget(body, "declaration_id"),
			       sget(wb, "effective_date"), sget(wb, "reason_code"), sget(wb, "reason"),
			       note);
			continue;
		}
		if (days_of(sget(body, "valid_until")) < c->today ||
		    days_of(sget(body, "valid_from")) > c->today) {
			result(c, rule, cur, lot, via, SDX_VERDICT_UNKNOWN, "declaration %s is valid "
			       "%s to %s, not at %s%s", sget(body, "declaration_id"),
			       sget(body, "valid_from"), sget(body, "valid_until"), c->date, note);
			continue;
		}
		if (strncmp(sget(rule, "check"), "substance_", 10) == 0)
			substance_rule(c, rule, cur, lot, via);
		else if (strcmp(sget(rule, "check"), "not_intentionally_added") == 0)
			nia_rule(c, rule, cur, lot, via);
		else if (strcmp(sget(rule, "check"), "claim") == 0)
			claim_rule(c, rule, cur, lot, via);
		else
			report_rule(c, rule, cur, lot, via);
		if (note[0]) {
			json_t *last = json_array_get(c->results, json_array_size(c->results) - 1);
			json_object_set_new(last, "reason", json_sprintf("%s%s", sget(last, "reason"),
									 note));
		}
	}
}

static void check_batch(struct check *c, size_t node)
{
	const json_t *rules = json_object_get(c->profile, "rules"), *rule;
	size_t i;

	json_array_foreach(rules, i, rule)
		if (strcmp(sget(rule, "applies_to"), "batch") == 0)
			report_rule(c, rule, node, NULL, NULL);
}

struct visit {
	unsigned char *state;
	/* (declaration, lot) pairs already judged */
	struct { size_t node; const char *lot; } *done;
	size_t ndone, capdone;
	int err;
};

static int judged(struct visit *v, size_t node, const char *lot)
{
	size_t i;

	for (i = 0; i < v->ndone; i++)
		if (v->done[i].node == node && ((!lot && !v->done[i].lot) ||
						(lot && v->done[i].lot && strcmp(lot, v->done[i].lot) == 0)))
			return 1;
	if (v->ndone == v->capdone) {
		size_t cap = v->capdone ? 2 * v->capdone : 32;
		void *p = realloc(v->done, cap * sizeof(*v->done));
		if (!p) {
			v->err = sdx_error_set(SDX_ENOMEM, "out of memory");
			return 1;
		}
		v->done = p;
		v->capdone = cap;
	}
	v->done[v->ndone].node = node;
	v->done[v->ndone].lot = lot;
	v->ndone++;
	return 0;
}

static void missing_input(struct check *c, size_t from, const char *hex)
{
	const struct gnode *n = &c->g->n[from];
	json_t *rule = json_pack("{s:s, s:s, s:s}", "id", "inputs-present", "title",
				 "Every input is in the ledger or bundle", "regulation", "sdx");

	result(c, rule, from, NULL, NULL, SDX_VERDICT_UNKNOWN, "input %s of %s %s is not in this "
	       "ledger or bundle: nothing upstream of it can be checked", hex,
	       n->kind == NODE_BATCH ? "batch" : "shipment",
	       sget(sdx__graph_body(c->g, n), n->kind == NODE_BATCH ? "batch_id" : "shipment_id"));
	json_decref(rule);
}

static void visit(struct check *c, struct visit *v, size_t node, const char *lot,
		  const char *via, int depth)
{
	const struct gnode *n = &c->g->n[node];
	size_t k, to;
	json_t *x;

	if (v->err)
		return;
	if (depth > 256 || v->state[node] == 1) {
		v->err = sdx_error_set(SDX_EVERIFY, "entry %s: %s", n->hex, depth > 256
				       ? "inputs nested too deep" : "the records refer to each other "
				       "in a cycle");
		return;
	}
	if (n->kind == NODE_DECLARATION) {
		if (!judged(v, node, lot))
			check_declaration(c, node, lot, via);
		return;
	}
	if (n->kind == NODE_WITHDRAWAL || v->state[node] == 2)
		return;
	v->state[node] = 1;
	if (n->kind == NODE_BATCH)
		check_batch(c, node);
	json_array_foreach(json_object_get(sdx__graph_body(c->g, n), n->kind == NODE_BATCH ? "inputs" : "items"), k,
			   x) {
		const char *hex = sget(x, n->kind == NODE_BATCH ? "entry" : "batch");
		if ((to = sdx__graph_find_hex(c->g, hex)) == SIZE_MAX) {
			missing_input(c, node, hex);
			continue;
		}
		visit(c, v, to, json_string_value(json_object_get(x, "lot_number")),
		      n->kind == NODE_BATCH ? sget(sdx__graph_body(c->g, n), "batch_id") : via, depth + 1);
	}
	v->state[node] = 2;
}

int sdx_profile_check(char **out, int *worst, const sdx_graph *g, size_t node,
		      const sdx_profile *p, const char *date)
{
	struct check c;
	struct visit v;
	char today[21], label[600];
	json_t *root;
	char *s;

	*out = NULL;
	*worst = SDX_VERDICT_PASS;
	if (node >= g->len)
		return sdx_error_set(SDX_EINVAL, "no record %zu in the graph", node);
	if (!date && g->n[node].kind == NODE_SHIPMENT)
		date = sget(sdx__graph_body(g, &g->n[node]), "ship_date");
	if (!date) {
		sdx__utc_now(today);
		today[10] = '\0';
		date = today;
	}
	if (!sdx__is_date(date))
		return sdx_error_set(SDX_EINVAL, "date '%s': expected a calendar date YYYY-MM-DD",
				     date);
	memset(&c, 0, sizeof(c));
	memset(&v, 0, sizeof(v));
	c.g = g;
	c.profile = p->j;
	c.date = date;
	c.today = days_of(date);
	c.results = json_array();
	if (!(v.state = calloc(g->len, 1))) {
		json_decref(c.results);
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	}
	visit(&c, &v, node, NULL, NULL, 0);
	free(v.state);
	free(v.done);
	if (v.err || c.worst < 0) {
		json_decref(c.results);
		return v.err ? v.err : sdx_error_set(SDX_ENOMEM, "out of memory");
	}
	if (json_array_size(c.results) == 0)
		c.worst = SDX_VERDICT_UNKNOWN; /* nothing this profile judges: not a pass */
	sdx__graph_label(label, sizeof(label), g, node);
	root = json_pack("{s:s, s:s, s:s, s:{s:s, s:s, s:s}, s:s, s:{s:i, s:i, s:i}, s:o}",
			 "profile", sdx_profile_name(p), "title", sdx_profile_title(p), "date", date,
			 "subject", "ref", g->n[node].hex, "origin", g->n[node].origin, "label", label,
			 "verdict", verdict_names[c.worst], "counts", "pass", c.counts[0], "unknown",
			 c.counts[1], "fail", c.counts[2], "results", c.results);
	if (!root || !(s = json_dumps(root, JSON_COMPACT | JSON_REAL_PRECISION(15)))) {
		json_decref(root);
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	}
	json_decref(root);
	*out = s;
	*worst = c.worst;
	return 0;
}
