/*
 * formats/bundle_export.c - write a bundle (formats/bundle.md).
 *
 * Members, in the byte order the archive requires:
 *   MANIFEST.dsse                 signed manifest: every other member's name, SHA-256, size
 *   attachments/<sha256 hex>      evidence files the entries cite
 *   ledgers/<k>/checkpoint        the source ledger's signed checkpoint
 *   ledgers/<k>/consistency.json  consistency proofs from its earlier checkpoints
 *   ledgers/<k>/entries           the entries, each with its inclusion proof
 * The manifest comes first but lists the others' hashes, so the entries
 * stream is generated twice: once to hash it, once to write it.  Nothing is
 * held in memory but the list of selected indexes.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "formats/archive.h"
#include "formats/bundle_internal.h"
#include "ledger/internal.h"
#include "sdx/bundle.h"
#include "sdx/dsse.h"
#include "sdx/merkle.h"
#include "sdx/record.h"

struct selection {
	uint64_t *idx;
	size_t n, cap;
	unsigned char (*atts)[32];
	size_t natts, attcap;
	const sdx_export_options *opts;
};

static int push_index(struct selection *s, uint64_t i)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 1024;
		uint64_t *p = realloc(s->idx, cap * sizeof(*p));
		if (!p)
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		s->idx = p;
		s->cap = cap;
	}
	s->idx[s->n++] = i;
	return 0;
}

static int push_attachment(struct selection *s, const unsigned char h[32])
{
	size_t i;

	for (i = 0; i < s->natts; i++)
		if (memcmp(s->atts[i], h, 32) == 0)
			return 0;
	if (s->natts == s->attcap) {
		size_t cap = s->attcap ? 2 * s->attcap : 64;
		unsigned char (*p)[32] = realloc(s->atts, cap * 32);
		if (!p)
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		s->atts = p;
		s->attcap = cap;
	}
	memcpy(s->atts[s->natts++], h, 32);
	return 0;
}

/* The record body of an entry as canonical text, and whether it covers `lot`. */
static int entry_body(const sdx_entry *e, char **body, size_t *blen, int *has_lot, const char *lot)
{
	char *payload = NULL;
	json_t *p = NULL, *lots, *v;
	size_t plen, i;
	int err;

	*body = NULL;
	if ((err = sdx_entry_payload(e, &payload, &plen)) < 0)
		return err;
	if ((err = sdx__json_parse(&p, payload, plen, 64, "entry payload")) < 0)
		goto done;
	if ((err = sdx__json_dump(body, blen, json_object_get(p, "body"))) < 0)
		goto done;
	if (has_lot) {
		*has_lot = 0;
		lots = json_object_get(json_object_get(json_object_get(p, "body"), "material"), "lots");
		json_array_foreach(lots, i, v) {
			const char *ln = json_string_value(json_object_get(v, "lot_number"));
			if (ln && lot && strcmp(ln, lot) == 0)
				*has_lot = 1;
		}
	}
done:
	json_decref(p);
	free(payload);
	return err;
}

static int select_one(void *ctx, const sdx_entry *e)
{
	struct selection *s = ctx;
	const sdx_export_options *o = s->opts;
	int want = o->all, has_lot = 0, err;
	unsigned char (*h)[32] = NULL;
	char *body = NULL;
	size_t blen, n = 0, i;

	for (i = 0; !want && i < o->n_indexes; i++)
		want = o->indexes[i] == e->index;
	if (!want && o->since && strcmp(e->time, o->since) >= 0)
		want = 1;
	if ((err = entry_body(e, &body, &blen, o->lot ? &has_lot : NULL, o->lot)) < 0)
		return err;
	if (!want && o->lot && has_lot && strcmp(e->type, "declaration") == 0)
		want = 1;
	if (want) {
		if ((err = push_index(s, e->index)) < 0)
			goto done;
		/* the evidence the entry cites travels with it */
		if (sdx_record_type_known(e->type) &&
		    (err = sdx_record_attachments(&h, &n, e->type, body, blen)) == 0)
			for (i = 0; i < n && !err; i++)
				err = push_attachment(s, h[i]);
		if (err == SDX_ESCHEMA || err == SDX_EFORMAT)
			err = 0; /* an old record the current schema refuses still travels */
	}
done:
	free(h);
	free(body);
	return err;
}

/* --- the entries stream: index, entry and proof per record ----------------- */

struct entry_stream {
	sdx_ledger *l;
	const uint64_t *idx;
	size_t n, next;
	uint64_t tree_size;
	unsigned char rec[SDX_BUNDLE_RECORD_MAX];
	size_t len, off;
};

/* Build the record of the next entry into s->rec. */
static int next_record(struct entry_stream *s)
{
	unsigned char proof[SDX_MERKLE_MAX_PROOF][32];
	sdx_entry *e = NULL;
	size_t plen, i, n = 0;
	uint64_t index = s->idx[s->next];
	int err;

	if ((err = sdx_ledger_entry(s->l, index, &e)) < 0)
		return err;
	if ((err = sdx_ledger_prove_inclusion(s->l, index, s->tree_size, proof, &plen)) < 0)
		goto done;
	for (i = 0; i < 8; i++)
		s->rec[n++] = (unsigned char)(index >> (56 - 8 * i));
	s->rec[n++] = (unsigned char)(e->len >> 8);
	s->rec[n++] = (unsigned char)e->len;
	memcpy(s->rec + n, e->data, e->len);
	n += e->len;
	s->rec[n++] = (unsigned char)plen;
	for (i = 0; i < plen; i++, n += 32)
		memcpy(s->rec + n, proof[i], 32);
	s->len = n;
	s->off = 0;
	s->next++;
done:
	sdx_entry_free(e);
	return err;
}

static int stream_read(void *ctx, void *buf, size_t cap, size_t *got)
{
	struct entry_stream *s = ctx;
	size_t k;
	int err;

	*got = 0;
	if (s->off == s->len) {
		if (s->next == s->n)
			return 0;
		if ((err = next_record(s)) < 0)
			return err;
	}
	k = s->len - s->off < cap ? s->len - s->off : cap;
	memcpy(buf, s->rec + s->off, k);
	s->off += k;
	*got = k;
	return 0;
}

static int stream_hash(struct entry_stream *s, unsigned char out[32], uint64_t *size)
{
	crypto_hash_sha256_state h;
	unsigned char buf[65536];
	size_t got;
	int err;

	crypto_hash_sha256_init(&h);
	*size = 0;
	for (;;) {
		if ((err = stream_read(s, buf, sizeof(buf), &got)) < 0)
			return err;
		if (got == 0)
			break;
		crypto_hash_sha256_update(&h, buf, got);
		*size += got;
	}
	crypto_hash_sha256_final(&h, out);
	s->next = 0;
	s->len = s->off = 0;
	return 0;
}

/* --- consistency proofs from earlier checkpoints ---------------------------- */

struct consistency {
	sdx_ledger *l;
	uint64_t size;
	json_t *list;
	int err;
};

static int add_consistency(void *ctx, uint64_t size, const unsigned char root[32],
			   const char *note, size_t len)
{
	unsigned char proof[SDX_MERKLE_MAX_PROOF][32];
	struct consistency *c = ctx;
	char b64[48];
	json_t *p;
	size_t n, i;
	int err;

	if (size >= c->size)
		return 0;
	if (json_array_size(c->list) >= SDX_BUNDLE_MAX_CONSISTENCY)
		return 1; /* enough: the most recent ones */
	if ((err = sdx_ledger_prove_consistency(c->l, size, c->size, proof, &n)) < 0)
		return c->err = err;
	p = json_array();
	for (i = 0; i < n; i++) {
		sodium_bin2base64(b64, sizeof(b64), proof[i], 32, sodium_base64_VARIANT_ORIGINAL);
		json_array_append_new(p, json_string(b64));
	}
	sodium_bin2base64(b64, sizeof(b64), root, 32, sodium_base64_VARIANT_ORIGINAL);
	json_array_append_new(c->list, json_pack("{s:I, s:s, s:s%, s:o}", "old_size",
						 (json_int_t)size, "old_root", b64,
						 "checkpoint", note, len, "proof", p));
	return 0;
}

/* --- attachments ------------------------------------------------------------- */

static int attachment_read(void *ctx, void *buf, size_t cap, size_t *got)
{
	return sdx_attachment_read(ctx, buf, cap, got);
}

static int cmp_hash(const void *a, const void *b)
{
	return memcmp(a, b, 32);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void member(json_t *list, const char *name, const unsigned char hash[32], uint64_t size)
{
	char hex[65];

	sdx__hex(hex, hash, 32);
	json_array_append_new(list, json_pack("{s:s, s:s, s:I}", "name", name, "sha256", hex,
					      "size", (json_int_t)size));
}

int sdx_bundle_export(sdx_ledger *l, const sdx_signer *key, const sdx_export_options *opts,
		      const char *path, sdx_bundle_stats *out)
{
	struct selection sel;
	struct entry_stream es;
	struct consistency cons;
	struct sdx_tar_writer *w = NULL;
	sdx_attachment_reader *ar = NULL;
	sdx_verifier *v = NULL;
	sdx_bundle_stats st;
	sdx_checkpoint cp;
	json_t *manifest = NULL, *members = NULL;
	char *note = NULL, *cons_text = NULL, *vkey = NULL, *mtext = NULL, *env = NULL;
	char name[128], hex[65], created[21], keyid[SDX_NAME_MAX + 16];
	unsigned char hash[32];
	size_t note_len = 0, cons_len = 0, mlen = 0, env_len = 0, i, j;
	uint64_t esize = 0, asize;
	int err, snap = 0;

	memset(&sel, 0, sizeof(sel));
	memset(&st, 0, sizeof(st));
	memset(&cons, 0, sizeof(cons));
	sel.opts = opts;
	if (!opts || (!opts->all && !opts->n_indexes && !opts->lot && !opts->since))
		return sdx_error_set(SDX_EINVAL, "nothing selected: name entries, a lot, a time or "
				     "all of them");
	if ((err = sdx_ledger_verifier(l, &v)) < 0)
		return err;
	if (memcmp(sdx_signer_public_key(key), sdx_verifier_public_key(v), 32) != 0) {
		err = sdx_error_set(SDX_EUNTRUSTED, "key '%s' is not this ledger's key",
				    sdx_signer_name(key));
		goto done;
	}
	/* one snapshot: entries, proofs and checkpoint must agree */
	if ((err = sdx_ledger_snapshot_begin(l)) < 0)
		goto done;
	snap = 1;
	if ((err = sdx_ledger_foreach(l, 0, UINT64_MAX, select_one, &sel)) < 0)
		goto done;
	for (i = 0; i < opts->n_indexes; i++) {
		for (j = 0; j < sel.n && sel.idx[j] != opts->indexes[i]; j++)
			;
		if (j == sel.n) {
			err = sdx_error_set(SDX_ENOTFOUND, "no entry %" PRIu64, opts->indexes[i]);
			goto done;
		}
	}
	if (sel.n == 0) {
		err = sdx_error_set(SDX_ENOTFOUND, "no entry matches the selection");
		goto done;
	}
	qsort(sel.idx, sel.n, sizeof(*sel.idx), cmp_u64);
	qsort(sel.atts, sel.natts, 32, cmp_hash);
	if ((err = sdx_ledger_get_checkpoint(l, 0, &note, &note_len, &cp)) < 0)
		goto done;
	if (cp.size <= sel.idx[sel.n - 1]) {
		err = sdx_error_set(SDX_ENOTFOUND, "entry %" PRIu64 " is not covered by a signed "
				    "checkpoint yet; run 'sdx checkpoint'", sel.idx[sel.n - 1]);
		goto done;
	}
	/* consistency proofs from earlier checkpoints to this one */
	cons.l = l;
	cons.size = cp.size;
	cons.list = json_array();
	err = sdx_ledger_foreach_checkpoint(l, add_consistency, &cons);
	if (cons.err < 0 || err < 0) {
		err = cons.err < 0 ? cons.err : err;
		goto done;
	}
	if ((err = sdx__json_dump(&cons_text, &cons_len, cons.list)) < 0)
		goto done;
	/* the entries stream, hashed once before it is written */
	memset(&es, 0, sizeof(es));
	es.l = l;
	es.idx = sel.idx;
	es.n = sel.n;
	es.tree_size = cp.size;
	if ((err = stream_hash(&es, hash, &esize)) < 0)
		goto done;
	/* the manifest */
	members = json_array();
	for (i = 0; i < sel.natts; i++) {
		if ((err = sdx_ledger_attachment_open(l, sel.atts[i], &ar, &asize)) < 0)
			goto done;
		sdx_attachment_reader_free(ar);
		ar = NULL;
		sdx__hex(hex, sel.atts[i], 32);
		snprintf(name, sizeof(name), "attachments/%s", hex);
		member(members, name, sel.atts[i], asize);
		st.attachment_bytes += asize;
	}
	crypto_hash_sha256(hash, (const unsigned char *)note, note_len);
	member(members, "ledgers/0/checkpoint", hash, note_len);
	crypto_hash_sha256(hash, (const unsigned char *)cons_text, cons_len);
	member(members, "ledgers/0/consistency.json", hash, cons_len);
	if ((err = stream_hash(&es, hash, &esize)) < 0)
		goto done;
	member(members, "ledgers/0/entries", hash, esize);
	if ((err = sdx_verifier_format(&vkey, v)) < 0)
		goto done;
	sdx__utc_now(created);
	manifest = json_pack("{s:s, s:s, s:s, s:s, s:[{s:s, s:[s], s:I, s:I}], s:O}",
			     "format", SDX_BUNDLE_FORMAT, "producer", sdx_ledger_origin(l),
			     "producer_key", vkey, "created", created,
			     "ledgers", "origin", sdx_ledger_origin(l), "keys", vkey,
			     "tree_size", (json_int_t)cp.size, "entries", (json_int_t)sel.n,
			     "members", members);
	if (!manifest) {
		err = sdx_error_set(SDX_ENOMEM, "cannot build the manifest");
		goto done;
	}
	if (opts->recipient)
		json_object_set_new(manifest, "recipient", json_string(opts->recipient));
	if ((err = sdx__json_dump(&mtext, &mlen, manifest)) < 0)
		goto done;
	snprintf(keyid, sizeof(keyid), "%s+%08" PRIx32, sdx_signer_name(key), sdx_signer_keyid(key));
	if ((err = sdx_dsse_sign(&env, &env_len, SDX_BUNDLE_PAYLOAD_TYPE, mtext, mlen, keyid,
				     key)) < 0)
		goto done;
	/* write, in name order */
	if ((err = sdx__tar_create(&w, path)) < 0)
		goto done;
	if ((err = sdx__tar_add(w, SDX_BUNDLE_MANIFEST, env, env_len)) < 0)
		goto done;
	for (i = 0; i < sel.natts; i++) {
		if ((err = sdx_ledger_attachment_open(l, sel.atts[i], &ar, &asize)) < 0)
			goto done;
		sdx__hex(hex, sel.atts[i], 32);
		snprintf(name, sizeof(name), "attachments/%s", hex);
		if ((err = sdx__tar_add_stream(w, name, asize, attachment_read, ar)) < 0)
			goto done;
		sdx_attachment_reader_free(ar);
		ar = NULL;
	}
	if ((err = sdx__tar_add(w, "ledgers/0/checkpoint", note, note_len)) < 0 ||
	    (err = sdx__tar_add(w, "ledgers/0/consistency.json", cons_text, cons_len)) < 0 ||
	    (err = sdx__tar_add_stream(w, "ledgers/0/entries", esize, stream_read, &es)) < 0)
		goto done;
	err = sdx__tar_close(w);
	w = NULL;
	st.entries = sel.n;
	st.attachments = sel.natts;
	st.tree_size = cp.size;
	st.consistency = json_array_size(cons.list);
done:
	if (snap)
		sdx_ledger_snapshot_end(l);
	sdx__tar_abort(w);
	sdx_attachment_reader_free(ar);
	sdx_verifier_free(v);
	json_decref(manifest);
	json_decref(members);
	json_decref(cons.list);
	free(sel.idx);
	free(sel.atts);
	free(note);
	free(cons_text);
	free(vkey);
	free(mtext);
	free(env);
	if (out)
		*out = st;
	return err;
}
