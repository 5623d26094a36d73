/*
 * ledger/chain.c - one ledger's entries checked in order (ledger/chain.h):
 * the signing key of each entry, seq and prev links, genesis, rotations.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/chain.h"
#include "ledger/internal.h"

void sdx__chain_init(struct sdx__chain *c, const char *origin, int history)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->origin, sizeof(c->origin), "%s", origin);
	c->history = history;
}

int sdx__chain_add_key(struct sdx__chain *c, const sdx_verifier *v, uint64_t since)
{
	struct sdx__chain_key *k;
	char *vkey = NULL;
	int err;

	if (c->nkeys == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 4;
		sdx_verifier **nv = realloc(c->v, cap * sizeof(*nv));
		struct sdx__chain_key *nk;
		if (!nv)
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		c->v = nv;
		if (!(nk = realloc(c->k, cap * sizeof(*nk))))
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		c->k = nk;
		c->cap = cap;
	}
	k = &c->k[c->nkeys];
	memset(k, 0, sizeof(*k));
	k->since = since;
	if ((err = sdx_verifier_new(&c->v[c->nkeys], sdx_verifier_name(v),
				    sdx_verifier_public_key(v))) < 0)
		return err;
	c->nkeys++;
	snprintf(k->keyid, sizeof(k->keyid), "%s+%08" PRIx32, sdx_verifier_name(v),
		 sdx_verifier_keyid(v));
	if ((err = sdx_verifier_format(&vkey, v)) < 0)
		return err;
	snprintf(k->vkey, sizeof(k->vkey), "%s", vkey);
	free(vkey);
	return 0;
}

void sdx__chain_free(struct sdx__chain *c)
{
	size_t i;

	for (i = 0; i < c->nkeys; i++)
		sdx_verifier_free(c->v[i]);
	free(c->v);
	free(c->k);
	free(c->rot);
	c->v = NULL;
	c->k = NULL;
	c->rot = NULL;
	c->nkeys = c->cap = c->nrot = c->rotcap = 0;
}

size_t sdx__chain_key_at(const struct sdx__chain *c, uint64_t idx)
{
	size_t i = c->nkeys;

	while (i > 1 && c->k[i - 1].since > idx)
		i--;
	return i - 1;
}

static int failed(struct sdx__entry *e, enum sdx__entry_fault_kind kind, const char *a)
{
	e->fault.kind = kind;
	snprintf(e->fault.a, sizeof(e->fault.a), "%s", a ? a : "");
	return SDX_EVERIFY;
}

int sdx__chain_signer(const struct sdx__chain *c, struct sdx__entry *e, uint64_t idx,
		      size_t *signer)
{
	size_t i;

	if (c->history) {
		i = sdx__chain_key_at(c, idx);
		if (strcmp(e->env->keyid, c->k[i].keyid) != 0) {
			snprintf(e->fault.b, sizeof(e->fault.b), "%s", c->k[i].keyid);
			return failed(e, SDX__ENTRY_SIGNER, e->env->keyid);
		}
		if (sdx_dsse_verify(e->env, c->v[i]) < 0)
			return failed(e, SDX__ENTRY_SIGNATURE, NULL);
		*signer = i;
		return 0;
	}
	for (i = 0; i < c->nkeys; i++)
		if (strcmp(c->k[i].keyid, e->env->keyid) == 0 && sdx_dsse_verify(e->env, c->v[i]) == 0) {
			*signer = i;
			return 0;
		}
	return failed(e, SDX__ENTRY_SIGNATURE, NULL);
}

int sdx__chain_needs_body(uint64_t idx, const char *type)
{
	return idx == 0 || strcmp(type, "genesis") == 0 || strcmp(type, "key") == 0;
}

/* The key a rotation entry at idx names, or SIZE_MAX (a bundle: one it does
 * not list); -1 if a ledger's list does not have it next. */
static int rotation(const struct sdx__chain *c, const struct sdx__entry *e, uint64_t idx,
		    size_t *to)
{
	const char *s = json_string_value(json_object_get(sdx__entry_body(e), "new_key"));
	sdx_verifier *nv = NULL;
	size_t i;

	*to = SIZE_MAX;
	if (c->history) {
		/* the next entry on is signed by the key it names */
		for (i = 1; i < c->nkeys && c->k[i].since != idx + 1; i++)
			;
		if (!s || i == c->nkeys || strcmp(s, c->k[i].vkey) != 0)
			return -1;
		*to = i;
		return 0;
	}
	if (!s || sdx_verifier_parse(&nv, s) < 0)
		return 0;
	for (i = 0; i < c->nkeys; i++)
		if (!memcmp(sdx_verifier_public_key(c->v[i]), sdx_verifier_public_key(nv), 32))
			break;
	sdx_verifier_free(nv);
	if (i < c->nkeys)
		*to = i;
	return 0;
}

int sdx__chain_entry(const struct sdx__chain *c, struct sdx__entry *e, uint64_t idx,
		     size_t signer, const unsigned char leaf[32], struct sdx__chain_link *out)
{
	const char *type = e->h.type, *s;

	out->index = idx;
	out->seq = e->h.seq;
	out->version = e->h.version;
	memcpy(out->leaf, leaf, 32);
	memcpy(out->prev, e->h.prev, 32);
	/* what the next entry's link names if it is version 3 */
	sdx__sha256(out->payload, e->env->payload, e->env->payload_len);
	out->signer = signer;
	out->rotates_to = SIZE_MAX;
	if ((idx == 0) != (strcmp(type, "genesis") == 0))
		return failed(e, idx == 0 ? SDX__ENTRY_GENESIS_FIRST : SDX__ENTRY_GENESIS_LATE, NULL);
	if (idx == 0) {
		s = json_string_value(json_object_get(sdx__entry_body(e), "origin"));
		if (!s || strcmp(s, c->origin) != 0)
			return failed(e, SDX__ENTRY_GENESIS_ORIGIN, c->origin);
		s = json_string_value(json_object_get(sdx__entry_body(e), "key"));
		if (c->history && (!s || strcmp(s, c->k[0].vkey) != 0))
			return failed(e, SDX__ENTRY_GENESIS_KEY, NULL);
	}
	if (strcmp(type, "key") == 0 && rotation(c, e, idx, &out->rotates_to) < 0)
		return failed(e, SDX__ENTRY_ROTATION, NULL);
	return 0;
}

int sdx__chain_step(struct sdx__chain *c, const struct sdx__chain_link *lk,
		    struct sdx__entry_fault *f)
{
	static const unsigned char zero[32];

	f->kind = SDX__ENTRY_OK;
	if (lk->seq != lk->index) {
		f->kind = SDX__ENTRY_SEQ_ORDER;
		f->n = lk->seq;
		return SDX_EVERIFY;
	}
	if (lk->index == 0 ? memcmp(lk->prev, zero, 32) != 0
			   : c->have_prev && c->prev_index + 1 == lk->index &&
			     memcmp(lk->prev, lk->version >= 3 ? c->prev_payload : c->prev_leaf,
				    32) != 0) {
		f->kind = lk->version >= 3 ? SDX__ENTRY_LINK_PAYLOAD : SDX__ENTRY_LINK;
		f->n = lk->index;
		return SDX_EVERIFY;
	}
	if (lk->rotates_to != SIZE_MAX) {
		if (c->nrot == c->rotcap) {
			size_t cap = c->rotcap ? 2 * c->rotcap : 8;
			struct sdx__chain_rotation *r = realloc(c->rot, cap * sizeof(*r));
			if (!r)
				return sdx_error_set(SDX_ENOMEM, "out of memory");
			c->rot = r;
			c->rotcap = cap;
		}
		c->rot[c->nrot].seq = lk->index;
		c->rot[c->nrot].from = lk->signer;
		c->rot[c->nrot].to = lk->rotates_to;
		c->nrot++;
		c->k[lk->rotates_to].introduced = 1;
	}
	memcpy(c->prev_leaf, lk->leaf, 32);
	memcpy(c->prev_payload, lk->payload, 32);
	c->prev_index = lk->index;
	c->have_prev = 1;
	return 0;
}

size_t sdx__chain_unintroduced(const struct sdx__chain *c, uint64_t entries)
{
	size_t k;

	for (k = 1; k < c->nkeys; k++)
		if (!c->k[k].introduced || c->k[k].since > entries)
			return k;
	return SIZE_MAX;
}

unsigned sdx__chain_trusted(const struct sdx__chain *c, unsigned trusted, unsigned revoked)
{
	unsigned t = trusted & ~revoked;
	size_t i;

	for (i = 0; i < c->nrot; i++)
		if ((t >> c->rot[i].from & 1u) && !(revoked >> c->rot[i].to & 1u))
			t |= 1u << c->rot[i].to;
	return t;
}
