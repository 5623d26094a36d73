/*
 * tests/unit/register.c - reference data in the ledger (sdx/register.h):
 * versions, the no-op re-import, listing, names refused, the caller's
 * transaction, read-only handles, older files, and the append-only triggers
 * sdx verify checks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "sdx.h"

static const unsigned char sha_a[32] = { 0xaa }, sha_b[32] = { 0xbb };

static sdx_ledger *new_ledger(sdx_signer **key)
{
	sdx_ledger *l = NULL;

	if (sdx_signer_generate(key, "example.com/regs") < 0 ||
	    sdx_ledger_create(&l, "r.db", *key) < 0)
		return NULL;
	return l;
}

static int put(sdx_register_info *info, sdx_ledger *l, const char *kind, const char *name,
	       const unsigned char sha[32], const char *body)
{
	return sdx_ledger_register_put(info, l, kind, name, sha, body, strlen(body));
}

static void versions(void)
{
	sdx_signer *key = NULL;
	sdx_ledger *l = new_ledger(&key);
	sdx_register_info info;
	char *body = NULL;
	size_t len = 0;

	CHECK(l);
	CHECK(put(&info, l, "lab", "cnas", sha_a, "{\"labs\":[1]}") == 0);
	CHECK(info.version == 1 && info.latest && info.body_len == 12);
	CHECK_STR(info.kind, "lab");
	CHECK_STR(info.name, "cnas");
	CHECK(strlen(info.imported) == 20 && info.imported[19] == 'Z');
	CHECK_MEM(info.source_sha256, sha_a, 32);
	/* the same content again (from another file): nothing written, version 1 said */
	CHECK(put(&info, l, "lab", "cnas", sha_b, "{\"labs\":[1]}") == 1);
	CHECK(info.version == 1);
	CHECK_MEM(info.source_sha256, sha_a, 32);
	CHECK(put(&info, l, "lab", "cnas", sha_b, "{\"labs\":[1,2]}") == 0);
	CHECK(info.version == 2);
	/* an earlier content is a new version too: only the newest counts */
	CHECK(put(&info, l, "lab", "cnas", sha_a, "{\"labs\":[1]}") == 0);
	CHECK(info.version == 3);
	CHECK(put(&info, l, "substances", "cnas", sha_a, "x") == 0);
	CHECK(info.version == 1);
	CHECK_OK(sdx_ledger_register_latest(&body, &len, &info, l, "lab", "cnas"));
	CHECK_STR(body, "{\"labs\":[1]}");
	CHECK(len == 12 && info.version == 3 && info.latest);
	free(body);
	CHECK_ERR(sdx_ledger_register_latest(&body, NULL, NULL, l, "lab", "cma"), SDX_ENOTFOUND);
	CHECK_STR(sdx_error_last(), "no lab register named 'cma'");
	CHECK(body == NULL);
	CHECK_OK(sdx_ledger_verify(NULL, l, NULL));
	sdx_ledger_free(l);
	sdx_signer_free(key);
}

struct seen {
	char text[512];
	size_t len;
};

static int note(void *ctx, const sdx_register_info *info)
{
	struct seen *s = ctx;

	s->len += (size_t)snprintf(s->text + s->len, sizeof(s->text) - s->len, "%s/%s/%llu%s ",
				   info->kind, info->name, (unsigned long long)info->version,
				   info->latest ? "*" : "");
	return 0;
}

static int stop(void *ctx, const sdx_register_info *info)
{
	(void)info;
	return ++*(int *)ctx == 2 ? 42 : 0;
}

static void lists(void)
{
	sdx_signer *key = NULL;
	sdx_ledger *l = new_ledger(&key);
	struct seen all = { "", 0 }, labs = { "", 0 }, none = { "", 0 };
	int calls = 0;

	CHECK(l);
	CHECK_OK(sdx_ledger_register_list(l, NULL, note, &none));
	CHECK_STR(none.text, "");
	CHECK(put(NULL, l, "lab", "b", sha_a, "1") == 0);
	CHECK(put(NULL, l, "lab", "a", sha_a, "1") == 0);
	CHECK(put(NULL, l, "lab", "b", sha_a, "2") == 0);
	CHECK(put(NULL, l, "list", "a", sha_a, "1") == 0);
	CHECK_OK(sdx_ledger_register_list(l, NULL, note, &all));
	CHECK_STR(all.text, "lab/a/1* lab/b/1 lab/b/2* list/a/1* ");
	CHECK_OK(sdx_ledger_register_list(l, "lab", note, &labs));
	CHECK_STR(labs.text, "lab/a/1* lab/b/1 lab/b/2* ");
	CHECK(sdx_ledger_register_list(l, NULL, stop, &calls) == 42 && calls == 2);
	sdx_ledger_free(l);
	sdx_signer_free(key);
}

static void refusals(void)
{
	sdx_signer *key = NULL;
	sdx_ledger *l = new_ledger(&key);
	static const char nul[] = "a\0b";
	char name[SDX_REGISTER_NAME_MAX + 2];
	struct seen s = { "", 0 };

	CHECK(l);
	CHECK_ERR(put(NULL, l, "Lab", "x", sha_a, "1"), SDX_EINVAL);
	CHECK(strstr(sdx_error_last(), "invalid register kind 'Lab'") != NULL);
	CHECK_ERR(put(NULL, l, "", "x", sha_a, "1"), SDX_EINVAL);
	CHECK_ERR(put(NULL, l, "lab", "", sha_a, "1"), SDX_EINVAL);
	CHECK_ERR(put(NULL, l, "lab", "a\nb", sha_a, "1"), SDX_EINVAL);
	CHECK(strstr(sdx_error_last(), "invalid register name") != NULL);
	CHECK_ERR(put(NULL, l, "lab", "\xc3", sha_a, "1"), SDX_EINVAL);
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	CHECK_ERR(put(NULL, l, "lab", name, sha_a, "1"), SDX_EINVAL);
	name[SDX_REGISTER_NAME_MAX] = '\0';
	CHECK(put(NULL, l, "lab", name, sha_a, "1") == 0);
	CHECK_ERR(sdx_ledger_register_put(NULL, l, "lab", "x", sha_a, nul, 3), SDX_EFORMAT);
	CHECK_STR(sdx_error_last(), "register 'x': the body holds a NUL byte");
	CHECK_ERR(sdx_ledger_register_put(NULL, l, "lab", "x", sha_a, "", 0), SDX_EFORMAT);
	CHECK_OK(sdx_ledger_register_list(l, NULL, note, &s));
	CHECK(strstr(s.text, "/x/") == NULL);
	sdx_ledger_free(l);
	sdx_signer_free(key);
}

/* Inside the caller's transaction the put is the caller's to commit or drop. */
static void callers_transaction(void)
{
	sdx_signer *key = NULL;
	sdx_ledger *l = new_ledger(&key);
	struct seen s = { "", 0 };

	CHECK(l);
	CHECK_OK(sdx_ledger_begin(l));
	CHECK(put(NULL, l, "lab", "t", sha_a, "1") == 0);
	sdx_ledger_rollback(l);
	CHECK_OK(sdx_ledger_register_list(l, NULL, note, &s));
	CHECK_STR(s.text, "");
	CHECK_OK(sdx_ledger_begin(l));
	CHECK(put(NULL, l, "lab", "t", sha_a, "1") == 0);
	CHECK(put(NULL, l, "lab", "t", sha_a, "2") == 0);
	CHECK_OK(sdx_ledger_commit(l));
	CHECK_OK(sdx_ledger_register_list(l, NULL, note, &s));
	CHECK_STR(s.text, "lab/t/1 lab/t/2* ");
	sdx_ledger_free(l);
	sdx_signer_free(key);
}

static void read_only_and_older_files(void)
{
	sdx_signer *key = NULL;
	sdx_ledger *l = new_ledger(&key);
	struct seen s = { "", 0 };
	char *body = NULL;

	CHECK(l);
	sdx_ledger_free(l);
	l = NULL;
	CHECK_OK(sdx_ledger_open(&l, "r.db", SDX_OPEN_READONLY));
	CHECK_ERR(put(NULL, l, "lab", "x", sha_a, "1"), SDX_EINVAL);
	CHECK(strstr(sdx_error_last(), "read-only") != NULL);
	sdx_ledger_free(l);
	l = NULL;
	/* a format-6 file: read-only it holds none, a writer upgrades it */
	CHECK(test_sql("r.db", "DROP TABLE registers; DROP TABLE bindings; DROP TABLE binding_ids; "
		       "DROP TABLE binding_roles; DROP TRIGGER trusted_unbind; DROP TABLE intro_policy; "
		       "DROP TABLE introduced_keys; DROP TRIGGER trusted_unintroduce; "
		       "DROP TABLE own_introductions; "
		       "DROP TABLE api_tokens; DROP TABLE cosignatures; DROP TABLE witness_logs; "
		       "DROP TABLE witness_heads; DROP TABLE disclosures; "
		       "PRAGMA user_version = 6;") == 0);
	CHECK_OK(sdx_ledger_open(&l, "r.db", SDX_OPEN_READONLY));
	CHECK_OK(sdx_ledger_register_list(l, NULL, note, &s));
	CHECK_STR(s.text, "");
	CHECK_ERR(sdx_ledger_register_latest(&body, NULL, NULL, l, "lab", "x"), SDX_ENOTFOUND);
	CHECK_OK(sdx_ledger_verify(NULL, l, NULL));
	sdx_ledger_free(l);
	l = NULL;
	CHECK_OK(sdx_ledger_open(&l, "r.db", 0));
	CHECK(put(NULL, l, "lab", "x", sha_a, "1") == 0);
	CHECK_OK(sdx_ledger_verify(NULL, l, NULL));
	sdx_ledger_free(l);
	sdx_signer_free(key);
}

static void append_only(void)
{
	sdx_signer *key = NULL;
	sdx_ledger *l = new_ledger(&key);

	CHECK(l);
	CHECK(put(NULL, l, "lab", "x", sha_a, "1") == 0);
	sdx_ledger_free(l);
	l = NULL;
	CHECK(test_sql("r.db", "UPDATE registers SET body = '2'") != 0);
	CHECK(test_sql("r.db", "DELETE FROM registers") != 0);
	CHECK(test_sql("r.db", "DROP TRIGGER registers_no_delete") == 0);
	CHECK_OK(sdx_ledger_open(&l, "r.db", SDX_OPEN_READONLY));
	CHECK_ERR(sdx_ledger_verify(NULL, l, NULL), SDX_EVERIFY);
	CHECK(strstr(sdx_error_last(), "append-only trigger 'registers_no_delete' was removed"));
	sdx_ledger_free(l);
	sdx_signer_free(key);
}

static const struct test_case tests[] = {
	{ "versions, and the same content again is a no-op", versions },
	{ "list by kind, name and version, newest marked", lists },
	{ "bad kinds, names and bodies are refused, nothing written", refusals },
	{ "inside the caller's transaction", callers_transaction },
	{ "read-only handles and format-6 files", read_only_and_older_files },
	{ "append-only, and verify names a removed trigger", append_only },
	{ NULL, NULL }
};

TEST_MAIN(tests)
