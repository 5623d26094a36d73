/*
 * formats/trust/intro_export.c - the introductions an export carries: a
 * bundle that forwards entries of origin X carries the exporter's own
 * introductions of X's keys (formats/trust.md, "Introductions"), covered by
 * the exporter's checkpoint like any own entry, so that a recipient who
 * trusts the exporter but not X can decide by its policy.
 */
#include <stdlib.h>
#include <string.h>

#include "sdx/dsse.h"
#include "sdx/error.h"
#include "sdx/imported.h"
#include "formats/trust/introduction.h"
#include "ledger/internal.h"
#include "ledger/introduced.h"

#define MAX_ORIGINS 1024

struct forwarded {
	sdx_ledger *l;
	char (*origin)[SDX_NAME_MAX + 1];
	size_t norigins;
	uint64_t **idx;             /* the own selection */
	size_t *n, *cap;
};

static void note_origin(struct forwarded *f, const char *origin)
{
	size_t i;

	for (i = 0; i < f->norigins; i++)
		if (strcmp(f->origin[i], origin) == 0)
			return;
	if (f->norigins < MAX_ORIGINS)
		memcpy(f->origin[f->norigins++], origin, strlen(origin) + 1);
}

static int held_origin(void *ctx, const char *origin, uint64_t size, uint64_t entries,
		       const char *latest)
{
	(void)size;
	(void)entries;
	(void)latest;
	note_origin(ctx, origin);
	return 0;
}

static int push(struct forwarded *f, uint64_t index)
{
	uint64_t *grown;
	size_t i;

	for (i = 0; i < *f->n; i++)
		if ((*f->idx)[i] == index)
			return 0;
	if (*f->n == *f->cap) {
		if (!(grown = realloc(*f->idx, (*f->cap ? 2 * *f->cap : 64) * sizeof(*grown))))
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		*f->idx = grown;
		*f->cap = *f->cap ? 2 * *f->cap : 64;
	}
	(*f->idx)[(*f->n)++] = index;
	return 0;
}

/* An own introduction of a key of a forwarded origin goes too. */
static int maybe_add(void *ctx, uint64_t index)
{
	struct forwarded *f = ctx;
	struct sdx__intro in;
	size_t i;
	int rc, want = 0;

	if ((rc = sdx__intro_at(&in, NULL, f->l, index)) < 0)
		return rc;
	for (i = 0; rc && i < f->norigins && !want; i++)
		want = strcmp(f->origin[i], sdx_verifier_name(in.key)) == 0;
	sdx__intro_clear(&in);
	return want ? push(f, index) : 0;
}

/* The key entry that signed in a key is the one before the first entry it signs. */
static int key_entry(void *ctx, const sdx_verifier *v, uint64_t since)
{
	(void)v;
	return since > 0 ? push(ctx, since - 1) : 0;
}

int sdx__intro_export(sdx_ledger *l, const sdx_export_options *o, uint64_t **idx, size_t *n,
		      size_t *cap, size_t *nkeys)
{
	struct forwarded f = { l, NULL, 0, idx, n, cap };
	sdx_found *found = NULL;
	char hex[65];
	size_t i, before = *n;
	int err = 0;

	if (o->all || (!o->imported && !o->n_leaves))
		return 0; /* every own introduction goes, or nothing is forwarded */
	if (!(f.origin = malloc(MAX_ORIGINS * sizeof(*f.origin))))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	if (o->imported)
		err = sdx_ledger_foreach_origin(l, held_origin, &f);
	for (i = 0; err >= 0 && !o->imported && i < o->n_leaves; i++) {
		sdx__hex(hex, o->leaves[i], 32);
		if (sdx_ledger_find(&found, l, hex) == 0 && !found->own)
			note_origin(&f, found->origin);
		sdx_error_clear();
		sdx_found_free(found);
		found = NULL;
	}
	for (i = 0; err >= 0 && i < f.norigins; i++)
		err = sdx__own_introductions(l, f.origin[i], maybe_add, &f);
	/* the own selection was empty: now it needs the key rotations */
	if (err >= 0 && *n > before && !o->n_indexes && !o->lot && !o->since && !o->n_leaves) {
		before = *n;
		err = sdx_ledger_foreach_key(l, key_entry, &f);
		*nkeys += *n - before;
	}
	free(f.origin);
	return err < 0 ? err : 0;
}
