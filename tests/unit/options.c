/*
 * tests/unit/options.c - every versioned options struct is checked: a
 * version the library does not know (0: never initialised; newer than the
 * library: it would be read past its end) is refused with SDX_EINVAL before
 * anything is read or written, and an older version is still taken.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "harness.h"
#include "sdx.h"

static sdx_signer *key;
static sdx_ledger *ledger;

static int setup(void)
{
	sdx_export_options eo = SDX_EXPORT_OPTIONS_INIT;

	key = NULL;
	ledger = NULL;
	eo.all = 1;
	if (sdx_signer_generate(&key, "example.com/opts") < 0 ||
	    sdx_ledger_create(&ledger, "o.db", key) < 0 ||
	    sdx_ledger_checkpoint(NULL, NULL, ledger, key) < 0)
		return -1;
	return sdx_bundle_export(NULL, ledger, key, &eo, "good.sdxb");
}

static void teardown(void)
{
	sdx_ledger_free(ledger);
	sdx_signer_free(key);
}

static void unknown_versions(void)
{
	static const unsigned bad[] = { 0, 99 };
	size_t i;

	CHECK_OK(setup());
	for (i = 0; i < 2; i++) {
		sdx_verify_options vo = SDX_VERIFY_OPTIONS_INIT;
		sdx_export_options eo = SDX_EXPORT_OPTIONS_INIT;
		sdx_bundle_verify_options bo = SDX_BUNDLE_VERIFY_OPTIONS_INIT;
		sdx_import_result res;
		uint64_t size;

		vo.version = eo.version = bo.version = bad[i];
		eo.all = 1;
		CHECK_ERR(sdx_ledger_verify(NULL, ledger, &vo), SDX_EINVAL);
		CHECK(strstr(sdx_error_last(), "options version") != NULL);
		CHECK_ERR(sdx_bundle_export(NULL, ledger, key, &eo, "new.sdxb"), SDX_EINVAL);
		CHECK_ERR(sdx_bundle_verify(NULL, "good.sdxb", &bo), SDX_EINVAL);
		CHECK_ERR(sdx_bundle_import(&res, ledger, key, "good.sdxb", &bo), SDX_EINVAL);
		{
			sdx_graph *g = NULL;
			CHECK_ERR(sdx_graph_from_bundle(&g, NULL, "good.sdxb", &bo), SDX_EINVAL);
			CHECK(g == NULL);
		}
		CHECK_OK(sdx_ledger_size(&size, ledger));
		CHECK(size == 1);
	}
	teardown();
}

static void older_versions(void)
{
	sdx_verify_options vo = SDX_VERIFY_OPTIONS_INIT;
	sdx_bundle_verify_options bo = SDX_BUNDLE_VERIFY_OPTIONS_INIT;
	sdx_verifier *v = NULL;
	sdx_verifier *trusted[1];

	CHECK_OK(setup());
	CHECK_OK(sdx_signer_verifier(&v, key));
	trusted[0] = v;
	vo.version = 1;
	CHECK_OK(sdx_ledger_verify(NULL, ledger, &vo));
	bo.version = 1;
	bo.trusted = trusted;
	bo.n_trusted = 1;
	CHECK_OK(sdx_bundle_verify(NULL, "good.sdxb", &bo));
	sdx_verifier_free(v);
	teardown();
}

static const struct test_case tests[] = {
	{ "an options version the library does not know is refused", unknown_versions },
	{ "an older options version is still taken", older_versions },
	{ NULL, NULL }
};

TEST_MAIN(tests)
