/*
 * formats/records/declaration.c - the declaration: a supplier's signed
 * statement about a material (formats/declaration.md).  Its rules beyond the
 * schema (date order, sums, cited ids, check digits, unique lot numbers) are
 * written down in formats/declaration.md; keep the two in step.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sdx/error.h"
#include "formats/records/rules.h"
#include "formats/records/type.h"

struct decl {
	const char *type;
	const json_t *root, *lots, *evidence;
	const char *issue_date;
};

/*
 * A measured value or migration result: exactly one of `value` and
 * `below_detection: true`; a non-detect names its detection limit; a number
 * below the stated detection limit is a contradiction.
 */
static int check_result(const struct decl *d, const json_t *m, const char *path)
{
	const json_t *v = json_object_get(m, "value"), *dl = json_object_get(m, "detection_limit");
	int nd = json_is_true(json_object_get(m, "below_detection"));

	if (v && nd)
		return sdx__rule_bad(d->type, "%s: has both a value and below_detection: true; give one",
			   path);
	if (!v && !nd)
		return sdx__rule_bad(d->type, "%s: needs a value, or below_detection: true with a "
			   "detection_limit", path);
	if (nd && !dl)
		return sdx__rule_bad(d->type, "%s: below_detection needs the detection_limit", path);
	if (v && dl && sdx__rule_cmp(json_number_value(v), json_number_value(dl)) < 0)
		return sdx__rule_bad(d->type, "%s.value: %.15g is below the detection_limit %.15g; report it "
			   "as below_detection", path, json_number_value(v), json_number_value(dl));
	return 0;
}

/* Does result `m` (in `unit`) keep to `limit`?  Non-detects count at their detection limit. */
static int check_within(const struct decl *d, const json_t *m, const char *unit,
			const json_t *limit, const char *path)
{
	const char *lunit = sdx__rule_str(limit, "unit"), *cmp = sdx__rule_str(limit, "comparison");
	double lv = json_number_value(json_object_get(limit, "value"));
	double f = sdx__rule_unit_factor(unit, lunit);
	const json_t *v = json_object_get(m, "value");

	if (f == 0)
		return sdx__rule_bad(d->type, "%s.unit: %s cannot be compared with the limit in %s", path,
			   unit, lunit);
	if (v) {
		double x = json_number_value(v) * f;
		if (!sdx__rule_within(x, lv, cmp))
			return sdx__rule_bad(d->type, "%s.value: %.15g %s is not %s the limit %.15g %s, yet the "
				   "claim says it conforms", path, json_number_value(v), unit, cmp,
				   lv, lunit);
	} else {
		double dl = json_number_value(json_object_get(m, "detection_limit"));
		if (sdx__rule_cmp(dl * f, lv) > 0)
			return sdx__rule_bad(d->type, "%s.detection_limit: %.15g %s is above the limit %.15g %s, "
				   "so 'not detected' does not show conformance", path, dl, unit,
				   lv, lunit);
	}
	return 0;
}

static int check_measurements(const struct decl *d, const json_t *claim, const char *cpath)
{
	const json_t *ms = json_object_get(claim, "measurements");
	const json_t *sum = json_object_get(claim, "declared_sum");
	const json_t *limit = json_object_get(claim, "limit");
	int conforms = strcmp(sdx__rule_str(claim, "conformance"), "conforms") == 0;
	int nia = json_is_true(json_object_get(claim, "not_intentionally_added"));
	char path[160], s[80];
	double total = 0;
	size_t i, j;
	json_t *m;
	int err;

	json_array_foreach(ms, i, m) {
		const json_t *mnia = json_object_get(m, "not_intentionally_added");
		const char *cas = sdx__rule_str(m, "cas_number"), *name = sdx__rule_str(m, "substance");
		snprintf(path, sizeof(path), "%s.measurements[%zu]", cpath, i);
		if ((err = check_result(d, m, path)) < 0)
			return err;
		if (cas) {
			char p2[200];
			snprintf(p2, sizeof(p2), "%s.cas_number", path);
			if ((err = sdx__rule_cas(d->type, json_object_get(m, "cas_number"), p2)) < 0)
				return err;
		}
		if (nia && json_is_false(mnia))
			return sdx__rule_bad(d->type, "%s.not_intentionally_added: false contradicts the claim's "
				   "not_intentionally_added: true", path);
		/* Counting a substance twice would distort every sum. */
		for (j = 0; j < i; j++) {
			const json_t *o = json_array_get(ms, j);
			const char *ocas = sdx__rule_str(o, "cas_number");
			if (strcmp(sdx__rule_str(o, "substance"), name) == 0 || (cas && ocas && strcmp(cas, ocas) == 0))
				return sdx__rule_bad(d->type, "%s: '%s' is already listed as measurements[%zu]",
					   path, sdx__rule_shown(s, sizeof(s), name), j);
		}
	}
	if (sum) {
		const char *sunit = sdx__rule_str(sum, "unit");
		double declared = json_number_value(json_object_get(sum, "value")), diff;
		if (!ms)
			return sdx__rule_bad(d->type, "%s.declared_sum: there are no measurements to add up", cpath);
		json_array_foreach(ms, i, m) {
			const json_t *v = json_object_get(m, "value");
			if (v)
				total += json_number_value(v) * sdx__rule_unit_factor(sdx__rule_str(m, "unit"), sunit);
		}
		/* Lab reports round each value; allow 0.001 in the sum's unit. */
		diff = declared - total;
		if ((diff < 0 ? -diff : diff) > 0.001 + 1e-9 * total)
			return sdx__rule_bad(d->type, "%s.declared_sum.value: %.15g %s is not the sum of the "
				   "measured values, %.6g %s (non-detects count as 0)", cpath, declared,
				   sunit, total, sunit);
	}
	if (limit && ms && strcmp(sdx__rule_str(limit, "applies_to"), "sum") == 0 && !sum)
		return sdx__rule_bad(d->type, "%s: the limit applies to the sum, so declared_sum is required",
			   cpath);
	if (!conforms)
		return 0;
	/*
	 * A claim that conforms must agree with its own numbers.  The measured
	 * total is checked as well as the declared sum, so the rounding allowance
	 * above cannot carry a sum over the limit.
	 */
	if (limit && sum && strcmp(sdx__rule_str(limit, "applies_to"), "sum") == 0) {
		const char *lunit = sdx__rule_str(limit, "unit");
		double lv = json_number_value(json_object_get(limit, "value"));
		double t = total * sdx__rule_unit_factor(sdx__rule_str(sum, "unit"), lunit);
		snprintf(path, sizeof(path), "%s.declared_sum", cpath);
		if ((err = check_within(d, sum, sdx__rule_str(sum, "unit"), limit, path)) < 0)
			return err;
		if (!sdx__rule_within(t, lv, sdx__rule_str(limit, "comparison")))
			return sdx__rule_bad(d->type, "%s.measurements: the measured values add up to %.6g %s, "
				   "not %s the limit %.15g %s, yet the claim says it conforms", cpath,
				   t, lunit, sdx__rule_str(limit, "comparison"), lv, lunit);
	}
	json_array_foreach(ms, i, m) {
		const json_t *own = json_object_get(m, "limit");
		snprintf(path, sizeof(path), "%s.measurements[%zu]", cpath, i);
		if (own && (err = check_within(d, m, sdx__rule_str(m, "unit"), own, path)) < 0)
			return err;
		/* Against a sum limit too: a non-detect must have been able to see it. */
		if (limit && (err = check_within(d, m, sdx__rule_str(m, "unit"), limit, path)) < 0)
			return err;
	}
	return 0;
}

static int check_food_contact(const struct decl *d, const json_t *claim, const char *cpath)
{
	const json_t *fc = json_object_get(claim, "food_contact");
	const json_t *mig = json_object_get(fc, "migration");
	int conforms = strcmp(sdx__rule_str(claim, "conformance"), "conforms") == 0;
	const char *lists[] = { "dual_use_additives", "restricted_substances" };
	char path[200], p2[240];
	size_t i, k;
	json_t *m;
	int err;

	json_array_foreach(mig, i, m) {
		const json_t *limit = json_object_get(m, "limit");
		snprintf(path, sizeof(path), "%s.food_contact.migration[%zu]", cpath, i);
		if (strcmp(sdx__rule_str(m, "kind"), "overall") == 0 && json_object_get(m, "substance"))
			return sdx__rule_bad(d->type, "%s.substance: overall migration is the total of all "
				   "substances; name one only for kind specific", path);
		if ((err = check_result(d, m, path)) < 0)
			return err;
		if (json_object_get(m, "cas_number")) {
			snprintf(p2, sizeof(p2), "%s.cas_number", path);
			if ((err = sdx__rule_cas(d->type, json_object_get(m, "cas_number"), p2)) < 0)
				return err;
		}
		if (sdx__rule_unit_factor(sdx__rule_str(m, "unit"), sdx__rule_str(limit, "unit")) == 0)
			return sdx__rule_bad(d->type, "%s.limit.unit: %s cannot be compared with the result in %s",
				   path, sdx__rule_str(limit, "unit"), sdx__rule_str(m, "unit"));
		if (conforms && (err = check_within(d, m, sdx__rule_str(m, "unit"), limit, path)) < 0)
			return err;
	}
	for (k = 0; k < 2; k++)
		json_array_foreach(json_object_get(fc, lists[k]), i, m)
			if (json_object_get(m, "cas_number")) {
				snprintf(p2, sizeof(p2), "%s.food_contact.%s[%zu].cas_number", cpath,
					 lists[k], i);
				if ((err = sdx__rule_cas(d->type, json_object_get(m, "cas_number"), p2)) < 0)
					return err;
			}
	return 0;
}

static int check_claim(const struct decl *d, const json_t *claim, size_t ci)
{
	const json_t *fc = json_object_get(claim, "food_contact");
	const json_t *ms = json_object_get(claim, "measurements");
	int lab = strcmp(sdx__rule_str(claim, "basis"), "laboratory_test") == 0;
	char cpath[40], s[80];
	size_t i;
	json_t *x;
	int err;

	snprintf(cpath, sizeof(cpath), "claims[%zu]", ci);
	json_array_foreach(json_object_get(claim, "evidence_ids"), i, x)
		if (sdx__rule_find(d->evidence, "id", json_string_value(x)) < 0)
			return sdx__rule_bad(d->type, "%s.evidence_ids[%zu]: no evidence has id '%s'", cpath, i,
				   sdx__rule_shown(s, sizeof(s), json_string_value(x)));
	json_array_foreach(json_object_get(claim, "applies_to_lots"), i, x)
		if (sdx__rule_find(d->lots, "lot_number", json_string_value(x)) < 0)
			return sdx__rule_bad(d->type, "%s.applies_to_lots[%zu]: lot '%s' is not in material.lots",
				   cpath, i, sdx__rule_shown(s, sizeof(s), json_string_value(x)));
	if (fc && strcmp(sdx__rule_str(claim, "topic"), "food_contact") != 0)
		return sdx__rule_bad(d->type, "%s.food_contact: allowed only when topic is food_contact", cpath);
	if (lab && !ms && !json_object_get(fc, "migration"))
		return sdx__rule_bad(d->type, "%s: a laboratory_test claim needs its results: measurements%s",
			   cpath, fc ? " or food_contact.migration" : "");
	if (!lab && ms)
		return sdx__rule_bad(d->type, "%s.measurements: test results need basis laboratory_test, "
			   "not formulation", cpath);
	if (!lab && json_object_get(fc, "migration"))
		return sdx__rule_bad(d->type, "%s.food_contact.migration: test results need basis "
			   "laboratory_test, not formulation", cpath);
	if (json_object_get(claim, "declared_sum") || json_object_get(claim, "limit") || ms)
		if ((err = check_measurements(d, claim, cpath)) < 0)
			return err;
	if (fc && (err = check_food_contact(d, claim, cpath)) < 0)
		return err;
	return 0;
}

static int check_evidence(const struct decl *d, const json_t *claims)
{
	const char *from, *until;
	char path[40], s[80];
	size_t i, j, k;
	json_t *e, *c, *x;
	int cited, err;

	json_array_foreach(d->evidence, i, e) {
		snprintf(path, sizeof(path), "evidence[%zu]", i);
		from = sdx__rule_str(e, "issue_date");
		until = sdx__rule_str(e, "valid_until");
		if (strcmp(until, from) < 0)
			return sdx__rule_bad(d->type, "%s.valid_until: %s is before its issue_date %s", path,
				   until, from);
		if (strcmp(from, d->issue_date) > 0)
			return sdx__rule_bad(d->type, "%s.issue_date: %s is after the declaration's issue_date "
				   "%s; a declaration can only cite reports that exist", path, from,
				   d->issue_date);
		if (strcmp(until, d->issue_date) < 0)
			return sdx__rule_bad(d->type, "%s.valid_until: the report expired on %s, before the "
				   "declaration's issue_date %s", path, until, d->issue_date);
		json_array_foreach(json_object_get(e, "sampled_lots"), j, x) {
			long lot = sdx__rule_find(d->lots, "lot_number", json_string_value(x));
			const char *made;
			if (lot < 0)
				return sdx__rule_bad(d->type, "%s.sampled_lots[%zu]: lot '%s' is not in "
					   "material.lots", path, j, sdx__rule_shown(s, sizeof(s),
									   json_string_value(x)));
			/* a sample cannot come from a lot made after the report (plausibility.md) */
			made = sdx__rule_str(json_array_get(d->lots, (size_t)lot), "production_date");
			if (made && strcmp(made, from) > 0)
				return sdx__rule_bad(d->type, "%s.sampled_lots[%zu]: lot '%s' "
					   "(material.lots[%ld]) was produced on %s, after the report's "
					   "issue_date %s", path, j, sdx__rule_shown(s, sizeof(s),
					   json_string_value(x)), lot, made, from);
		}
		cited = 0;
		json_array_foreach(claims, j, c) {
			json_array_foreach(json_object_get(c, "evidence_ids"), k, x)
				if (strcmp(json_string_value(x), sdx__rule_str(e, "id")) == 0)
					cited = 1;
		}
		if (!cited)
			return sdx__rule_bad(d->type, "%s: '%s' is not cited by any claim's evidence_ids", path,
				   sdx__rule_shown(s, sizeof(s), sdx__rule_str(e, "id")));
		if ((err = sdx__rule_report(d->type, e, path)) < 0)
			return err;
	}
	return 0;
}

/* Does measurement `m` measure `name` (a CAS number, or a name or
 * abbreviation found as a whole word in its substance, case aside)? */
static int measures(const json_t *m, const char *name)
{
	const char *sub = sdx__rule_str(m, "substance"), *cas = sdx__rule_str(m, "cas_number");
	size_t n = strlen(name), i;

	if (!n)
		return 0;
	if (cas && strcmp(cas, name) == 0)
		return 1;
	for (i = 0; sub && sub[i]; i++)
		if (strncasecmp(sub + i, name, n) == 0 &&
		    (i == 0 || !isalnum((unsigned char)sub[i - 1])) &&
		    !isalnum((unsigned char)sub[i + n]))
			return 1;
	return 0;
}

/*
 * R23 (version 4): a threshold statement is measured by a report the
 * declaration cites, an at_most bounds one substance, and the record's own
 * values keep to it: the largest total-content value of each substance it
 * names, summed (non-detects as 0), is at most its limit.  Checked on the
 * whole record, before any field is concealed.
 */
static int check_statements(const struct decl *d, const json_t *claims)
{
	const json_t *st, *sub, *c, *m;
	char path[40], s[80], parts[600];
	size_t i, j, k, l;

	json_array_foreach(json_object_get(d->root, "statements"), i, st) {
		const json_t *limit = json_object_get(st, "limit");
		const char *unit = sdx__rule_str(limit, "unit");
		double lv = json_number_value(json_object_get(limit, "value")), sum = 0;
		size_t pl = 0;

		snprintf(path, sizeof(path), "statements[%zu]", i);
		if (sdx__rule_find(d->evidence, "id", sdx__rule_str(st, "measured_by")) < 0)
			return sdx__rule_bad(d->type, "%s.measured_by: no evidence has id '%s'; a "
					     "statement is measured by a report the declaration cites",
					     path, sdx__rule_shown(s, sizeof(s),
								   sdx__rule_str(st, "measured_by")));
		if (strcmp(sdx__rule_str(st, "statement"), "at_most") == 0 &&
		    json_array_size(json_object_get(st, "substances")) != 1)
			return sdx__rule_bad(d->type, "%s.substances: at_most bounds one substance; "
					     "use sum_at_most for more", path);
		parts[0] = '\0';
		json_array_foreach(json_object_get(st, "substances"), j, sub) {
			double worst = -1;
			const json_t *at = NULL;
			json_array_foreach(claims, k, c)
				json_array_foreach(json_object_get(c, "measurements"), l, m) {
					double v, f = sdx__rule_unit_factor(sdx__rule_str(m, "unit"), unit);
					if (strcmp(sdx__rule_str(m, "measure") ? sdx__rule_str(m, "measure")
						   : "total", "total") != 0 ||
					    !measures(m, json_string_value(sub)) || f == 0 ||
					    (!json_object_get(m, "value") &&
					     !json_is_true(json_object_get(m, "below_detection"))))
						continue;
					v = json_is_true(json_object_get(m, "below_detection")) ? 0
						: json_number_value(json_object_get(m, "value")) * f;
					if (v > worst) {
						worst = v;
						at = m;
					}
				}
			if (!at)
				continue;
			sum += worst;
			pl += (size_t)snprintf(parts + pl, pl < sizeof(parts) ? sizeof(parts) - pl : 0,
					       "%s%s %.15g %s", pl ? " + " : "",
					       sdx__rule_str(at, "substance"), worst, unit);
		}
		if (!sdx__rule_within(sum, lv, "<="))
			return sdx__rule_bad(d->type, "%s.limit: the declaration's own values contradict "
					     "the statement: %s = %.15g %s is over its limit %.15g %s",
					     path, parts, sum, unit, lv, unit);
	}
	return 0;
}

/* Identifiers with check digits: GLN (GS1 mod 10) and LEI (ISO 17442). */
static int declaration_rules(const char *type, const json_t *root)
{
	const json_t *material = json_object_get(root, "material");
	const json_t *claims = json_object_get(root, "claims");
	const char *from = sdx__rule_str(root, "valid_from"), *until = sdx__rule_str(root, "valid_until");
	struct decl d;
	char path[64];
	size_t i;
	json_t *x;
	int err;

	d.type = type;
	d.root = root;
	d.lots = json_object_get(material, "lots");
	d.evidence = json_object_get(root, "evidence");
	d.issue_date = sdx__rule_str(root, "issue_date");
	if (strcmp(until, from) < 0)
		return sdx__rule_bad(type, "valid_until: %s is before valid_from %s", until, from);
	if ((err = sdx__rule_party(type, json_object_get(root, "supplier"), "supplier")) < 0 ||
	    (err = sdx__rule_party(type, json_object_get(material, "manufacturer"),
				   "material.manufacturer")) < 0)
		return err;
	json_array_foreach(json_object_get(material, "cas_numbers"), i, x) {
		snprintf(path, sizeof(path), "material.cas_numbers[%zu]", i);
		if ((err = sdx__rule_cas(type, x, path)) < 0)
			return err;
	}
	if ((err = sdx__rule_unique(type, d.lots, "lot_number", "material.lots")) < 0 ||
	    (err = sdx__rule_unique(type, json_object_get(json_object_get(root, "origin"),
							  "preferential"), "agreement",
				    "origin.preferential")) < 0)
		return err;
	json_array_foreach(d.lots, i, x)
		if (strcmp(sdx__rule_str(x, "production_date"), d.issue_date) > 0)
			return sdx__rule_bad(type, "material.lots[%zu].production_date: %s is after the "
				   "declaration's issue_date %s", i, sdx__rule_str(x, "production_date"),
				   d.issue_date);
	if ((err = sdx__rule_unique(type, d.evidence, "id", "evidence")) < 0)
		return err;
	if ((err = sdx__rule_unique(type, claims, "id", "claims")) < 0)
		return err;
	json_array_foreach(claims, i, x)
		if ((err = check_claim(&d, x, i)) < 0)
			return err;
	if ((err = check_statements(&d, claims)) < 0)
		return err;
	return check_evidence(&d, claims);
}

static size_t lots(const json_t *body, const char **out, size_t cap)
{
	const json_t *arr = json_object_get(json_object_get(body, "material"), "lots");
	size_t i;
	json_t *x;

	json_array_foreach(arr, i, x)
		if (i < cap)
			out[i] = json_string_value(json_object_get(x, "lot_number"));
	return json_array_size(arr);
}

/* A batch that used the material must say which of its lots. */
static int cited_lot(const json_t *body, const char *lot, const char *what, const char *path,
		     const char *hex)
{
	const json_t *arr = json_object_get(json_object_get(body, "material"), "lots");
	size_t i;
	json_t *x;

	if (!lot)
		return sdx_error_set(SDX_ESCHEMA, "%s: %s: required when the input is a "
				     "declaration (which of its lots was used?)", what, path);
	json_array_foreach(arr, i, x) {
		const char *ln = json_string_value(json_object_get(x, "lot_number"));
		if (ln && strcmp(ln, lot) == 0)
			return 0;
	}
	return sdx_error_set(SDX_ESCHEMA, "%s: %s: lot '%s' is not one of the lots declaration "
			     "%.16s... covers", what, path, lot, hex);
}

static void summary(char *out, size_t cap, const json_t *body)
{
	const char *a = json_string_value(json_object_get(json_object_get(body, "material"), "name"));
	const char *b = json_string_value(json_object_get(json_object_get(body, "supplier"), "name"));
	const json_t *lotarr = json_object_get(json_object_get(body, "material"), "lots");
	char lotlist[160];
	size_t i, n = 0;
	json_t *x;

	out[0] = '\0';
	if (!a && !b)
		return;
	/* the lot numbers are what a manufacturer's batch input names */
	lotlist[0] = '\0';
	json_array_foreach(lotarr, i, x) {
		if (i == 3) {
			snprintf(lotlist + n, sizeof(lotlist) - n, ", ...");
			break;
		}
		n += (size_t)snprintf(lotlist + n, sizeof(lotlist) - n, "%s%s", i ? ", " : "",
				      json_string_value(json_object_get(x, "lot_number")));
		if (n >= sizeof(lotlist))
			break;
	}
	snprintf(out, cap, "%s%s%s — lot%s %s", a ? a : "", a && b ? " — " : "", b ? b : "",
		 json_array_size(lotarr) == 1 ? "" : "s", lotlist);
}

static void label(char *out, size_t cap, const json_t *body)
{
	snprintf(out, cap, "declaration %s: %s (%s)", sdx__jstr(body, "declaration_id", NULL),
		 sdx__jstr(body, "material", "name"), sdx__jstr(body, "supplier", "name"));
}

static void trace(json_t *j, const json_t *body)
{
	json_t *fails = json_array(), *c;
	size_t i;

	json_object_set_new(j, "declaration_id", json_string(sdx__jstr(body, "declaration_id", NULL)));
	json_object_set_new(j, "supplier", json_string(sdx__jstr(body, "supplier", "name")));
	json_object_set_new(j, "material", json_string(sdx__jstr(body, "material", "name")));
	json_object_set_new(j, "valid_until", json_string(sdx__jstr(body, "valid_until", NULL)));
	json_object_set_new(j, "evidence", sdx__evidence_view(json_object_get(body, "evidence")));
	/* what the supplier itself declares a failure (provenance.md) */
	json_array_foreach(json_object_get(body, "claims"), i, c)
		if (strcmp(sdx__jstr(c, "conformance", NULL), "does_not_conform") == 0)
			json_array_append_new(fails, json_pack("{s:s, s:s}", "id",
							       sdx__jstr(c, "id", NULL), "topic",
							       sdx__jstr(c, "topic", NULL)));
	json_object_set_new(j, "does_not_conform", fails);
}

static const char *const declarations[] = { "declaration", NULL };
static const char *const requests[] = { "request", NULL };

/* The edges' order is the graph index's edge numbering: append, never insert. */
static const struct sdx_record_edge edges[] = {
	/* a correction names the declaration it replaces (same ledger) */
	{ .field = "supersedes", .accepts = declarations, .accepts_text = "a declaration" },
	{ .array = "evidence", .field = "attachment", .sub = "sha256", .attachment = 1 },
	/* version 3: the request it answers, the customer's (imported) or its own */
	{ .field = "answers", .sub = "entry", .held = 1, .accepts = requests,
	  .accepts_text = "a request", .id_sub = "request_id" },
};

static const char *const parties[] = { "supplier", "material.manufacturer", NULL };

const struct sdx_record_type sdx__type_declaration = {
	.name = "declaration",
	.has_schema = 1,
	.versions = 4, /* all written: versions 2 to 4 only add optional members */
	.role = SDX_ROLE_STATEMENT,
	.id_field = "declaration_id",
	.edges = edges,
	.nedges = sizeof(edges) / sizeof(edges[0]),
	.parties = parties,
	.issuer = "supplier",
	.issuer_role = "supplier",
	.rules = declaration_rules,
	.lots = lots,
	.cited_lot = cited_lot,
	.summary = summary,
	.label = label,
	.trace = trace,
};
