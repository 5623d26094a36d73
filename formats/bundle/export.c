/*
 * formats/bundle/export.c - write a bundle (formats/bundle.md).
 *
 * Members, in the byte order the archive requires:
 *   MANIFEST.dsse                 signed manifest: every other member's name, SHA-256, size
 *   attachments/<sha256 hex>      evidence files the entries cite
 *   ledgers/<k>/checkpoint        the source ledger's signed checkpoint
 *   ledgers/<k>/consistency.json  consistency proofs from its earlier checkpoints
 *   ledgers/<k>/disclosures.json  the disclosures that travel, and the attachments
 *                                 withheld with withheld fields (sdx-bundle/2)
 *   ledgers/<k>/entries           the entries, each with its inclusion proof
 * The manifest comes first but lists the others' hashes, so the entries
 * stream is generated twice: once to hash it, once to write it.  Nothing is
 * held in memory but the list of selected indexes.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "formats/bundle/archive.h"
#include "formats/bundle/export_stream.h"
#include "formats/bundle/internal.h"
#include "formats/records/internal.h"
#include "ledger/entry.h"
#include "ledger/internal.h"
#include "sdx/attachment.h"
#include "sdx/bundle.h"
#include "sdx/disclosure.h"
#include "sdx/imported.h"
#include "sdx/trust.h"
#include "sdx/witness.h"
#include "sdx/dsse.h"
#include "sdx/merkle.h"
#include "sdx/record.h"
#include "formats/trust/introduction.h"

struct selection {
	uint64_t *idx;
	size_t n, cap;
	unsigned char (*atts)[32];
	size_t natts, attcap;
	const sdx_export_options *opts;
	size_t nkeys;                 /* of idx, key rotations (they go with anything else) */
	unsigned char (*leaves)[32];  /* opts->leaves, sorted */
	unsigned char *leaf_found;    /* per sorted leaf: selected */
	sdx_ledger *l;
	const sdx_disclose_policy *policy; /* options version 3; NULL: every disclosure */
	json_t *disc;                 /* the own entries' items of disclosures.json */
	int own_disc;                 /* the ledger holds disclosures of own entries */
	uint64_t ndisc, nwithheld;    /* disclosures that travel, and that are withheld */
};

static int cmp_leaf(const void *a, const void *b)
{
	return memcmp(a, b, 32);
}

/* 1 if the leaf is among the requested ones (and mark it found). */
static int leaf_wanted(struct selection *s, const unsigned char leaf[32])
{
	unsigned char (*hit)[32];

	if (!s->leaves)
		return 0;
	hit = bsearch(leaf, s->leaves, s->opts->n_leaves, 32, cmp_leaf);
	if (!hit)
		return 0;
	s->leaf_found[hit - s->leaves] = 1;
	return 1;
}

/* Append to a growing array of indexes. */
static int push_u64(uint64_t **arr, size_t *n, size_t *cap, uint64_t v)
{
	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 256;
		uint64_t *p = realloc(*arr, c * sizeof(*p));
		if (!p)
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		*arr = p;
		*cap = c;
	}
	(*arr)[(*n)++] = v;
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

/* The attachments an entry's record cites, and whether it covers `lot`. */
static int entry_citations(const unsigned char *data, size_t len, const char *type,
			   unsigned char (**h)[32], size_t *n, int *has_lot, const char *lot)
{
	struct sdx__entry e;
	const json_t *body;
	json_t *v;
	char why[400];
	size_t i;
	int err;

	*h = NULL;
	*n = 0;
	/* the lot, and version 1's attachments, are in the body; later versions' in the header */
	if ((err = sdx__entry_open(&e, data, len)) == 0)
		err = sdx__entry_read(&e, NULL, has_lot || e.h.version == 1 ? SDX__ENTRY_STRICT : 0);
	if (err < 0) {
		if (err == SDX_EVERIFY)
			err = sdx_error_set(SDX_EFORMAT, "entry payload: %s",
					    sdx__entry_fault_message(why, sizeof(why), &e.fault,
								     SDX__WORDING_LEDGER));
		goto done;
	}
	body = sdx__entry_body(&e);
	if (has_lot) {
		*has_lot = 0;
		json_array_foreach(json_object_get(json_object_get(body, "material"), "lots"), i, v) {
			const char *ln = json_string_value(json_object_get(v, "lot_number"));
			if (ln && lot && strcmp(ln, lot) == 0)
				*has_lot = 1;
		}
	}
	if (e.h.version >= 2) {
		*h = e.h.atts;
		*n = e.h.natts;
		e.h.atts = NULL;
		e.h.natts = 0;
	} else {
		err = sdx__record_attachments_json(h, n, type, body);
	}
done:
	sdx__entry_close(&e);
	return err;
}

/* --- disclosures ------------------------------------------------------------ */

struct texts {
	char **v;
	size_t n;
};

static int take_text(void *ctx, uint64_t index, const char *digest, const char *text)
{
	struct texts *t = ctx;
	char **v;

	(void)index;
	(void)digest;
	if (t->n >= SDX_DISCLOSURE_COUNT_MAX)
		return sdx_error_set(SDX_ELIMIT, "more than %d disclosures of one entry",
				     SDX_DISCLOSURE_COUNT_MAX);
	if (!(v = realloc(t->v, (t->n + 1) * sizeof(*v))))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	t->v = v;
	if (!(v[t->n] = strdup(text)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	t->n++;
	return 0;
}

/* The signed body of an entry (its envelope bytes), canonical, into *out. */
static int envelope_body(char **out, size_t *len, const unsigned char *data, size_t dlen)
{
	json_t *payload = NULL, *body;
	int err;

	*out = NULL;
	if ((err = sdx__entry_payload_json(&payload, data, dlen, "entry")) < 0)
		return err;
	if (!json_is_object(body = json_object_get(payload, "body")))
		err = sdx_error_set(SDX_EFORMAT, "entry payload has no body");
	else
		err = sdx__json_dump(out, len, body);
	json_decref(payload);
	return err;
}

/*
 * One selected entry (origin NULL: own): which of the disclosures held for
 * it travel (the policy, by each field's pointer; one inside a withheld one
 * is withheld with it, since its digest is in that one's value), and whether
 * the files it cites do.  They are added to the selection, or noted in the
 * entry's item of disclosures.json as withheld (a lab report holds the
 * values too); the item goes into `items` when it says anything.
 */
static int plan_entry(struct selection *s, json_t *items, const char *origin, uint64_t index,
		      const char *type, const unsigned char *data, size_t len,
		      const unsigned char (*h)[32], size_t n)
{
	struct texts t = { NULL, 0 };
	sdx_disclosure_place *pl = NULL;
	sdx_disclosure_view view = { 0, 0 };
	json_t *item = NULL, *texts = NULL, *atts = NULL;
	unsigned char *go = NULL;
	char *body = NULL, hex[65];
	size_t blen = 0, i, missing = 0, held_withheld = 0;
	int err = 0, changed, send;
	int *has = NULL;

	if (!origin && !s->own_disc) {
		for (i = 0; i < n && !err; i++)
			err = push_attachment(s, h[i]);
		return err;
	}
	/* a forwarder may lack files its supplier withheld from it */
	if (origin && n && !(has = calloc(n, sizeof(*has))))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	for (i = 0; origin && i < n; i++) {
		if ((has[i] = sdx_ledger_has_attachment(s->l, h[i])) < 0) {
			err = has[i];
			goto done;
		}
		missing += !has[i];
	}
	err = origin ? sdx_ledger_foreach_foreign_disclosure(s->l, origin, index, take_text, &t)
		     : sdx_ledger_foreach_disclosure(s->l, index, take_text, &t);
	if (err < 0)
		goto done;
	if (t.n == 0 && !missing) {
		for (i = 0; i < n && !err; i++)
			err = push_attachment(s, h[i]);
		goto done;
	}
	if ((err = envelope_body(&body, &blen, data, len)) < 0 ||
	    (err = sdx_disclosure_locate(&pl, &view, body, blen, (const char *const *)t.v,
					 t.n)) < 0) {
		char what[SDX_NAME_MAX + 64];

		snprintf(what, sizeof(what), "%s%s%s%" PRIu64, origin ? "imported entry " : "entry ",
			 origin ? origin : "", origin ? "/" : "", index);
		err = sdx__error_prefix(err, what);
		goto done;
	}
	if (t.n && !(go = calloc(t.n, 1))) {
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < t.n; i++)
		go[i] = (unsigned char)sdx_disclose_policy_discloses(s->policy, type, pl[i].pointer);
	do {
		changed = 0;
		for (i = 0; i < t.n; i++)
			if (go[i] && pl[i].parent >= 0 && !go[pl[i].parent])
				go[i] = 0, changed = 1;
	} while (changed);
	texts = json_array();
	atts = json_array();
	for (i = 0; i < t.n; i++) {
		if (go[i])
			json_array_append_new(texts, json_string(t.v[i]));
		else
			held_withheld++;
	}
	s->ndisc += json_array_size(texts);
	s->nwithheld += held_withheld;
	/* the files go unless a held value is withheld here, or the policy sends them */
	send = held_withheld == 0 || sdx_disclose_policy_sends_attachments(s->policy, type);
	for (i = 0; i < n && !err; i++) {
		/* withheld only where a field stays withheld: the recipient checks that */
		if ((!send || (has && !has[i])) && (held_withheld || view.withheld)) {
			sdx__hex(hex, h[i], 32);
			json_array_append_new(atts, json_string(hex));
		} else {
			err = push_attachment(s, h[i]);
		}
	}
	if (err < 0 || (json_array_size(texts) == 0 && json_array_size(atts) == 0))
		goto done;
	item = json_pack("{s:I, s:O}", "index", (json_int_t)index, "disclosures", texts);
	if (!item) {
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
		goto done;
	}
	if (json_array_size(atts))
		json_object_set(item, "withheld_attachments", atts);
	json_array_append_new(items, item);
done:
	for (i = 0; i < t.n; i++)
		free(t.v[i]);
	free(t.v);
	sdx_disclosure_places_free(pl, t.n);
	json_decref(texts);
	json_decref(atts);
	free(go);
	free(has);
	free(body);
	return err;
}

static int cmp_hash(const void *a, const void *b);

/*
 * After the selection: an attachment some other entry sends is in the
 * bundle, so it is not withheld; an item left with nothing to say goes.
 * The member's text into *out (NULL: no member).
 */
static int finish_items(char **out, size_t *len, json_t *items, const struct selection *s,
			uint64_t *withheld)
{
	json_t *keep = json_array(), *item;
	unsigned char hash[32];
	size_t i, k;
	int err = 0;

	*out = NULL;
	*len = 0;
	json_array_foreach(items, i, item) {
		json_t *atts = json_object_get(item, "withheld_attachments"), *left = json_array(), *a;

		json_array_foreach(atts, k, a)
			if (sdx__hex32_parse(hash, json_string_value(a)) == 0 &&
			    !(s->natts && bsearch(hash, s->atts, s->natts, 32, cmp_hash)))
				json_array_append(left, a);
		*withheld += json_array_size(left);
		json_object_del(item, "withheld_attachments");
		if (json_array_size(left))
			json_object_set(item, "withheld_attachments", left);
		json_decref(left);
		if (json_array_size(json_object_get(item, "disclosures")) ||
		    json_object_get(item, "withheld_attachments"))
			json_array_append(keep, item);
	}
	if (json_array_size(keep))
		err = sdx__json_dump(out, len, keep);
	json_decref(keep);
	return err;
}

static int select_one(void *ctx, const sdx_entry *e)
{
	struct selection *s = ctx;
	const sdx_export_options *o = s->opts;
	int want = o->all, has_lot = 0, err;
	unsigned char (*h)[32] = NULL;
	size_t n = 0, i;

	for (i = 0; !want && i < o->n_indexes; i++)
		want = o->indexes[i] == e->index;
	if (!want && o->since && strcmp(e->time, o->since) >= 0)
		want = 1;
	if (leaf_wanted(s, e->leaf_hash))
		want = 1;
	/* key rotations always travel: they let a recipient follow the ledger's keys */
	if (!want && strcmp(e->type, "key") == 0) {
		s->nkeys++;
		return push_u64(&s->idx, &s->n, &s->cap, e->index);
	}
	if (!want && !o->lot)
		return 0;
	if ((err = entry_citations(e->data, e->len, e->type, &h, &n, o->lot ? &has_lot : NULL,
				   o->lot)) < 0)
		return err;
	if (!want && o->lot && has_lot && sdx__record_is_statement(e->type))
		want = 1;
	if (want) {
		/* the evidence the entry cites travels with it, unless its fields are withheld */
		if ((err = push_u64(&s->idx, &s->n, &s->cap, e->index)) == 0)
			err = plan_entry(s, s->disc, NULL, e->index, e->type, e->data, e->len,
					 (const unsigned char (*)[32])h, n);
	}
	(void)i;
	free(h);
	return err;
}

/* Every key the ledger has had: entries and checkpoints in a bundle may be signed by any. */
static int add_key_line(void *ctx, const sdx_verifier *v, uint64_t since)
{
	char *line = NULL;
	int err;

	(void)since;
	if ((err = sdx_verifier_format(&line, v)) < 0)
		return err;
	json_array_append_new(ctx, json_string(line));
	free(line);
	return 0;
}

/* --- consistency proofs from earlier checkpoints ---------------------------- */

struct consistency {
	sdx_ledger *l;
	const char *foreign;  /* an imported ledger's origin: forward the proofs kept */
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
	if (c->foreign) {
		err = sdx_ledger_foreign_consistency_get(proof, &n, c->l, c->foreign, size,
							 c->size);
		if (err == SDX_ENOTFOUND) {
			sdx_error_clear();
			return 0; /* no proof was brought from this one */
		}
		if (err < 0)
			return c->err = err;
	} else if ((err = sdx_ledger_prove_consistency(proof, &n, c->l, size, c->size)) < 0) {
		return c->err = err;
	}
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

/* One ledgers/<k>/ directory of the bundle. */
struct block {
	char origin[SDX_NAME_MAX + 1];
	int foreign;
	uint64_t *idx;
	size_t n, cap;
	uint64_t tree_size;
	char *note, *cons;
	size_t note_len, cons_len;
	json_t *keys;
	unsigned char ehash[32];
	uint64_t esize;
	json_t *disc;          /* the items of disclosures.json */
	char *disc_text;       /* ... as written; NULL: no such member */
	size_t disc_len;
};

struct blocks {
	struct block *b;
	size_t n;
	struct selection *sel;
	sdx_ledger *l;
	struct sdx__foreign_audit *audit; /* forward nothing the own verify would reject */
	int err;
};

static struct block *new_block(struct blocks *bs)
{
	struct block *p = realloc(bs->b, (bs->n + 1) * sizeof(*p));

	if (!p)
		return NULL;
	bs->b = p;
	memset(&p[bs->n], 0, sizeof(*p));
	return &p[bs->n++];
}

/* Group imported entries by (origin, proof size): one block each. */
static int collect_foreign(void *ctx, const sdx_foreign_entry *e)
{
	struct blocks *bs = ctx;
	struct block *b = bs->n ? &bs->b[bs->n - 1] : NULL;
	unsigned char (*h)[32] = NULL;
	size_t n = 0, i;
	int err;

	if (!leaf_wanted(bs->sel, e->leaf_hash) && !bs->sel->opts->imported)
		return 0;
	if (!b || !b->foreign || strcmp(b->origin, e->origin) != 0 || b->tree_size != e->tree_size) {
		if (!(b = new_block(bs)))
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		b->foreign = 1;
		snprintf(b->origin, sizeof(b->origin), "%s", e->origin);
		b->tree_size = e->tree_size;
	}
	if ((err = push_u64(&b->idx, &b->n, &b->cap, e->index)) < 0)
		return err;
	if ((err = sdx__foreign_audit_entry(bs->audit, e->origin, e->index, e->tree_size)) < 0)
		return sdx__error_prefix(err, "refusing to forward");
	/* the evidence imported with it travels on too, and of the disclosures
	 * received what the policy lets pass */
	if ((err = entry_citations(e->data, e->len, e->type, &h, &n, NULL, NULL)) < 0)
		return err;
	if (!b->disc && !(b->disc = json_array()))
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
	if (!err)
		err = plan_entry(bs->sel, b->disc, e->origin, e->index, e->type, e->data, e->len,
				 (const unsigned char (*)[32])h, n);
	(void)i;
	free(h);
	return err;
}

struct key_filter {
	const char *origin;
	json_t *keys;
};

static int trusted_of(void *ctx, const sdx_verifier *v, const char *label, const char *added)
{
	struct key_filter *f = ctx;
	char *vkey = NULL;

	(void)label;
	(void)added;
	if (strcmp(sdx_verifier_name(v), f->origin) != 0)
		return 0;
	if (sdx_verifier_format(&vkey, v) < 0)
		return -1;
	json_array_append_new(f->keys, json_string(vkey));
	free(vkey);
	return 0;
}

/* Checkpoint (audited), consistency proofs and keys of a block of imported entries. */
static int prepare_foreign(sdx_ledger *l, struct sdx__foreign_audit *audit, struct block *b)
{
	struct key_filter kf = { b->origin, json_array() };
	int err;

	b->keys = kf.keys;
	if ((err = sdx_ledger_foreach_trusted(l, trusted_of, &kf)) < 0)
		return err;
	if (json_array_size(b->keys) == 0)
		return sdx_error_set(SDX_EUNTRUSTED, "cannot forward entries of %s: none of its keys "
				     "is trusted any more", b->origin);
	if ((err = sdx__foreign_audit_checkpoint(audit, b->origin, b->tree_size)) < 0)
		return sdx__error_prefix(err, "refusing to forward");
	if ((err = sdx_ledger_foreign_checkpoint_note(&b->note, &b->note_len, l, b->origin,
						      b->tree_size)) < 0)
		return err;
	/* the proofs kept from older held checkpoints to this one travel on */
	{
		struct consistency cons = { l, b->origin, b->tree_size, json_array(), 0 };
		err = sdx_ledger_foreach_foreign_checkpoint(l, b->origin, add_consistency, &cons);
		if (cons.err < 0 || err < 0) {
			json_decref(cons.list);
			return cons.err < 0 ? cons.err : err;
		}
		err = sdx__json_dump(&b->cons, &b->cons_len, cons.list);
		json_decref(cons.list);
	}
	return err;
}

/* Point the entries stream at the start of a block. */
struct planned {
	char name[128];
	int kind; /* 0 attachment, 1 checkpoint, 2 consistency, 3 entries */
	size_t i;
};

static int cmp_planned(const void *a, const void *b)
{
	return strcmp(((const struct planned *)a)->name, ((const struct planned *)b)->name);
}

struct named {
	uint64_t *idx;
	size_t n, cap;
};

/* The key entry that signed a key in is the one before the first entry it signs. */
static int key_rotation(void *ctx, const sdx_verifier *v, uint64_t since)
{
	struct named *nm = ctx;

	(void)v;
	return since > 0 ? push_u64(&nm->idx, &nm->n, &nm->cap, since - 1) : 0;
}

/*
 * Only entries named by index or leaf hash are selected: read those and the
 * key rotations (which always travel), not the whole ledger - the cost of an
 * export of a shipment's provenance is that of its records.  The entries are
 * offered to select_one() in index order, as sdx_ledger_foreach() would.
 */
static int select_named(sdx_ledger *l, struct selection *s)
{
	const sdx_export_options *o = s->opts;
	struct named nm = { NULL, 0, 0 };
	sdx_entry *e = NULL;
	uint64_t index;
	char hex[65];
	size_t i;
	int err = 0;

	for (i = 0; i < o->n_indexes && err >= 0; i++)
		err = push_u64(&nm.idx, &nm.n, &nm.cap, o->indexes[i]);
	for (i = 0; i < o->n_leaves && err >= 0; i++) {
		sdx__hex(hex, o->leaves[i], 32);
		if ((err = sdx_ledger_resolve(&index, l, hex)) == 0)
			err = push_u64(&nm.idx, &nm.n, &nm.cap, index);
		else if (err == SDX_ENOTFOUND)
			err = 0; /* an imported one, or none: collect_foreign() says */
	}
	if (err >= 0)
		err = sdx_ledger_foreach_key(l, key_rotation, &nm);
	if (err >= 0 && nm.n)
		qsort(nm.idx, nm.n, sizeof(*nm.idx), cmp_u64);
	for (i = 0; i < nm.n && err >= 0; i++) {
		if (i && nm.idx[i] == nm.idx[i - 1])
			continue;
		if ((err = sdx_ledger_entry(&e, l, nm.idx[i])) == SDX_ENOTFOUND) {
			err = 0; /* an index past the end: reported with the others below */
			continue;
		}
		if (err >= 0)
			err = select_one(s, e);
		sdx_entry_free(e);
		e = NULL;
	}
	if (err >= 0)
		sdx_error_clear();
	free(nm.idx);
	return err < 0 ? err : 0;
}

int sdx_bundle_export(sdx_bundle_stats *out, sdx_ledger *l, const sdx_signer *key,
		      const sdx_export_options *opts, const char *path)
{
	struct selection sel;
	struct blocks bs;
	struct sdx__stream *es = NULL;
	struct consistency cons;
	struct sdx_tar_writer *w = NULL;
	struct planned *plan = NULL;
	sdx_attachment_reader *ar = NULL;
	sdx_verifier *v = NULL;
	sdx_bundle_stats st;
	sdx_checkpoint cp;
	json_t *manifest = NULL, *members = NULL, *ledgers = NULL;
	char *vkey = NULL, *mtext = NULL, *env = NULL;
	char hex[65], created[21], keyid[SDX_NAME_MAX + 16];
	unsigned char hash[32];
	size_t mlen = 0, env_len = 0, i, j, np = 0;
	uint64_t asize;
	const char *format = SDX_BUNDLE_FORMAT; /* 2 only where the bundle carries disclosures */
	int err, snap = 0;

	memset(&sel, 0, sizeof(sel));
	memset(&bs, 0, sizeof(bs));
	memset(&st, 0, sizeof(st));
	memset(&cons, 0, sizeof(cons));
	sel.opts = opts;
	bs.sel = &sel;
	bs.l = l;
	if (opts && (err = sdx__options_check(opts->version, SDX_EXPORT_OPTIONS_VERSION,
					      "sdx_bundle_export")) < 0)
		return err;
	sel.l = l;
	sel.policy = opts && opts->version >= 3 ? opts->disclose : NULL;
	if (!(sel.disc = json_array()))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	if ((sel.own_disc = sdx__ledger_holds_disclosures(l)) < 0) {
		json_decref(sel.disc);
		return sel.own_disc;
	}
	if (!opts || (!opts->all && !opts->n_indexes && !opts->lot && !opts->since && !opts->imported &&
		      !opts->n_leaves))
		return sdx_error_set(SDX_EINVAL, "nothing selected: name entries, a lot, a time, "
				     "all of them or the imported ones");
	if (opts->n_leaves) {
		sel.leaves = malloc(opts->n_leaves * 32);
		sel.leaf_found = calloc(opts->n_leaves, 1);
		if (!sel.leaves || !sel.leaf_found) {
			free(sel.leaves);
			free(sel.leaf_found);
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		}
		memcpy(sel.leaves, opts->leaves, opts->n_leaves * 32);
		qsort(sel.leaves, opts->n_leaves, 32, cmp_leaf);
	}
	if ((err = sdx_ledger_verifier(&v, l)) < 0)
		goto done;
	if (memcmp(sdx_signer_public_key(key), sdx_verifier_public_key(v), 32) != 0) {
		err = sdx_error_set(SDX_EUNTRUSTED, "key '%s' is not this ledger's key",
				    sdx_signer_name(key));
		goto done;
	}
	if ((err = sdx_verifier_format(&vkey, v)) < 0)
		goto done;
	/* the checkpoint that leaves in the bundle must never be lost and re-signed */
	if ((err = sdx_ledger_sync(l)) < 0)
		goto done;
	/* one snapshot: entries, proofs and checkpoints must agree */
	if ((err = sdx_ledger_snapshot_begin(l)) < 0)
		goto done;
	snap = 1;
	if (!opts->all && !opts->lot && !opts->since) {
		if ((opts->n_indexes || opts->n_leaves) && (err = select_named(l, &sel)) < 0)
			goto done;
	} else if ((err = sdx_ledger_foreach(l, 0, UINT64_MAX, select_one, &sel)) < 0) {
		goto done;
	}
	/* with what it forwards go its own introductions of their keys (formats/trust.md) */
	if ((err = sdx__intro_export(l, opts, &sel.idx, &sel.n, &sel.cap, &sel.nkeys)) < 0)
		goto done;
	for (i = 0; i < opts->n_indexes; i++) {
		for (j = 0; j < sel.n && sel.idx[j] != opts->indexes[i]; j++)
			;
		if (j == sel.n) {
			err = sdx_error_set(SDX_ENOTFOUND, "no entry %" PRIu64, opts->indexes[i]);
			goto done;
		}
	}
	if (sel.n == sel.nkeys)
		sel.n = 0; /* only key rotations: nothing was selected */
	/* block 0: the own ledger's entries */
	if (sel.n) {
		struct block *b = new_block(&bs);
		if (!b) {
			err = sdx_error_set(SDX_ENOMEM, "out of memory");
			goto done;
		}
		qsort(sel.idx, sel.n, sizeof(*sel.idx), cmp_u64);
		snprintf(b->origin, sizeof(b->origin), "%s", sdx_ledger_origin(l));
		b->idx = sel.idx;
		b->n = sel.n;
		sel.idx = NULL;
		if ((err = sdx_ledger_cosigned_checkpoint(&b->note, &b->note_len, &cp, l, 0)) < 0)
			goto done;
		if (cp.size <= b->idx[b->n - 1]) {
			err = sdx_error_set(SDX_ENOTFOUND, "entry %" PRIu64 " is not covered by a "
					    "signed checkpoint yet; run 'sdx checkpoint'",
					    b->idx[b->n - 1]);
			goto done;
		}
		b->tree_size = cp.size;
		cons.l = l;
		cons.size = cp.size;
		cons.list = json_array();
		err = sdx_ledger_foreach_checkpoint(l, add_consistency, &cons);
		if (cons.err < 0 || err < 0) {
			err = cons.err < 0 ? cons.err : err;
			goto done;
		}
		if ((err = sdx__json_dump(&b->cons, &b->cons_len, cons.list)) < 0)
			goto done;
		st.consistency = json_array_size(cons.list);
		st.tree_size = cp.size;
		b->keys = json_array();
		if ((err = sdx_ledger_foreach_key(l, add_key_line, b->keys)) < 0)
			goto done;
		b->disc = sel.disc;
		sel.disc = NULL;
	}
	/* then every imported entry, grouped by the checkpoint its proof leads to */
	if (opts->imported || opts->n_leaves) {
		size_t first = bs.n;
		if ((err = sdx__foreign_audit_new(&bs.audit, l)) < 0 ||
		    (err = opts->imported ? sdx_ledger_foreach_foreign_entry(l, collect_foreign, &bs)
		     : sdx_ledger_foreach_foreign_leaf(l, (const unsigned char (*)[32])sel.leaves,
						       opts->n_leaves, collect_foreign, &bs)) < 0)
			goto done;
		for (i = first; i < bs.n; i++)
			if ((err = prepare_foreign(l, bs.audit, &bs.b[i])) < 0)
				goto done;
	}
	for (i = 0; i < opts->n_leaves; i++)
		if (!sel.leaf_found[i]) {
			sdx__hex(hex, sel.leaves[i], 32);
			err = sdx_error_set(SDX_ENOTFOUND, "entry %s is neither in this ledger nor "
					    "imported", hex);
			goto done;
		}
	if (bs.n == 0) {
		err = sdx_error_set(SDX_ENOTFOUND, "no entry matches the selection");
		goto done;
	}
	if (bs.n > SDX_BUNDLE_MAX_LEDGERS) {
		err = sdx_error_set(SDX_ELIMIT, "entries of %zu ledger checkpoints; a bundle holds "
				    "at most %d", bs.n, SDX_BUNDLE_MAX_LEDGERS);
		goto done;
	}
	if (sel.natts)
		qsort(sel.atts, sel.natts, 32, cmp_hash);
	for (i = 0; i < bs.n; i++) {
		if (bs.b[i].disc && (err = finish_items(&bs.b[i].disc_text, &bs.b[i].disc_len,
							bs.b[i].disc, &sel,
							&st.withheld_attachments)) < 0)
			goto done;
		if (bs.b[i].disc_text)
			format = SDX_BUNDLE_FORMAT_2;
	}
	st.disclosures = sel.ndisc;
	st.withheld = sel.nwithheld;
	/* the plan: every member by name, in the byte order the archive needs */
	if (!(plan = calloc(sel.natts + 4 * bs.n, sizeof(*plan)))) {
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < sel.natts; i++, np++) {
		sdx__hex(hex, sel.atts[i], 32);
		snprintf(plan[np].name, sizeof(plan[np].name), "attachments/%s", hex);
		plan[np].kind = 0;
		plan[np].i = i;
	}
	for (i = 0; i < bs.n; i++) {
		static const char *const what[] = { "checkpoint", "consistency.json", "entries",
						    "disclosures.json" };
		for (j = 0; j < 4; j++) {
			if (j == 3 && !bs.b[i].disc_text)
				continue;
			snprintf(plan[np].name, sizeof(plan[np].name), "ledgers/%zu/%s", i, what[j]);
			plan[np].kind = (int)j + 1;
			plan[np].i = i;
			np++;
		}
	}
	qsort(plan, np, sizeof(*plan), cmp_planned);
	/* hash what the manifest lists (entries streams are generated twice) */
	members = json_array();
	ledgers = json_array();
	if ((err = sdx__stream_new(&es, l)) < 0)
		goto done;
	for (i = 0; i < bs.n; i++)
		es->total += 2 * (uint64_t)bs.b[i].n;  /* hashed, then written */
	for (i = 0; i < np; i++) {
		struct block *b = plan[i].kind ? &bs.b[plan[i].i] : NULL;
		switch (plan[i].kind) {
		case 0:
			if ((err = sdx_ledger_attachment_open(&ar, &asize, l,
							      sel.atts[plan[i].i])) < 0)
				goto done;
			sdx_attachment_reader_free(ar);
			ar = NULL;
			/* named by their SHA-256 and cited by the entries: not listed */
			st.attachment_bytes += asize;
			break;
		case 1:
			sdx__sha256(hash, (const unsigned char *)b->note, b->note_len);
			member(members, plan[i].name, hash, b->note_len);
			break;
		case 2:
			sdx__sha256(hash, (const unsigned char *)b->cons, b->cons_len);
			member(members, plan[i].name, hash, b->cons_len);
			break;
		case 4:
			sdx__sha256(hash, (const unsigned char *)b->disc_text, b->disc_len);
			member(members, plan[i].name, hash, b->disc_len);
			break;
		default:
			sdx__stream_start(es, b->foreign ? b->origin : NULL, b->idx, b->n, b->tree_size);
			if ((err = sdx__stream_hash(es, b->ehash, &b->esize)) < 0)
				goto done;
			member(members, plan[i].name, b->ehash, b->esize);
			break;
		}
	}
	for (i = 0; i < bs.n; i++) {
		json_array_append_new(ledgers, json_pack("{s:s, s:O, s:I, s:I}", "origin",
			bs.b[i].origin, "keys", bs.b[i].keys, "tree_size",
			(json_int_t)bs.b[i].tree_size, "entries", (json_int_t)bs.b[i].n));
		st.entries += bs.b[i].n;
	}
	sdx__utc_now(created);
	manifest = json_pack("{s:s, s:s, s:s, s:s, s:O, s:O, s:I}", "format", format,
			     "producer", sdx_ledger_origin(l), "producer_key", vkey,
			     "created", created, "ledgers", ledgers, "members", members,
			     "attachments", (json_int_t)sel.natts);
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
	/* write */
	/* version 2 options may ask for an age file (formats/age.md) */
	if ((err = opts->version >= 2 && opts->n_encrypt_to
		   ? sdx__tar_create_age(&w, path, opts->encrypt_to, opts->n_encrypt_to)
		   : sdx__tar_create(&w, path)) < 0 ||
	    (err = sdx__tar_add(w, SDX_BUNDLE_MANIFEST, env, env_len)) < 0)
		goto done;
	for (i = 0; i < np; i++) {
		struct block *b = plan[i].kind ? &bs.b[plan[i].i] : NULL;
		switch (plan[i].kind) {
		case 0:
			if ((err = sdx_ledger_attachment_open(&ar, &asize, l,
							      sel.atts[plan[i].i])) < 0 ||
			    (err = sdx__tar_add_stream(w, plan[i].name, asize, attachment_read, ar)) < 0)
				goto done;
			sdx_attachment_reader_free(ar);
			ar = NULL;
			break;
		case 1:
			err = sdx__tar_add(w, plan[i].name, b->note, b->note_len);
			break;
		case 2:
			err = sdx__tar_add(w, plan[i].name, b->cons, b->cons_len);
			break;
		case 4:
			err = sdx__tar_add(w, plan[i].name, b->disc_text, b->disc_len);
			break;
		default:
			sdx__stream_start(es, b->foreign ? b->origin : NULL, b->idx, b->n, b->tree_size);
			err = sdx__tar_add_stream(w, plan[i].name, b->esize, sdx__stream_read, es);
			break;
		}
		if (err < 0)
			goto done;
	}
	err = sdx__tar_close(w);
	w = NULL;
	st.attachments = sel.natts;
	sdx__progress(es->total, es->total);
done:
	if (snap)
		sdx_ledger_snapshot_end(l);
	sdx__tar_abort(w);
	sdx_attachment_reader_free(ar);
	sdx_verifier_free(v);
	json_decref(manifest);
	json_decref(members);
	json_decref(ledgers);
	json_decref(cons.list);
	for (i = 0; i < bs.n; i++) {
		free(bs.b[i].idx);
		free(bs.b[i].note);
		free(bs.b[i].cons);
		json_decref(bs.b[i].keys);
		json_decref(bs.b[i].disc);
		free(bs.b[i].disc_text);
	}
	free(bs.b);
	sdx__stream_free(es);
	sdx__foreign_audit_free(bs.audit);
	free(plan);
	free(sel.idx);
	free(sel.leaves);
	free(sel.leaf_found);
	free(sel.atts);
	json_decref(sel.disc);
	free(vkey);
	free(mtext);
	free(env);
	/* a caller of options version 2 or older has the shorter stats struct */
	if (out && opts && opts->version >= 3)
		*out = st;
	else if (out)
		memcpy(out, &st, offsetof(sdx_bundle_stats, disclosures));
	return err;
}
