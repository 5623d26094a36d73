/*
 * formats/bundle/verify_members.c - the members of a bundle other than the
 * manifest and the entries: attachments (self-certifying by name),
 * checkpoints and the consistency proofs from older ones.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/bundle/verify.h"
#include "sdx/disclosure.h"
#include "sdx/dsse.h"
#include "sdx/merkle.h"

static int cmp_hash32(const void *a, const void *b)
{
	return memcmp(a, b, 32);
}

/* Is the attachment in the bundle?  Marks it cited.  (Attachments arrive in
 * name order, so b->atts is sorted.) */
int sdx__bv_has_attachment(struct bv *b, const unsigned char h[32])
{
	unsigned char (*hit)[32] = b->natts ? bsearch(h, b->atts, b->natts, 32, cmp_hash32) : NULL;

	if (!hit)
		return 0;
	atomic_store_explicit(&b->cited[hit - b->atts], 1, memory_order_relaxed);
	return 1;
}

int sdx__bv_attachment(struct bv *b, const char *name, struct mreader *mr, uint64_t size)
{
	unsigned char buf[65536], want[32], got_hash[32];
	size_t got;
	int err;

	const sdx_bundle_sink *sk = b->o->sink;

	if (sdx__hex32_parse(want, name + strlen("attachments/")) < 0)
		return sdx__bv_bad(b, SDX_EFORMAT, "member '%.200s': not attachments/<sha256>%s", name, "");
	if (sk && sk->attachment_begin && (err = sk->attachment_begin(sk->ctx, want, size)) != 0)
		return err;
	do {
		if ((err = sdx__bv_read(mr, buf, sizeof(buf), &got)) < 0)
			return err;
		if (got && sk && sk->attachment_data && (err = sk->attachment_data(sk->ctx, buf, got)) != 0)
			return err;
	} while (got);
	sdx__sha256_final(&mr->h, got_hash);
	if (memcmp(got_hash, want, 32) != 0)
		return sdx__bv_bad(b, SDX_EVERIFY, "member '%.200s': content does not match its name%s",
			   name, "");
	if (b->natts == b->attcap) {
		size_t cap = b->attcap ? 2 * b->attcap : 64;
		unsigned char (*p)[32] = realloc(b->atts, cap * 32);
		atomic_uchar *c;
		if (!p)
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		b->atts = p;
		if (!(c = realloc(b->cited, cap * sizeof(*c))))
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		b->cited = c;
		b->attcap = cap;
	}
	if (b->natts >= b->manifest_atts)
		return sdx__bv_bad(b, SDX_EVERIFY, "member '%.200s': more attachments than the signed "
			   "manifest counts%s", name, "");
	memcpy(b->atts[b->natts], want, 32);
	atomic_init(&b->cited[b->natts], 0);
	b->natts++;
	b->rep->attachments++;
	if (sk && sk->attachment_end && (err = sk->attachment_end(sk->ctx)) != 0)
		return err;
	return 0;
}

static int read_small(struct bv *b, const char *name, struct mreader *mr, uint64_t size,
		      uint64_t max, char **out)
{
	size_t got;
	int err;

	if (size > max)
		return sdx__bv_bad(b, SDX_ELIMIT, "member '%.200s': too large%s", name, "");
	if (!(*out = malloc((size_t)size + 1)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	if ((err = sdx__bv_read(mr, *out, (size_t)size, &got)) < 0)
		return err;
	if (got != size)
		return sdx__bv_bad(b, SDX_EFORMAT, "member '%.200s': truncated%s", name, "");
	(*out)[size] = '\0';
	return 0;
}

/* counts: the note's signer is one the ledger's trust depends on (the included
 * checkpoint, not the older ones that only vouch for its history) */
static int check_note(struct bv *b, struct ledger_info *li, const char *what, const char *note,
		      size_t len, sdx_checkpoint *cp, int counts)
{
	size_t signer = 0;
	int err = sdx_note_verify(NULL, &signer, note, len, li->chain.v, li->chain.nkeys);

	if (err == 0 && counts && signer < li->chain.nkeys) {
		li->signers |= 1u << signer;
		li->cp_signer = signer;
	}
	if (err == SDX_EUNTRUSTED)
		return sdx__bv_bad(b, SDX_EVERIFY, "%s: not signed by the ledger's key%s", what, "");
	if (err < 0)
		return sdx__bv_bad(b, err == SDX_EVERIFY ? SDX_EVERIFY : SDX_EFORMAT, "%s: %s", what,
			   sdx_error_last());
	if (sdx_checkpoint_parse(cp, note, len) < 0)
		return sdx__bv_bad(b, SDX_EFORMAT, "%s: %s", what, sdx_error_last());
	if (strcmp(cp->origin, li->origin) != 0)
		return sdx__bv_bad(b, SDX_EVERIFY, "%s: checkpoint of origin '%.200s', not the ledger's",
			   what, cp->origin);
	return 0;
}

int sdx__bv_checkpoint(struct bv *b, struct ledger_info *li, const char *name,
			   struct mreader *mr, uint64_t size)
{
	sdx_checkpoint cp;
	char *note = NULL;
	int err;

	if ((err = read_small(b, name, mr, size, SDX_NOTE_MAX, &note)) < 0 ||
	    (err = check_note(b, li, name, note, (size_t)size, &cp, 1)) < 0)
		goto done;
	if (cp.size != li->tree_size) {
		err = sdx__bv_bad(b, SDX_EVERIFY, "%s: checkpoint size differs from the manifest's%s", name, "");
		goto done;
	}
	memcpy(li->root, cp.root, 32);
	li->have_cp = 1;
	if (b->o->sink && b->o->sink->checkpoint &&
	    (err = b->o->sink->checkpoint(b->o->sink->ctx, li->origin, cp.size, cp.root, note,
					   (size_t)size)) != 0)
		goto done;

done:
	free(note);
	return err;
}

int sdx__bv_consistency(struct bv *b, struct ledger_info *li, const char *name,
			    struct mreader *mr, uint64_t size)
{
	unsigned char proof[SDX_MERKLE_MAX_PROOF][32], old_root[32];
	char *text = NULL, what[300];
	json_t *j = NULL, *c, *h;
	sdx_checkpoint cp;
	size_t i, k, n;
	int err;

	if (!li->have_cp)
		return sdx__bv_bad(b, SDX_EFORMAT, "member '%.200s' before its checkpoint%s", name, "");
	if ((err = read_small(b, name, mr, size, 16u * 1024 * 1024, &text)) < 0)
		goto done;
	if ((err = sdx__json_parse(&j, text, (size_t)size, 4, name)) < 0 || !json_is_array(j)) {
		err = sdx__bv_bad(b, SDX_EFORMAT, "member '%.200s': not a JSON list%s", name, "");
		goto done;
	}
	/* each item costs a signature check: keep to what bundle.md allows */
	if (json_array_size(j) > SDX_BUNDLE_MAX_CONSISTENCY) {
		err = sdx__bv_bad(b, SDX_ELIMIT, "member '%.200s': more than %s consistency proofs", name,
			  "1,024");
		goto done;
	}
	json_array_foreach(j, i, c) {
		const char *note = json_string_value(json_object_get(c, "checkpoint"));
		const char *root = json_string_value(json_object_get(c, "old_root"));
		json_t *size_v = json_object_get(c, "old_size"), *pl = json_object_get(c, "proof");

		snprintf(what, sizeof(what), "%s[%zu]", name, i);
		if (!note || !root || !json_is_integer(size_v) || !json_is_array(pl) ||
		    json_array_size(pl) > SDX_MERKLE_MAX_PROOF ||
		    sdx__b64_decode_fixed(old_root, 32, root, strlen(root)) < 0) {
			err = sdx__bv_bad(b, SDX_EFORMAT, "%s: needs old_size, old_root, proof, checkpoint%s",
				  what, "");
			goto done;
		}
		if ((err = check_note(b, li, what, note, strlen(note), &cp, 0)) < 0)
			goto done;
		if (cp.size != (uint64_t)json_integer_value(size_v) || memcmp(cp.root, old_root, 32)) {
			err = sdx__bv_bad(b, SDX_EVERIFY, "%s: old checkpoint differs from old_size/old_root%s",
				  what, "");
			goto done;
		}
		n = json_array_size(pl);
		json_array_foreach(pl, k, h) {
			const char *s = json_string_value(h);
			if (!s || sdx__b64_decode_fixed(proof[k], 32, s, strlen(s)) < 0) {
				err = sdx__bv_bad(b, SDX_EFORMAT, "%s: bad proof hash%s", what, "");
				goto done;
			}
		}
		if (sdx_merkle_verify_consistency(cp.size, li->tree_size, cp.root, li->root,
						  (const unsigned char (*)[32])proof, n) < 0) {
			err = sdx__bv_bad(b, SDX_EVERIFY, "%s: the ledger was rewritten since this older "
				  "checkpoint (consistency proof fails)%s", what, "");
			goto done;
		}
		b->rep->ledgers[li - b->led].consistency++;
		if (b->o->sink && b->o->sink->checkpoint &&
		    (err = b->o->sink->checkpoint(b->o->sink->ctx, li->origin, cp.size, cp.root, note,
						   strlen(note))) != 0)
			goto done;
		if (b->o->sink && b->o->sink->consistency &&
		    (err = b->o->sink->consistency(b->o->sink->ctx, li->origin, cp.size,
						    li->tree_size,
						    (const unsigned char (*)[32])proof, n)) != 0)
			goto done;
	}
done:
	json_decref(j);
	free(text);
	return err;
}

/* --- disclosures.json ------------------------------------------------------ */

void sdx__bv_disc_free(struct ledger_info *li)
{
	for (size_t i = 0; i < li->ndisc; i++) {
		for (size_t k = 0; k < li->disc[i].n; k++)
			free(li->disc[i].texts[k]);
		free(li->disc[i].texts);
		free(li->disc[i].withheld);
	}
	free(li->disc);
	li->disc = NULL;
	li->ndisc = 0;
}

struct disc_item *sdx__bv_disc_item(const struct ledger_info *li, uint64_t index)
{
	size_t lo = 0, hi = li->ndisc;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (li->disc[mid].index == index)
			return &li->disc[mid];
		if (li->disc[mid].index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* One item: {"index": N, "disclosures": [TEXT...], "withheld_attachments": [HEX...]}. */
static int disc_read(struct bv *b, struct disc_item *d, const json_t *item, const char *what)
{
	const json_t *idx = json_object_get(item, "index"), *texts = json_object_get(item, "disclosures");
	const json_t *atts = json_object_get(item, "withheld_attachments"), *v;
	size_t i, known = 1 + !!atts + !!texts;

	if (!json_is_object(item) || json_object_size(item) != known || !json_is_integer(idx) ||
	    json_integer_value(idx) < 0 || !json_is_array(texts) || (atts && !json_is_array(atts)) ||
	    json_array_size(texts) > SDX_DISCLOSURE_COUNT_MAX ||
	    json_array_size(atts) > SDX_DISCLOSURE_COUNT_MAX ||
	    (json_array_size(texts) == 0 && json_array_size(atts) == 0))
		return sdx__bv_bad(b, SDX_EFORMAT, "%s: needs index, disclosures and at most "
				   "withheld_attachments%s", what, "");
	d->index = (uint64_t)json_integer_value(idx);
	if (!(d->texts = calloc(json_array_size(texts) + 1, sizeof(*d->texts))) ||
	    !(d->withheld = calloc(json_array_size(atts) + 1, 32)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	json_array_foreach(texts, i, v) {
		if (!json_is_string(v) || json_string_length(v) > SDX_DISCLOSURE_MAX)
			return sdx__bv_bad(b, SDX_EFORMAT, "%s: a disclosure that is not a string%s",
					   what, "");
		if (!(d->texts[i] = strdup(json_string_value(v))))
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		d->n++;
	}
	json_array_foreach(atts, i, v) {
		if (sdx__hex32_parse(d->withheld[i], json_string_value(v)) < 0)
			return sdx__bv_bad(b, SDX_EFORMAT, "%s: withheld_attachments: not a SHA-256%s",
					   what, "");
		d->nwithheld++;
	}
	return 0;
}

int sdx__bv_disclosures(struct bv *b, struct ledger_info *li, const char *name,
			struct mreader *mr, uint64_t size)
{
	char *text = NULL, what[300];
	json_t *j = NULL, *item;
	size_t i;
	int err;

	snprintf(li->disc_name, sizeof(li->disc_name), "%.60s", name);
	if ((err = read_small(b, name, mr, size, 64u * 1024 * 1024, &text)) < 0)
		goto done;
	if ((err = sdx__json_parse(&j, text, (size_t)size, 4, name)) < 0 || !json_is_array(j) ||
	    json_array_size(j) == 0 || json_array_size(j) > li->entries) {
		err = sdx__bv_bad(b, SDX_EFORMAT, "member '%.200s': not a JSON list of at most one "
				  "item per entry%s", name, "");
		goto done;
	}
	if (!(li->disc = calloc(json_array_size(j), sizeof(*li->disc)))) {
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
		goto done;
	}
	json_array_foreach(j, i, item) {
		snprintf(what, sizeof(what), "member '%.200s'[%zu]", name, i);
		li->ndisc++;
		if ((err = disc_read(b, &li->disc[i], item, what)) < 0)
			goto done;
		if (i && li->disc[i].index <= li->disc[i - 1].index) {
			err = sdx__bv_bad(b, SDX_EFORMAT, "%s: entries out of order or listed twice%s",
					  what, "");
			goto done;
		}
	}
done:
	json_decref(j);
	free(text);
	return err;
}
