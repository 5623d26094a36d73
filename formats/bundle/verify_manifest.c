/*
 * formats/bundle/verify_manifest.c - the first member of a bundle: the signed
 * manifest (formats/bundle.md), checked before anything in it is believed.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/bundle/verify.h"
#include "sdx/dsse.h"
#include "sdx/merkle.h"

static int load_manifest(struct bv *b, json_t *j)
{
	const char *fmt = json_string_value(json_object_get(j, "format"));
	json_t *members = json_object_get(j, "members"), *ledgers = json_object_get(j, "ledgers");
	json_t *natts = json_object_get(j, "attachments");

	if (!json_is_integer(natts) || json_integer_value(natts) < 0)
		return sdx__bv_bad(b, SDX_EFORMAT, "manifest: 'attachments' (their number) missing%s%s", "",
			   "");
	b->manifest_atts = (uint64_t)json_integer_value(natts);
	json_t *v, *k;
	size_t i, x;
	int err;

	if (!fmt || strncmp(fmt, "sdx-bundle/", 11) != 0)
		return sdx__bv_bad(b, SDX_EFORMAT, "manifest: not an sdx bundle manifest%s%s", "", "");
	if (strcmp(fmt, SDX_BUNDLE_FORMAT) != 0 && strcmp(fmt, SDX_BUNDLE_FORMAT_2) != 0)
		return sdx__bv_bad(b, SDX_EFORMAT, "bundle format '%.40s' is not supported (this sdx reads "
			   "%s and 2); upgrade sdx", fmt, SDX_BUNDLE_FORMAT);
	b->format = strcmp(fmt, SDX_BUNDLE_FORMAT_2) == 0 ? 2 : 1;
	if (!json_is_array(members) || !json_is_array(ledgers) || json_array_size(ledgers) == 0 ||
	    json_array_size(ledgers) > SDX_BUNDLE_MAX_LEDGERS)
		return sdx__bv_bad(b, SDX_EFORMAT, "manifest: 'members' or 'ledgers' missing or too many%s%s",
			   "", "");
	if (!(b->m = calloc(json_array_size(members) + 1, sizeof(*b->m))))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	json_array_foreach(members, i, v) {
		const char *name = json_string_value(json_object_get(v, "name"));
		json_t *size = json_object_get(v, "size");

		if (!name || !json_is_integer(size) || json_integer_value(size) < 0 ||
		    sdx__hex32_parse(b->m[i].sha, json_string_value(json_object_get(v, "sha256"))) < 0)
			return sdx__bv_bad(b, SDX_EFORMAT, "manifest: members[%s]: needs name, sha256 and size%s",
				   "", "");
		if (i > 0 && strcmp(b->m[i - 1].name, name) >= 0)
			return sdx__bv_bad(b, SDX_EFORMAT, "manifest: member '%.200s' is out of order or "
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
			return sdx__bv_bad(b, SDX_EFORMAT, "manifest: ledgers[%s]: needs origin, keys, "
				   "tree_size and entries%s", "", "");
		snprintf(li->origin, sizeof(li->origin), "%s", origin);
		li->tree_size = (uint64_t)json_integer_value(json_object_get(v, "tree_size"));
		li->entries = (uint64_t)json_integer_value(json_object_get(v, "entries"));
		sdx__chain_init(&li->chain, origin, 0);
		json_array_foreach(keys, x, k) {
			sdx_verifier *kv = NULL;
			if (!json_is_string(k) || sdx_verifier_parse(&kv, json_string_value(k)) < 0)
				return sdx__bv_bad(b, SDX_EFORMAT, "manifest: ledger '%s': bad key%s", origin, "");
			err = sdx__chain_add_key(&li->chain, kv, 0);
			sdx_verifier_free(kv);
			if (err < 0)
				return err;
			kv = li->chain.v[x];
			if (strcmp(sdx_verifier_name(kv), origin) != 0)
				return sdx__bv_bad(b, SDX_EFORMAT, "manifest: ledger '%s': key named '%s'",
					   origin, sdx_verifier_name(kv));
			li->revoked[x] = (unsigned char)sdx__bv_revoked(b, kv);
			li->key_ok[x] = (unsigned char)(sdx__bv_trusted(b, kv) && !li->revoked[x]);
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

int sdx__bv_manifest(struct bv *b, const char *name, uint64_t size, struct sdx_tar_reader *r)
{
	struct mreader mr;
	sdx_dsse_envelope *env = NULL;
	sdx_verifier *pv = NULL;
	json_t *j = NULL;
	const char *s;
	char *buf = NULL, keyid[SDX_NAME_MAX + 16];
	size_t got, i;
	int err, tofu = b->o->trust_on_first_use;

	memset(&mr, 0, sizeof(mr));
	mr.r = r;
	if (strcmp(name, SDX_BUNDLE_MANIFEST) != 0)
		return sdx__bv_bad(b, SDX_EFORMAT, "not an sdx bundle (first member is '%.200s', not %s)",
			   name, SDX_BUNDLE_MANIFEST);
	if (size > SDX_BUNDLE_MAX_MANIFEST)
		return sdx__bv_bad(b, SDX_ELIMIT, "%s: larger than the manifest limit%s", name, "");
	if (!(buf = malloc((size_t)size + 1)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	sdx__sha256_init(&mr.h);
	if ((err = sdx__bv_read(&mr, buf, (size_t)size, &got)) < 0)
		goto done;
	if (got != size) {
		err = sdx__bv_bad(b, SDX_EFORMAT, "%s: truncated%s", name, "");
		goto done;
	}
	if ((err = sdx_dsse_parse_max(&env, buf, got, SDX_BUNDLE_MAX_MANIFEST)) < 0 ||
	    strcmp(env->payload_type, SDX_BUNDLE_PAYLOAD_TYPE) != 0) {
		err = sdx__bv_bad(b, SDX_EFORMAT, "%s: not a bundle manifest envelope (%s)", name,
			  err < 0 ? sdx_error_last() : "wrong payloadType");
		goto done;
	}
	/* the envelope is well formed, so a payload that is not JSON was damaged */
	if ((err = sdx__json_parse(&j, (const char *)env->payload, env->payload_len, 8,
				   "manifest")) < 0) {
		err = sdx__bv_bad(b, SDX_EVERIFY, "%s: the signed manifest is corrupt (%s)", name,
			  sdx_error_last());
		goto done;
	}
	if (!json_is_object(j) || !(s = json_string_value(json_object_get(j, "producer_key"))) ||
	    sdx_verifier_parse(&pv, s) < 0) {
		err = sdx__bv_bad(b, SDX_EFORMAT, "%s: manifest has no valid producer_key%s", name, "");
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
		err = sdx__bv_bad(b, SDX_EVERIFY, "%s: the producer's signature does not verify%s", name, "");
		goto done;
	}
	if (sdx__bv_revoked(b, pv)) {
		err = sdx_error_set(SDX_EUNTRUSTED, "'%s': signed by %s, a key you revoked", b->path,
				    keyid);
		goto done;
	}
	b->rep->producer_trusted = sdx__bv_trusted(b, pv);
	if ((err = load_manifest(b, j)) < 0)
		goto done;
	/* trust on first use: the producer's own ledger, keyed as the manifest says,
	 * but only first: where a key of that origin name is trusted already, a
	 * ledger under another key is not that party's */
	for (i = 0; i < b->o->n_trusted && tofu; i++)
		tofu = strcmp(sdx_verifier_name(b->o->trusted[i]), b->rep->producer) != 0;
	for (i = 0; i < b->nled; i++) {
		if (tofu && strcmp(b->led[i].origin, b->rep->producer) == 0) {
			b->led[i].trusted = 1;
			memset(b->led[i].key_ok, 1, sizeof(b->led[i].key_ok));
		}
		b->rep->ledgers[i].trusted = b->led[i].trusted;
	}
	/* decided at the end: the producer's own ledger may have rotated to this key */
	if (!b->rep->producer_trusted && !tofu)
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
