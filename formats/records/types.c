/*
 * formats/records/types.c - the list of record types.  One line per type;
 * the type itself is formats/records/<name>.c (see type.h).
 */
#include <stdlib.h>
#include <string.h>

#include "formats/records/internal.h"
#include "formats/records/type.h"

#define RECORD_TYPES(X) \
	X(declaration)  \
	X(withdrawal)   \
	X(batch)        \
	X(shipment)     \
	X(clearance)    \
	X(introduction) \
	X(age_recipient) \
	X(genesis)      \
	X(key)          \
	X(import)       \
	X(product)      \
	X(request)

#define DECLARE(name) extern const struct sdx_record_type sdx__type_##name;
#define LIST(name) &sdx__type_##name,
RECORD_TYPES(DECLARE)
static const struct sdx_record_type *const types[] = { RECORD_TYPES(LIST) };

const struct sdx_record_type *sdx__record_type_n(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strncmp(types[i]->name, name, len) == 0 && types[i]->name[len] == '\0')
			return types[i];
	return NULL;
}

const struct sdx_record_type *sdx__record_type_at(size_t i)
{
	return i < sizeof(types) / sizeof(types[0]) ? types[i] : NULL;
}

const struct sdx_record_type *sdx__record_type(const char *name)
{
	return name ? sdx__record_type_n(name, strlen(name)) : NULL;
}

int sdx__record_is_statement(const char *type)
{
	const struct sdx_record_type *t = sdx__record_type(type);

	return t && t->role == SDX_ROLE_STATEMENT;
}

int sdx__record_cites_files(const char *type, size_t len)
{
	const struct sdx_record_type *t = sdx__record_type_n(type, len);

	for (size_t i = 0; t && i < t->nedges; i++)
		if (t->edges[i].attachment)
			return 1;
	return 0;
}

const char *sdx__edge_hash(const struct sdx_record_edge *e, const json_t *obj)
{
	const json_t *v = json_object_get(obj, e->field);

	if (e->sub)
		v = json_object_get(v, e->sub);
	return json_string_value(v);
}

#define LOTS_ON_STACK 1024 /* a declaration lists at most 1000 */

int sdx__record_covers(const struct sdx_record_type *t, const json_t *body, const char *lot)
{
	const char *stack[LOTS_ON_STACK], **lots = stack;
	size_t k, m;
	int found = 0;

	if (!t || !t->lots)
		return 0;
	if ((m = t->lots(body, stack, LOTS_ON_STACK)) > LOTS_ON_STACK) {
		if (!(lots = malloc(m * sizeof(*lots))))
			return 0;
		t->lots(body, lots, m);
	}
	for (k = 0; k < m && !found; k++)
		found = strcmp(lots[k] ? lots[k] : "", lot) == 0;
	if (lots != stack)
		free(lots);
	return found;
}

int sdx__edge_accepts(const struct sdx_record_edge *e, const char *type)
{
	for (const char *const *a = e->accepts; a && *a; a++)
		if (strcmp(*a, type) == 0)
			return 1;
	return 0;
}
