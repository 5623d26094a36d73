/*
 * formats/csv/tables.c - the small hash tables the CSV import keeps per run:
 * strings to strings (resolved cells), and a set of pointers (the array
 * elements a row added).  Open addressing, grown by doubling.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sdx/error.h"
#include "formats/csv/tables.h"

static int oom(void)
{
	return sdx_error_set(SDX_ENOMEM, "out of memory");
}


static uint64_t fnv(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* The slot of key: where it is, or the empty one where it would go. */
static size_t strmap_slot(const struct sdx__strmap *t, const char *key)
{
	size_t i = (size_t)fnv(key) & (t->cap - 1);

	while (t->key[i] && strcmp(t->key[i], key) != 0)
		i = (i + 1) & (t->cap - 1);
	return i;
}

const char *sdx__strmap_get(const struct sdx__strmap *t, const char *key)
{
	size_t i;

	if (!t->cap)
		return NULL;
	i = strmap_slot(t, key);
	return t->key[i] ? t->val[i] : NULL;
}

int sdx__strmap_put(struct sdx__strmap *t, const char *key, const char *val)
{
	size_t i;

	if (2 * (t->n + 1) > t->cap) {
		struct sdx__strmap g = { NULL, NULL, t->cap ? 2 * t->cap : 64, 0 };
		if (!(g.key = calloc(g.cap, sizeof(char *))) || !(g.val = calloc(g.cap, sizeof(char *)))) {
			free(g.key);
			return oom();
		}
		for (i = 0; i < t->cap; i++)
			if (t->key[i]) {
				size_t k = strmap_slot(&g, t->key[i]);
				g.key[k] = t->key[i];
				g.val[k] = t->val[i];
			}
		free(t->key);
		free(t->val);
		g.n = t->n;
		*t = g;
	}
	i = strmap_slot(t, key);
	if (t->key[i])
		return 0;
	if (!(t->key[i] = strdup(key)) || !(t->val[i] = strdup(val))) {
		free(t->key[i]);
		t->key[i] = NULL;
		return oom();
	}
	t->n++;
	return 0;
}

void sdx__strmap_free(struct sdx__strmap *t)
{
	for (size_t i = 0; i < t->cap; i++) {
		free(t->key[i]);
		free(t->val[i]);
	}
	free(t->key);
	free(t->val);
	memset(t, 0, sizeof(*t));
}

/* The values a column set in the record being built (a group's fields are
 * given once, or again with the same value); a constant may be replaced. */
static size_t ptr_slot(const struct sdx__ptrset *s, const void *p)
{
	size_t i = (size_t)(((uintptr_t)p >> 4) * 0x9e3779b97f4a7c15ull) & (s->cap - 1);

	while (s->p[i] && s->p[i] != p)
		i = (i + 1) & (s->cap - 1);
	return i;
}

int sdx__ptrset_has(const struct sdx__ptrset *s, const void *p)
{
	return s->cap && s->p[ptr_slot(s, p)] == p;
}

int sdx__ptrset_add(struct sdx__ptrset *s, const void *p)
{
	size_t i;

	if (2 * (s->n + 1) > s->cap) {
		struct sdx__ptrset g = { NULL, s->cap ? 2 * s->cap : 256, s->n };
		if (!(g.p = calloc(g.cap, sizeof(void *))))
			return oom();
		for (i = 0; i < s->cap; i++)
			if (s->p[i])
				g.p[ptr_slot(&g, s->p[i])] = s->p[i];
		free(s->p);
		*s = g;
	}
	i = ptr_slot(s, p);
	if (!s->p[i]) {
		s->p[i] = p;
		s->n++;
	}
	return 0;
}

void sdx__ptrset_clear(struct sdx__ptrset *s)
{
	if (s->cap > 4096) {
		free(s->p);
		memset(s, 0, sizeof(*s));
	} else if (s->n) {
		memset(s->p, 0, s->cap * sizeof(void *));
		s->n = 0;
	}
}

