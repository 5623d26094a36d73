/*
 * tests/unit/text.c - sdx/text.h: display widths (wide and fullwidth two
 * columns, combining marks none), the padding that lines names up, and cuts
 * that never split a UTF-8 sequence.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "sdx.h"
#include "formats/text/text.h"

static void widths(void)
{
	CHECK(sdx_text_width("") == 0);
	CHECK(sdx_text_width(NULL) == 0);
	CHECK(sdx_text_width("Ningbo") == 6);
	/* 12 CJK ideographs: 24 columns in 36 bytes */
	CHECK(sdx_text_width("宁波海兴塑料材料有限公司") == 24);
	/* fullwidth Latin letters are two columns each */
	CHECK(sdx_text_width("ＡＢＣ") == 6);
	CHECK(sdx_text_width("ＡＢＣ Co. 有限") == 6 + 5 + 4);
	/* e + COMBINING ACUTE ACCENT: one column; a halfwidth katakana one */
	CHECK(sdx_text_width("e\xCC\x81") == 1);
	CHECK(sdx_text_width("\xEF\xBD\xB1") == 1);
	/* an invalid byte shows as one replacement column */
	CHECK(sdx_text_width("a\xFF" "b") == 3);
}

static void padding(void)
{
	char line[200];

	CHECK(sdx_text_pad("abc", 5) == 2);
	CHECK(sdx_text_pad("有限", 5) == 1);
	CHECK(sdx_text_pad("有限公司", 5) == 0);
	/* "%-10s|" by display width: the bar is at column 10 on both lines */
	snprintf(line, sizeof(line), "%s%*s|", "ABC", sdx_text_pad("ABC", 10), "");
	CHECK_STR(line, "ABC       |");
	snprintf(line, sizeof(line), "%s%*s|", "海兴", sdx_text_pad("海兴", 10), "");
	CHECK_STR(line, "海兴      |");
}

static void cuts(void)
{
	const char *s = "ab海"; /* 海 is E6 B5 B7 */

	CHECK(sdx_text_cut(s, 5) == 5);
	CHECK(sdx_text_cut(s, 4) == 2);
	CHECK(sdx_text_cut(s, 3) == 2);
	CHECK(sdx_text_cut(s, 2) == 2);
	CHECK(sdx_text_cut("ＡＢ", 5) == 3);
	CHECK(sdx_text_cut("", 0) == 0);
	/* a stray continuation byte or an invalid byte is left as it is */
	CHECK(sdx_text_cut("a\xFF", 2) == 2);
}

/* The bounded writer of the checks' reasons cuts where a character starts. */
static void text_add_cuts(void)
{
	char buf[8];
	struct text t = { buf, sizeof(buf), 0 };

	buf[0] = '\0';
	sdx__text_add(&t, "%s", "ab宁波海");
	CHECK_STR(buf, "ab宁");
	CHECK(t.len == strlen(buf));
	sdx__text_add(&t, "x");
	CHECK(strlen(buf) <= 7);
}

/* The checks' fixed-size texts are cut where a character starts. */
static void text_put_cuts(void)
{
	char buf[9];

	sdx__text_put(buf, sizeof(buf), "lot %s", "宁波海");
	CHECK_STR(buf, "lot 宁");
	sdx__text_put(buf, sizeof(buf), "lot %s", "AB");
	CHECK_STR(buf, "lot AB");
	sdx__text_put(buf, 1, "%s", "宁");
	CHECK_STR(buf, "");
}

/* An error message quoting a name with a precision drops the cut character. */
static void error_cuts(void)
{
	sdx_error_set(SDX_EINVAL, "party '%.4s' is unknown", "ab宁波");
	CHECK_STR(sdx_error_last(), "party 'ab' is unknown");
	sdx_error_set(SDX_EINVAL, "party '%.5s' is unknown", "ab宁波");
	CHECK_STR(sdx_error_last(), "party 'ab宁' is unknown");
	/* bytes that are not a cut sequence stay */
	sdx_error_set(SDX_EINVAL, "byte '%s'", "\xFF");
	CHECK_STR(sdx_error_last(), "byte '\xFF'");
}

static const struct test_case tests[] = {
	{ "widths", widths },
	{ "padding", padding },
	{ "cuts", cuts },
	{ "text_add_cuts", text_add_cuts },
	{ "text_put_cuts", text_put_cuts },
	{ "error_cuts", error_cuts },
	{ NULL, NULL },
};

TEST_MAIN(tests)
