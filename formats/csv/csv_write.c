/*
 * formats/csv/csv_write.c - the RFC 4180 writer of formats/csv/csv.h: a
 * table built in one growing buffer, quoted so that csv.c reads it back.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "formats/csv/csv.h"
#include "ledger/internal.h"

#define DEFAULT_MAX (64u << 20)

void sdx__csv_out_init(struct sdx__csv_out *w, size_t max_bytes)
{
	memset(w, 0, sizeof(*w));
	w->max = max_bytes ? max_bytes : DEFAULT_MAX;
}

/* Room for n more bytes and the terminating NUL. */
static int reserve(struct sdx__csv_out *w, size_t n)
{
	size_t cap;
	char *b;

	if (n > w->max || w->len > w->max - n)
		return w->err = sdx_error_set(SDX_ELIMIT, "CSV table longer than %zu bytes", w->max);
	if (w->len + n + 1 <= w->cap)
		return 0;
	cap = w->cap ? w->cap : 1024;
	while (cap < w->len + n + 1)
		cap *= 2;
	if (!(b = realloc(w->buf, cap)))
		return w->err = sdx_error_set(SDX_ENOMEM, "out of memory");
	w->buf = b;
	w->cap = cap;
	return 0;
}

static void add(struct sdx__csv_out *w, const char *s, size_t n)
{
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

/* 1 if the field must be quoted (csv.h says when). */
static int needs_quotes(const char *s, size_t n, int only)
{
	if (n == 0)
		return only;
	if (s[0] == ' ' || s[n - 1] == ' ')
		return 1;
	for (size_t i = 0; i < n; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			return 1;
	return 0;
}

/* Write the field; `only`: it is the whole row (known at the row's end). */
static int field(struct sdx__csv_out *w, const char *s, size_t n, int only)
{
	size_t quotes = 0, i, start;
	int err;

	if (!needs_quotes(s, n, only)) {
		if ((err = reserve(w, n + 1)) < 0)
			return err;
		if (w->row_fields)
			add(w, ",", 1);
		add(w, s, n);
		return 0;
	}
	for (i = 0; i < n; i++)
		quotes += s[i] == '"';
	if (n + quotes > SIZE_MAX - 3)
		return w->err = sdx_error_set(SDX_ELIMIT, "CSV field too long");
	if ((err = reserve(w, n + quotes + 3)) < 0)
		return err;
	if (w->row_fields)
		add(w, ",", 1);
	add(w, "\"", 1);
	for (start = i = 0; i < n; i++)
		if (s[i] == '"') {
			add(w, s + start, i + 1 - start); /* the quote, then once more */
			add(w, "\"", 1);
			start = i + 1;
		}
	add(w, s + start, n - start);
	add(w, "\"", 1);
	return 0;
}

int sdx__csv_put(struct sdx__csv_out *w, const char *s, size_t len)
{
	int err;

	if (w->err)
		return w->err;
	if (!s)
		s = "", len = 0;
	else if (len == (size_t)-1)
		len = strlen(s);
	if (memchr(s, '\0', len))
		return w->err = sdx_error_set(SDX_EINVAL, "CSV row %zu, field %zu: a NUL byte",
					      w->rows + 1, w->row_fields + 1);
	if (len && !sdx__utf8_valid((const unsigned char *)s, len))
		return w->err = sdx_error_set(SDX_EINVAL, "CSV row %zu, field %zu: not UTF-8",
					      w->rows + 1, w->row_fields + 1);
	if (w->rows && w->row_fields == w->fields)
		return w->err = sdx_error_set(SDX_EINVAL, "CSV row %zu: more than the %zu fields "
					      "of the header", w->rows + 1, w->fields);
	/* an empty first field is written at the row's end, when it is known
	 * whether it is the only one; a row is never empty before its first field */
	if (len == 0 && w->row_fields == 0) {
		w->row_fields = 1;
		w->pending_empty = 1;
		return 0;
	}
	if (w->pending_empty) {
		w->pending_empty = 0;
		w->row_fields = 0;
		if ((err = field(w, "", 0, 0)) < 0)
			return err;
		w->row_fields = 1;
	}
	if ((err = field(w, s, len, 0)) < 0)
		return err;
	w->row_fields++;
	return 0;
}

int sdx__csv_end_row(struct sdx__csv_out *w)
{
	int err;

	if (w->err)
		return w->err;
	if (w->row_fields == 0)
		return w->err = sdx_error_set(SDX_EINVAL, "CSV row %zu: no fields", w->rows + 1);
	if (w->rows && w->row_fields != w->fields)
		return w->err = sdx_error_set(SDX_EINVAL, "CSV row %zu: %zu fields, the header has "
					      "%zu", w->rows + 1, w->row_fields, w->fields);
	if (w->pending_empty) {
		/* the row is one empty field: quoted, or it would be an empty line */
		w->pending_empty = 0;
		w->row_fields = 0;
		if ((err = field(w, "", 0, 1)) < 0)
			return err;
		w->row_fields = 1;
	}
	if ((err = reserve(w, 2)) < 0)
		return err;
	add(w, "\r\n", 2);
	if (!w->rows)
		w->fields = w->row_fields;
	w->rows++;
	w->row_fields = 0;
	return 0;
}

char *sdx__csv_out_take(struct sdx__csv_out *w, size_t *len)
{
	char *t = NULL;

	if (!w->err && w->row_fields == 0 && (w->buf || reserve(w, 0) == 0)) {
		t = w->buf;
		if (len)
			*len = w->len;
		w->buf = NULL;
	} else if (!w->err) {
		sdx_error_set(SDX_EINVAL, "CSV row %zu is not finished", w->rows + 1);
	}
	sdx__csv_out_free(w);
	return t;
}

void sdx__csv_out_free(struct sdx__csv_out *w)
{
	free(w->buf);
	w->buf = NULL;
	w->len = w->cap = 0;
}
