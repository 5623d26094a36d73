/*
 * cmd/csv_import.c - sdx declare --csv and sdx batch --csv: records from a
 * CSV file through a mapping (formats/csv-import.md), all or nothing.
 *
 * The file is read twice inside one transaction: the first pass builds and
 * validates every record and holds none of them; only when all passed does
 * the second pass build them again and append them, a chunk at a time, into
 * the same transaction, which commits once with one checkpoint.  The second
 * pass must read the same bytes (SHA-256), or nothing is written.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"

#define CHUNK_RECORDS 1000
#define CHUNK_BYTES (16u * 1024 * 1024)
#define MAX_THREADS 16

/* What was appended, for the report after the commit. */
struct done_rec {
	sdx_entry_info info;
	uint64_t first, last;
};

struct csv_run {
	const struct csv_opts *o;
	const sdx_csv_map *map;
	sdx_ledger *l;
	sdx_signer *key;
	/* the chunk being gathered */
	char **text;
	char **what;
	sdx_record_input *in;
	uint64_t *first, *last;
	size_t n, bytes;
	int validating;               /* pass 1: the chunk is validated, not appended */
	sdx_entry_info infos[CHUNK_RECORDS];
	/* every record appended */
	struct done_rec *done;
	size_t ndone, capdone;
};

static void chunk_clear(struct csv_run *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->text[i]);
		free(r->what[i]);
	}
	r->n = r->bytes = 0;
}

/* Pass 1 validates a chunk on every core: thread t takes records t, t + step,
 * ...; the first refusal in file order is the one reported. */
struct checked {
	int err[CHUNK_RECORDS];
	char msg[CHUNK_RECORDS][256];
};

struct checker {
	const struct csv_run *r;
	struct checked *out;
	size_t from, step;
};

static void *check_some(void *arg)
{
	const struct checker *k = arg;
	const struct csv_run *r = k->r;

	for (size_t i = k->from; i < r->n; i += k->step)
		if ((k->out->err[i] = sdx_record_validate(r->o->type, r->text[i], r->in[i].len)) < 0)
			snprintf(k->out->msg[i], sizeof(k->out->msg[i]), "%s", sdx_error_last());
	return NULL;
}

static int validate_chunk(struct csv_run *r)
{
	static struct checked out;
	struct checker k[MAX_THREADS];
	pthread_t tid[MAX_THREADS];
	int started[MAX_THREADS] = { 0 }, err = 0;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	size_t t, i, threads = ncpu > 1 ? (size_t)ncpu : 1;

	if (threads > MAX_THREADS)
		threads = MAX_THREADS;
	for (t = 0; t < threads; t++)
		k[t] = (struct checker){ r, &out, t, threads };
	for (t = 1; t < threads; t++)
		started[t] = pthread_create(&tid[t], NULL, check_some, &k[t]) == 0;
	check_some(&k[0]);
	for (t = 1; t < threads; t++) {
		if (started[t])
			pthread_join(tid[t], NULL);
		else
			check_some(&k[t]);
	}
	for (i = 0; i < r->n && !err; i++)
		if (out.err[i] < 0)
			err = sdx_error_set(out.err[i], "%s: %s", r->what[i], out.msg[i]);
	chunk_clear(r);
	return err;
}

static int flush(struct csv_run *r)
{
	size_t failed = 0, i;
	int err;

	if (!r->n)
		return 0;
	if (r->validating)
		return validate_chunk(r);
	if (r->ndone + r->n > r->capdone) {
		size_t cap = r->capdone ? 2 * r->capdone : 1024;
		struct done_rec *d;
		while (cap < r->ndone + r->n)
			cap *= 2;
		if (!(d = realloc(r->done, cap * sizeof(*d))))
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		r->done = d;
		r->capdone = cap;
	}
	if ((err = sdx_record_append_many(r->infos, &failed, r->l, r->key, r->o->type, r->in,
					  r->n)) < 0)
		return err;
	for (i = 0; i < r->n; i++)
		r->done[r->ndone++] = (struct done_rec){ r->infos[i], r->first[i], r->last[i] };
	chunk_clear(r);
	return 0;
}

/* The second pass: each record into the chunk (and to stdout on a dry run). */
static int gather(void *ctx, const char *json, size_t len, const char *what, uint64_t first,
		  uint64_t last)
{
	struct csv_run *r = ctx;
	int err;

	if (r->o->dry_run && !r->validating) {
		fwrite(json, 1, len, stdout);
		fputc('\n', stdout);
	}
	if (!(r->text[r->n] = malloc(len + 1)) || !(r->what[r->n] = strdup(what))) {
		free(r->text[r->n]);
		r->text[r->n] = NULL;
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	}
	memcpy(r->text[r->n], json, len + 1);
	r->in[r->n] = (sdx_record_input){ r->text[r->n], len, r->what[r->n] };
	r->first[r->n] = first;
	r->last[r->n] = last;
	r->bytes += len;
	if (++r->n == CHUNK_RECORDS || r->bytes >= CHUNK_BYTES)
		if ((err = flush(r)) < 0)
			return err;
	return 0;
}

static void report(const struct csv_run *r, json_t *list)
{
	char hex[65], what[300];

	for (size_t i = 0; i < r->ndone; i++) {
		const struct done_rec *d = &r->done[i];
		if (d->first == d->last)
			snprintf(what, sizeof(what), "%s line %" PRIu64, r->o->csv, d->first);
		else
			snprintf(what, sizeof(what), "%s lines %" PRIu64 "-%" PRIu64, r->o->csv,
				 d->first, d->last);
		if (r->o->json) {
			json_array_append_new(list, entry_info_json(what, &d->info));
		} else {
			hex_hash(hex, d->info.leaf_hash);
			printf("entry %" PRIu64 " %s %s\n", d->info.index, hex, what);
		}
	}
}

static int csv_run(void *ctx, sdx_ledger *l, sdx_signer *key, json_t *list)
{
	struct csv_run r;
	struct attached att[MAX_ATTACH];
	unsigned char hashes[MAX_ATTACH][32], sha1[32], sha2[32];
	sdx_csv_import_options io = SDX_CSV_IMPORT_OPTIONS_INIT;
	uint64_t count = 0;
	size_t i;
	int err = 0, rc = 0, begun = 0, attaching = 1;

	memset(&r, 0, sizeof(r));
	for (i = 0; i < MAX_ATTACH; i++)
		att[i].size = UINT64_MAX;
	r.o = ctx;
	r.map = r.o->map;
	r.l = l;
	r.key = key;
	if (!(r.text = calloc(CHUNK_RECORDS, sizeof(*r.text))) ||
	    !(r.what = calloc(CHUNK_RECORDS, sizeof(*r.what))) ||
	    !(r.in = calloc(CHUNK_RECORDS, sizeof(*r.in))) ||
	    !(r.first = calloc(CHUNK_RECORDS, sizeof(*r.first))) ||
	    !(r.last = calloc(CHUNK_RECORDS, sizeof(*r.last)))) {
		rc = cmd_error(EXIT_ENV, "out of memory");
		goto done;
	}
	if ((err = sdx_ledger_begin(l)) < 0)
		goto done;
	begun = 1;
	if ((err = cmd_attach_all(l, r.o->attach, r.o->nattach, att)) < 0)
		goto done;
	attaching = 0;
	for (i = 0; i < r.o->nattach; i++)
		memcpy(hashes[i], att[i].hash, 32);
	io.ledger = l;
	io.files = r.o->attach;
	io.hashes = (const unsigned char (*)[32])hashes;
	io.nfiles = r.o->nattach;
	/* pass 1: every record built and validated (a chunk at a time, on every
	 * core), none kept */
	io.flags = SDX_CSV_IMPORT_UNCHECKED;
	r.validating = 1;
	if ((err = sdx_csv_import(r.map, r.o->csv, &io, gather, &r, sha1, &count)) < 0) {
		/* a record before the refused row may be refused itself: the first counts */
		char msg[1024];
		int e = err;
		snprintf(msg, sizeof(msg), "%s", sdx_error_last());
		if ((err = flush(&r)) == 0)
			err = sdx_error_set(e, "%s", msg);
		goto done;
	}
	if ((err = flush(&r)) < 0)
		goto done;
	r.validating = 0;
	/* pass 2: built again and appended, in the same transaction (the
	 * append validates them again, on every core) */
	if ((err = sdx_csv_import(r.map, r.o->csv, &io, gather, &r, sha2, NULL)) < 0 ||
	    (err = flush(&r)) < 0)
		goto done;
	if (memcmp(sha1, sha2, 32) != 0) {
		rc = cmd_error(EXIT_USAGE, "'%s' changed while it was read", r.o->csv);
		goto done;
	}
	if (r.o->dry_run) {
		sdx_ledger_rollback(l);
		begun = 0;
		fprintf(stderr, "sdx: dry run: %" PRIu64 " record%s from '%s' pass%s every check of "
			"the write; nothing was written\n", count, count == 1 ? "" : "s", r.o->csv,
			count == 1 ? "es" : "");
		goto done;
	}
	if ((err = sdx_ledger_checkpoint(NULL, NULL, l, key)) < 0 ||
	    (err = sdx_ledger_commit(l)) < 0)
		goto done;
	begun = 0;
	cmd_attached_print(r.o->attach, r.o->nattach, att, r.o->json);
	report(&r, list);
	if (!r.o->json)
		printf("%zu record%s committed from '%s'\n", r.ndone, r.ndone == 1 ? "" : "s",
		       r.o->csv);
done:
	if (begun)
		sdx_ledger_rollback(l);
	if (err < 0)
		rc = attaching ? cmd_attach_fail(err, r.o->attach, r.o->nattach, att) : cmd_fail(err);
	if (rc != 0)
		fprintf(stderr, "sdx: nothing was written\n");
	if (r.text)
		chunk_clear(&r);
	free(r.text);
	free(r.what);
	free(r.in);
	free(r.first);
	free(r.last);
	free(r.done);
	return rc;
}

int cmd_csv_import(struct csv_opts *o)
{
	sdx_csv_map *map = NULL;
	int err, rc;

	if (!o->map_path)
		return cmd_error(EXIT_USAGE, "--csv FILE needs --map MAP.json (formats/csv-import.md)");
	if ((err = sdx_csv_map_read(&map, o->map_path)) < 0)
		return cmd_fail(err);
	if (strcmp(sdx_csv_map_type(map), o->type) != 0) {
		rc = cmd_error(EXIT_USAGE, "'%s' maps to %s records; sdx %s reads a mapping to %s "
			       "records", o->map_path, sdx_csv_map_type(map),
			       strcmp(o->type, "batch") == 0 ? "batch" : "declare", o->type);
		sdx_csv_map_free(map);
		return rc;
	}
	o->map = map;
	rc = cmd_with_key(o->w, o->json, csv_run, o);
	sdx_csv_map_free(map);
	return rc;
}
