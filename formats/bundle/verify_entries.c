/*
 * formats/bundle/verify_entries.c - a bundle's ledgers/<k>/entries member:
 * every entry read (ledger/entry.h) and checked against its ledger's
 * checkpoint on a pool of workers, then followed in order (ledger/chain.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/bundle/verify.h"
#include "sdx/disclosure.h"
#include "sdx/dsse.h"
#include "sdx/merkle.h"
#include "formats/records/internal.h"

static int hash_in(const unsigned char (*list)[32], size_t n, const unsigned char h[32])
{
	size_t i;

	for (i = 0; i < n; i++)
		if (memcmp(list[i], h, 32) == 0)
			return 1;
	return 0;
}

/* Entries are read in batches; the independent checks of a batch run on
 * every core, then the chain links are checked in order. */
#define BATCH_RECORDS 1024
#define BATCH_BYTES (16u * 1024 * 1024)

struct rec {
	uint64_t index;
	unsigned char *data;
	size_t len;
	unsigned char proof[SDX_MERKLE_MAX_PROOF][32];
	size_t plen;
	struct sdx__chain_link link;
	int is_key;
	char type[SDX_TYPE_MAX + 1], time[21];
	int err;
	char msg[400];
	struct disc_item *disc;  /* its disclosures and withheld attachments, or NULL */
};

/*
 * The disclosures carried for the entry, against its body's digests: one
 * that matches none is a forgery, and the bundle is refused naming the entry
 * and the member.  *withheld gets the digests left without a disclosure.
 */
static int check_disclosures(struct bv *b, struct ledger_info *li, struct sdx__entry *e,
			     const struct disc_item *d, const char *what, size_t *withheld)
{
	sdx_disclosure_view view = { 0, 0 };
	char *body = NULL, *out = NULL, why[400];
	size_t len = 0;
	int err;

	if ((err = sdx__json_dump(&body, &len, sdx__entry_body(e))) < 0)
		return err;
	err = sdx_disclosure_reveal(&out, NULL, &view, body, len, (const char *const *)d->texts,
				    d->n);
	free(body);
	free(out);
	if (err < 0) {
		if (err == SDX_ENOMEM)
			return err;
		snprintf(why, sizeof(why), "%s", sdx_error_last());
		return sdx_error_set(SDX_EVERIFY, "'%s': member '%s': %s: %s", b->path, li->disc_name,
				     what, why);
	}
	*withheld = view.withheld;
	return 0;
}

/* With SDX_BUNDLE_VERIFY_BODIES the header's list (version 2, 3) must be
 * exactly what the body cites; version 1 lists them only in the body. */
static int body_atts(struct sdx__entry *e, int bodies)
{
	unsigned char (*cited)[32] = NULL;
	size_t nc = 0, i;
	char hex[65];
	int err;

	if (e->h.version == 1)
		return sdx__record_attachments_json(&e->h.atts, &e->h.natts, e->h.type,
						    sdx__entry_body(e));
	if (!bodies)
		return 0;
	if ((err = sdx__record_attachments_json(&cited, &nc, e->h.type, sdx__entry_body(e))) < 0)
		goto done;
	for (i = 0; i < nc && err == 0; i++)
		if (!hash_in((const unsigned char (*)[32])e->h.atts, e->h.natts, cited[i])) {
			sdx__hex(hex, cited[i], 32);
			err = sdx_error_set(SDX_EFORMAT, "the body cites attachment %s, which the "
					    "header does not list", hex);
		}
	for (i = 0; i < e->h.natts && err == 0; i++)
		if (!hash_in((const unsigned char (*)[32])cited, nc, e->h.atts[i])) {
			sdx__hex(hex, e->h.atts[i], 32);
			err = sdx_error_set(SDX_EFORMAT, "the header lists attachment %s, which the "
					    "body does not cite", hex);
		}
done:
	free(cited);
	return err;
}

/* 1 if r's inclusion proof leads from leaf to its ledger's checkpoint. */
static int included(const struct ledger_info *li, const struct rec *r,
		    const unsigned char leaf[32])
{
	return sdx_merkle_verify_inclusion(leaf, r->index, li->tree_size, li->root,
					   (const unsigned char (*)[32])r->proof, r->plen) == 0;
}

/*
 * One entry: signature, payload, genesis and rotations, inclusion proof,
 * cited evidence.  The payload is read by position where it is laid out as
 * sdx writes it; genesis, key and version 1 entries (whose bodies name what
 * is checked) and every entry with --bodies as JSON.
 *
 * Hash-bound unless SDX_BUNDLE_VERIFY_SIGNATURES: an entry that names the
 * key whose signature on the ledger's checkpoint verified is authenticated
 * by its inclusion proof to that signed root, checked first; its own
 * signature adds nothing and is not checked (formats/bundle.md "What verify
 * proves").  Entries naming another key (before a rotation) are checked by
 * their signatures.
 */
static int check_entry(struct bv *b, struct ledger_info *li, struct rec *r)
{
	struct sdx__entry_want want = { li->origin, NULL, NULL, 1, r->index };
	struct sdx__entry e;
	unsigned char leaf[32];
	char what[SDX_NAME_MAX + 40], why[400];
	size_t signer = 0, i, withheld = 0;
	int err, bound = 0;

	snprintf(what, sizeof(what), "%s entry %" PRIu64, li->origin, r->index);
	if (r->index >= li->tree_size)
		return sdx__bv_bad(b, SDX_EVERIFY, "%s: beyond the checkpoint%s", what, "");
	sdx_merkle_leaf_hash(leaf, r->data, r->len);
	if ((err = sdx__entry_open(&e, r->data, r->len)) == 0 && !b->signatures &&
	    strcmp(e.env->keyid, li->chain.k[li->cp_signer].keyid) == 0) {
		if (!included(li, r, leaf)) {
			err = sdx__bv_bad(b, SDX_EVERIFY, "%s: inclusion proof does not lead to the "
					  "checkpoint%s", what, "");
			goto done;
		}
		bound = 1;
		signer = li->cp_signer;
	}
	if (err < 0 ||
	    (!bound && (err = sdx__chain_signer(&li->chain, &e, r->index, &signer)) < 0) ||
	    (err = sdx__entry_read(&e, &want, b->bodies ? SDX__ENTRY_STRICT | SDX__ENTRY_KEYS
					      : e.h.version == 1 ? SDX__ENTRY_STRICT : 0)) < 0 ||
	    (!e.payload && sdx__chain_needs_body(r->index, e.h.type) &&
	     (err = sdx__entry_read(&e, &want, SDX__ENTRY_STRICT)) < 0) ||
	    (err = sdx__chain_entry(&li->chain, &e, r->index, signer, leaf, &r->link)) < 0) {
		if (err == SDX_EVERIFY)
			err = sdx__bv_bad(b, SDX_EVERIFY, "%s: %s", what,
					  sdx__entry_fault_message(why, sizeof(why), &e.fault,
								   SDX__WORDING_BUNDLE));
		goto done;
	}
	memcpy(r->type, e.h.type, sizeof(r->type));
	memcpy(r->time, e.h.time, sizeof(r->time));
	r->is_key = strcmp(e.h.type, "key") == 0;
	if (e.payload && body_atts(&e, b->bodies) < 0) {
		err = sdx__bv_bad(b, SDX_EVERIFY, "%s: %s", what, sdx_error_last());
		goto done;
	}
	if ((r->disc = sdx__bv_disc_item(li, r->index))) {
		/* read by position so far: its body is needed now */
		if (!e.payload && (err = sdx__entry_read(&e, &want, SDX__ENTRY_STRICT)) < 0) {
			if (err == SDX_EVERIFY)
				err = sdx__bv_bad(b, SDX_EVERIFY, "%s: %s", what,
						  sdx__entry_fault_message(why, sizeof(why), &e.fault,
									   SDX__WORDING_BUNDLE));
			goto done;
		}
		if ((err = check_disclosures(b, li, &e, r->disc, what, &withheld)) < 0)
			goto done;
		r->disc->seen = 1;
		for (i = 0; i < r->disc->nwithheld; i++) {
			char hex[65];

			sdx__hex(hex, r->disc->withheld[i], 32);
			if (!hash_in((const unsigned char (*)[32])e.h.atts, e.h.natts, r->disc->withheld[i])) {
				err = sdx_error_set(SDX_EVERIFY, "'%s': member '%s': %s: lists attachment "
						    "%s as withheld, which the entry does not cite",
						    b->path, li->disc_name, what, hex);
				goto done;
			}
			if (sdx__bv_has_attachment(b, r->disc->withheld[i])) {
				err = sdx_error_set(SDX_EVERIFY, "'%s': member '%s': %s: lists attachment "
						    "%s as withheld, which the bundle holds", b->path,
						    li->disc_name, what, hex);
				goto done;
			}
			if (!withheld) {
				/* withholding a file goes with withholding a field */
				err = sdx_error_set(SDX_EVERIFY, "'%s': member '%s': %s: lists attachment "
						    "%s as withheld, but every field of the entry "
						    "is disclosed", b->path, li->disc_name, what, hex);
				goto done;
			}
		}
	}
	if (!bound && !included(li, r, leaf)) {
		err = sdx__bv_bad(b, SDX_EVERIFY, "%s: inclusion proof does not lead to the "
				  "checkpoint%s", what, "");
		goto done;
	}
	for (i = 0; i < e.h.natts; i++) {
		int listed = r->disc && hash_in((const unsigned char (*)[32])r->disc->withheld,
						r->disc->nwithheld, e.h.atts[i]);
		char hex[65];

		sdx__hex(hex, e.h.atts[i], 32);
		/* listed as withheld: checked absent above */
		if (!listed && !sdx__bv_has_attachment(b, e.h.atts[i])) {
			err = sdx__bv_bad(b, SDX_EVERIFY, "%s: cites attachment %s, which the bundle "
					  "lacks", what, hex);
			goto done;
		}
	}
done:
	sdx__entry_close(&e);
	return err;
}

/* The checked disclosures of r to the report and the sink, in bundle order. */
static int pass_disclosures(struct bv *b, struct ledger_info *li, const struct rec *r)
{
	const sdx_bundle_sink *sk = b->o->version >= 3 ? b->o->sink : NULL;
	size_t k;
	int err;

	b->rep->disclosures += r->disc->n;
	for (k = 0; k < r->disc->nwithheld; k++)
		if ((err = sdx__report_withheld(b->rep, (size_t)(li - b->led), r->index,
						r->disc->withheld[k])) < 0)
			return err;
	for (k = 0; sk && sk->disclosure && k < r->disc->n; k++)
		if ((err = sk->disclosure(sk->ctx, li->origin, r->index, r->disc->texts[k])) != 0)
			return err;
	return 0;
}

/* A batch of records being checked by the pool. */
struct batch_job {
	struct bv *b;
	struct ledger_info *li;
	struct rec *recs;
};

static void check_rec(void *ctx, size_t i)
{
	struct batch_job *bj = ctx;
	struct rec *r = &bj->recs[i];

	r->err = check_entry(bj->b, bj->li, r);
	if (r->err < 0)
		snprintf(r->msg, sizeof(r->msg), "%s", sdx_error_last());
}

struct entries_reader {
	struct bv *b;
	struct mreader *mr;
	const char *name;
	uint64_t last, count, max;
	int any, eof;
};

/* Read up to a batch of records into recs; *n of them. */
static int read_batch(struct entries_reader *er, struct rec *recs, size_t *n)
{
	struct bv *b = er->b;
	unsigned char hdr[10], cnt;
	uint64_t index;
	size_t got, len, i, bytes = 0;
	int err;

	for (*n = 0; *n < BATCH_RECORDS && bytes < BATCH_BYTES && !er->eof; ) {
		struct rec *r = &recs[*n];

		if ((err = sdx__bv_read(er->mr, hdr, sizeof(hdr), &got)) < 0)
			return err;
		if (got == 0) {
			er->eof = 1;
			break;
		}
		if (got != sizeof(hdr))
			goto truncated;
		for (index = 0, i = 0; i < 8; i++)
			index = index << 8 | hdr[i];
		len = (size_t)hdr[8] << 8 | hdr[9];
		if (er->any && index <= er->last)
			return sdx__bv_bad(b, SDX_EFORMAT, "member '%.200s': entries out of order%s", er->name, "");
		if (er->count >= er->max)
			return sdx__bv_bad(b, SDX_ELIMIT, "member '%.200s': more entries than the limit "
				   "(raise it with --max-entries)%s", er->name, "");
		free(r->data);
		if (!(r->data = malloc(len ? len : 1)))
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		if ((err = sdx__bv_read(er->mr, r->data, len, &got)) < 0)
			return err;
		if (got != len)
			goto truncated;
		if ((err = sdx__bv_read(er->mr, &cnt, 1, &got)) < 0)
			return err;
		if (got != 1 || cnt > SDX_MERKLE_MAX_PROOF)
			goto truncated;
		if ((err = sdx__bv_read(er->mr, r->proof, 32 * (size_t)cnt, &got)) < 0)
			return err;
		if (got != 32 * (size_t)cnt)
			goto truncated;
		r->index = index;
		r->len = len;
		r->plen = cnt;
		r->err = 0;
		r->disc = NULL;
		er->last = index;
		er->any = 1;
		er->count++;
		bytes += len;
		(*n)++;
	}
	return 0;
truncated:
	return sdx__bv_bad(b, SDX_EFORMAT, "member '%.200s': truncated entry record%s", er->name, "");
}

/*
 * Entries are read in batches; while the workers check one batch (every
 * core), this thread reads the next; then the chain links of the checked
 * batch are followed in order and the sink is told.
 */
int sdx__bv_entries(struct bv *b, struct ledger_info *li, const char *name,
			struct mreader *mr, uint64_t size)
{
	struct entries_reader er;
	struct sdx__pool *pool = NULL;
	struct batch_job bj[2];
	struct rec *bufs[2] = { NULL, NULL }, *cur, *nxt, *t;
	struct sdx__entry_fault f;
	char why[400];
	size_t ncur = 0, nnext = 0, i;
	int err = 0, read_err;

	(void)size;
	if (!li->have_cp)
		return sdx__bv_bad(b, SDX_EFORMAT, "member '%.200s' before its checkpoint%s", name, "");
	memset(&er, 0, sizeof(er));
	er.b = b;
	er.mr = mr;
	er.name = name;
	er.max = b->o->max_entries ? b->o->max_entries : SDX_BUNDLE_DEFAULT_MAX_ENTRIES;
	if (!(bufs[0] = calloc(BATCH_RECORDS, sizeof(**bufs))) ||
	    !(bufs[1] = calloc(BATCH_RECORDS, sizeof(**bufs)))) {
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
		goto done;
	}
	if ((err = sdx__pool_new(&pool, b->o->threads)) < 0)
		goto done;
	bj[0] = (struct batch_job){ b, li, bufs[0] };
	bj[1] = (struct batch_job){ b, li, bufs[1] };
	cur = bufs[0];
	nxt = bufs[1];
	if ((err = read_batch(&er, cur, &ncur)) < 0)
		goto done;
	sdx__pool_submit(pool, check_rec, &bj[cur == bufs[1]], ncur);
	while (ncur > 0) {
		/* the next batch is read while the pool checks this one, and
		 * checked while this one goes to the sink (import's inserts) */
		read_err = read_batch(&er, nxt, &nnext);
		/* the reader's message is this thread's; keep it past the workers */
		char read_msg[400];
		snprintf(read_msg, sizeof(read_msg), "%s", read_err < 0 ? sdx_error_last() : "");
		sdx__pool_wait(pool);
		sdx__pool_submit(pool, check_rec, &bj[nxt == bufs[1]], read_err < 0 ? 0 : nnext);
		for (i = 0; i < ncur; i++) {
			struct rec *r = &cur[i];
			if (r->err < 0) {
				err = sdx_error_set(r->err, "%s", r->msg);
				goto done;
			}
			/* the chain can be checked wherever neighbours travel together */
			if ((err = sdx__chain_step(&li->chain, &r->link, &f)) < 0) {
				if (err == SDX_EVERIFY)
					err = sdx_error_set(SDX_EVERIFY, "'%s': %s entry %" PRIu64 ": %s",
							    b->path, li->origin, r->index,
							    sdx__entry_fault_message(why, sizeof(why), &f,
										     SDX__WORDING_BUNDLE));
				goto done;
			}
			/* what the ledger says counts only if a trusted key says it; a
			 * rotation only vouches for a key (sdx__chain_trusted()) */
			if (!r->is_key)
				li->signers |= 1u << r->link.signer;
			if (b->o->sink && b->o->sink->entry) {
				sdx_bundle_entry e = { li->origin, r->index, r->link.leaf, r->type,
						       r->time, r->data, r->len, li->tree_size,
						       (const unsigned char (*)[32])r->proof, r->plen };
				if ((err = b->o->sink->entry(b->o->sink->ctx, &e)) != 0)
					goto done;
			}
			if (r->disc && (err = pass_disclosures(b, li, r)) != 0)
				goto done;
		}
		if (read_err < 0) {
			err = sdx_error_set(read_err, "%s", read_msg);
			goto done;
		}
		b->progress += ncur;
		if (sdx__progress_on()) {
			uint64_t total = 0;
			for (i = 0; i < b->nled; i++)
				total += b->led[i].entries;
			sdx__progress(b->progress, total);
		}
		t = cur;
		cur = nxt;
		nxt = t;
		ncur = nnext;
	}
	for (i = 0; i < li->ndisc; i++)
		if (!li->disc[i].seen) {
			err = sdx_error_set(SDX_EVERIFY, "'%s': member '%s': entry %" PRIu64 " is not "
					    "in the bundle", b->path, li->disc_name, li->disc[i].index);
			goto done;
		}
	if (er.count != li->entries) {
		err = sdx__bv_bad(b, SDX_EVERIFY, "member '%.200s': entry count differs from the manifest%s",
			  name, "");
		goto done;
	}
	b->rep->ledgers[li - b->led].entries = er.count;
	b->rep->entries += er.count;
done:
	sdx__pool_free(pool);
	for (int k = 0; k < 2; k++) {
		for (i = 0; bufs[k] && i < BATCH_RECORDS; i++)
			free(bufs[k][i].data);
		free(bufs[k]);
	}
	return err;
}
