/* formats/text/text.c - a bounded text being written (formats/text/text.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "formats/text/text.h"
#include "sdx/text.h"

void sdx__text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!t->cap || t->len + 1 >= t->cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	if (t->len + (size_t)n < t->cap) {
		t->len += (size_t)n;
		return;
	}
	/* cut: where a character starts, not inside its UTF-8 sequence */
	t->len = sdx_text_cut(t->p, t->cap - 1);
	t->p[t->len] = '\0';
}

void sdx__text_put(char *out, size_t cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(out, cap, fmt, ap);
	va_end(ap);
	if (n < 0)
		out[0] = '\0';
	else if ((size_t)n >= cap)
		out[sdx_text_cut(out, cap - 1)] = '\0';
}

void sdx__text_list(char *buf, size_t cap, const char *what)
{
	struct text t = { buf, cap, cap ? strlen(buf) : 0 };

	sdx__text_add(&t, "%s%s", t.len ? ", " : "", what);
}
