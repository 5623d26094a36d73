/*
 * formats/rules/due.c - sdx_graph_due(): what expires, or has expired, by
 * the end of a window (formats/due.md): declarations by their valid_until,
 * test reports by theirs and by the evidence-age rules of profiles
 * (issue_date + max_age_days), and the accreditations reports name by a lab
 * register's valid_until; each with the batches and shipments that lean on
 * it.  Only current statements count: withdrawn or superseded ones are no
 * one's evidence any more.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sdx/error.h"
#include "sdx/lab.h"
#include "formats/graph/attribution.h"
#include "formats/rules/internal.h"
#include "formats/trust/party.h"
#include "formats/schema/schema.h"
#include "formats/text/text.h"

struct due {
	sdx_graph *g;
	const struct sdx_due_options *o;
	long today, until;
	json_t *items;
	json_t *accreditations; /* number -> item, one per accreditation */
	int worst;
};

static void date_of(char out[11], long days)
{
	time_t t = (time_t)days * 86400;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* The name of the party that issues the record (a version 1 batch: its site). */
static const char *issuer_name(const struct gnode *n, const json_t *body)
{
	const char *name = "";

	if (n->type->issuer)
		name = sget(json_object_get(body, n->type->issuer), "name");
	if (!*name)
		name = sget(json_object_get(body, "site"), "name");
	return *name ? name : "(party not named)";
}

/* The batches and shipments above node, once each, in the ledger's order. */
static json_t *dependents(struct due *d, size_t node)
{
	size_t *stack = NULL, n = 0, cap = 0, *seen = NULL, nseen = 0, capseen = 0, i, k;
	unsigned char *mark = calloc(d->g->len, 1);
	json_t *list = json_array();

	if (!mark || sdx__graph_push(&stack, &n, &cap, node) < 0)
		goto done;
	mark[node] = 1;
	while (n) {
		const struct gnode *x = &d->g->n[stack[--n]];
		for (k = 0; k < x->nusers; k++) {
			size_t u = x->users[k];
			if (mark[u] || d->g->n[u].type->role != SDX_ROLE_COMPOSITE)
				continue;
			mark[u] = 1;
			if (sdx__graph_push(&stack, &n, &cap, u) < 0 ||
			    sdx__graph_push(&seen, &nseen, &capseen, u) < 0)
				goto done;
		}
	}
	sdx__graph_sort(d->g, seen, nseen);
	for (i = 0; i < nseen; i++) {
		const struct gnode *x = &d->g->n[seen[i]];
		const json_t *body = sdx__graph_body(d->g, x);
		json_t *j = sdx__graph_head(d->g, seen[i]);
		const char *ship = sget(body, "ship_date");
		if (!j)
			continue;
		if (*ship) {
			json_object_set_new(j, "ship_date", json_string(ship));
			json_object_set_new(j, "open", json_boolean(sdx__check_days(ship) >= d->today));
		}
		json_array_append_new(list, j);
	}
done:
	free(stack);
	free(seen);
	free(mark);
	return list;
}

static int any_open(const json_t *deps)
{
	const json_t *x;
	size_t i;

	json_array_foreach(deps, i, x)
		if (json_is_true(json_object_get(x, "open")))
			return 1;
	return 0;
}

/*
 * Record an item falling due on `when` (days) if that is by the window's
 * end, and, when it has expired already, if that was within the window
 * before the date or an open shipment still leans on it.
 */
static json_t *item(struct due *d, size_t node, const char *what, long when, const char *text)
{
	const struct gnode *n = &d->g->n[node];
	char day[11];
	json_t *j, *deps;

	if (when > d->until)
		return NULL;
	deps = dependents(d, node);
	if (when < d->today - (d->until - d->today) && !any_open(deps)) {
		/* long expired and nothing open leans on it: history, not a task */
		json_decref(deps);
		return NULL;
	}
	date_of(day, when);
	j = json_pack("{s:s, s:s, s:s, s:I, s:s, s:s}", "what", what, "status",
		      when < d->today ? "expired" : "expires", "date", day, "days",
		      (json_int_t)(when - d->today), "party", issuer_name(n, sdx__graph_body(d->g, n)),
		      "text", text);
	if (!j) {
		json_decref(deps);
		return NULL;
	}
	json_object_set_new(j, "record", sdx__graph_head(d->g, node));
	json_object_set_new(j, "dependents", deps);
	json_array_append_new(d->items, j);
	d->worst = when < d->today ? 2 : (d->worst > 1 ? d->worst : 1);
	return j;
}

/* A report's accreditation, looked up in the register: one item per number. */
static void accreditation(struct due *d, size_t node, const json_t *e)
{
	const json_t *acc = json_object_get(e, "accreditation");
	const char *number = sget(acc, "number");
	const sdx_lab_entry *lab;
	size_t at;
	json_t *j, *reports;
	char text[600];

	if (!d->o->labs || !*number)
		return;
	at = sdx_lab_register_find(d->o->labs, 0, *sget(acc, "body") ? sget(acc, "body") : NULL,
				   number);
	if (at == SIZE_MAX || !(lab = sdx_lab_register_entry(d->o->labs, at)))
		return;
	if (!(j = json_object_get(d->accreditations, number))) {
		long when = sdx__check_days(lab->valid_until);
		if (strcmp(lab->status, "active") != 0) {
			/* suspended or withdrawn: due now, or since it took effect */
			sdx__text_put(text, sizeof(text), "accreditation %s of %s is %s%s%s (register %s)",
				 number, lab->lab_name, lab->status, lab->suspended_from ? " since " : "",
				 lab->suspended_from ? lab->suspended_from : "", lab->register_name);
			when = lab->suspended_from ? sdx__check_days(lab->suspended_from) : d->today;
		} else {
			sdx__text_put(text, sizeof(text), "accreditation %s of %s is valid until %s "
				 "(register %s)", number, lab->lab_name, lab->valid_until,
				 lab->register_name);
		}
		if (!(j = item(d, node, "accreditation", when, text)))
			return;
		json_object_set_new(j, "accreditation", json_string(number));
		json_object_set_new(j, "lab", json_string(lab->lab_name));
		json_object_set_new(j, "reports", json_array());
		json_object_set(d->accreditations, number, j);
	} else {
		/* what the same lab's other reports hold up, once each */
		json_t *more = dependents(d, node), *have = json_object_get(j, "dependents"), *x, *y;
		size_t i, k;
		json_array_foreach(more, i, x) {
			json_array_foreach(have, k, y)
				if (strcmp(sget(x, "ref"), sget(y, "ref")) == 0)
					break;
			if (k == json_array_size(have))
				json_array_append(have, x);
		}
		json_decref(more);
	}
	reports = json_object_get(j, "reports");
	json_array_append_new(reports, json_pack("{s:s, s:s}", "report_number",
						 sget(e, "report_number"), "ref", d->g->n[node].hex));
}

/* The evidence-age rules of the profiles that judge node's reports. */
static void age_rules(struct due *d, size_t node, const json_t *e)
{
	const struct gnode *n = &d->g->n[node];
	const char *code = sget(json_object_get(sdx__graph_body(d->g, n), "product"), "hs_code");
	const json_t *rule;
	char text[700], why[300];
	size_t p, i;
	int near;

	if (!sdx__is_date(sget(e, "issue_date")))
		return;
	for (p = 0; p < d->o->nprofiles; p++) {
		const json_t *prof = d->o->profiles[p]->j;
		if (*code && sdx__scope_goods(prof, code, &near, why, sizeof(why)) == SCOPE_OUT)
			continue;
		json_array_foreach(json_object_get(prof, "rules"), i, rule) {
			json_int_t age = json_integer_value(json_object_get(
				json_object_get(rule, "evidence"), "max_age_days"));
			json_t *j;
			if (age <= 0 || strcmp(sget(rule, "applies_to"), n->type->name) != 0)
				continue;
			sdx__text_put(text, sizeof(text), "report %s of %s, issued %s, is older than the %"
				 JSON_INTEGER_FORMAT " days %s allows (rule %s) for goods shipped after "
				 "this date", sget(e, "report_number"), sget(e, "lab_name"),
				 sget(e, "issue_date"), age, sget(prof, "name"), sget(rule, "id"));
			j = item(d, node, "report_age", sdx__check_days(sget(e, "issue_date")) + age,
				 text);
			if (j) {
				json_object_set_new(j, "report_number", json_string(sget(e, "report_number")));
				json_object_set_new(j, "profile", json_string(sget(prof, "name")));
				json_object_set_new(j, "rule", json_string(sget(rule, "id")));
			}
		}
	}
}

static void reports(struct due *d, size_t node, const json_t *body)
{
	const json_t *e;
	char text[600];
	size_t i;

	json_array_foreach(json_object_get(body, "evidence"), i, e) {
		const char *until = sget(e, "valid_until");
		if (sdx__is_date(until)) {
			json_t *j;
			sdx__text_put(text, sizeof(text), "report %s of %s is valid until %s",
				 sget(e, "report_number"), sget(e, "lab_name"), until);
			if ((j = item(d, node, "report", sdx__check_days(until), text)))
				json_object_set_new(j, "report_number",
						    json_string(sget(e, "report_number")));
		}
		age_rules(d, node, e);
		accreditation(d, node, e);
	}
}

/* A shipment whose latest clearance record is not final: it waits for customs. */
static void waiting(struct due *d, size_t node)
{
	size_t c = sdx__graph_status(d->g, node);
	const json_t *b, *sb = sdx__graph_body(d->g, &d->g->n[node]);
	const char *st;
	char text[600], day[11];
	json_t *j;

	if (c == SIZE_MAX)
		return;
	b = sdx__graph_body(d->g, &d->g->n[c]);
	st = sget(b, "status");
	if (strcmp(st, "released") == 0 || strcmp(st, "refused") == 0)
		return;
	sdx__text_put(day, sizeof(day), "%.10s", sget(b, "time"));
	sdx__text_put(text, sizeof(text), "shipment %s waits for customs: %s since %s (declaration %s%s%s)",
		 sget(sb, "shipment_id"), st, sget(b, "time"), sget(b, "customs_declaration"),
		 *sget(b, "green_clearance_code") ? ", code " : "", sget(b, "green_clearance_code"));
	j = json_pack("{s:s, s:s, s:s, s:I, s:s, s:s}", "what", "clearance", "status", "waiting",
		      "date", day, "days", (json_int_t)(sdx__check_days(day) - d->today), "party",
		      issuer_name(&d->g->n[c], b), "text", text);
	if (!j)
		return;
	json_object_set_new(j, "record", sdx__graph_head(d->g, node));
	json_object_set_new(j, "clearance", sdx__graph_head(d->g, c));
	json_object_set_new(j, "dependents", json_array());
	json_array_append_new(d->items, j);
	if (d->worst < 1)
		d->worst = 1;
}

/* Is `node` a declaration that answers request `req` for the supplier it was
 * addressed to?  1, or 0 with why not in `why` ("" if it answers nothing). */
static int answers(struct due *d, size_t node, size_t req, const sdx_party *to, char *why,
		   size_t cap)
{
	const struct gnode *n = &d->g->n[node];
	const json_t *b = sdx__graph_body(d->g, n);
	struct sdx__attribution a;
	sdx_party named;
	char text[400];

	why[0] = '\0';
	if (n->type->role != SDX_ROLE_STATEMENT ||
	    strcmp(sget(json_object_get(b, "answers"), "entry"), d->g->n[req].hex) != 0 ||
	    !sdx__check_in_force(d->g, node, d->today))
		return 0;
	if (!sdx__party_from_json(&named, json_object_get(b, "supplier")) ||
	    !sdx__party_same(&named, to)) {
		sdx__text_put(why, cap, "declaration %s answers it for %s, not the supplier asked",
			      sget(b, "declaration_id"), named.name);
		return 0;
	}
	if (sdx__attribution_of(&a, d->g, node) < 0)
		return 0;
	if (a.outcome == SDX__ATTR_SIGNED || a.outcome == SDX__ATTR_ROLE)
		return 1;
	sdx__attribution_text(text, sizeof(text), &a);
	sdx__text_put(why, cap, "declaration %s answers it, but is %s: that does not close it",
		      sget(b, "declaration_id"), text);
	return 0;
}

/*
 * A request this ledger made (own), or one addressed to this ledger's party,
 * that no declaration held answers yet: open, or overdue past its due date.
 * A request superseded by a later one of its ledger is not listed.
 */
static void request(struct due *d, size_t node)
{
	const struct gnode *n = &d->g->n[node];
	const json_t *b = sdx__graph_body(d->g, n), *x;
	const char *side = "asked";
	const sdx_party *us;
	char text[800], why[600] = "", one[600];
	sdx_party to;
	long when;
	size_t k, i;
	json_t *j, *profiles = json_object_get(b, "profiles"), *lots = json_object_get(b, "lots");
	char list[300] = "";

	if (!sdx__is_date(sget(b, "due")) ||
	    !sdx__party_from_json(&to, json_object_get(b, "supplier")))
		return;
	if (!n->own) {
		if (!(us = sdx__attribution_own(d->g)) || !sdx__party_same(us, &to))
			return;
		side = "asked of us";
	}
	for (k = 0; k < n->nusers; k++) {
		size_t u = n->users[k];
		const struct gnode *un = &d->g->n[u];
		if (un->type == n->type && strcmp(un->origin, n->origin) == 0 &&
		    strcmp(sget(sdx__graph_body(d->g, un), "supersedes"), n->hex) == 0)
			return;
		if (answers(d, u, node, &to, one, sizeof(one)))
			return;
		if (one[0] && !why[0])
			sdx__text_put(why, sizeof(why), "; %s", one);
	}
	when = sdx__check_days(sget(b, "due"));
	if (when > d->until)
		return;
	json_array_foreach(profiles, i, x)
		sdx__text_put(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "",
			      json_string_value(x));
	json_array_foreach(lots, i, x)
		sdx__text_put(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
			      i ? ", " : " for lot ", json_string_value(x));
	sdx__text_put(text, sizeof(text), "request %s of %s to %s (%s), due %s, is not answered%s",
		      sget(b, "request_id"), sget(json_object_get(b, "requester"), "name"), to.name,
		      list, sget(b, "due"), why);
	j = json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s}", "what", "request", "status",
		      when < d->today ? "overdue" : "open", "date", sget(b, "due"), "days",
		      (json_int_t)(when - d->today), "party", issuer_name(n, b), "text", text,
		      "side", side, "request_id", sget(b, "request_id"));
	if (!j)
		return;
	json_object_set_new(j, "record", sdx__graph_head(d->g, node));
	json_object_set_new(j, "dependents", json_array());
	json_array_append_new(d->items, j);
	d->worst = when < d->today ? 2 : (d->worst > 1 ? d->worst : 1);
}

static int by_party_then_date(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int c = strcmp(sget(x, "party"), sget(y, "party"));

	return c ? c : strcmp(sget(x, "date"), sget(y, "date"));
}

static json_t *sorted(json_t *items)
{
	size_t n = json_array_size(items), i;
	json_t **v = malloc((n ? n : 1) * sizeof(*v)), *out = json_array();

	if (!v)
		return out;
	for (i = 0; i < n; i++)
		v[i] = json_array_get(items, i);
	qsort(v, n, sizeof(*v), by_party_then_date);
	for (i = 0; i < n; i++)
		json_array_append(out, v[i]);
	free(v);
	return out;
}

int sdx_graph_due(char **out, int *worst, sdx_graph *g, const struct sdx_due_options *o)
{
	static const struct sdx_due_options none;
	char today[21], until[11];
	const char *date;
	struct due d;
	json_t *root;
	size_t i;
	int err;

	*out = NULL;
	*worst = 0;
	if (!o)
		o = &none;
	date = o->date;
	if ((err = sdx__check_date(&date, today)) < 0)
		return err;
	/* every record is a candidate: the index does not help here */
	if ((err = sdx__graph_load_all(g)) < 0)
		return err;
	memset(&d, 0, sizeof(d));
	d.g = g;
	d.o = o;
	d.today = sdx__check_days(date);
	d.until = d.today + (long)o->within_days;
	d.items = json_array();
	d.accreditations = json_object();
	for (i = 0; i < g->len; i++) {
		const struct gnode *n = &g->n[i];
		const json_t *body;
		char text[600];
		if (n->type->role == SDX_ROLE_STATEMENT) {
			if (!sdx__check_in_force(g, i, d.today))
				continue;
			body = sdx__graph_body(g, n);
			if (sdx__is_date(sget(body, "valid_until"))) {
				sdx__text_put(text, sizeof(text), "declaration %s is valid until %s",
					 sget(body, n->type->id_field), sget(body, "valid_until"));
				item(&d, i, "declaration", sdx__check_days(sget(body, "valid_until")),
				     text);
			}
			reports(&d, i, body);
		} else if (n->type->role == SDX_ROLE_COMPOSITE) {
			reports(&d, i, sdx__graph_body(g, n));
			waiting(&d, i);
		} else if (n->type->role == SDX_ROLE_REQUEST) {
			request(&d, i);
		}
	}
	date_of(until, d.until);
	root = json_pack("{s:s, s:s, s:I, s:o}", "date", date, "until", until, "within_days",
			 (json_int_t)o->within_days, "items", sorted(d.items));
	json_decref(d.items);
	json_decref(d.accreditations);
	*worst = d.worst;
	return sdx__graph_dump(out, root);
}
