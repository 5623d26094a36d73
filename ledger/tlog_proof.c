/*
 * ledger/tlog_proof.c - C2SP tlog-proof@v1: an own entry's index, its
 * inclusion proof and the checkpoint with its cosignatures, in one text that
 * any C2SP-aware verifier checks offline against the log's key and a policy
 * of witnesses (include/sdx/witness.h, formats/witness.md "Proofs").
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ledger/cosignature.h"
#include "ledger/internal.h"
#include "sdx/merkle.h"
#include "sdx/witness.h"

#define HEADER "c2sp.org/tlog-proof@v1\n"

int sdx_tlog_proof(char **out, size_t *out_len, sdx_ledger *l, uint64_t index)
{
	unsigned char proof[SDX_MERKLE_MAX_PROOF][32];
	sdx_checkpoint cp;
	char *note = NULL, head[64];
	size_t nlen = 0, n = 0;
	int err;

	*out = NULL;
	if ((err = sdx_ledger_cosigned_checkpoint(&note, &nlen, &cp, l, 0)) < 0)
		return err;
	if (index >= cp.size) {
		free(note);
		return sdx_error_set(SDX_ENOTFOUND, "entry %" PRIu64 " is not covered by a signed "
				     "checkpoint yet; run 'sdx checkpoint'", index);
	}
	if ((err = sdx_ledger_prove_inclusion(proof, &n, l, index, cp.size)) < 0) {
		free(note);
		return err;
	}
	snprintf(head, sizeof(head), HEADER "index %" PRIu64 "\n", index);
	return sdx__proof_text(out, out_len, head, (const unsigned char (*)[32])proof, n, note,
			       nlen);
}

/* The next line of [*p, end) (without its newline) into [*s, *e); -1 at the end. */
static int next_line(const char **p, const char *end, const char **s, const char **e)
{
	const char *nl;

	if (*p >= end || !(nl = memchr(*p, '\n', (size_t)(end - *p))))
		return -1;
	*s = *p;
	*e = nl;
	*p = nl + 1;
	return 0;
}

int sdx_tlog_proof_verify(uint64_t *index, char **witnesses, const char *text, size_t len,
			  const void *entry, size_t entry_len, const sdx_policy *p)
{
	unsigned char proof[SDX_MERKLE_MAX_PROOF][32], leaf[32];
	const char *q = text, *end = text + len, *s, *e;
	sdx_checkpoint cp;
	uint64_t idx = 0;
	size_t n = 0, line = 1;
	int err;

	if (witnesses)
		*witnesses = NULL;
	if (len > SDX_NOTE_MAX + 64 * 46)
		return sdx_error_set(SDX_ELIMIT, "tlog-proof: longer than a proof can be");
	if (next_line(&q, end, &s, &e) < 0 || (size_t)(e - s) != sizeof(HEADER) - 2 ||
	    memcmp(s, HEADER, sizeof(HEADER) - 2) != 0)
		return sdx_error_set(SDX_EFORMAT, "tlog-proof line 1: not 'c2sp.org/tlog-proof@v1'");
	line++;
	if (next_line(&q, end, &s, &e) < 0)
		return sdx_error_set(SDX_EFORMAT, "tlog-proof line %zu: missing", line);
	if (e - s >= 6 && memcmp(s, "extra ", 6) == 0) {
		/* opaque and unauthenticated: only its form is checked */
		unsigned char *x = NULL;
		size_t xl = 0;
		if (sdx__b64_decode(&x, &xl, s + 6, (size_t)(e - s - 6)) < 0)
			return sdx_error_set(SDX_EFORMAT, "tlog-proof line %zu: extra is not base64",
					     line);
		free(x);
		line++;
		if (next_line(&q, end, &s, &e) < 0)
			return sdx_error_set(SDX_EFORMAT, "tlog-proof line %zu: missing", line);
	}
	if (e - s < 7 || memcmp(s, "index ", 6) != 0 || (e - s > 7 && s[6] == '0') || e - s > 26)
		return sdx_error_set(SDX_EFORMAT, "tlog-proof line %zu: not 'index N'", line);
	for (s += 6; s < e; s++) {
		if (*s < '0' || *s > '9')
			return sdx_error_set(SDX_EFORMAT, "tlog-proof line %zu: not 'index N'", line);
		idx = idx * 10 + (uint64_t)(*s - '0');
	}
	for (;;) {
		line++;
		if (next_line(&q, end, &s, &e) < 0)
			return sdx_error_set(SDX_EFORMAT, "tlog-proof line %zu: no empty line before "
					     "the checkpoint", line);
		if (s == e)
			break;
		if (n == SDX_MERKLE_MAX_PROOF)
			return sdx_error_set(SDX_EFORMAT, "tlog-proof line %zu: more than %d proof "
					     "hashes", line, SDX_MERKLE_MAX_PROOF);
		if (sdx__b64_decode_fixed(proof[n], 32, s, (size_t)(e - s)) < 0)
			return sdx_error_set(SDX_EFORMAT, "tlog-proof line %zu: not the base64 of a "
					     "32-byte hash", line);
		n++;
	}
	/* the checkpoint: the log's signature and the quorum first, then the proof */
	if ((err = sdx_policy_check(witnesses, p, q, (size_t)(end - q))) < 0 &&
	    err != SDX_EUNTRUSTED)
		return err;
	if (err == 0 || err == SDX_EUNTRUSTED) {
		int perr = err;
		char why[400];
		snprintf(why, sizeof(why), "%s", perr ? sdx_error_last() : "");
		if ((err = sdx_checkpoint_parse(&cp, q, (size_t)(end - q))) < 0)
			return err;
		sdx_merkle_leaf_hash(leaf, entry, entry_len);
		if (idx >= cp.size)
			return sdx_error_set(SDX_EVERIFY, "tlog-proof: index %" PRIu64 " is past the "
					     "checkpoint's size %" PRIu64, idx, cp.size);
		if ((err = sdx_merkle_verify_inclusion(leaf, idx, cp.size, cp.root,
						       (const unsigned char (*)[32])proof, n)) < 0)
			return sdx_error_set(SDX_EVERIFY, "tlog-proof: the entry given is not entry %"
					     PRIu64 " of %s's checkpoint at size %" PRIu64 " (the "
					     "inclusion proof does not lead to its root)", idx,
					     cp.origin, cp.size);
		if (perr)
			return sdx_error_set(perr, "%s", why);
	}
	if (index)
		*index = idx;
	return 0;
}
