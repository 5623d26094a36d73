/*
 * formats/bundle/import.c - store a verified bundle in the local ledger.
 *
 * The verification streams the bundle once and hands every checked item to
 * the sink below, which writes it inside one transaction; only when the whole
 * bundle is valid, trusted and consistent with what is already held is the
 * transaction committed, with an import receipt on the own chain.
 *
 * What contradicts the data held (another checkpoint of one size, another
 * entry at one index) is noted as it streams in but judged only once trust
 * is decided: an origin name is only a label, so a bundle under a key that is
 * not trusted is refused as untrusted, and equivocation is claimed only when
 * both sides are valid under the keys trusted for that origin.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "formats/bundle/report.h"
#include "ledger/foreign.h"
#include "formats/bundle/internal.h"
#include "formats/trust/introduction.h"
#include "formats/trust/party.h"
#include "ledger/internal.h"
#include "sdx/attachment.h"
#include "sdx/bundle.h"
#include "sdx/disclosure.h"
#include "sdx/dsse.h"
#include "sdx/trust.h"

#define MAX_SEEN 1100 /* checkpoints one bundle may bring per ledger and then some */
#define MAX_JUDGE_KEYS 512 /* keys of one origin a bundle can list: 8 in each of 64 ledgers */

struct importer {
	sdx_ledger *l;
	sdx_import_result *res;
	sdx_attachment_writer *aw;
	uint64_t entries;
	/* the checkpoints this bundle brought, to check against what is held */
	struct seen {
		char origin[SDX_NAME_MAX + 1];
		uint64_t size;
		int fresh;   /* not held before this import */
	} seen[MAX_SEEN];
	size_t nseen;
	/* the first contradiction of held data, judged after the verification */
	struct conflict {
		int seen, is_entry;
		char origin[SDX_NAME_MAX + 1];
		uint64_t at;           /* the checkpoint's size, or the entry's index */
		char msg[512];
		char *held, *fresh;    /* the two checkpoint notes */
	} conflict;
	/* the keys the verification trusted, for every ledger in the bundle (on_key) */
	sdx_verifier **keys;
	size_t nkeys, keycap;
};

/* Keep the first contradiction (the library's message too) and go on. */
static int note_conflict(struct importer *im, int is_entry, const char *origin, uint64_t at,
			 char *held, const char *fresh, size_t len)
{
	struct conflict *c = &im->conflict;

	if (c->seen) {
		free(held);
		sdx_error_clear();
		return 0;
	}
	c->seen = 1;
	c->is_entry = is_entry;
	c->at = at;
	snprintf(c->origin, sizeof(c->origin), "%s", origin);
	snprintf(c->msg, sizeof(c->msg), "%s", sdx_error_last());
	c->held = held;
	c->fresh = fresh ? strndup(fresh, len) : NULL;
	sdx_error_clear();
	return 0;
}

static int on_checkpoint(void *ctx, const char *origin, uint64_t size, const unsigned char root[32],
			 const char *note, size_t len)
{
	struct importer *im = ctx;
	char *held = NULL;
	int err;

	if ((err = sdx__foreign_checkpoint(im->l, origin, size, root, note, len, &held)) < 0) {
		if (err == SDX_ECONFLICT)
			return note_conflict(im, 0, origin, size, held, note, len);
		free(held);
		return err;
	}
	if (im->nseen < MAX_SEEN) {
		snprintf(im->seen[im->nseen].origin, sizeof(im->seen[0].origin), "%s", origin);
		im->seen[im->nseen].fresh = err == 0;
		im->seen[im->nseen++].size = size;
	}
	return 0;
}

static int on_entry(void *ctx, const sdx_bundle_entry *e)
{
	struct importer *im = ctx;
	struct sdx__foreign_row row = { e->origin, e->index, e->leaf, e->type, e->time, e->data,
					e->len, e->tree_size, e->proof, e->proof_len };
	int err;

	if ((err = sdx__foreign_entry(im->l, &row)) < 0)
		return err == SDX_ECONFLICT ? note_conflict(im, 1, e->origin, e->index, NULL, NULL, 0)
					    : err;
	im->entries++;
	return 0;
}

static int on_consistency(void *ctx, const char *origin, uint64_t old_size, uint64_t size,
			  const unsigned char (*proof)[32], size_t n)
{
	struct importer *im = ctx;

	return sdx__foreign_consistency(im->l, origin, old_size, size, proof, n);
}

/* A disclosure the bundle carries, checked by the verification; checked again
 * against the entry just stored, and kept under its origin. */
static int on_disclosure(void *ctx, const char *origin, uint64_t index, const char *text)
{
	struct importer *im = ctx;

	/* an entry that contradicts the one held: the import is refused (judge_conflict()) */
	if (im->conflict.seen)
		return 0;
	return sdx_ledger_foreign_disclosure_add(im->l, origin, index, text);
}

static int keep_key(struct importer *im, const sdx_verifier *v)
{
	int err;

	if (im->nkeys == im->keycap) {
		size_t cap = im->keycap ? 2 * im->keycap : 16;
		sdx_verifier **p = realloc(im->keys, cap * sizeof(*p));
		if (!p)
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		im->keys = p;
		im->keycap = cap;
	}
	if ((err = sdx_verifier_new(&im->keys[im->nkeys], sdx_verifier_name(v),
				    sdx_verifier_public_key(v))) < 0)
		return err;
	im->nkeys++;
	return 0;
}

static int on_key(void *ctx, const sdx_verifier *v, int via_rotation)
{
	struct importer *im = ctx;
	int err;

	if ((err = sdx__foreign_key(im->l, v)) < 0 || (err = keep_key(im, v)) < 0 || !via_rotation)
		return err;
	/* the trusted old key signed this one in: trust it from now on */
	err = sdx_ledger_trust_add(im->l, v, "signed in by a key rotation");
	if (err == SDX_EEXISTS) {
		sdx_error_clear();
		err = 0;
	}
	return err < 0 ? err : sdx__binding_inherit(im->l, v);
}

static int on_att_begin(void *ctx, const unsigned char hash[32], uint64_t size)
{
	struct importer *im = ctx;

	return sdx_ledger_attachment_create(&im->aw, im->l, hash, size);
}

static int on_att_data(void *ctx, const void *data, size_t len)
{
	return sdx_attachment_write(((struct importer *)ctx)->aw, data, len);
}

static int on_att_end(void *ctx)
{
	struct importer *im = ctx;
	int err = sdx_attachment_writer_finish(im->aw);

	im->aw = NULL;
	return err;
}

/* 1 if this bundle brought a checkpoint of that size (fresh: only if new). */
static int brought(const struct importer *im, const char *origin, uint64_t size, int fresh_only)
{
	size_t i;

	for (i = 0; i < im->nseen; i++)
		if (im->seen[i].size == size && strcmp(im->seen[i].origin, origin) == 0 &&
		    (!fresh_only || im->seen[i].fresh))
			return 1;
	return 0;
}

struct prior {
	const struct importer *im;
	const char *origin;
	uint64_t size;
	char *note;
	int found;
};

/* The largest checkpoint held before this import. */
static int find_prior(void *ctx, uint64_t size, const unsigned char root[32], const char *note,
		      size_t len)
{
	struct prior *p = ctx;

	(void)root;
	if (brought(p->im, p->origin, size, 1))
		return 0;
	p->size = size;
	p->note = strndup(note, len);
	p->found = 1;
	return 1;
}

/*
 * What is held and what arrives must be one growing tree.  Checkpoints of
 * equal size were compared root for root as they were stored; it remains to
 * tie the newest checkpoint held before to the bundle's: a larger bundle must
 * have brought a consistency proof from it, and a smaller (older) bundle's
 * checkpoint must be one already held.  Earlier imports tied the older held
 * checkpoints to the newest in the same way.
 */
static int check_history(struct importer *im, const sdx_bundle_report *rep)
{
	size_t i;
	int err;

	for (i = 0; i < rep->n_ledgers; i++) {
		struct prior p = { im, rep->ledgers[i].origin, 0, NULL, 0 };
		uint64_t size = rep->ledgers[i].tree_size;

		err = sdx_ledger_foreach_foreign_checkpoint(im->l, p.origin, find_prior, &p);
		if (err < 0) {
			free(p.note);
			return err;
		}
		if (!p.found)
			continue;
		if (p.size <= size && !brought(im, p.origin, p.size, 0)) {
			/* not a contradiction shown, just nothing to show there is none */
			err = sdx_error_set(SDX_EVERIFY, "%s: the bundle's checkpoint (size %" PRIu64
					    ") cannot be shown consistent with the one held (size %"
					    PRIu64 "): it carries no consistency proof from it; ask "
					    "for a bundle that does (every export by %s, or a "
					    "forwarder holding the proof, includes one)", p.origin,
					    size, p.size, p.origin);
			free(p.note);
			return err;
		}
		if (p.size > size && brought(im, p.origin, size, 1)) {
			size_t len;
			sdx_ledger_foreign_checkpoint_note(&im->res->new_checkpoint, &len, im->l,
							   p.origin, size);
			im->res->held_checkpoint = p.note;
			return sdx_error_set(SDX_ECONFLICT, "%s: the bundle's checkpoint (size %" PRIu64
					     ") cannot be shown consistent with the one held (size %"
					     PRIu64 "): %s", p.origin, size, p.size,
					     "an older tree, possibly rolled back");
		}
		free(p.note);
	}
	return 0;
}

/* 1 if a key trusted for the origin signed the held entry. */
static int held_entry_signed(void *ctx, const sdx_foreign_entry *e)
{
	const struct importer *im = ctx;
	sdx_dsse_envelope *env = NULL;
	size_t i;
	int ok = 0;

	if (sdx_dsse_parse(&env, e->data, e->len) < 0) {
		sdx_error_clear();
		return 0;
	}
	for (i = 0; i < im->nkeys && !ok; i++)
		ok = strcmp(sdx_verifier_name(im->keys[i]), e->origin) == 0 &&
		     sdx_dsse_verify(env, im->keys[i]) == 0;
	sdx_dsse_envelope_free(env);
	sdx_error_clear();
	return ok;
}

/*
 * The contradiction noted while the bundle streamed in, now that every signer
 * of the bundle is trusted: equivocation only if what is held is valid under
 * a key trusted for that origin too (the same key, or one it rotated to).
 * Otherwise the bundle's key is not the key of the party the held data came
 * from, whatever name it uses: untrusted, and nobody is accused.
 */
static int judge_conflict(struct importer *im, const char *path)
{
	struct conflict *c = &im->conflict;
	sdx_verifier *vs[MAX_JUDGE_KEYS];
	size_t i, n = 0;
	int valid;

	if (!c->seen)
		return 0;
	for (i = 0; i < im->nkeys && n < MAX_JUDGE_KEYS; i++)
		if (strcmp(sdx_verifier_name(im->keys[i]), c->origin) == 0)
			vs[n++] = im->keys[i];
	if (c->is_entry)
		valid = sdx_ledger_foreign_get(im->l, c->origin, c->at, held_entry_signed, im) == 1;
	else
		valid = c->held && n && sdx_note_verify(NULL, NULL, c->held, strlen(c->held), vs,
							n) == 0;
	sdx_error_clear();
	if (!valid)
		return sdx_error_set(SDX_EUNTRUSTED, "refused: '%s': ledger '%s' is signed by a key "
				     "that did not sign what you hold from %s (its %s %" PRIu64
				     " differs); not trusted as %s", path, c->origin, c->origin,
				     c->is_entry ? "entry" : "checkpoint of size", c->at, c->origin);
	im->res->held_checkpoint = c->held;
	im->res->new_checkpoint = c->fresh;
	c->held = c->fresh = NULL;
	return sdx_error_set(SDX_ECONFLICT, "%s", c->msg);
}

static int hash_file(const char *path, unsigned char out[32])
{
	sdx__sha256_ctx h = { 0 };
	unsigned char buf[65536];
	FILE *f = fopen(path, "rb");
	size_t n;
	int err = 0;

	if (!f)
		return sdx_error_set(errno == ENOENT ? SDX_ENOTFOUND : SDX_EIO, "cannot open '%s': %s",
				     path, strerror(errno));
	sdx__sha256_init(&h);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sdx__sha256_update(&h, buf, n);
	if (ferror(f))
		err = sdx_error_set(SDX_EIO, "cannot read '%s': %s", path, strerror(errno));
	fclose(f);
	sdx__sha256_final(&h, out);
	return err;
}

void sdx_import_result_clear(sdx_import_result *r)
{
	if (!r)
		return;
	free(r->held_checkpoint);
	free(r->new_checkpoint);
	sdx_bundle_report_free(r->report);
	r->held_checkpoint = r->new_checkpoint = NULL;
	r->report = NULL;
}

static int import_once(sdx_import_result *out, sdx_ledger *l, const sdx_signer *key,
		       const char *path, const sdx_bundle_verify_options *opts,
		       const struct sdx__intro_plan *intros)
{
	const sdx_bundle_report *rep;
	sdx_bundle_verify_options o;
	sdx_bundle_sink sink;
	struct importer *im = NULL;
	sdx_entry_info info;
	json_t *body = NULL, *led;
	char hex[65], *text = NULL;
	size_t tlen, i;
	int err, seen;

	memset(out, 0, sizeof(*out));
	if ((err = sdx__bundle_options_copy(&o, opts, "sdx_bundle_import")) < 0)
		return err;
	if ((err = hash_file(path, out->bundle_sha256)) < 0)
		return err;
	if ((err = sdx_ledger_begin(l)) < 0)
		return err;
	if ((seen = sdx_ledger_import_seen(&out->receipt, l, out->bundle_sha256)) != 0) {
		sdx_ledger_rollback(l);
		if (seen < 0)
			return seen;
		out->already = 1;
		return 0;
	}
	if (!(im = calloc(1, sizeof(*im)))) {
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
		goto done;
	}
	im->l = l;
	im->res = out;
	sink = (sdx_bundle_sink){ im, on_checkpoint, on_entry, on_att_begin, on_att_data, on_att_end,
				  on_key, on_consistency, on_disclosure };
	o.sink = &sink;
	err = sdx_bundle_verify(&out->report, path, &o);
	rep = out->report;
	if (err == SDX_EUNTRUSTED)
		err = sdx__error_prefix(SDX_EUNTRUSTED, "refused");
	if (err < 0 || (err = judge_conflict(im, path)) < 0 ||
	    (err = check_history(im, rep)) < 0 || (err = sdx__intro_accept(l, intros)) < 0)
		goto done;
	/* the receipt: what was imported, on the own signed chain */
	sdx__hex(hex, out->bundle_sha256, 32);
	led = json_array();
	for (i = 0; i < rep->n_ledgers; i++)
		json_array_append_new(led, json_pack("{s:s, s:I, s:I}",
			"origin", rep->ledgers[i].origin,
			"tree_size", (json_int_t)rep->ledgers[i].tree_size,
			"entries", (json_int_t)rep->ledgers[i].entries));
	body = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:o}", "bundle_sha256", hex,
			 "producer", rep->producer, "producer_key", rep->producer_vkey,
			 "created", rep->created, "entries", (json_int_t)rep->entries,
			 "attachments", (json_int_t)rep->attachments, "ledgers", led);
	if (!body || (err = sdx__json_dump(&text, &tlen, body)) < 0) {
		err = err < 0 ? err : sdx_error_set(SDX_ENOMEM, "out of memory");
		goto done;
	}
	if ((err = sdx_ledger_append(&info, l, key, "import", text, tlen)) < 0 ||
	    (err = sdx__import_record(l, out->bundle_sha256, rep->producer, rep->created,
				      rep->entries, info.index)) < 0 ||
	    (err = sdx_ledger_checkpoint(NULL, NULL, l, key)) < 0 ||
	    (err = sdx_ledger_commit(l)) < 0)
		goto done;
	out->receipt = info.index;
done:
	if (err < 0)
		sdx_ledger_rollback(l);
	if (im) {
		sdx_attachment_writer_free(im->aw);
		free(im->conflict.held);
		free(im->conflict.fresh);
		for (i = 0; i < im->nkeys; i++)
			sdx_verifier_free(im->keys[i]);
		free(im->keys);
	}
	free(im);
	free(text);
	json_decref(body);
	return err;
}

int sdx_bundle_import(sdx_import_result *out, sdx_ledger *l, const sdx_signer *key,
		      const char *path, const sdx_bundle_verify_options *opts)
{
	struct sdx__intro_plan *intros = NULL;
	sdx_bundle_verify_options o, retry;
	int err;

	if ((err = sdx__bundle_options_copy(&o, opts, "sdx_bundle_import")) < 0)
		return err;
	err = import_once(out, l, key, path, &o, NULL);
	/* a ledger under a key not trusted: what the bundle's introductions say */
	if (err == SDX_EUNTRUSTED && (err = sdx__intro_plan(&intros, &retry, l, path, &o)) == 1) {
		sdx_import_result_clear(out);
		err = import_once(out, l, key, path, &retry, intros);
		if (err == SDX_EUNTRUSTED)
			err = sdx__error_prefix(err, "even with the introductions your policy accepts");
	}
	sdx__intro_plan_free(intros);
	return err;
}
