/*
 * formats/bundle/tar.h - what the archive writer (archive_write.c) and
 * reader (archive_read.c) share: the one canonical encoding and the names,
 * in archive_format.c.  Internal to formats/bundle/; the interface is
 * formats/bundle/archive.h.
 */
#ifndef SDX_BUNDLE_TAR_H
#define SDX_BUNDLE_TAR_H

#include <stddef.h>
#include <stdint.h>

#include <archive.h>
#include <archive_entry.h>

/* Size of every I/O buffer here: source reads, streamed members, skipping. */
#define SDX_TAR_CHUNK (64 * 1024)
/* Bytes of a hostile name shown in a message before it is cut short. */
#define SDX_TAR_SHOWN_MAX 200

/*
 * A name from outside, made safe to print: printable ASCII as is, other
 * bytes (and the quote and backslash) as \xNN, cut after SDX_TAR_SHOWN_MAX
 * bytes.
 */
void sdx__tar_name_shown(char *out, size_t cap, const char *name);

/*
 * The one encoding of a bundle: pax_restricted (plain ustar unless a name
 * does not fit, then a pax "path" record, itself with mtime 0); gzip
 * in-process at a fixed level with no timestamp; fixed blocking (10240-byte
 * blocks, the last one not padded).  The reader rebuilds the tar stream with
 * the same settings (without gzip) to check an archive is canonical.
 * Returns ARCHIVE_OK or ARCHIVE_FATAL.
 */
int sdx__tar_canonical_setup(struct archive *a, int gzip);
/* A member header with everything that could vary between machines or runs
 * fixed; NULL if out of memory.  Free with archive_entry_free(). */
struct archive_entry *sdx__tar_canonical_entry(const char *name, uint64_t size);

#endif
