/*
 * tests/unit/csv.c - the strict RFC 4180 reader (formats/csv/csv.h): what it
 * reads, every refusal with the file, line and column it names, its limits,
 * and a file of several chunks read as a stream with its SHA-256.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "formats/csv/csv.h"
#include "ledger/internal.h"

/* Open text as 't.csv'; 0 or the error. */
static int open_text(struct sdx__csv **c, const char *text, const struct sdx__csv_limits *lim)
{
	return sdx__csv_open_mem(c, "t.csv", text, strlen(text), lim);
}

/* Read every row of text; 0 when all were read, else the error. */
static int read_all(const char *text, const struct sdx__csv_limits *lim)
{
	struct sdx__csv *c = NULL;
	int rc;

	if ((rc = open_text(&c, text, lim)) < 0)
		return rc;
	while ((rc = sdx__csv_next(c)) == 1)
		;
	sdx__csv_free(c);
	return rc;
}

/* text is refused with code, and the message contains want. */
static int refused(const char *text, int code, const char *want)
{
	int rc = read_all(text, NULL);

	if (rc != code || !strstr(sdx_error_last(), want)) {
		fprintf(stderr, "# got %d '%s', wanted %d '%s'\n", rc, sdx_error_last(), code, want);
		return 0;
	}
	return 1;
}

static void reads_fields(void)
{
	struct sdx__csv *c = NULL;
	size_t len;

	CHECK_OK(open_text(&c, "a,b,c\n1,,\"x, \"\"y\"\"\nz\"\n\"\",2,3", NULL));
	CHECK(sdx__csv_columns(c) == 3);
	CHECK_STR(sdx__csv_column_name(c, 2), "c");
	CHECK(sdx__csv_column(c, "b") == 1 && sdx__csv_column(c, "B") == -1);
	CHECK(sdx__csv_next(c) == 1);
	CHECK(sdx__csv_line(c) == 2);
	CHECK_STR(sdx__csv_field(c, 0, NULL), "1");
	CHECK_STR(sdx__csv_field(c, 1, &len), "");
	CHECK(len == 0);
	CHECK_STR(sdx__csv_field(c, 2, &len), "x, \"y\"\nz");
	CHECK(len == 8);
	CHECK(sdx__csv_next(c) == 1);
	CHECK(sdx__csv_line(c) == 4);
	CHECK_STR(sdx__csv_field(c, 0, NULL), "");
	CHECK(sdx__csv_field(c, 3, NULL) == NULL);
	CHECK(sdx__csv_next(c) == 0);
	CHECK(sdx__csv_rows(c) == 2);
	sdx__csv_free(c);
}

static void crlf_bom_and_spaces(void)
{
	struct sdx__csv *c = NULL;
	unsigned char want[32], got[32];
	const char *text = "\xef\xbb\xbfname, v\r\n caf\xc3\xa9 ,\"a\r\nb\"\r\n";

	CHECK_OK(open_text(&c, text, NULL));
	CHECK_STR(sdx__csv_column_name(c, 0), "name");
	CHECK_STR(sdx__csv_column_name(c, 1), " v");
	CHECK(sdx__csv_next(c) == 1);
	CHECK_STR(sdx__csv_field(c, 0, NULL), " caf\xc3\xa9 ");
	CHECK_STR(sdx__csv_field(c, 1, NULL), "a\r\nb");
	CHECK(sdx__csv_next(c) == 0);
	sdx__sha256(want, text, strlen(text));
	sdx__csv_sha256(c, got);
	CHECK_MEM(want, got, 32);
	sdx__csv_free(c);
}

static void refusals(void)
{
	CHECK(refused("", SDX_EFORMAT, "'t.csv': empty file; expected a header row"));
	CHECK(refused("\xff\xfe" "a\0", SDX_EFORMAT, "'t.csv': a UTF-16 file"));
	CHECK(refused("a,,c\n", SDX_EFORMAT, "'t.csv': line 1, field 2: the header names no "
		      "column"));
	CHECK(refused("a,b,a\n", SDX_EFORMAT, "line 1, column 'a': named twice in the header "
		      "(fields 1 and 3)"));
	CHECK(refused("a,b\n1,x\"y\n", SDX_EFORMAT, "'t.csv': line 2, column 'b': a quote inside "
		      "an unquoted field"));
	CHECK(refused("a,b\n1,\"x\"y\n", SDX_EFORMAT, "line 2, column 'b': text after the "
		      "closing quote"));
	CHECK(refused("a,b\n1,2\n3,\"open\n\n", SDX_EFORMAT, "line 3: a quoted field is not "
		      "closed"));
	CHECK(refused("a,b\n1,2\r3,4\n", SDX_EFORMAT, "line 2: a carriage return not followed"));
	CHECK(refused("a,b\n1,2\n\n3,4\n", SDX_EFORMAT, "line 3: empty line"));
	CHECK(refused("a,b\n1,2\n3\n", SDX_EFORMAT, "line 3: 1 field, but the header names 2 "
		      "columns"));
	CHECK(refused("a,b\n1,2,3\n", SDX_EFORMAT, "line 2: 3 fields, but the header names 2"));
	CHECK(refused("a,b\n1,\xc3\x28\n", SDX_EFORMAT, "line 2, column 'b': not valid UTF-8"));
	CHECK(refused("a,b\n1,\xed\xa0\x80\n", SDX_EFORMAT, "column 'b': not valid UTF-8"));
	CHECK(refused("a,b\n\"1\n2\",\"x\ny\"z\n", SDX_EFORMAT, "line 2, column 'b': text after"));
	CHECK(read_all("a\n\"\"\n", NULL) == 0);
}

static void nul_byte(void)
{
	static const char text[] = "a,b\n1,x\0y\n";
	struct sdx__csv *c = NULL;

	CHECK_OK(sdx__csv_open_mem(&c, "t.csv", text, sizeof(text) - 1, NULL));
	CHECK_ERR(sdx__csv_next(c), SDX_EFORMAT);
	CHECK(strstr(sdx_error_last(), "line 2, column 'b': holds a NUL byte") != NULL);
	sdx__csv_free(c);
}

static void limits(void)
{
	struct sdx__csv_limits lim = { 4, 3, 12, 2, 0 };

	CHECK(read_all("a,b\n1234,1\n", &lim) == 0);
	CHECK_ERR(read_all("a,b\n12345,1\n", &lim), SDX_ELIMIT);
	CHECK(strstr(sdx_error_last(), "line 2, column 'a': field longer than 4 bytes") != NULL);
	CHECK_ERR(read_all("a,b,c,d\n", &lim), SDX_ELIMIT);
	CHECK(strstr(sdx_error_last(), "line 1: more than 3 fields") != NULL);
	CHECK_ERR(read_all("a,b,c\n1234,1234,12\n", &lim), SDX_ELIMIT);
	CHECK(strstr(sdx_error_last(), "line 2: row longer than 12 bytes") != NULL);
	CHECK_ERR(read_all("a,b\n1,2\n3,4\n5,6\n", &lim), SDX_ELIMIT);
	CHECK(strstr(sdx_error_last(), "line 4: more than 2 rows") != NULL);
}

/* A file of several chunks, read as a stream: every row, and the file's hash. */
static void streams_a_file(void)
{
	struct sdx__csv *c = NULL;
	unsigned char want[32], got[32];
	char *text, line[64];
	size_t len = 0, cap = 4 * SDX__CSV_CHUNK, rows = 0, n = 0;
	FILE *f;
	int rc;

	CHECK((text = malloc(cap)) != NULL);
	len = (size_t)snprintf(text, cap, "id,name\r\n");
	while (len + 64 < cap) {
		int w = snprintf(line, sizeof(line), "%zu,\"lab \"\"%zu\"\"\r\nsecond line\"\r\n",
				 rows, rows);
		memcpy(text + len, line, (size_t)w);
		len += (size_t)w;
		rows++;
	}
	sdx__sha256(want, text, len);
	f = fopen("big.csv", "wb");
	CHECK(f && fwrite(text, 1, len, f) == len && fclose(f) == 0);
	free(text);
	CHECK_OK(sdx__csv_open(&c, "big.csv", NULL));
	while ((rc = sdx__csv_next(c)) == 1) {
		snprintf(line, sizeof(line), "lab \"%zu\"\r\nsecond line", n);
		if (strcmp(sdx__csv_field(c, 1, NULL), line) != 0 || sdx__csv_line(c) != 2 + 2 * n)
			break;
		n++;
	}
	CHECK(rc == 0 && n == rows);
	sdx__csv_sha256(c, got);
	CHECK_MEM(want, got, 32);
	sdx__csv_free(c);
}

static void delimiters(void)
{
	struct sdx__csv_limits semi = { 0, 0, 0, 0, ';' }, detect = { 0, 0, 0, 0, SDX__CSV_DETECT };
	struct sdx__csv *c = NULL;

	/* ';' given: a comma is data */
	CHECK_OK(open_text(&c, "a;b\n1,5;\"x;y\"\n", &semi));
	CHECK(sdx__csv_delimiter(c) == ';' && sdx__csv_columns(c) == 2);
	CHECK(sdx__csv_next(c) == 1);
	CHECK_STR(sdx__csv_field(c, 0, NULL), "1,5");
	CHECK_STR(sdx__csv_field(c, 1, NULL), "x;y");
	sdx__csv_free(c);
	/* detected from the header line, outside quotes, after a BOM */
	CHECK_OK(open_text(&c, "\xef\xbb\xbf" "a;b;\"c,d,e\"\n1;2;3\n", &detect));
	CHECK(sdx__csv_delimiter(c) == ';' && sdx__csv_columns(c) == 3);
	CHECK_STR(sdx__csv_column_name(c, 2), "c,d,e");
	sdx__csv_free(c);
	CHECK_OK(open_text(&c, "a,b;c\n1,2\n", &detect));
	CHECK(sdx__csv_delimiter(c) == ',' && sdx__csv_columns(c) == 2);
	CHECK_STR(sdx__csv_column_name(c, 1), "b;c");
	sdx__csv_free(c);
	/* a tie is ',' */
	CHECK_OK(open_text(&c, "a,b;c;d,e\n1,2,3\n", &detect));
	CHECK(sdx__csv_delimiter(c) == ',');
	sdx__csv_free(c);
	/* ';' rows of a ',' table are one field */
	CHECK(refused("a,b\n1;2\n", SDX_EFORMAT, "'t.csv': line 2: 1 field, but the header names 2 columns"));
	semi.delimiter = '\t';
	CHECK_ERR(open_text(&c, "a\tb\n", &semi), SDX_EINVAL);
}

static void missing_file(void)
{
	struct sdx__csv *c = NULL;

	CHECK_ERR(sdx__csv_open(&c, "none.csv", NULL), SDX_ENOTFOUND);
	CHECK_STR(sdx_error_last(), "cannot open 'none.csv': no such file");
	CHECK(c == NULL);
}

static const struct test_case tests[] = {
	{ "reads quoted fields, doubled quotes and line breaks", reads_fields },
	{ "CRLF, a byte-order mark, spaces kept, SHA-256", crlf_bom_and_spaces },
	{ "every refusal names the file, line and column", refusals },
	{ "a NUL byte is refused", nul_byte },
	{ "field, fields, row and rows limits", limits },
	{ "a file of several chunks streams", streams_a_file },
	{ "';' given or detected from the header", delimiters },
	{ "a missing file", missing_file },
	{ NULL, NULL }
};

TEST_MAIN(tests)
