/*
 * ledger/verify.c - the full audit behind `sdx verify`.
 *
 * Entries are read in batches; the expensive, independent work (envelope
 * parsing, Ed25519 verification, payload parsing, leaf hashing) is spread
 * over a pool of worker threads (ledger/pool.c); the order-dependent checks
 * (sequence, chain links, the tree and the checkpoints along it) of one batch
 * run on the calling thread while the pool checks the next.
 * Memory stays bounded by the batch limits whatever the ledger's size.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ledger/store.h"
#include "sdx/dsse.h"

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
	char why[800];
	unsigned char leaf[32];
	uint64_t seq;
	unsigned char prev[32];
	unsigned char (*atts)[32];  /* version 2: the attachments the header lists */
	size_t natts;
};

#define MAX_LEDGER_KEYS 256

/* The ledger's keys, each from the entry it first signs (key rotation). */
struct akey {
	uint64_t since;
	sdx_verifier *v;
	char keyid[SDX_KEYID_MAX];
	char vkey[SDX_NAME_MAX + 64];
	int introduced;   /* its "key" entry was seen (set by one worker only) */
};

struct audit {
	sdx_ledger *l;
	struct akey keys[MAX_LEDGER_KEYS];
	size_t nkeys;
	int bodies;  /* SDX_VERIFY_BODIES: parse every body */
};

/* The key that signs entry idx, or a checkpoint of size idx. */
static struct akey *key_for(struct audit *a, uint64_t idx)
{
	size_t i = a->nkeys;

	while (i > 1 && a->keys[i - 1].since > idx)
		i--;
	return &a->keys[i - 1];
}

static int add_key(void *ctx, const sdx_verifier *v, uint64_t since)
{
	struct audit *a = ctx;
	struct akey *k;
	char *vkey = NULL;
	int err;

	if (a->nkeys == MAX_LEDGER_KEYS)
		return sdx_error_set(SDX_ELIMIT, "more than %d ledger keys", MAX_LEDGER_KEYS);
	k = &a->keys[a->nkeys];
	memset(k, 0, sizeof(*k));
	k->since = since;
	if ((err = sdx_verifier_new(&k->v, sdx_verifier_name(v), sdx_verifier_public_key(v))) < 0)
		return err;
	a->nkeys++;
	sdx__keyid_string(k->keyid, k->v);
	if ((err = sdx_verifier_format(&vkey, k->v)) < 0)
		return err;
	snprintf(k->vkey, sizeof(k->vkey), "%s", vkey);
	free(vkey);
	if ((a->nkeys == 1) != (since == 0) ||
	    (a->nkeys > 1 && since <= a->keys[a->nkeys - 2].since))
		return sdx_error_set(SDX_EVERIFY, "'%s': the ledger's key list is damaged (key %s "
				     "from entry %" PRIu64 ")", a->l->path, k->keyid, since);
	if (strcmp(sdx_verifier_name(v), a->l->origin) != 0)
		return sdx_error_set(SDX_EVERIFY, "'%s': a ledger key is named '%.80s', not the "
				     "origin", a->l->path, sdx_verifier_name(v));
	return 0;
}

/*
 * The payload exactly as append_raw() lays it out (sdx__payload_read()),
 * holding the values this entry must have: its key, the origin, its index as
 * seq, the time and type of its row.  Then the header is read without
 * parsing the body, which the signature covers and which was validated when
 * it was written.  1 if so (prev and attachments filled in); 0 if the bytes
 * differ in any way, and the JSON path finds out how.  Genesis and key
 * entries always take the JSON path: their bodies matter.
 */
static int fast_header(const struct audit *a, struct job *j, const sdx_dsse_envelope *env,
		       int version)
{
	struct sdx__payload h;
	size_t i;

	if (j->idx == 0 || strcmp(j->type, "genesis") == 0 || strcmp(j->type, "key") == 0)
		return 0;
	if (!sdx__payload_read(&h, (const char *)env->payload, env->payload_len, version) ||
	    !sdx__field_is(h.key, h.key_len, env->keyid) ||
	    !sdx__field_is(h.origin, h.origin_len, a->l->origin) || h.seq != j->idx ||
	    strcmp(h.time, j->time) != 0 || !sdx__field_is(h.type, h.type_len, j->type))
		return 0;
	if (h.natts && !(j->atts = malloc(h.natts * sizeof(*j->atts))))
		return 0;
	for (i = 0; i < h.natts; i++)
		sdx__payload_attachment(j->atts[i], &h, i);
	j->natts = h.natts;
	memcpy(j->prev, h.prev, 32);
	j->seq = h.seq;
	return 1;
}

#define BAD(...) do { snprintf(j->why, sizeof(j->why), __VA_ARGS__); j->bad = 1; goto done; } while (0)

/* Everything about one entry that does not depend on its neighbours. */
static void check_entry(struct audit *a, struct job *j)
{
	static const char *const fields[] = { "attachments", "body", "key", "origin", "prev",
					      "seq", "time", "type", "version", NULL };
	sdx_dsse_envelope *env = NULL;
	json_t *p = NULL, *v;
	struct akey *k;
	const char *s;
	size_t i;
	int version;

	sdx_merkle_leaf_hash(j->leaf, j->data, j->len);
	if (sdx_dsse_parse(&env, j->data, j->len) < 0)
		BAD("envelope: %s", sdx_error_last());
	if (!(version = sdx__payload_version(env->payload_type)))
		BAD("envelope: payloadType '%.60s' is not '%s' or '%s'", env->payload_type,
		    SDX_ENTRY_PAYLOAD_TYPE_V2, SDX_ENTRY_PAYLOAD_TYPE_V1);
	k = key_for(a, j->idx);
	if (strcmp(env->keyid, k->keyid) != 0)
		BAD("signed by key '%.80s', not the ledger's key '%s'", env->keyid, k->keyid);
	if (sdx_dsse_verify(env, k->v) < 0)
		BAD("signature does not verify");
	if (!a->bodies && fast_header(a, j, env, version))
		goto done;
	if (sdx__json_parse(&p, (const char *)env->payload, env->payload_len, 64, "payload") < 0)
		BAD("%s", sdx_error_last());
	/* version 1 has no attachments: its fields start at "body" */
	if (!json_is_object(p) || json_object_size(p) != (version == 2 ? 9u : 8u))
		BAD("payload: not an object with exactly the fields %sbody, key, origin, prev, "
		    "seq, time, type, version", version == 2 ? "attachments, " : "");
	for (i = version == 2 ? 0 : 1; fields[i]; i++)
		if (!json_object_get(p, fields[i]))
			BAD("payload: missing field '%s'", fields[i]);
	if (version == 2 &&
	    sdx__payload_atts_json(&j->atts, &j->natts, json_object_get(p, "attachments")) < 0)
		BAD("%s", sdx_error_last());
	if (!json_is_object(json_object_get(p, "body")))
		BAD("payload: field 'body' is not an object");
	if (!(s = json_string_value(json_object_get(p, "key"))) || strcmp(s, env->keyid) != 0)
		BAD("payload: field 'key' does not name the signing key");
	if (!(s = json_string_value(json_object_get(p, "origin"))) || strcmp(s, a->l->origin) != 0)
		BAD("payload: origin is not '%s'", a->l->origin);
	if (!(s = json_string_value(json_object_get(p, "prev"))) || sdx__hex32_parse(j->prev, s) < 0)
		BAD("payload: field 'prev' is not 64 lowercase hex digits");
	v = json_object_get(p, "seq");
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		BAD("payload: field 'seq' is not a non-negative integer");
	j->seq = (uint64_t)json_integer_value(v);
	v = json_object_get(p, "version");
	if (!json_is_integer(v) || json_integer_value(v) != version)
		BAD("payload: version is not %d, the version its payloadType names", version);
	if (!(s = json_string_value(json_object_get(p, "type"))) || strcmp(s, j->type) != 0)
		BAD("payload: type does not match the stored type '%s'", j->type);
	if (!(s = json_string_value(json_object_get(p, "time"))) || strcmp(s, j->time) != 0)
		BAD("payload: time does not match the stored time '%s'", j->time);
	if ((j->idx == 0) != (strcmp(j->type, "genesis") == 0))
		BAD("%s", j->idx == 0 ? "entry 0 is not the genesis record"
				      : "a genesis record after entry 0");
	if (j->idx == 0) {
		json_t *b = json_object_get(p, "body");
		if (!(s = json_string_value(json_object_get(b, "origin"))) ||
		    strcmp(s, a->l->origin) != 0)
			BAD("genesis: origin does not match the ledger's origin '%s'", a->l->origin);
		if (!(s = json_string_value(json_object_get(b, "key"))) ||
		    strcmp(s, a->keys[0].vkey) != 0)
			BAD("genesis: key does not match the ledger's key");
	}
	if (strcmp(j->type, "key") == 0) {
		/* a rotation: the next entry on is signed by the key it names */
		s = json_string_value(json_object_get(json_object_get(p, "body"), "new_key"));
		for (i = 1; i < a->nkeys && a->keys[i].since != j->idx + 1; i++)
			;
		if (!s || i == a->nkeys || strcmp(s, a->keys[i].vkey) != 0)
			BAD("key rotation: the new key does not match the ledger's keys");
		a->keys[i].introduced = 1;
	}
done:
	json_decref(p);
	sdx_dsse_envelope_free(env);
}

/* The attachments found held lately: entries in a row mostly cite the same
 * reports, so most lookups are answered here. */
#define HELD_RECENT 8
struct held {
	unsigned char h[HELD_RECENT][32];
	size_t n, next;
};

/* Each attachment j's header lists is held; else j is marked bad. */
static int attachment_held(sdx_ledger *l, struct held *r, struct job *j)
{
	char hex[65];
	size_t c, k;
	int err;

	for (c = 0; c < j->natts; c++) {
		for (k = 0; k < r->n && memcmp(r->h[k], j->atts[c], 32) != 0; k++)
			;
		if (k < r->n)
			continue;
		if ((err = sdx_ledger_has_attachment(l, j->atts[c])) < 0)
			return err;
		if (err == 0) {
			sdx__hex(hex, j->atts[c], 32);
			snprintf(j->why, sizeof(j->why), "cites attachment %s, which the ledger "
				 "does not hold", hex);
			j->bad = 1;
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

static int cp_check(sdx_ledger *l, struct audit *a, struct cp_walk *w,
		    const unsigned char root[32])
{
	const char *note = sqlite3_column_blob(w->st, 2);
	size_t len = (size_t)sqlite3_column_bytes(w->st, 2);
	sdx_verifier *vs[1] = { key_for(a, w->size)->v };
	sdx_checkpoint cp;
	int err;

	char what[SDX_NAME_MAX + 64];

	snprintf(what, sizeof(what), "'%s': checkpoint %" PRIu64, l->path, w->size);
	if ((err = sdx_note_verify(note, len, vs, 1, NULL, NULL)) < 0 ||
	    (err = sdx_checkpoint_parse(&cp, note, len)) < 0)
		return sdx__error_prefix(SDX_EVERIFY, what);
	if (strcmp(cp.origin, l->origin) != 0 || cp.size != w->size)
		return sdx_error_set(SDX_EVERIFY, "'%s': checkpoint %" PRIu64 ": origin or size "
				     "does not match its row", l->path, w->size);
	if (sqlite3_column_bytes(w->st, 1) != 32 ||
	    memcmp(sqlite3_column_blob(w->st, 1), cp.root, 32) != 0)
		return sdx_error_set(SDX_EVERIFY, "'%s': checkpoint %" PRIu64 ": stored root "
				     "differs from the signed one", l->path, w->size);
	if (memcmp(root, cp.root, 32) != 0)
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

/* meta holds exactly what sdx_ledger_create() wrote: the origin and the format. */
static int check_meta(sdx_ledger *l)
{
	sqlite3_stmt *st = NULL;
	int rc, n = 0, err = 0;

	if (sqlite3_prepare_v2(l->db, "SELECT name, value FROM meta ORDER BY name", -1, &st,
			       NULL) != SQLITE_OK)
		return sdx__db_error(l, "reading meta");
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		const char *value = (const char *)sqlite3_column_text(st, 1);
		int ok = name && value &&
			 ((strcmp(name, "format") == 0 && strcmp(value, "sdx-ledger/1") == 0) ||
			  (strcmp(name, "origin") == 0 && strcmp(value, l->origin) == 0));
		if (!ok)
			err = sdx_error_set(SDX_EVERIFY, "'%s': meta '%.40s' was changed or added",
					    l->path, name ? name : "");
		n++;
	}
	sqlite3_finalize(st);
	if (!err && n != 2)
		err = sdx_error_set(SDX_EVERIFY, "'%s': meta rows were removed", l->path);
	return err;
}

static int check_triggers(sdx_ledger *l)
{
	/* trigger prefix, table: every append-only table of every format version */
	static const char *const tables[][2] = {
		{ "meta", "meta" }, { "entries", "entries" }, { "nodes", "nodes" },
		{ "checkpoints", "checkpoints" }, { "keys", "keys" },
		{ "attachments", "attachments" }, { "chunks", "attachment_chunks" },
		{ "fcp", "foreign_checkpoints" }, { "fentries", "foreign_entries" },
		{ "imports", "imports" }, { "revoked", "revoked_keys" },
		{ "fkeys", "foreign_keys" }, { "fcons", "foreign_consistency" }, { NULL, NULL }
	};
	sqlite3_stmt *st = NULL, *tb = NULL;
	char name[64];
	int i, k, err = 0;

	if (sqlite3_prepare_v2(l->db, "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND "
			       "name = ?", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(l->db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
			       "name = ?", -1, &tb, NULL) != SQLITE_OK) {
		err = sdx__db_error(l, "reading schema");
		goto done;
	}
	for (i = 0; tables[i][0] && !err; i++) {
		/* tables of a newer format than this file's are simply absent */
		sqlite3_reset(tb);
		sqlite3_bind_text(tb, 1, tables[i][1], -1, SQLITE_STATIC);
		if (sqlite3_step(tb) != SQLITE_ROW)
			continue;
		for (k = 0; k < 2 && !err; k++) {
			snprintf(name, sizeof(name), "%s_no_%s", tables[i][0], k ? "delete" : "update");
			sqlite3_reset(st);
			sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
			if (sqlite3_step(st) != SQLITE_ROW)
				err = sdx_error_set(SDX_EVERIFY, "'%s': append-only trigger '%s' was "
						    "removed", l->path, name);
		}
	}
done:
	sqlite3_finalize(st);
	sqlite3_finalize(tb);
	return err;
}

static int check_attachments(sdx_ledger *l, sdx_verify_report *rep)
{
	sqlite3_stmt *at = NULL, *ch = NULL;
	sdx__sha256_ctx h = { 0 };
	unsigned char hash[32];
	char hex[65];
	int rc, err = 0;

	if (sqlite3_prepare_v2(l->db, "SELECT hash, size FROM attachments ORDER BY hash", -1, &at,
			       NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(l->db, "SELECT n, data FROM attachment_chunks WHERE hash = ? "
			       "ORDER BY n", -1, &ch, NULL) != SQLITE_OK) {
		err = sdx__db_error(l, "reading attachments");
		goto done;
	}
	while ((rc = sqlite3_step(at)) == SQLITE_ROW) {
		uint64_t size = 0, want = (uint64_t)sqlite3_column_int64(at, 1);
		sqlite3_int64 n = 0;
		int key_ok = sqlite3_column_bytes(at, 0) == 32;

		memset(hex, 0, sizeof(hex));
		if (key_ok)
			sdx__hex(hex, sqlite3_column_blob(at, 0), 32);
		sdx__sha256_init(&h);
		sqlite3_reset(ch);
		sqlite3_bind_blob(ch, 1, sqlite3_column_blob(at, 0), sqlite3_column_bytes(at, 0),
				  SQLITE_TRANSIENT);
		while ((rc = sqlite3_step(ch)) == SQLITE_ROW) {
			if (sqlite3_column_int64(ch, 0) != n++) {
				err = sdx_error_set(SDX_EVERIFY, "'%s': attachment %s: a chunk is "
						    "missing", l->path, hex);
				goto done;
			}
			sdx__sha256_update(&h, sqlite3_column_blob(ch, 1),
						  (unsigned long long)sqlite3_column_bytes(ch, 1));
			size += (uint64_t)sqlite3_column_bytes(ch, 1);
		}
		if (rc != SQLITE_DONE) {
			err = sdx__db_error(l, "reading attachments");
			goto done;
		}
		sdx__sha256_final(&h, hash);
		if (!key_ok || size != want || memcmp(hash, sqlite3_column_blob(at, 0), 32) != 0) {
			err = sdx_error_set(SDX_EVERIFY, "'%s': attachment %s: content does not match "
					    "its hash", l->path, hex);
			goto done;
		}
		rep->attachments++;
		rep->attachment_bytes += size;
	}
	if (rc != SQLITE_DONE) {
		err = sdx__db_error(l, "reading attachments");
		goto done;
	}
	sqlite3_finalize(at);
	at = NULL;
	if (sqlite3_prepare_v2(l->db, "SELECT count(*) FROM attachment_chunks WHERE hash NOT IN "
			       "(SELECT hash FROM attachments)", -1, &at, NULL) != SQLITE_OK ||
	    sqlite3_step(at) != SQLITE_ROW) {
		err = sdx__db_error(l, "reading attachments");
		goto done;
	}
	if (sqlite3_column_int64(at, 0) != 0)
		err = sdx_error_set(SDX_EVERIFY, "'%s': attachment chunks belong to no attachment",
				    l->path);
done:
	sdx__sha256_clear(&h);
	sqlite3_finalize(at);
	sqlite3_finalize(ch);
	return err;
}


/* ---- imported data ----------------------------------------------------------------- */

#define MAX_FOREIGN_KEYS 1024

struct fkeys {
	sdx_verifier *v[MAX_FOREIGN_KEYS];
	size_t n;
};

static void fkeys_free(struct fkeys *k)
{
	for (size_t i = 0; i < k->n; i++)
		sdx_verifier_free(k->v[i]);
	k->n = 0;
}

/* The held keys of `origin` into out[] (borrowed); their number. */
static size_t keys_of(const struct fkeys *k, const char *origin, sdx_verifier **out, size_t cap)
{
	size_t i, n = 0;

	for (i = 0; i < k->n && n < cap; i++)
		if (strcmp(sdx_verifier_name(k->v[i]), origin) == 0)
			out[n++] = k->v[i];
	return n;
}

static int load_fkeys(sdx_ledger *l, struct fkeys *k)
{
	sqlite3_stmt *st = NULL;
	int rc, err = 0;

	if (sqlite3_prepare_v2(l->db, "SELECT origin, pubkey FROM foreign_keys", -1, &st,
			       NULL) != SQLITE_OK)
		return sdx__db_error(l, "reading imported keys");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && k->n < MAX_FOREIGN_KEYS) {
		if (sqlite3_column_bytes(st, 1) != 32) {
			err = sdx_error_set(SDX_EVERIFY, "'%s': a damaged imported key", l->path);
			break;
		}
		if ((err = sdx_verifier_new(&k->v[k->n], (const char *)sqlite3_column_text(st, 0),
					    sqlite3_column_blob(st, 1))) < 0)
			break;
		k->n++;
	}
	sqlite3_finalize(st);
	return err;
}

/* Every held checkpoint: its columns are what its note says, signed by a held key. */
static int check_foreign_checkpoints(sdx_ledger *l, const struct fkeys *k, sdx_verify_report *rep)
{
	sdx_verifier *vs[16];
	sdx_checkpoint cp;
	sqlite3_stmt *st = NULL;
	int rc, err = 0;

	if (sqlite3_prepare_v2(l->db, "SELECT origin, size, root, note FROM foreign_checkpoints",
			       -1, &st, NULL) != SQLITE_OK)
		return sdx__db_error(l, "reading imported checkpoints");
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *origin = (const char *)sqlite3_column_text(st, 0);
		const char *note = (const char *)sqlite3_column_blob(st, 3);
		size_t len = (size_t)sqlite3_column_bytes(st, 3), nk = keys_of(k, origin, vs, 16);
		uint64_t size = (uint64_t)sqlite3_column_int64(st, 1);

		if (!note || sdx_checkpoint_parse(&cp, note, len) < 0 || strcmp(cp.origin, origin) != 0 ||
		    cp.size != size || sqlite3_column_bytes(st, 2) != 32 ||
		    memcmp(cp.root, sqlite3_column_blob(st, 2), 32) != 0)
			err = sdx_error_set(SDX_EVERIFY, "'%s': imported checkpoint of %s at size %"
					    PRIu64 " was changed", l->path, origin, size);
		else if (nk && sdx_note_verify(note, len, vs, nk, NULL, NULL) != 0)
			err = sdx_error_set(SDX_EVERIFY, "'%s': imported checkpoint of %s at size %"
					    PRIu64 ": signature does not verify", l->path, origin, size);
		rep->imported_checkpoints++;
	}
	sqlite3_finalize(st);
	return err;
}

/* The root of the held checkpoint of origin at size. */
static int foreign_root(sdx_ledger *l, sqlite3_stmt **st, const char *origin, uint64_t size,
			unsigned char root[32])
{
	int rc;

	if (!*st && sqlite3_prepare_v2(l->db, "SELECT root FROM foreign_checkpoints WHERE origin = ? "
				       "AND size = ?", -1, st, NULL) != SQLITE_OK)
		return sdx__db_error(l, "reading imported checkpoints");
	sqlite3_reset(*st);
	sqlite3_bind_text(*st, 1, origin, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(*st, 2, (sqlite3_int64)size);
	rc = sqlite3_step(*st);
	if (rc != SQLITE_ROW || sqlite3_column_bytes(*st, 0) != 32)
		return sdx_error_set(SDX_EVERIFY, "'%s': no imported checkpoint of %s at size %" PRIu64
				     " for the entries proved against it", l->path, origin, size);
	memcpy(root, sqlite3_column_blob(*st, 0), 32);
	return 0;
}

/* One imported entry: hash, proof, signature (when its key is held), payload. */
static int check_foreign_entry(sdx_ledger *l, const struct fkeys *k, sqlite3_stmt *row,
			       sqlite3_stmt **roots, sdx_verify_report *rep)
{
	const char *origin = (const char *)sqlite3_column_text(row, 0);
	uint64_t idx = (uint64_t)sqlite3_column_int64(row, 1);
	const unsigned char *data = sqlite3_column_blob(row, 5);
	size_t len = (size_t)sqlite3_column_bytes(row, 5), nk, i;
	uint64_t tsize = (uint64_t)sqlite3_column_int64(row, 6);
	unsigned char leaf[32], root[32];
	sdx_dsse_envelope *env = NULL;
	sdx_verifier *vs[16];
	json_t *p = NULL;
	char what[SDX_NAME_MAX + 64], keyid[SDX_NAME_MAX + 16];
	int err = 0, ok = 0;

	snprintf(what, sizeof(what), "imported entry %s/%" PRIu64, origin ? origin : "?", idx);
	if (!origin || !data)
		return sdx_error_set(SDX_EVERIFY, "'%s': %s: damaged", l->path, what);
	sdx_merkle_leaf_hash(leaf, data, len);
	if (sqlite3_column_bytes(row, 2) != 32 || memcmp(leaf, sqlite3_column_blob(row, 2), 32) != 0)
		return sdx_error_set(SDX_EVERIFY, "'%s': %s: its bytes do not match its leaf hash",
				     l->path, what);
	if ((err = foreign_root(l, roots, origin, tsize, root)) < 0)
		return err;
	if (sqlite3_column_bytes(row, 7) % 32 != 0 ||
	    sdx_merkle_verify_inclusion(leaf, idx, tsize, root,
					(const unsigned char (*)[32])sqlite3_column_blob(row, 7),
					(size_t)sqlite3_column_bytes(row, 7) / 32) < 0)
		return sdx_error_set(SDX_EVERIFY, "'%s': %s: its inclusion proof does not lead to "
				     "the checkpoint", l->path, what);
	if (sdx_dsse_parse(&env, data, len) < 0)
		return sdx_error_set(SDX_EVERIFY, "'%s': %s: not an envelope", l->path, what);
	nk = keys_of(k, origin, vs, 16);
	for (i = 0; i < nk && !ok; i++) {
		snprintf(keyid, sizeof(keyid), "%s+%08" PRIx32, origin, sdx_verifier_keyid(vs[i]));
		ok = strcmp(keyid, env->keyid) == 0 && sdx_dsse_verify(env, vs[i]) == 0;
	}
	if (nk && !ok) {
		err = sdx_error_set(SDX_EVERIFY, "'%s': %s: signature does not verify", l->path, what);
		goto done;
	}
	if (!nk)
		rep->imported_unsigned++;
	if (!sdx__payload_version(env->payload_type) ||
	    sdx__json_parse(&p, (const char *)env->payload, env->payload_len, 64, what) < 0 ||
	    !json_is_string(json_object_get(p, "origin")) ||
	    strcmp(json_string_value(json_object_get(p, "origin")), origin) != 0 ||
	    !json_is_integer(json_object_get(p, "seq")) ||
	    (uint64_t)json_integer_value(json_object_get(p, "seq")) != idx ||
	    !json_is_string(json_object_get(p, "type")) ||
	    strcmp(json_string_value(json_object_get(p, "type")),
		   (const char *)sqlite3_column_text(row, 3)) != 0 ||
	    !json_is_string(json_object_get(p, "time")) ||
	    strcmp(json_string_value(json_object_get(p, "time")),
		   (const char *)sqlite3_column_text(row, 4)) != 0)
		err = sdx_error_set(SDX_EVERIFY, "'%s': %s: its payload does not match what is "
				    "stored about it", l->path, what);
done:
	json_decref(p);
	sdx_dsse_envelope_free(env);
	rep->imported_entries++;
	return err;
}

static int check_foreign(sdx_ledger *l, sdx_verify_report *rep)
{
	struct fkeys k = { { NULL }, 0 };
	sqlite3_stmt *st = NULL, *roots = NULL;
	int rc, err;

	if (l->format < 3)
		return 0; /* an older file, read as it is: nothing was imported */
	if (l->format >= 5 && (err = load_fkeys(l, &k)) < 0)
		goto done;
	if ((err = check_foreign_checkpoints(l, &k, rep)) < 0)
		goto done;
	if (sqlite3_prepare_v2(l->db, "SELECT origin, idx, leaf, type, time, data, proof_size, proof "
			       "FROM foreign_entries ORDER BY origin, idx", -1, &st, NULL) != SQLITE_OK) {
		err = sdx__db_error(l, "reading imported entries");
		goto done;
	}
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW)
		err = check_foreign_entry(l, &k, st, &roots, rep);
	sqlite3_finalize(st);
	st = NULL;
	/* the consistency proofs kept to be forwarded hold between the held roots */
	if (err || l->format < 6)
		goto done;
	if (sqlite3_prepare_v2(l->db, "SELECT origin, old_size, size, proof FROM "
			       "foreign_consistency", -1, &st, NULL) != SQLITE_OK) {
		err = sdx__db_error(l, "reading consistency proofs");
		goto done;
	}
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *origin = (const char *)sqlite3_column_text(st, 0);
		uint64_t old = (uint64_t)sqlite3_column_int64(st, 1);
		uint64_t size = (uint64_t)sqlite3_column_int64(st, 2);
		unsigned char r1[32], r2[32];
		int n = sqlite3_column_bytes(st, 3);

		if ((err = foreign_root(l, &roots, origin, old, r1)) < 0 ||
		    (err = foreign_root(l, &roots, origin, size, r2)) < 0)
			break;
		if (n % 32 != 0 || sdx_merkle_verify_consistency(old, size, r1, r2,
				(const unsigned char (*)[32])sqlite3_column_blob(st, 3),
				(size_t)n / 32) < 0)
			err = sdx_error_set(SDX_EVERIFY, "'%s': kept consistency proof of %s from size %"
					    PRIu64 " to %" PRIu64 " does not hold", l->path, origin,
					    old, size);
	}
done:
	sqlite3_finalize(st);
	sqlite3_finalize(roots);
	fkeys_free(&k);
	return err;
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

int sdx_ledger_verify(sdx_ledger *l, const sdx_verify_options *opts, sdx_verify_report *out)
{
	sdx_verify_options def = SDX_VERIFY_OPTIONS_INIT;
	sdx_verify_report rep;
	struct audit a;
	struct cp_walk cw = { 0 };
	struct node_check nc = { l, 0 };
	sdx_merkle_builder tree;
	sqlite3_stmt *st = NULL;
	unsigned char prev[32], root[32];
	uint64_t expect = 0;
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
	a.l = l;
	a.bodies = opts->version >= 2 && (opts->flags & SDX_VERIFY_BODIES);
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
	if ((err = check_triggers(l)) < 0 || (err = check_meta(l)) < 0 ||
	    (err = sdx_ledger_foreach_key(l, add_key, &a)) < 0)
		goto done;
	if (a.nkeys == 0) {
		err = sdx_error_set(SDX_EVERIFY, "'%s': the ledger has no key", l->path);
		goto done;
	}
	if (sqlite3_prepare_v2(l->db, "SELECT size, root, note FROM checkpoints ORDER BY size",
			       -1, &cw.st, NULL) != SQLITE_OK) {
		err = sdx__db_error(l, "reading checkpoints");
		goto done;
	}
	if ((err = cp_next(l, &cw)) < 0)
		goto done;
	if (sqlite3_prepare_v2(l->db, "SELECT idx, leaf, type, time, data FROM entries ORDER BY idx",
			       -1, &st, NULL) != SQLITE_OK) {
		err = sdx__db_error(l, "reading entries");
		goto done;
	}
	sdx_merkle_builder_init(&tree);
	memset(prev, 0, 32);
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
			if (!j->bad && j->seq != j->idx)
				snprintf(j->why, sizeof(j->why), "payload says seq %" PRIu64
					 " (entries were reordered)", j->seq), j->bad = 1;
			if (!j->bad && memcmp(j->prev, prev, 32) != 0)
				snprintf(j->why, sizeof(j->why), "chain link does not match the leaf "
					 "hash of entry %" PRIu64, j->idx ? j->idx - 1 : 0), j->bad = 1;
			if (!j->bad && memcmp(j->leaf, j->stored_leaf, 32) != 0)
				snprintf(j->why, sizeof(j->why), "stored leaf hash is wrong"), j->bad = 1;
			if (!j->bad && (err = attachment_held(l, &held, j)) < 0)
				goto done;
			if (j->bad) {
				rep.first_bad = (int64_t)j->idx;
				err = sdx_error_set(SDX_EVERIFY, "'%s': entry %" PRIu64 ": %s", l->path,
						    j->idx, j->why);
				goto done;
			}
			memcpy(prev, j->leaf, 32);
			if ((err = sdx_merkle_builder_append(&tree, j->leaf, compare_node, &nc)) < 0) {
				rep.first_bad = (int64_t)j->idx;
				goto done;
			}
			expect++;
			while (cw.has && cw.size <= expect) {
				if (cw.size < expect) {
					err = sdx_error_set(SDX_EVERIFY, "'%s': checkpoint %" PRIu64
							    " does not match the entries", l->path, cw.size);
					goto done;
				}
				sdx_merkle_builder_root(&tree, root);
				if ((err = cp_check(l, &a, &cw, root)) < 0 || (err = cp_next(l, &cw)) < 0)
					goto done;
			}
		}
		batch_clear(b);
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
	for (size_t k = 1; k < a.nkeys; k++)
		if (!a.keys[k].introduced || a.keys[k].since > expect) {
			err = sdx_error_set(SDX_EVERIFY, "'%s': key %s signs from entry %" PRIu64
					    " but no rotation entry before it names it", l->path,
					    a.keys[k].keyid, a.keys[k].since);
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
	if ((err = check_attachments(l, &rep)) < 0)
		goto done;
	err = check_foreign(l, &rep);
done:
	sdx__pool_free(pool);
	for (i = 0; i < 2; i++) {
		batch_clear(&bb[i]);
		free(bb[i].jobs);
	}
	for (size_t k = 0; k < a.nkeys; k++)
		sdx_verifier_free(a.keys[k].v);
	sqlite3_finalize(st);
	sqlite3_finalize(cw.st);
	if (in_read)
		sqlite3_exec(l->db, "COMMIT", NULL, NULL, NULL);
	if (out)
		*out = rep;
	return err;
}
