/*
 * ledger/witness.c - both sides of C2SP tlog-witness (include/sdx/witness.h,
 * formats/witness.md): the log's add-checkpoint request and the cosignatures
 * it keeps with its checkpoints (table cosignatures), and the witness's
 * add-checkpoint call over the logs it witnesses (witness_logs) and the
 * latest checkpoint it cosigned of each (witness_heads).  All three tables
 * are append-only: a witness never forgets a log or rolls one back.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "ledger/cosignature.h"
#include "ledger/store.h"
#include "sdx/clock.h"
#include "sdx/merkle.h"
#include "sdx/witness.h"

/* The witness tables exist from ledger format 12. */
static int has_tables(sdx_ledger *l)
{
	if (l->format >= 12)
		return 0;
	return sdx_error_set(SDX_ENOTFOUND, "'%s' holds no witness data (ledger format %d; open "
			     "it for writing once to upgrade it)", l->path, l->format);
}

/* ---- the log's side ----------------------------------------------------------------- */

int sdx_witness_request(char **out, size_t *out_len, sdx_ledger *l, uint64_t old_size,
			uint64_t size)
{
	unsigned char proof[SDX_MERKLE_MAX_PROOF][32];
	sdx_checkpoint cp;
	char *note = NULL, head[32];
	size_t nlen = 0, n = 0;
	int err;

	*out = NULL;
	if ((err = sdx_ledger_get_checkpoint(&note, &nlen, &cp, l, size)) < 0)
		return err;
	if (old_size > cp.size) {
		free(note);
		return sdx_error_set(SDX_EINVAL, "old size %" PRIu64 " is past the checkpoint's %"
				     PRIu64, old_size, cp.size);
	}
	if (old_size > 0 && old_size < cp.size &&
	    (err = sdx_ledger_prove_consistency(proof, &n, l, old_size, cp.size)) < 0) {
		free(note);
		return err;
	}
	snprintf(head, sizeof(head), "old %" PRIu64 "\n", old_size);
	return sdx__proof_text(out, out_len, head, (const unsigned char (*)[32])proof, n, note,
			       nlen);
}

int sdx_ledger_cosignature_add(size_t *added, sdx_ledger *l, uint64_t size,
			       const sdx_cosigner *c, const char *lines, size_t len)
{
	sdx_checkpoint cp;
	char *note = NULL, *buf = NULL;
	const char *p = lines, *end = lines + len;
	size_t nlen = 0, nnew = 0;
	int err;

	if (added)
		*added = 0;
	if ((err = has_tables(l)) < 0)
		return err;
	if ((err = sdx_ledger_get_checkpoint(&note, &nlen, &cp, l, size)) < 0)
		return err;
	if (cp.size != size && size) {
		free(note);
		return sdx_error_set(SDX_ENOTFOUND, "no checkpoint was signed at size %" PRIu64, size);
	}
	if (!(buf = malloc(nlen + len + 1))) {
		free(note);
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	}
	memcpy(buf, note, nlen);
	if (len == 0 || end[-1] != '\n')
		err = sdx_error_set(SDX_EFORMAT, "the witness's answer is not newline-terminated "
				    "signature lines");
	while (err >= 0 && p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t llen = (size_t)(eol - p) + 1;
		uint64_t t = 0;
		char *line;
		/* the checkpoint with this line alone: it must be c's, and verify */
		memcpy(buf + nlen, p, llen);
		if ((err = sdx_note_cosignatures(&t, buf, nlen + llen,
						 (sdx_cosigner *const *)&c, 1)) < 0)
			break;
		if (!t) {
			err = sdx_error_set(SDX_EVERIFY, "the witness's answer holds a line not by "
					    "%s+%08" PRIx32 ": '%.60s'", sdx_cosigner_name(c),
					    sdx_cosigner_keyid(c), p);
			break;
		}
		if (!(line = strndup(p, llen - 1))) {
			err = sdx_error_set(SDX_ENOMEM, "out of memory");
			break;
		}
		err = sdx__db_run(l, NULL, "storing a cosignature", "INSERT OR IGNORE INTO "
				  "cosignatures(size, name, keyid, time, line) VALUES(?, ?, ?, ?, ?)",
				  SDX__INT(cp.size), SDX__TEXT(sdx_cosigner_name(c)),
				  SDX__INT(sdx_cosigner_keyid(c)), SDX__INT(t), SDX__TEXT(line));
		free(line);
		if (err >= 0 && sqlite3_changes(l->db) > 0)
			nnew++;
		p = eol + 1;
	}
	free(buf);
	free(note);
	if (err < 0)
		return err;
	if (added)
		*added = nnew;
	return 0;
}

int sdx_ledger_cosigned_checkpoint(char **out, size_t *out_len, sdx_checkpoint *parsed,
				   sdx_ledger *l, uint64_t size)
{
	struct sdx__stmt s;
	sdx_checkpoint cp;
	char *note = NULL;
	size_t nlen = 0;
	int rc, err;

	*out = NULL;
	if ((err = sdx_ledger_get_checkpoint(&note, &nlen, &cp, l, size)) < 0)
		return err;
	if (l->format >= 12) {
		if ((err = sdx__stmt(&s, l, NULL, "reading cosignatures", "SELECT line FROM "
				     "cosignatures WHERE size = ? ORDER BY name, keyid",
				     SDX__INT(cp.size))) < 0) {
			free(note);
			return err;
		}
		while ((rc = sdx__stmt_step(&s)) == 1) {
			const char *line = (const char *)sqlite3_column_text(s.st, 0);
			size_t ll = strlen(line);
			char *grown = realloc(note, nlen + ll + 2);
			if (!grown) {
				rc = sdx_error_set(SDX_ENOMEM, "out of memory");
				break;
			}
			note = grown;
			memcpy(note + nlen, line, ll);
			nlen += ll;
			note[nlen++] = '\n';
			note[nlen] = '\0';
		}
		sdx__stmt_end(&s);
		if (rc < 0) {
			free(note);
			return rc;
		}
	}
	*out = note;
	if (out_len)
		*out_len = nlen;
	if (parsed)
		*parsed = cp;
	return 0;
}

int sdx_ledger_cosigned_size(uint64_t *out, sdx_ledger *l, const char *name)
{
	struct sdx__stmt s;
	int err;

	*out = 0;
	if (l->format < 12)
		return 0;
	if ((err = sdx__stmt(&s, l, NULL, "reading cosignatures", "SELECT coalesce(max(size), 0) "
			     "FROM cosignatures WHERE name = ?", SDX__TEXT(name))) < 0)
		return err;
	if ((err = sdx__stmt_step(&s)) == 1)
		*out = (uint64_t)sqlite3_column_int64(s.st, 0);
	sdx__stmt_end(&s);
	return err < 0 ? err : 0;
}

/* ---- the witness's side ----------------------------------------------------------------- */

int sdx_witness_add_log(sdx_ledger *l, const char *vkey)
{
	sdx_verifier *v = NULL;
	struct sdx__stmt s;
	char now[21], *canon = NULL, held[600] = "";
	int err;

	if ((err = has_tables(l)) < 0)
		return err;
	if ((err = sdx_verifier_parse(&v, vkey)) < 0)
		return err;
	if ((err = sdx_verifier_format(&canon, v)) < 0)
		goto done;
	if ((err = sdx__stmt(&s, l, NULL, "reading witnessed logs", "SELECT vkey FROM "
			     "witness_logs WHERE origin = ?", SDX__TEXT(sdx_verifier_name(v)))) < 0)
		goto done;
	if ((err = sdx__stmt_step(&s)) == 1)
		sdx__column_text(held, sizeof(held), s.st, 0);
	sdx__stmt_end(&s);
	if (err < 0)
		goto done;
	if (*held) {
		err = strcmp(held, canon) == 0 ? 0 :
		      sdx_error_set(SDX_EEXISTS, "log %s is witnessed already, with key %s; a "
				    "log is never removed or given another key (formats/witness.md)",
				    sdx_verifier_name(v), held);
		goto done;
	}
	sdx__utc_now(now);
	err = sdx__db_run(l, NULL, "adding a witnessed log", "INSERT INTO witness_logs(origin, "
			  "vkey, added) VALUES(?, ?, ?)", SDX__TEXT(sdx_verifier_name(v)),
			  SDX__TEXT(canon), SDX__TEXT(now));
	err = err < 0 ? err : 0;
done:
	free(canon);
	sdx_verifier_free(v);
	return err;
}

int sdx_witness_foreach_log(sdx_ledger *l, sdx_witness_log_cb cb, void *ctx)
{
	struct sdx__stmt s;
	int rc, err;

	if ((err = has_tables(l)) < 0)
		return err;
	if ((err = sdx__stmt(&s, l, NULL, "reading witnessed logs", "SELECT origin, vkey, "
			     "(SELECT coalesce(max(size), 0) FROM witness_heads h WHERE h.origin = "
			     "w.origin) FROM witness_logs w ORDER BY origin")) < 0)
		return err;
	while ((rc = sdx__stmt_step(&s)) == 1)
		if ((rc = cb(ctx, (const char *)sqlite3_column_text(s.st, 0),
			     (const char *)sqlite3_column_text(s.st, 1),
			     (uint64_t)sqlite3_column_int64(s.st, 2))) != 0)
			break;
	sdx__stmt_end(&s);
	return rc;
}

static int answer(sdx_witness_answer *a, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int answer(sdx_witness_answer *a, int status, const char *fmt, ...)
{
	va_list ap;

	a->status = status;
	va_start(ap, fmt);
	vsnprintf(a->message, sizeof(a->message), fmt, ap);
	va_end(ap);
	return 0;
}

/* A decimal size with no leading zeroes, the whole of [s, e). */
static int parse_size(uint64_t *out, const char *s, const char *e)
{
	uint64_t v = 0;

	if (s == e || (e - s > 1 && *s == '0') || e - s > 19)
		return -1;
	for (; s < e; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

/* The latest cosigned head of origin: size and root (0 and the empty tree's root). */
static int latest_head(uint64_t *size, unsigned char root[32], sdx_ledger *l, const char *origin)
{
	struct sdx__stmt s;
	int err;

	*size = 0;
	sdx_merkle_empty_root(root);
	if ((err = sdx__stmt(&s, l, NULL, "reading cosigned checkpoints", "SELECT size, root FROM "
			     "witness_heads WHERE origin = ? ORDER BY size DESC LIMIT 1",
			     SDX__TEXT(origin))) < 0)
		return err;
	if ((err = sdx__stmt_step(&s)) == 1) {
		*size = (uint64_t)sqlite3_column_int64(s.st, 0);
		err = sdx__column_hash(s.st, 1, root);
	}
	sdx__stmt_end(&s);
	return err < 0 ? err : 0;
}

int sdx_witness_add_checkpoint(sdx_witness_answer *a, sdx_ledger *l, const sdx_signer *key,
			       const char *body, size_t len)
{
	unsigned char proof[SDX_WITNESS_MAX_PROOF][32], root[32];
	const char *p = body, *end = body + len, *eol, *note;
	sdx_verifier *v = NULL;
	struct sdx__stmt s;
	sdx_checkpoint cp;
	char vkey[600] = "", now[21], *line = NULL;
	uint64_t old, latest;
	int64_t secs = 0;
	size_t n = 0, nlen, text_len;
	int err, tx = 0;

	memset(a, 0, sizeof(*a));
	if ((err = has_tables(l)) < 0)
		return err;
	/* old N, the proof, an empty line, the checkpoint */
	if (!(eol = memchr(p, '\n', len)) || eol - p < 5 || memcmp(p, "old ", 4) != 0 ||
	    parse_size(&old, p + 4, eol) < 0)
		return answer(a, 400, "the body does not start with 'old SIZE' (a decimal size "
			      "without leading zeroes) and a newline");
	for (p = eol + 1; p < end && *p != '\n'; p = eol + 1) {
		if (!(eol = memchr(p, '\n', (size_t)(end - p))))
			return answer(a, 400, "proof line %zu does not end with a newline", n + 1);
		if (n == SDX_WITNESS_MAX_PROOF)
			return answer(a, 400, "more than %d consistency proof lines",
				      SDX_WITNESS_MAX_PROOF);
		if (sdx__b64_decode_fixed(proof[n], 32, p, (size_t)(eol - p)) < 0)
			return answer(a, 400, "proof line %zu is not the base64 of a 32-byte hash",
				      n + 1);
		n++;
	}
	if (p >= end)
		return answer(a, 400, "no empty line before the checkpoint");
	note = p + 1;
	nlen = (size_t)(end - note);
	if (sdx_checkpoint_parse(&cp, note, nlen) < 0 ||
	    sdx__note_signatures(note, nlen, &text_len, sdx__sig_any, NULL) < 0)
		return answer(a, 400, "checkpoint: %s", sdx_error_last());
	if ((err = sdx__stmt(&s, l, NULL, "reading witnessed logs", "SELECT vkey FROM "
			     "witness_logs WHERE origin = ?", SDX__TEXT(cp.origin))) < 0)
		return err;
	if ((err = sdx__stmt_step(&s)) == 1)
		sdx__column_text(vkey, sizeof(vkey), s.st, 0);
	sdx__stmt_end(&s);
	if (err < 0)
		return err;
	if (!*vkey)
		return answer(a, 404, "unknown log origin %s", cp.origin);
	if ((err = sdx_verifier_parse(&v, vkey)) < 0)
		return err;
	err = sdx_note_verify(NULL, NULL, note, nlen, &v, 1);
	sdx_verifier_free(v);
	if (err == SDX_EFORMAT)
		return answer(a, 400, "checkpoint: %s", sdx_error_last());
	if (err < 0)
		return answer(a, 403, "no signature by the key of %s verifies", cp.origin);
	if (old > cp.size)
		return answer(a, 400, "old size %" PRIu64 " is past the checkpoint's size %" PRIu64,
			      old, cp.size);
	if (old == 0 && n)
		return answer(a, 400, "a consistency proof from size 0");
	/* check and store at once: no other request can move the head between */
	if ((err = sdx_ledger_begin(l)) < 0)
		return err;
	tx = 1;
	if ((err = latest_head(&latest, root, l, cp.origin)) < 0)
		goto done;
	if (old != latest) {
		a->latest = latest;
		answer(a, 409, "old size %" PRIu64 " is not the latest size cosigned, %" PRIu64,
		       old, latest);
		goto done;
	}
	if (old == cp.size) {
		if (sodium_memcmp(root, cp.root, 32) != 0) {
			a->latest = latest;
			answer(a, 409, "a checkpoint of size %" PRIu64 " with another root than the one "
			       "cosigned", cp.size);
			goto done;
		}
		if (n) {
			answer(a, 422, "a consistency proof between equal sizes must be empty");
			goto done;
		}
	} else if (old > 0 && sdx_merkle_verify_consistency(old, cp.size, root, cp.root,
							       (const unsigned char (*)[32])proof,
							       n) < 0) {
		answer(a, 422, "the consistency proof from size %" PRIu64 " to %" PRIu64 " does not "
		       "verify", old, cp.size);
		goto done;
	}
	/* the ledger's clock (SDX_TIME in tests), as every time it writes */
	sdx__utc_now(now);
	if (sdx_time_parse(&secs, now) < 0 || secs <= 0)
		secs = (int64_t)time(NULL);
	if ((err = sdx__db_run(l, NULL, "storing a cosigned checkpoint", "INSERT OR IGNORE INTO "
			       "witness_heads(origin, size, root, note, received) VALUES(?, ?, ?, "
			       "?, ?)", SDX__TEXT(cp.origin), SDX__INT(cp.size),
			       SDX__HASH(cp.root), SDX__BLOB(note, nlen), SDX__TEXT(now))) < 0 ||
	    (err = sdx_cosign(&line, key, note, text_len, (uint64_t)secs)) < 0)
		goto done;
	if ((err = sdx_ledger_commit(l)) < 0)
		goto done;
	tx = 0;
	a->status = 200;
	a->body = line;
	a->body_len = strlen(line);
	line = NULL;
done:
	if (tx)
		sdx_ledger_rollback(l);
	free(line);
	return err < 0 ? err : 0;
}
