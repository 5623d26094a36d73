/*
 * formats/graph/draft.c - sdx_graph_add_draft(): an unsigned record (a
 * declaration a supplier is about to sign, a batch before it is recorded)
 * placed in a graph as if its ledger had just appended it, so that checks
 * judge it against what the graph holds; nothing is written anywhere.
 */
#include <stdio.h>
#include <string.h>

#include "sdx/error.h"
#include "sdx/record.h"
#include "formats/graph/attribution.h"
#include "formats/graph/internal.h"
#include "ledger/internal.h"
#include "formats/text/text.h"

/* The type a record body says it is: its format "sdx-TYPE/N", else its id field. */
static const struct sdx_record_type *type_of(const json_t *body)
{
	const char *f = sdx__jstr(body, "format", NULL);
	const struct sdx_record_type *t;
	size_t i;

	if (f && strncmp(f, "sdx-", 4) == 0 && strchr(f + 4, '/'))
		return sdx__record_type_n(f + 4, (size_t)(strchr(f + 4, '/') - (f + 4)));
	for (i = 0; (t = sdx__record_type_at(i)); i++)
		if (t->has_schema && t->id_field && json_object_get(body, t->id_field))
			return t;
	return NULL;
}

int sdx_graph_add_draft(size_t *out, sdx_graph *g, const char *what, const char *json,
			size_t len)
{
	static const char tag[] = "sdx draft\n";
	const struct sdx_record_type *t;
	sdx__sha256_ctx h;
	unsigned char leaf[32];
	json_error_t jerr;
	uint64_t size = 0;
	char now[21];
	json_t *body;
	size_t i;
	int err;

	*out = SIZE_MAX;
	if (!(body = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr)) || !json_is_object(body)) {
		json_decref(body);
		return sdx_error_set(SDX_EFORMAT, "'%s': line %d: %s", what, jerr.line,
				     body ? "a record is a JSON object" : jerr.text);
	}
	if (!(t = type_of(body)) || t->role == SDX_ROLE_LEDGER) {
		json_decref(body);
		return sdx_error_set(SDX_ESCHEMA, "'%s': not a record sdx knows: give its \"format\" "
				     "(\"sdx-declaration/2\", \"sdx-batch/2\") or its id", what);
	}
	if ((err = sdx_record_validate(t->name, json, len)) < 0) {
		char msg[600];
		sdx__text_put(msg, sizeof(msg), "%s", sdx_error_last());
		json_decref(body);
		return sdx_error_set(err, "'%s': %s", what, msg);
	}
	/* a leaf no entry can have: entries hash as SHA-256(0x00 || bytes) */
	sdx__sha256_init(&h);
	sdx__sha256_update(&h, tag, sizeof(tag) - 1);
	sdx__sha256_update(&h, json, len);
	sdx__sha256_final(&h, leaf);
	if ((i = sdx__graph_find(g, leaf)) != SIZE_MAX) {
		json_decref(body);
		*out = i;
		return 0;
	}
	if (g->l && (err = sdx_ledger_size(&size, g->l)) < 0) {
		json_decref(body);
		return err;
	}
	sdx__utc_now(now);
	if ((err = sdx__graph_add(g, leaf, g->l ? sdx_ledger_origin(g->l) : "draft", size, 0, 1, t,
				  now, &i)) < 0) {
		json_decref(body);
		return err;
	}
	g->n[i].body = body;
	/* its refs are read when a walk reaches them (lazy) or are held (whole) */
	g->n[i].expanded = 0;
	if ((err = sdx__graph_index_refs(&g->n[i])) < 0 ||
	    (err = sdx__graph_index_lots(&g->n[i])) < 0 ||
	    (!g->lazy && (err = sdx__attr_survey_node(g, i)) < 0) ||
	    (!g->lazy && (err = sdx__graph_link(g)) < 0))
		return err;
	*out = i;
	return 0;
}
