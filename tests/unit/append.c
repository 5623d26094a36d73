/* Unit tests for appending records: attachments, references, batches. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "sdx.h"

static sdx_signer *key(void)
{
	unsigned char seed[32] = { 5 };
	sdx_signer *s = NULL;

	return sdx_signer_from_seed(&s, "example.com/acme", seed) < 0 ? NULL : s;
}

static char *example(const char *name, size_t *len)
{
	char rel[200];

	snprintf(rel, sizeof(rel), "../../examples/data/%s", name);
	return test_read_file(test_data(rel), len);
}

static int attach(sdx_ledger *l, const char *report)
{
	char rel[200];

	snprintf(rel, sizeof(rel), "../../examples/data/reports/%s", report);
	return sdx_ledger_attach_file(NULL, NULL, l, test_data(rel));
}

static void attachments_must_be_stored(void)
{
	sdx_signer *k = key();
	sdx_ledger *l = NULL;
	size_t len;
	char *pvc = example("pvc-compound-declaration.json", &len);
	sdx_entry_info info;

	CHECK(k && pvc);
	CHECK_OK(sdx_ledger_create(&l, "t.db", k));
	CHECK_OK(sdx_ledger_begin(l));
	CHECK_ERR(sdx_record_append(&info, l, k, "declaration", pvc, len, "'pvc'"), SDX_ENOTFOUND);
	CHECK(strstr(sdx_error_last(), "'pvc': attachment 0f6acfef") != NULL);
	CHECK_OK(attach(l, "cnas-l1234-report-2026-0917.txt"));
	CHECK_OK(sdx_record_append(&info, l, k, "declaration", pvc, len, "'pvc'"));
	CHECK(info.index == 1);
	CHECK_OK(sdx_ledger_commit(l));
	sdx_ledger_free(l);
	free(pvc);
	sdx_signer_free(k);
}

static void batch_stops_at_first_bad_record(void)
{
	sdx_signer *k = key();
	sdx_ledger *l = NULL;
	size_t len, failed = 99;
	char *pvc = example("pvc-compound-declaration.json", &len);
	sdx_record_input in[4] = { { NULL, 0, "line 1" }, { NULL, 0, "line 2" },
				   { NULL, 0, "line 3" }, { NULL, 0, "line 4" } };
	sdx_entry_info infos[4];
	uint64_t size;

	CHECK(k && pvc);
	CHECK_OK(sdx_ledger_create(&l, "t.db", k));
	CHECK_OK(sdx_ledger_begin(l));
	CHECK_OK(attach(l, "cnas-l1234-report-2026-0917.txt"));
	in[0].json = in[1].json = in[3].json = pvc;
	in[0].len = in[1].len = in[3].len = len;
	in[2].json = "{\"declaration_id\": 5}";
	in[2].len = strlen(in[2].json);
	CHECK_ERR(sdx_record_append_many(infos, &failed, l, k, "declaration", in, 4), SDX_ESCHEMA);
	CHECK(failed == 2);
	CHECK(strncmp(sdx_error_last(), "line 3: ", 8) == 0);
	CHECK(infos[0].index == 1 && infos[1].index == 2);
	sdx_ledger_rollback(l);
	CHECK_OK(sdx_ledger_size(&size, l));
	CHECK(size == 1);
	/* a good batch lands in order */
	CHECK_OK(sdx_ledger_begin(l));
	CHECK_OK(attach(l, "cnas-l1234-report-2026-0917.txt"));
	in[2].json = pvc;
	in[2].len = len;
	CHECK_OK(sdx_record_append_many(infos, &failed, l, k, "declaration", in, 4));
	CHECK(failed == 4);
	CHECK(infos[3].index == 4);
	CHECK_OK(sdx_ledger_commit(l));
	CHECK_OK(sdx_ledger_verify(NULL, l, NULL));
	sdx_ledger_free(l);
	free(pvc);
	sdx_signer_free(k);
}

static void withdrawal_must_name_a_declaration(void)
{
	sdx_signer *k = key();
	sdx_ledger *l = NULL;
	sdx_entry *e = NULL;
	size_t len, wlen, i;
	char *pvc = example("pvc-compound-declaration.json", &len), *wd, *pos, hex[65];
	sdx_entry_info info;

	CHECK(k && pvc);
	wd = example("withdrawal.json", &wlen);
	CHECK(wd && (pos = strstr(wd, "\"withdraws\": \"")) != NULL);
	pos += strlen("\"withdraws\": \"");
	CHECK_OK(sdx_ledger_create(&l, "t.db", k));
	CHECK_OK(sdx_ledger_begin(l));
	/* the example names an entry this ledger does not hold */
	CHECK_ERR(sdx_record_append(NULL, l, k, "withdrawal", wd, wlen, "'wd'"), SDX_ENOTFOUND);
	/* the genesis entry is not a declaration */
	CHECK_OK(sdx_ledger_entry(&e, l, 0));
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", e->leaf_hash[i]);
	sdx_entry_free(e);
	memcpy(pos, hex, 64);
	CHECK_ERR(sdx_record_append(NULL, l, k, "withdrawal", wd, wlen, "'wd'"), SDX_ESCHEMA);
	CHECK(strstr(sdx_error_last(), "which is a genesis, not a declaration") != NULL);
	CHECK_OK(attach(l, "cnas-l1234-report-2026-0917.txt"));
	CHECK_OK(sdx_record_append(&info, l, k, "declaration", pvc, len, "'pvc'"));
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", info.leaf_hash[i]);
	memcpy(pos, hex, 64);
	CHECK_OK(sdx_record_append(NULL, l, k, "withdrawal", wd, wlen, "'wd'"));
	CHECK_OK(sdx_ledger_commit(l));
	sdx_ledger_free(l);
	free(wd);
	free(pvc);
	sdx_signer_free(k);
}

static const struct test_case tests[] = {
	{ "cited attachments must be stored", attachments_must_be_stored },
	{ "a batch stops at the first bad record", batch_stops_at_first_bad_record },
	{ "a withdrawal must name a declaration", withdrawal_must_name_a_declaration },
	{ NULL, NULL }
};

TEST_MAIN(tests)
