/*
 * formats/text/width.c - display widths, padding and character-boundary
 * cuts of UTF-8 text (include/sdx/text.h); the widths are libutf8proc's.
 */
#include <string.h>

#include <utf8proc.h>

#include "sdx/text.h"

/* Bytes and columns of the character at s (n > 0 bytes left): an invalid
 * byte is one byte and one column, as a terminal shows a replacement. */
static size_t next_char(const char *s, size_t n, size_t *cols)
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &cp);

	if (k <= 0) {
		*cols = 1;
		return 1;
	}
	*cols = (size_t)utf8proc_charwidth(cp);
	return (size_t)k;
}

size_t sdx_text_width(const char *s)
{
	size_t n = s ? strlen(s) : 0, i = 0, w = 0, c;

	while (i < n) {
		i += next_char(s + i, n - i, &c);
		w += c;
	}
	return w;
}

int sdx_text_pad(const char *s, size_t cols)
{
	size_t w = sdx_text_width(s);

	return w < cols ? (int)(cols - w) : 0;
}

size_t sdx_text_cut(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t back, need;

	/* the lead byte of the last sequence, at most 3 continuation bytes back */
	for (back = 1; back <= 4 && back <= n; back++) {
		unsigned char b = u[n - back];
		if ((b & 0xC0) == 0x80)
			continue;
		need = b >= 0xF0 && b <= 0xF4 ? 4 : b >= 0xE0 && b <= 0xEF ? 3
		     : b >= 0xC2 && b <= 0xDF ? 2 : 1;
		return need > back && need > 1 ? n - back : n;
	}
	return n;
}
