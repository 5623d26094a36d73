/* cmd/exit.c - the exit-code table, the SDX_E* -> exit code mapping, error messages. */
#include <stdarg.h>
#include <string.h>

#include "sdx.h"
#include "cmd/exit.h"

#define MAX_ERRS 4

static const struct exit_code {
	int code;
	const char *scope;   /* the command the code is for; NULL: every command */
	const char *meaning;
	int errs[MAX_ERRS];  /* library errors mapped to it, 0-terminated */
} exit_codes[] = {
	{ EXIT_OK, NULL, "ok", { 0 } },
	{ EXIT_VERIFY, NULL, "verification failed (forged, corrupt, inconsistent)",
	  { SDX_EVERIFY, SDX_ECONFLICT, 0 } },
	{ EXIT_USAGE, NULL, "usage or input error", { 0 } },
	{ EXIT_UNTRUSTED, NULL, "valid but signed by an untrusted key", { SDX_EUNTRUSTED, 0 } },
	{ EXIT_ENV, NULL, "environment error (I/O, memory)", { SDX_EIO, SDX_ENOMEM, 0 } },
	{ EXIT_CHECK_FAIL, "sdx check", "a rule fails", { 0 } },
	{ EXIT_CHECK_UNKNOWN, "sdx check", "unknown", { 0 } },
	{ EXIT_CONFLICT, "sdx verify, sdx import", "records about the same thing conflict",
	  { 0 } },
	{ EXIT_CHECK_FAIL, "sdx due", "something has expired (overdue)", { 0 } },
	{ EXIT_CHECK_UNKNOWN, "sdx due", "something falls due within the window", { 0 } },
	{ EXIT_CHECK_FAIL, "sdx export", "--cn-customs: an item has no accredited test report",
	  { 0 } },
};
#define N_CODES (sizeof(exit_codes) / sizeof(exit_codes[0]))

int cmd_exit_code(int err)
{
	size_t i, k;

	if (err == 0)
		return EXIT_OK;
	for (i = 0; i < N_CODES; i++)
		for (k = 0; k < MAX_ERRS && exit_codes[i].errs[k]; k++)
			if (exit_codes[i].errs[k] == err)
				return exit_codes[i].code;
	return EXIT_USAGE;
}

void cmd_print_exit_codes(FILE *f)
{
	char item[128];
	size_t i, col = 0, len;

	fputs("exit codes:", f);
	col = strlen("exit codes:");
	for (i = 0; i < N_CODES; i++) {
		const struct exit_code *e = &exit_codes[i];
		int first_of_scope = e->scope && (!exit_codes[i - 1].scope ||
						  strcmp(exit_codes[i - 1].scope, e->scope) != 0);
		int last_of_scope = i + 1 == N_CODES || !e->scope || !exit_codes[i + 1].scope ||
				    strcmp(exit_codes[i + 1].scope, e->scope) != 0;
		/* codes of one command are a sub-list: "sdx check: 5 a, 6 b" */
		snprintf(item, sizeof(item), "%s%s%d %s%s", first_of_scope ? e->scope : "",
			 first_of_scope ? ": " : "", e->code, e->meaning,
			 i + 1 == N_CODES ? "." : e->scope && !last_of_scope ? "," : ";");
		len = strlen(item);
		if (col + 1 + len > 80) {
			fputc('\n', f);
			col = 0;
		} else {
			fputc(' ', f);
			col++;
		}
		fputs(item, f);
		col += len;
	}
	fputc('\n', f);
}

void cmd_man_exit_codes(FILE *f)
{
	size_t i;

	for (i = 0; i < N_CODES; i++) {
		const char *m = exit_codes[i].meaning;
		fprintf(f, ".TP\n.B %d\n%s%s", exit_codes[i].code,
			exit_codes[i].scope ? exit_codes[i].scope : "",
			exit_codes[i].scope ? ": " : "");
		for (; *m; m++) {
			if (*m == '-')
				fputs("\\-", f);
			else
				fputc(*m, f);
		}
		fputc('\n', f);
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
