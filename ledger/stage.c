/*
 * ledger/stage.c - appends signed on every core (sdx declare --jsonl).
 *
 * A version 3 payload links to the hash of the payload before it, which is
 * known as soon as that payload is built, not once it is signed
 * (formats/ledger.md, "Entries").  So the payloads of a run of appends are
 * built in order on the calling thread, signed (and their envelopes hashed)
 * by the worker pool, and stored in order by the flush, under one savepoint:
 * if any of them fails, none of them is left.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/store.h"
#include "ledger/indexer.h"
#include "ledger/entry.h"
#include "sdx/dsse.h"

#define STAGE_MAX 256 /* appends signed together; the next one flushes */

struct staged {
	char *payload, *env;
	unsigned char *data;             /* the stored form */
	size_t plen, env_len, data_len;
	char type[SDX_TYPE_MAX + 1];
	char time[21];
	unsigned char leaf[32];
	sdx_entry_info *out;
	int err;
	char msg[300];
};

struct sdx__stage {
	const sdx_signer *key;
	struct sdx__pool *pool;          /* NULL if no thread could start: sign here */
	struct staged item[STAGE_MAX];
	size_t n;
	unsigned char stored_prev[32];   /* l->prev_payload before the first staged */
	int pool_tried;
};

static void staged_clear(struct staged *s)
{
	free(s->payload);
	free(s->env);
	free(s->data);
	memset(s, 0, sizeof(*s));
}

void sdx__stage_discard(sdx_ledger *l)
{
	size_t i;

	if (!l->stage)
		return;
	for (i = 0; i < l->stage->n; i++)
		staged_clear(&l->stage->item[i]);
	if (l->stage->n)
		memcpy(l->prev_payload, l->stage->stored_prev, 32);
	l->stage->n = 0;
}

void sdx__stage_free(sdx_ledger *l)
{
	if (!l->stage)
		return;
	sdx__stage_discard(l);
	sdx__pool_free(l->stage->pool);
	free(l->stage);
	l->stage = NULL;
}

/* On a worker: the signature, and the leaf hash of the envelope. */
static void sign_one(void *ctx, size_t i)
{
	sdx_ledger *l = ctx;
	struct staged *s = &l->stage->item[i];

	s->err = sdx__sign_entry(&s->env, &s->env_len, &s->data, &s->data_len, l->keyid,
				 l->stage->key, s->payload, s->plen);
	if (s->err < 0) {
		snprintf(s->msg, sizeof(s->msg), "%s", sdx_error_last());
		return;
	}
	sdx_merkle_leaf_hash(s->leaf, s->env, s->env_len);
}

static int store_all(sdx_ledger *l)
{
	struct sdx__stage *st = l->stage;
	size_t i;
	int err = 0;

	for (i = 0; i < st->n && err == 0; i++) {
		struct staged *s = &st->item[i];
		if (s->err < 0) {
			err = sdx_error_set(s->err, "%s", s->msg);
			break;
		}
		if ((err = sdx__store_entry(l, s->type, s->time, s->leaf, s->env, s->env_len, s->data,
					    s->data_len, s->payload, s->plen)) < 0)
			break;
		if (s->out) {
			s->out->index = l->size - 1;
			memcpy(s->out->leaf_hash, s->leaf, 32);
			memcpy(s->out->time, s->time, 21);
		}
	}
	return err;
}

int sdx__stage_flush(sdx_ledger *l)
{
	struct sdx__stage *st = l->stage;
	int hooks = sdx__indexers_active(), err, reload;
	size_t i;

	if (!st || st->n == 0)
		return 0;
	if (st->pool) {
		sdx__pool_submit(st->pool, sign_one, l, st->n);
		sdx__pool_wait(st->pool);
	} else {
		for (i = 0; i < st->n; i++)
			sign_one(l, i);
	}
	if (hooks && (err = sdx__savepoint(l, SDX__SAVEPOINT_BEGIN)) < 0) {
		sdx__stage_discard(l);
		return err;
	}
	err = store_all(l);
	if (hooks)
		err = sdx__savepoint_end(l, err);
	/* undone: the tree, size and links are the file's again */
	reload = err < 0;
	for (i = 0; i < st->n; i++)
		staged_clear(&st->item[i]);
	st->n = 0;
	if (reload && sdx__load_tree(l) < 0)
		sdx_error_clear(); /* the error that undid them is the one to report */
	return err;
}

int sdx__append_stage(sdx_ledger *l, const sdx_signer *key, const char *type, const char *body,
		      size_t len, const unsigned char (*atts)[32], size_t natts,
		      const char *index, size_t index_len, sdx_entry_info *out)
{
	struct sdx__stage *st;
	struct staged *s;
	int err;

	if (!l->in_tx)
		return sdx_error_set(SDX_EINVAL, "'%s': append outside a transaction", l->path);
	if (memcmp(sdx_signer_public_key(key), sdx_verifier_public_key(l->key), 32) != 0)
		return sdx_error_set(SDX_EUNTRUSTED, "'%s': key '%s' is not this ledger's key",
				     l->path, sdx_signer_name(key));
	if (!index)
		return sdx__append_raw(l, key, type, body, len, atts, natts, NULL, 0, out);
	if (!l->stage && !(l->stage = calloc(1, sizeof(*l->stage))))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	st = l->stage;
	if (!st->pool_tried) {
		st->pool_tried = 1;
		if (sdx__pool_new(&st->pool, 0) < 0) {
			st->pool = NULL;
			sdx_error_clear();
		}
	}
	if ((st->n == STAGE_MAX || (st->n && st->key != key)) && (err = sdx__stage_flush(l)) < 0)
		return err;
	if (st->n == 0)
		memcpy(st->stored_prev, l->prev_payload, 32);
	st->key = key;
	s = &st->item[st->n];
	memset(s, 0, sizeof(*s));
	snprintf(s->type, sizeof(s->type), "%s", type);
	sdx__utc_now(s->time);
	if ((err = sdx__build_payload(&s->payload, &s->plen, l, l->size + st->n, type, body, len,
				      atts, natts, index, index_len, s->time)) < 0)
		return err;
	s->out = out;
	st->n++;
	return 0;
}
