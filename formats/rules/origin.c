/*
 * formats/rules/origin.c - the check kind origin (formats/profiles.md, Rules
 * of origin): is a batch an originating good under a trade agreement?
 *
 * Each input is originating or not by what its supplier declared for the
 * agreement (origin.preferential); a sub-assembly batch by this same test;
 * anything else is of undetermined origin and counts as non-originating, as
 * agreements say.  Its value is the manufacturer's own cost (inputs[].cost)
 * in the batch value's currency, its code inputs[].hs_code or the
 * declaration's material.hs_code.  The product-specific rule for the
 * product's code is a list of alternatives (WO, CC, CTH, CTSH, RVCnn), any
 * one of which suffices; production exclusively from originating inputs
 * always does.  Every alternative is computed and printed, with each input.
 * The rules, parties and de minimis percentages are the profile's data.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdx/provenance.h"
#include "formats/rules/internal.h"
#include "formats/text/text.h"

enum { MET, NOT_MET, UNDECIDED }; /* what one criterion gives */
static const char *const outcome_names[] = { "met", "not met", "undecided" };

#define MAX_SUB_DEPTH 8 /* sub-assemblies of sub-assemblies: deeper is undetermined */

struct input {
	const char *ref, *lot, *role, *hs;
	char record[120];  /* "declaration PP-DOC-1", "batch SUB-7", "entry 1a2b... (not held)" */
	char status[300];  /* why it is originating or not */
	char cost[140];    /* the cost as recorded, and converted */
	char digits[12];   /* of hs; "" not recorded */
	int originating, packaging, has_value;
	int withheld;      /* its declared origin is concealed and not disclosed (disclosure.md) */
	double value;      /* in the batch value's currency */
	double kg;         /* the quantity used, when a mass; else < 0 */
};

struct judged {
	const json_t *spec;
	const char *agreement, *batch_id, *product_hs, *currency, *incoterm;
	char product[12];
	struct input *in;
	size_t n;
	int has_fob;
	double fob, kg;    /* kg: the batch's quantity when a mass, else < 0 */
};

/* The digits of an HS code, at most 10: "9503.00" -> "950300". */
static void code_digits(char out[12], const char *code)
{
	size_t n = 0;

	for (; code && *code && n < 10; code++)
		if (*code >= '0' && *code <= '9')
			out[n++] = *code;
	out[n] = '\0';
}

double sdx__check_kilograms(const json_t *q)
{
	static const struct { const char *unit; double kg; } mass[] = {
		{ "GRM", 0.001 }, { "KGM", 1 }, { "TNE", 1000 }, { "LBR", 0.45359237 }
	};
	const char *unit = sget(q, "unit");
	size_t i;

	for (i = 0; i < sizeof(mass) / sizeof(mass[0]); i++)
		if (strcmp(unit, mass[i].unit) == 0)
			return json_number_value(json_object_get(q, "value")) * mass[i].kg;
	return -1;
}

static int str_listed(const json_t *list, const char *s)
{
	const json_t *x;
	size_t i;

	json_array_foreach(list, i, x)
		if (s && strcmp(json_string_value(x), s) == 0)
			return 1;
	return 0;
}

/* ---- each input: originating or not, its value and its code -------------------------- */

static int judge(struct check *c, const json_t *spec, size_t node, int depth, char *head,
		 size_t hcap, json_t **out);

/* What the supplier of declaration `node` declared for the agreement. */
static void declared_origin(struct check *c, const char *agreement, size_t node, struct input *in)
{
	size_t cur = sdx__check_current(c->g, node, in->lot, 0), wd[16], nw, k;
	const json_t *body = sdx__graph_body(c->g, &c->g->n[cur]);
	const json_t *origin = json_object_get(body, "origin"), *p;
	const char *country = sget(origin, "country");

	sdx__text_put(in->record, sizeof(in->record), "declaration %s", sget(body, "declaration_id"));
	if (!in->hs && *sget(json_object_get(body, "material"), "hs_code"))
		in->hs = sget(json_object_get(body, "material"), "hs_code");
	nw = sdx__graph_withdrawals(c->g, cur, wd, 16);
	for (k = 0; k < nw; k++) {
		const json_t *wb = sdx__graph_body(c->g, &c->g->n[wd[k]]);
		if (sdx__check_days(sget(wb, "effective_date")) <= c->today) {
			sdx__text_put(in->status, sizeof(in->status), "undetermined: the declaration was "
				 "withdrawn from %s", sget(wb, "effective_date"));
			return;
		}
	}
	if (sdx__graph_may_withhold(body, "origin")) {
		in->withheld = 1;
		sdx__text_put(in->status, sizeof(in->status), "undetermined: the declaration's origin "
			 "is concealed and not disclosed");
		return;
	}
	json_array_foreach(json_object_get(origin, "preferential"), k, p) {
		if (!json_object_get(p, "agreement") && sdx__graph_withheld(p))
			in->withheld = 1; /* it may be the agreement's */
		if (strcmp(sget(p, "agreement"), agreement) != 0)
			continue;
		if (sdx__graph_may_withhold(p, "originating")) {
			in->withheld = 1;
			sdx__text_put(in->status, sizeof(in->status), "undetermined: whether it is "
				 "originating under %s is concealed and not disclosed", agreement);
			return;
		}
		in->withheld = 0;
		in->originating = json_is_true(json_object_get(p, "originating"));
		sdx__text_put(in->status, sizeof(in->status), "%s under %s%s%s%s%s (country of origin %s)",
			 in->originating ? "originating" : "declared not originating", agreement,
			 *sget(p, "criterion") ? ", criterion " : "", sget(p, "criterion"),
			 *sget(p, "certificate") ? ", certificate " : "", sget(p, "certificate"),
			 country);
		return;
	}
	if (sdx__graph_may_withhold(origin, "preferential") ||
	    sdx__graph_withheld_elements(origin, "preferential"))
		in->withheld = 1;
	if (in->withheld)
		sdx__text_put(in->status, sizeof(in->status), "undetermined: what it declares under %s "
			 "may be concealed and is not disclosed", agreement);
	else if (*country)
		sdx__text_put(in->status, sizeof(in->status), "undetermined: country of origin %s, no %s "
			 "originating status declared", country, agreement);
	else
		sdx__text_put(in->status, sizeof(in->status), "undetermined: the declaration records no "
			 "origin");
}

/* A sub-assembly batch is originating if it qualifies itself. */
static void subassembly_origin(struct check *c, const json_t *spec, size_t node, int depth,
			       struct input *in)
{
	const json_t *body = sdx__graph_body(c->g, &c->g->n[node]);
	json_t *ignored = NULL;
	char head[200];
	int v;

	sdx__text_put(in->record, sizeof(in->record), "batch %s", sget(body, "batch_id"));
	if (!in->hs && *sget(json_object_get(body, "product"), "hs_code"))
		in->hs = sget(json_object_get(body, "product"), "hs_code");
	if (depth >= MAX_SUB_DEPTH) {
		sdx__text_put(in->status, sizeof(in->status), "undetermined: sub-assemblies nested more "
			 "than %d deep are not judged", MAX_SUB_DEPTH);
		return;
	}
	v = judge(c, spec, node, depth + 1, head, sizeof(head), &ignored);
	/* not originating, but perhaps only for an origin withheld below */
	if (v == SDX_VERDICT_FAIL) {
		const json_t *x;
		size_t i;
		json_array_foreach(json_object_get(ignored, "inputs"), i, x)
			if (json_is_true(json_object_get(x, "withheld")))
				in->withheld = 1;
	}
	json_decref(ignored);
	in->originating = v == SDX_VERDICT_PASS;
	sdx__text_put(in->status, sizeof(in->status), "%s%s", v == SDX_VERDICT_UNKNOWN ?
		 "undetermined: " : "", head);
}

/* The input's cost in the batch value's currency, and how it was converted. */
static void input_value(const struct judged *j, const json_t *x, struct input *in)
{
	const json_t *cost = json_object_get(x, "cost"), *rate = json_object_get(cost, "exchange_rate");
	const char *cur = sget(cost, "currency");
	double amount = json_number_value(json_object_get(cost, "amount"));

	if (!cost)
		return;
	if (!j->currency || (strcmp(cur, j->currency) != 0 && !rate)) {
		sdx__text_put(in->cost, sizeof(in->cost), "%.2f %s %s, %s", amount, cur, sget(cost, "basis"),
			 j->currency ? "no exchange rate to the batch value's currency" :
			 "no batch value to convert to");
		return;
	}
	in->has_value = 1;
	in->value = amount * (rate ? json_number_value(rate) : 1);
	if (rate)
		sdx__text_put(in->cost, sizeof(in->cost), "%.2f %s %s at %.6g = %.2f %s", amount, cur,
			 sget(cost, "basis"), json_number_value(rate), in->value, j->currency);
	else
		sdx__text_put(in->cost, sizeof(in->cost), "%.2f %s %s", amount, cur, sget(cost, "basis"));
}

static void load_input(struct check *c, const struct judged *j, const json_t *x, int depth,
		       struct input *in)
{
	size_t node;

	memset(in, 0, sizeof(*in));
	in->ref = sget(x, "entry");
	in->lot = json_string_value(json_object_get(x, "lot_number"));
	in->role = json_string_value(json_object_get(x, "role"));
	in->hs = *sget(x, "hs_code") ? sget(x, "hs_code") : NULL;
	in->packaging = str_listed(json_object_get(j->spec, "packaging_roles"), in->role);
	in->kg = sdx__check_kilograms(json_object_get(x, "quantity"));
	input_value(j, x, in);
	node = sdx__graph_find_hex(c->g, in->ref);
	if (node == SIZE_MAX) {
		sdx__text_put(in->record, sizeof(in->record), "entry %.16s", in->ref);
		sdx__text_put(in->status, sizeof(in->status), "undetermined: not in this ledger or bundle");
	} else if (c->g->n[node].type->role == SDX_ROLE_STATEMENT) {
		declared_origin(c, j->agreement, node, in);
	} else if (c->g->n[node].type->role == SDX_ROLE_COMPOSITE) {
		subassembly_origin(c, j->spec, node, depth, in);
	} else {
		sdx__text_put(in->record, sizeof(in->record), "%s %.16s", c->g->n[node].type->name, in->ref);
		sdx__text_put(in->status, sizeof(in->status), "undetermined: not a declaration or batch");
	}
	code_digits(in->digits, in->hs);
}

/* "lot L (declaration D)", for naming an input in a reason. */
static const char *name_of(const struct input *in, char *buf, size_t cap)
{
	sdx__text_put(buf, cap, "%s%s%s%s%s", in->lot ? "lot " : "", in->lot ? in->lot : "",
		 in->lot ? " (" : "", in->record, in->lot ? ")" : "");
	return buf;
}

/* ---- the criteria --------------------------------------------------------------------- */

static const char *value_name(const struct judged *j)
{
	return strcmp(j->incoterm, "EXW") == 0 ? "ex-works" : "FOB";
}

/* WO: every input that is not packaging is originating. */
static int crit_wo(const struct judged *j, struct text *t)
{
	char name[200];
	size_t i, n = 0;

	for (i = 0; i < j->n; i++)
		if (!j->in[i].originating && !j->in[i].packaging && n++ == 0)
			sdx__text_add(t, "%s is not originating", name_of(&j->in[i], name, sizeof(name)));
	if (n > 1)
		sdx__text_add(t, ", nor %s %zu other input%s", n > 2 ? "are" : "is", n - 1, n > 2 ? "s" : "");
	if (!n)
		sdx__text_add(t, "every input%s is originating", j->n && json_object_get(j->spec,
		    "packaging_roles") ? " other than packaging" : "");
	return n ? NOT_MET : MET;
}

/* Is the product's chapter among the de minimis weight_chapters ("50-63")? */
static int weight_chapter(const json_t *dm, const char *product)
{
	char two[3] = { product[0], product[0] ? product[1] : '\0', '\0' };
	long ch = strtol(two, NULL, 10), lo, hi;
	const json_t *x;
	size_t i;

	if (strlen(two) < 2)
		return 0;
	json_array_foreach(json_object_get(dm, "weight_chapters"), i, x) {
		const char *s = json_string_value(x);
		lo = strtol(s, NULL, 10);
		hi = s[2] == '-' ? strtol(s + 3, NULL, 10) : lo;
		if (ch >= lo && ch <= hi)
			return 1;
	}
	return 0;
}

/*
 * Has input digits `in` changed from the product's at `level` digits?  1 yes,
 * 0 no, -1 not known (the input's code is not recorded, or too short).
 */
static int changed(const char *in, const char *product, size_t level)
{
	size_t a = strlen(in), b = strlen(product), k = a < b ? a : b;

	if (k > level)
		k = level;
	if (strncmp(in, product, k) != 0)
		return 1;
	return k == level ? 0 : -1;
}

/*
 * The de minimis of a change in tariff classification: the inputs that do not
 * change (`failing`, those of unknown code among them) are at most a share of
 * the FOB value, or for the weight chapters of the good's weight.
 */
static int de_minimis(const struct judged *j, const int *failing, struct text *t)
{
	const json_t *dm = json_object_get(j->spec, "de_minimis");
	double pct = json_number_value(json_object_get(dm, "percent_of_fob"));
	double wpct = json_number_value(json_object_get(dm, "percent_of_weight"));
	double sum = 0, kg = 0, share;
	const struct input *nocost = NULL, *nokg = NULL;
	int value, weight;
	size_t i;

	if (!dm) {
		sdx__text_add(t, "; the profile sets no de minimis");
		return NOT_MET;
	}
	for (i = 0; i < j->n; i++) {
		if (!failing[i])
			continue;
		if (!j->in[i].has_value && !nocost)
			nocost = &j->in[i];
		sum += j->in[i].value;
		if (j->in[i].kg < 0 && !nokg)
			nokg = &j->in[i];
		kg += j->in[i].kg;
	}
	if (!j->has_fob || nocost) {
		char name[200];
		sdx__text_add(t, "; de minimis cannot be computed: %s", nocost ? name_of(nocost, name,
		    sizeof(name)) : "the batch records no FOB value");
		if (nocost)
			sdx__text_add(t, " has no cost in the batch's currency");
		value = UNDECIDED;
	} else {
		share = sum / j->fob * 100;
		value = share <= pct + 1e-9 ? MET : strcmp(j->incoterm, "EXW") == 0 ? UNDECIDED : NOT_MET;
		sdx__text_add(t, "; de minimis: %.2f %s is %.1f %% of the %s value, %s %.6g %%%s", sum,
		    j->currency, share, value_name(j), value == MET ? "within" : "over", pct,
		    value == UNDECIDED ? " (record the FOB value, which "
		    "is higher)" : "");
	}
	if (value == MET || !wpct || !weight_chapter(dm, j->product))
		return value;
	if (j->kg <= 0 || nokg) {
		sdx__text_add(t, "; the weight test for chapter %.2s goods cannot be computed: %s is not "
		    "recorded as a mass", j->product, nokg ? "an input's quantity" :
		    "the batch quantity");
		return UNDECIDED;
	}
	share = kg / j->kg * 100;
	weight = share <= wpct + 1e-9 ? MET : NOT_MET;
	sdx__text_add(t, "; by weight: %.6g kg is %.1f %% of the good's %.6g kg, %s %.6g %%", kg, share,
	    j->kg, weight == MET ? "within" : "over", wpct);
	return weight == MET ? MET : value == UNDECIDED ? UNDECIDED : NOT_MET;
}

/* CC, CTH, CTSH: every non-originating input changes chapter, heading, subheading. */
static int crit_ctc(const struct judged *j, size_t level, struct text *t)
{
	const char *what = level == 2 ? "chapter" : level == 4 ? "heading" : "subheading";
	int *failing = calloc(j->n ? j->n : 1, sizeof(int)), r, unknown = 0, n = 0;
	char name[200];
	size_t i;

	if (!failing) {
		sdx__text_add(t, "out of memory");
		return UNDECIDED;
	}
	for (i = 0; i < j->n; i++) {
		const struct input *in = &j->in[i];
		if (in->originating || in->packaging || (r = changed(in->digits, j->product, level)) == 1)
			continue;
		failing[i] = 1;
		unknown += r < 0;
		if (n++ >= 3)
			continue;
		sdx__text_add(t, "%s%s is non-originating and ", n > 1 ? "; " : "",
			      name_of(in, name, sizeof(name)));
		if (r < 0)
			sdx__text_add(t, "its HS code is not recorded to the %s", what);
		else
			sdx__text_add(t, "of %s %.*s, as the product (HS %s)", what, (int)level,
				      in->digits, in->hs);
	}
	if (n > 3)
		sdx__text_add(t, "; and %d more", n - 3);
	if (!n) {
		sdx__text_add(t, "every non-originating input changes %s", what);
		free(failing);
		return MET;
	}
	r = de_minimis(j, failing, t);
	free(failing);
	return r == NOT_MET && unknown ? UNDECIDED : r;
}

/* RVCnn, build-down: (FOB - VNM) / FOB x 100 >= nn. */
static int crit_rvc(const struct judged *j, double min, struct text *t)
{
	const struct input *nocost = NULL;
	double vnm = 0, rvc;
	char name[200];
	size_t i;
	int exw = strcmp(j->incoterm, "EXW") == 0;

	if (!j->has_fob) {
		sdx__text_add(t, "the batch records no FOB value");
		return UNDECIDED;
	}
	for (i = 0; i < j->n; i++) {
		if (j->in[i].originating)
			continue;
		if (!j->in[i].has_value && !nocost)
			nocost = &j->in[i];
		vnm += j->in[i].value;
	}
	rvc = (j->fob - vnm) / j->fob * 100;
	sdx__text_add(t, "RVC = (%s %.2f - VNM %.2f) / %.2f x 100 = %.1f %%", value_name(j), j->fob, vnm,
	    j->fob, rvc);
	if (nocost)
		sdx__text_add(t, ", not counting %s, which has no cost in the batch's currency",
		    name_of(nocost, name, sizeof(name)));
	if (rvc + 1e-9 < min) {
		sdx__text_add(t, ", under %.6g %%%s", min, exw ? " on the ex-works value: record the FOB "
		    "value, which is higher" : "");
		return exw ? UNDECIDED : NOT_MET;
	}
	sdx__text_add(t, " >= %.6g %%%s", min, exw ? " (on the ex-works value: the FOB value is higher)" : "");
	return nocost ? UNDECIDED : MET;
}

static int criterion(const struct judged *j, const char *code, struct text *t)
{
	if (strcmp(code, "WO") == 0)
		return crit_wo(j, t);
	if (strcmp(code, "CC") == 0)
		return crit_ctc(j, 2, t);
	if (strcmp(code, "CTH") == 0)
		return crit_ctc(j, 4, t);
	if (strcmp(code, "CTSH") == 0)
		return crit_ctc(j, 6, t);
	if (strncmp(code, "RVC", 3) == 0)
		return crit_rvc(j, strtod(code + 3, NULL), t);
	sdx__text_add(t, "%s is not a criterion sdx can judge", code);
	return UNDECIDED;
}

/* ---- the verdict ---------------------------------------------------------------------- */

/* The product-specific rule: the longest listed code the product's begins with. */
static const json_t *product_rule(const json_t *spec, const char *product)
{
	const json_t *x, *best = NULL;
	size_t i, bestlen = 0;
	char d[12];

	json_array_foreach(json_object_get(spec, "product_rules"), i, x) {
		code_digits(d, sget(x, "hs"));
		if (strlen(d) > bestlen && strncmp(d, product, strlen(d)) == 0) {
			best = x;
			bestlen = strlen(d);
		}
	}
	return best;
}

static json_t *inputs_json(const struct judged *j)
{
	json_t *a = json_array(), *o;
	size_t i;

	for (i = 0; i < j->n; i++) {
		const struct input *in = &j->in[i];
		o = json_pack("{s:s, s:s?, s:s, s:s?, s:b, s:s, s:s?, s:s?}", "ref", in->ref, "lot",
			      in->lot, "record", in->record, "role", in->role, "originating",
			      in->originating, "status", in->status, "hs_code", in->hs, "cost",
			      in->cost[0] ? in->cost : NULL);
		if (o && in->has_value)
			json_object_set_new(o, "value", json_real(in->value));
		if (o && in->withheld)
			json_object_set_new(o, "withheld", json_true());
		json_array_append_new(a, o);
	}
	return a;
}

/*
 * Judge batch `node`: its verdict (SDX_VERDICT_*, or -1 out of memory), a
 * one-line head ("originating under RCEP by CTH") and in *out the whole
 * computation as JSON (formats/profiles.md, Rules of origin).
 */
static int judge(struct check *c, const json_t *spec, size_t node, int depth, char *head,
		 size_t hcap, json_t **out)
{
	const json_t *body = sdx__graph_body(c->g, &c->g->n[node]), *value, *prule, *alts, *x;
	const char *country = sget(json_object_get(body, "site"), "country");
	struct judged j;
	json_t *results = json_array(), *pe;
	char why[1200];
	struct text t = { why, sizeof(why), 0 };
	int verdict = SDX_VERDICT_FAIL, r, undecided = 0, has_wo;
	const char *carried = NULL;
	size_t i;

	memset(&j, 0, sizeof(j));
	why[0] = '\0';
	j.spec = spec;
	j.agreement = sget(spec, "agreement");
	j.batch_id = sget(body, "batch_id");
	j.product_hs = sget(json_object_get(body, "product"), "hs_code");
	code_digits(j.product, j.product_hs);
	value = json_object_get(body, "value");
	j.has_fob = json_number_value(json_object_get(value, "amount")) > 0;
	j.fob = json_number_value(json_object_get(value, "amount"));
	j.currency = value ? sget(value, "currency") : NULL;
	j.incoterm = sget(value, "incoterm");
	j.kg = sdx__check_kilograms(json_object_get(body, "quantity"));
	j.n = json_array_size(json_object_get(body, "inputs"));
	*out = NULL;
	if (!results || !(j.in = calloc(j.n ? j.n : 1, sizeof(*j.in)))) {
		json_decref(results);
		return -1;
	}
	json_array_foreach(json_object_get(body, "inputs"), i, x)
		load_input(c, &j, x, depth, &j.in[i]);
	prule = product_rule(spec, j.product);
	alts = prule ? json_object_get(prule, "rule") : json_object_get(spec, "default_rule");
	alts = json_is_array(alts) ? alts : NULL;
	has_wo = str_listed(alts, "WO");
	/* produced exclusively from originating materials: every tariff line (Annex 3A headnote 2) */
	if (!has_wo) {
		r = crit_wo(&j, &t);
		pe = json_pack("{s:s, s:s, s:s}", "criterion", "PE", "outcome", outcome_names[r],
			       "reason", why);
		json_array_append_new(results, pe);
		carried = r == MET ? "PE" : NULL;
	}
	json_array_foreach(alts, i, x) {
		t.len = 0;
		why[0] = '\0';
		r = criterion(&j, json_string_value(x), &t);
		undecided |= r == UNDECIDED;
		if (r == MET && !carried)
			carried = json_string_value(x);
		json_array_append_new(results, json_pack("{s:s, s:s, s:s}", "criterion",
							 json_string_value(x), "outcome",
							 outcome_names[r], "reason", why));
	}
	if (*country && json_object_get(spec, "parties") &&
	    !str_listed(json_object_get(spec, "parties"), country)) {
		sdx__text_put(head, hcap, "batch %s is not originating under %s: it was produced in %s, "
			 "not a party to the agreement", j.batch_id, j.agreement, country);
		carried = NULL;
	} else if (carried) {
		verdict = SDX_VERDICT_PASS;
		sdx__text_put(head, hcap, "batch %s is originating under %s by %s", j.batch_id,
			 j.agreement, carried);
	} else if (undecided || !alts) {
		verdict = SDX_VERDICT_UNKNOWN;
		sdx__text_put(head, hcap, "cannot tell whether batch %s is originating under %s",
			 j.batch_id, j.agreement);
	} else {
		sdx__text_put(head, hcap, "batch %s is not originating under %s", j.batch_id,
			 j.agreement);
	}
	*out = json_pack("{s:s, s:s, s:s?, s:O?, s:s?, s:o, s:o}", "agreement", j.agreement,
			 "product_hs", j.product_hs, "rule_for", prule ? sget(prule, "hs") :
			 alts ? "default" : NULL, "rule", alts, "carried_by", carried,
			 "alternatives", results, "inputs", inputs_json(&j));
	if (*out && j.has_fob) {
		double vnm = 0;
		for (i = 0; i < j.n; i++)
			vnm += j.in[i].originating ? 0 : j.in[i].value;
		json_object_set_new(*out, "value", json_pack("{s:f, s:s, s:s}", "amount", j.fob,
							     "currency", j.currency, "incoterm",
							     j.incoterm));
		/* of the inputs with a cost; the alternatives say which have none */
		json_object_set_new(*out, "vnm", json_real(vnm));
		json_object_set_new(*out, "rvc_percent", json_real((j.fob - vnm) / j.fob * 100));
	}
	free(j.in);
	return *out ? verdict : -1;
}

/* The reason: the verdict, the rule, each alternative's computation, each input. */
static void reason_of(const json_t *o, const json_t *spec, const char *head, struct text *t)
{
	const json_t *x, *v = json_object_get(o, "value");
	const json_t *alts = json_is_array(json_object_get(o, "rule")) ? json_object_get(o, "rule") : NULL;
	const char *rule_for = sget(o, "rule_for");
	size_t i;

	sdx__text_add(t, "%s", head);
	if (!alts)
		sdx__text_add(t, " (no product-specific rule for HS %s in this profile: add it from the "
		    "agreement's annex)", sget(o, "product_hs"));
	else if (strcmp(rule_for, "default") == 0)
		sdx__text_add(t, " (the profile's default rule, not the agreement's:");
	else
		sdx__text_add(t, " (rule for HS %s%s%s:", rule_for, *sget(spec, "hs_edition") ? " in " : "",
		    sget(spec, "hs_edition"));
	json_array_foreach(alts, i, x)
		sdx__text_add(t, "%s %s", i ? " or" : "", json_string_value(x));
	if (alts)
		sdx__text_add(t, ")");
	json_array_foreach(json_object_get(o, "alternatives"), i, x)
		sdx__text_add(t, ". %s %s: %s", sget(x, "criterion"), sget(x, "outcome"), sget(x, "reason"));
	if (v)
		sdx__text_add(t, ". %s value %.2f %s", sget(v, "incoterm"),
		    json_number_value(json_object_get(v, "amount")), sget(v, "currency"));
	else
		sdx__text_add(t, ". No batch value recorded");
	sdx__text_add(t, ". Inputs:");
	json_array_foreach(json_object_get(o, "inputs"), i, x) {
		int lot = json_is_string(json_object_get(x, "lot"));
		int role = json_is_string(json_object_get(x, "role"));
		sdx__text_add(t, "%s %s%s%s%s: %s, HS %s, %s%s%s", i ? ";" : "", lot ? "lot " : "",
		    sget(x, "lot"), lot ? " " : "", sget(x, "record"),
		    json_is_true(json_object_get(x, "originating")) ? "originating" :
		    "non-originating", sget(x, "hs_code")[0] ? sget(x, "hs_code") : "not recorded",
		    sget(x, "cost")[0] ? sget(x, "cost") : "no cost recorded", role ? ", " : "",
		    sget(x, "role"));
		if (!json_is_true(json_object_get(x, "originating")) ||
		    strncmp(sget(x, "status"), "originating", 11) != 0)
			sdx__text_add(t, " [%s]", sget(x, "status"));
		if (str_listed(json_object_get(spec, "packaging_roles"), sget(x, "role")))
			sdx__text_add(t, " [packaging: counted in the RVC only]");
	}
}

void sdx__check_origin(struct check *c, const json_t *rule, size_t node, const struct walk *w)
{
	const json_t *spec = json_object_get(rule, "origin");
	char head[600], buf[1400];
	struct text t = { buf, sizeof(buf), 0 };
	json_t *o = NULL, *last;
	int v;

	if ((v = judge(c, spec, node, 0, head, sizeof(head), &o)) < 0) {
		c->worst = -1;
		return;
	}
	/* a withheld origin was counted as non-originating, which it may not be:
	 * a pass stands on that, a fail does not (said first: the reason is long) */
	if (v == SDX_VERDICT_FAIL) {
		const json_t *x;
		size_t i, k = strlen(head);
		json_array_foreach(json_object_get(o, "inputs"), i, x)
			if (json_is_true(json_object_get(x, "withheld"))) {
				sdx__text_put(head + k, sizeof(head) - k, "; but the origin of %s%s%s%s "
					      "is concealed and not disclosed, so it is not shown to be "
					      "non-originating", json_is_string(json_object_get(x, "lot"))
					      ? "lot " : "", sget(x, "lot"),
					      json_is_string(json_object_get(x, "lot")) ? " " : "",
					      sget(x, "record"));
				v = SDX_VERDICT_UNKNOWN;
				break;
			}
	}
	reason_of(o, spec, head, &t);
	if (t.len + 1 >= t.cap)
		memcpy(buf + t.cap - 40, " ... (sdx check --json has it all)", 35);
	sdx__check_result(c, rule, node, w->lot, w->via, v, "%s", buf);
	last = json_array_get(c->results, json_array_size(c->results) - 1);
	json_object_set_new(last, "origin", o);
}
