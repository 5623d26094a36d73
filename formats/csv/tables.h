/*
 * formats/csv/tables.h - small hash tables of the CSV import (tables.c).
 * Not installed.
 */
#ifndef SDX_CSV_TABLES_H
#define SDX_CSV_TABLES_H

#include <stddef.h>

struct sdx__strmap {
	char **key, **val;
	size_t cap, n;
};
struct sdx__ptrset {
	const void **p;
	size_t cap, n;
};

/* The value of key, or NULL. */
const char *sdx__strmap_get(const struct sdx__strmap *t, const char *key);
/* Put (copies of) key and val; 0 or SDX_ENOMEM. */
int sdx__strmap_put(struct sdx__strmap *t, const char *key, const char *val);
void sdx__strmap_free(struct sdx__strmap *t);
/* Is p in the set?  Add it (0 or SDX_ENOMEM); empty the set. */
int sdx__ptrset_has(const struct sdx__ptrset *s, const void *p);
int sdx__ptrset_add(struct sdx__ptrset *s, const void *p);
void sdx__ptrset_clear(struct sdx__ptrset *s);

#endif
