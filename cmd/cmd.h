/*
 * cmd/cmd.h - what the sdx subcommands share: the command table, option
 * tables that drive both parsing and --help, and the exit-code convention.
 * Commands parse options and print; the library does the work.
 */
#ifndef SDX_CMD_H
#define SDX_CMD_H

#include <stdio.h>

#include <jansson.h>

#include "sdx.h"

/* Exit codes: documented in README.md and `sdx --help`. */
enum {
	EXIT_OK = 0,
	EXIT_VERIFY = 1,    /* verification failed: forged, corrupt or inconsistent */
	EXIT_USAGE = 2,     /* usage or input error: bad option, malformed file, not found */
	EXIT_UNTRUSTED = 3, /* valid, but signed by a key you do not trust */
	EXIT_ENV = 4        /* the environment failed: I/O, out of memory */
};

struct opt {
	const char *name;  /* long name, without "--" */
	int short_name;    /* 0 if none */
	const char *arg;   /* argument placeholder, NULL for a flag */
	const char *help;
};

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

struct usage {
	const char *synopsis;    /* "sdx declare [options] FILE.json" (several lines allowed) */
	const char *description; /* a paragraph */
	const struct opt *opts;  /* terminated by {NULL} */
};

/*
 * Parse argv against the options (plus --help).  For each option found, cb is
 * called with its long name and argument (NULL for flags); a non-zero return
 * ends parsing with that exit code.  On return *first_arg indexes the first
 * operand.  Returns 0, or an exit code to return right away (--help printed:
 * -1 mapped to 0 by callers through cmd_parse's return).
 */
typedef int (*opt_cb)(void *ctx, const char *name, const char *arg);
int cmd_parse(int argc, char **argv, const struct usage *u, opt_cb cb, void *ctx,
	      int *first_arg);
#define CMD_HELP_SHOWN (-1)

void cmd_print_usage(FILE *f, const char *name, const struct usage *u);

/* Print "sdx: <last sdx error>" and map the code to an exit code. */
int cmd_fail(int err);
/* Print "sdx: <formatted message>" and return code. */
int cmd_error(int code, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
int cmd_exit_code(int err);

/* Ledger and key locations: option, else $SDX_LEDGER / $SDX_KEY, else defaults. */
struct where {
	const char *ledger;
	const char *key;
	char key_buf[4096];
};
void where_resolve(struct where *w);
/* The common options -L/--ledger and -k/--key; returns 1 if handled. */
int where_option(struct where *w, const char *name, const char *arg);
#define WHERE_OPTS \
	{ "ledger", 'L', "PATH", "ledger file (default $SDX_LEDGER or ./sdx.db)" }, \
	{ "key", 'k', "PATH", "secret key file (default $SDX_KEY or the ledger path with .key)" }

int open_ledger(sdx_ledger **out, const struct where *w, unsigned flags);
/* Load the secret key, asking for the passphrase if it is encrypted. */
int load_key(sdx_signer **out, const struct where *w);
/* Passphrase from $SDX_PASSPHRASE or the terminal (twice when confirm). sodium_free() it. */
int read_passphrase(char **out, const char *prompt, int confirm);
/* How hard new key files are to brute-force: $SDX_KDF (min, moderate), else interactive. */
sdx_kdf_level cmd_kdf_level(void);

/*
 * Verifier keys given as one key line, or as a file of them (one per line,
 * '#' comments).  Appends to out[*n] up to max; returns 0 or an exit code.
 */
int load_vkeys(const char *arg, sdx_verifier **out, size_t max, size_t *n);

/* A size with an optional K, M or G suffix (powers of 1024). */
int parse_size(const char *s, unsigned long long *out, const char *what);

/* Bundle limits shared by verify and import. */
#define LIMIT_OPTS \
	{ "max-member", 0, "SIZE", "bundles: largest member (default 1G + 64K; K, M, G suffixes)" }, \
	{ "max-total", 0, "SIZE", "bundles: most uncompressed bytes (default 8G)" }, \
	{ "max-entries", 0, "N", "bundles: most entries (default 10000000)" }
/* Returns 1 if `name` was a limit option (stored in bo), 0 if not, exit code on error. */
int limit_option(sdx_bundle_verify_options *bo, const char *name, const char *arg);

/* Parse a non-negative decimal number option. */
int parse_u64(const char *s, unsigned long long *out, const char *what);

/* JSON output helpers. */
void print_json(json_t *j);   /* prints and decrefs */
void b64_hash(char out[45], const unsigned char hash[32]);
void hex_hash(char out[65], const unsigned char hash[32]);

/*
 * Sign and append one record given as text (a record built from options by
 * sdx batch / sdx ship), storing the --attach files first; prints what
 * sdx declare prints.  `name` names the record in messages.  Returns an exit code.
 */
int cmd_declare_text(const struct where *w, const char *type, const char *text, size_t len,
		     const char *name, const char *const *attach, size_t nattach, int json);

/* Options that only keep their argument: where in the options struct each goes. */
struct string_opt {
	const char *name;
	size_t offset;
};
/* 1 if `name` is in the table (its argument stored), else 0. */
int string_option(void *opts, const struct string_opt *table, size_t n, const char *name,
		  const char *arg);

/* A record of `type` from a JSON file, as 'sdx declare --type TYPE FILE' does. */
int cmd_declare_file(const struct where *w, const char *type, const char *file,
		     const char *const *attach, size_t nattach, int json);

/* Split "a:b:c" in place at ':' into at most max fields; -1 if there are more. */
int split_fields(char *s, char **fields, size_t max, size_t *n);
/* {"value": V, "unit": U} from option text, or NULL after printing the error. */
json_t *quantity_json(const char *value, const char *unit, const char *what);
/* Resolve REF (own index or leaf-hash prefix, own or imported) to the full hex leaf hash. */
int resolve_leaf(sdx_ledger *l, const char *ref, char hex[65], char *type, size_t type_cap);
/* Append a record built from options (or with dry_run print it, validated). */
int record_from_options(const struct where *w, const char *type, json_t *rec,
			const char *const *attach, size_t nattach, int dry_run, int json);

#define MAX_REVOKED 256

/* Where trace, check and where-used read records: a ledger, or a bundle checked on the way. */
#define GRAPH_MAX_TRUST 64
struct graph_src {
	struct where w;
	sdx_verifier *trusted[GRAPH_MAX_TRUST];
	size_t n_trusted;
	sdx_verifier *revoked[MAX_REVOKED];
	size_t n_revoked;
	int tofu;
	const char *ref;
	sdx_ledger *l;     /* kept open while a graph read from it lives */
};
#define GRAPH_OPTS \
	{ "ref", 'r', "REF", "bundles: start at this record, not at the bundle's top records" }, \
	{ "trust", 0, "VKEY|FILE", "bundles: trust this key too (besides the ledger's keyring)" }, \
	{ "trust-on-first-use", 0, NULL, "bundles: accept the producer's own key" }
/* -1 if `name` is not a graph option, else 0 or an exit code. */
int graph_option(struct graph_src *s, const char *name, const char *arg);
/*
 * Load the graph for ARG: FILE.sdxb (verified; its top records, or --ref) or a
 * REF in the ledger.  *nodes (malloc'd) are the records to start from.  Free
 * the graph before graph_src_clear(), which closes the ledger it reads from.
 */
int graph_open(struct graph_src *s, const char *arg, sdx_graph **g, size_t **nodes, size_t *n);
void graph_src_clear(struct graph_src *s);

/* sdx_ledger_foreach_trusted() callback: copies each key into a keyring (up to max). */
struct keyring {
	sdx_verifier **v;
	size_t max, *n;
};
int collect_trusted(void *ctx, const sdx_verifier *v, const char *label, const char *added);

/* Append the ledger's revoked keys to out[*n] (up to max); 0 or an exit code. */
int load_revoked(sdx_ledger *l, sdx_verifier **out, size_t max, size_t *n);

/* Subcommands, one file each. */
int cmd_init(int argc, char **argv);
int cmd_key(int argc, char **argv);
int cmd_declare(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_checkpoint(int argc, char **argv);
int cmd_prove(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_publish(int argc, char **argv);
int cmd_attachment(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_trust(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_inbox(int argc, char **argv);
int cmd_batch(int argc, char **argv);
int cmd_ship(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_where_used(int argc, char **argv);
int cmd_check(int argc, char **argv);

#endif
