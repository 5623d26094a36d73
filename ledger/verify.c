/*
 * ledger/verify.c - the full audit behind `sdx verify`.
 *
 * Entries are read in batches; the expensive, independent work (envelope
 * parsing, Ed25519 verification, payload reading, leaf hashing: ledger/entry.h)
 * is spread over a pool of worker threads (ledger/pool.c); the in-order
 * checks (ledger/chain.h: sequence, chain links, rotations; then the tree and
 * the checkpoints along it) of one batch run on the calling thread while the
 * pool checks the next.
 *
 * Hash-bound by default (formats/ledger.md "What verify proves"): an entry a
 * later checkpoint signed by its own key covers has its signature left
 * unchecked, since that checkpoint's root, rebuilt here from the bytes,
 * authenticates every byte of it; SDX_VERIFY_SIGNATURES checks them all.
 * Where the rebuilt tree disagrees, the entries it covers have their
 * signatures checked then, so the entry that was changed is named.  The file itself (verify_store.c) and what was
 * imported (verify_foreign.c) are checked after the entries.
 * Memory stays bounded by the batch limits whatever the ledger's size.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/chain.h"
#include "ledger/entry.h"
#include "ledger/store.h"
#include "ledger/verify.h"

#define BATCH_ENTRIES 4096
#define BATCH_BYTES (8u * 1024 * 1024) /* two batches are held at once */

struct job {
	uint64_t idx;
	unsigned char stored_leaf[32];
	char type[SDX_TYPE_MAX + 1];
	char time[21];
	unsigned char *data;
	size_t len;
	/* filled by a worker */
	int bad;
	int bound;                  /* signature left to the covering checkpoint */
	int forged;                 /* bound, but its bytes are not those signed */
	struct sdx__entry_fault fault;
	struct sdx__chain_link link;
	unsigned char (*atts)[32];  /* version 2: the attachments the header lists */
	size_t natts;
};

#define MAX_LEDGER_KEYS 256

struct audit {
	sdx_ledger *l;
	struct sdx__chain chain;  /* the ledger's keys, each from the entry it first signs */
	int bodies;               /* SDX_VERIFY_BODIES: parse every body */
	int signatures;           /* SDX_VERIFY_SIGNATURES: check every signature */
	/* per key: the largest checkpoint size it signs (0: none); entry i, signed
	 * by key k, is covered by a checkpoint of its own key if i < cover[k] */
	uint64_t cover[MAX_LEDGER_KEYS];
};

static int add_key(void *ctx, const sdx_verifier *v, uint64_t since)
{
	struct audit *a = ctx;
	struct sdx__chain *c = &a->chain;
	int err;

	if (c->nkeys == MAX_LEDGER_KEYS)
		return sdx_error_set(SDX_ELIMIT, "more than %d ledger keys", MAX_LEDGER_KEYS);
	if ((err = sdx__chain_add_key(c, v, since)) < 0)
		return err;
	if ((c->nkeys == 1) != (since == 0) ||
	    (c->nkeys > 1 && since <= c->k[c->nkeys - 2].since))
		return sdx_error_set(SDX_EVERIFY, "'%s': the ledger's key list is damaged (key %s "
				     "from entry %" PRIu64 ")", a->l->path, c->k[c->nkeys - 1].keyid,
				     since);
	if (strcmp(sdx_verifier_name(v), a->l->origin) != 0)
		return sdx_error_set(SDX_EVERIFY, "'%s': a ledger key is named '%.80s', not the "
				     "origin", a->l->path, sdx_verifier_name(v));
	return 0;
}

/*
 * Everything about one entry that does not depend on its neighbours: the
 * payload must hold the values of its row (its key, the origin, its index as
 * seq, the time and type), read by position where it is laid out as sdx
 * writes it.  The body, which the signature covers and which was validated
 * when it was written, is only parsed for genesis and key entries and with
 * --bodies.
 */
static void check_entry(struct audit *a, struct job *j)
{
	struct sdx__entry_want want = { a->l->origin, j->type, j->time, 1, j->idx };
	unsigned flags = a->bodies ? SDX__ENTRY_STRICT | SDX__ENTRY_KEYS
		       : sdx__chain_needs_body(j->idx, j->type) ? SDX__ENTRY_STRICT : 0;
	struct sdx__entry e;
	unsigned char leaf[32];
	size_t signer = 0;
	int err, suspect;

	sdx_merkle_leaf_hash(leaf, j->data, j->len);
	if ((err = sdx__entry_open(&e, j->data, j->len)) == 0) {
		signer = sdx__chain_key_at(&a->chain, j->idx);
		j->bound = !a->signatures && j->idx < a->cover[signer] &&
			   strcmp(e.env->keyid, a->chain.k[signer].keyid) == 0;
		/* bytes that do not hash to the stored leaf: the signature says
		 * whether they or the leaf column were changed */
		suspect = j->bound && memcmp(leaf, j->stored_leaf, 32) != 0;
		if (suspect)
			j->bound = 0;
		if (!j->bound) {
			err = sdx__chain_signer(&a->chain, &e, j->idx, &signer);
			j->forged = suspect && err < 0;
		}
	}
	if (err == 0 && (err = sdx__entry_read(&e, &want, flags)) == 0)
		err = sdx__chain_entry(&a->chain, &e, j->idx, signer, leaf, &j->link);
	if (err == 0) {
		j->atts = e.h.atts;
		j->natts = e.h.natts;
		e.h.atts = NULL;
		e.h.natts = 0;
	} else {
		j->bad = 1;
		j->fault = e.fault;
		if (err == SDX_ENOMEM) {
			j->fault.kind = SDX__ENTRY_JSON;
			snprintf(j->fault.a, sizeof(j->fault.a), "out of memory");
		}
	}
	sdx__entry_close(&e);
}

/*
 * The largest checkpoint each key signs: a checkpoint of size s is signed by
 * the key of entry s (formats/ledger.md "Key rotation").  The rows only decide
 * which signatures to leave to a checkpoint; every one of them is verified
 * in the walk, so a row forged to widen the cover fails the audit there.
 */
static int load_cover(sdx_ledger *l, struct audit *a)
{
	sqlite3_stmt *st = NULL;
	size_t k;
	int err = 0;

	if (sqlite3_prepare_v2(l->db, "SELECT max(size) FROM checkpoints WHERE size >= ? AND "
			       "size < ?", -1, &st, NULL) != SQLITE_OK)
		return sdx__db_error(l, "reading checkpoints");
	for (k = 0; k < a->chain.nkeys && !err; k++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, (sqlite3_int64)a->chain.k[k].since);
		sqlite3_bind_int64(st, 2, k + 1 < a->chain.nkeys
				   ? (sqlite3_int64)a->chain.k[k + 1].since : INT64_MAX);
		if (sqlite3_step(st) != SQLITE_ROW)
			err = sdx__db_error(l, "reading checkpoints");
		else if (sqlite3_column_type(st, 0) != SQLITE_NULL && sqlite3_column_int64(st, 0) > 0)
			a->cover[k] = (uint64_t)sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return err;
}

/* 1 if entry idx's signature by the key of its position verifies. */
static int signature_holds(const struct audit *a, const unsigned char *data, size_t len,
			   uint64_t idx)
{
	struct sdx__entry e;
	size_t signer;
	int ok;

	ok = sdx__entry_open(&e, data, len) == 0 &&
	     sdx__chain_signer(&a->chain, &e, idx, &signer) == 0;
	sdx__entry_close(&e);
	return ok;
}

/*
 * The tree rebuilt from entries [from, to) differs from a stored or signed
 * hash over them: *bad gets the first of them whose signature does not
 * verify (the entry that was changed), or -1 if all do (then the stored
 * hash was).  Only runs once the audit has failed.
 */
static int first_forged(int64_t *bad, sdx_ledger *l, const struct audit *a, uint64_t from,
			uint64_t to)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*bad = -1;
	if (sqlite3_prepare_v2(l->db, "SELECT idx, sdx_envelope(data) FROM entries WHERE idx >= ? "
			       "AND idx < ? "
			       "ORDER BY idx", -1, &st, NULL) != SQLITE_OK)
		return sdx__db_error(l, "reading entries");
	sqlite3_bind_int64(st, 1, (sqlite3_int64)from);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)to);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		uint64_t idx = (uint64_t)sqlite3_column_int64(st, 0);
		if (!signature_holds(a, sqlite3_column_blob(st, 1),
				     (size_t)sqlite3_column_bytes(st, 1), idx)) {
			*bad = (int64_t)idx;
			break;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : sdx__db_error(l, "reading entries");
}

/* The message for entry idx, found changed under checkpoint cp by `how`. */
static int forged(sdx_verify_report *rep, const sdx_ledger *l, uint64_t idx, uint64_t cp,
		  const char *how)
{
	rep->first_bad = (int64_t)idx;
	return sdx_error_set(SDX_EVERIFY, "'%s': entry %" PRIu64 ": its bytes are not those "
			     "checkpoint %" PRIu64 " signs (%s, and its signature does not verify)",
			     l->path, idx, cp, how);
}

/*
 * A stored or signed hash over entries [from, to) disagrees with them (the
 * message is set): name the entry that was changed, if one was, under
 * checkpoint cp (0: the one covering it).  Returns SDX_EVERIFY (or SDX_EIO).
 */
static int name_forged(sdx_verify_report *rep, sdx_ledger *l, const struct audit *a,
		       uint64_t from, uint64_t to, uint64_t cp, const char *how)
{
	char msg[512];
	int64_t bad;
	int err;

	if (a->signatures)
		return SDX_EVERIFY;  /* every signature was checked already */
	snprintf(msg, sizeof(msg), "%s", sdx_error_last());
	if ((err = first_forged(&bad, l, a, from, to)) < 0)
		return err;
	if (bad < 0)
		return sdx_error_set(SDX_EVERIFY, "%s", msg);
	return forged(rep, l, (uint64_t)bad,
		      cp ? cp : a->cover[sdx__chain_key_at(&a->chain, (uint64_t)bad)], how);
}

/* *n = the last entry's index + 1 (0 if none): what progress counts to. */
static int entry_count(sdx_ledger *l, uint64_t *n)
{
	sqlite3_stmt *st = NULL;
	int err = 0;

	*n = 0;
	if (sqlite3_prepare_v2(l->db, "SELECT max(idx) FROM entries", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		err = sdx__db_error(l, "reading entries");
	else if (sqlite3_column_type(st, 0) != SQLITE_NULL)
		*n = (uint64_t)sqlite3_column_int64(st, 0) + 1;
	sqlite3_finalize(st);
	return err;
}

/* The attachments found held lately: entries in a row mostly cite the same
 * reports, so most lookups are answered here. */
#define HELD_RECENT 8
struct held {
	unsigned char h[HELD_RECENT][32];
	size_t n, next;
};

/* Each attachment j's header lists is held; else *missing is the first not. */
static int attachment_held(sdx_ledger *l, struct held *r, const struct job *j,
			   const unsigned char **missing)
{
	size_t c, k;
	int err;

	*missing = NULL;
	for (c = 0; c < j->natts; c++) {
		for (k = 0; k < r->n && memcmp(r->h[k], j->atts[c], 32) != 0; k++)
			;
		if (k < r->n)
			continue;
		if ((err = sdx_ledger_has_attachment(l, j->atts[c])) < 0)
			return err;
		if (err == 0) {
			*missing = j->atts[c];
			return 0;
		}
		memcpy(r->h[r->next], j->atts[c], 32);
		r->next = (r->next + 1) % HELD_RECENT;
		if (r->n < HELD_RECENT)
			r->n++;
	}
	return 0;
}

/* A batch being checked by the pool. */
struct batch_job {
	struct audit *a;
	struct job *jobs;
};

static void check_one(void *ctx, size_t i)
{
	struct batch_job *bj = ctx;

	check_entry(bj->a, &bj->jobs[i]);
}

/* Walks the checkpoints in size order while the tree is rebuilt. */
struct cp_walk {
	sqlite3_stmt *st;
	int has;
	uint64_t size;
	uint64_t count;
};

static int cp_next(sdx_ledger *l, struct cp_walk *w)
{
	int rc = sqlite3_step(w->st);

	if (rc == SQLITE_ROW) {
		w->has = 1;
		w->size = (uint64_t)sqlite3_column_int64(w->st, 0);
		return 0;
	}
	w->has = 0;
	return rc == SQLITE_DONE ? 0 : sdx__db_error(l, "reading checkpoints");
}

/* *root_differs: the note is good but the entries give another root. */
static int cp_check(sdx_ledger *l, struct audit *a, struct cp_walk *w,
		    const unsigned char root[32], int *root_differs)
{
	const char *note = sqlite3_column_blob(w->st, 2);
	size_t len = (size_t)sqlite3_column_bytes(w->st, 2);
	sdx_verifier *vs[1] = { a->chain.v[sdx__chain_key_at(&a->chain, w->size)] };
	sdx_checkpoint cp;
	int err;

	char what[SDX_NAME_MAX + 64];

	snprintf(what, sizeof(what), "'%s': checkpoint %" PRIu64, l->path, w->size);
	if ((err = sdx_note_verify(NULL, NULL, note, len, vs, 1)) < 0 ||
	    (err = sdx_checkpoint_parse(&cp, note, len)) < 0)
		return sdx__error_prefix(SDX_EVERIFY, what);
	if (strcmp(cp.origin, l->origin) != 0 || cp.size != w->size)
		return sdx_error_set(SDX_EVERIFY, "'%s': checkpoint %" PRIu64 ": origin or size "
				     "does not match its row", l->path, w->size);
	if (sqlite3_column_bytes(w->st, 1) != 32 ||
	    memcmp(sqlite3_column_blob(w->st, 1), cp.root, 32) != 0)
		return sdx_error_set(SDX_EVERIFY, "'%s': checkpoint %" PRIu64 ": stored root "
				     "differs from the signed one", l->path, w->size);
	if (memcmp(root, cp.root, 32) != 0 && (*root_differs = 1))
		return sdx_error_set(SDX_EVERIFY, "'%s': checkpoint %" PRIu64 ": signed root does "
				     "not match the entries (the ledger was rewritten)", l->path, w->size);
	w->count++;
	return 0;
}

struct node_check {
	sdx_ledger *l;
	uint64_t count;
};

static int compare_node(void *ctx, unsigned level, uint64_t index, const unsigned char hash[32])
{
	struct node_check *nc = ctx;
	unsigned char stored[32];
	int err;

	if ((err = sdx__node_reader(nc->l, level, index, stored)) < 0)
		return err;
	if (memcmp(stored, hash, 32) != 0)
		return sdx_error_set(SDX_EVERIFY, "'%s': stored tree hash at level %u index %" PRIu64
				     " is wrong", nc->l->path, level, index);
	nc->count++;
	return 0;
}

struct batch {
	struct job *jobs;
	size_t n;
};

static void batch_clear(struct batch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		free(b->jobs[i].data);
		free(b->jobs[i].atts);
		b->jobs[i].atts = NULL;
		b->jobs[i].natts = 0;
	}
	b->n = 0;
}

/* The next rows, up to the batch limits; *rc is the last sqlite3_step(). */
static int read_batch(sdx_ledger *l, sqlite3_stmt *st, struct batch *b, int *rc)
{
	size_t bytes;

	for (bytes = 0; b->n < BATCH_ENTRIES && bytes < BATCH_BYTES;) {
		struct job *j;
		int n;

		if ((*rc = sqlite3_step(st)) != SQLITE_ROW)
			break;
		j = &b->jobs[b->n];
		memset(j, 0, sizeof(*j));
		j->idx = (uint64_t)sqlite3_column_int64(st, 0);
		if (sqlite3_column_bytes(st, 1) == 32)
			memcpy(j->stored_leaf, sqlite3_column_blob(st, 1), 32);
		snprintf(j->type, sizeof(j->type), "%s", (const char *)sqlite3_column_text(st, 2));
		snprintf(j->time, sizeof(j->time), "%s", (const char *)sqlite3_column_text(st, 3));
		n = sqlite3_column_bytes(st, 4);
		if (!(j->data = malloc((size_t)n + 1)))
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		if (n)
			memcpy(j->data, sqlite3_column_blob(st, 4), (size_t)n);
		j->len = (size_t)n;
		bytes += (size_t)n;
		b->n++;
	}
	if (*rc != SQLITE_ROW && *rc != SQLITE_DONE)
		return sdx__db_error(l, "reading entries");
	return 0;
}

int sdx_ledger_verify(sdx_verify_report *out, sdx_ledger *l, const sdx_verify_options *opts)
{
	sdx_verify_options def = SDX_VERIFY_OPTIONS_INIT;
	sdx_verify_report rep;
	struct audit a;
	struct cp_walk cw = { 0 };
	struct node_check nc = { l, 0 };
	sdx_merkle_builder tree;
	sqlite3_stmt *st = NULL;
	unsigned char root[32];
	const unsigned char *missing;
	char why[400];
	uint64_t expect = 0, good = 0;  /* good: entries a verified checkpoint covers */
	uint64_t disclosed = 0;         /* disclosures that matched their digests */
	uint64_t total = 0;             /* for the progress function: the last index + 1 */
	int differs = 0;
	struct batch bb[2] = { { NULL, 0 }, { NULL, 0 } };
	struct sdx__pool *pool = NULL;
	struct batch_job bj[2];
	struct held held = { .n = 0 };
	size_t i;
	int rc = SQLITE_ROW, err = 0, in_read = 0, cur;

	memset(&rep, 0, sizeof(rep));
	memset(&a, 0, sizeof(a));
	rep.first_bad = -1;
	if (!opts)
		opts = &def;
	if ((err = sdx__options_check(opts->version, SDX_VERIFY_OPTIONS_VERSION,
				      "sdx_ledger_verify")) < 0)
		return err;
	a.l = l;
	a.bodies = opts->version >= 2 && (opts->flags & SDX_VERIFY_BODIES);
	a.signatures = opts->version >= 2 && (opts->flags & SDX_VERIFY_SIGNATURES);
	if (!(bb[0].jobs = calloc(BATCH_ENTRIES, sizeof(*bb[0].jobs))) ||
	    !(bb[1].jobs = calloc(BATCH_ENTRIES, sizeof(*bb[1].jobs)))) {
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
		goto done;
	}
	/* One read transaction: a consistent snapshot even while others append. */
	if (!l->in_tx) {
		if ((err = sdx__db_exec(l, "BEGIN")) < 0)
			goto done;
		in_read = 1;
	}
	sdx__chain_init(&a.chain, l->origin, 1);
	if ((err = sdx__verify_triggers(l)) < 0 || (err = sdx__verify_meta(l)) < 0 ||
	    (err = sdx__verify_disclosures(l, &disclosed)) < 0 ||
	    (err = sdx_ledger_foreach_key(l, add_key, &a)) < 0)
		goto done;
	if (a.chain.nkeys == 0) {
		err = sdx_error_set(SDX_EVERIFY, "'%s': the ledger has no key", l->path);
		goto done;
	}
	if (!a.signatures && (err = load_cover(l, &a)) < 0)
		goto done;
	if (sqlite3_prepare_v2(l->db, "SELECT size, root, note FROM checkpoints ORDER BY size",
			       -1, &cw.st, NULL) != SQLITE_OK) {
		err = sdx__db_error(l, "reading checkpoints");
		goto done;
	}
	if ((err = cp_next(l, &cw)) < 0)
		goto done;
	if (sdx__progress_on() && (err = entry_count(l, &total)) < 0)
		goto done;
	if (sqlite3_prepare_v2(l->db, "SELECT idx, leaf, type, time, sdx_envelope(data) FROM entries "
			       "ORDER BY idx",
			       -1, &st, NULL) != SQLITE_OK) {
		err = sdx__db_error(l, "reading entries");
		goto done;
	}
	sdx_merkle_builder_init(&tree);
	/* the next batch is read, and the in-order checks of this one run,
	 * while the pool checks signatures */
	if ((err = sdx__pool_new(&pool, opts->threads)) < 0)
		goto done;
	rep.threads = sdx__pool_threads(pool);
	if ((err = read_batch(l, st, &bb[0], &rc)) < 0)
		goto done;
	bj[0] = (struct batch_job){ &a, bb[0].jobs };
	bj[1] = (struct batch_job){ &a, bb[1].jobs };
	sdx__pool_submit(pool, check_one, &bj[0], bb[0].n);
	for (cur = 0; bb[cur].n > 0; cur = !cur) {
		struct batch *b = &bb[cur], *next = &bb[!cur];

		if (rc == SQLITE_ROW)
			err = read_batch(l, st, next, &rc);
		sdx__pool_wait(pool);
		if (err < 0)
			goto done;
		sdx__pool_submit(pool, check_one, &bj[!cur], next->n);
		for (i = 0; i < b->n; i++) {
			struct job *j = &b->jobs[i];

			if (j->idx != expect) {
				rep.first_bad = (int64_t)expect;
				err = sdx_error_set(SDX_EVERIFY, "'%s': entry %" PRIu64 " is missing "
						    "(entries were deleted or reordered)", l->path, expect);
				goto done;
			}
			if (!j->bad && (err = sdx__chain_step(&a.chain, &j->link, &j->fault)) < 0) {
				if (err != SDX_EVERIFY)
					goto done;
				j->bad = 1;
			}
			if (j->bad && j->forged) {
				err = forged(&rep, l, j->idx, a.cover[sdx__chain_key_at(&a.chain, j->idx)],
					     "their hash is not the stored leaf hash");
				goto done;
			}
			if (j->bad) {
				rep.first_bad = (int64_t)j->idx;
				err = sdx_error_set(SDX_EVERIFY, "'%s': entry %" PRIu64 ": %s", l->path,
						    j->idx, sdx__entry_fault_message(why, sizeof(why),
						    &j->fault, SDX__WORDING_LEDGER));
				goto done;
			}
			if (memcmp(j->link.leaf, j->stored_leaf, 32) != 0) {
				rep.first_bad = (int64_t)j->idx;
				err = sdx_error_set(SDX_EVERIFY, "'%s': entry %" PRIu64 ": stored leaf "
						    "hash is wrong", l->path, j->idx);
				goto done;
			}
			if ((err = attachment_held(l, &held, j, &missing)) < 0)
				goto done;
			if (missing) {
				sdx__hex(why, missing, 32);
				rep.first_bad = (int64_t)j->idx;
				err = sdx_error_set(SDX_EVERIFY, "'%s': entry %" PRIu64 ": cites attachment "
						    "%s, which the ledger does not hold", l->path, j->idx,
						    why);
				goto done;
			}
			if ((err = sdx_merkle_builder_append(&tree, j->link.leaf, compare_node, &nc)) < 0) {
				rep.first_bad = (int64_t)j->idx;
				if (err == SDX_EVERIFY)
					err = name_forged(&rep, l, &a, good, j->idx + 1, 0,
							  "a stored tree hash over them differs");
				goto done;
			}
			expect++;
			while (cw.has && cw.size <= expect) {
				if (cw.size < expect) {
					err = sdx_error_set(SDX_EVERIFY, "'%s': checkpoint %" PRIu64
							    " does not match the entries", l->path, cw.size);
					goto done;
				}
				sdx_merkle_builder_root(root, &tree);
				if ((err = cp_check(l, &a, &cw, root, &differs)) < 0) {
					if (differs)
						err = name_forged(&rep, l, &a, good, cw.size, cw.size,
								  "the root rebuilt from the entries "
								  "differs");
					goto done;
				}
				good = cw.size;
				if ((err = cp_next(l, &cw)) < 0)
					goto done;
			}
		}
		batch_clear(b);
		sdx__progress(expect, total);
	}
	sdx__pool_free(pool);
	pool = NULL;
	rep.entries = expect;
	if (expect == 0) {
		err = sdx_error_set(SDX_EVERIFY, "'%s': the ledger has no entries (not even genesis)",
				    l->path);
		goto done;
	}
	if (cw.has) {
		err = sdx_error_set(SDX_EVERIFY, "'%s': checkpoint %" PRIu64 " is larger than the "
				    "ledger (%" PRIu64 " entries): entries were deleted", l->path,
				    cw.size, expect);
		goto done;
	}
	if (cw.count == 0) {
		err = sdx_error_set(SDX_EVERIFY, "'%s': no signed checkpoint", l->path);
		goto done;
	}
	rep.checkpoints = cw.count;
	/* every key after the first was signed in by a rotation entry */
	if ((i = sdx__chain_unintroduced(&a.chain, expect)) != SIZE_MAX) {
		err = sdx_error_set(SDX_EVERIFY, "'%s': key %s signs from entry %" PRIu64
				    " but no rotation entry before it names it", l->path,
				    a.chain.k[i].keyid, a.chain.k[i].since);
		goto done;
	}
	sqlite3_finalize(st);
	st = NULL;
	/* Stored hashes the rebuild did not produce would be extra rows. */
	if (sqlite3_prepare_v2(l->db, "SELECT count(*) FROM nodes", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		err = sdx__db_error(l, "reading tree hashes");
		goto done;
	}
	if ((uint64_t)sqlite3_column_int64(st, 0) != nc.count) {
		err = sdx_error_set(SDX_EVERIFY, "'%s': %" PRIu64 " stored tree hashes, expected %"
				    PRIu64, l->path, (uint64_t)sqlite3_column_int64(st, 0), nc.count);
		goto done;
	}
	rep.nodes = nc.count;
	if ((err = sdx__verify_attachments(l, &rep)) < 0)
		goto done;
	if ((err = sdx__verify_foreign(l, &rep, a.signatures)) < 0)
		goto done;
	/* derived data last: the entries it is checked against are good by now */
	err = sdx__indexers_verify(l);
done:
	sdx__pool_free(pool);
	for (i = 0; i < 2; i++) {
		batch_clear(&bb[i]);
		free(bb[i].jobs);
	}
	sdx__chain_free(&a.chain);
	sqlite3_finalize(st);
	sqlite3_finalize(cw.st);
	if (in_read)
		sqlite3_exec(l->db, "COMMIT", NULL, NULL, NULL);
	if (out)
		*out = rep;
	return err;
}
