/* tests/unit/token.c - sdx serve's bearer tokens (sdx/token.h). */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "sdx.h"

static int count_cb(void *ctx, const sdx_token_info *t)
{
	(void)t;
	(*(int *)ctx)++;
	return 0;
}

static void test_add_check_revoke(void)
{
	sdx_ledger *l = NULL;
	sdx_signer *k = NULL;
	sdx_token_info info, got;
	char tok[SDX_TOKEN_LEN + 1], tok2[SDX_TOKEN_LEN + 1], leaf[65];
	int n = 0;

	CHECK(test_ledger_declared(&l, &k, "example.com/tok", 7,
				   "../../examples/data/pvc-compound-declaration.json",
				   "../../examples/data/reports/cnas-l1234-report-2026-0917.txt",
				   leaf) == 0);
	CHECK_OK(sdx_token_add(tok, &info, l, SDX_SCOPE_WRITE, "erp"));
	CHECK(strlen(tok) == SDX_TOKEN_LEN && strncmp(tok, "sdx_", 4) == 0);
	CHECK_STR(info.name, "erp");
	CHECK_OK(sdx_token_check(&got, l, tok));
	CHECK(got.scope == SDX_SCOPE_WRITE);
	CHECK_STR(got.id, info.id);
	/* the token itself is not stored, only its hash */
	CHECK_ERR(sdx_token_add(tok2, NULL, l, SDX_SCOPE_READ, "erp"), SDX_EEXISTS);
	CHECK_OK(sdx_token_add(tok2, NULL, l, SDX_SCOPE_READ, NULL));
	CHECK(strcmp(tok, tok2) != 0);
	CHECK_OK(sdx_token_foreach(l, count_cb, &n));
	CHECK(n == 2);
	tok[10] ^= 1;
	CHECK_ERR(sdx_token_check(&got, l, tok), SDX_ENOTFOUND);
	tok[10] ^= 1;
	CHECK_OK(sdx_token_revoke(l, "erp"));
	CHECK_ERR(sdx_token_check(&got, l, tok), SDX_ENOTFOUND);
	CHECK_ERR(sdx_token_revoke(l, "erp"), SDX_ENOTFOUND);
	CHECK_OK(sdx_token_check(&got, l, tok2));
	CHECK(got.scope == SDX_SCOPE_READ);
	CHECK_ERR(sdx_token_add(tok2, NULL, l, SDX_SCOPE_NONE, NULL), SDX_EINVAL);
	CHECK_ERR(sdx_token_add(tok2, NULL, l, SDX_SCOPE_READ, "has space"), SDX_EINVAL);
	sdx_ledger_free(l);
	sdx_signer_free(k);
}

static void test_scopes(void)
{
	sdx_scope s;

	CHECK_OK(sdx_scope_parse(&s, "admin"));
	CHECK(s == SDX_SCOPE_ADMIN);
	CHECK_STR(sdx_scope_name(SDX_SCOPE_READ), "read");
	CHECK_ERR(sdx_scope_parse(&s, "root"), SDX_EINVAL);
}

static const struct test_case tests[] = {
	{ "add, check, revoke", test_add_check_revoke },
	{ "scopes", test_scopes },
	{ NULL, NULL }
};
TEST_MAIN(tests)
