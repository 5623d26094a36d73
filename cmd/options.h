/*
 * cmd/options.h - declarative command-line options, after git's parse-options.
 *
 * Each command lists its options once, in a table of struct opt built with the
 * OPT_* macros below: the type says how the argument is read and where it is
 * stored, and the same table prints the command's --help.  Order of calls:
 * fill the table (values point into the command's own options struct), then
 * cmd_parse(); options are applied in the order given, operands follow.
 */
#ifndef SDX_CMD_OPTIONS_H
#define SDX_CMD_OPTIONS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum opt_type {
	OPTION_END = 0,
	OPTION_BOOL,        /* no argument: *(int *)value = 1 */
	OPTION_STRING,      /* *(const char **)value = arg */
	OPTION_STRING_LIST, /* ((const char **)value)[(*count)++] = arg, at most max */
	OPTION_U64,         /* *(uint64_t *)value = a decimal number, within [min, max] if max */
	OPTION_SIZE,        /* *(uint64_t *)value = a size with an optional K, M or G suffix */
	OPTION_CALLBACK     /* callback(opt, arg); value is the callback's context */
};

struct opt;
/* Returns 0, or an exit code that ends parsing. */
typedef int opt_callback(const struct opt *o, const char *arg);

struct opt {
	enum opt_type type;
	int short_name;         /* 0 if none */
	const char *long_name;  /* without "--" */
	void *value;            /* where the value goes (see enum opt_type) */
	const char *argh;       /* argument placeholder for --help; NULL: takes none */
	const char *help;
	size_t *count;          /* OPTION_STRING_LIST: entries stored in value */
	uint64_t min, max;      /* OPTION_STRING_LIST: max entries; OPTION_U64: range */
	const char *too_many;   /* OPTION_STRING_LIST: message, "%zu" is max */
	opt_callback *callback; /* OPTION_CALLBACK */
};

/*
 * The (1 ? (v) : (T)0) form only type-checks v: a table entry storing into
 * the wrong kind of variable does not compile.
 */
#define OPT_END() { OPTION_END, 0, NULL, NULL, NULL, NULL, NULL, 0, 0, NULL, NULL }
#define OPT_BOOL(s, l, v, h) \
	{ OPTION_BOOL, (s), (l), (1 ? (v) : (int *)0), NULL, (h), NULL, 0, 0, NULL, NULL }
#define OPT_STRING(s, l, v, a, h) \
	{ OPTION_STRING, (s), (l), (1 ? (v) : (const char **)0), (a), (h), NULL, 0, 0, NULL, NULL }
#define OPT_STRING_LIST(s, l, v, n, max, a, h, too_many) \
	{ OPTION_STRING_LIST, (s), (l), (1 ? (v) : (const char **)0), (a), (h), (n), 0, (max), \
	  (too_many), NULL }
#define OPT_U64(s, l, v, a, h) \
	{ OPTION_U64, (s), (l), (1 ? (v) : (uint64_t *)0), (a), (h), NULL, 0, 0, NULL, NULL }
#define OPT_U64_RANGE(s, l, v, a, h, lo, hi) \
	{ OPTION_U64, (s), (l), (1 ? (v) : (uint64_t *)0), (a), (h), NULL, (lo), (hi), NULL, NULL }
#define OPT_SIZE(s, l, v, a, h) \
	{ OPTION_SIZE, (s), (l), (1 ? (v) : (uint64_t *)0), (a), (h), NULL, 0, 0, NULL, NULL }
#define OPT_CALLBACK(s, l, v, a, h, f) \
	{ OPTION_CALLBACK, (s), (l), (v), (a), (h), NULL, 0, 0, NULL, (f) }

struct usage {
	const char *synopsis;    /* "sdx declare [options] FILE.json" (several lines allowed) */
	const char *description; /* a paragraph */
	int operands;            /* USAGE_ANY (the command checks them), _NONE or _ONE */
};
/* How many operands cmd_parse() lets through; any other count is a usage error. */
enum { USAGE_ANY = 0, USAGE_NONE, USAGE_ONE };

/*
 * Parse argv[1..] against opts (plus -h/--help).  Operands may come between
 * options; on return *first_arg indexes the first of them (argv is
 * reordered).  Returns 0, an exit code (the error printed), or CMD_HELP_SHOWN
 * when --help was printed.
 */
#define CMD_HELP_SHOWN (-1)
int cmd_parse(int argc, char **argv, const struct usage *u, const struct opt *opts,
	      int *first_arg);

void cmd_print_usage(FILE *f, const struct usage *u, const struct opt *opts);

/* A non-negative decimal number; `what` names it in the message.  0 or an exit code. */
int parse_u64(const char *s, uint64_t *out, const char *what);
/* A size with an optional K, M or G suffix (powers of 1024). */
int parse_size(const char *s, uint64_t *out, const char *what);

#endif
