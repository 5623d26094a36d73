/*
 * formats/records/append.c - the checks that need both a record and the ledger it
 * goes into (attachments present, references resolvable, of a kind the
 * type's edges accept), then the append itself, one record or many.
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
#include "sdx/disclosure.h"
#include "sdx/record.h"
#include "formats/records/internal.h"
#include "formats/records/type.h"
#include "ledger/internal.h"

/* An edge to this ledger's own entries (a supersession, a withdrawal). */
static int check_reference(sdx_ledger *l, const struct sdx_record_edge *edge,
			   const unsigned char hash[32], const char *what)
{
	sdx_entry *e = NULL;
	sdx_found *f = NULL;
	uint64_t index;
	char hex[65];
	int err;

	sdx__hex(hex, hash, 32);
	if ((err = sdx_ledger_resolve(&index, l, hex)) < 0) {
		/* held, but another ledger's: a ledger corrects only what it signed */
		if (sdx_ledger_find(&f, l, hex) == 0 && !f->own)
			err = sdx_error_set(SDX_ESCHEMA, "%s: %s: entry %s is imported from %s; %s "
					    "names only entries of this ledger", what, edge->field,
					    hex, f->origin, edge->field);
		else
			err = sdx_error_set(SDX_ENOTFOUND, "%s: refers to entry %s, which this "
					    "ledger does not hold", what, hex);
		sdx_found_free(f);
		return err;
	}
	if ((err = sdx_ledger_entry(&e, l, index)) < 0)
		return err;
	if (!sdx__edge_accepts(edge, e->type))
		err = sdx_error_set(SDX_ESCHEMA, "%s: refers to entry %" PRIu64 " (%s), which is a "
				    "%s, not %s", what, index, hex, e->type, edge->accepts_text);
	sdx_entry_free(e);
	return err;
}

/* An entry a batch or shipment links to, own or imported, with its body. */
static int find_linked(sdx_ledger *l, const char *hex, const char *path, const char *what,
		       sdx_found **f, json_t **payload)
{
	int err;

	*payload = NULL;
	if ((err = sdx_ledger_find(f, l, hex)) < 0)
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
 * An edge to an entry held here, own or imported (a batch's inputs, a
 * shipment's items): it must be held, so it is earlier and the graph cannot
 * have cycles; of a type the edge accepts; and the lot `obj` names must be
 * one the cited record covers.  `i` is obj's index in edge->array.
 */
static int check_held(sdx_ledger *l, const struct sdx_record_edge *e, const json_t *obj,
		      size_t i, const char *what)
{
	const char *hex = sdx__edge_hash(e, obj);
	const char *lot = json_string_value(json_object_get(obj, "lot_number"));
	const struct sdx_record_type *cited;
	json_t *payload = NULL;
	sdx_found *f = NULL;
	char path[64], lotpath[64];
	int err;

	if (!hex)
		return 0; /* an optional member (a batch's model); the schema checked its form */
	if (e->array) {
		snprintf(path, sizeof(path), "%s[%zu].%s", e->array, i, e->field);
		snprintf(lotpath, sizeof(lotpath), "%s[%zu].lot_number", e->array, i);
	} else {
		snprintf(path, sizeof(path), "%s", e->field);
		snprintf(lotpath, sizeof(lotpath), "lot_number");
	}
	if ((err = find_linked(l, hex, path, what, &f, &payload)) < 0)
		return err;
	cited = sdx__record_type(f->entry.type);
	if (!sdx__edge_accepts(e, f->entry.type))
		err = sdx_error_set(SDX_ESCHEMA, "%s: %s: entry %.16s... is a %s, not %s", what,
				    path, hex, f->entry.type, e->accepts_text);
	else if (cited && cited->cited_lot)
		err = cited->cited_lot(json_object_get(payload, "body"), lot, what, lotpath, hex);
	if (err == 0 && e->id_sub && cited && cited->id_field) {
		const char *says = json_string_value(json_object_get(json_object_get(obj, e->field),
								     e->id_sub));
		const char *is = json_string_value(json_object_get(json_object_get(payload, "body"),
								   cited->id_field));
		if (says && is && strcmp(says, is) != 0)
			err = sdx_error_set(SDX_ESCHEMA, "%s: %s.%s: '%s' is not the id of entry "
					    "%.16s..., which is %s '%s'", what, e->field, e->id_sub,
					    says, hex, f->entry.type, is);
	}
	json_decref(payload);
	sdx_found_free(f);
	return err;
}

static int check_edge(sdx_ledger *l, const struct sdx_record_edge *e, const json_t *obj,
		      size_t i, const char *what)
{
	unsigned char h[32];

	if (e->held)
		return check_held(l, e, obj, i, what);
	if (sdx__hex32_parse(h, sdx__edge_hash(e, obj)) < 0)
		return 0; /* the field is optional (supersedes); the schema checked its form */
	return check_reference(l, e, h, what);
}

/* Every entry edge of the record, read again from its canonical bytes. */
static int check_links(sdx_ledger *l, const struct sdx_record_type *t, const char *canon,
		       size_t clen, const char *what)
{
	json_t *rec = NULL, *x;
	size_t i, k;
	int err;

	if ((err = sdx__json_parse(&rec, canon, clen, SDX_JSON_MAX_DEPTH, t->name)) < 0)
		return err;
	for (k = 0; k < t->nedges && err == 0; k++) {
		const struct sdx_record_edge *e = &t->edges[k];
		if (e->attachment)
			continue;
		if (!e->array) {
			err = check_edge(l, e, rec, 0, what);
			continue;
		}
		json_array_foreach(json_object_get(rec, e->array), i, x)
			if ((err = check_edge(l, e, x, i, what)) < 0)
				break;
	}
	json_decref(rec);
	return err;
}

/* The one edge to own entries, when that is all the type cites: its
 * references, collected while preparing, are then checked without
 * parsing the record again.  NULL otherwise. */
static const struct sdx_record_edge *only_own_edge(const struct sdx_record_type *t)
{
	const struct sdx_record_edge *own = NULL;

	for (size_t k = 0; k < t->nedges; k++) {
		if (t->edges[k].attachment)
			continue;
		if (t->edges[k].held || own)
			return NULL;
		own = &t->edges[k];
	}
	return own;
}

/* A record made ready off the ledger: canonical bytes and what it cites. */
struct prepared {
	char *canon;
	size_t clen;
	unsigned char (*atts)[32];
	size_t natts;
	unsigned char (*refs)[32];
	size_t nrefs;
	char *index;              /* the index member of its payload */
	size_t index_len;
	char *sealed;             /* NULL, or canon with fields concealed: what is signed */
	size_t slen;
	int err;
	char msg[512];
};

static void prepare(struct prepared *p, const char *type, const char *json, size_t len)
{
	memset(p, 0, sizeof(*p));
	if ((p->err = sdx__record_prepare(type, json, len, &p->canon, &p->clen, &p->atts,
					  &p->natts, &p->refs, &p->nrefs, &p->index,
					  &p->index_len)) < 0)
		snprintf(p->msg, sizeof(p->msg), "%s", sdx_error_last());
}

static void prepared_clear(struct prepared *p)
{
	free(p->canon);
	free(p->atts);
	free(p->refs);
	free(p->index);
	free(p->sealed);
	memset(p, 0, sizeof(*p));
}

/* The ledger-dependent checks, then the append itself (staged: signed
 * with the others of the batch, ledger/stage.c). */
static int append_prepared(sdx_ledger *l, const sdx_signer *key, const char *type,
			   struct prepared *p, const char *what, int staged, sdx_entry_info *out)
{
	const struct sdx_record_type *t = sdx__record_type(type);
	const struct sdx_record_edge *own;
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
	/* what it cites must be stored, not only staged, to be found */
	if (p->nrefs && (err = sdx__ledger_flush(l)) < 0)
		return err;
	if ((own = only_own_edge(t))) {
		for (i = 0; i < p->nrefs; i++)
			if ((err = check_reference(l, own, p->refs[i], what)) < 0)
				return err;
	} else if (p->nrefs && (err = check_links(l, t, p->canon, p->clen, what)) < 0) {
		return err;
	}
	if (sdx__record_plausibility &&
	    (err = sdx__record_plausibility(l, type, p->canon, p->clen, what)) < 0)
		return err;
	/* the checks above read the whole record; a sealed one is signed with
	 * its digests, and its index is made from what is signed, so that no
	 * concealed value reaches the payload */
	if (p->sealed)
		err = sdx__ledger_append_canonical(l, key, type, p->sealed, p->slen,
						   (const unsigned char (*)[32])p->atts, p->natts,
						   NULL, 0, staged, out);
	else
		err = sdx__ledger_append_canonical(l, key, type, p->canon, p->clen,
						   (const unsigned char (*)[32])p->atts, p->natts,
						   p->index, p->index_len, staged, out);
	if (err < 0)
		return sdx__error_prefix(err, what);
	return 0;
}

int sdx_record_append(sdx_entry_info *out, sdx_ledger *l, const sdx_signer *key, const char *type,
		      const char *json, size_t len, const char *what)
{
	struct prepared p;
	int err;

	prepare(&p, type, json, len);
	err = append_prepared(l, key, type, &p, what, 0, out);
	prepared_clear(&p);
	return err;
}

int sdx_record_append_concealed(sdx_entry_info *out, sdx_ledger *l, const sdx_signer *key,
				const char *type, const char *json, size_t len, const char *what,
				const char *const *pointers, size_t n, unsigned decoys)
{
	struct prepared p;
	sdx_disclosure_list list = { 0 };
	sdx_entry_info info;
	int err;

	/* a threshold statement is what a recipient checks in place of the
	 * values: it stays in view (formats/declaration.md §5.4) */
	for (size_t i = 0; i < n; i++)
		if (strncmp(pointers[i], "/statements", 11) == 0 &&
		    (pointers[i][11] == '\0' || pointers[i][11] == '/'))
			return sdx_error_set(SDX_EINVAL, "%s: '%s': a threshold statement cannot be "
					     "concealed: it is what a recipient checks in place of the "
					     "values", what, pointers[i]);
	prepare(&p, type, json, len);
	if (p.err == 0 && (err = sdx_disclosure_conceal(&p.sealed, &p.slen, &list, p.canon, p.clen,
							pointers, n, decoys)) < 0) {
		err = sdx__error_prefix(err, what);
		goto done;
	}
	if ((err = append_prepared(l, key, type, &p, what, 0, &info)) < 0)
		goto done;
	for (size_t i = 0; i < list.n; i++)
		if ((err = sdx_ledger_disclosure_add(l, info.index, list.text[i])) < 0)
			goto done;
	for (size_t i = 0; i < list.ndecoys; i++)
		if ((err = sdx_ledger_decoy_add(l, info.index, list.decoys[i])) < 0)
			goto done;
	if (out)
		*out = info;
done:
	sdx_disclosure_list_free(&list);
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
	const sdx_record_input *in;
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
	prepare(&p->ps[i], p->type, p->in[i].json, p->in[i].len);
	atomic_store_explicit(&p->ready[i], 1, memory_order_release);
	return 1;
}

static void *pool_worker(void *arg)
{
	while (prepare_one(arg))
		;
	return NULL;
}

int sdx_record_append_many(sdx_entry_info *outs, size_t *failed, sdx_ledger *l,
			   const sdx_signer *key, const char *type, const sdx_record_input *in,
			   size_t n)
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
	p.in = in;
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
		if ((err = append_prepared(l, key, type, &p.ps[i], in[i].what, 1,
					   outs ? &outs[i] : NULL)) < 0) {
			if (failed)
				*failed = i;
			break;
		}
	}
	/* the records before a refused one are appended, as the contract says */
	if (err == 0) {
		if ((err = sdx__ledger_flush(l)) < 0 && failed)
			*failed = 0; /* the staged entries are undone together */
	} else {
		char msg[1024];
		snprintf(msg, sizeof(msg), "%s", sdx_error_last());
		(void)sdx__ledger_flush(l);
		sdx_error_set(err, "%s", msg);
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
