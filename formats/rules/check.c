/*
 * formats/rules/check.c - sdx_profile_check(): walk the graph below a record
 * and judge each statement and record the profile's rules apply to, by the
 * type's name and role (formats/records/type.h); collect the verdicts.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdx/provenance.h"
#include "formats/graph/attribution.h"
#include "formats/schema/schema.h"
#include "formats/rules/internal.h"
#include "formats/text/l10n.h"
#include "ledger/internal.h"
#include "formats/text/text.h"

long sdx__check_days(const char *d)
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

int sdx__check_date(const char **date, char today[21])
{
	if (!*date) {
		sdx__utc_now(today);
		today[10] = '\0';
		*date = today;
	}
	if (!sdx__is_date(*date))
		return sdx_error_set(SDX_EINVAL, "date '%s': expected a calendar date YYYY-MM-DD",
				     *date);
	return 0;
}

static const char *const verdict_names[] = { "pass", "unknown", "fail", "not_applicable" };
/* not_applicable never worsens a verdict: it ranks below pass */
static const int verdict_rank[] = { 1, 2, 3, 0 };

int sdx_verdict_worse(int a, int b)
{
	if (a < 0 || a > 3)
		return a;
	if (b < 0 || b > 3)
		return b;
	return verdict_rank[b] > verdict_rank[a] ? b : a;
}

int sdx__check_strict(const struct check *c, const json_t *rule)
{
	const char *m = sget(rule, "on_missing");

	return *m ? strcmp(m, "fail") == 0 : c->programme;
}

void sdx__check_result(struct check *c, const json_t *rule, size_t node, const char *lot,
		   const char *via, int verdict, const char *fmt, ...)
{
	const struct gnode *n = &c->g->n[node];
	char reason[1400], label[600];
	int firm = verdict & SDX__CHECK_FIRM;
	json_t *subject;
	va_list ap;

	verdict &= ~SDX__CHECK_FIRM;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	/* a record whose digests cannot be read, or a rule kind that does not yet
	 * ask which fields it read (c->coarse: withheld fields where it reads),
	 * judged without what is withheld: neither its pass nor its fail stands */
	if ((n->opaque || c->coarse) && (verdict == SDX_VERDICT_PASS || verdict == SDX_VERDICT_FAIL)) {
		size_t k = strlen(reason);

		if (n->opaque)
			sdx__text_put(reason + k, sizeof(reason) - k, _("; but the concealed fields of "
				      "this record cannot be read, so the verdict would rest on values "
				      "not seen"));
		else
			sdx__text_put(reason + k, sizeof(reason) - k, _("; but %zu field(s) under %s of "
				      "this record are concealed and not disclosed (withheld by the "
				      "supplier, or decoys), and this rule does not tell which it reads"),
				      c->coarse, c->coarse_region);
		verdict = SDX_VERDICT_UNKNOWN;
	}
	if (verdict == SDX_VERDICT_UNKNOWN && !firm && sdx__check_strict(c, rule)) {
		size_t k = strlen(reason);
		verdict = SDX_VERDICT_FAIL;
		sdx__text_put(reason + k, sizeof(reason) - k, _("; missing or stale evidence is not eligible "
			 "under this rule"));
	}
	sdx__graph_label(label, sizeof(label), c->g, node);
	subject = json_pack("{s:s, s:s, s:s, s:I, s:s}", "ref", n->hex, "type",
			    n->type->name, "origin", n->origin,
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
	c->worst = sdx_verdict_worse(c->worst, verdict);
}

/* Add `note` to the reason of the last verdict recorded (from index `from`). */
static void note_last(struct check *c, size_t from, const char *note)
{
	json_t *last;

	if (!note[0] || json_array_size(c->results) <= from)
		return;
	last = json_array_get(c->results, json_array_size(c->results) - 1);
	json_object_set_new(last, "reason", json_sprintf("%s%s", sget(last, "reason"), note));
}

/* ---- walking the graph -------------------------------------------------------------- */

size_t sdx__check_current(const sdx_graph *g, size_t decl, const char *lot, int depth)
{
	size_t ids[16], m, k;

	if (depth > 64)
		return decl;
	m = sdx__graph_superseders(g, decl, ids, 16);
	for (k = 0; k < m; k++) {
		const struct gnode *n = &g->n[ids[k]];
		if (!lot || sdx__record_covers(n->type, sdx__graph_body(g, n), lot))
			return sdx__check_current(g, ids[k], lot, depth + 1);
	}
	return decl;
}

typedef void (*check_fn)(struct check *c, const json_t *rule, size_t node,
			 const struct walk *w);

/* Withheld places (formats/disclosure.md) in `j` and below. */
static size_t withheld_under(const json_t *j, int depth)
{
	const char *k;
	json_t *v;
	size_t i, n = 0;

	if (depth > 64)
		return 0;
	if (json_is_object(j)) {
		n += sdx__graph_withheld(j);
		json_object_foreach((json_t *)j, k, v)
			n += strcmp(k, "_withheld_elements") == 0
				? 0 : sdx__graph_withheld_elements(j, k) + withheld_under(v, depth + 1);
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			n += withheld_under(v, depth + 1);
	}
	return n;
}

/*
 * What each check kind judges: on a declaration, its claims; on a batch or
 * shipment (not a statement), its own test reports, except that an origin
 * rule judges the batch's inputs wherever it applies.  A kind not listed
 * (report_valid, …) judges reports on both.
 */
static const struct check_kind {
	const char *name;
	size_t prefix; /* compare this many bytes; 0: the whole name */
	check_fn on_statement, on_record;
} check_kinds[] = {
	{ "substance_", 10, sdx__check_substances, sdx__check_report },
	{ "not_intentionally_added", 0, sdx__check_nia, sdx__check_report },
	{ "claim", 0, sdx__check_claim, sdx__check_report },
	{ "origin", 0, sdx__check_origin, sdx__check_origin },
	{ "listed_substances", 0, sdx__check_listed, sdx__check_report },
};

static const struct check_kind *kind_of(const json_t *rule)
{
	static const struct check_kind reports = { "", 0, sdx__check_report, sdx__check_report };
	const char *k = sget(rule, "check");
	size_t i;

	for (i = 0; i < sizeof(check_kinds) / sizeof(check_kinds[0]); i++) {
		const struct check_kind *e = &check_kinds[i];
		if (e->prefix ? strncmp(k, e->name, e->prefix) == 0 : strcmp(k, e->name) == 0)
			return e;
	}
	return &reports;
}

/*
 * Is `rule` one to judge `node` by?  Its applies_to must name the node's
 * type; then its scope decides: out of scope is recorded as not_applicable
 * (0 returned), scope not recorded leaves a note for the verdict.
 */
static int in_scope(struct check *c, const json_t *rule, size_t node, const struct walk *w,
		    char *note, size_t cap)
{
	char why[600];
	int r;

	note[0] = '\0';
	if (strcmp(sget(rule, "applies_to"), c->g->n[node].type->name) != 0)
		return 0;
	r = sdx__scope_rule(c, rule, node, w, why, sizeof(why));
	if (r == SCOPE_OUT) {
		sdx__check_result(c, rule, node, w->lot, w->via, SDX_VERDICT_NOT_APPLICABLE, "%s",
				  why);
		return 0;
	}
	if (r == SCOPE_UNRECORDED)
		sdx__text_put(note, cap, _(" [judged as in scope: %s]"), why);
	return 1;
}

static void check_declaration(struct check *c, size_t node, const struct walk *w0)
{
	const json_t *rules = json_object_get(c->profile, "rules"), *rule;
	size_t cur = sdx__check_current(c->g, node, w0->lot, 0), wd[16], nw, i, k, before;
	const json_t *body = sdx__graph_body(c->g, &c->g->n[cur]);
	char note[1200], scope_note[700];
	const char *lot = w0->lot, *via = w0->via;

	note[0] = '\0';
	if (cur != node)
		sdx__text_put(note, sizeof(note), _(" (as corrected by declaration %s, entry %.16s)"),
			 sget(body, "declaration_id"), c->g->n[cur].hex);
	sdx__check_attribution_note(note, sizeof(note), c, cur);
	json_array_foreach(rules, i, rule) {
		if (!in_scope(c, rule, cur, w0, scope_note, sizeof(scope_note)))
			continue;
		before = json_array_size(c->results);
		nw = sdx__graph_withdrawals(c->g, cur, wd, 16);
		for (k = 0; k < nw; k++)
			if (sdx__check_days(sget(sdx__graph_body(c->g, &c->g->n[wd[k]]), "effective_date")) <= c->today)
				break;
		if (k < nw) {
			const json_t *wb = sdx__graph_body(c->g, &c->g->n[wd[k]]);
			sdx__check_result(c, rule, cur, lot, via, SDX_VERDICT_FAIL, _("declaration %s was withdrawn "
					  "by its supplier from %s (%s): %s%s"), sget(body, "declaration_id"),
					  sget(wb, "effective_date"), sget(wb, "reason_code"), sget(wb, "reason"),
					  note);
			continue;
		}
		if (sdx__check_days(sget(body, "valid_until")) < c->today ||
		    sdx__check_days(sget(body, "valid_from")) > c->today) {
			sdx__check_result(c, rule, cur, lot, via, SDX_VERDICT_UNKNOWN, _("declaration %s is valid "
					  "%s to %s, not at %s%s"), sget(body, "declaration_id"),
					  sget(body, "valid_from"), sget(body, "valid_until"), c->date, note);
			continue;
		}
		if (sdx__check_signed_by(c, rule, cur, w0, note))
			continue;
		/* each kind asks itself which withheld values it needs (claims.c) */
		kind_of(rule)->on_statement(c, rule, cur, w0);
		note_last(c, before, note);
		note_last(c, before, scope_note);
	}
}

/* A record that is not a statement is judged on its own reports only. */
static void check_reports(struct check *c, size_t node, const struct walk *w)
{
	const json_t *rules = json_object_get(c->profile, "rules"), *rule;
	char scope_note[700];
	size_t i, before;

	json_array_foreach(rules, i, rule) {
		if (!in_scope(c, rule, node, w, scope_note, sizeof(scope_note)))
			continue;
		before = json_array_size(c->results);
		/* a report rule asks of each report what it needs (reports.c), an
		 * origin rule of each input's origin (origin.c); not yet what it
		 * reads of the record's own body */
		c->coarse_region = _("its body");
		c->coarse = kind_of(rule)->on_record == sdx__check_report ? 0
			: withheld_under(sdx__graph_body(c->g, &c->g->n[node]), 0);
		kind_of(rule)->on_record(c, rule, node, w);
		c->coarse = 0;
		note_last(c, before, scope_note);
	}
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

	sdx__check_result(c, rule, from, NULL, NULL, SDX_VERDICT_UNKNOWN, _("input %s of %s %s is "
			  "not in this ledger or bundle: nothing upstream of it can be checked"),
			  hex, n->type->name, sget(sdx__graph_body(c->g, n), n->type->id_field));
	json_decref(rule);
}

/* The HS code of the goods a record describes (a batch's product), or NULL. */
static const char *goods_hs(const json_t *body)
{
	const char *hs = sget(json_object_get(body, "product"), "hs_code");

	return *hs ? hs : NULL;
}

/* Every rule of the profile is not applicable to `node`, for `why`. */
static void all_not_applicable(struct check *c, size_t node, const char *why)
{
	const json_t *rule;
	size_t i;

	json_array_foreach(json_object_get(c->profile, "rules"), i, rule)
		sdx__check_result(c, rule, node, NULL, NULL, SDX_VERDICT_NOT_APPLICABLE, "%s", why);
}

static void classification_fail(struct check *c, size_t node, const char *why)
{
	json_t *rule = json_pack("{s:s, s:s, s:s}", "id", "hs-classification", "title",
				 "HS code listed and consistent", "regulation",
				 sget(c->profile, "title"));

	sdx__check_result(c, rule, node, NULL, NULL, SDX_VERDICT_FAIL, "%s", why);
	json_decref(rule);
}

/*
 * Goods about to be judged as a product (the subject batch, or a batch a
 * shipment carries, as HS `declared`): does the profile cover them?  0 if
 * not, with the verdicts recorded.  A programme fails goods whose code is
 * near one it lists, or that is declared otherwise than the batch records.
 */
static int goods_in_scope(struct check *c, size_t node, const char *declared)
{
	const char *own = goods_hs(sdx__graph_body(c->g, &c->g->n[node]));
	const char *code = declared ? declared : own;
	char why[600], a[16], b[16];
	int near = 0, r;
	size_t i, k;

	r = sdx__scope_goods(c->profile, code, &near, why, sizeof(why));
	if (c->programme && declared && own) {
		for (i = k = 0; declared[i] && k < 6; i++)
			if (declared[i] != '.')
				a[k++] = declared[i];
		a[k] = '\0';
		for (i = k = 0; own[i] && k < 6; i++)
			if (own[i] != '.')
				b[k++] = own[i];
		b[k] = '\0';
		if (strcmp(a, b) != 0) {
			char m[300];
			sdx__text_put(m, sizeof(m), _("the shipment declares HS %s for batch %s, whose product "
				 "is recorded as HS %s: misclassified"), declared,
				 sget(sdx__graph_body(c->g, &c->g->n[node]), "batch_id"), own);
			classification_fail(c, node, m);
		}
	}
	if (r != SCOPE_OUT)
		return 1;
	if (near && c->programme) {
		classification_fail(c, node, why);
		return 1;
	}
	all_not_applicable(c, node, why);
	return 0;
}

static void visit(struct check *c, struct visit *v, size_t node, const struct walk *w,
		  int depth)
{
	const struct gnode *n = &c->g->n[node];
	const json_t *body;
	size_t e, k, to;
	json_t *x;

	if (v->err)
		return;
	if (depth > 256 || v->state[node] == 1) {
		v->err = sdx_error_set(SDX_EVERIFY, "entry %s: %s", n->hex, depth > 256
				       ? "inputs nested too deep" : "the records refer to each other "
				       "in a cycle");
		return;
	}
	if (n->type->role == SDX_ROLE_STATEMENT) {
		if (!judged(v, node, w->lot))
			check_declaration(c, node, w);
		return;
	}
	if (n->type->role != SDX_ROLE_COMPOSITE || v->state[node] == 2)
		return;
	body = sdx__graph_body(c->g, n);
	if (w->role && strcmp(w->role, "product") == 0 && goods_hs(body) &&
	    !goods_in_scope(c, node, w->hs)) {
		v->state[node] = 2;
		return;
	}
	v->state[node] = 1;
	check_reports(c, node, w);
	/* against the records held; a lazy graph may read more, so n is found again */
	if ((v->err = sdx__check_plausible(c, node)) < 0)
		return;
	n = &c->g->n[node];
	body = sdx__graph_body(c->g, n);
	for (e = 0; e < n->type->nedges; e++) {
		const struct sdx_record_edge *edge = &n->type->edges[e];
		if (edge->attachment || !edge->array)
			continue;
		json_array_foreach(json_object_get(body, edge->array), k, x) {
			const char *hex = sdx__edge_hash(edge, x);
			struct walk next;
			if ((to = sdx__graph_find_hex(c->g, hex ? hex : "")) == SIZE_MAX) {
				missing_input(c, node, hex ? hex : "");
				continue;
			}
			next.lot = json_string_value(json_object_get(x, "lot_number"));
			if (edge->consumes) {
				/* what went into a batch is checked as used via that batch */
				const char *role = sget(x, "role");
				next.via = sget(body, n->type->id_field);
				next.role = *role ? role : NULL;
				next.hs = goods_hs(body);
			} else {
				/* what a shipment carries is judged as a product */
				const char *hs = sget(x, "hs_code");
				next.via = w->via;
				next.role = "product";
				next.hs = *hs ? hs : NULL;
			}
			visit(c, v, to, &next, depth + 1);
		}
	}
	v->state[node] = 2;
}

int sdx_profile_check(char **out, int *worst, const sdx_graph *g, size_t node,
		      const sdx_profile *p, const struct sdx_check_options *opts)
{
	static const char *const scope_names[] = { "in", "out", "not_recorded" };
	const char *date = opts ? opts->date : NULL;
	const json_t *body;
	struct check c;
	struct visit v;
	struct walk w = { NULL, NULL, "product", NULL };
	char today[21], label[600], why[600];
	json_t *root;
	char *s;
	int err, scope;

	*out = NULL;
	*worst = SDX_VERDICT_PASS;
	if (node >= g->len)
		return sdx_error_set(SDX_EINVAL, "no record %zu in the graph", node);
	if ((g->lazy && (err = sdx__graph_expand_down((sdx_graph *)g, node)) < 0) ||
	    (err = sdx__graph_attribute((sdx_graph *)g, node)) < 0)
		return err;
	body = sdx__graph_body(g, &g->n[node]);
	if (!date && g->n[node].type->date_field)
		date = sget(body, g->n[node].type->date_field);
	if ((err = sdx__check_date(&date, today)) < 0)
		return err;
	memset(&c, 0, sizeof(c));
	memset(&v, 0, sizeof(v));
	c.g = g;
	c.profile = p->j;
	c.programme = strcmp(sget(p->j, "kind"), "programme") == 0;
	c.opts = opts;
	c.date = date;
	c.today = sdx__check_days(date);
	c.destination = *sget(body, "destination_country") ? sget(body, "destination_country") : NULL;
	c.port = *sget(body, "port_of_loading") ? sget(body, "port_of_loading") : NULL;
	c.worst = SDX_VERDICT_NOT_APPLICABLE;
	if (g->n[node].type->role != SDX_ROLE_COMPOSITE)
		w.role = NULL; /* a declaration judged on its own came in no batch */
	c.results = json_array();
	if (!(v.state = calloc(g->len, 1))) {
		json_decref(c.results);
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	}
	why[0] = '\0';
	scope = sdx__scope_market(&c, why, sizeof(why));
	if (scope == SCOPE_OUT)
		all_not_applicable(&c, node, why);
	else
		visit(&c, &v, node, &w, 0);
	free(v.state);
	free(v.done);
	if (v.err || c.worst < 0) {
		json_decref(c.results);
		return v.err ? v.err : sdx_error_set(SDX_ENOMEM, "out of memory");
	}
	if (json_array_size(c.results) == 0)
		c.worst = SDX_VERDICT_UNKNOWN; /* nothing this profile judges: not a pass */
	sdx__graph_label(label, sizeof(label), g, node);
	root = json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s}, s:{s:s, s:s}, s:s, "
			 "s:{s:i, s:i, s:i, s:i}, s:o}",
			 "profile", sdx_profile_name(p), "title", sdx_profile_title(p),
			 "kind", c.programme ? "programme" : "market", "date", date,
			 "subject", "ref", g->n[node].hex, "origin", g->n[node].origin, "label", label,
			 "scope", "applies", scope_names[scope], "reason", why,
			 "verdict", verdict_names[c.worst], "counts", "pass", c.counts[0], "unknown",
			 c.counts[1], "fail", c.counts[2], "not_applicable", c.counts[3],
			 "results", c.results);
	if (!root || !(s = json_dumps(root, JSON_COMPACT | JSON_REAL_PRECISION(15)))) {
		json_decref(root);
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	}
	json_decref(root);
	*out = s;
	*worst = c.worst;
	return 0;
}
