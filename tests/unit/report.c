/*
 * tests/unit/report.c - sdx_report_html (formats/report.md): escaping and
 * cutting at character boundaries, the sections and boxes of a declaration's
 * page, the same bytes for the same ledger and clock, nothing fetched.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "sdx.h"
#include "formats/report/report.h"

static int64_t fixed(void *ctx)
{
	(void)ctx;
	return 1795392000; /* 2026-11-23T00:00:00Z */
}

/* What f wrote, as a malloc'd string. */
static char *written(void (*fn)(FILE *, const char *, size_t), const char *s, size_t max)
{
	char *p = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&p, &n);

	if (!f)
		return NULL;
	fn(f, s, max);
	fclose(f);
	return p;
}

static void esc(FILE *f, const char *s, size_t max)
{
	(void)max;
	sdx__rp_esc(f, s);
}

static void escaping(void)
{
	char *t = written(esc, "<script>a='1' & \"b\"</script>\x01\tz", 0);

	CHECK(t != NULL);
	CHECK_STR(t, "&lt;script&gt;a=&#39;1&#39; &amp; &quot;b&quot;&lt;/script&gt;\tz");
	free(t);
	/* cut at 3 bytes of two-byte characters: one character and the ellipsis */
	t = written(sdx__rp_esc_cut, "\xc3\xa4\xc3\xa4\xc3\xa4", 3);
	CHECK(t != NULL);
	CHECK_STR(t, "\xc3\xa4\xe2\x80\xa6");
	free(t);
	t = written(sdx__rp_esc_cut, "<b>", 3);
	CHECK(t != NULL);
	CHECK_STR(t, "&lt;b&gt;");
	free(t);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static void declaration_page(void)
{
	sdx_ledger *l = NULL;
	sdx_signer *key = NULL;
	sdx_graph *g = NULL;
	sdx_profile *p = NULL;
	size_t node, len = 0, len2 = 0;
	char leaf[65], *html = NULL, *again = NULL;
	int worst = -1;

	sdx_clock_set(fixed, NULL);
	CHECK(test_ledger_declared(&l, &key, "example.com/r", 5,
				   "../../examples/data/pvc-toy-grade-declaration.json",
				   "../../examples/data/reports/cnas-l1234-report-2026-1006.txt",
				   leaf) == 0);
	CHECK_OK(sdx_graph_from_ledger(&g, l));
	CHECK_OK(sdx_graph_find(&node, g, leaf, NULL));
	CHECK_OK(sdx_profile_load(&p, "us-cpsia"));
	const sdx_profile *ps[] = { p };
	sdx_report_options o = SDX_REPORT_OPTIONS_INIT;
	o.profiles = ps;
	o.nprofiles = 1;
	CHECK_OK(sdx_report_html(&html, &len, &worst, g, node, &o));
	CHECK(len == strlen(html));
	CHECK(strncmp(html, "<!DOCTYPE html>", 15) == 0);
	CHECK(strstr(html, "default-src 'none'") != NULL);
	CHECK(count(html, "<section id=") == 6);
	CHECK(count(html, "<tr class=\"verdict ") == 1);
	CHECK(strstr(html, "data-profile=\"us-cpsia\"") != NULL);
	/* the declaration and its one lab report */
	CHECK(count(html, "<g class=\"node record") == 1);
	CHECK(count(html, "<g class=\"node report") == 1);
	CHECK(strstr(html, "made at <time>2026-11-23T00:00:00Z</time>") != NULL);
	CHECK(strstr(html, "<script") == NULL);
	CHECK(strstr(html, "http://") == NULL || strstr(html, "http://www.w3.org/2000/svg") != NULL);
	CHECK(worst >= SDX_VERDICT_PASS && worst <= SDX_VERDICT_NOT_APPLICABLE);
	/* the same ledger, options and clock: the same bytes; no options: no verdict rows */
	CHECK_OK(sdx_report_html(&again, &len2, NULL, g, node, &o));
	CHECK(len2 == len && memcmp(html, again, len) == 0);
	free(again);
	again = NULL;
	CHECK_OK(sdx_report_html(&again, &len2, NULL, g, node, NULL));
	CHECK(count(again, "<tr class=\"verdict ") == 0);
	free(again);
	again = NULL;
	CHECK_ERR(sdx_report_html(&again, &len2, NULL, g, 99999, &o), SDX_EINVAL);
	CHECK(again == NULL);
	o.version = 99;
	CHECK_ERR(sdx_report_html(&again, &len2, NULL, g, node, &o), SDX_EINVAL);
	free(html);
	sdx_profile_free(p);
	sdx_graph_free(g);
	sdx_ledger_free(l);
	sdx_signer_free(key);
	sdx_clock_set(NULL, NULL);
}

static const struct test_case tests[] = {
	{ "escaping and cutting at a character boundary", escaping },
	{ "a declaration's page: sections, boxes, the same bytes", declaration_page },
	{ NULL, NULL }
};
TEST_MAIN(tests)
