/*
 * cmd/append.c - sign and append records with their evidence files, as sdx
 * declare, sdx batch and sdx ship do: one transaction, one new checkpoint.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"

#define MAX_FILE SDX_RECORD_INPUT_MAX

int cmd_read_record(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n;

	*out = NULL;
	if (!f)
		return cmd_error(errno == ENOENT ? EXIT_USAGE : EXIT_ENV, "cannot open '%s': %s",
				 path, strerror(errno));
	if (!(buf = malloc(MAX_FILE + 1))) {
		fclose(f);
		return cmd_error(EXIT_ENV, "out of memory");
	}
	n = fread(buf, 1, MAX_FILE + 1, f);
	if (ferror(f)) {
		fclose(f);
		free(buf);
		return cmd_error(EXIT_ENV, "cannot read '%s': %s", path, strerror(errno));
	}
	fclose(f);
	if (n > MAX_FILE) {
		free(buf);
		return cmd_error(EXIT_USAGE, "'%s': larger than %d bytes; a record holds data, "
				 "put documents in --attach files", path, MAX_FILE);
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

static void report(json_t *list, const char *what, const sdx_entry_info *info, int json)
{
	char hex[65];

	hex_hash(hex, info->leaf_hash);
	if (json)
		json_array_append_new(list, entry_info_json(what, info));
	else
		printf("entry %" PRIu64 " %s %s\n", info->index, hex, what);
}

int cmd_attach_all(sdx_ledger *l, const char *const *attach, size_t n, struct attached *out)
{
	size_t i;
	int err;

	for (i = 0; i < n; i++)
		out[i].size = UINT64_MAX; /* not stored (yet) */
	for (i = 0; i < n; i++)
		if ((err = sdx_ledger_attach_file(out[i].hash, &out[i].size, l, attach[i])) < 0)
			return err;
	return 0;
}

void cmd_attached_print(const char *const *attach, size_t n, const struct attached *a, int json)
{
	char hex[65];
	size_t i;

	for (i = 0; i < n && !json; i++) {
		hex_hash(hex, a[i].hash);
		fprintf(stderr, "attached %s (%" PRIu64 " bytes) %s\n", attach[i], a[i].size, hex);
	}
}

int cmd_attach_fail(int err, const char *const *attach, size_t n, const struct attached *a)
{
	char hex[65];
	size_t i;
	int rc = cmd_fail(err);

	/* a cited report that is not stored, while files were given: say what
	 * they are, so that a wrong or changed file is seen at once */
	for (i = 0; err == SDX_ENOTFOUND && i < n && a[i].size != UINT64_MAX; i++) {
		hex_hash(hex, a[i].hash);
		fprintf(stderr, "sdx: the --attach file '%s' has SHA-256 %s\n", attach[i], hex);
	}
	return rc;
}

struct append {
	const char *type;
	const struct record_src *src;
	size_t n;
	const char *const *attach;
	size_t nattach;
	int json;
	int dry_run;  /* every check of the write, then roll back */
};

/* What the write does not refuse but shows: a quantity that cannot be
 * compared, an HS code that differs (formats/plausibility.md). */
static int print_notes(sdx_ledger *l, const char *type, const char *json, size_t len,
		       const char *what)
{
	char *text = NULL;
	json_t *notes, *x;
	size_t i;
	int err;

	if ((err = sdx_record_plausible(&text, l, type, json, len)) < 0)
		return err;
	notes = json_loads(text, 0, NULL);
	free(text);
	json_array_foreach(notes, i, x)
		if (strcmp(json_str(x, "kind"), "refused") != 0)
			fprintf(stderr, "sdx: note: %s: %s\n", what, json_str(x, "text"));
	json_decref(notes);
	return 0;
}

/* Is format `have` ("sdx-declaration/4") a later version of the same type
 * than `want` ("sdx-declaration/3")? */
static int later_format(const char *have, const char *want)
{
	const char *a = have ? strrchr(have, '/') : NULL, *b = want ? strrchr(want, '/') : NULL;

	return a && b && a - have == b - want && strncmp(have, want, (size_t)(a - have)) == 0 &&
	       strtol(a + 1, NULL, 10) > strtol(b + 1, NULL, 10);
}

/* The record in buf with the members of `set` put in (replacing), in buf again;
 * a "format" the record gives stays where it is a later version (a version 4
 * declaration answering a request keeps its threshold statements). */
static int set_members(char **buf, size_t *len, const json_t *set, const char *what)
{
	json_error_t e;
	json_t *rec = json_loadb(*buf, *len, JSON_REJECT_DUPLICATES, &e), *keep = NULL;
	char *text;

	if (!json_is_object(rec)) {
		json_decref(rec);
		return sdx_error_set(SDX_EFORMAT, "%s: line %d: %s", what, e.line,
				     rec ? "expected a JSON object" : e.text);
	}
	if (later_format(json_string_value(json_object_get(rec, "format")),
			 json_string_value(json_object_get(set, "format"))))
		keep = json_incref(json_object_get(rec, "format"));
	if (json_object_update(rec, (json_t *)set) < 0 ||
	    (keep && json_object_set(rec, "format", keep) < 0) ||
	    !(text = json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15)))) {
		json_decref(keep);
		json_decref(rec);
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	}
	json_decref(keep);
	json_decref(rec);
	free(*buf);
	*buf = text;
	*len = strlen(text);
	return 0;
}

/* One record: its notes, then the append with all its checks. */
static int append_one(sdx_ledger *l, sdx_signer *key, const struct append *a, size_t i,
		      sdx_entry_info *info, const struct attached *att, int *rc)
{
	const struct record_src *s = &a->src[i];
	unsigned char hashes[MAX_ATTACH][32];
	char what[4200], *buf = NULL, *filled = NULL;
	size_t len = 0, flen = 0, k;
	int err;

	if (!s->file) {
		/* one that does not validate is refused by the append, which says why */
		err = sdx_record_builder_json(&buf, &len, s->b, 0) == 0
			? print_notes(l, a->type, buf, len, sdx_record_builder_label(s->b)) : 0;
		free(buf);
		return err < 0 ? err : sdx_record_builder_append(info, l, key, s->b);
	}
	if ((*rc = cmd_read_record(s->file, &buf, &len)) != 0)
		return 0;
	snprintf(what, sizeof(what), "'%s'", s->file);
	/* evidence citing an --attach file by name gets its SHA-256 */
	for (k = 0; k < a->nattach; k++)
		memcpy(hashes[k], att[k].hash, 32);
	if ((err = sdx_record_fill_attachments(&filled, &flen, a->type, buf, len, a->attach,
					       (const unsigned char (*)[32])hashes, a->nattach,
					       what)) < 0) {
		free(buf);
		return err;
	}
	if (filled) {
		free(buf);
		buf = filled;
		len = flen;
	}
	if (s->set && (err = set_members(&buf, &len, s->set, what)) < 0) {
		free(buf);
		return err;
	}
	if ((err = print_notes(l, a->type, buf, len, what)) == 0)
		err = s->nconceal ? sdx_record_append_concealed(info, l, key, a->type, buf, len, what,
								s->conceal, s->nconceal, s->decoys)
				  : sdx_record_append(info, l, key, a->type, buf, len, what);
	free(buf);
	return err;
}

/* A record's name in messages and in what is printed. */
static const char *src_name(const struct record_src *s)
{
	return s->file ? s->file : sdx_record_builder_label(s->b);
}

/* One transaction for all records. */
static int append_all(void *ctx, sdx_ledger *l, sdx_signer *key, json_t *list)
{
	const struct append *a = ctx;
	struct attached att[MAX_ATTACH];
	sdx_entry_info *infos = NULL;
	size_t i;
	int rc = 0, err = 0;

	if (!(infos = calloc(a->n, sizeof(*infos))))
		return cmd_error(EXIT_ENV, "out of memory");
	if ((err = sdx_ledger_begin(l)) < 0)
		goto done;
	if ((err = cmd_attach_all(l, a->attach, a->nattach, att)) < 0)
		goto done;
	for (i = 0; i < a->n; i++)
		if ((err = append_one(l, key, a, i, &infos[i], att, &rc)) < 0 || rc != 0)
			goto done;
	if (a->dry_run) {
		/* every check of the write was made: now write nothing */
		sdx_ledger_rollback(l);
		for (i = 0; i < a->n; i++)
			fprintf(stderr, "sdx: dry run: %s passes every check of the write; nothing "
				"was written\n", src_name(&a->src[i]));
		goto done;
	}
	if ((err = sdx_ledger_checkpoint(NULL, NULL, l, key)) < 0 ||
	    (err = sdx_ledger_commit(l)) < 0)
		goto done;
	cmd_attached_print(a->attach, a->nattach, att, a->json);
	for (i = 0; i < a->n; i++)
		report(list, src_name(&a->src[i]), &infos[i], a->json);
done:
	if (err < 0 || rc != 0) {
		sdx_ledger_rollback(l);
		if (err < 0)
			rc = cmd_attach_fail(err, a->attach, a->nattach, att);
		fprintf(stderr, "sdx: nothing was written\n");
	}
	free(infos);
	return rc;
}

int cmd_with_key(const struct where *w, int json, signed_fn *fn, void *ctx)
{
	sdx_ledger *l = NULL;
	sdx_signer *key = NULL;
	json_t *list = NULL;
	int rc;

	if ((rc = open_ledger(&l, w, 0)) != 0)
		return rc;
	if ((rc = load_key(&key, w)) != 0)
		goto done;
	list = json_array();
	rc = fn(ctx, l, key, list);
	if (rc == 0 && json) {
		print_json(list);
		list = NULL;
	}
done:
	json_decref(list);
	sdx_signer_free(key);
	sdx_ledger_free(l);
	return rc;
}

int cmd_append(const struct where *w, const char *type, const struct record_src *src, size_t n,
	       const char *const *attach, size_t nattach, int json)
{
	struct append a = { type, src, n, attach, nattach, json, 0 };

	return cmd_with_key(w, json, append_all, &a);
}

int cmd_append_check(const struct where *w, const char *type, const struct record_src *src,
		     size_t n, const char *const *attach, size_t nattach)
{
	struct append a = { type, src, n, attach, nattach, 0, 1 };

	return cmd_with_key(w, 0, append_all, &a);
}
