/*
 * formats/bundle/deflate_thread.h - the gzip layer of a bundle being
 * written, compressed on a thread of its own while the caller's thread
 * reads the ledger and builds the tar stream (formats/bundle.md
 * "Container": one gzip member, header 1f 8b 08 00 00 00 00 00 00 03,
 * deflate level 6).  Not installed; for archive_write.c.
 *
 * Order of calls: sdx__gz_start(), sdx__gz_write() as the tar bytes come,
 * then sdx__gz_finish() (the trailer written) or sdx__gz_free() alone
 * (dropped: nothing more is written).  Memory: two 1 MiB buffers.
 */
#ifndef SDX_BUNDLE_DEFLATE_THREAD_H
#define SDX_BUNDLE_DEFLATE_THREAD_H

#include <stddef.h>

struct sdx__gz;

/*
 * Compress into fd (borrowed) from a new thread.  With n_age recipients
 * (else age NULL, n_age 0) the compressed stream is written as an age v1
 * file to them (sdx/age.h): the header at once, the chunks from the thread,
 * the final chunk after the gzip trailer.  0, SDX_ENOMEM, SDX_EIO, or the
 * age writer's SDX_EINVAL for a recipient that is no X25519 key.
 */
int sdx__gz_start(struct sdx__gz **out, int fd, const char *path,
		  const unsigned char (*age)[32], size_t n_age);
/* Hand over len bytes.  0, or SDX_EIO naming the file once a write failed. */
int sdx__gz_write(struct sdx__gz *g, const void *buf, size_t len);
/* The rest and the gzip trailer, written; the thread joined. */
int sdx__gz_finish(struct sdx__gz *g);
/* Stop (writing nothing more), join, free; accepts NULL. */
void sdx__gz_free(struct sdx__gz *g);

#endif
