/*
 * ledger/cosignature.h - the signature lines of a signed note, one by one,
 * for cosignatures (ledger/cosignature.c) and the witness (ledger/witness.c).
 * Not installed.
 */
#ifndef SDX_LEDGER_COSIGNATURE_H
#define SDX_LEDGER_COSIGNATURE_H

#include <stddef.h>
#include <stdint.h>

/* One signature line: the key name (not NUL-terminated) and the decoded bytes. */
typedef int (*sdx__sig_cb)(void *ctx, const char *name, size_t nlen, const unsigned char *raw,
			   size_t rlen);

/* Call cb for each signature line of a note (*text_len: the signed text's
 * length); SDX_EFORMAT naming the line, or what cb returned. */
int sdx__note_signatures(const char *note, size_t len, size_t *text_len, sdx__sig_cb cb,
			 void *ctx);
int sdx__sig_any(void *ctx, const char *name, size_t nlen, const unsigned char *raw,
		 size_t rlen);

/* head (its lines, each ending in a newline), the hashes in base64 a line
 * each, an empty line, then the note (taken: freed, whatever the outcome):
 * the text of an add-checkpoint request and of a tlog-proof. */
int sdx__proof_text(char **out, size_t *out_len, const char *head,
		    const unsigned char (*proof)[32], size_t n, char *note, size_t nlen);

/* SHA-256(name || "\n" || 0x04 || pk)[:4] */
uint32_t sdx__cosigner_keyid(const char *name, const unsigned char pk[32]);

#endif
