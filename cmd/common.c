/* cmd/common.c - option parsing, messages, ledger/key locations, passphrases. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "cmd/cmd.h"

#define MAX_OPTS 32

void cmd_print_usage(FILE *f, const char *name, const struct usage *u)
{
	const struct opt *o;
	char left[64];

	(void)name;
	fprintf(f, "usage: %s\n", u->synopsis);
	if (u->description)
		fprintf(f, "\n%s\n", u->description);
	fprintf(f, "\noptions:\n");
	for (o = u->opts; o && o->name; o++) {
		if (o->short_name)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", o->short_name, o->name,
				 o->arg ? " " : "", o->arg ? o->arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", o->name, o->arg ? " " : "",
				 o->arg ? o->arg : "");
		fprintf(f, "  %-26s %s\n", left, o->help);
	}
	fprintf(f, "  %-26s %s\n", "-h, --help", "show this help");
}

int cmd_parse(int argc, char **argv, const struct usage *u, opt_cb cb, void *ctx,
	      int *first_arg)
{
	struct option longs[MAX_OPTS + 2];
	char shorts[3 * MAX_OPTS + 4];
	size_t n = 0, s = 0;
	const struct opt *o;
	int c, idx, rc;

	shorts[s++] = ':'; /* report a missing argument as ':' */
	for (o = u->opts; o && o->name && n < MAX_OPTS; o++, n++) {
		longs[n].name = o->name;
		longs[n].has_arg = o->arg ? required_argument : no_argument;
		longs[n].flag = NULL;
		longs[n].val = o->short_name ? o->short_name : 256 + (int)n;
		if (o->short_name) {
			shorts[s++] = (char)o->short_name;
			if (o->arg)
				shorts[s++] = ':';
		}
	}
	longs[n].name = "help";
	longs[n].has_arg = no_argument;
	longs[n].flag = NULL;
	longs[n].val = 'h';
	memset(&longs[n + 1], 0, sizeof(longs[n + 1]));
	shorts[s++] = 'h';
	shorts[s] = '\0';
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, longs, &idx)) != -1) {
		if (c == 'h') {
			cmd_print_usage(stdout, argv[0], u);
			return CMD_HELP_SHOWN;
		}
		if (c == '?' || c == ':') {
			const char *bad = argv[optind - 1];
			if (c == ':')
				cmd_error(EXIT_USAGE, "option '%s' needs an argument", bad);
			else if (optopt)
				cmd_error(EXIT_USAGE, "unknown option '-%c'", optopt);
			else
				cmd_error(EXIT_USAGE, "unknown option '%s'", bad);
			fprintf(stderr, "usage: %s\n(see '%s --help')\n", u->synopsis, "sdx <command>");
			return EXIT_USAGE;
		}
		for (o = u->opts; o && o->name; o++)
			if ((o->short_name && o->short_name == c) ||
			    (!o->short_name && c == 256 + (int)(o - u->opts)))
				break;
		if (!o || !o->name)
			return cmd_error(EXIT_USAGE, "unexpected option");
		if ((rc = cb(ctx, o->name, o->arg ? optarg : NULL)) != 0)
			return rc;
	}
	*first_arg = optind;
	return 0;
}

int cmd_exit_code(int err)
{
	switch (err) {
	case 0: return EXIT_OK;
	case SDX_EVERIFY:
	case SDX_ECONFLICT: return EXIT_VERIFY;
	case SDX_EUNTRUSTED: return EXIT_UNTRUSTED;
	case SDX_EIO:
	case SDX_ENOMEM: return EXIT_ENV;
	default: return EXIT_USAGE;
	}
}

int cmd_fail(int err)
{
	fflush(stdout); /* what was printed comes before the error */
	fprintf(stderr, "sdx: %s\n", *sdx_error_last() ? sdx_error_last() : sdx_error_name(err));
	return cmd_exit_code(err);
}

int cmd_error(int code, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("sdx: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

void where_resolve(struct where *w)
{
	size_t n;

	if (!w->ledger)
		w->ledger = getenv("SDX_LEDGER");
	if (!w->ledger || !*w->ledger)
		w->ledger = "sdx.db";
	if (!w->key)
		w->key = getenv("SDX_KEY");
	if (w->key && *w->key)
		return;
	/* beside the ledger: ledger.db -> ledger.key, anything else -> +.key */
	n = strlen(w->ledger);
	if (n > 3 && strcmp(w->ledger + n - 3, ".db") == 0)
		snprintf(w->key_buf, sizeof(w->key_buf), "%.*s.key", (int)(n - 3), w->ledger);
	else
		snprintf(w->key_buf, sizeof(w->key_buf), "%s.key", w->ledger);
	w->key = w->key_buf;
}

int where_option(struct where *w, const char *name, const char *arg)
{
	if (strcmp(name, "ledger") == 0) {
		w->ledger = arg;
		return 1;
	}
	if (strcmp(name, "key") == 0) {
		w->key = arg;
		return 1;
	}
	return 0;
}

int open_ledger(sdx_ledger **out, const struct where *w, unsigned flags)
{
	const char *durable = getenv("SDX_DURABLE");
	int err;

	/* fsync every commit: survives power loss, not only a crash of sdx */
	if (durable && strcmp(durable, "1") == 0)
		flags |= SDX_OPEN_DURABLE;
	err = sdx_ledger_open(out, w->ledger, flags);

	if (err == SDX_ENOTFOUND)
		return cmd_error(EXIT_USAGE, "no ledger at '%s'; create one with 'sdx init "
				 "--origin NAME' or point -L/$SDX_LEDGER at it", w->ledger);
	return err < 0 ? cmd_fail(err) : 0;
}

static int read_tty_line(char *buf, size_t cap, const char *prompt)
{
	struct termios old, quiet;
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY), echo_off = 0, rc = -1;
	size_t n = 0;
	char c;

	if (fd < 0)
		return -1;
	if (write(fd, prompt, strlen(prompt)) < 0)
		goto done;
	if (tcgetattr(fd, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		echo_off = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
	}
	while (read(fd, &c, 1) == 1 && c != '\n') {
		if (n + 1 < cap)
			buf[n++] = c;
	}
	buf[n] = '\0';
	rc = 0;
	if (echo_off)
		tcsetattr(fd, TCSAFLUSH, &old);
	if (write(fd, "\n", 1) < 0)
		rc = 0;
done:
	close(fd);
	return rc;
}

int read_passphrase(char **out, const char *prompt, int confirm)
{
	const char *env = getenv("SDX_PASSPHRASE");
	char *p = NULL, *again = NULL;
	int err = 0;

	*out = NULL;
	if (!(p = sodium_malloc(1024)) || !(again = sodium_malloc(1024))) {
		err = cmd_error(EXIT_ENV, "out of memory");
		goto done;
	}
	if (env) {
		snprintf(p, 1024, "%s", env);
	} else {
		if (read_tty_line(p, 1024, prompt) < 0) {
			err = cmd_error(EXIT_USAGE, "a passphrase is needed: set SDX_PASSPHRASE or run "
					"from a terminal");
			goto done;
		}
		if (confirm) {
			if (read_tty_line(again, 1024, "repeat passphrase: ") < 0 ||
			    strcmp(p, again) != 0) {
				err = cmd_error(EXIT_USAGE, "the passphrases do not match");
				goto done;
			}
		}
	}
	if (!*p) {
		err = cmd_error(EXIT_USAGE, "empty passphrase (use --unencrypted for a key "
				"without one)");
		goto done;
	}
	*out = p;
	p = NULL;
done:
	if (p)
		sodium_free(p);
	if (again)
		sodium_free(again);
	return err;
}

int load_key(sdx_signer **out, const struct where *w)
{
	char *pass = NULL;
	int enc, err;

	if ((enc = sdx_key_is_encrypted(w->key)) < 0)
		return cmd_fail(enc);
	if (enc && (err = read_passphrase(&pass, "passphrase: ", 0)) != 0)
		return err;
	err = sdx_key_load(out, w->key, pass);
	if (pass)
		sodium_free(pass);
	return err < 0 ? cmd_fail(err) : 0;
}

int parse_u64(const char *s, unsigned long long *out, const char *what)
{
	char *end;

	errno = 0;
	if (!*s || *s == '-' || *s == '+')
		return cmd_error(EXIT_USAGE, "%s: '%s' is not a number", what, s);
	*out = strtoull(s, &end, 10);
	if (errno || *end)
		return cmd_error(EXIT_USAGE, "%s: '%s' is not a number", what, s);
	return 0;
}

int load_vkeys(const char *arg, sdx_verifier **out, size_t max, size_t *n)
{
	char line[1024];
	size_t before = *n;
	FILE *f;
	int err;

	if (access(arg, R_OK) != 0 || !(f = fopen(arg, "r"))) {
		if (*n == max)
			return cmd_error(EXIT_USAGE, "at most %zu keys", max);
		if ((err = sdx_verifier_parse(&out[*n], arg)) < 0)
			return cmd_fail(err);
		(*n)++;
		return 0;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!*line || *line == '#')
			continue;
		if (*n == max) {
			fclose(f);
			return cmd_error(EXIT_USAGE, "'%s': at most %zu keys", arg, max);
		}
		if ((err = sdx_verifier_parse(&out[*n], line)) < 0) {
			fclose(f);
			return cmd_error(EXIT_USAGE, "'%s': %s", arg, sdx_error_last());
		}
		(*n)++;
	}
	fclose(f);
	if (*n == before)
		return cmd_error(EXIT_USAGE, "'%s': no verifier key in the file", arg);
	return 0;
}

int parse_size(const char *s, unsigned long long *out, const char *what)
{
	char buf[32];
	size_t n = strlen(s);
	unsigned long long mult = 1;
	int rc;

	if (n == 0 || n >= sizeof(buf))
		return cmd_error(EXIT_USAGE, "%s: '%s' is not a size", what, s);
	memcpy(buf, s, n + 1);
	switch (buf[n - 1]) {
	case 'K': case 'k': mult = 1ULL << 10; buf[--n] = '\0'; break;
	case 'M': case 'm': mult = 1ULL << 20; buf[--n] = '\0'; break;
	case 'G': case 'g': mult = 1ULL << 30; buf[--n] = '\0'; break;
	default: break;
	}
	if ((rc = parse_u64(buf, out, what)) != 0)
		return rc;
	if (*out > UINT64_MAX / mult)
		return cmd_error(EXIT_USAGE, "%s: '%s' is too large", what, s);
	*out *= mult;
	return 0;
}

int limit_option(sdx_bundle_verify_options *bo, const char *name, const char *arg)
{
	unsigned long long v;
	int rc;

	if (strcmp(name, "max-member") == 0 || strcmp(name, "max-total") == 0) {
		if ((rc = parse_size(arg, &v, name)) != 0)
			return rc;
		if (name[4] == 'm')
			bo->max_member = v;
		else
			bo->max_total = v;
		return 1;
	}
	if (strcmp(name, "max-entries") == 0) {
		if ((rc = parse_u64(arg, &v, "--max-entries")) != 0)
			return rc;
		bo->max_entries = v;
		return 1;
	}
	return 0;
}

void print_json(json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));

	if (s) {
		puts(s);
		free(s);
	}
	json_decref(j);
}

void b64_hash(char out[45], const unsigned char hash[32])
{
	sodium_bin2base64(out, 45, hash, 32, sodium_base64_VARIANT_ORIGINAL);
}

void hex_hash(char out[65], const unsigned char hash[32])
{
	sodium_bin2hex(out, 65, hash, 32);
}

int split_fields(char *s, char **fields, size_t max, size_t *n)
{
	char *p = s;

	*n = 0;
	for (;;) {
		char *c = strchr(p, ':');
		if (*n == max)
			return -1;
		fields[(*n)++] = p;
		if (!c)
			return 0;
		*c = '\0';
		p = c + 1;
	}
}

json_t *quantity_json(const char *value, const char *unit, const char *what)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(value, &end);
	if (!*value || *end || errno || !(v > 0)) {
		cmd_error(EXIT_USAGE, "%s: '%s' is not a positive number", what, value);
		return NULL;
	}
	if (!*unit) {
		cmd_error(EXIT_USAGE, "%s: a unit is needed (UN/ECE Rec 20: KGM, TNE, H87...)", what);
		return NULL;
	}
	if (strspn(value, "0123456789") == strlen(value) && strlen(value) < 16)
		return json_pack("{s:I, s:s}", "value", (json_int_t)v, "unit", unit);
	return json_pack("{s:f, s:s}", "value", v, "unit", unit);
}

int resolve_leaf(sdx_ledger *l, const char *ref, char hex[65], char *type, size_t type_cap)
{
	sdx_found *f = NULL;
	int err;

	if ((err = sdx_ledger_find(l, ref, &f)) < 0)
		return cmd_fail(err);
	hex_hash(hex, f->entry.leaf_hash);
	if (type)
		snprintf(type, type_cap, "%s", f->entry.type);
	sdx_found_free(f);
	return 0;
}

int record_from_options(const struct where *w, const char *type, json_t *rec,
			const char *const *attach, size_t nattach, int dry_run, int json)
{
	char *text, name[128];
	int rc;

	if (!(text = json_dumps(rec, JSON_REAL_PRECISION(15) |
				(dry_run ? JSON_INDENT(2) | JSON_SORT_KEYS : JSON_COMPACT))))
		return cmd_error(EXIT_ENV, "out of memory");
	if (dry_run) {
		size_t n = strlen(text);
		int err = sdx_record_validate(type, text, n);
		if (err == 0)
			printf("%s\n", text);
		free(text);
		return err < 0 ? cmd_fail(err) : 0;
	}
	snprintf(name, sizeof(name), "%s '%s'", type,
		 json_string_value(json_object_get(rec, sdx_record_id_field(type))));
	rc = cmd_declare_text(w, type, text, strlen(text), name, attach, nattach, json);
	free(text);
	return rc;
}

int graph_option(struct graph_src *s, const char *name, const char *arg)
{
	if (where_option(&s->w, name, arg))
		return 0;
	if (strcmp(name, "trust") == 0)
		return load_vkeys(arg, s->trusted, GRAPH_MAX_TRUST, &s->n_trusted);
	if (strcmp(name, "trust-on-first-use") == 0) {
		s->tofu = 1;
		return 0;
	}
	if (strcmp(name, "ref") == 0) {
		s->ref = arg;
		return 0;
	}
	return -1;
}

int collect_trusted(void *ctx, const sdx_verifier *v, const char *label, const char *added)
{
	struct keyring *k = ctx;

	(void)label;
	(void)added;
	if (*k->n == k->max)
		return 0;
	return sdx_verifier_new(&k->v[(*k->n)++], sdx_verifier_name(v), sdx_verifier_public_key(v));
}

static int is_bundle_path(const char *arg)
{
	size_t n = strlen(arg);

	return n > 5 && strcmp(arg + n - 5, ".sdxb") == 0;
}

int graph_open(struct graph_src *s, const char *arg, sdx_graph **g, size_t **nodes, size_t *n)
{
	sdx_bundle_verify_options bo = SDX_BUNDLE_VERIFY_OPTIONS_INIT;
	sdx_ledger *l = NULL;
	int err;

	*g = NULL;
	*nodes = NULL;
	*n = 0;
	where_resolve(&s->w);
	if (is_bundle_path(arg)) {
		/* a local ledger, if there is one, holds the keys this organisation trusts */
		if (access(s->w.ledger, F_OK) == 0) {
			if ((err = open_ledger(&l, &s->w, SDX_OPEN_READONLY)) != 0)
				return err;
			struct keyring kr = { s->trusted, GRAPH_MAX_TRUST, &s->n_trusted };
			err = sdx_ledger_foreach_trusted(l, collect_trusted, &kr);
			if (err < 0 && err != SDX_EIO) {
				sdx_ledger_free(l);
				return cmd_fail(err);
			}
			err = load_revoked(l, s->revoked, MAX_REVOKED, &s->n_revoked);
			sdx_ledger_free(l);
			if (err)
				return err;
		}
		bo.trusted = s->trusted;
		bo.n_trusted = s->n_trusted;
		bo.revoked = s->revoked;
		bo.n_revoked = s->n_revoked;
		bo.trust_on_first_use = s->tofu;
		if ((err = sdx_graph_from_bundle(g, arg, &bo, NULL)) != 0) {
			cmd_fail(err);
			if (err == SDX_EUNTRUSTED)
				fprintf(stderr, "sdx: trust the key ('sdx trust add') or pass --trust VKEY; "
					"'sdx verify %s' shows who signed it\n", arg);
			return cmd_exit_code(err);
		}
		if (!s->ref) {
			if ((err = sdx_graph_roots(*g, nodes, n)) < 0)
				goto fail;
			return 0;
		}
		arg = s->ref;
	} else {
		if (s->ref)
			return cmd_error(EXIT_USAGE, "--ref is for bundles; name the record directly");
		if ((err = open_ledger(&l, &s->w, SDX_OPEN_READONLY)) != 0)
			return err;
		/* the graph reads declarations from the ledger as it needs them */
		s->l = l;
		if ((err = sdx_graph_from_ledger(g, l)) < 0)
			return cmd_fail(err);
	}
	if (!(*nodes = malloc(sizeof(**nodes)))) {
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
		goto fail;
	}
	if ((err = sdx_graph_resolve(*g, arg, *nodes)) < 0)
		goto fail;
	*n = 1;
	return 0;
fail:
	free(*nodes);
	*nodes = NULL;
	sdx_graph_free(*g);
	*g = NULL;
	return cmd_fail(err);
}

void graph_src_clear(struct graph_src *s)
{
	sdx_ledger_free(s->l);
	s->l = NULL;
	for (size_t i = 0; i < s->n_trusted; i++)
		sdx_verifier_free(s->trusted[i]);
	for (size_t i = 0; i < s->n_revoked; i++)
		sdx_verifier_free(s->revoked[i]);
	s->n_trusted = s->n_revoked = 0;
}

struct revoked_list {
	sdx_verifier **v;
	size_t max, *n;
};

static int add_revoked(void *ctx, const sdx_verifier *v, const char *revoked, const char *reason)
{
	struct revoked_list *r = ctx;

	(void)revoked;
	(void)reason;
	if (*r->n == r->max)
		return sdx_error_set(SDX_ELIMIT, "more than %zu revoked keys", r->max);
	return sdx_verifier_new(&r->v[(*r->n)++], sdx_verifier_name(v), sdx_verifier_public_key(v));
}

int load_revoked(sdx_ledger *l, sdx_verifier **out, size_t max, size_t *n)
{
	struct revoked_list r = { out, max, n };
	int err = sdx_ledger_foreach_revoked(l, add_revoked, &r);

	return err < 0 ? cmd_fail(err) : 0;
}

sdx_kdf_level cmd_kdf_level(void)
{
	const char *k = getenv("SDX_KDF");

	if (k && strcmp(k, "min") == 0)
		return SDX_KDF_MIN; /* test suites only: documented in README */
	if (k && strcmp(k, "moderate") == 0)
		return SDX_KDF_MODERATE;
	return SDX_KDF_INTERACTIVE;
}

int string_option(void *opts, const struct string_opt *table, size_t n, const char *name,
		  const char *arg)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(name, table[i].name) == 0) {
			*(const char **)((char *)opts + table[i].offset) = arg;
			return 1;
		}
	return 0;
}
