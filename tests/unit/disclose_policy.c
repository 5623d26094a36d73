/*
 * tests/unit/disclose_policy.c - which disclosures travel
 * (formats/bundle/policy.c, formats/disclosure.md "Choosing what travels"):
 * pointer patterns with "*" and what they cover, per record type, the
 * attachments rule, the policies the schema refuses; and where each
 * disclosure's field is (sdx_disclosure_locate(), ledger/disclosure.c),
 * nested ones and array elements counted as signed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "formats/bundle/internal.h"
#include "sdx/bundle.h"
#include "sdx/disclosure.h"

static sdx_disclose_policy *parse(const char *text)
{
	sdx_disclose_policy *p = NULL;

	if (sdx_disclose_policy_parse(&p, text, strlen(text), "p.json") < 0)
		return NULL;
	return p;
}

static void patterns(void)
{
	/* equal, token by token */
	CHECK(sdx__disclose_pattern_covers("/claims/0/value", "/claims/0/value"));
	CHECK(!sdx__disclose_pattern_covers("/claims/0/value", "/claims/1/value"));
	CHECK(!sdx__disclose_pattern_covers("/claims/0/val", "/claims/0/value"));
	CHECK(!sdx__disclose_pattern_covers("/claims/0/value", "/claims/0/val"));
	/* * is any one token, an index or a name */
	CHECK(sdx__disclose_pattern_covers("/claims/*/value", "/claims/12/value"));
	CHECK(sdx__disclose_pattern_covers("/*/0/value", "/claims/0/value"));
	CHECK(!sdx__disclose_pattern_covers("/claims/*/value", "/claims/0/unit"));
	CHECK(!sdx__disclose_pattern_covers("/claims/*", "/claims"));
	/* a pattern covers what is inside the field it names, not what holds it */
	CHECK(sdx__disclose_pattern_covers("/claims/0", "/claims/0/measurements/0/value"));
	CHECK(sdx__disclose_pattern_covers("/claims", "/claims/3"));
	CHECK(!sdx__disclose_pattern_covers("/claims/0/measurements/0/value", "/claims/0"));
	/* escaped names compare as written: one name, one form */
	CHECK(sdx__disclose_pattern_covers("/a~1b/c~0d", "/a~1b/c~0d"));
	CHECK(!sdx__disclose_pattern_covers("/a~1b", "/a/b"));
	/* a token "*~" is not a wildcard */
	CHECK(!sdx__disclose_pattern_covers("/*x", "/claims"));
	/* not pointers */
	CHECK(!sdx__disclose_pattern_covers("claims", "claims"));
	CHECK(!sdx__disclose_pattern_covers("/claims", ""));
}

static void policies(void)
{
	sdx_disclose_policy *p;

	/* no policy: everything travels, files too */
	CHECK(sdx_disclose_policy_discloses(NULL, "declaration", "/x"));
	CHECK(sdx_disclose_policy_sends_attachments(NULL, "declaration"));

	CHECK((p = parse("{\"format\":\"sdx-disclose/1\",\"disclose\":\"all\"}")) != NULL);
	CHECK(sdx_disclose_policy_discloses(p, "declaration", "/claims/0/value"));
	CHECK(!sdx_disclose_policy_sends_attachments(p, "declaration"));
	sdx_disclose_policy_free(p);

	CHECK((p = parse("{\"format\":\"sdx-disclose/1\",\"disclose\":\"none\","
			 "\"attachments\":\"send\"}")) != NULL);
	CHECK(!sdx_disclose_policy_discloses(p, "declaration", "/claims/0/value"));
	CHECK(sdx_disclose_policy_sends_attachments(p, "batch"));
	sdx_disclose_policy_free(p);

	/* a list, and a record type with its own */
	CHECK((p = parse("{\"format\":\"sdx-disclose/1\",\"description\":\"broker\","
			 "\"disclose\":[\"/claims/*/substance\",\"/supplier\"],"
			 "\"types\":{\"batch\":{\"disclose\":\"all\",\"attachments\":\"send\"},"
			 "\"shipment\":{\"attachments\":\"send\"}}}")) != NULL);
	CHECK(sdx_disclose_policy_discloses(p, "declaration", "/claims/3/substance"));
	CHECK(sdx_disclose_policy_discloses(p, "declaration", "/supplier/name"));
	CHECK(!sdx_disclose_policy_discloses(p, "declaration", "/claims/3/value"));
	CHECK(!sdx_disclose_policy_discloses(p, "declaration", NULL));
	CHECK(sdx_disclose_policy_discloses(p, "batch", "/claims/3/value"));
	/* a type without its own disclose takes the top level's */
	CHECK(!sdx_disclose_policy_discloses(p, "shipment", "/claims/3/value"));
	CHECK(sdx_disclose_policy_discloses(p, "shipment", "/supplier"));
	CHECK(!sdx_disclose_policy_sends_attachments(p, "declaration"));
	CHECK(sdx_disclose_policy_sends_attachments(p, "batch"));
	CHECK(sdx_disclose_policy_sends_attachments(p, "shipment"));
	sdx_disclose_policy_free(p);
}

static void refused(void)
{
	static const char *const bad[] = {
		"[]",
		"{\"disclose\":\"all\"}",                                      /* no format */
		"{\"format\":\"sdx-disclose/2\",\"disclose\":\"all\"}",        /* a version it does not know */
		"{\"format\":\"sdx-disclose/1\"}",                             /* no disclose */
		"{\"format\":\"sdx-disclose/1\",\"disclose\":\"some\"}",
		"{\"format\":\"sdx-disclose/1\",\"disclose\":[\"claims/0\"]}", /* not a pointer */
		"{\"format\":\"sdx-disclose/1\",\"disclose\":[\"/\"]}",        /* too short */
		"{\"format\":\"sdx-disclose/1\",\"disclose\":[\"/a~2\"]}",     /* a bad escape */
		"{\"format\":\"sdx-disclose/1\",\"disclose\":[\"/a\",\"/a\"]}",
		"{\"format\":\"sdx-disclose/1\",\"disclose\":\"all\",\"attachments\":\"keep\"}",
		"{\"format\":\"sdx-disclose/1\",\"disclose\":\"all\",\"extra\":1}",
		"{\"format\":\"sdx-disclose/1\",\"disclose\":\"all\",\"types\":{\"batch\":{\"x\":1}}}",
	};
	sdx_disclose_policy *p = NULL;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		int err = sdx_disclose_policy_parse(&p, bad[i], strlen(bad[i]), "p.json");

		CHECK(err == SDX_ESCHEMA);
		CHECK(p == NULL);
		CHECK(strstr(sdx_error_last(), "'p.json'") != NULL);
	}
	CHECK_ERR(sdx_disclose_policy_parse(&p, "{", 1, "p.json"), SDX_EFORMAT);
	CHECK(p == NULL);
}

#define BODY "{\"claims\":[{\"m\":[{\"value\":41.6173},{\"value\":3.1}],\"substance\":\"Pb\"}," \
	     "{\"substance\":\"Cd\"}],\"supplier\":{\"name\":\"ACME\",\"id\":\"X\"}}"

static void locate(void)
{
	/* the inner pointer first: the claim's value, then the claim (holding it),
	 * an element, and a field of the supplier */
	const char *ptrs[] = { "/claims/0/m/0/value", "/claims/0", "/claims/1",
			       "/supplier/name" };
	sdx_disclosure_list list = { 0 };
	sdx_disclosure_place *pl = NULL;
	sdx_disclosure_view v;
	char *c = NULL;
	size_t clen = 0;

	CHECK_OK(sdx_disclosure_conceal(&c, &clen, &list, BODY, strlen(BODY), ptrs, 4, 1));
	CHECK(list.n == 4);
	CHECK_OK(sdx_disclosure_locate(&pl, &v, c, clen, (const char *const *)list.text, 4));
	CHECK_STR(pl[0].pointer, "/claims/0/m/0/value");
	CHECK(pl[0].parent == 1);      /* its digest is in the claim's disclosed value */
	CHECK_STR(pl[1].pointer, "/claims/0");
	CHECK(pl[1].parent == -1);
	CHECK_STR(pl[2].pointer, "/claims/1");
	CHECK(pl[2].parent == -1);
	CHECK_STR(pl[3].pointer, "/supplier/name");
	CHECK(pl[3].parent == -1);
	CHECK(v.disclosed == 4);
	sdx_disclosure_places_free(pl, 4);
	pl = NULL;

	/* with the first element withheld, the second keeps its place as signed */
	{
		const char *some[] = { list.text[2] };

		CHECK_OK(sdx_disclosure_locate(&pl, &v, c, clen, some, 1));
		CHECK_STR(pl[0].pointer, "/claims/1");
		CHECK(v.disclosed == 1 && v.withheld >= 2);
		sdx_disclosure_places_free(pl, 1);
		pl = NULL;
	}
	/* a disclosure of another record is a forgery here too */
	{
		static const char other[] = "WyJsa2x4RjVqTVlsR1RQVW92TU5JdkNBIiwgIkZSIl0";
		const char *one[] = { other };

		CHECK_ERR(sdx_disclosure_locate(&pl, &v, c, clen, one, 1), SDX_EVERIFY);
		CHECK(pl == NULL);
	}
	free(c);
	sdx_disclosure_list_free(&list);
}

/* names with "/" and "~" come back escaped */
static void locate_escaped(void)
{
	static const char body[] = "{\"a/b\":{\"c~d\":1}}";
	const char *ptrs[] = { "/a~1b/c~0d" };
	sdx_disclosure_list list = { 0 };
	sdx_disclosure_place *pl = NULL;
	char *c = NULL;
	size_t clen = 0;

	CHECK_OK(sdx_disclosure_conceal(&c, &clen, &list, body, strlen(body), ptrs, 1, 0));
	CHECK_OK(sdx_disclosure_locate(&pl, NULL, c, clen, (const char *const *)list.text, 1));
	CHECK_STR(pl[0].pointer, "/a~1b/c~0d");
	sdx_disclosure_places_free(pl, 1);
	free(c);
	sdx_disclosure_list_free(&list);
}

static const struct test_case tests[] = {
	{ "pointer patterns: *, prefixes, escapes", patterns },
	{ "policies: all, none, lists, record types, attachments", policies },
	{ "policies the schema refuses", refused },
	{ "each disclosure's field and parent", locate },
	{ "escaped names located", locate_escaped },
	{ NULL, NULL }
};

TEST_MAIN(tests)
