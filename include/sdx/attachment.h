/*
 * sdx/attachment.h - attachments: files an entry cites as evidence (test
 * reports, certificates), stored in the ledger file content-addressed by
 * SHA-256, in chunks, so any size streams through.
 *
 * Order of calls:
 *   storing:  inside sdx_ledger_begin()/sdx_ledger_commit(),
 *             sdx_ledger_attach_file() for a file, or for one that arrives in
 *             pieces sdx_ledger_attachment_create(), sdx_attachment_write()...,
 *             sdx_attachment_writer_finish(); then append the entries that
 *             cite them (sdx_ledger_append_cited(), sdx_record_append())
 *   reading:  sdx_ledger_has_attachment(), sdx_ledger_export_attachment(), or
 *             sdx_ledger_attachment_open(), sdx_attachment_read()...,
 *             sdx_attachment_reader_free()
 * Attachments are not signed themselves: an entry's signed header lists the
 * hashes of those it cites.
 */
#ifndef SDX_ATTACHMENT_H
#define SDX_ATTACHMENT_H

#include "sdx/api.h"

#include <stddef.h>
#include <stdint.h>

#include "sdx/ledger.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Store a file as an attachment, content-addressed by SHA-256, streaming it
 * in chunks (any size).  Storing the same content again is a no-op.
 * Must be inside begin/commit.  out_hash gets its SHA-256 and *out_size its
 * length (either may be NULL).
 */
SDX_API int sdx_ledger_attach_file(unsigned char out_hash[32], uint64_t *out_size, sdx_ledger *l,
				   const char *path);

/** 1 if an attachment with this hash is stored, 0 if not, negative on error. */
SDX_API int sdx_ledger_has_attachment(sdx_ledger *l, const unsigned char hash[32]);

/** Write a stored attachment's bytes to `path` (created, must not exist). */
SDX_API int sdx_ledger_export_attachment(sdx_ledger *l, const unsigned char hash[32], const char *path);

/** Streams a stored attachment; see sdx_ledger_attachment_open(). */
typedef struct sdx_attachment_reader sdx_attachment_reader;

/**
 * Open a stored attachment for reading in order; *out_size gets its length
 * (may be NULL).  Free the reader with sdx_attachment_reader_free().
 * SDX_ENOTFOUND if there is none.  The reader borrows the ledger: free it
 * before the ledger.
 */
SDX_API int sdx_ledger_attachment_open(sdx_attachment_reader **out, uint64_t *out_size, sdx_ledger *l,
				       const unsigned char hash[32]);
/** Read up to cap bytes; *got is 0 only at the end. */
SDX_API int sdx_attachment_read(sdx_attachment_reader *r, void *buf, size_t cap, size_t *got);
SDX_API void sdx_attachment_reader_free(sdx_attachment_reader *r);

/**
 * Store an attachment that arrives in pieces (from a bundle): `size` bytes
 * whose SHA-256 must be `hash`.  Must be inside begin/commit.  If it is
 * stored already, the pieces are only checked.  Free the writer with
 * sdx_attachment_writer_finish() (stores it) or _free() (drops it).  *out is
 * the new writer; it borrows the ledger.
 */
typedef struct sdx_attachment_writer sdx_attachment_writer;
SDX_API int sdx_ledger_attachment_create(sdx_attachment_writer **out, sdx_ledger *l,
					 const unsigned char hash[32], uint64_t size);
SDX_API int sdx_attachment_write(sdx_attachment_writer *w, const void *data, size_t len);
/** Check size and hash and store; frees w.  SDX_EVERIFY if the content is not what the hash says. */
SDX_API int sdx_attachment_writer_finish(sdx_attachment_writer *w);
SDX_API void sdx_attachment_writer_free(sdx_attachment_writer *w);

#ifdef __cplusplus
}
#endif
#endif
