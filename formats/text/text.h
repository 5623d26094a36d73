/*
 * formats/text/text.h - a bounded text being written a piece at a time, for
 * the reasons and messages the checks compose (formats/rules/,
 * formats/registers/lab_judge.c).  Not installed.
 *
 *	char buf[400];
 *	struct text t = { buf, sizeof(buf), 0 };
 *	sdx__text_add(&t, "%s is %.1f %%", what, share);
 *
 * The end stays terminated and what does not fit is cut, at a character
 * boundary (never inside a UTF-8 sequence); buf must start
 * empty ("") when the first add might write nothing.
 */
#ifndef SDX_FORMATS_TEXT_H
#define SDX_FORMATS_TEXT_H

#include <stddef.h>

struct text {
	char *p;
	size_t cap, len; /* cap 0: nothing is written */
};

void sdx__text_add(struct text *t, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

/*
 * snprintf into the cap bytes at out, except that what does not fit is cut
 * where a character starts, never inside a UTF-8 sequence (the names and
 * lots these texts quote are often Chinese: 3 bytes a character).
 */
void sdx__text_put(char *out, size_t cap, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

/* Append what to the "A, B, C" list in the terminated buf of cap bytes. */
void sdx__text_list(char *buf, size_t cap, const char *what);

#endif
