/*
 * formats/rules/plausible_use.c - where plausibility is judged
 * (formats/plausibility.md): before a record is appended (refused at the
 * first implausible fact), for what a command shows before it writes
 * (sdx_record_plausible(): what is unchecked or differs), and in sdx check
 * (a "plausibility" result per fact).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdx/error.h"
#include "sdx/record.h"
#include "formats/records/internal.h"
#include "formats/rules/internal.h"
#include "formats/rules/plausible.h"
#include "ledger/internal.h"

/* ---- on write ------------------------------------------------------------------------ */

struct writing {
	const char *what;
	json_t *notes;            /* NULL: refuse at the first implausible fact */
};

static int on_write(void *ctx, const struct sdx__plaus_fact *f)
{
	struct writing *w = ctx;
	static const char *const kinds[] = { "", "refused", "unchecked", "shown" };

	if (w->notes) {
		json_array_append_new(w->notes, json_pack("{s:s, s:s, s:s}", "kind", kinds[f->kind],
							  "field", f->field, "text", f->text));
		return 0;
	}
	if (f->kind != SDX__PLAUS_REFUSED)
		return 0;
	return sdx_error_set(SDX_ESCHEMA, "%s: %s", w->what, f->text);
}

/* The record `json` of `type` judged against ledger l, facts to w. */
static int judge(sdx_ledger *l, const char *type, const char *json, size_t len,
		 struct writing *w)
{
	const struct sdx_record_type *t = sdx__record_type(type);
	sdx_graph *g = NULL;
	json_t *body = NULL;
	int err;

	if (!t || (t->role != SDX_ROLE_COMPOSITE && t->role != SDX_ROLE_REQUEST))
		return 0; /* nothing to judge: no graph is read (bulk declarations) */
	if ((err = sdx__json_parse(&body, json, len, SDX_JSON_MAX_DEPTH, type)) < 0)
		return err;
	if ((err = sdx_graph_from_ledger(&g, l)) >= 0)
		err = sdx__plausible(g, t, body, SIZE_MAX, on_write, w);
	sdx_graph_free(g);
	json_decref(body);
	return err;
}

int sdx__plausible_write(sdx_ledger *l, const char *type, const char *canon, size_t clen,
			 const char *what)
{
	struct writing w = { what, NULL };

	return judge(l, type, canon, clen, &w);
}

/* Every append of libsdx checks plausibility once this file is linked. */
__attribute__((constructor)) static void register_plausibility(void)
{
	sdx__record_plausibility = sdx__plausible_write;
}

int sdx_record_plausible(char **out, sdx_ledger *l, const char *type, const char *json,
			 size_t len)
{
	const struct sdx_record_type *t = sdx__record_type(type);
	struct writing w = { "", json_array() };
	int err;

	*out = NULL;
	if (!w.notes)
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	/* a record that does not validate is refused by the append, which says why;
	 * other types than composites are not read twice */
	if (!t || t->role != SDX_ROLE_COMPOSITE) {
		err = 0;
	} else if (sdx_record_validate(type, json, len) < 0) {
		sdx_error_clear();
		err = 0;
	} else if ((err = judge(l, type, json, len, &w)) < 0) {
		json_decref(w.notes);
		return err;
	}
	if (!(*out = json_dumps(w.notes, JSON_COMPACT)))
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
	json_decref(w.notes);
	return err;
}

/* ---- in sdx check -------------------------------------------------------------------- */

struct checking {
	struct check *c;
	size_t node;
};

static int on_check(void *ctx, const struct sdx__plaus_fact *f)
{
	struct checking *k = ctx;
	int programme = k->c->programme;
	json_t *rule;

	/* a programme fails a misclassification already (hs-classification) */
	if (f->kind == SDX__PLAUS_SHOWN && programme)
		return 0;
	rule = f->kind == SDX__PLAUS_SHOWN
		? json_pack("{s:s, s:s, s:s}", "id", "hs-classification", "title",
			    "HS code listed and consistent", "regulation", "sdx")
		: json_pack("{s:s, s:s, s:s}", "id", "plausibility", "title",
			    "Plausible against the records held", "regulation",
			    "sdx (formats/plausibility.md)");
	if (!rule)
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	/* unchecked is shown, and is no pass: the rule could not be applied */
	sdx__check_result(k->c, rule, k->node, NULL, NULL,
			  f->kind == SDX__PLAUS_REFUSED ? SDX_VERDICT_FAIL
			  : f->kind == SDX__PLAUS_UNCHECKED ? SDX_VERDICT_NOT_APPLICABLE
			  : SDX_VERDICT_UNKNOWN | SDX__CHECK_FIRM, "%s", f->text);
	json_decref(rule);
	return 0;
}

int sdx__check_plausible(struct check *c, size_t node)
{
	sdx_graph *g = (sdx_graph *)c->g; /* a lazy graph reads what it judges */
	struct checking k = { c, node };
	const json_t *body = sdx__graph_body(g, &g->n[node]);

	if (!body)
		return 0;
	return sdx__plausible(g, g->n[node].type, body, node, on_check, &k);
}
