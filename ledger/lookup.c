/*
 * ledger/lookup.c - reading entries back: by index, by reference (index or
 * leaf-hash prefix), own or imported, in ranges; the stored tree hashes, and
 * roots and proofs computed from them.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/entry.h"
#include "ledger/store.h"
#include "sdx/dsse.h"

#define ENTRY_COLS "idx, leaf, type, time, sdx_envelope(data)"

int sdx__node_reader(void *ctx, unsigned level, uint64_t index, unsigned char out[32])
{
	sdx_ledger *l = ctx;
	struct sdx__stmt s;
	int rc, err;

	if ((err = sdx__stmt(&s, l, &l->st_node_get, "reading tree hashes",
			     "SELECT hash FROM nodes WHERE level = ? AND idx = ?", SDX__INT(level),
			     SDX__INT(index))) < 0)
		return err;
	rc = sdx__stmt_step(&s);
	err = rc == 1 && sdx__column_hash(s.st, 0, out);
	sdx__stmt_end(&s);
	if (err)
		return 0;
	if (rc >= 0)
		return sdx_error_set(SDX_EVERIFY, "'%s': tree hash at level %u index %" PRIu64
				     " is %s", l->path, level, index, rc == 1 ? "damaged" : "missing");
	return rc;
}

/* Columns ENTRY_COLS of the current row into *e; copy: e->data malloc'd (+1 NUL), else borrowed. */
static int entry_from_row(sqlite3_stmt *st, sdx_entry *e, int copy)
{
	e->index = (uint64_t)sqlite3_column_int64(st, 0);
	if (!sdx__column_hash(st, 1, e->leaf_hash))
		memset(e->leaf_hash, 0, 32);
	snprintf(e->type, sizeof(e->type), "%s", (const char *)sqlite3_column_text(st, 2));
	snprintf(e->time, sizeof(e->time), "%s", (const char *)sqlite3_column_text(st, 3));
	if (copy) {
		char *data;
		int err = sdx__column_dup(st, 4, &data, &e->len);
		e->data = (unsigned char *)data;
		return err;
	}
	e->data = (unsigned char *)sqlite3_column_blob(st, 4);
	e->len = (size_t)sqlite3_column_bytes(st, 4);
	return 0;
}

int sdx_ledger_entry(sdx_entry **out, sdx_ledger *l, uint64_t index)
{
	struct sdx__stmt s;
	sdx_entry *e = NULL;
	int err;

	*out = NULL;
	if ((err = sdx__stmt(&s, l, &l->st_entry_get, "reading entry", "SELECT " ENTRY_COLS " FROM entries "
			     "WHERE idx = ?", SDX__INT(index))) < 0)
		return err;
	if ((err = sdx__stmt_step(&s)) == 0) {
		err = sdx_error_set(SDX_ENOTFOUND, "'%s': no entry %" PRIu64, l->path, index);
		goto done;
	}
	if (err < 0)
		goto done;
	if (!(e = calloc(1, sizeof(*e)))) {
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
		goto done;
	}
	if ((err = entry_from_row(s.st, e, 1)) < 0)
		goto done;
	*out = e;
	e = NULL;
done:
	sdx__stmt_end(&s);
	sdx_entry_free(e);
	return err;
}

void sdx_entry_free(sdx_entry *e)
{
	if (!e)
		return;
	free(e->data);
	free(e);
}

int sdx_entry_payload(char **out, size_t *out_len, const sdx_entry *e)
{
	sdx_dsse_envelope *env = NULL;
	char what[40];
	int err;

	*out = NULL;
	if ((err = sdx_dsse_parse(&env, e->data, e->len)) < 0) {
		snprintf(what, sizeof(what), "entry %" PRIu64, e->index);
		return sdx__error_prefix(err, what);
	}
	*out = (char *)env->payload;
	if (out_len)
		*out_len = env->payload_len;
	env->payload = NULL;
	sdx_dsse_envelope_free(env);
	return 0;
}

static int foreach(sdx_ledger *l, uint64_t from, uint64_t to, sdx_entry_cb cb, void *ctx,
		   int stored)
{
	struct sdx__stmt s;
	sdx_entry e;
	int rc, err;

	if ((err = sdx__stmt(&s, l, NULL, "reading entries", stored ?
			     "SELECT idx, leaf, type, time, data FROM entries WHERE idx >= ? AND "
			     "idx < ? ORDER BY idx" :
			     "SELECT " ENTRY_COLS " FROM entries WHERE idx >= ? AND idx < ? "
			     "ORDER BY idx", SDX__INT(from),
			     SDX__INT(to > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)to))) < 0)
		return err;
	while ((rc = sdx__stmt_step(&s)) == 1) {
		entry_from_row(s.st, &e, 0);
		if ((err = cb(ctx, &e)) != 0)
			break;
	}
	if (!err && rc < 0)
		err = rc;
	sdx__stmt_end(&s);
	return err;
}

int sdx_ledger_foreach(sdx_ledger *l, uint64_t from, uint64_t to, sdx_entry_cb cb, void *ctx)
{
	return foreach(l, from, to, cb, ctx, 0);
}

int sdx__ledger_foreach_stored(sdx_ledger *l, uint64_t from, uint64_t to, sdx_entry_cb cb,
			       void *ctx)
{
	return foreach(l, from, to, cb, ctx, 1);
}

static int parse_index(const char *ref, uint64_t *out)
{
	uint64_t v = 0;
	size_t i, n = strlen(ref);

	if (n == 0 || n > 19 || strspn(ref, "0123456789") != n)
		return 0;
	for (i = 0; i < n; i++)
		v = v * 10 + (uint64_t)(ref[i] - '0');
	*out = v;
	return 1;
}

int sdx__prefix_range(const char *ref, unsigned char lo[32], unsigned char hi[32])
{
	size_t n = strlen(ref), i;

	if (n < 4 || n > 64 || strspn(ref, "0123456789abcdefABCDEF") != n)
		return 0;
	memset(lo, 0, 32);
	memset(hi, 0xff, 32);
	for (i = 0; i < n; i++) {
		char c = ref[i];
		unsigned d = (unsigned)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
		if (i % 2 == 0) {
			lo[i / 2] = (unsigned char)(d << 4);
			hi[i / 2] = (unsigned char)((d << 4) | 0x0f);
		} else {
			lo[i / 2] |= (unsigned char)d;
			hi[i / 2] = (unsigned char)((hi[i / 2] & 0xf0) | d);
		}
	}
	return 1;
}

int sdx_ledger_resolve(uint64_t *index, sdx_ledger *l, const char *ref)
{
	unsigned char lo[32], hi[32];
	struct sdx__stmt s;
	uint64_t size, v = 0;
	int is_index = parse_index(ref, &v), rc, err, found = 0;

	/* A decimal number is an index (`sdx show 2494` must never show another
	 * entry whose hash happens to start with 2494); hex with a letter in it,
	 * 4 to 64 digits, is a leaf-hash prefix; so is all 64 digits. */
	if ((!is_index || strlen(ref) == 64) && sdx__prefix_range(ref, lo, hi)) {
		if ((err = sdx__stmt(&s, l, &l->st_resolve, "reading entries", "SELECT idx FROM entries WHERE "
				     "leaf BETWEEN ? AND ? LIMIT 2", SDX__HASH(lo), SDX__HASH(hi))) < 0)
			return err;
		while ((rc = sdx__stmt_step(&s)) == 1) {
			*index = (uint64_t)sqlite3_column_int64(s.st, 0);
			found++;
		}
		sdx__stmt_end(&s);
		if (rc < 0)
			return rc;
		if (found > 1)
			return sdx_error_set(SDX_EINVAL, "'%s' matches several entries; give more "
					     "digits", ref);
		if (found == 1)
			return 0;
	}
	if (!is_index)
		return sdx_error_set(SDX_ENOTFOUND, "no entry matches '%s' (give an index or 4 to "
				     "64 hex digits of a leaf hash)", ref);
	if ((err = sdx_ledger_size(&size, l)) < 0)
		return err;
	if (v >= size)
		return sdx_error_set(SDX_ENOTFOUND, "no entry %" PRIu64 " (the ledger has %" PRIu64
				     " entries)", v, size);
	*index = v;
	return 0;
}

void sdx_found_free(sdx_found *f)
{
	if (f) {
		free(f->entry.data);
		free(f);
	}
}

/* Imported entries whose leaf is in [lo, hi]: the first into *f (if not yet
 * filled), and how many distinct leaves matched. */
static int find_foreign(sdx_ledger *l, const unsigned char lo[32], const unsigned char hi[32],
			sdx_found *f, int *found)
{
	struct sdx__stmt s;
	int rc, err;

	if ((err = sdx__stmt(&s, l, &l->st_find_foreign, "reading imported entries", "SELECT " ENTRY_COLS
			     ", origin FROM foreign_entries WHERE leaf BETWEEN ? AND ? ORDER BY "
			     "leaf LIMIT 2", SDX__HASH(lo), SDX__HASH(hi))) < 0)
		return err;
	while ((rc = sdx__stmt_step(&s)) == 1) {
		const void *leaf = sqlite3_column_blob(s.st, 1);
		if (*found && f->entry.data && leaf && !memcmp(leaf, f->entry.leaf_hash, 32))
			continue; /* the same entry, held twice */
		(*found)++;
		if (f->entry.data)
			continue;
		f->own = 0;
		snprintf(f->origin, sizeof(f->origin), "%s",
			 (const char *)sqlite3_column_text(s.st, 5));
		if ((err = entry_from_row(s.st, &f->entry, 1)) < 0)
			break;
	}
	sdx__stmt_end(&s);
	if (!err && rc < 0)
		err = rc;
	return err;
}

int sdx_ledger_find(sdx_found **out, sdx_ledger *l, const char *ref)
{
	unsigned char lo[32], hi[32];
	sdx_found *f;
	sdx_entry *e = NULL;
	uint64_t index;
	int err, found = 0;

	*out = NULL;
	if (!(f = calloc(1, sizeof(*f))))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	err = sdx_ledger_resolve(&index, l, ref);
	if (err == 0) {
		if ((err = sdx_ledger_entry(&e, l, index)) < 0)
			goto done;
		f->own = 1;
		snprintf(f->origin, sizeof(f->origin), "%s", l->origin);
		f->entry = *e;
		free(e);
		found = 1;
	} else if (err != SDX_ENOTFOUND) {
		goto done;
	}
	err = 0;
	if ((strspn(ref, "0123456789") != strlen(ref) || strlen(ref) == 64) &&
	    sdx__prefix_range(ref, lo, hi) && (err = find_foreign(l, lo, hi, f, &found)) < 0)
		goto done;
	if (found == 0)
		err = sdx_error_set(SDX_ENOTFOUND, "no entry, own or imported, matches '%s'", ref);
	else if (found > 1 && !(f->own && strlen(ref) == 64))
		err = sdx_error_set(SDX_EINVAL, "'%s' matches several entries; give more digits",
				    ref);
done:
	if (err < 0) {
		sdx_found_free(f);
		return err;
	}
	*out = f;
	return 0;
}

int sdx_ledger_root(unsigned char out[32], sdx_ledger *l, uint64_t size)
{
	return sdx_merkle_root(out, size, sdx__node_reader, l);
}

static int check_size(sdx_ledger *l, uint64_t size)
{
	uint64_t have;
	int err;

	if ((err = sdx_ledger_size(&have, l)) < 0)
		return err;
	if (size > have)
		return sdx_error_set(SDX_ENOTFOUND, "tree size %" PRIu64 " is larger than the "
				     "ledger (%" PRIu64 " entries)", size, have);
	return 0;
}

int sdx_ledger_prove_inclusion(unsigned char (*out)[32], size_t *out_len, sdx_ledger *l,
			       uint64_t index, uint64_t size)
{
	int err;

	if ((err = check_size(l, size)) < 0)
		return err;
	if (index >= size)
		return sdx_error_set(SDX_ENOTFOUND, "entry %" PRIu64 " is not in a tree of size %"
				     PRIu64, index, size);
	return sdx_merkle_prove_inclusion(out, out_len, index, size, sdx__node_reader, l);
}

int sdx_ledger_prove_consistency(unsigned char (*out)[32], size_t *out_len, sdx_ledger *l,
				 uint64_t old_size, uint64_t size)
{
	int err;

	if ((err = check_size(l, size)) < 0)
		return err;
	if (old_size > size)
		return sdx_error_set(SDX_EINVAL, "old size %" PRIu64 " is larger than size %" PRIu64,
				     old_size, size);
	return sdx_merkle_prove_consistency(out, out_len, old_size, size, sdx__node_reader, l);
}

int sdx_ledger_latest_of_type(uint64_t *out, sdx_ledger *l, const char *origin, const char *type)
{
	struct sdx__stmt s;
	int own = !origin || strcmp(origin, l->origin) == 0, rc, err;

	/* own entries have no index by type: a scan, for the few types looked up
	 * this way (age recipients); imported ones use the (origin, idx) key */
	if ((err = own ? sdx__stmt(&s, l, NULL, "reading entries", "SELECT max(idx) FROM entries "
				   "WHERE type = ?", SDX__TEXT(type))
		       : sdx__stmt(&s, l, NULL, "reading imported entries", "SELECT max(idx) FROM "
				   "foreign_entries WHERE origin = ? AND type = ?", SDX__TEXT(origin),
				   SDX__TEXT(type))) < 0)
		return err;
	rc = sdx__stmt_step(&s);
	if (rc == 1 && sqlite3_column_type(s.st, 0) != SQLITE_NULL)
		*out = (uint64_t)sqlite3_column_int64(s.st, 0);
	else if (rc == 1)
		rc = 0;
	sdx__stmt_end(&s);
	return rc;
}
