/*
 * tests/unit/disclosure.c - salted commitments and disclosures
 * (ledger/disclosure.c): RFC 9901's example disclosures and
 * digests (sections 4.2.1-4.2.3), concealing and revealing a record body,
 * forgeries, decoys, nested and array-element disclosures, refusals.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "harness.h"
#include "sdx/disclosure.h"
#include "sdx/keys.h"
#include "sdx/ledger.h"

/* RFC 9901 4.2.1 and 4.2.3: an object property and its digest */
#define RFC_PROP "WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0"
#define RFC_PROP_DIGEST "X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0"
/* RFC 9901 4.2.2: an array element ["lklxF5jMYlGTPUovMNIvCA", "FR"] */
#define RFC_ELEM "WyJsa2x4RjVqTVlsR1RQVW92TU5JdkNBIiwgIkZSIl0"
#define RFC_ELEM_DIGEST "w0I8EKcdCtUPkGCNUrfwVp2xEgNjtoIDlOxc9-PlOhs"

#define BODY "{\"claims\":[{\"substance\":\"Pb\",\"value\":41.6173}],\"supplier\":\"ACME\"}"

static void rfc_vectors(void)
{
	char d[SDX_DISCLOSURE_DIGEST_LEN + 1];
	sdx_disclosure *p = NULL;

	sdx_disclosure_digest(d, RFC_PROP, strlen(RFC_PROP));
	CHECK_STR(d, RFC_PROP_DIGEST);
	sdx_disclosure_digest(d, RFC_ELEM, strlen(RFC_ELEM));
	CHECK_STR(d, RFC_ELEM_DIGEST);

	CHECK_OK(sdx_disclosure_parse(&p, RFC_PROP, strlen(RFC_PROP)));
	CHECK_STR(sdx_disclosure_salt(p), "_26bc4LT-ac6q2KI6cBW5es");
	CHECK_STR(sdx_disclosure_name(p), "family_name");
	CHECK_STR(sdx_disclosure_value(p), "\"M\xc3\xb6" "bius\"");
	CHECK_STR(sdx_disclosure_digest_of(p), RFC_PROP_DIGEST);
	CHECK_STR(sdx_disclosure_text(p), RFC_PROP);
	sdx_disclosure_free(p);

	CHECK_OK(sdx_disclosure_parse(&p, RFC_ELEM, strlen(RFC_ELEM)));
	CHECK(sdx_disclosure_name(p) == NULL);
	CHECK_STR(sdx_disclosure_value(p), "\"FR\"");
	CHECK_STR(sdx_disclosure_digest_of(p), RFC_ELEM_DIGEST);
	sdx_disclosure_free(p);
}

/* an RFC disclosure against a body that holds its digest, the RFC way */
static void rfc_reveal(void)
{
	const char *body = "{\"_sd\":[\"" RFC_PROP_DIGEST "\"],\"nationalities\":[{\"...\":\""
			   RFC_ELEM_DIGEST "\"},\"DE\"]}";
	const char *both[] = { RFC_ELEM, RFC_PROP };
	char *out = NULL;
	sdx_disclosure_view v;

	CHECK_OK(sdx_disclosure_reveal(&out, NULL, &v, body, strlen(body), both, 2));
	CHECK_STR(out, "{\"family_name\":\"M\xc3\xb6" "bius\",\"nationalities\":[\"FR\",\"DE\"]}");
	CHECK(v.disclosed == 2 && v.withheld == 0);
	free(out);
	CHECK_OK(sdx_disclosure_reveal(&out, NULL, &v, body, strlen(body), NULL, 0));
	CHECK_STR(out, "{\"nationalities\":[\"DE\"]}");
	CHECK(v.disclosed == 0 && v.withheld == 2);
	free(out);
}

static void conceal_and_reveal(void)
{
	const char *ptr[] = { "/claims/0/value", "/supplier" };
	sdx_disclosure_list list;
	sdx_disclosure *p = NULL;
	char *body = NULL, *out = NULL;
	size_t len = 0;
	sdx_disclosure_view v;

	CHECK_OK(sdx_disclosure_conceal(&body, &len, &list, BODY, strlen(BODY), ptr, 2, 0));
	CHECK(list.n == 2);
	CHECK(strstr(body, "41.6173") == NULL && strstr(body, "ACME") == NULL);
	CHECK(strstr(body, "\"substance\":\"Pb\"") != NULL);
	CHECK_OK(sdx_disclosure_parse(&p, list.text[0], strlen(list.text[0])));
	CHECK_STR(sdx_disclosure_name(p), "value");
	CHECK_STR(sdx_disclosure_value(p), "41.6173");
	CHECK(strlen(sdx_disclosure_salt(p)) == 22);   /* 16 random bytes */
	CHECK(strstr(body, sdx_disclosure_digest_of(p)) != NULL);
	sdx_disclosure_free(p);

	CHECK_OK(sdx_disclosure_reveal(&out, NULL, &v, body, len,
				       (const char *const *)list.text, 2));
	CHECK_STR(out, BODY);
	CHECK(v.disclosed == 2 && v.withheld == 0);
	free(out);
	/* the supplier disclosed, the value withheld */
	CHECK_OK(sdx_disclosure_reveal(&out, NULL, &v, body, len,
				       (const char *const *)list.text + 1, 1));
	CHECK_STR(out, "{\"claims\":[{\"substance\":\"Pb\"}],\"supplier\":\"ACME\"}");
	CHECK(v.disclosed == 1 && v.withheld == 1);
	free(out);
	free(body);
	sdx_disclosure_list_free(&list);
}

/* the same field concealed twice gets two salts, two digests */
static void fresh_salts(void)
{
	const char *ptr[] = { "/supplier" };
	sdx_disclosure_list a, b;
	char *ba = NULL, *bb = NULL;

	CHECK_OK(sdx_disclosure_conceal(&ba, NULL, &a, BODY, strlen(BODY), ptr, 1, 0));
	CHECK_OK(sdx_disclosure_conceal(&bb, NULL, &b, BODY, strlen(BODY), ptr, 1, 0));
	CHECK(strcmp(a.text[0], b.text[0]) != 0 && strcmp(ba, bb) != 0);
	free(ba);
	free(bb);
	sdx_disclosure_list_free(&a);
	sdx_disclosure_list_free(&b);
}

/* one byte changed in a disclosure: not the committed value, rejected as forged */
static void forgery(void)
{
	const char *ptr[] = { "/claims/0/value" };
	sdx_disclosure_list list;
	char *body = NULL, *out = NULL, *forged;
	size_t len = 0;
	const char *one[1];

	CHECK_OK(sdx_disclosure_conceal(&body, &len, &list, BODY, strlen(BODY), ptr, 1, 0));
	/* the same salt and name, the value's last digit changed: a well-formed
	 * disclosure of 41.6174, which the signed digest does not commit to */
	{
		unsigned char raw[256];
		size_t n = 0;
		char *dot;

		CHECK(sodium_base642bin(raw, sizeof(raw) - 1, list.text[0], strlen(list.text[0]),
					NULL, &n, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0);
		raw[n] = 0;
		dot = strstr((char *)raw, "41.6173");
		CHECK(dot != NULL);
		if (dot)
			dot[6] = '4';
		forged = malloc(sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING));
		sodium_bin2base64(forged, sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
				  raw, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	}
	one[0] = forged;
	CHECK_ERR(sdx_disclosure_reveal(&out, NULL, NULL, body, len, one, 1), SDX_EVERIFY);
	CHECK(strstr(sdx_error_last(), "disclosure 1 (field 'value') matches no digest") != NULL);
	CHECK(out == NULL);
	/* RFC's disclosure is of another record */
	one[0] = RFC_PROP;
	CHECK_ERR(sdx_disclosure_reveal(&out, NULL, NULL, body, len, one, 1), SDX_EVERIFY);
	/* given twice */
	{
		const char *twice[] = { list.text[0], list.text[0] };

		CHECK_ERR(sdx_disclosure_reveal(&out, NULL, NULL, body, len, twice, 2), SDX_EFORMAT);
	}
	free(forged);
	free(body);
	sdx_disclosure_list_free(&list);
}

/* decoys: more digests than fields, all withheld, and the values come back */
static void decoys(void)
{
	const char *ptr[] = { "/supplier" };
	sdx_disclosure_list list;
	char *body = NULL, *out = NULL;
	size_t len = 0, count = 0;
	sdx_disclosure_view v;

	CHECK_OK(sdx_disclosure_conceal(&body, &len, &list, BODY, strlen(BODY), ptr, 1, 3));
	for (const char *s = body; (s = strstr(s, "\",\"")); s++)
		count++;
	CHECK(strstr(body, "\"_sd\":[\"") != NULL);
	CHECK_OK(sdx_disclosure_reveal(&out, NULL, &v, body, len,
				       (const char *const *)list.text, 1));
	CHECK_STR(out, BODY);
	CHECK(v.disclosed == 1 && v.withheld == 3);
	CHECK(count >= 3);
	/* the writer is told which digests are decoys */
	CHECK(list.ndecoys == 3);
	for (size_t i = 0; i < list.ndecoys; i++)
		CHECK(strlen(list.decoys[i]) == SDX_DISCLOSURE_DIGEST_LEN &&
		      strstr(body, list.decoys[i]) != NULL);
	free(out);
	free(body);
	sdx_disclosure_list_free(&list);
}

/* an array element, and a field concealed inside a concealed object */
static void nested_and_elements(void)
{
	const char *b = "{\"cas\":[\"7439-92-1\",\"7440-43-9\"],\"sub\":{\"name\":\"X\",\"price\":3}}";
	const char *ptr[] = { "/cas/1", "/sub/price", "/sub" };
	sdx_disclosure_list list;
	char *body = NULL, *out = NULL;
	size_t len = 0;
	sdx_disclosure_view v;

	CHECK_OK(sdx_disclosure_conceal(&body, &len, &list, b, strlen(b), ptr, 3, 0));
	CHECK(strstr(body, "7440-43-9") == NULL && strstr(body, "\"...\"") != NULL);
	CHECK(strstr(body, "sub") == NULL);
	CHECK_OK(sdx_disclosure_reveal(&out, NULL, &v, body, len,
				       (const char *const *)list.text, 3));
	CHECK_STR(out, b);
	free(out);
	/* the object, not its price */
	{
		const char *some[] = { list.text[2], list.text[0] };

		CHECK_OK(sdx_disclosure_reveal(&out, NULL, &v, body, len, some, 2));
		CHECK_STR(out, "{\"cas\":[\"7439-92-1\",\"7440-43-9\"],\"sub\":{\"name\":\"X\"}}");
		CHECK(v.disclosed == 2 && v.withheld == 1);
		free(out);
	}
	/* the price without its object matches nothing reachable: refused */
	{
		const char *inner[] = { list.text[1] };

		CHECK_ERR(sdx_disclosure_reveal(&out, NULL, &v, body, len, inner, 1), SDX_EVERIFY);
	}
	free(body);
	sdx_disclosure_list_free(&list);
}

static void bad_pointers(void)
{
	sdx_disclosure_list list;
	char *body = NULL;
	const char *missing[] = { "/claims/1/value" }, *lead0[] = { "/claims/00/value" };
	const char *sd[] = { "/_sd" }, *whole[] = { "" }, *esc[] = { "/a~2b" };

	CHECK_ERR(sdx_disclosure_conceal(&body, NULL, &list, BODY, strlen(BODY), missing, 1, 0),
		  SDX_ENOTFOUND);
	CHECK(strstr(sdx_error_last(), "'/claims/1/value'") != NULL);
	CHECK_ERR(sdx_disclosure_conceal(&body, NULL, &list, BODY, strlen(BODY), lead0, 1, 0),
		  SDX_ENOTFOUND);
	CHECK_ERR(sdx_disclosure_conceal(&body, NULL, &list, BODY, strlen(BODY), sd, 1, 0),
		  SDX_EFORMAT);
	CHECK_ERR(sdx_disclosure_conceal(&body, NULL, &list, BODY, strlen(BODY), whole, 1, 0),
		  SDX_EFORMAT);
	CHECK_ERR(sdx_disclosure_conceal(&body, NULL, &list, BODY, strlen(BODY), esc, 1, 0),
		  SDX_EFORMAT);
	CHECK(body == NULL && list.n == 0);
	/* RFC 6901 escapes: "~1" is '/', "~0" is '~' */
	{
		const char *b = "{\"a/b\":1,\"c~d\":2}";
		const char *ptr[] = { "/a~1b", "/c~0d" };
		char *out = NULL;

		CHECK_OK(sdx_disclosure_conceal(&body, NULL, &list, b, strlen(b), ptr, 2, 0));
		CHECK(strstr(body, "a/b") == NULL && strstr(body, "c~d") == NULL);
		CHECK_OK(sdx_disclosure_reveal(&out, NULL, NULL, body, strlen(body),
					       (const char *const *)list.text, 2));
		CHECK_STR(out, b);
		free(out);
		free(body);
		sdx_disclosure_list_free(&list);
	}
}

static void bad_disclosures(void)
{
	/* encodings of: padding, [], ["short","n",1], ["...salt 22...","_sd",1], {"a":1} */
	const char *bad[] = {
		RFC_ELEM "=",
		"W10",
		"WyJzaG9ydCIsIm4iLDFd",
		"WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsIl9zZCIsMV0",
		"eyJhIjoxfQ",
		"WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsMiwzXQ",  /* name not a string */
		"W10x",                                          /* trailing byte */
		"",
	};
	sdx_disclosure *p = NULL;
	char b[SDX_DISCLOSURE_MAX + 2];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_ERR(sdx_disclosure_parse(&p, bad[i], strlen(bad[i])), SDX_EFORMAT);
		CHECK(p == NULL);
	}
	/* non-canonical: the last character's unused bits set ("FR"] ends in "Il0") */
	{
		char t[] = RFC_ELEM;

		t[strlen(t) - 1] = '1';
		CHECK(sdx_disclosure_parse(&p, t, strlen(t)) < 0);
	}
	memset(b, 'A', sizeof(b));
	CHECK_ERR(sdx_disclosure_parse(&p, b, sizeof(b)), SDX_ELIMIT);
	/* an element disclosure for a field's digest */
	{
		const char *body = "{\"_sd\":[\"" RFC_ELEM_DIGEST "\"]}";
		const char *one[] = { RFC_ELEM };
		char *out = NULL;

		CHECK_ERR(sdx_disclosure_reveal(&out, NULL, NULL, body, strlen(body), one, 1),
			  SDX_EFORMAT);
	}
	/* a disclosed name the object has already */
	{
		const char *body = "{\"_sd\":[\"" RFC_PROP_DIGEST "\"],\"family_name\":\"x\"}";
		const char *one[] = { RFC_PROP };
		char *out = NULL;

		CHECK_ERR(sdx_disclosure_reveal(&out, NULL, NULL, body, strlen(body), one, 1),
			  SDX_EFORMAT);
	}
	/* the same digest twice in a body */
	{
		const char *body = "{\"_sd\":[\"" RFC_PROP_DIGEST "\"],\"x\":{\"_sd\":[\""
				   RFC_PROP_DIGEST "\"]}}";
		const char *one[] = { RFC_PROP };
		char *out = NULL;

		CHECK_ERR(sdx_disclosure_reveal(&out, NULL, NULL, body, strlen(body), one, 1),
			  SDX_EFORMAT);
	}
}

/* disclosures kept in a ledger: checked when stored, revealed, audited */
static void held_in_ledger(void)
{
	const char *ptr[] = { "/claims/0/value", "/supplier" };
	unsigned char seed[32];
	sdx_signer *key = NULL;
	sdx_ledger *l = NULL;
	sdx_disclosure_list list;
	sdx_entry_info info;
	sdx_disclosure_view v;
	char *body = NULL, *out = NULL, sql[512];
	size_t len = 0;

	memset(seed, 9, sizeof(seed));
	CHECK_OK(sdx_signer_from_seed(&key, "example.com/supplier", seed));
	CHECK_OK(sdx_ledger_create(&l, "t.db", key));
	CHECK_OK(sdx_disclosure_conceal(&body, &len, &list, BODY, strlen(BODY), ptr, 2, 1));
	CHECK_OK(sdx_ledger_begin(l));
	CHECK_OK(sdx_ledger_append(&info, l, key, "note", body, len));
	CHECK_OK(sdx_ledger_disclosure_add(l, info.index, list.text[0]));
	CHECK_OK(sdx_ledger_disclosure_add(l, info.index, list.text[0]));   /* once */
	/* RFC 9901's disclosure commits to nothing here */
	CHECK_ERR(sdx_ledger_disclosure_add(l, info.index, RFC_PROP), SDX_EVERIFY);
	CHECK(strstr(sdx_error_last(), "entry 1: disclosure 1 (field 'family_name')") != NULL);
	CHECK_ERR(sdx_ledger_disclosure_add(l, 99, list.text[0]), SDX_ENOTFOUND);
	CHECK_OK(sdx_ledger_checkpoint(NULL, NULL, l, key));
	CHECK_OK(sdx_ledger_commit(l));

	CHECK_OK(sdx_ledger_entry_revealed(&out, NULL, &v, l, info.index));
	CHECK_STR(out, "{\"claims\":[{\"substance\":\"Pb\",\"value\":41.6173}]}");
	CHECK(v.disclosed == 1 && v.withheld == 3);   /* the supplier, a decoy in each _sd */
	free(out);
	CHECK_OK(sdx_ledger_verify(NULL, l, NULL));
	sdx_ledger_free(l);
	l = NULL;

	/* a forged row put in behind sdx's back: verify names the entry */
	snprintf(sql, sizeof(sql), "INSERT INTO disclosures VALUES('example.com/supplier', 1, "
		 "'x', '%s');", RFC_ELEM);
	CHECK(test_sql("t.db", sql) == 0);
	CHECK_OK(sdx_ledger_open(&l, "t.db", SDX_OPEN_READONLY));
	CHECK_ERR(sdx_ledger_verify(NULL, l, NULL), SDX_EVERIFY);
	CHECK(strstr(sdx_error_last(), "entry 1: disclosure") != NULL);
	CHECK(strstr(sdx_error_last(), "matches no digest") != NULL);
	sdx_ledger_free(l);
	sdx_signer_free(key);
	free(body);
	sdx_disclosure_list_free(&list);
}

static const struct test_case tests[] = {
	{ "RFC 9901 disclosures and digests", rfc_vectors },
	{ "RFC 9901 disclosures revealed in a body", rfc_reveal },
	{ "conceal a value and a field, reveal all or some", conceal_and_reveal },
	{ "a fresh salt each time", fresh_salts },
	{ "a changed byte is a forgery", forgery },
	{ "decoy digests", decoys },
	{ "array elements and nested disclosures", nested_and_elements },
	{ "JSON pointers refused and escaped", bad_pointers },
	{ "malformed disclosures refused", bad_disclosures },
	{ "held in a ledger: checked, revealed, audited", held_in_ledger },
	{ NULL, NULL }
};

TEST_MAIN(tests)
