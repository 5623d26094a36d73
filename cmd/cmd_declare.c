/* cmd/cmd_declare.c - sdx declare: sign and append declarations. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cmd/cmd.h"

#define MAX_ATTACH 64
#define MAX_FILE SDX_RECORD_INPUT_MAX

static const struct opt opts[] = {
	{ "attach", 'a', "FILE", "store FILE as evidence (lab report, certificate); repeatable" },
	{ "jsonl", 0, "FILE", "bulk: one record per line of FILE ('-' for stdin)" },
	{ "batch", 0, "N", "with --jsonl: records per transaction (default 1000)" },
	{ "type", 't', "TYPE", "record type: declaration (default) or withdrawal" },
	{ "json", 0, NULL, "print the entries written as JSON" },
	WHERE_OPTS,
	{ NULL, 0, NULL, NULL }
};

static const struct usage use = {
	"sdx declare [--attach FILE]... [--type TYPE] FILE.json...\n"
	"   or: sdx declare --jsonl FILE [--batch N] [--attach FILE]...",
	"Validate each record against its schema (formats/declaration.md), sign it and\n"
	"append it to the ledger, then sign a new checkpoint.  Evidence files named\n"
	"with --attach are stored by SHA-256; every attachment a declaration cites must\n"
	"be stored (now or earlier).  All files of one call form one transaction: if\n"
	"one is refused, nothing is written.  With --jsonl each batch of N lines is one\n"
	"transaction; a refused line names its number and earlier batches stay.\n"
	"To withdraw a declaration: --type withdrawal with {\"withdraws\": LEAF-HASH, ...}.",
	opts
};

struct declare_opts {
	struct where w;
	const char *attach[MAX_ATTACH];
	size_t nattach;
	const char *jsonl;
	const char *type;
	unsigned long long batch;
	int json;
	const char *text;         /* a record made by another command, instead of files */
	size_t text_len;
};

static int on_opt(void *ctx, const char *name, const char *arg)
{
	struct declare_opts *o = ctx;

	if (where_option(&o->w, name, arg))
		return 0;
	if (strcmp(name, "attach") == 0) {
		if (o->nattach == MAX_ATTACH)
			return cmd_error(EXIT_USAGE, "at most %d --attach files per call", MAX_ATTACH);
		o->attach[o->nattach++] = arg;
	} else if (strcmp(name, "jsonl") == 0) {
		o->jsonl = arg;
	} else if (strcmp(name, "batch") == 0) {
		if (parse_u64(arg, &o->batch, "--batch") != 0 || o->batch == 0 || o->batch > 1000000)
			return cmd_error(EXIT_USAGE, "--batch must be between 1 and 1000000");
	} else if (strcmp(name, "type") == 0) {
		o->type = arg;
	} else if (strcmp(name, "json") == 0) {
		o->json = 1;
	}
	return 0;
}

static int read_file(const char *path, char **out, size_t *len)
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

static void report(struct declare_opts *o, json_t *list, const char *what,
		   const sdx_entry_info *info)
{
	char hex[65];

	hex_hash(hex, info->leaf_hash);
	if (o->json)
		json_array_append_new(list, json_pack("{s:s, s:I, s:s, s:s}", "input", what,
						      "index", (json_int_t)info->index,
						      "leaf_hash", hex, "time", info->time));
	else
		printf("entry %" PRIu64 " %s %s\n", info->index, hex, what);
}

static int attach_all(struct declare_opts *o, sdx_ledger *l)
{
	unsigned char hash[32];
	uint64_t size;
	char hex[65];
	size_t i;
	int err;

	for (i = 0; i < o->nattach; i++) {
		if ((err = sdx_ledger_attach_file(l, o->attach[i], hash, &size)) < 0)
			return err;
		hex_hash(hex, hash);
		if (!o->json)
			fprintf(stderr, "attached %s (%" PRIu64 " bytes) %s\n", o->attach[i], size, hex);
	}
	return 0;
}

/* One transaction for all files. */
static int declare_files(struct declare_opts *o, sdx_ledger *l, sdx_signer *key,
			 char **files, int n, json_t *list)
{
	sdx_entry_info *infos = NULL;
	char what[4200], *buf = NULL;
	size_t len = 0;
	int i, rc = 0, err = 0;

	if (!(infos = calloc((size_t)n, sizeof(*infos))))
		return cmd_error(EXIT_ENV, "out of memory");
	if ((err = sdx_ledger_begin(l)) < 0)
		goto done;
	if ((err = attach_all(o, l)) < 0)
		goto done;
	for (i = 0; i < n; i++) {
		if (o->text) {
			snprintf(what, sizeof(what), "%s", files[i]);
			err = sdx_record_append(l, key, o->type, o->text, o->text_len, what, &infos[i]);
		} else {
			if ((rc = read_file(files[i], &buf, &len)) != 0)
				goto done;
			snprintf(what, sizeof(what), "'%s'", files[i]);
			err = sdx_record_append(l, key, o->type, buf, len, what, &infos[i]);
			free(buf);
			buf = NULL;
		}
		if (err < 0)
			goto done;
	}
	if ((err = sdx_ledger_checkpoint(l, key, NULL, NULL)) < 0 ||
	    (err = sdx_ledger_commit(l)) < 0)
		goto done;
	for (i = 0; i < n; i++)
		report(o, list, files[i], &infos[i]);
done:
	if (err < 0 || rc != 0) {
		sdx_ledger_rollback(l);
		if (err < 0)
			rc = cmd_fail(err);
		fprintf(stderr, "sdx: nothing was written\n");
	}
	free(infos);
	return rc;
}

/* One batch of JSONL lines, kept until it is appended. */
struct lines {
	char **text;
	size_t *len;
	char **what;
	unsigned long long *lineno;
	sdx_entry_info *info;
	size_t n, cap, bytes;
};

static void lines_clear(struct lines *b)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		free(b->text[i]);
		free(b->what[i]);
	}
	b->n = 0;
	b->bytes = 0;
}

static void lines_free(struct lines *b)
{
	lines_clear(b);
	free(b->text);
	free(b->len);
	free(b->what);
	free(b->lineno);
	free(b->info);
}

static int lines_init(struct lines *b, size_t cap)
{
	memset(b, 0, sizeof(*b));
	b->cap = cap;
	if (!(b->text = calloc(cap, sizeof(*b->text))) || !(b->len = calloc(cap, sizeof(*b->len))) ||
	    !(b->what = calloc(cap, sizeof(*b->what))) ||
	    !(b->lineno = calloc(cap, sizeof(*b->lineno))) ||
	    !(b->info = calloc(cap, sizeof(*b->info))))
		return cmd_error(EXIT_ENV, "out of memory");
	return 0;
}

/* Append one batch as one transaction; returns 0 or an exit code. */
static int flush(struct declare_opts *o, sdx_ledger *l, sdx_signer *key, struct lines *b,
		 unsigned long long *committed, int first_batch)
{
	size_t failed = 0;
	int err;

	if (b->n == 0)
		return 0;
	if ((err = sdx_ledger_begin(l)) < 0)
		return cmd_fail(err);
	if ((first_batch && (err = attach_all(o, l)) < 0) ||
	    (err = sdx_record_append_many(l, key, o->type, b->n, (const char *const *)b->text,
					  b->len, (const char *const *)b->what, b->info,
					  &failed)) < 0 ||
	    (err = sdx_ledger_checkpoint(l, key, NULL, NULL)) < 0 ||
	    (err = sdx_ledger_commit(l)) < 0) {
		sdx_ledger_rollback(l);
		return cmd_fail(err);
	}
	*committed += b->n;
	if (!o->json)
		printf("committed lines %llu-%llu as entries %" PRIu64 "-%" PRIu64 "\n",
		       b->lineno[0], b->lineno[b->n - 1], b->info[0].index, b->info[b->n - 1].index);
	fflush(stdout);
	return 0;
}

#define BATCH_BYTES (64u * 1024 * 1024)

static int declare_jsonl(struct declare_opts *o, sdx_ledger *l, sdx_signer *key, json_t *list)
{
	FILE *f = strcmp(o->jsonl, "-") == 0 ? stdin : fopen(o->jsonl, "rb");
	char *line = NULL, what[4200];
	size_t cap = 0;
	unsigned long long lineno = 0, committed = 0, batches = 0;
	struct lines b;
	ssize_t n;
	int rc = 0;

	if (!f)
		return cmd_error(errno == ENOENT ? EXIT_USAGE : EXIT_ENV, "cannot open '%s': %s",
				 o->jsonl, strerror(errno));
	if ((rc = lines_init(&b, (size_t)o->batch)) != 0)
		goto done;
	while ((n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if ((size_t)n > MAX_FILE) {
			rc = cmd_error(EXIT_USAGE, "'%s' line %llu: longer than %d bytes", o->jsonl,
				       lineno, MAX_FILE);
			goto done;
		}
		if (strspn(line, " \t\r\n") == (size_t)n)
			continue; /* blank line */
		snprintf(what, sizeof(what), "'%s' line %llu", o->jsonl, lineno);
		if (!(b.text[b.n] = malloc((size_t)n + 1)) || !(b.what[b.n] = strdup(what))) {
			free(b.text[b.n]);
			rc = cmd_error(EXIT_ENV, "out of memory");
			goto done;
		}
		memcpy(b.text[b.n], line, (size_t)n + 1);
		b.len[b.n] = (size_t)n;
		b.lineno[b.n] = lineno;
		b.bytes += (size_t)n;
		b.n++;
		if (b.n == b.cap || b.bytes >= BATCH_BYTES) {
			if ((rc = flush(o, l, key, &b, &committed, batches++ == 0)) != 0)
				goto done;
			lines_clear(&b);
		}
	}
	if (ferror(f)) {
		rc = cmd_error(EXIT_ENV, "cannot read '%s': %s", o->jsonl, strerror(errno));
		goto done;
	}
	if ((rc = flush(o, l, key, &b, &committed, batches++ == 0)) != 0)
		goto done;
	if (o->json)
		json_array_append_new(list, json_pack("{s:s, s:I}", "input", o->jsonl,
						      "committed", (json_int_t)committed));
	else
		printf("%llu records committed\n", committed);
done:
	if (rc != 0)
		fprintf(stderr, "sdx: %llu records committed before the failure; the failing "
			"batch (from line %llu) was not written\n", committed,
			b.n ? b.lineno[0] : lineno);
	lines_free(&b);
	free(line);
	if (f != stdin)
		fclose(f);
	return rc;
}

/* Open the ledger and key, append (files, a text, or --jsonl), print. */
static int run(struct declare_opts *o, char **files, int n)
{
	sdx_ledger *l = NULL;
	sdx_signer *key = NULL;
	json_t *list = NULL;
	int rc;

	if ((rc = open_ledger(&l, &o->w, 0)) != 0)
		return rc;
	if ((rc = load_key(&key, &o->w)) != 0)
		goto done;
	list = json_array();
	if (o->jsonl)
		rc = declare_jsonl(o, l, key, list);
	else
		rc = declare_files(o, l, key, files, n, list);
	if (rc == 0 && o->json) {
		print_json(list);
		list = NULL;
	}
done:
	json_decref(list);
	sdx_signer_free(key);
	sdx_ledger_free(l);
	return rc;
}

int cmd_declare(int argc, char **argv)
{
	struct declare_opts o;
	int first, rc;

	memset(&o, 0, sizeof(o));
	o.type = "declaration";
	o.batch = 1000;
	if ((rc = cmd_parse(argc, argv, &use, on_opt, &o, &first)) != 0)
		return rc == CMD_HELP_SHOWN ? 0 : rc;
	if (!o.jsonl && first >= argc)
		return cmd_error(EXIT_USAGE, "no declaration given; usage: sdx declare FILE.json "
				 "(see 'sdx declare --help')");
	if (o.jsonl && first < argc)
		return cmd_error(EXIT_USAGE, "give either --jsonl FILE or FILE.json arguments");
	if (!sdx_record_type_known(o.type))
		return cmd_error(EXIT_USAGE, "unknown record type '%s' for --type", o.type);
	where_resolve(&o.w);
	return run(&o, argv + first, argc - first);
}

/* Options for a record made by another command (batch, ship). */
static int other_opts(struct declare_opts *o, const struct where *w, const char *type,
		      const char *const *attach, size_t nattach, int json)
{
	memset(o, 0, sizeof(*o));
	o->w = *w;
	o->type = type;
	o->json = json;
	if (nattach > MAX_ATTACH)
		return cmd_error(EXIT_USAGE, "at most %d --attach files per call", MAX_ATTACH);
	for (o->nattach = 0; o->nattach < nattach; o->nattach++)
		o->attach[o->nattach] = attach[o->nattach];
	return 0;
}

int cmd_declare_text(const struct where *w, const char *type, const char *text, size_t len,
		     const char *name, const char *const *attach, size_t nattach, int json)
{
	struct declare_opts o;
	char *names[1] = { (char *)name };
	int rc;

	if ((rc = other_opts(&o, w, type, attach, nattach, json)) != 0)
		return rc;
	o.text = text;
	o.text_len = len;
	return run(&o, names, 1);
}

int cmd_declare_file(const struct where *w, const char *type, const char *file,
		     const char *const *attach, size_t nattach, int json)
{
	struct declare_opts o;
	char *names[1] = { (char *)file };
	int rc;

	if ((rc = other_opts(&o, w, type, attach, nattach, json)) != 0)
		return rc;
	return run(&o, names, 1);
}
