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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/bundle/verify.h"

int sdx__bv_read(struct mreader *m, void *buf, size_t want, size_t *got_total)
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

int sdx__bv_trusted(const struct bv *b, const sdx_verifier *v)
{
	size_t i;

	for (i = 0; i < b->o->n_trusted; i++)
		if (memcmp(sdx_verifier_public_key(b->o->trusted[i]), sdx_verifier_public_key(v), 32) == 0 &&
		    strcmp(sdx_verifier_name(b->o->trusted[i]), sdx_verifier_name(v)) == 0)
			return 1;
	return 0;
}

int sdx__bv_revoked(const struct bv *b, const sdx_verifier *v)
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

int sdx__bv_bad(struct bv *b, int code, const char *fmt, const char *a, const char *c)
{
	char msg[600];

	snprintf(msg, sizeof(msg), fmt, a, c);
	return sdx_error_set(code, "'%s': %s", b->path, msg);
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

/* Who the verifier trusts in a ledger (bit k: key k): the keys it trusts and
 * has not revoked, and those that rotations by them signed in. */
static unsigned trusted_keys(const struct ledger_info *li)
{
	unsigned ok = 0, revoked = 0;
	size_t i;

	for (i = 0; i < li->chain.nkeys && i < MAX_KEYS; i++) {
		ok |= (unsigned)(li->key_ok[i] != 0) << i;
		revoked |= (unsigned)(li->revoked[i] != 0) << i;
	}
	return sdx__chain_trusted(&li->chain, ok, revoked);
}

/* The trusted keys the caller holds for an origin name: how many. */
static size_t trusted_named(const struct bv *b, const char *origin)
{
	size_t i, n = 0;

	for (i = 0; i < b->o->n_trusted; i++)
		n += strcmp(sdx_verifier_name(b->o->trusted[i]), origin) == 0;
	return n;
}

/*
 * The untrusted result names the key, not only the origin: an origin name is
 * a label anyone can write, and a ledger that uses a trusted party's name
 * under a key of its own must be seen as what it is.
 */
static int untrusted(const struct bv *b)
{
	sdx_verifier *pv = NULL;
	const char *origin = b->rep->producer;
	uint32_t keyid = 0;
	size_t i, k, named;
	int have = 0;

	for (i = 0; i < b->nled && b->led[i].trusted; i++)
		;
	if (i < b->nled) {
		const struct ledger_info *li = &b->led[i];
		unsigned bad = li->signers & ~trusted_keys(li);

		origin = li->origin;
		for (k = 0; k < li->chain.nkeys && !(bad >> k & 1u); k++)
			;
		if ((have = k < li->chain.nkeys))
			keyid = sdx_verifier_keyid(li->chain.v[k]);
	} else if ((have = sdx_verifier_parse(&pv, b->rep->producer_vkey) == 0)) {
		keyid = sdx_verifier_keyid(pv);
	}
	sdx_verifier_free(pv);
	if (!have)
		return sdx_error_set(SDX_EUNTRUSTED, "'%s': valid, but signed by a key you do not "
				     "trust: %s", b->path, origin);
	named = trusted_named(b, origin);
	return sdx_error_set(SDX_EUNTRUSTED, "'%s': valid, but signed by a key you do not trust: "
			     "%s+%08" PRIx32 "%s%s%s", b->path, origin, keyid,
			     named ? " (not the key you trust for " : "", named ? origin : "",
			     named ? ")" : "");
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
		return sdx__bv_manifest(b, name, size, mr->r);
	if (strncmp(name, "attachments/", 12) == 0) {
		/* self-certifying: named by their SHA-256, and each must be cited */
		sdx__sha256_init(&mr->h);
		if ((err = sdx__bv_attachment(b, name, mr, size)) < 0)
			return err;
		return 0;
	}
	if (!(m = bsearch(name, b->m, b->nm, sizeof(*b->m), cmp_member)))
		return sdx__bv_bad(b, SDX_EVERIFY, "member '%.200s' is not in the signed manifest%s", name, "");
	if (m->size != size)
		return sdx__bv_bad(b, SDX_EVERIFY, "member '%.200s': size differs from the manifest%s", name, "");
	m->seen = 1;
	sdx__sha256_init(&mr->h);
	if ((li = ledger_of(b, name, &rest)) && strcmp(rest, "checkpoint") == 0)
		err = sdx__bv_checkpoint(b, li, name, mr, size);
	else if (li && strcmp(rest, "consistency.json") == 0)
		err = sdx__bv_consistency(b, li, name, mr, size);
	else if (li && b->format >= 2 && strcmp(rest, "disclosures.json") == 0)
		err = sdx__bv_disclosures(b, li, name, mr, size);
	else if (li && strcmp(rest, "entries") == 0)
		err = sdx__bv_entries(b, li, name, mr, size);
	else
		err = sdx__bv_bad(b, SDX_EFORMAT, "member '%.200s': unknown kind of member%s", name, "");
	if (err < 0)
		return err;
	/* whatever the reader left unread still counts towards the hash */
	do {
		if ((err = sdx__bv_read(mr, buf, sizeof(buf), &got)) < 0)
			return err;
	} while (got);
	sdx__sha256_final(&mr->h, hash);
	if (mr->n != size || memcmp(hash, m->sha, 32) != 0)
		return sdx__bv_bad(b, SDX_EVERIFY, "member '%.200s': SHA-256 does not match the manifest%s",
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

int sdx_bundle_verify(sdx_bundle_report **out, const char *path,
		      const sdx_bundle_verify_options *opts)
{
	sdx_bundle_verify_options def = SDX_BUNDLE_VERIFY_OPTIONS_INIT;
	struct sdx_tar_limits lim = SDX_TAR_LIMITS_INIT;
	sdx_bundle_report *rep;
	struct bv b;
	size_t i, k;
	int err;

	lim.canonical = 1; /* any byte of the file that is not sdx's encoding is refused */
	lim.stream_suffix = "/entries"; /* read record by record: bounded by the total */
	memset(&b, 0, sizeof(b));
	if (out)
		*out = NULL;
	if ((err = sdx__init()) < 0)
		return err;
	b.path = path;
	b.o = opts ? opts : &def;
	if ((err = sdx__options_check(b.o->version, SDX_BUNDLE_VERIFY_OPTIONS_VERSION,
				      "sdx_bundle_verify")) < 0)
		return err;
	if (!(rep = calloc(1, sizeof(*rep))))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	b.bodies = b.o->version >= 2 && (b.o->flags & SDX_BUNDLE_VERIFY_BODIES);
	b.signatures = b.o->version >= 2 && (b.o->flags & SDX_BUNDLE_VERIFY_SIGNATURES);
	b.rep = rep;
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
			err = sdx__bv_bad(&b, SDX_EVERIFY, "member '%.200s' is listed in the manifest but "
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
			err = sdx__bv_bad(&b, SDX_EVERIFY, "ledger '%s' has no checkpoint in the bundle%s",
				  b.led[i].origin, "");
			goto done;
		}
		{
			struct ledger_info *li = &b.led[i];
			unsigned used = li->signers, t = trusted_keys(li);
			for (k = 0; k < li->chain.nkeys; k++)
				if ((used >> k & 1u) && li->revoked[k]) {
					err = sdx_error_set(SDX_EUNTRUSTED, "'%s': ledger '%s' signs with "
							    "key %s+%08" PRIx32 ", which you revoked",
							    path, li->origin, li->origin,
							    sdx_verifier_keyid(li->chain.v[k]));
					goto done;
				}
			/* trusted only if every signature in it is by a trusted key: a
			 * trusted key listed beside another lends that one no trust */
			li->trusted = used != 0 && (used & ~t) == 0;
			for (k = 0; li->trusted && b.o->sink && b.o->sink->key && k < li->chain.nkeys; k++)
				if ((t >> k & 1u) &&
				    (err = b.o->sink->key(b.o->sink->ctx, li->chain.v[k],
							  !li->key_ok[k])) != 0)
					goto done;
		}
		rep->ledgers[i].trusted = b.led[i].trusted;
		if (!b.led[i].trusted)
			b.untrusted = 1;
		/* a producer key signed in by a rotation of its own trusted ledger */
		if (b.producer_untrusted && b.led[i].trusted && strcmp(b.led[i].origin, rep->producer) == 0) {
			unsigned t = trusted_keys(&b.led[i]);
			for (k = 0; k < b.led[i].chain.nkeys; k++)
				if ((t >> k & 1u) && !memcmp(sdx_verifier_public_key(b.led[i].chain.v[k]),
							     b.producer_pk, 32)) {
					b.producer_untrusted = 0;
					rep->producer_trusted = 1;
				}
		}
	}
	if (b.producer_untrusted)
		b.untrusted = 1;
	if (b.untrusted)
		err = untrusted(&b);
done:
	for (i = 0; i < b.nm; i++)
		free(b.m[i].name);
	free(b.m);
	for (i = 0; i < SDX_BUNDLE_MAX_LEDGERS; i++) {
		sdx__chain_free(&b.led[i].chain);
		sdx__bv_disc_free(&b.led[i]);
	}
	free(b.atts);
	free(b.cited);
	if (out)
		*out = rep;
	else
		sdx_bundle_report_free(rep);
	return err;
}
