/*
 * formats/bundle/verify.c - check a bundle offline (formats/bundle.md).
 *
 * The archive is streamed once.  The manifest comes first and is checked
 * before anything else is believed; every later member must be listed in it,
 * is hashed while it is read, and is refused if its hash or size differs.
 * Entries are checked against the checkpoint of the ledger that signed them,
 * not against the producer's word.  Nothing is written anywhere.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "formats/bundle/archive.h"
#include "formats/bundle/internal.h"
#include "formats/records/internal.h"
#include "ledger/internal.h"
#include "sdx/bundle.h"
#include "sdx/dsse.h"
#include "sdx/ledger.h"
#include "sdx/merkle.h"
#include "sdx/record.h"

#define MAX_KEYS 8

struct member_info {
	char *name;
	unsigned char sha[32];
	uint64_t size;
	int seen;
};

struct ledger_info {
	char origin[SDX_NAME_MAX + 1];
	sdx_verifier *keys[MAX_KEYS];
	size_t nkeys;
	/* A ledger is trusted only when every signature in it is by a trusted key:
	 * listing a trusted key beside a key of one's own must not lend trust. */
	unsigned char key_ok[MAX_KEYS];     /* trusted (or revoked: see revoked) as given */
	unsigned char revoked[MAX_KEYS];
	atomic_uint signers;                /* bit k: keys[k] signed a checkpoint or entry */
	/* key rotations in the bundle: entry seq, signer, the key it names */
	struct rotation { uint64_t seq; size_t from, to; } rot[MAX_KEYS];
	size_t nrot;
	uint64_t tree_size, entries;
	int trusted, have_cp;
	unsigned char root[32];
};

struct bv {
	const char *path;
	const sdx_bundle_verify_options *o;
	sdx_bundle_report *rep;
	int have_manifest, untrusted, producer_untrusted;
	unsigned char producer_pk[32];
	struct member_info *m;
	size_t nm;
	struct ledger_info led[SDX_BUNDLE_MAX_LEDGERS];
	size_t nled;
	unsigned char (*atts)[32];
	size_t natts, attcap;
	atomic_uchar *cited;                /* per attachment: an entry cites it */
	int bodies;                         /* SDX_BUNDLE_VERIFY_BODIES */
	uint64_t manifest_atts;             /* the attachments the manifest counts */
};

/* Reads a member through the archive layer, hashing what it reads. */
struct mreader {
	struct sdx_tar_reader *r;
	sdx__sha256_ctx h;
	uint64_t n;
};

static int mread(struct mreader *m, void *buf, size_t want, size_t *got_total)
{
	size_t got, total = 0;
	int err;

	while (total < want) {
		if ((err = sdx__tar_member_read(m->r, (unsigned char *)buf + total, want - total,
						&got)) < 0)
			return err;
		if (got == 0)
			break;
		sdx__sha256_update(&m->h, (unsigned char *)buf + total, got);
		total += got;
	}
	m->n += total;
	*got_total = total;
	return 0;
}

static int is_trusted(const struct bv *b, const sdx_verifier *v)
{
	size_t i;

	for (i = 0; i < b->o->n_trusted; i++)
		if (memcmp(sdx_verifier_public_key(b->o->trusted[i]), sdx_verifier_public_key(v), 32) == 0 &&
		    strcmp(sdx_verifier_name(b->o->trusted[i]), sdx_verifier_name(v)) == 0)
			return 1;
	return 0;
}

static int is_revoked(const struct bv *b, const sdx_verifier *v)
{
	size_t i;

	for (i = 0; i < b->o->n_revoked; i++)
		if (memcmp(sdx_verifier_public_key(b->o->revoked[i]), sdx_verifier_public_key(v), 32) == 0)
			return 1;
	return 0;
}

static int cmp_member(const void *key, const void *elem)
{
	return strcmp(key, ((const struct member_info *)elem)->name);
}

static int bad(struct bv *b, int code, const char *fmt, const char *a, const char *c)
{
	char msg[600];

	snprintf(msg, sizeof(msg), fmt, a, c);
	return sdx_error_set(code, "'%s': %s", b->path, msg);
}

/* --- the manifest ------------------------------------------------------------ */

static int load_manifest(struct bv *b, json_t *j)
{
	const char *fmt = json_string_value(json_object_get(j, "format"));
	json_t *members = json_object_get(j, "members"), *ledgers = json_object_get(j, "ledgers");
	json_t *natts = json_object_get(j, "attachments");

	if (!json_is_integer(natts) || json_integer_value(natts) < 0)
		return bad(b, SDX_EFORMAT, "manifest: 'attachments' (their number) missing%s%s", "",
			   "");
	b->manifest_atts = (uint64_t)json_integer_value(natts);
	json_t *v, *k;
	size_t i, x;
	int err;

	if (!fmt || strncmp(fmt, "sdx-bundle/", 11) != 0)
		return bad(b, SDX_EFORMAT, "manifest: not an sdx bundle manifest%s%s", "", "");
	if (strcmp(fmt, SDX_BUNDLE_FORMAT) != 0)
		return bad(b, SDX_EFORMAT, "bundle format '%.40s' is not supported (this sdx reads "
			   "%s); upgrade sdx", fmt, SDX_BUNDLE_FORMAT);
	if (!json_is_array(members) || !json_is_array(ledgers) || json_array_size(ledgers) == 0 ||
	    json_array_size(ledgers) > SDX_BUNDLE_MAX_LEDGERS)
		return bad(b, SDX_EFORMAT, "manifest: 'members' or 'ledgers' missing or too many%s%s",
			   "", "");
	if (!(b->m = calloc(json_array_size(members) + 1, sizeof(*b->m))))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	json_array_foreach(members, i, v) {
		const char *name = json_string_value(json_object_get(v, "name"));
		json_t *size = json_object_get(v, "size");

		if (!name || !json_is_integer(size) || json_integer_value(size) < 0 ||
		    sdx__hex32_parse(b->m[i].sha, json_string_value(json_object_get(v, "sha256"))) < 0)
			return bad(b, SDX_EFORMAT, "manifest: members[%s]: needs name, sha256 and size%s",
				   "", "");
		if (i > 0 && strcmp(b->m[i - 1].name, name) >= 0)
			return bad(b, SDX_EFORMAT, "manifest: member '%.200s' is out of order or "
				   "listed twice%s", name, "");
		if (!(b->m[i].name = strdup(name)))
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		b->m[i].size = (uint64_t)json_integer_value(size);
		b->nm++;
	}
	json_array_foreach(ledgers, i, v) {
		struct ledger_info *li = &b->led[i];
		const char *origin = json_string_value(json_object_get(v, "origin"));
		json_t *keys = json_object_get(v, "keys");

		if (!origin || !sdx_origin_valid(origin) || !json_is_array(keys) ||
		    json_array_size(keys) == 0 || json_array_size(keys) > MAX_KEYS ||
		    !json_is_integer(json_object_get(v, "tree_size")) ||
		    !json_is_integer(json_object_get(v, "entries")))
			return bad(b, SDX_EFORMAT, "manifest: ledgers[%s]: needs origin, keys, "
				   "tree_size and entries%s", "", "");
		snprintf(li->origin, sizeof(li->origin), "%s", origin);
		li->tree_size = (uint64_t)json_integer_value(json_object_get(v, "tree_size"));
		li->entries = (uint64_t)json_integer_value(json_object_get(v, "entries"));
		json_array_foreach(keys, x, k) {
			if (!json_is_string(k) ||
			    (err = sdx_verifier_parse(&li->keys[x], json_string_value(k))) < 0)
				return bad(b, SDX_EFORMAT, "manifest: ledger '%s': bad key%s", origin, "");
			li->nkeys++;
			if (strcmp(sdx_verifier_name(li->keys[x]), origin) != 0)
				return bad(b, SDX_EFORMAT, "manifest: ledger '%s': key named '%s'",
					   origin, sdx_verifier_name(li->keys[x]));
			li->revoked[x] = (unsigned char)is_revoked(b, li->keys[x]);
			li->key_ok[x] = (unsigned char)(is_trusted(b, li->keys[x]) && !li->revoked[x]);
			if (li->key_ok[x])
				li->trusted = 1;
		}
		b->nled++;
		snprintf(b->rep->ledgers[i].origin, sizeof(b->rep->ledgers[i].origin), "%s", origin);
		b->rep->ledgers[i].tree_size = li->tree_size;
	}
	b->rep->n_ledgers = b->nled;
	return 0;
}

static int read_manifest(struct bv *b, const char *name, uint64_t size, struct sdx_tar_reader *r)
{
	struct mreader mr;
	sdx_dsse_envelope *env = NULL;
	sdx_verifier *pv = NULL;
	json_t *j = NULL;
	const char *s;
	char *buf = NULL, keyid[SDX_NAME_MAX + 16];
	size_t got, i;
	int err;

	memset(&mr, 0, sizeof(mr));
	mr.r = r;
	if (strcmp(name, SDX_BUNDLE_MANIFEST) != 0)
		return bad(b, SDX_EFORMAT, "not an sdx bundle (first member is '%.200s', not %s)",
			   name, SDX_BUNDLE_MANIFEST);
	if (size > SDX_BUNDLE_MAX_MANIFEST)
		return bad(b, SDX_ELIMIT, "%s: larger than the manifest limit%s", name, "");
	if (!(buf = malloc((size_t)size + 1)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	sdx__sha256_init(&mr.h);
	if ((err = mread(&mr, buf, (size_t)size, &got)) < 0)
		goto done;
	if (got != size) {
		err = bad(b, SDX_EFORMAT, "%s: truncated%s", name, "");
		goto done;
	}
	if ((err = sdx_dsse_parse_max(&env, buf, got, SDX_BUNDLE_MAX_MANIFEST)) < 0 ||
	    strcmp(env->payload_type, SDX_BUNDLE_PAYLOAD_TYPE) != 0) {
		err = bad(b, SDX_EFORMAT, "%s: not a bundle manifest envelope (%s)", name,
			  err < 0 ? sdx_error_last() : "wrong payloadType");
		goto done;
	}
	/* the envelope is well formed, so a payload that is not JSON was damaged */
	if ((err = sdx__json_parse(&j, (const char *)env->payload, env->payload_len, 8,
				   "manifest")) < 0) {
		err = bad(b, SDX_EVERIFY, "%s: the signed manifest is corrupt (%s)", name,
			  sdx_error_last());
		goto done;
	}
	if (!json_is_object(j) || !(s = json_string_value(json_object_get(j, "producer_key"))) ||
	    sdx_verifier_parse(&pv, s) < 0) {
		err = bad(b, SDX_EFORMAT, "%s: manifest has no valid producer_key%s", name, "");
		goto done;
	}
	snprintf(b->rep->producer_vkey, sizeof(b->rep->producer_vkey), "%s", s);
	snprintf(b->rep->producer, sizeof(b->rep->producer), "%s", sdx_verifier_name(pv));
	if ((s = json_string_value(json_object_get(j, "created"))))
		snprintf(b->rep->created, sizeof(b->rep->created), "%s", s);
	if ((s = json_string_value(json_object_get(j, "recipient"))))
		snprintf(b->rep->recipient, sizeof(b->rep->recipient), "%s", s);
	/* the producer's signature first: nothing in the manifest counts before it */
	snprintf(keyid, sizeof(keyid), "%s+%08" PRIx32, sdx_verifier_name(pv), sdx_verifier_keyid(pv));
	if (strcmp(env->keyid, keyid) != 0 || sdx_dsse_verify(env, pv) < 0) {
		err = bad(b, SDX_EVERIFY, "%s: the producer's signature does not verify%s", name, "");
		goto done;
	}
	if (is_revoked(b, pv)) {
		err = sdx_error_set(SDX_EUNTRUSTED, "'%s': signed by %s, a key you revoked", b->path,
				    keyid);
		goto done;
	}
	b->rep->producer_trusted = is_trusted(b, pv);
	if ((err = load_manifest(b, j)) < 0)
		goto done;
	/* trust on first use: the producer's own ledger, keyed as the manifest says */
	for (i = 0; i < b->nled; i++) {
		if (b->o->trust_on_first_use && strcmp(b->led[i].origin, b->rep->producer) == 0) {
			b->led[i].trusted = 1;
			memset(b->led[i].key_ok, 1, sizeof(b->led[i].key_ok));
		}
		b->rep->ledgers[i].trusted = b->led[i].trusted;
	}
	/* decided at the end: the producer's own ledger may have rotated to this key */
	if (!b->rep->producer_trusted && !b->o->trust_on_first_use)
		b->producer_untrusted = 1;
	memcpy(b->producer_pk, sdx_verifier_public_key(pv), 32);
	b->have_manifest = 1;
done:
	sdx__sha256_clear(&mr.h);
	sdx_verifier_free(pv);
	sdx_dsse_envelope_free(env);
	json_decref(j);
	free(buf);
	return err;
}

/* --- members ------------------------------------------------------------------- */

static int cmp_hash32(const void *a, const void *b)
{
	return memcmp(a, b, 32);
}

/* Is the attachment in the bundle?  Marks it cited.  (Attachments arrive in
 * name order, so b->atts is sorted.) */
static int has_attachment(struct bv *b, const unsigned char h[32])
{
	unsigned char (*hit)[32] = bsearch(h, b->atts, b->natts, 32, cmp_hash32);

	if (!hit)
		return 0;
	atomic_store_explicit(&b->cited[hit - b->atts], 1, memory_order_relaxed);
	return 1;
}

static int read_attachment(struct bv *b, const char *name, struct mreader *mr, uint64_t size)
{
	unsigned char buf[65536], want[32], got_hash[32];
	size_t got;
	int err;

	const sdx_bundle_sink *sk = b->o->sink;

	if (sdx__hex32_parse(want, name + strlen("attachments/")) < 0)
		return bad(b, SDX_EFORMAT, "member '%.200s': not attachments/<sha256>%s", name, "");
	if (sk && sk->attachment_begin && (err = sk->attachment_begin(sk->ctx, want, size)) != 0)
		return err;
	do {
		if ((err = mread(mr, buf, sizeof(buf), &got)) < 0)
			return err;
		if (got && sk && sk->attachment_data && (err = sk->attachment_data(sk->ctx, buf, got)) != 0)
			return err;
	} while (got);
	sdx__sha256_final(&mr->h, got_hash);
	if (memcmp(got_hash, want, 32) != 0)
		return bad(b, SDX_EVERIFY, "member '%.200s': content does not match its name%s",
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
		return bad(b, SDX_EVERIFY, "member '%.200s': more attachments than the signed "
			   "manifest counts%s", name, "");
	memcpy(b->atts[b->natts], want, 32);
	atomic_init(&b->cited[b->natts], 0);
	b->natts++;
	b->rep->attachments++;
	if (sk && sk->attachment_end && (err = sk->attachment_end(sk->ctx)) != 0)
		return err;
	return 0;
}

static struct ledger_info *ledger_of(struct bv *b, const char *name, const char **rest)
{
	char *end;
	unsigned long k;

	/* digits only: strtoul() would also take "+0", "-0" and " 0" for ledger 0 */
	if (strncmp(name, "ledgers/", 8) != 0 || name[8] < '0' || name[8] > '9')
		return NULL;
	k = strtoul(name + 8, &end, 10);
	if (end == name + 8 || *end != '/' || k >= b->nled || (end - (name + 8) > 1 && name[8] == '0'))
		return NULL;
	*rest = end + 1;
	return &b->led[k];
}

static int read_small(struct bv *b, const char *name, struct mreader *mr, uint64_t size,
		      uint64_t max, char **out)
{
	size_t got;
	int err;

	if (size > max)
		return bad(b, SDX_ELIMIT, "member '%.200s': too large%s", name, "");
	if (!(*out = malloc((size_t)size + 1)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	if ((err = mread(mr, *out, (size_t)size, &got)) < 0)
		return err;
	if (got != size)
		return bad(b, SDX_EFORMAT, "member '%.200s': truncated%s", name, "");
	(*out)[size] = '\0';
	return 0;
}

/* counts: the note's signer is one the ledger's trust depends on (the included
 * checkpoint, not the older ones that only vouch for its history) */
static int check_note(struct bv *b, struct ledger_info *li, const char *what, const char *note,
		      size_t len, sdx_checkpoint *cp, int counts)
{
	size_t signer = 0;
	int err = sdx_note_verify(note, len, li->keys, li->nkeys, NULL, &signer);

	if (err == 0 && counts && signer < li->nkeys)
		atomic_fetch_or(&li->signers, 1u << signer);
	if (err == SDX_EUNTRUSTED)
		return bad(b, SDX_EVERIFY, "%s: not signed by the ledger's key%s", what, "");
	if (err < 0)
		return bad(b, err == SDX_EVERIFY ? SDX_EVERIFY : SDX_EFORMAT, "%s: %s", what,
			   sdx_error_last());
	if (sdx_checkpoint_parse(cp, note, len) < 0)
		return bad(b, SDX_EFORMAT, "%s: %s", what, sdx_error_last());
	if (strcmp(cp->origin, li->origin) != 0)
		return bad(b, SDX_EVERIFY, "%s: checkpoint of origin '%.200s', not the ledger's",
			   what, cp->origin);
	return 0;
}

static int read_checkpoint(struct bv *b, struct ledger_info *li, const char *name,
			   struct mreader *mr, uint64_t size)
{
	sdx_checkpoint cp;
	char *note = NULL;
	int err;

	if ((err = read_small(b, name, mr, size, SDX_NOTE_MAX, &note)) < 0 ||
	    (err = check_note(b, li, name, note, (size_t)size, &cp, 1)) < 0)
		goto done;
	if (cp.size != li->tree_size) {
		err = bad(b, SDX_EVERIFY, "%s: checkpoint size differs from the manifest's%s", name, "");
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

static int read_consistency(struct bv *b, struct ledger_info *li, const char *name,
			    struct mreader *mr, uint64_t size)
{
	unsigned char proof[SDX_MERKLE_MAX_PROOF][32], old_root[32];
	char *text = NULL, what[300];
	json_t *j = NULL, *c, *h;
	sdx_checkpoint cp;
	size_t i, k, n;
	int err;

	if (!li->have_cp)
		return bad(b, SDX_EFORMAT, "member '%.200s' before its checkpoint%s", name, "");
	if ((err = read_small(b, name, mr, size, 16u * 1024 * 1024, &text)) < 0)
		goto done;
	if ((err = sdx__json_parse(&j, text, (size_t)size, 4, name)) < 0 || !json_is_array(j)) {
		err = bad(b, SDX_EFORMAT, "member '%.200s': not a JSON list%s", name, "");
		goto done;
	}
	/* each item costs a signature check: keep to what bundle.md allows */
	if (json_array_size(j) > SDX_BUNDLE_MAX_CONSISTENCY) {
		err = bad(b, SDX_ELIMIT, "member '%.200s': more than %s consistency proofs", name,
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
			err = bad(b, SDX_EFORMAT, "%s: needs old_size, old_root, proof, checkpoint%s",
				  what, "");
			goto done;
		}
		if ((err = check_note(b, li, what, note, strlen(note), &cp, 0)) < 0)
			goto done;
		if (cp.size != (uint64_t)json_integer_value(size_v) || memcmp(cp.root, old_root, 32)) {
			err = bad(b, SDX_EVERIFY, "%s: old checkpoint differs from old_size/old_root%s",
				  what, "");
			goto done;
		}
		n = json_array_size(pl);
		json_array_foreach(pl, k, h) {
			const char *s = json_string_value(h);
			if (!s || sdx__b64_decode_fixed(proof[k], 32, s, strlen(s)) < 0) {
				err = bad(b, SDX_EFORMAT, "%s: bad proof hash%s", what, "");
				goto done;
			}
		}
		if (sdx_merkle_verify_consistency(cp.size, li->tree_size, cp.root, li->root,
						  (const unsigned char (*)[32])proof, n) < 0) {
			err = bad(b, SDX_EVERIFY, "%s: the ledger was rewritten since this older "
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

static pthread_mutex_t rot_lock = PTHREAD_MUTEX_INITIALIZER;

/* A key rotation entry (signed by `keyid`) naming `new_key`: remember who vouches for whom. */
static void note_rotation(struct bv *b, struct ledger_info *li, uint64_t seq, const char *keyid,
			  const char *new_key)
{
	sdx_verifier *nv = NULL;
	size_t from, to;
	char id[SDX_NAME_MAX + 16];

	(void)b;
	if (!new_key || sdx_verifier_parse(&nv, new_key) < 0)
		return;
	for (from = 0; from < li->nkeys; from++) {
		snprintf(id, sizeof(id), "%s+%08" PRIx32, sdx_verifier_name(li->keys[from]),
			 sdx_verifier_keyid(li->keys[from]));
		if (strcmp(id, keyid) == 0)
			break;
	}
	for (to = 0; to < li->nkeys; to++)
		if (!memcmp(sdx_verifier_public_key(li->keys[to]), sdx_verifier_public_key(nv), 32))
			break;
	sdx_verifier_free(nv);
	if (from == li->nkeys || to == li->nkeys)
		return; /* a key the manifest does not list signs nothing here */
	pthread_mutex_lock(&rot_lock);
	if (li->nrot < MAX_KEYS) {
		li->rot[li->nrot].seq = seq;
		li->rot[li->nrot].from = from;
		li->rot[li->nrot].to = to;
		li->nrot++;
	}
	pthread_mutex_unlock(&rot_lock);
}

/*
 * Who the verifier trusts in a ledger: the keys it trusts, then, rotation by
 * rotation in ledger order, each key a trusted (and not revoked) key signed
 * in.  Bit k of the result is keys[k].
 */
static unsigned trusted_keys(struct ledger_info *li)
{
	unsigned t = 0;
	size_t i, j;

	for (i = 0; i < li->nkeys; i++)
		if (li->key_ok[i] && !li->revoked[i])
			t |= 1u << i;
	for (i = 1; i < li->nrot; i++)
		for (j = i; j > 0 && li->rot[j - 1].seq > li->rot[j].seq; j--) {
			struct rotation r = li->rot[j];
			li->rot[j] = li->rot[j - 1];
			li->rot[j - 1] = r;
		}
	for (i = 0; i < li->nrot; i++)
		if ((t >> li->rot[i].from & 1u) && !li->revoked[li->rot[i].to])
			t |= 1u << li->rot[i].to;
	return t;
}

/*
 * The payload header read by position (sdx__payload_read()): the layout sdx
 * writes, naming this ledger, this index and the signing key.  Version 2
 * lists the attachments in the header, so the body is not parsed; version
 * 1 only for records that cite none.  Key entries take the JSON path (their
 * body names the new key).  1 if read; 0 to take the JSON path instead.
 */
static int fast_payload(const struct ledger_info *li, uint64_t index,
			const sdx_dsse_envelope *env, int version, struct sdx__payload *h)
{
	if (!sdx__payload_read(h, (const char *)env->payload, env->payload_len, version) ||
	    !sdx__field_is(h->origin, h->origin_len, li->origin) || h->seq != index ||
	    !sdx__field_is(h->key, h->key_len, env->keyid) || sdx__field_is(h->type, h->type_len, "key"))
		return 0;
	return version == 2 || (!sdx__field_is(h->type, h->type_len, "declaration") &&
				!sdx__field_is(h->type, h->type_len, "batch"));
}

static int hash_in(const unsigned char (*list)[32], size_t n, const unsigned char h[32])
{
	size_t i;

	for (i = 0; i < n; i++)
		if (memcmp(list[i], h, 32) == 0)
			return 1;
	return 0;
}

/* The cited attachments from a parsed payload: what the body cites
 * (version 1), or the header's list (version 2), which with
 * SDX_BUNDLE_VERIFY_BODIES must be exactly what the body cites. */
static int payload_atts(unsigned char (**h)[32], size_t *n, const json_t *p, const char *type,
			int version, int bodies)
{
	const json_t *body = json_object_get(p, "body");
	unsigned char (*cited)[32] = NULL;
	size_t nc = 0, i;
	char hex[65];
	int err;

	if (version == 1)
		return sdx__record_attachments_json(h, n, type, body);
	if ((err = sdx__payload_atts_json(h, n, json_object_get(p, "attachments"))) < 0 || !bodies)
		return err;
	if ((err = sdx__record_attachments_json(&cited, &nc, type, body)) < 0)
		goto done;
	for (i = 0; i < nc && err == 0; i++)
		if (!hash_in((const unsigned char (*)[32])*h, *n, cited[i])) {
			sdx__hex(hex, cited[i], 32);
			err = sdx_error_set(SDX_EFORMAT, "the body cites attachment %s, which the "
					    "header does not list", hex);
		}
	for (i = 0; i < *n && err == 0; i++)
		if (!hash_in((const unsigned char (*)[32])cited, nc, (*h)[i])) {
			sdx__hex(hex, (*h)[i], 32);
			err = sdx_error_set(SDX_EFORMAT, "the header lists attachment %s, which the "
					    "body does not cite", hex);
		}
done:
	free(cited);
	if (err < 0) {
		free(*h);
		*h = NULL;
		*n = 0;
	}
	return err;
}

/* One entry: signature, payload, chain link, inclusion proof, cited evidence. */
static int check_entry(struct bv *b, struct ledger_info *li, uint64_t index,
		       const unsigned char *data, size_t len, unsigned char (*proof)[32], size_t plen,
		       unsigned char leaf[32], unsigned char prev[32], char type_out[SDX_TYPE_MAX + 1],
		       char time_out[21])
{
	sdx_dsse_envelope *env = NULL;
	unsigned char (*h)[32] = NULL;
	char what[SDX_NAME_MAX + 40];
	const char *s, *type;
	struct sdx__payload hd;
	json_t *p = NULL;
	size_t i, n = 0;
	int err = 0, signed_ok = 0, version;
	size_t signer = 0;

	snprintf(what, sizeof(what), "%s entry %" PRIu64, li->origin, index);
	if (index >= li->tree_size)
		return bad(b, SDX_EVERIFY, "%s: beyond the checkpoint%s", what, "");
	if (sdx_dsse_parse(&env, data, len) < 0)
		return bad(b, SDX_EVERIFY, "%s: %s", what, sdx_error_last());
	if (!(version = sdx__payload_version(env->payload_type))) {
		err = bad(b, SDX_EVERIFY, "%s: wrong payloadType '%.60s'", what, env->payload_type);
		goto done;
	}
	for (i = 0; i < li->nkeys && !signed_ok; i++) {
		char keyid[SDX_NAME_MAX + 16];
		snprintf(keyid, sizeof(keyid), "%s+%08" PRIx32, sdx_verifier_name(li->keys[i]),
			 sdx_verifier_keyid(li->keys[i]));
		signed_ok = strcmp(keyid, env->keyid) == 0 && sdx_dsse_verify(env, li->keys[i]) == 0;
		signer = i;
	}
	if (!signed_ok) {
		err = bad(b, SDX_EVERIFY, "%s: signature does not verify%s", what, "");
		goto done;
	}
	if (!b->bodies && fast_payload(li, index, env, version, &hd)) {
		memcpy(type_out, hd.type, hd.type_len);
		type_out[hd.type_len] = '\0';
		memcpy(time_out, hd.time, 21);
		memcpy(prev, hd.prev, 32);
		if (hd.natts && !(h = malloc(hd.natts * sizeof(*h)))) {
			err = sdx_error_set(SDX_ENOMEM, "out of memory");
			goto done;
		}
		for (n = 0; n < hd.natts; n++)
			sdx__payload_attachment(h[n], &hd, n);
		atomic_fetch_or(&li->signers, 1u << signer);
	} else {
		if (sdx__json_parse(&p, (const char *)env->payload, env->payload_len, 64, what) < 0 ||
		    !json_is_object(p)) {
			err = bad(b, SDX_EVERIFY, "%s: bad payload%s", what, "");
			goto done;
		}
		if (!(s = json_string_value(json_object_get(p, "origin"))) ||
		    strcmp(s, li->origin) != 0 || !json_is_integer(json_object_get(p, "seq")) ||
		    (uint64_t)json_integer_value(json_object_get(p, "seq")) != index ||
		    !(s = json_string_value(json_object_get(p, "key"))) || strcmp(s, env->keyid) != 0 ||
		    !json_is_integer(json_object_get(p, "version")) ||
		    json_integer_value(json_object_get(p, "version")) != version ||
		    !(type = json_string_value(json_object_get(p, "type"))) ||
		    sdx__hex32_parse(prev, json_string_value(json_object_get(p, "prev"))) < 0) {
			err = bad(b, SDX_EVERIFY, "%s: payload origin, seq, key, version, type or "
				  "prev is wrong%s", what, "");
			goto done;
		}
		s = json_string_value(json_object_get(p, "time"));
		if (strlen(type) > SDX_TYPE_MAX || !s || strlen(s) != 20) {
			err = bad(b, SDX_EVERIFY, "%s: payload type or time is malformed%s", what, "");
			goto done;
		}
		memcpy(type_out, type, strlen(type) + 1);
		memcpy(time_out, s, 21);
		/* what the ledger says counts only if a trusted key says it; a rotation
		 * only vouches for a key (trusted_keys()) */
		if (strcmp(type, "key") == 0)
			note_rotation(b, li, index, env->keyid,
				      json_string_value(json_object_get(json_object_get(p, "body"),
									"new_key")));
		else
			atomic_fetch_or(&li->signers, 1u << signer);
		if (payload_atts(&h, &n, p, type, version, b->bodies) < 0) {
			err = bad(b, SDX_EVERIFY, "%s: %s", what, sdx_error_last());
			goto done;
		}
	}
	sdx_merkle_leaf_hash(leaf, data, len);
	if (sdx_merkle_verify_inclusion(leaf, index, li->tree_size, li->root,
					(const unsigned char (*)[32])proof, plen) < 0) {
		err = bad(b, SDX_EVERIFY, "%s: inclusion proof does not lead to the checkpoint%s",
			  what, "");
		goto done;
	}
	for (i = 0; i < n; i++)
		if (!has_attachment(b, h[i])) {
			char hex[65];
			sdx__hex(hex, h[i], 32);
			err = bad(b, SDX_EVERIFY, "%s: cites attachment %s, which the bundle "
				  "lacks", what, hex);
			goto done;
		}
done:
	free(h);
	json_decref(p);
	sdx_dsse_envelope_free(env);
	return err;
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
	unsigned char leaf[32], prev[32];
	char type[SDX_TYPE_MAX + 1], time[21];
	int err;
	char msg[400];
};

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

	r->err = check_entry(bj->b, bj->li, r->index, r->data, r->len, r->proof, r->plen,
			     r->leaf, r->prev, r->type, r->time);
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

		if ((err = mread(er->mr, hdr, sizeof(hdr), &got)) < 0)
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
			return bad(b, SDX_EFORMAT, "member '%.200s': entries out of order%s", er->name, "");
		if (er->count >= er->max)
			return bad(b, SDX_ELIMIT, "member '%.200s': more entries than the limit "
				   "(raise it with --max-entries)%s", er->name, "");
		free(r->data);
		if (!(r->data = malloc(len ? len : 1)))
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		if ((err = mread(er->mr, r->data, len, &got)) < 0)
			return err;
		if (got != len)
			goto truncated;
		if ((err = mread(er->mr, &cnt, 1, &got)) < 0)
			return err;
		if (got != 1 || cnt > SDX_MERKLE_MAX_PROOF)
			goto truncated;
		if ((err = mread(er->mr, r->proof, 32 * (size_t)cnt, &got)) < 0)
			return err;
		if (got != 32 * (size_t)cnt)
			goto truncated;
		r->index = index;
		r->len = len;
		r->plen = cnt;
		r->err = 0;
		er->last = index;
		er->any = 1;
		er->count++;
		bytes += len;
		(*n)++;
	}
	return 0;
truncated:
	return bad(b, SDX_EFORMAT, "member '%.200s': truncated entry record%s", er->name, "");
}

/*
 * Entries are read in batches; while the workers check one batch (every
 * core), this thread reads the next; then the chain links of the checked
 * batch are followed in order and the sink is told.
 */
static int read_entries(struct bv *b, struct ledger_info *li, const char *name,
			struct mreader *mr, uint64_t size)
{
	struct entries_reader er;
	struct sdx__pool *pool = NULL;
	struct batch_job bj[2];
	struct rec *bufs[2] = { NULL, NULL }, *cur, *nxt, *t;
	unsigned char prev_leaf[32];
	uint64_t prev_index = 0;
	size_t ncur = 0, nnext = 0, i;
	int err = 0, read_err, have_prev = 0;

	(void)size;
	if (!li->have_cp)
		return bad(b, SDX_EFORMAT, "member '%.200s' before its checkpoint%s", name, "");
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
			if (have_prev && prev_index + 1 == r->index &&
			    memcmp(r->prev, prev_leaf, 32) != 0) {
				err = sdx_error_set(SDX_EVERIFY, "'%s': %s entry %" PRIu64 ": chain link "
						    "does not match the previous entry", b->path,
						    li->origin, r->index);
				goto done;
			}
			memcpy(prev_leaf, r->leaf, 32);
			prev_index = r->index;
			have_prev = 1;
			if (b->o->sink && b->o->sink->entry &&
			    (err = b->o->sink->entry(b->o->sink->ctx, li->origin, r->index, r->leaf,
						     r->type, r->time, r->data, r->len, li->tree_size,
						     (const unsigned char (*)[32])r->proof, r->plen)) != 0)
				goto done;
		}
		if (read_err < 0) {
			err = sdx_error_set(read_err, "%s", read_msg);
			goto done;
		}
		t = cur;
		cur = nxt;
		nxt = t;
		ncur = nnext;
	}
	if (er.count != li->entries) {
		err = bad(b, SDX_EVERIFY, "member '%.200s': entry count differs from the manifest%s",
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

static int read_member(struct bv *b, const char *name, uint64_t size, struct mreader *mr)
{
	struct member_info *m;
	struct ledger_info *li;
	unsigned char hash[32], buf[4096];
	const char *rest;
	size_t got;
	int err;

	b->rep->members++;
	if (!b->have_manifest)
		return read_manifest(b, name, size, mr->r);
	if (strncmp(name, "attachments/", 12) == 0) {
		/* self-certifying: named by their SHA-256, and each must be cited */
		sdx__sha256_init(&mr->h);
		if ((err = read_attachment(b, name, mr, size)) < 0)
			return err;
		return 0;
	}
	if (!(m = bsearch(name, b->m, b->nm, sizeof(*b->m), cmp_member)))
		return bad(b, SDX_EVERIFY, "member '%.200s' is not in the signed manifest%s", name, "");
	if (m->size != size)
		return bad(b, SDX_EVERIFY, "member '%.200s': size differs from the manifest%s", name, "");
	m->seen = 1;
	sdx__sha256_init(&mr->h);
	if ((li = ledger_of(b, name, &rest)) && strcmp(rest, "checkpoint") == 0)
		err = read_checkpoint(b, li, name, mr, size);
	else if (li && strcmp(rest, "consistency.json") == 0)
		err = read_consistency(b, li, name, mr, size);
	else if (li && strcmp(rest, "entries") == 0)
		err = read_entries(b, li, name, mr, size);
	else
		err = bad(b, SDX_EFORMAT, "member '%.200s': unknown kind of member%s", name, "");
	if (err < 0)
		return err;
	/* whatever the reader left unread still counts towards the hash */
	do {
		if ((err = mread(mr, buf, sizeof(buf), &got)) < 0)
			return err;
	} while (got);
	sdx__sha256_final(&mr->h, hash);
	if (mr->n != size || memcmp(hash, m->sha, 32) != 0)
		return bad(b, SDX_EVERIFY, "member '%.200s': SHA-256 does not match the manifest%s",
			   name, "");
	return 0;
}

static int on_member(void *ctx, const char *name, uint64_t size, struct sdx_tar_reader *r)
{
	struct mreader mr;
	int err;

	memset(&mr, 0, sizeof(mr));
	mr.r = r;
	err = read_member(ctx, name, size, &mr);
	sdx__sha256_clear(&mr.h);
	return err;
}

int sdx_bundle_verify(const char *path, const sdx_bundle_verify_options *opts,
		      sdx_bundle_report *out)
{
	sdx_bundle_verify_options def = SDX_BUNDLE_VERIFY_OPTIONS_INIT;
	struct sdx_tar_limits lim = SDX_TAR_LIMITS_INIT;
	sdx_bundle_report rep;
	struct bv b;
	size_t i, k;
	int err;

	lim.canonical = 1; /* any byte of the file that is not sdx's encoding is refused */
	lim.stream_suffix = "/entries"; /* read record by record: bounded by the total */
	memset(&rep, 0, sizeof(rep));
	memset(&b, 0, sizeof(b));
	if ((err = sdx__init()) < 0)
		return err;
	b.path = path;
	b.o = opts ? opts : &def;
	b.bodies = b.o->version >= 2 && (b.o->flags & SDX_BUNDLE_VERIFY_BODIES);
	b.rep = &rep;
	if (b.o->max_member)
		lim.max_member = b.o->max_member;
	if (b.o->max_total)
		lim.max_total = b.o->max_total;
	if ((err = sdx__tar_read(path, &lim, on_member, &b)) < 0)
		goto done;
	if (!b.have_manifest) {
		err = sdx_error_set(SDX_EFORMAT, "'%s': empty bundle", path);
		goto done;
	}
	for (i = 0; i < b.nm; i++)
		if (!b.m[i].seen) {
			err = bad(&b, SDX_EVERIFY, "member '%.200s' is listed in the manifest but "
				  "missing%s", b.m[i].name, "");
			goto done;
		}
	if (b.natts != b.manifest_atts) {
		err = sdx_error_set(SDX_EVERIFY, "'%s': the signed manifest counts %" PRIu64
				    " attachments, the bundle holds %zu", path, b.manifest_atts,
				    b.natts);
		goto done;
	}
	for (i = 0; i < b.natts; i++)
		if (!atomic_load(&b.cited[i])) {
			char hex[65];
			sdx__hex(hex, b.atts[i], 32);
			err = sdx_error_set(SDX_EVERIFY, "'%s': member 'attachments/%s' is cited by no "
					    "entry of the bundle", path, hex);
			goto done;
		}
	for (i = 0; i < b.nled; i++) {
		if (!b.led[i].have_cp) {
			err = bad(&b, SDX_EVERIFY, "ledger '%s' has no checkpoint in the bundle%s",
				  b.led[i].origin, "");
			goto done;
		}
		{
			struct ledger_info *li = &b.led[i];
			unsigned used = atomic_load(&li->signers), t = trusted_keys(li);
			for (k = 0; k < li->nkeys; k++)
				if ((used >> k & 1u) && li->revoked[k]) {
					err = sdx_error_set(SDX_EUNTRUSTED, "'%s': ledger '%s' signs with "
							    "key %s+%08" PRIx32 ", which you revoked",
							    path, li->origin, li->origin,
							    sdx_verifier_keyid(li->keys[k]));
					goto done;
				}
			/* trusted only if every signature in it is by a trusted key: a
			 * trusted key listed beside another lends that one no trust */
			li->trusted = used != 0 && (used & ~t) == 0;
			for (k = 0; li->trusted && b.o->sink && b.o->sink->key && k < li->nkeys; k++)
				if ((t >> k & 1u) &&
				    (err = b.o->sink->key(b.o->sink->ctx, li->keys[k],
							  !li->key_ok[k])) != 0)
					goto done;
		}
		rep.ledgers[i].trusted = b.led[i].trusted;
		if (!b.led[i].trusted)
			b.untrusted = 1;
		/* a producer key signed in by a rotation of its own trusted ledger */
		if (b.producer_untrusted && b.led[i].trusted && strcmp(b.led[i].origin, rep.producer) == 0) {
			unsigned t = trusted_keys(&b.led[i]);
			for (k = 0; k < b.led[i].nkeys; k++)
				if ((t >> k & 1u) && !memcmp(sdx_verifier_public_key(b.led[i].keys[k]),
							     b.producer_pk, 32)) {
					b.producer_untrusted = 0;
					rep.producer_trusted = 1;
				}
		}
	}
	if (b.producer_untrusted)
		b.untrusted = 1;
	if (b.untrusted) {
		for (i = 0; i < b.nled && b.led[i].trusted; i++)
			;
		err = sdx_error_set(SDX_EUNTRUSTED, "'%s': valid, but signed by a key you do not "
				    "trust: %s", path, i < b.nled ? b.led[i].origin : rep.producer);
	}
done:
	for (i = 0; i < b.nm; i++)
		free(b.m[i].name);
	free(b.m);
	for (i = 0; i < SDX_BUNDLE_MAX_LEDGERS; i++)
		for (k = 0; k < b.led[i].nkeys; k++)
			sdx_verifier_free(b.led[i].keys[k]);
	free(b.atts);
	free(b.cited);
	if (out)
		*out = rep;
	return err;
}
