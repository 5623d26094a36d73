/*
 * formats/records/fill.c - what an append adds to a record before it is
 * checked: evidence that cites its report by file name only gets the SHA-256
 * of the file given by that name (sdx declare --attach FILE;
 * formats/declaration.md §6); and the plausibility hook every append calls
 * (formats/records/internal.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdx/error.h"
#include "sdx/record.h"
#include "formats/records/internal.h"
#include "formats/records/type.h"
#include "ledger/internal.h"

int (*sdx__record_plausibility)(struct sdx_ledger *l, const char *type, const char *canon,
				size_t clen, const char *what);

/* The file among `files` whose base name is `name`, or -1. */
static long file_named(const char *const *files, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++) {
		const char *slash = strrchr(files[i], '/');
		if (strcmp(slash ? slash + 1 : files[i], name) == 0)
			return (long)i;
	}
	return -1;
}

/* Fill the attachments of edge e in body; 1 if any was filled. */
static int fill_edge(const struct sdx_record_edge *e, json_t *body, const char *const *files,
		     const unsigned char (*hashes)[32], size_t n, const char *what)
{
	char hex[65];
	int filled = 0;
	size_t i;
	json_t *x;

	json_array_foreach(json_object_get(body, e->array), i, x) {
		json_t *att = json_object_get(x, e->field);
		const char *name = json_string_value(json_object_get(att, "file_name"));
		long k;
		if (!json_is_object(att) || json_object_get(att, e->sub) || !name)
			continue;
		if ((k = file_named(files, n, name)) < 0)
			return sdx_error_set(SDX_ESCHEMA, "%s: %s[%zu].%s: cites '%.100s' without its "
					     "%s: give that file with --attach, or its SHA-256 "
					     "('sdx attachment add' prints it)", what, e->array, i,
					     e->field, name, e->sub);
		sdx__hex(hex, hashes[k], 32);
		if (json_object_set_new(att, e->sub, json_string(hex)) < 0)
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		filled = 1;
	}
	return filled;
}

int sdx__record_fill_json(const char *type, json_t *body, const char *const *files,
			  const unsigned char (*hashes)[32], size_t n, const char *what)
{
	const struct sdx_record_type *t = sdx__record_type(type);
	int filled = 0, r = 0;

	for (size_t k = 0; t && k < t->nedges && r >= 0; k++)
		if (t->edges[k].attachment && t->edges[k].array && t->edges[k].sub &&
		    (r = fill_edge(&t->edges[k], body, files, hashes, n, what)) > 0)
			filled = 1;
	return r < 0 ? r : filled;
}

int sdx_record_fill_attachments(char **out, size_t *out_len, const char *type, const char *json,
				size_t len, const char *const *files,
				const unsigned char (*hashes)[32], size_t n, const char *what)
{
	const struct sdx_record_type *t = sdx__record_type(type);
	json_t *body = NULL;
	int filled = 0, r = 0;

	*out = NULL;
	*out_len = 0;
	if (!t || sdx__json_parse(&body, json, len, SDX_JSON_MAX_DEPTH, type) < 0) {
		sdx_error_clear();
		return 0; /* the append refuses it, saying why */
	}
	if ((r = sdx__record_fill_json(type, body, files, hashes, n, what)) > 0)
		filled = 1;
	if (r >= 0 && filled) {
		if (!(*out = json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(17))))
			r = sdx_error_set(SDX_ENOMEM, "out of memory");
		else
			*out_len = strlen(*out);
	}
	json_decref(body);
	return r < 0 ? r : 0;
}
