/*
 * cmd/exit.h - the exit codes of sdx and its error messages.
 *
 * One table (cmd/exit.c) lists each code with its meaning and the library
 * errors (SDX_E*) that map to it; `sdx --help` prints it and README.md's
 * "Exit codes" table documents the same codes.
 */
#ifndef SDX_CMD_EXIT_H
#define SDX_CMD_EXIT_H

#include <stdio.h>

enum {
	EXIT_OK = 0,
	EXIT_VERIFY = 1,        /* verification failed: forged, corrupt or inconsistent */
	EXIT_USAGE = 2,         /* usage or input error: bad option, malformed file, not found */
	EXIT_UNTRUSTED = 3,     /* valid, but signed by a key you do not trust */
	EXIT_ENV = 4,           /* the environment failed: I/O, out of memory */
	EXIT_CHECK_FAIL = 5,    /* sdx check: a rule fails */
	EXIT_CHECK_UNKNOWN = 6, /* sdx check: nothing fails, something cannot be judged */
	EXIT_CONFLICT = 7       /* sdx verify: a restatement contradicts the issuer's own record */
};

/* The exit code for a library error code (0 for 0; EXIT_USAGE if not listed). */
int cmd_exit_code(int err);
/* Print "sdx: <last sdx error>" and return its exit code. */
int cmd_fail(int err);
/* Print "sdx: <formatted message>" and return code. */
int cmd_error(int code, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
/* The "exit codes: ..." paragraph of `sdx --help`, wrapped to 80 columns. */
void cmd_print_exit_codes(FILE *f);
/* The same as a man(7) list (.TP per code). */
void cmd_man_exit_codes(FILE *f);

#endif
