/*
 * formats/rules/listed.c - records against substance lists (sdx/list.h,
 * formats/lists.md): the check kind listed_substances (REACH Art. 33: a
 * candidate-list substance above 0.1 % w/w in an article), and
 * sdx_list_diff(), what a new version of a list added and which current
 * declarations it hits.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdx/error.h"
#include "sdx/list.h"
#include "formats/records/internal.h"
#include "formats/registers/list.h"
#include "formats/rules/internal.h"
#include "formats/text/l10n.h"
#include "formats/text/text.h"

int sdx__check_in_force(const sdx_graph *g, size_t node, long today)
{
	size_t ids[16], m, k;

	if (sdx__graph_superseders(g, node, ids, 16))
		return 0;
	m = sdx__graph_withdrawals(g, node, ids, 16);
	for (k = 0; k < m; k++)
		if (sdx__check_days(sget(sdx__graph_body(g, &g->n[ids[k]]), "effective_date")) <= today)
			return 0;
	return 1;
}

static const sdx_substance_list *list_named(const struct check *c, const char *name)
{
	size_t i;

	for (i = 0; c->opts && i < c->opts->nlists; i++)
		if (strcmp(sdx_list_name(c->opts->lists[i]), name) == 0)
			return c->opts->lists[i];
	return NULL;
}

/* The batch named `via` that took `lot` of declaration `node`: its body, the input's quantity. */
static const json_t *consumer(const struct check *c, size_t node, const char *via,
			      const char *lot, const json_t **input)
{
	const struct gnode *d = &c->g->n[node];
	size_t i, k;

	for (i = 0; via && i < d->nusers; i++) {
		const json_t *b = sdx__graph_body(c->g, &c->g->n[d->users[i]]), *in;
		if (c->g->n[d->users[i]].type->role != SDX_ROLE_COMPOSITE ||
		    strcmp(sget(b, c->g->n[d->users[i]].type->id_field), via) != 0)
			continue;
		json_array_foreach(json_object_get(b, "inputs"), k, in)
			if (strcmp(sget(in, "entry"), d->hex) == 0 &&
			    (!lot || strcmp(sget(in, "lot_number"), lot) == 0)) {
				*input = json_object_get(in, "quantity");
				return b;
			}
	}
	return NULL;
}

struct hit {
	const sdx_listed_substance *s;
	double mgkg;
	int nd;            /* every value of it below detection */
	const char *claim;
};

/* The largest measured total content of each listed substance in the lot. */
static size_t listed_in(const sdx_substance_list *list, const json_t *decl, const char *lot,
			struct hit *h, size_t cap)
{
	const json_t *claim, *m;
	size_t i, k, j, n = 0;

	json_array_foreach(json_object_get(decl, "claims"), i, claim) {
		if (!sdx__claim_covers(claim, lot))
			continue;
		json_array_foreach(json_object_get(claim, "measurements"), k, m) {
			const sdx_listed_substance *s = sdx_list_find(list, sget(m, "cas_number"));
			double v;
			if (!s || strcmp(sget(m, "measure"), "migration") == 0)
				continue;
			/* a value withheld is no value (listed_doubt() names it), never a 0 */
			if (!json_object_get(m, "value") &&
			    !json_is_true(json_object_get(m, "below_detection")))
				continue;
			v = json_is_true(json_object_get(m, "below_detection")) ? 0 :
			    json_number_value(json_object_get(m, "value")) *
			    sdx__mass_fraction_factor(sget(m, "unit"));
			for (j = 0; j < n && h[j].s != s; j++)
				;
			if (j == n && n == cap)
				continue;
			if (j == n) {
				h[n].s = s;
				h[n].mgkg = v;
				h[n].nd = json_is_true(json_object_get(m, "below_detection"));
				h[n++].claim = sget(claim, "id");
			} else if (v > h[j].mgkg) {
				h[j].mgkg = v;
				h[j].nd = 0;
				h[j].claim = sget(claim, "id");
			}
		}
	}
	return n;
}

/*
 * What of the claims covering `lot` may hide a listed substance's value
 * (formats/disclosure.md): a concealed claim or measurement, a measurement
 * whose CAS number may be concealed, or a listed one whose value is.  1 with
 * the reason in `why`, else 0.
 */
static int listed_doubt(const sdx_substance_list *list, const json_t *decl, const char *lot,
			char *why, size_t cap)
{
	const json_t *claim, *m;
	size_t i, k, n;
	const char *id;

	if ((n = sdx__graph_withheld_elements(decl, "claims"))) {
		sdx__text_put(why, cap, _("%zu claim(s) of this declaration are concealed and not "
			 "disclosed"), n);
		return 1;
	}
	json_array_foreach(json_object_get(decl, "claims"), i, claim) {
		if (!sdx__claim_covers(claim, lot))
			continue;
		id = *sget(claim, "id") ? sget(claim, "id") : "?";
		if ((n = sdx__graph_withheld_elements(claim, "measurements")) ||
		    (strcmp(sget(claim, "basis"), "formulation") != 0 &&
		     sdx__graph_may_withhold(claim, "measurements"))) {
			sdx__text_put(why, cap, _("the measurements of claim %s are concealed and not "
				 "disclosed"), id);
			return 1;
		}
		json_array_foreach(json_object_get(claim, "measurements"), k, m) {
			if (sdx__graph_may_withhold(m, "cas_number")) {
				sdx__text_put(why, cap, _("the CAS number of measurement %zu of claim %s "
					 "may be concealed and is not disclosed"), k, id);
				return 1;
			}
			if (sdx_list_find(list, sget(m, "cas_number")) &&
			    sdx__graph_may_withhold(m, "value") &&
			    !json_is_true(json_object_get(m, "below_detection"))) {
				sdx__text_put(why, cap, _("the value of %s in claim %s is concealed and "
					 "not disclosed"), sget(m, "substance"), id);
				return 1;
			}
		}
	}
	return 0;
}

/* A conforming svhc claim covering the lot, or NULL. */
static const json_t *svhc_claim(const json_t *decl, const char *lot)
{
	const json_t *claim;
	size_t i;

	json_array_foreach(json_object_get(decl, "claims"), i, claim)
		if (strcmp(sget(claim, "topic"), "svhc") == 0 &&
		    strcmp(sget(claim, "conformance"), "conforms") == 0 && sdx__claim_covers(claim, lot))
			return claim;
	return NULL;
}

/* The list's entries added after `date`, named in t; how many. */
static size_t added_after(const sdx_substance_list *list, const char *date, struct text *t)
{
	size_t i, n = 0;

	for (i = 0; i < sdx_list_count(list); i++) {
		const sdx_listed_substance *s = sdx_list_entry(list, i);
		if (s->added && strcmp(s->added, date) > 0) {
			sdx__text_add(t, "%s%s (%s)", n ? ", " : "", s->name, s->added);
			n++;
		}
	}
	return n;
}

/* The entries a record can name: those with a CAS number. */
static size_t matchable(const sdx_substance_list *list)
{
	size_t i, n = 0;

	for (i = 0; i < sdx_list_count(list); i++)
		n += sdx_list_entry(list, i)->ncas > 0;
	return n;
}

/* Over the limit in the lot: does the article carry it above the limit too? */
static void article_level(struct check *c, const json_t *rule, size_t node, const struct walk *w,
			  const struct hit *h, double lim)
{
	const json_t *input = NULL, *batch = consumer(c, node, w->via, w->lot, &input);
	double in_kg = sdx__check_kilograms(input);
	double out_kg = batch ? sdx__check_kilograms(json_object_get(batch, "quantity")) : -1;
	double pct = h->mgkg / 1e4, art;

	if (!batch) {
		sdx__check_result(c, rule, node, w->lot, w->via, SDX_VERDICT_FAIL, _("lot %s holds %s "
				  "at %.4g %% w/w (claim %s), above %.4g %%"), w->lot ? w->lot : _("(all)"),
				  h->s->name, pct, h->claim, lim / 1e4);
		return;
	}
	if (in_kg < 0 || out_kg <= 0) {
		sdx__check_result(c, rule, node, w->lot, w->via, SDX_VERDICT_UNKNOWN, _("lot %s holds "
				  "%s at %.4g %% w/w, above %.4g %%; whether article %s does depends "
				  "on its mass, and the batch counts it in %s and the lot it took in %s, "
				  "not both as masses"), w->lot, h->s->name, pct, lim / 1e4, w->via,
				  sget(json_object_get(batch, "quantity"), "unit"),
				  input ? sget(input, "unit") : "nothing");
		return;
	}
	art = h->mgkg * in_kg / out_kg;
	sdx__check_result(c, rule, node, w->lot, w->via, art > lim ? SDX_VERDICT_FAIL : SDX_VERDICT_PASS,
			  art > lim ? _("lot %s holds %s at %.4g %% w/w; article %s takes %.4g kg of it in "
				       "%.4g kg: %.4g %% w/w, above %.4g %%")
			  : _("lot %s holds %s at %.4g %% w/w; article %s takes %.4g kg of it in %.4g kg: "
			      "%.4g %% w/w, within %.4g %%"), w->lot, h->s->name, pct, w->via, in_kg,
			  out_kg, art / 1e4, lim / 1e4);
}

void sdx__check_listed(struct check *c, const json_t *rule, size_t node, const struct walk *w)
{
	const json_t *decl = sdx__graph_body(c->g, &c->g->n[node]), *claim;
	const char *name = sget(rule, "list"), *lot = w->lot;
	const sdx_substance_list *list = list_named(c, name);
	const json_t *limit = json_object_get(rule, "limit");
	double lim = json_number_value(json_object_get(limit, "value")) *
		     sdx__mass_fraction_factor(sget(limit, "unit"));
	struct hit h[64];
	char measured[500] = "", later[500] = "", doubt[300];
	struct text tm = { measured, sizeof(measured), 0 }, tl = { later, sizeof(later), 0 };
	size_t n, i, over = 0;

	if (!list) {
		sdx__check_result(c, rule, node, lot, w->via, SDX_VERDICT_UNKNOWN, _("the substance list "
				  "'%s' is not loaded: 'sdx list import %s FILE' stores it"), name, name);
		return;
	}
	n = listed_in(list, decl, lot, h, sizeof(h) / sizeof(h[0]));
	for (i = 0; i < n; i++)
		if (h[i].mgkg > lim) {
			article_level(c, rule, node, w, &h[i], lim);
			over++;
		}
	if (over)
		return;
	for (i = 0; i < n; i++) {
		if (h[i].nd)
			sdx__text_add(&tm, "%s%s not detected", i ? ", " : "", h[i].s->name);
		else
			sdx__text_add(&tm, "%s%s %.4g %%", i ? ", " : "", h[i].s->name, h[i].mgkg / 1e4);
	}
	if (listed_doubt(list, decl, lot, doubt, sizeof(doubt))) {
		sdx__check_result(c, rule, node, lot, w->via, SDX_VERDICT_UNKNOWN, _("%s%s%s of list "
				  "'%s' (version %llu) may be among what is withheld: %s"),
				  n ? _("measured ") : "", measured, n ? _(" (within the limit); a substance")
				  : _("a substance"), name, (unsigned long long)sdx_list_version(list), doubt);
		return;
	}
	if (n == matchable(list)) {
		sdx__check_result(c, rule, node, lot, w->via, SDX_VERDICT_PASS, _("every substance of "
				  "list '%s' (version %llu of %s) is measured at most %.4g %%: %s"),
				  name, (unsigned long long)sdx_list_version(list), sdx_list_date(list), lim / 1e4, measured);
		return;
	}
	if ((claim = svhc_claim(decl, lot))) {
		const char *since = sget(decl, "valid_from");
		if (added_after(list, since, &tl))
			sdx__check_result(c, rule, node, lot, w->via, SDX_VERDICT_UNKNOWN, _("claim %s "
					  "(from %s) predates what list '%s' version %llu added "
					  "since: %s"), sget(claim, "id"), since, name,
					  (unsigned long long)sdx_list_version(list), later);
		else
			sdx__check_result(c, rule, node, lot, w->via, SDX_VERDICT_PASS, _("claim %s: no "
					  "substance of list '%s' (version %llu of %s) above "
					  "%.4g %%%s%s"), sget(claim, "id"), name,
					  (unsigned long long)sdx_list_version(list),
					  sdx_list_date(list), lim / 1e4, n ? _("; measured: ") : "",
					  measured);
		return;
	}
	sdx__check_result(c, rule, node, lot, w->via, SDX_VERDICT_UNKNOWN, _("%s%s%sno measurement "
			  "or 'svhc' claim covers the other %zu substances of list '%s' (version %llu)"),
			  n ? _("measured ") : "", measured, n ? _(" (within the limit); ") : "",
			  matchable(list) - n, name, (unsigned long long)sdx_list_version(list));
}

/* ---- what a new version added, and what it hits ------------------------------------ */

static int same_entry(const sdx_listed_substance *a, const sdx_substance_list *other)
{
	size_t i, k;

	for (i = 0; i < sdx_list_count(other); i++) {
		const sdx_listed_substance *b = sdx_list_entry(other, i);
		if (strcmp(a->name, b->name) == 0)
			return 1;
		for (k = 0; k < a->ncas; k++)
			if (sdx_list_find(other, a->cas[k]) == b)
				return 1;
	}
	return 0;
}

static void add_lot(json_t *lots, json_t *lot)
{
	const json_t *x;
	size_t i;

	json_array_foreach(lots, i, x)
		if (json_equal(x, lot))
			return;
	json_array_append(lots, lot);
}

/* Each current declaration that measures `s` present (not below detection):
 * its largest value, the claims and lots that give one. */
static json_t *hits(sdx_graph *g, const sdx_listed_substance *s, long today)
{
	json_t *list = json_array();
	size_t i, k, j, q;

	for (i = 0; g && i < g->len; i++) {
		const json_t *decl, *claim, *m;
		json_t *lot;
		json_t *h = NULL, *claims = json_array(), *lots = json_array();
		double best = -1;
		const char *unit = "";
		if (g->n[i].type->role != SDX_ROLE_STATEMENT || !sdx__check_in_force(g, i, today))
			goto next;
		decl = sdx__graph_body(g, &g->n[i]);
		json_array_foreach(json_object_get(decl, "claims"), k, claim)
			json_array_foreach(json_object_get(claim, "measurements"), j, m) {
				double v = json_number_value(json_object_get(m, "value")) *
					   sdx__mass_fraction_factor(sget(m, "unit"));
				for (q = 0; q < s->ncas; q++)
					if (strcmp(sget(m, "cas_number"), s->cas[q]) == 0)
						break;
				if (q == s->ncas || json_is_true(json_object_get(m, "below_detection")) ||
				    !json_object_get(m, "value"))
					continue;
				json_array_append_new(claims, json_string(sget(claim, "id")));
				/* the claim's lots, or every lot the declaration covers */
				json_array_foreach(json_object_get(claim, "applies_to_lots"), q, lot)
					add_lot(lots, lot);
				if (!json_object_get(claim, "applies_to_lots"))
					json_array_foreach(json_object_get(json_object_get(decl,
						"material"), "lots"), q, lot)
						add_lot(lots, json_object_get(lot, "lot_number"));
				if (v > best) {
					best = v;
					unit = sget(m, "unit");
				}
			}
		if (best < 0)
			goto next;
		h = sdx__graph_head(g, i);
		json_object_set_new(h, "claims", claims);
		json_object_set_new(h, "lots", lots);
		json_object_set_new(h, "mg_per_kg", json_real(best));
		json_object_set_new(h, "percent", json_real(best / 1e4));
		json_object_set_new(h, "unit", json_string(unit));
		json_array_append_new(list, h);
		continue;
next:
		json_decref(claims);
		json_decref(lots);
	}
	return list;
}

static json_t *version_json(const sdx_substance_list *s)
{
	return json_pack("{s:I, s:s, s:I}", "version", (json_int_t)sdx_list_version(s), "date",
			 sdx_list_date(s), "substances", (json_int_t)sdx_list_count(s));
}

int sdx_list_diff(char **out, const sdx_substance_list *from, const sdx_substance_list *to,
		  sdx_graph *g)
{
	json_t *added = json_array(), *removed = json_array(), *root;
	char today[21];
	const char *date = NULL;
	size_t i;
	int err;

	*out = NULL;
	if (g && (err = sdx__graph_load_all(g)) < 0)
		return err;
	if ((err = sdx__check_date(&date, today)) < 0)
		return err;
	for (i = 0; i < sdx_list_count(to); i++) {
		const sdx_listed_substance *s = sdx_list_entry(to, i);
		json_t *j;
		if (from && same_entry(s, from))
			continue;
		j = json_deep_copy(sdx__list_entry_json(to, i));
		json_object_set_new(j, "hits", hits(g, s, sdx__check_days(date)));
		json_array_append_new(added, j);
	}
	for (i = 0; from && i < sdx_list_count(from); i++)
		if (!same_entry(sdx_list_entry(from, i), to))
			json_array_append_new(removed, json_deep_copy(sdx__list_entry_json(from, i)));
	root = json_pack("{s:s, s:o, s:o, s:o, s:o}", "list", sdx_list_name(to), "from",
			 from ? version_json(from) : json_null(), "to", version_json(to), "added",
			 added, "removed", removed);
	return sdx__graph_dump(out, root);
}
