/*
 * tests/unit/scope.c - formats/rules/scope.c: HS codes match by their digits
 * at 4/6/8/10 digits, exclusions win, product categories cover the codes
 * they list, and a code that shares a listed heading without being listed is
 * told apart (a misclassification) from unrelated goods.
 */
#include <string.h>

#include "harness.h"
#include "formats/rules/internal.h"

static json_t *profile(const char *text)
{
	json_error_t e;

	return json_loads(text, 0, &e);
}

static void hs_prefixes(void)
{
	json_t *list = json_pack("[s, s, s]", "9503", "6913.90", "8544.42.00");

	CHECK(sdx__hs_in(list, "9503.00"));
	CHECK(sdx__hs_in(list, "950300"));
	CHECK(sdx__hs_in(list, "9503.00.90.10"));
	CHECK(sdx__hs_in(list, "6913.90"));
	CHECK(sdx__hs_in(list, "6913.90.00"));
	CHECK(!sdx__hs_in(list, "6913.10"));
	CHECK(!sdx__hs_in(list, "6913"));       /* a heading is not every code under it */
	CHECK(!sdx__hs_in(list, "8544.42"));    /* the list names an 8-digit code */
	CHECK(sdx__hs_in(list, "8544.42.00"));
	CHECK(!sdx__hs_in(list, "9504.00"));
	CHECK(!sdx__hs_in(list, ""));
	CHECK(!sdx__hs_in(NULL, "9503.00"));
	json_decref(list);
}

static void goods(void)
{
	json_t *p = profile("{\"scope\": {\"categories\": [\"toys\", \"cribs\"], \"hs_exclude\": [\"9503.00.90\"]},"
			    " \"categories\": [{\"name\": \"toys\", \"title\": \"Toys\", \"hs_codes\": [\"9503.00\"]},"
			    " {\"name\": \"cribs\", \"title\": \"Infant cribs\", \"hs_codes\": [\"9403.50\", \"9403.70\"],"
			    " \"hs_exclude\": [\"9403.70.10\"]}]}");
	char why[600];
	int near;

	CHECK(p != NULL);
	CHECK(sdx__scope_goods(p, "9503.00", &near, why, sizeof(why)) == SCOPE_IN);
	CHECK(sdx__scope_goods(p, "9403.70.20", &near, why, sizeof(why)) == SCOPE_IN);
	CHECK(sdx__scope_goods(p, "9403.70.10", &near, why, sizeof(why)) == SCOPE_OUT);
	CHECK(sdx__scope_goods(p, "9503.00.90", &near, why, sizeof(why)) == SCOPE_OUT);
	CHECK(strstr(why, "excluded") != NULL);
	CHECK(sdx__scope_goods(p, "9403.10", &near, why, sizeof(why)) == SCOPE_OUT);
	CHECK(near == 1);
	CHECK(strstr(why, "misclassified") != NULL);
	CHECK(sdx__scope_goods(p, "8544.42", &near, why, sizeof(why)) == SCOPE_OUT);
	CHECK(near == 0);
	CHECK(strstr(why, "HS 8544.42 is not in any of the profile's categories (Toys, Infant cribs)") != NULL);
	CHECK(sdx__scope_goods(p, NULL, &near, why, sizeof(why)) == SCOPE_UNRECORDED);
	json_decref(p);
	p = profile("{\"rules\": []}");
	CHECK(sdx__scope_goods(p, "8544.42", &near, why, sizeof(why)) == SCOPE_IN);
	json_decref(p);
}

static const struct test_case tests[] = {
	{ "HS codes match by their digits, as prefixes", hs_prefixes },
	{ "categories, exclusions and near misses", goods },
	{ NULL, NULL }
};

TEST_MAIN(tests)
