/*
 * fuzz_csv: the strict RFC 4180 reader (formats/csv/csv.h) on any bytes, with
 * small limits: a table or a clear error (SDX_EFORMAT, SDX_ELIMIT), never a
 * crash.  A table read whole is written out again with every field quoted,
 * and reading that gives the same header and fields; its SHA-256 is the
 * input's.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "formats/csv/csv.h"
#include "ledger/internal.h"

/* A growing output buffer; the fuzzer's inputs are small, so no limit. */
struct out {
	char *p;
	size_t len, cap;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->len + n + 1 > o->cap) {
		o->cap = (o->len + n + 1) * 2;
		FUZZ_ASSERT((o->p = realloc(o->p, o->cap)) != NULL);
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

static void put_field(struct out *o, const char *s, size_t n, int last)
{
	put(o, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			put(o, "\"", 1);
		put(o, s + i, 1);
	}
	put(o, last ? "\"\r\n" : "\",", last ? 3 : 2);
}

static const struct sdx__csv_limits lim = { 256, 16, 2048, 200, 0 };

/* Read data, appending every row quoted to o (if o); the reader's result. */
static int read_table(const uint8_t *data, size_t size, struct out *o, unsigned char sha[32])
{
	struct sdx__csv *c = NULL;
	size_t i, n, len;
	uint64_t line = 0;
	int rc;

	if ((rc = sdx__csv_open_mem(&c, "fuzz.csv", data, size, &lim)) < 0)
		return rc;
	n = sdx__csv_columns(c);
	FUZZ_ASSERT(n >= 1 && n <= lim.max_fields);
	for (i = 0; i < n; i++) {
		const char *name = sdx__csv_column_name(c, i);
		FUZZ_ASSERT(name && *name && sdx__csv_column(c, name) == (long)i);
		if (o)
			put_field(o, name, strlen(name), i + 1 == n);
	}
	while ((rc = sdx__csv_next(c)) == 1) {
		FUZZ_ASSERT(sdx__csv_line(c) > line);
		line = sdx__csv_line(c);
		for (i = 0; i < n; i++) {
			const char *f = sdx__csv_field(c, i, &len);
			FUZZ_ASSERT(f && strlen(f) == len && len <= lim.max_field);
			FUZZ_ASSERT(sdx__utf8_valid((const unsigned char *)f, len));
			if (o)
				put_field(o, f, len, i + 1 == n);
		}
	}
	FUZZ_ASSERT(rc == 0 || rc == SDX_EFORMAT || rc == SDX_ELIMIT);
	if (rc == 0)
		sdx__csv_sha256(c, sha);
	sdx__csv_free(c);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct out first = { 0 }, again = { 0 };
	unsigned char sha[32], want[32];
	int rc;

	rc = read_table(data, size, &first, sha);
	FUZZ_ASSERT(rc == 0 || rc == SDX_EFORMAT || rc == SDX_ELIMIT);
	if (rc == 0) {
		sdx__sha256(want, data, size);
		FUZZ_ASSERT(memcmp(sha, want, 32) == 0);
		/* quoting every field may pass the row limit; only a table within it compares */
		rc = read_table((const uint8_t *)first.p, first.len, &again, sha);
		FUZZ_ASSERT(rc == 0 || rc == SDX_ELIMIT);
		if (rc == 0)
			FUZZ_ASSERT(again.len == first.len &&
				    memcmp(again.p, first.p, first.len) == 0);
	}
	free(first.p);
	free(again.p);
	return 0;
}
