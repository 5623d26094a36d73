/*
 * cmd/manpage.c - a command's --help as a man(7) page and as the words shell
 * completion offers, printed from the same usage and option table that
 * --help prints, so the three cannot drift apart (`sdx CMD --help=man`,
 * `--help=words`; the Makefile writes build/man/ and build/completion/).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/cmd.h"

/* Text in roff: backslashes and hyphens escaped, a line never starting a request. */
static void roff(FILE *f, const char *s, size_t n)
{
	size_t i;
	int bol = 1;

	for (i = 0; i < n && s[i]; i++) {
		if (bol && (s[i] == '.' || s[i] == '\''))
			fputs("\\&", f);
		bol = s[i] == '\n';
		if (s[i] == '\\')
			fputs("\\e", f);
		else if (s[i] == '-')
			fputs("\\-", f);
		else
			fputc(s[i], f);
	}
}

static void roff_str(FILE *f, const char *s)
{
	roff(f, s, strlen(s));
}

/* The man page date: $SDX_MAN_DATE (the Makefile's), else today (UTC). */
static void man_date(char out[11])
{
	const char *d = getenv("SDX_MAN_DATE");
	time_t t = time(NULL);
	struct tm tm;

	if (d && strlen(d) == 10) {
		memcpy(out, d, 11);
		return;
	}
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

void cmd_man_header(FILE *f, const char *page, const char *name, const char *summary)
{
	char date[11], upper[64];
	size_t i;

	man_date(date);
	for (i = 0; page[i] && i + 1 < sizeof(upper); i++)
		upper[i] = (char)toupper((unsigned char)page[i]);
	upper[i] = '\0';
	fprintf(f, ".TH %s 1 %s \"sdx %s\" \"sdx manual\"\n.SH NAME\n", upper, date, sdx_version());
	roff_str(f, name);
	fputs(" \\- ", f);
	roff_str(f, summary);
	fputc('\n', f);
}

/*
 * A --help paragraph as roff: lines that continue a sentence are joined,
 * a blank line starts a paragraph, and an indented line (an example) is
 * kept as it is.
 */
void cmd_man_text(FILE *f, const char *text)
{
	const char *p = text, *nl;
	int verbatim = 0;

	while (*p) {
		size_t n;
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		if (n == 0) {
			fputs(verbatim ? ".fi\n.PP\n" : ".PP\n", f);
			verbatim = 0;
		} else if (*p == ' ') {
			if (!verbatim)
				fputs(".nf\n", f);
			verbatim = 1;
			roff(f, p, n);
			fputc('\n', f);
		} else {
			if (verbatim)
				fputs(".fi\n", f);
			verbatim = 0;
			roff(f, p, n);
			fputc('\n', f);
		}
		p += n + (nl ? 1 : 0);
	}
	if (verbatim)
		fputs(".fi\n", f);
}

void cmd_print_man(FILE *f, const char *name, const struct usage *u, const struct opt *opts)
{
	const struct opt *o;
	const char *s = u->synopsis, *nl;
	char page[80];

	snprintf(page, sizeof(page), "sdx-%s", name);
	cmd_man_header(f, page, page, cmd_summary(name));
	fputs(".SH SYNOPSIS\n.nf\n", f);
	/* "usage: A\n   or: B": one line each, without the "or:" */
	while (*s) {
		size_t n;
		while (*s == ' ')
			s++;
		if (strncmp(s, "or: ", 4) == 0)
			s += 4;
		nl = strchr(s, '\n');
		n = nl ? (size_t)(nl - s) : strlen(s);
		roff(f, s, n);
		fputc('\n', f);
		s += n + (nl ? 1 : 0);
	}
	fputs(".fi\n", f);
	if (u->description) {
		fputs(".SH DESCRIPTION\n", f);
		cmd_man_text(f, u->description);
	}
	fputs(".SH OPTIONS\n", f);
	for (o = opts; o && o->type != OPTION_END; o++) {
		fputs(".TP\n", f);
		if (o->short_name)
			fprintf(f, "\\fB\\-%c\\fR, ", o->short_name);
		fputs("\\fB\\-\\-", f);
		roff_str(f, o->long_name);
		fputs("\\fR", f);
		if (o->argh) {
			fputs(" \\fI", f);
			roff_str(f, o->argh);
			fputs("\\fR", f);
		}
		fputc('\n', f);
		roff_str(f, o->help);
		fputc('\n', f);
	}
	fputs(".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nshow this help (\\fB\\-\\-help=man\\fR: this "
	      "page)\n.SH EXIT STATUS\n", f);
	cmd_man_exit_codes(f);
	fputs(".SH SEE ALSO\n.BR sdx (1)\n", f);
}

void cmd_print_words(FILE *f, const struct opt *opts)
{
	const struct opt *o;

	for (o = opts; o && o->type != OPTION_END; o++)
		fprintf(f, "--%s%s\n", o->long_name, o->argh ? "=" : "");
	fputs("--help\n", f);
}
