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
#include "formats/schema/schema.h"
#include "formats/rules/internal.h"
#include "ledger/internal.h"

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

static const char *const verdict_names[] = { "pass", "unknown", "fail" };

void sdx__check_result(struct check *c, const json_t *rule, size_t node, const char *lot,
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
	if (verdict > c->worst)
		c->worst = verdict;
}

/* ---- walking the graph -------------------------------------------------------------- */

/*
 * The declaration that speaks for `decl`'s lot at the check date: a later
 * declaration of the same ledger that supersedes it and still covers the lot.
 */
static size_t current_version(const sdx_graph *g, size_t decl, const char *lot, int depth)
{
	size_t ids[16], m, k;

	if (depth > 64)
		return decl;
	m = sdx__graph_superseders(g, decl, ids, 16);
	for (k = 0; k < m; k++) {
		const struct gnode *n = &g->n[ids[k]];
		if (!lot || sdx__record_covers(n->type, sdx__graph_body(g, n), lot))
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
		if (strcmp(sget(rule, "applies_to"), c->g->n[node].type->name) != 0)
			continue;
		nw = sdx__graph_withdrawals(c->g, cur, w, 16);
		for (k = 0; k < nw; k++)
			if (sdx__check_days(sget(sdx__graph_body(c->g, &c->g->n[w[k]]), "effective_date")) <= c->today)
				break;
		if (k < nw) {
			const json_t *wb = sdx__graph_body(c->g, &c->g->n[w[k]]);
			sdx__check_result(c, rule, cur, lot, via, SDX_VERDICT_FAIL, "declaration %s was withdrawn "
					  "by its supplier from %s (%s): %s%s", sget(body, "declaration_id"),
					  sget(wb, "effective_date"), sget(wb, "reason_code"), sget(wb, "reason"),
					  note);
			continue;
		}
		if (sdx__check_days(sget(body, "valid_until")) < c->today ||
		    sdx__check_days(sget(body, "valid_from")) > c->today) {
			sdx__check_result(c, rule, cur, lot, via, SDX_VERDICT_UNKNOWN, "declaration %s is valid "
					  "%s to %s, not at %s%s", sget(body, "declaration_id"),
					  sget(body, "valid_from"), sget(body, "valid_until"), c->date, note);
			continue;
		}
		if (strncmp(sget(rule, "check"), "substance_", 10) == 0)
			sdx__check_substances(c, rule, cur, lot, via);
		else if (strcmp(sget(rule, "check"), "not_intentionally_added") == 0)
			sdx__check_nia(c, rule, cur, lot, via);
		else if (strcmp(sget(rule, "check"), "claim") == 0)
			sdx__check_claim(c, rule, cur, lot, via);
		else
			sdx__check_report(c, rule, cur, lot, via);
		if (note[0]) {
			json_t *last = json_array_get(c->results, json_array_size(c->results) - 1);
			json_object_set_new(last, "reason", json_sprintf("%s%s", sget(last, "reason"),
									 note));
		}
	}
}

/* A record that is not a statement is judged on its own reports only. */
static void check_reports(struct check *c, size_t node)
{
	const json_t *rules = json_object_get(c->profile, "rules"), *rule;
	size_t i;

	json_array_foreach(rules, i, rule)
		if (strcmp(sget(rule, "applies_to"), c->g->n[node].type->name) == 0)
			sdx__check_report(c, rule, node, NULL, NULL);
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

	sdx__check_result(c, rule, from, NULL, NULL, SDX_VERDICT_UNKNOWN, "input %s of %s %s is "
			  "not in this ledger or bundle: nothing upstream of it can be checked",
			  hex, n->type->name, sget(sdx__graph_body(c->g, n), n->type->id_field));
	json_decref(rule);
}

static void visit(struct check *c, struct visit *v, size_t node, const char *lot,
		  const char *via, int depth)
{
	const struct gnode *n = &c->g->n[node];
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
		if (!judged(v, node, lot))
			check_declaration(c, node, lot, via);
		return;
	}
	if (n->type->role != SDX_ROLE_COMPOSITE || v->state[node] == 2)
		return;
	v->state[node] = 1;
	check_reports(c, node);
	for (e = 0; e < n->type->nedges; e++) {
		const struct sdx_record_edge *edge = &n->type->edges[e];
		/* what went into a batch is checked as used via that batch */
		const char *next = edge->consumes ? sget(sdx__graph_body(c->g, n), n->type->id_field)
						  : via;
		if (edge->attachment || !edge->array)
			continue;
		json_array_foreach(json_object_get(sdx__graph_body(c->g, n), edge->array), k, x) {
			const char *hex = sdx__edge_hash(edge, x);
			if ((to = sdx__graph_find_hex(c->g, hex ? hex : "")) == SIZE_MAX) {
				missing_input(c, node, hex ? hex : "");
				continue;
			}
			visit(c, v, to, json_string_value(json_object_get(x, "lot_number")), next,
			      depth + 1);
		}
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
	int err;

	*out = NULL;
	*worst = SDX_VERDICT_PASS;
	if (node >= g->len)
		return sdx_error_set(SDX_EINVAL, "no record %zu in the graph", node);
	if (g->lazy && (err = sdx__graph_expand_down((sdx_graph *)g, node)) < 0)
		return err;
	if (!date && g->n[node].type->date_field)
		date = sget(sdx__graph_body(g, &g->n[node]), g->n[node].type->date_field);
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
	c.today = sdx__check_days(date);
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
