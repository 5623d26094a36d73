/*
 * formats/records/append.c - the checks that need both a record and the ledger it
 * goes into: attachments present, references resolvable and of the right kind.
 */
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "sdx/attachment.h"
#include "sdx/record.h"
#include "formats/records/internal.h"
#include "ledger/internal.h"

static int check_reference(sdx_ledger *l, const unsigned char hash[32],
			   const char *what)
{
	sdx_entry *e = NULL;
	uint64_t index;
	char hex[65];
	int err;

	sdx__hex(hex, hash, 32);
	if ((err = sdx_ledger_resolve(l, hex, &index)) < 0)
		return sdx_error_set(SDX_ENOTFOUND, "%s: refers to entry %s, which this ledger "
				     "does not hold", what, hex);
	if ((err = sdx_ledger_entry(l, index, &e)) < 0)
		return err;
	/* Supersessions and withdrawals only make sense against declarations. */
	if (strcmp(e->type, "declaration") != 0)
		err = sdx_error_set(SDX_ESCHEMA, "%s: refers to entry %" PRIu64 " (%s), which is a "
				    "%s, not a declaration", what, index, hex, e->type);
	sdx_entry_free(e);
	return err;
}

/* An entry a batch or shipment links to, own or imported, with its body. */
static int find_linked(sdx_ledger *l, const char *hex, const char *path, const char *what,
		       sdx_found **f, json_t **payload)
{
	int err;

	*payload = NULL;
	if ((err = sdx_ledger_find(l, hex, f)) < 0)
		return err == SDX_ENOTFOUND
			? sdx_error_set(SDX_ENOTFOUND, "%s: %s: entry %s is neither in this ledger "
					"nor imported; import the bundle that carries it first",
					what, path, hex)
			: err;
	if ((err = sdx__entry_payload_json(payload, (*f)->entry.data, (*f)->entry.len, path)) < 0) {
		sdx_found_free(*f);
		*f = NULL;
		return sdx__error_prefix(err, what);
	}
	return 0;
}

/*
 * A batch's inputs are declarations (naming one of their lots) or earlier
 * batches; a shipment's items are batches.  Own or imported, they must be
 * held, so they are earlier entries and the graph cannot have cycles.
 */
static int check_links(sdx_ledger *l, const char *type, const char *canon, size_t clen,
		       const char *what)
{
	int is_batch = strcmp(type, "batch") == 0;
	json_t *rec = NULL, *x, *payload = NULL, *lot;
	sdx_found *f = NULL;
	char path[48];
	size_t i, k;
	int err;

	if ((err = sdx__json_parse(&rec, canon, clen, SDX_JSON_MAX_DEPTH, type)) < 0)
		return err;
	json_array_foreach(json_object_get(rec, is_batch ? "inputs" : "items"), i, x) {
		const char *hex = json_string_value(json_object_get(x, is_batch ? "entry" : "batch"));
		const char *want = json_string_value(json_object_get(x, "lot_number")), *kind;
		json_t *body;
		int found = 0;

		snprintf(path, sizeof(path), is_batch ? "inputs[%zu].entry" : "items[%zu].batch", i);
		if ((err = find_linked(l, hex, path, what, &f, &payload)) < 0)
			break;
		kind = f->entry.type;
		body = json_object_get(payload, "body");
		if (!is_batch || strcmp(kind, "batch") == 0) {
			const char *id = json_string_value(json_object_get(body, "batch_id"));
			if (strcmp(kind, "batch") != 0)
				err = sdx_error_set(SDX_ESCHEMA, "%s: %s: entry %.16s... is a %s, not a "
						    "batch", what, path, hex, kind);
			else if (want && id && strcmp(want, id) != 0)
				err = sdx_error_set(SDX_ESCHEMA, "%s: inputs[%zu].lot_number: '%s' is "
						    "not the batch id '%s' of entry %.16s...", what,
						    i, want, id, hex);
		} else if (strcmp(kind, "declaration") != 0) {
			err = sdx_error_set(SDX_ESCHEMA, "%s: %s: entry %.16s... is a %s, not a "
					    "declaration or a batch", what, path, hex, kind);
		} else if (!want) {
			err = sdx_error_set(SDX_ESCHEMA, "%s: inputs[%zu].lot_number: required when "
					    "the input is a declaration (which of its lots was used?)",
					    what, i);
		} else {
			json_array_foreach(json_object_get(json_object_get(body, "material"), "lots"),
					   k, lot) {
				const char *ln = json_string_value(json_object_get(lot, "lot_number"));
				if (ln && strcmp(ln, want) == 0)
					found = 1;
			}
			if (!found)
				err = sdx_error_set(SDX_ESCHEMA, "%s: inputs[%zu].lot_number: lot '%s' "
						    "is not one of the lots declaration %.16s... covers",
						    what, i, want, hex);
		}
		json_decref(payload);
		payload = NULL;
		sdx_found_free(f);
		f = NULL;
		if (err < 0)
			break;
	}
	json_decref(rec);
	return err;
}

/* A record made ready off the ledger: canonical bytes and what it cites. */
struct prepared {
	char *canon;
	size_t clen;
	unsigned char (*atts)[32];
	size_t natts;
	unsigned char (*refs)[32];
	size_t nrefs;
	int err;
	char msg[512];
};

static void prepare(struct prepared *p, const char *type, const char *json, size_t len)
{
	memset(p, 0, sizeof(*p));
	if ((p->err = sdx__record_prepare(type, json, len, &p->canon, &p->clen, &p->atts,
					  &p->natts, &p->refs, &p->nrefs)) < 0)
		snprintf(p->msg, sizeof(p->msg), "%s", sdx_error_last());
}

static void prepared_clear(struct prepared *p)
{
	free(p->canon);
	free(p->atts);
	free(p->refs);
	memset(p, 0, sizeof(*p));
}

/* The ledger-dependent checks, then the append itself. */
static int append_prepared(sdx_ledger *l, const sdx_signer *key, const char *type,
			   struct prepared *p, const char *what, sdx_entry_info *out)
{
	char hex[65];
	size_t i;
	int err;

	if (p->err < 0) {
		sdx_error_set(p->err, "%s", p->msg);
		return sdx__error_prefix(p->err, what);
	}
	for (i = 0; i < p->natts; i++) {
		if ((err = sdx_ledger_has_attachment(l, p->atts[i])) < 0)
			return err;
		if (err == 0) {
			sdx__hex(hex, p->atts[i], 32);
			return sdx_error_set(SDX_ENOTFOUND, "%s: attachment %s is not stored; add the "
					     "file with --attach", what, hex);
		}
	}
	if (strcmp(type, "batch") == 0 || strcmp(type, "shipment") == 0) {
		if ((err = check_links(l, type, p->canon, p->clen, what)) < 0)
			return err;
	} else {
		for (i = 0; i < p->nrefs; i++)
			if ((err = check_reference(l, p->refs[i], what)) < 0)
				return err;
	}
	if ((err = sdx__ledger_append_canonical(l, key, type, p->canon, p->clen,
						 (const unsigned char (*)[32])p->atts, p->natts,
						 out)) < 0)
		return sdx__error_prefix(err, what);
	return 0;
}

int sdx_record_append(sdx_ledger *l, const sdx_signer *key, const char *type,
		      const char *json, size_t len, const char *what, sdx_entry_info *out)
{
	struct prepared p;
	int err;

	prepare(&p, type, json, len);
	err = append_prepared(l, key, type, &p, what, out);
	prepared_clear(&p);
	return err;
}

#define MAX_THREADS 32

/*
 * A batch is prepared by a pool while the calling thread appends in order:
 * whoever is free claims the next unprepared record (an atomic counter); the
 * appender, when the record it needs is not ready, prepares one itself rather
 * than wait.  So validation of later records overlaps the sequential signing
 * of earlier ones, and every core stays busy.
 */
struct pool {
	const char *type;
	const char *const *jsons;
	const size_t *lens;
	struct prepared *ps;
	size_t n;
	atomic_size_t next;       /* next record to claim */
	atomic_int *ready;        /* ready[i] set once ps[i] is prepared */
	atomic_int stop;          /* the appender gave up: stop preparing */
};

/* Claim and prepare one record; 0 if none was left. */
static int prepare_one(struct pool *p)
{
	size_t i;

	if (atomic_load(&p->stop))
		return 0;
	i = atomic_fetch_add(&p->next, 1);
	if (i >= p->n)
		return 0;
	prepare(&p->ps[i], p->type, p->jsons[i], p->lens[i]);
	atomic_store_explicit(&p->ready[i], 1, memory_order_release);
	return 1;
}

static void *pool_worker(void *arg)
{
	while (prepare_one(arg))
		;
	return NULL;
}

int sdx_record_append_many(sdx_ledger *l, const sdx_signer *key, const char *type, size_t n,
			   const char *const *jsons, const size_t *lens,
			   const char *const *whats, sdx_entry_info *outs, size_t *failed)
{
	pthread_t tid[MAX_THREADS];
	int started[MAX_THREADS] = { 0 };
	struct pool p;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	size_t workers = ncpu > 1 ? (size_t)ncpu - 1 : 0, i, t;
	int err = 0;

	if (failed)
		*failed = n;
	if (n == 0)
		return 0;
	memset(&p, 0, sizeof(p));
	p.type = type;
	p.jsons = jsons;
	p.lens = lens;
	p.n = n;
	atomic_init(&p.next, 0);
	atomic_init(&p.stop, 0);
	p.ps = calloc(n, sizeof(*p.ps));
	p.ready = calloc(n, sizeof(*p.ready));
	if (!p.ps || !p.ready) {
		free(p.ps);
		free(p.ready);
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	}
	for (i = 0; i < n; i++)
		atomic_init(&p.ready[i], 0);
	if (workers > MAX_THREADS)
		workers = MAX_THREADS;
	if (workers > n)
		workers = n;
	for (t = 0; t < workers; t++)
		started[t] = pthread_create(&tid[t], NULL, pool_worker, &p) == 0;
	for (i = 0; i < n; i++) {
		while (!atomic_load_explicit(&p.ready[i], memory_order_acquire))
			if (!prepare_one(&p))
				sched_yield(); /* record i is being prepared by a worker */
		if ((err = append_prepared(l, key, type, &p.ps[i], whats[i],
					   outs ? &outs[i] : NULL)) < 0) {
			if (failed)
				*failed = i;
			break;
		}
	}
	atomic_store(&p.stop, 1);
	for (t = 0; t < workers; t++)
		if (started[t])
			pthread_join(tid[t], NULL);
	for (i = 0; i < n; i++)
		prepared_clear(&p.ps[i]);
	free(p.ps);
	free(p.ready);
	return err;
}
