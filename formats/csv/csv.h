/*
 * formats/csv/csv.h - a strict RFC 4180 CSV reader for tables sdx imports
 * (lab registers, ERP exports), and a writer for the tables it exports
 * (customs declaration lines, csv_write.c); internal to libsdx, not installed.
 *
 * What it reads: UTF-8 text, with or without a byte-order mark; records
 * separated by CRLF or LF (the last one may lack it); fields separated by
 * commas (or semicolons, see `delimiter`); a field either unquoted (no
 * quote, delimiter, CR or LF in it) or wholly in double quotes, where a
 * doubled quote stands for one quote and delimiters and line breaks are data.  The first record is a header naming
 * the columns: each name non-empty and unique.  Every later record has as
 * many fields as the header.  Spaces are data, never trimmed.
 *
 * What it refuses, naming the file, line and column: a quote inside an
 * unquoted field, text after a closing quote, a quoted field never closed,
 * a CR not followed by LF, an empty line (write "" for an empty value in a
 * one-column table), invalid UTF-8, a NUL byte, a UTF-16 file, and a field,
 * row or table beyond its limit (SDX_ELIMIT).
 *
 * Streaming: the file is read a chunk at a time (SDX__CSV_CHUNK bytes);
 * only the header and the current row are held, each bounded by the limits.
 *
 * Order of calls:
 *   sdx__csv_open() or sdx__csv_open_mem()    reads the header row
 *   sdx__csv_column(), _columns(), _column_name()
 *   while ((rc = sdx__csv_next(c)) == 1)        one data row at a time
 *       sdx__csv_field(), sdx__csv_line(), sdx__csv_error()
 *   sdx__csv_sha256()                           once _next() returned 0
 *   sdx__csv_free()
 * A field pointer is valid until the next sdx__csv_next() or _free().
 */
#ifndef SDX_FORMATS_CSV_H
#define SDX_FORMATS_CSV_H

#include <stddef.h>
#include <stdint.h>

#define SDX__CSV_CHUNK (64 * 1024)

/* Bounds on what one table may hold; 0 in a member means its default. */
struct sdx__csv_limits {
	size_t max_field;   /* bytes in one field (default 64 KiB) */
	size_t max_fields;  /* fields in one row, the header's too (default 256) */
	size_t max_row;     /* bytes in one row, its fields together (default 1 MiB) */
	uint64_t max_rows;  /* data rows after the header (default 1,000,000) */
	int delimiter;      /* ',' or ';'; 0 is ','; SDX__CSV_DETECT: the one of the two
			     * the header line holds more of outside quotes (',' on a tie) */
};

#define SDX__CSV_DETECT 1


struct sdx__csv;

/*
 * Open the file at `path` (the message names it as given) and read its
 * header.  lim may be NULL (the defaults).  SDX_ENOTFOUND if there is no
 * such file, SDX_EIO if it cannot be read, SDX_EFORMAT or SDX_ELIMIT for
 * what the header breaks.
 */
int sdx__csv_open(struct sdx__csv **out, const char *path, const struct sdx__csv_limits *lim);

/* The same for data[0..len), borrowed until sdx__csv_free(); `name` names it. */
int sdx__csv_open_mem(struct sdx__csv **out, const char *name, const void *data, size_t len,
		      const struct sdx__csv_limits *lim);

/* The delimiter the table is read with (',' or ';'). */
int sdx__csv_delimiter(const struct sdx__csv *c);

/* Columns the header names, and the name of column i (i < _columns()). */
size_t sdx__csv_columns(const struct sdx__csv *c);
const char *sdx__csv_column_name(const struct sdx__csv *c, size_t i);
/* The index of the column named `name` (exact, case-sensitive), or -1. */
long sdx__csv_column(const struct sdx__csv *c, const char *name);

/* Read the next data row: 1 a row is ready, 0 the table ended, or the error. */
int sdx__csv_next(struct sdx__csv *c);

/* Field i of the current row (NUL-terminated; *len, may be NULL, its bytes). */
const char *sdx__csv_field(const struct sdx__csv *c, size_t i, size_t *len);

/* The line the current row starts on (the header is line 1), and data rows read. */
uint64_t sdx__csv_line(const struct sdx__csv *c);
uint64_t sdx__csv_rows(const struct sdx__csv *c);

/* The file's name as messages give it. */
const char *sdx__csv_name(const struct sdx__csv *c);

/*
 * Set the error "'FILE': line N, column 'NAME': <message>" for column `col`
 * of the current row (col < 0: "'FILE': line N: <message>") and return code.
 */
int sdx__csv_error(const struct sdx__csv *c, long col, int code, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

/* SHA-256 of every byte of the file; valid once sdx__csv_next() returned 0. */
void sdx__csv_sha256(const struct sdx__csv *c, unsigned char out[32]);

/* Accepts NULL. */
void sdx__csv_free(struct sdx__csv *c);

/*
 * Writing (csv_write.c): a table built in memory, which the reader above
 * reads back field for field.  Records end in CRLF (RFC 4180 2.1); a field
 * is put in double quotes, its quotes doubled, when it holds a comma, a
 * quote, a CR or an LF, when it starts or ends with a space, and when it is
 * the only field of its row and empty (so that the row is not an empty line).
 * A field holding a NUL or invalid UTF-8 is refused (SDX_EINVAL), and so is
 * a table beyond max_bytes (SDX_ELIMIT); after an error, every call returns it.
 *
 *   struct sdx__csv_out w;
 *   sdx__csv_out_init(&w, max_bytes);
 *   sdx__csv_put(&w, field, len) ... sdx__csv_end_row(&w)   each row, the header first
 *   text = sdx__csv_out_take(&w, &len)                      the caller's to free()
 *   sdx__csv_out_free(&w)                                   on error, or after take
 * Every row must have as many fields as the first (SDX_EINVAL otherwise).
 */
struct sdx__csv_out {
	char *buf;
	size_t len, cap, max;
	size_t fields, row_fields; /* of the first row; so far in this one */
	size_t rows;
	int pending_empty;         /* the row's first field is empty, not written yet */
	int err;
};

/* max_bytes 0: 64 MiB. */
void sdx__csv_out_init(struct sdx__csv_out *w, size_t max_bytes);
/* One field: len bytes of s, or strlen(s) when len is (size_t)-1; s NULL: an empty field. */
int sdx__csv_put(struct sdx__csv_out *w, const char *s, size_t len);
int sdx__csv_end_row(struct sdx__csv_out *w);
/* The table (NUL-terminated, *len its bytes; may be NULL), or NULL after an
 * error or an unfinished row; w is then empty. */
char *sdx__csv_out_take(struct sdx__csv_out *w, size_t *len);
void sdx__csv_out_free(struct sdx__csv_out *w);

#endif
