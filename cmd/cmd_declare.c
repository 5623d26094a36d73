/* cmd/cmd_declare.c - sdx declare: sign and append declarations. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd/cmd.h"
#include "cmd/progress.h"

#define MAX_FILE SDX_RECORD_INPUT_MAX

static const struct usage use = {
	"sdx declare [--attach FILE]... [--type TYPE] [--answers REQ] FILE.json...\n"
	"   or: sdx declare --conceal POINTER... [--decoys N] [--attach FILE]... FILE.json...\n"
	"   or: sdx declare --jsonl FILE [--batch N] [--attach FILE]...\n"
	"   or: sdx declare --ipc1752a FILE.xml --supplier FILE.json --valid-until DATE [--lot LOT:QTY:UNIT]...\n"
	"   or: sdx declare --csv FILE.csv --map MAP.json [--attach FILE]... [--dry-run]",
	"Validate each record against its schema (formats/declaration.md), sign it and\n"
	"append it to the ledger, then sign a new checkpoint.  Evidence files named\n"
	"with --attach are stored by SHA-256; every attachment a declaration cites must\n"
	"be stored (now or earlier); evidence citing a file by name only\n"
	"(\"attachment\": {\"file_name\": \"report.pdf\"}) gets the SHA-256 of the --attach\n"
	"file of that name.  All files of one call form one transaction: if\n"
	"one is refused, nothing is written.  With --jsonl each batch of N lines is one\n"
	"transaction; a refused line names its number and earlier batches stay.\n"
	"To withdraw a declaration: --type withdrawal with {\"withdraws\": LEAF-HASH, ...}.\n"
	"With --ipc1752a an IPC-1752A XML file becomes one declaration, appended with\n"
	"the file attached (formats/ipc1752a.md).\n"
	"With --csv the rows of a CSV file exported from an ERP system become\n"
	"declarations as the mapping --map says (one per row, or per group of rows:\n"
	"formats/csv-import.md); every record is built and validated before any is\n"
	"appended, all in one transaction; a refused row names its line and column.\n"
	"--answers REQ says the declarations answer the request REQ (its request id\n"
	"or leaf hash; a customer's imported request, formats/request.md): they are\n"
	"written as version 3 with \"answers\" naming it (a version 4 one stays 4).\n"
	"With --conceal each field a JSON pointer names (/claims/0/value) is signed as\n"
	"a salted SHA-256 digest and its disclosure kept in the ledger beside the\n"
	"entry (formats/disclosure.md); --decoys N adds N random digests beside them.\n"
	"A threshold statement (/statements/N, version 4) stays in view: it cannot be\n"
	"concealed, and one the record's own values contradict is refused.",
	USAGE_ANY
};

struct declare_opts {
	struct where w;
	const char *attach[MAX_ATTACH];
	size_t nattach;
	const char *jsonl;
	const char *type;
	const char *answers;
	uint64_t batch;
	int json, dry_run, quiet;
	struct ipc_opts ipc;
	struct csv_opts csv;
	const char *conceal[MAX_CONCEAL];
	size_t nconceal;
	uint64_t decoys;
};

/* One batch of JSONL lines, kept until it is appended. */
struct lines {
	char **text;
	char **what;
	sdx_record_input *in; /* each borrows its text and what */
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
	free(b->in);
	free(b->what);
	free(b->lineno);
	free(b->info);
}

static int lines_init(struct lines *b, size_t cap)
{
	memset(b, 0, sizeof(*b));
	b->cap = cap;
	if (!(b->text = calloc(cap, sizeof(*b->text))) || !(b->in = calloc(cap, sizeof(*b->in))) ||
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
	struct attached att[MAX_ATTACH];
	size_t failed = 0;
	int err;

	if (b->n == 0)
		return 0;
	if ((err = sdx_ledger_begin(l)) < 0)
		return cmd_fail(err);
	if ((first_batch && (err = cmd_attach_all(l, o->attach, o->nattach, att)) < 0) ||
	    (err = sdx_record_append_many(b->info, &failed, l, key, o->type, b->in, b->n)) < 0 ||
	    (err = sdx_ledger_checkpoint(NULL, NULL, l, key)) < 0 ||
	    (err = sdx_ledger_commit(l)) < 0) {
		sdx_ledger_rollback(l);
		return first_batch ? cmd_attach_fail(err, o->attach, o->nattach, att) : cmd_fail(err);
	}
	*committed += b->n;
	if (first_batch)
		cmd_attached_print(o->attach, o->nattach, att, o->json);
	if (!o->json)
		printf("committed lines %llu-%llu as entries %" PRIu64 "-%" PRIu64 "\n",
		       b->lineno[0], b->lineno[b->n - 1], b->info[0].index, b->info[b->n - 1].index);
	fflush(stdout);
	return 0;
}

#define BATCH_BYTES (64u * 1024 * 1024)

static int declare_jsonl(void *ctx, sdx_ledger *l, sdx_signer *key, json_t *list)
{
	struct declare_opts *o = ctx;
	FILE *f = strcmp(o->jsonl, "-") == 0 ? stdin : fopen(o->jsonl, "rb");
	char *line = NULL, what[4200];
	size_t cap = 0;
	unsigned long long lineno = 0, committed = 0, batches = 0;
	struct lines b;
	struct progress prog = { NULL, 0, 0, 0, 0, 0 };
	struct stat sb;
	double size = 0;
	ssize_t n;
	int rc = 0;

	if (!f)
		return cmd_error(errno == ENOENT ? EXIT_USAGE : EXIT_ENV, "cannot open '%s': %s",
				 o->jsonl, strerror(errno));
	if (fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode))
		size = (double)sb.st_size;
	if ((rc = lines_init(&b, (size_t)o->batch)) != 0)
		goto done;
	progress_begin(&prog, "declare", o->quiet);
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
		b.in[b.n] = (sdx_record_input){ b.text[b.n], (size_t)n, b.what[b.n] };
		b.lineno[b.n] = lineno;
		b.bytes += (size_t)n;
		b.n++;
		if (b.n == b.cap || b.bytes >= BATCH_BYTES) {
			progress_clear(&prog);
			if ((rc = flush(o, l, key, &b, &committed, batches++ == 0)) != 0)
				goto done;
			lines_clear(&b);
			progress_update_fraction(&prog, committed, size > 0 ? (double)ftello(f) / size : -1);
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
	progress_end(&prog);
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

/* {"format": "sdx-declaration/3", "answers": {entry, request_id}} of the request REF names. */
static int answers_of(json_t **out, const struct where *w, const char *ref)
{
	sdx_ledger *l = NULL;
	sdx_found *f = NULL;
	json_t *p = NULL;
	char hex[65], *text = NULL;
	size_t len = 0;
	int rc, err;

	*out = NULL;
	if ((rc = open_ledger(&l, w, SDX_OPEN_READONLY)) != 0)
		return rc;
	if ((err = sdx_record_find(&f, l, ref, NULL)) < 0) {
		rc = cmd_fail(err);
	} else if (strcmp(f->entry.type, "request") != 0) {
		rc = cmd_error(EXIT_USAGE, "--answers: '%s' is a %s, not a request", ref, f->entry.type);
	} else if ((err = sdx_entry_payload(&text, &len, &f->entry)) < 0) {
		rc = cmd_fail(err);
	} else {
		const char *id;
		p = json_loadb(text, len, 0, NULL);
		id = json_string_value(json_object_get(json_object_get(p, "body"), "request_id"));
		hex_hash(hex, f->entry.leaf_hash);
		*out = json_pack("{s:s, s:{s:s, s:s}}", "format", "sdx-declaration/3", "answers",
				 "entry", hex, "request_id", id ? id : "");
		if (!*out)
			rc = cmd_error(EXIT_ENV, "out of memory");
	}
	json_decref(p);
	free(text);
	sdx_found_free(f);
	sdx_ledger_free(l);
	return rc;
}

int cmd_declare(int argc, char **argv)
{
	struct declare_opts o;
	struct record_src *src = NULL;
	json_t *answers = NULL;
	int first, rc, i;

	memset(&o, 0, sizeof(o));
	o.type = "declaration";
	o.batch = 1000;
	struct opt opts[] = {
		OPT_STRING_LIST('a', "attach", o.attach, &o.nattach, MAX_ATTACH, "FILE",
				"store FILE as evidence (lab report, certificate); repeatable",
				"at most %zu --attach files per call"),
		OPT_STRING(0, "jsonl", &o.jsonl, "FILE",
			   "bulk: one record per line of FILE ('-' for stdin)"),
		OPT_U64_RANGE(0, "batch", &o.batch, "N",
			      "with --jsonl: records per transaction (default 1000)", 1, 1000000),
		OPT_STRING('t', "type", &o.type, "TYPE",
			   "record type: declaration (default), withdrawal or product (a model and its type tests)"),
		OPT_STRING(0, "answers", &o.answers, "REQ",
			   "the request the declarations answer: request id or REF (version 3)"),
		OPT_STRING_LIST(0, "conceal", o.conceal, &o.nconceal, MAX_CONCEAL, "POINTER",
				"sign the field at POINTER (a JSON pointer) as a salted digest; "
				"repeatable", "at most %zu --conceal fields"),
		OPT_U64_RANGE(0, "decoys", &o.decoys, "N",
			      "with --conceal: N random digests beside the concealed fields", 0, 64),
		OPT_BOOL(0, "json", &o.json, "print the entries written as JSON"),
		OPT_BOOL('n', "dry-run", &o.dry_run, "make every check of the write; write nothing"),
		OPT_BOOL('q', "quiet", &o.quiet, "with --jsonl: no progress on stderr (shown only on a terminal)"),
		IPC1752A_OPTS(&o.ipc),
		CSV_OPTS(&o.csv),
		WHERE_OPTS(&o.w),
		OPT_END()
	};

	if ((rc = cmd_parse(argc, argv, &use, opts, &first)) != 0)
		return rc == CMD_HELP_SHOWN ? 0 : rc;
	if ((o.nconceal || o.decoys) && (o.jsonl || o.ipc.file || o.csv.csv || !o.nconceal))
		return cmd_error(EXIT_USAGE, "--conceal goes with FILE.json arguments, --decoys "
				 "with --conceal");
	if (o.csv.map_path && !o.csv.csv)
		return cmd_error(EXIT_USAGE, "--map goes with --csv FILE");
	if (o.csv.csv) {
		if (o.jsonl || o.ipc.file || first < argc || strcmp(o.type, "declaration") != 0)
			return cmd_error(EXIT_USAGE, "--csv FILE goes alone (no --jsonl, --ipc1752a, "
					 "--type or FILE.json)");
		where_resolve(&o.w);
		o.csv.w = &o.w;
		o.csv.type = "declaration";
		o.csv.attach = o.attach;
		o.csv.nattach = o.nattach;
		o.csv.dry_run = o.dry_run;
		o.csv.json = o.json;
		return cmd_csv_import(&o.csv);
	}
	if (o.ipc.file && (o.jsonl || o.dry_run || first < argc))
		return cmd_error(EXIT_USAGE, "--ipc1752a FILE.xml goes alone (no --jsonl, --dry-run "
				 "or FILE.json)");
	if (!o.ipc.file && (o.ipc.supplier || o.ipc.valid_until || o.ipc.nlots))
		return cmd_error(EXIT_USAGE, "--supplier, --valid-until and --lot go with --ipc1752a");
	if (o.ipc.file)
		return where_resolve(&o.w), cmd_declare_ipc(&o.w, &o.ipc, o.attach, o.nattach, o.json);
	if (!o.jsonl && first >= argc)
		return cmd_error(EXIT_USAGE, "no declaration given; usage: sdx declare FILE.json "
				 "(see 'sdx declare --help')");
	if (o.jsonl && first < argc)
		return cmd_error(EXIT_USAGE, "give either --jsonl FILE or FILE.json arguments");
	if (o.jsonl && o.dry_run)
		return cmd_error(EXIT_USAGE, "--dry-run applies to FILE.json arguments");
	if (!sdx_record_type_known(o.type))
		return cmd_error(EXIT_USAGE, "unknown record type '%s' for --type", o.type);
	if (o.answers && (o.jsonl || strcmp(o.type, "declaration") != 0))
		return cmd_error(EXIT_USAGE, "--answers goes with declaration FILE.json arguments");
	where_resolve(&o.w);
	if (o.answers && (rc = answers_of(&answers, &o.w, o.answers)) != 0)
		return rc;
	if (o.jsonl)
		return cmd_with_key(&o.w, o.json, declare_jsonl, &o);
	if (!(src = calloc((size_t)(argc - first), sizeof(*src))))
		return cmd_error(EXIT_ENV, "out of memory");
	for (i = first; i < argc; i++) {
		src[i - first].file = argv[i];
		src[i - first].set = answers;
		src[i - first].conceal = o.conceal;
		src[i - first].nconceal = o.nconceal;
		src[i - first].decoys = (unsigned)o.decoys;
	}
	rc = o.dry_run ? cmd_append_check(&o.w, o.type, src, (size_t)(argc - first), o.attach,
					  o.nattach)
		       : cmd_append(&o.w, o.type, src, (size_t)(argc - first), o.attach, o.nattach,
				    o.json);
	free(src);
	json_decref(answers);
	return rc;
}
