/*
 * formats/graph/conflict.c - does a record that restates party P's document
 * contradict P's own (formats/trust.md, "Conflicts")?  Two statements are
 * about the same thing when they carry the same document id, or cover a lot
 * in common with overlapping validity; then the claims of one topic that
 * cover a lot of both are compared: conformance, each substance's value (in
 * mg/kg where the units allow) and the declared sum.  Only what both state
 * is compared, so a topic-specific declaration or an annual renewal of the
 * lot is no conflict; under one document id a claim's topic the issuer never
 * stated is.  Two records of one party (a party contradicting itself) are
 * compared alike, over a validity they share, without that last rule.  Who
 * signed which, and supersession, are the caller's (restated.c).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "formats/graph/attribution.h"
#include "formats/records/rules.h"
#include "formats/records/type.h"
#include "formats/text/text.h"

static const char *str(const json_t *o, const char *k)
{
	return sdx__jstr(o, k, NULL);
}

/* Is `lot` one of the record's lots (material.lots[].lot_number)? */
static int record_has_lot(const json_t *body, const char *lot)
{
	const json_t *x;
	size_t i;

	json_array_foreach(json_object_get(json_object_get(body, "material"), "lots"), i, x)
		if (strcmp(str(x, "lot_number"), lot) == 0)
			return 1;
	return 0;
}

/* Is `lot` covered by the claim (its applies_to_lots, or else all of the record's)? */
static int claim_has_lot(const json_t *body, const json_t *claim, const char *lot)
{
	const json_t *lots = json_object_get(claim, "applies_to_lots"), *x;
	size_t i;

	if (!lots)
		return record_has_lot(body, lot);
	json_array_foreach(lots, i, x)
		if (strcmp(json_string_value(x), lot) == 0)
			return 1;
	return 0;
}

/* A lot the two claims both cover, or NULL. */
static const char *common_lot(const json_t *rb, const json_t *rc, const json_t *db,
			      const json_t *dc)
{
	const json_t *x;
	size_t i;

	json_array_foreach(json_object_get(json_object_get(rb, "material"), "lots"), i, x) {
		const char *lot = str(x, "lot_number");
		if (claim_has_lot(rb, rc, lot) && claim_has_lot(db, dc, lot))
			return lot;
	}
	return NULL;
}

static int overlapping_validity(const json_t *a, const json_t *b)
{
	/* dates are YYYY-MM-DD: they compare as strings */
	return strcmp(str(a, "valid_from"), str(b, "valid_until")) <= 0 &&
	       strcmp(str(b, "valid_from"), str(a, "valid_until")) <= 0;
}

static int same_doc(const json_t *a, const json_t *b)
{
	return *str(a, "declaration_id") &&
	       strcmp(str(a, "declaration_id"), str(b, "declaration_id")) == 0;
}

static const char *measure_of(const json_t *m)
{
	return strcmp(str(m, "measure"), "migration") == 0 ? "migration" : "total";
}

/* Do two measurements name one substance (CAS number, else name) measured alike? */
static int same_substance(const json_t *a, const json_t *b)
{
	if (strcmp(measure_of(a), measure_of(b)) != 0)
		return 0;
	if (*str(a, "cas_number") && *str(b, "cas_number"))
		return strcmp(str(a, "cas_number"), str(b, "cas_number")) == 0;
	return strcasecmp(str(a, "substance"), str(b, "substance")) == 0;
}

/* Do the claims measure a substance in common? */
static int share_substance(const json_t *a, const json_t *b)
{
	const json_t *x, *y;
	size_t i, k;

	json_array_foreach(json_object_get(a, "measurements"), i, x)
		json_array_foreach(json_object_get(b, "measurements"), k, y)
			if (same_substance(x, y))
				return 1;
	return 0;
}

/* "12 mg/kg", "not detected (< 30 mg/kg)" */
static void shown(char *out, size_t cap, const json_t *q)
{
	if (json_is_true(json_object_get(q, "below_detection"))) {
		if (json_object_get(q, "detection_limit"))
			sdx__text_put(out, cap, "not detected (< %g %s)",
				 json_number_value(json_object_get(q, "detection_limit")),
				 str(q, "unit"));
		else
			sdx__text_put(out, cap, "not detected");
		return;
	}
	sdx__text_put(out, cap, "%g %s", json_number_value(json_object_get(q, "value")), str(q, "unit"));
}

/* Do two quantities ({value, unit} or a measurement) state different values? */
static int values_differ(const json_t *a, const json_t *b)
{
	int nda = json_is_true(json_object_get(a, "below_detection"));
	int ndb = json_is_true(json_object_get(b, "below_detection"));
	double f;

	if (nda || ndb)
		return nda != ndb;
	if (!json_object_get(a, "value") || !json_object_get(b, "value"))
		return 0; /* one states no value: nothing to compare */
	if ((f = sdx__rule_unit_factor(str(a, "unit"), str(b, "unit"))) == 0)
		return 1; /* units that cannot be compared: not the same statement */
	return sdx__rule_cmp(json_number_value(json_object_get(a, "value")) * f,
			     json_number_value(json_object_get(b, "value"))) != 0;
}

/* The first difference between claim rc of r and dc of d (about `lot`): 1 and why. */
static int claims_differ(char *why, size_t cap, const json_t *rc, const json_t *dc,
			 const char *lot, const struct sdx__sides *sd)
{
	const json_t *x, *y;
	char a[80], b[80];
	size_t i, k;

	if (strcmp(str(rc, "conformance"), str(dc, "conformance")) != 0) {
		sdx__text_put(why, cap, "claim %s (%s, lot %s): %s in %s, %s in %s",
			 str(rc, "id"), str(rc, "topic"), lot, str(rc, "conformance"), sd->r,
			 str(dc, "conformance"), sd->d);
		return 1;
	}
	json_array_foreach(json_object_get(rc, "measurements"), i, x)
		json_array_foreach(json_object_get(dc, "measurements"), k, y) {
			if (!same_substance(x, y) || !values_differ(x, y))
				continue;
			shown(a, sizeof(a), x);
			shown(b, sizeof(b), y);
			sdx__text_put(why, cap, "%s%s%s%s (lot %s): %s in %s, %s in %s",
				 str(x, "substance"), *str(x, "cas_number") ? ", CAS " : "",
				 str(x, "cas_number"), strcmp(measure_of(x), "migration") == 0
				 ? ", migration" : "", lot, a, sd->r, b, sd->d);
			return 1;
		}
	x = json_object_get(rc, "declared_sum");
	y = json_object_get(dc, "declared_sum");
	if (x && y && values_differ(x, y)) {
		shown(a, sizeof(a), x);
		shown(b, sizeof(b), y);
		sdx__text_put(why, cap, "claim %s (%s, lot %s): declared sum %s in %s, %s in %s",
			 str(rc, "id"), str(rc, "topic"), lot, a, sd->r, b, sd->d);
		return 1;
	}
	return 0;
}

/* Are claims rc and dc about the same thing: one topic, a lot in common and,
 * under one document, the same claim id; else a substance in common, or
 * neither measuring any? */
static const char *comparable(const json_t *r, const json_t *rc, const json_t *d,
			      const json_t *dc, int doc)
{
	const char *lot;

	if (strcmp(str(rc, "topic"), str(dc, "topic")) != 0 || !(lot = common_lot(r, rc, d, dc)))
		return NULL;
	if (doc && strcmp(str(rc, "id"), str(dc, "id")) == 0)
		return lot;
	if (share_substance(rc, dc) ||
	    (!json_array_size(json_object_get(rc, "measurements")) &&
	     !json_array_size(json_object_get(dc, "measurements"))))
		return lot;
	return NULL;
}

/* Under one document id: a topic r claims that d does not. */
static int topic_added(char *why, size_t cap, const json_t *r, const json_t *d)
{
	const json_t *rc, *dc;
	size_t i, k;

	json_array_foreach(json_object_get(r, "claims"), i, rc) {
		int found = 0;
		json_array_foreach(json_object_get(d, "claims"), k, dc)
			found |= strcmp(str(rc, "topic"), str(dc, "topic")) == 0;
		if (!found) {
			sdx__text_put(why, cap, "claim %s states %s, which the issuer's own declaration %s "
				 "does not", str(rc, "id"), str(rc, "topic"), str(d, "declaration_id"));
			return 1;
		}
	}
	return 0;
}

int sdx__statement_about(const json_t *r, const json_t *d)
{
	const json_t *x;
	size_t i;

	if (same_doc(r, d))
		return 1;
	if (!overlapping_validity(r, d))
		return 0;
	json_array_foreach(json_object_get(json_object_get(r, "material"), "lots"), i, x)
		if (record_has_lot(d, str(x, "lot_number")))
			return 1;
	return 0;
}

int sdx__statement_conflict(char *why, size_t cap, const json_t *r, const json_t *d,
			    const struct sdx__sides *sides)
{
	static const struct sdx__sides restated = { "the restatement", "the issuer's own record",
						    0 };
	const struct sdx__sides *sd = sides ? sides : &restated;
	const json_t *rc, *dc;
	const char *lot;
	int doc = same_doc(r, d);
	size_t i, k;

	why[0] = '\0';
	/* a party's two records: only over a common validity, never a topic added */
	if (sd->self ? !overlapping_validity(r, d) || !sdx__statement_about(r, d)
		     : !sdx__statement_about(r, d))
		return 0;
	json_array_foreach(json_object_get(r, "claims"), i, rc)
		json_array_foreach(json_object_get(d, "claims"), k, dc)
			if ((lot = comparable(r, rc, d, dc, doc)) &&
			    claims_differ(why, cap, rc, dc, lot, sd))
				return 1;
	return !sd->self && doc && topic_added(why, cap, r, d);
}
