/*
 * cmd/options.c - the option parser and --help printer over option tables.
 * getopt_long() splits argv (long names, abbreviations, --name=value, bundled
 * short options, operands between options); the table says what each option
 * stores.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"

#define MAX_OPTS 32

void cmd_print_usage(FILE *f, const struct usage *u, const struct opt *opts)
{
	const struct opt *o;
	char left[64];

	fprintf(f, "usage: %s\n", u->synopsis);
	if (u->description)
		fprintf(f, "\n%s\n", u->description);
	fprintf(f, "\noptions:\n");
	for (o = opts; o && o->type != OPTION_END; o++) {
		if (o->short_name)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", o->short_name, o->long_name,
				 o->argh ? " " : "", o->argh ? o->argh : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", o->long_name, o->argh ? " " : "",
				 o->argh ? o->argh : "");
		fprintf(f, "  %-26s %s\n", left, o->help);
	}
	fprintf(f, "  %-26s %s\n", "-h, --help", "show this help");
}

int parse_u64(const char *s, uint64_t *out, const char *what)
{
	unsigned long long v;
	char *end;

	errno = 0;
	if (!*s || *s == '-' || *s == '+')
		return cmd_error(EXIT_USAGE, "%s: '%s' is not a number", what, s);
	v = strtoull(s, &end, 10);
	if (errno || *end || v > UINT64_MAX)
		return cmd_error(EXIT_USAGE, "%s: '%s' is not a number", what, s);
	*out = v;
	return 0;
}

int parse_size(const char *s, uint64_t *out, const char *what)
{
	char buf[32];
	size_t n = strlen(s);
	uint64_t mult = 1;
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

/* Store one option's argument where its table entry says. */
static int apply(const struct opt *o, const char *arg)
{
	char what[64];
	int rc;

	snprintf(what, sizeof(what), "--%s", o->long_name);
	switch (o->type) {
	case OPTION_BOOL:
		*(int *)o->value = 1;
		return 0;
	case OPTION_STRING:
		*(const char **)o->value = arg;
		return 0;
	case OPTION_STRING_LIST:
		if (*o->count == o->max)
			return cmd_error(EXIT_USAGE, o->too_many, (size_t)o->max);
		((const char **)o->value)[(*o->count)++] = arg;
		return 0;
	case OPTION_U64:
		rc = parse_u64(arg, o->value, what);
		if (o->max && (rc != 0 || *(uint64_t *)o->value < o->min ||
			       *(uint64_t *)o->value > o->max))
			return cmd_error(EXIT_USAGE, "%s must be between %llu and %llu", what,
					 (unsigned long long)o->min, (unsigned long long)o->max);
		return rc;
	case OPTION_SIZE:
		/* named without dashes in messages, as sdx always has */
		return parse_size(arg, o->value, o->long_name);
	case OPTION_CALLBACK:
		return o->callback(o, arg);
	case OPTION_END:
		break;
	}
	return cmd_error(EXIT_USAGE, "unexpected option");
}

/* --help, --help=man (a man page), --help=words (for shell completion). */
static int help(const char *name, const struct usage *u, const struct opt *opts,
		const char *format)
{
	if (!format)
		cmd_print_usage(stdout, u, opts);
	else if (strcmp(format, "man") == 0)
		cmd_print_man(stdout, name, u, opts);
	else if (strcmp(format, "words") == 0)
		cmd_print_words(stdout, opts);
	else
		return cmd_error(EXIT_USAGE, "--help=%s: expected --help, --help=man or --help=words",
				 format);
	return CMD_HELP_SHOWN;
}

/* "unknown option '--profle'; did you mean '--profile'?" */
static void unknown_option(const char *bad, const struct opt *opts)
{
	const char *names[MAX_OPTS + 1], *hit;
	char word[72];
	size_t n = 0, len;
	const struct opt *o;

	len = strcspn(bad, "=");
	if (strncmp(bad, "--", 2) != 0 || len - 2 >= sizeof(word)) {
		cmd_error(EXIT_USAGE, "unknown option '%s'", bad);
		return;
	}
	memcpy(word, bad + 2, len - 2);
	word[len - 2] = '\0';
	for (o = opts; o && o->type != OPTION_END && n < MAX_OPTS; o++)
		names[n++] = o->long_name;
	names[n++] = "help";
	if ((hit = cmd_nearest(word, names, n)))
		cmd_error(EXIT_USAGE, "unknown option '--%s'; did you mean '--%s'?", word, hit);
	else
		cmd_error(EXIT_USAGE, "unknown option '%s'", bad);
}

int cmd_parse(int argc, char **argv, const struct usage *u, const struct opt *opts,
	      int *first_arg)
{
	struct option longs[MAX_OPTS + 2];
	char shorts[3 * MAX_OPTS + 4];
	size_t n = 0, s = 0;
	const struct opt *o;
	int c, idx, rc;

	shorts[s++] = ':'; /* report a missing argument as ':' */
	for (o = opts; o && o->type != OPTION_END && n < MAX_OPTS; o++, n++) {
		longs[n].name = o->long_name;
		longs[n].has_arg = o->argh ? required_argument : no_argument;
		longs[n].flag = NULL;
		longs[n].val = o->short_name ? o->short_name : 256 + (int)n;
		if (o->short_name) {
			shorts[s++] = (char)o->short_name;
			if (o->argh)
				shorts[s++] = ':';
		}
	}
	longs[n].name = "help";
	longs[n].has_arg = optional_argument; /* --help=man, --help=words */
	longs[n].flag = NULL;
	longs[n].val = 'h';
	memset(&longs[n + 1], 0, sizeof(longs[n + 1]));
	shorts[s++] = 'h';
	shorts[s] = '\0';
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, longs, &idx)) != -1) {
		if (c == 'h')
			return help(argv[0], u, opts, optarg);
		if (c == '?' || c == ':') {
			const char *bad = argv[optind - 1];
			if (c == ':')
				cmd_error(EXIT_USAGE, "option '%s' needs an argument", bad);
			else if (optopt)
				cmd_error(EXIT_USAGE, "unknown option '-%c'", optopt);
			else
				unknown_option(bad, opts);
			fprintf(stderr, "usage: %s\n(see '%s --help')\n", u->synopsis, "sdx <command>");
			return EXIT_USAGE;
		}
		for (o = opts; o && o->type != OPTION_END; o++)
			if ((o->short_name && o->short_name == c) ||
			    (!o->short_name && c == 256 + (int)(o - opts)))
				break;
		if (!o || o->type == OPTION_END)
			return cmd_error(EXIT_USAGE, "unexpected option");
		if ((rc = apply(o, o->argh ? optarg : NULL)) != 0)
			return rc;
	}
	*first_arg = optind;
	if (u->operands == USAGE_NONE && optind < argc)
		return cmd_error(EXIT_USAGE, "unexpected argument '%s'", argv[optind]);
	if (u->operands == USAGE_ONE && optind + 1 != argc)
		return cmd_error(EXIT_USAGE, "usage: %s", u->synopsis);
	return 0;
}
