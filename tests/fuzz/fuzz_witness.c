/*
 * tests/fuzz/fuzz_witness.c - trust policies, cosigner keys, cosignatures and
 * tlog-proofs (ledger/policy.c, ledger/cosignature.c, ledger/tlog_proof.c).
 *
 * The first byte picks what the rest is:
 *  0  a policy text: one that parses is applied to a checkpoint the fixture key
 *     signed and cosigned; the check answers 0 or a documented error.
 *  1  a tlog-proof, checked for the entry bytes "sdx" under the policy
 *     "log FIXTURE, quorum none": 0 or a documented error, and 0 only if the
 *     inclusion proof really leads to the root of a checkpoint the key signed.
 *  2  a cosigner key string: one that parses formats back to the same string.
 *  3  a note whose cosignatures are checked against the fixture key as a
 *     cosigner: the times found are those of lines that verify.
 */
#include <string.h>

#include "common.h"

static int documented(int err)
{
	return err == 0 || err == SDX_EFORMAT || err == SDX_EVERIFY || err == SDX_EUNTRUSTED ||
	       err == SDX_ELIMIT;
}

/* The fixture's checkpoint of one leaf, "sdx", signed and cosigned by the fixture key. */
static const char *fixture_note(size_t *len)
{
	static char *note;
	static size_t nlen;
	unsigned char root[32];
	char *text = NULL, *signed_note = NULL, *line = NULL;
	size_t tlen = 0, slen = 0;

	if (!note) {
		sdx_merkle_leaf_hash(root, "sdx", 3);
		FUZZ_ASSERT(sdx_checkpoint_format(&text, &tlen, "example.com/fixture", 1, root) == 0);
		FUZZ_ASSERT(sdx_note_sign(&signed_note, &slen, text, tlen, fuzz_signer()) == 0);
		FUZZ_ASSERT(sdx_cosign(&line, fuzz_signer(), text, tlen, 1700000000) == 0);
		note = malloc(slen + strlen(line) + 1);
		memcpy(note, signed_note, slen);
		strcpy(note + slen, line);
		nlen = slen + strlen(line);
		free(text);
		free(signed_note);
		free(line);
	}
	*len = nlen;
	return note;
}

static void policy(const uint8_t *p, size_t n)
{
	sdx_policy *pol = NULL;
	char *names = NULL;
	size_t len;
	const char *note = fixture_note(&len);
	int err;

	if (sdx_policy_parse(&pol, (const char *)p, n, "fuzz") < 0)
		return;
	err = sdx_policy_check(&names, pol, note, len);
	FUZZ_ASSERT(documented(err));
	FUZZ_ASSERT(err != 0 || names);
	free(names);
	sdx_policy_free(pol);
}

static void proof(const uint8_t *p, size_t n)
{
	static sdx_policy *pol;
	char *names = NULL, *vkey = NULL, text[600];
	uint64_t index = 99;
	int err;

	if (!pol) {
		FUZZ_ASSERT(sdx_verifier_format(&vkey, fuzz_verifier()) == 0);
		snprintf(text, sizeof(text), "log %s\nquorum none\n", vkey);
		FUZZ_ASSERT(sdx_policy_parse(&pol, text, strlen(text), "fuzz") == 0);
		free(vkey);
	}
	err = sdx_tlog_proof_verify(&index, &names, (const char *)p, n, "sdx", 3, pol);
	FUZZ_ASSERT(documented(err));
	/* the only tree the key signed: one leaf, "sdx", at index 0 */
	FUZZ_ASSERT(err != 0 || index == 0);
	free(names);
}

static void cosigner_key(const uint8_t *p, size_t n)
{
	char *s = fuzz_strndup(p, n), *fmt = NULL;
	sdx_cosigner *c = NULL;

	if (sdx_cosigner_parse(&c, s) == 0) {
		FUZZ_ASSERT(sdx_cosigner_format(&fmt, c) == 0);
		FUZZ_ASSERT(strcmp(fmt, s) == 0);
	}
	free(fmt);
	sdx_cosigner_free(c);
	free(s);
}

static void cosignatures(const uint8_t *p, size_t n)
{
	static sdx_cosigner *c;
	uint64_t t = 0;
	int err;

	if (!c)
		FUZZ_ASSERT(sdx_cosigner_from_signer(&c, fuzz_signer()) == 0);
	err = sdx_note_cosignatures(&t, (const char *)p, n, &c, 1);
	FUZZ_ASSERT(documented(err));
	FUZZ_ASSERT(err == 0 || t == 0 || err == SDX_EVERIFY);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	switch (data[0] % 4) {
	case 0:
		policy(data + 1, size - 1);
		break;
	case 1:
		proof(data + 1, size - 1);
		break;
	case 2:
		cosigner_key(data + 1, size - 1);
		break;
	default:
		cosignatures(data + 1, size - 1);
	}
	return 0;
}
