/*
 * formats/csv/csv.c - the strict RFC 4180 reader of formats/csv/csv.h: a
 * byte at a time through a chunk buffer, one row held at a time.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "formats/csv/csv.h"
#include "ledger/internal.h"

#define END (-1)  /* getb: the input ended */
#define FAIL (-2) /* getb: reading failed, the error is set */

/* A row: its fields NUL-terminated one after another in buf, starting at off[]. */
struct row {
	char *buf;
	size_t len, cap;
	size_t *off;
	size_t n;
};

struct sdx__csv {
	char *name;
	struct sdx__csv_limits lim;
	int fd;                        /* -1: reading memory */
	const unsigned char *data;     /* the chunk (or the whole memory) */
	size_t pos, len;
	unsigned char *chunk;
	sdx__sha256_ctx sha;
	unsigned char digest[32];
	int ended;                     /* the input ended: digest is final */
	int hashing;                   /* sha is live (reading a file, not ended) */
	uint64_t line, row_line, rows;
	int delim;                     /* ',' or ';' */
	struct row head, cur;
};

static int oom(void)
{
	return sdx_error_set(SDX_ENOMEM, "out of memory");
}

static int refill(struct sdx__csv *c)
{
	ssize_t n;

	if (c->ended)
		return 0;
	if (c->fd < 0) {
		c->ended = 1;
		return 0;
	}
	do
		n = read(c->fd, c->chunk, SDX__CSV_CHUNK);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return sdx_error_set(SDX_EIO, "'%s': cannot read: %s", c->name, strerror(errno));
	if (n == 0) {
		c->ended = 1;
		c->hashing = 0;
		sdx__sha256_final(&c->sha, c->digest);
		return 0;
	}
	sdx__sha256_update(&c->sha, c->chunk, (size_t)n);
	c->data = c->chunk;
	c->pos = 0;
	c->len = (size_t)n;
	return 1;
}

/* The next byte, END or FAIL. */
static int getb(struct sdx__csv *c)
{
	int rc;

	if (c->pos == c->len && (rc = refill(c)) <= 0)
		return rc < 0 ? FAIL : END;
	return c->data[c->pos++];
}

int sdx__csv_error(const struct sdx__csv *c, long col, int code, const char *fmt, ...)
{
	char msg[512], where[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (col < 0)
		snprintf(where, sizeof(where), "line %llu", (unsigned long long)c->row_line);
	else if ((size_t)col < c->head.n && c->head.buf[c->head.off[col]])
		snprintf(where, sizeof(where), "line %llu, column '%.200s'",
			 (unsigned long long)c->row_line, c->head.buf + c->head.off[col]);
	else
		snprintf(where, sizeof(where), "line %llu, field %ld", (unsigned long long)c->row_line,
			 col + 1);
	return sdx_error_set(code, "'%s': %s: %s", c->name, where, msg);
}

static int append(struct sdx__csv *c, struct row *r, int ch)
{
	if (r->len >= c->lim.max_row)
		return sdx__csv_error(c, -1, SDX_ELIMIT, "row longer than %zu bytes", c->lim.max_row);
	if (r->len == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 256;
		char *b;
		if (cap > c->lim.max_row)
			cap = c->lim.max_row;
		if (!(b = realloc(r->buf, cap)))
			return oom();
		r->buf = b;
		r->cap = cap;
	}
	r->buf[r->len++] = (char)ch;
	return 0;
}

/* A field is complete: bounded, no NUL, valid UTF-8; then it is terminated. */
static int end_field(struct sdx__csv *c, struct row *r)
{
	size_t start = r->off[r->n], flen = r->len - start;
	long col = (long)r->n;
	int err;

	if (flen > c->lim.max_field)
		return sdx__csv_error(c, col, SDX_ELIMIT, "field longer than %zu bytes",
				      c->lim.max_field);
	if (flen && memchr(r->buf + start, '\0', flen))
		return sdx__csv_error(c, col, SDX_EFORMAT, "holds a NUL byte");
	if (flen && !sdx__utf8_valid((const unsigned char *)r->buf + start, flen))
		return sdx__csv_error(c, col, SDX_EFORMAT, "not valid UTF-8 (sdx reads CSV as "
				      "UTF-8 only; save the file as UTF-8)");
	if ((err = append(c, r, '\0')) < 0)
		return err;
	r->n++;
	return 0;
}

/* A quoted field, its opening quote read: returns the byte after the closing quote. */
static int quoted(struct sdx__csv *c, struct row *r)
{
	uint64_t opened = c->line;
	int ch, err;

	for (;;) {
		if ((ch = getb(c)) == FAIL)
			return FAIL;
		if (ch == END) {
			c->row_line = opened;
			sdx__csv_error(c, -1, SDX_EFORMAT, "a quoted field is not closed");
			return FAIL;
		}
		if (ch == '"') {
			if ((ch = getb(c)) != '"')
				return ch;
		} else if (ch == '\n') {
			c->line++;
		}
		if ((err = append(c, r, ch)) < 0)
			return FAIL;
	}
}

/*
 * Read one record into r: 1 a record, 0 the input ended before it, or the
 * error.  Leaves c->line at the line after it.
 */
static int read_row(struct sdx__csv *c, struct row *r)
{
	int ch, err, was_quoted;

	r->n = r->len = 0;
	c->row_line = c->line;
	if ((ch = getb(c)) == END)
		return 0;
	for (;;) {
		if (ch == FAIL)
			return sdx_error_code() ? sdx_error_code() : SDX_EIO;
		if (r->n >= c->lim.max_fields)
			return sdx__csv_error(c, -1, SDX_ELIMIT, "more than %zu fields",
					      c->lim.max_fields);
		r->off[r->n] = r->len;
		was_quoted = ch == '"';
		if (was_quoted) {
			if ((ch = quoted(c, r)) == FAIL)
				return sdx_error_code() ? sdx_error_code() : SDX_EIO;
			if (ch != c->delim && ch != '\r' && ch != '\n' && ch != END && ch != FAIL)
				return sdx__csv_error(c, (long)r->n, SDX_EFORMAT, "text after the "
						      "closing quote (a quote inside a quoted field "
						      "is written twice: \"\")");
			if (ch == FAIL)
				continue;
		} else {
			while (ch != c->delim && ch != '\r' && ch != '\n' && ch != END && ch != FAIL) {
				if (ch == '"')
					return sdx__csv_error(c, (long)r->n, SDX_EFORMAT, "a quote "
							      "inside an unquoted field (quote the "
							      "whole field and write the quote twice)");
				if ((err = append(c, r, ch)) < 0)
					return err;
				ch = getb(c);
			}
			if (ch == FAIL)
				continue;
		}
		if ((err = end_field(c, r)) < 0)
			return err;
		if (ch == c->delim) {
			ch = getb(c);
			continue;
		}
		if (ch == '\r' && (ch = getb(c)) != '\n') {
			if (ch == FAIL)
				continue;
			return sdx__csv_error(c, -1, SDX_EFORMAT, "a carriage return not followed "
					      "by a line feed");
		}
		if (ch == '\n')
			c->line++;
		if (r->n == 1 && r->len == 1 && !was_quoted)
			return sdx__csv_error(c, -1, SDX_EFORMAT, "empty line");
		return 1;
	}
}

/* ';' if the first line of p[0..n) has more semicolons than commas outside
 * quotes, else ','.  Only the first chunk is looked at: a header line is
 * shorter than SDX__CSV_CHUNK in any table sdx imports. */
static int detect(const unsigned char *p, size_t n)
{
	size_t i, commas = 0, semis = 0;
	int in_quotes = 0;

	for (i = 0; i < n && (in_quotes || (p[i] != '\n' && p[i] != '\r')); i++) {
		if (p[i] == '"')
			in_quotes = !in_quotes;
		else if (!in_quotes && p[i] == ',')
			commas++;
		else if (!in_quotes && p[i] == ';')
			semis++;
	}
	return semis > commas ? ';' : ',';
}

static int read_header(struct sdx__csv *c)
{
	int rc;

	/* a byte-order mark is skipped; UTF-16 is named as what it is */
	if (c->pos == c->len && (rc = refill(c)) < 0)
		return rc;
	if (c->len - c->pos >= 3 && memcmp(c->data + c->pos, "\xef\xbb\xbf", 3) == 0)
		c->pos += 3;
	else if (c->len - c->pos >= 2 && (memcmp(c->data + c->pos, "\xff\xfe", 2) == 0 ||
					   memcmp(c->data + c->pos, "\xfe\xff", 2) == 0))
		return sdx_error_set(SDX_EFORMAT, "'%s': a UTF-16 file; sdx reads CSV as UTF-8 "
				     "only (save the file as UTF-8)", c->name);
	if (c->lim.delimiter == SDX__CSV_DETECT)
		c->delim = detect(c->data + c->pos, c->len - c->pos);
	if ((rc = read_row(c, &c->head)) < 0)
		return rc;
	if (rc == 0)
		return sdx_error_set(SDX_EFORMAT, "'%s': empty file; expected a header row naming "
				     "the columns", c->name);
	for (size_t i = 0; i < c->head.n; i++) {
		const char *name = c->head.buf + c->head.off[i];
		if (!*name)
			return sdx__csv_error(c, (long)i, SDX_EFORMAT, "the header names no column "
					      "here");
		for (size_t k = 0; k < i; k++)
			if (strcmp(name, c->head.buf + c->head.off[k]) == 0)
				return sdx__csv_error(c, (long)i, SDX_EFORMAT, "named twice in the "
						      "header (fields %zu and %zu)", k + 1, i + 1);
	}
	return 0;
}

static int start(struct sdx__csv **out, struct sdx__csv *c, const char *name,
		 const struct sdx__csv_limits *lim)
{
	static const struct sdx__csv_limits defaults = { 64 * 1024, 256, 1024 * 1024, 1000000, 0 };
	int err;

	c->lim = defaults;
	if (lim) {
		c->lim.max_field = lim->max_field ? lim->max_field : defaults.max_field;
		c->lim.max_fields = lim->max_fields ? lim->max_fields : defaults.max_fields;
		c->lim.max_row = lim->max_row ? lim->max_row : defaults.max_row;
		c->lim.max_rows = lim->max_rows ? lim->max_rows : defaults.max_rows;
		c->lim.delimiter = lim->delimiter;
	}
	if (c->lim.delimiter != 0 && c->lim.delimiter != ',' && c->lim.delimiter != ';' &&
	    c->lim.delimiter != SDX__CSV_DETECT) {
		sdx__csv_free(c);
		return sdx_error_set(SDX_EINVAL, "'%s': a CSV delimiter is ',' or ';'", name);
	}
	c->delim = c->lim.delimiter == ';' ? ';' : ',';
	c->line = 1;
	if (!(c->name = strdup(name)) ||
	    !(c->head.off = calloc(c->lim.max_fields, sizeof(size_t))) ||
	    !(c->cur.off = calloc(c->lim.max_fields, sizeof(size_t)))) {
		sdx__csv_free(c);
		return oom();
	}
	if ((err = read_header(c)) < 0) {
		sdx__csv_free(c);
		return err;
	}
	*out = c;
	return 0;
}

int sdx__csv_open(struct sdx__csv **out, const char *path, const struct sdx__csv_limits *lim)
{
	struct sdx__csv *c;

	*out = NULL;
	if (!(c = calloc(1, sizeof(*c))))
		return oom();
	sdx__sha256_init(&c->sha);
	c->hashing = 1;
	c->fd = -1;
	if (!(c->chunk = malloc(SDX__CSV_CHUNK))) {
		sdx__csv_free(c);
		return oom();
	}
	if ((c->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		int e = errno;
		sdx__csv_free(c);
		return sdx_error_set(e == ENOENT ? SDX_ENOTFOUND : SDX_EIO, "cannot open '%s': %s",
				     path, e == ENOENT ? "no such file" : strerror(e));
	}
	return start(out, c, path, lim);
}

int sdx__csv_open_mem(struct sdx__csv **out, const char *name, const void *data, size_t len,
		      const struct sdx__csv_limits *lim)
{
	struct sdx__csv *c;

	*out = NULL;
	if (!(c = calloc(1, sizeof(*c))))
		return oom();
	c->fd = -1;
	c->data = data;
	c->len = len;
	sdx__sha256(c->digest, data, len);
	return start(out, c, name, lim);
}

int sdx__csv_next(struct sdx__csv *c)
{
	int rc;

	if ((rc = read_row(c, &c->cur)) <= 0) {
		c->cur.n = 0;
		return rc;
	}
	if (c->cur.n != c->head.n)
		return sdx__csv_error(c, -1, SDX_EFORMAT, "%zu field%s, but the header names %zu "
				      "column%s", c->cur.n, c->cur.n == 1 ? "" : "s", c->head.n,
				      c->head.n == 1 ? "" : "s");
	if (++c->rows > c->lim.max_rows)
		return sdx__csv_error(c, -1, SDX_ELIMIT, "more than %llu rows",
				      (unsigned long long)c->lim.max_rows);
	return 1;
}

int sdx__csv_delimiter(const struct sdx__csv *c)
{
	return c->delim;
}

size_t sdx__csv_columns(const struct sdx__csv *c)
{
	return c->head.n;
}

const char *sdx__csv_column_name(const struct sdx__csv *c, size_t i)
{
	return i < c->head.n ? c->head.buf + c->head.off[i] : NULL;
}

long sdx__csv_column(const struct sdx__csv *c, const char *name)
{
	for (size_t i = 0; i < c->head.n; i++)
		if (strcmp(c->head.buf + c->head.off[i], name) == 0)
			return (long)i;
	return -1;
}

const char *sdx__csv_field(const struct sdx__csv *c, size_t i, size_t *len)
{
	size_t end;

	if (i >= c->cur.n)
		return NULL;
	end = i + 1 < c->cur.n ? c->cur.off[i + 1] : c->cur.len;
	if (len)
		*len = end - c->cur.off[i] - 1;
	return c->cur.buf + c->cur.off[i];
}

uint64_t sdx__csv_line(const struct sdx__csv *c)
{
	return c->row_line;
}

uint64_t sdx__csv_rows(const struct sdx__csv *c)
{
	return c->rows;
}

const char *sdx__csv_name(const struct sdx__csv *c)
{
	return c->name;
}

void sdx__csv_sha256(const struct sdx__csv *c, unsigned char out[32])
{
	memcpy(out, c->digest, 32);
}

void sdx__csv_free(struct sdx__csv *c)
{
	if (!c)
		return;
	if (c->fd >= 0)
		close(c->fd);
	if (c->hashing)
		sdx__sha256_clear(&c->sha);
	free(c->chunk);
	free(c->name);
	free(c->head.buf);
	free(c->head.off);
	free(c->cur.buf);
	free(c->cur.off);
	free(c);
}
