/*
 * tests/fuzz/fuzz_note.c - signed notes, checkpoints and key strings
 * (ledger/note.c).
 *
 * The input is read as a signed note (verified against the fixture key and
 * a second key by another name), as a checkpoint, and its first line as a
 * verifier key and a signer key.  Invariants: a note that verifies names a
 * text inside the input; a checkpoint that parses formats and parses back to
 * the same values; text that sdx signs verifies with the same key.
 */
#include <string.h>

#include "common.h"

static void check_checkpoint(const uint8_t *data, size_t size)
{
	sdx_checkpoint c, again;
	char *text = NULL;
	size_t len = 0;

	if (sdx_checkpoint_parse(&c, (const char *)data, size) < 0)
		return;
	FUZZ_ASSERT(strlen(c.origin) > 0 && strlen(c.origin) <= SDX_NAME_MAX);
	/* the parser takes any origin line; the formatter only valid key names */
	if (sdx_checkpoint_format(&text, &len, c.origin, c.size, c.root) < 0)
		return;
	FUZZ_ASSERT(sdx_checkpoint_parse(&again, text, len) == 0);
	FUZZ_ASSERT(strcmp(c.origin, again.origin) == 0 && c.size == again.size &&
		    memcmp(c.root, again.root, 32) == 0);
	free(text);
}

static void check_keys(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	char *line = fuzz_strndup(data, nl ? (size_t)(nl - data) : size);
	sdx_verifier *v = NULL;
	sdx_signer *s = NULL;
	char *fmt = NULL;

	if (sdx_verifier_parse(&v, line) == 0) {
		/* a parsed key formats back to the very string */
		FUZZ_ASSERT(sdx_verifier_format(&fmt, v) == 0);
		FUZZ_ASSERT(strcmp(fmt, line) == 0);
	}
	if (sdx_signer_parse(&s, line) == 0)
		FUZZ_ASSERT(strlen(sdx_signer_name(s)) > 0);
	free(fmt);
	sdx_verifier_free(v);
	sdx_signer_free(s);
	free(line);
}

static void check_sign(const uint8_t *data, size_t size)
{
	sdx_verifier *vs[1] = { fuzz_verifier() };
	char *note = NULL;
	size_t len = 0, tlen = 0, who = 9;

	if (sdx_note_sign(&note, &len, (const char *)data, size, fuzz_signer()) < 0)
		return;
	FUZZ_ASSERT(sdx_note_verify(&tlen, &who, note, len, vs, 1) == 0);
	FUZZ_ASSERT(tlen == size && who == 0);
	free(note);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static sdx_verifier *other;
	sdx_verifier *vs[2];
	size_t tlen = 0, who = 9;
	int err;

	if (!other && sdx_verifier_new(&other, "example.com/other",
				       sdx_verifier_public_key(fuzz_verifier())) < 0)
		abort();
	vs[0] = other;
	vs[1] = fuzz_verifier();
	err = sdx_note_verify(&tlen, &who, (const char *)data, size, vs, 2);
	FUZZ_ASSERT(err == 0 || err == SDX_EFORMAT || err == SDX_EVERIFY ||
		    err == SDX_EUNTRUSTED || err == SDX_ELIMIT);
	if (err == 0)
		FUZZ_ASSERT(tlen > 0 && tlen < size && data[tlen - 1] == '\n' && who < 2);
	check_checkpoint(data, size);
	check_keys(data, size);
	check_sign(data, size);
	return 0;
}
