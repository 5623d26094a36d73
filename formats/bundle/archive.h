/*
 * formats/bundle/archive.h - the gzip-compressed tar container that bundles are
 * built on (formats/bundle.md, "Container"); internal to libsdx, not
 * installed.  No hand-made tar or gzip bytes: tar is written and read by
 * libarchive, gzip written by libarchive and read by zlib directly (so that
 * the CRC is checked and every byte of the tar stream can be compared with
 * its canonical encoding).
 *
 * Writing: sdx__tar_create(), then sdx__tar_add() / sdx__tar_add_stream()
 * once per member in strictly increasing byte order of name, then
 * sdx__tar_close() to publish the file, or sdx__tar_abort() to drop it.
 * The output is canonical: the same members in the same order give the same
 * bytes, whoever writes them and whenever.  Nothing appears at `path` until
 * close succeeds.
 *
 * Reading: sdx__tar_read() walks an archive once, front to back, and hands
 * each member to a callback, which may pull the content with
 * sdx__tar_member_read().  It refuses anything a bundle may not contain
 * (see sdx__tar_read) and never writes to the file system.
 *
 * A writer or a read is used by one thread at a time; separate ones are
 * independent.
 */
#ifndef SDX_FORMATS_ARCHIVE_H
#define SDX_FORMATS_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

/* Member names: bytes, components, as checked on both sides. */
#define SDX_TAR_NAME_MAX 255
#define SDX_TAR_NAME_DEPTH 8
/* The decompression ratio is only judged past this many uncompressed bytes,
 * so that small, very regular archives (all-zero padding) stay readable. */
#define SDX_TAR_RATIO_FLOOR (16u * 1024 * 1024)

/* ---- writer ------------------------------------------------------------ */

struct sdx_tar_writer;

/*
 * Start a deterministic archive at `path`: tar (ustar headers; a pax
 * extended header only for a name ustar cannot hold, that is one that cannot
 * be split at a '/' into 155 + 100 bytes), gzip at level 6, every
 * header with mtime 0, uid/gid 0, no owner names, mode 0644, and a gzip
 * header with no name and timestamp 0.  The bytes go to a temporary file
 * "<path>.tmp-*" in the same directory (mode 0666 less the umask).
 *
 * @param out   receives the writer; the caller owns it and ends it with
 *              sdx__tar_close() or sdx__tar_abort() (which free it).  Set
 *              to NULL on failure.
 * @param path  the file to create; it must not exist yet
 * @return 0, SDX_EEXISTS (path exists), SDX_EIO (cannot create the
 *         temporary file, libarchive setup failed), SDX_ENOMEM
 */
int sdx__tar_create(struct sdx_tar_writer **out, const char *path);
/* The same, the file written as an age v1 file to age[0..n_age) (formats/age.md). */
int sdx__tar_create_age(struct sdx_tar_writer **out, const char *path,
			const unsigned char (*age)[32], size_t n_age);

/*
 * Add a member holding `len` bytes of `data` (data may be NULL when len is
 * 0).  `name` must pass the reader's name rules (sdx__tar_name_check), be
 * ASCII (bundle names are; libarchive would otherwise push non-ASCII names
 * through the locale), and sort strictly after the previous member's name
 * (byte order, as strcmp).  A refused name leaves the writer usable.
 *
 * @return 0; SDX_EINVAL (bad name, out of order, writer already failed);
 *         SDX_EIO (write error; the writer is then failed and only
 *         sdx__tar_abort() or sdx__tar_close() remain useful)
 */
int sdx__tar_add(struct sdx_tar_writer *w, const char *name, const void *data, size_t len);

/*
 * Add a member of `size` bytes whose content comes from `read`, called until
 * it reports the end: it fills buf with up to cap bytes, sets *got and
 * returns 0, or returns a negative SDX_E* code (having set the message),
 * which is passed back unchanged.  *got is 0 only at the end of the data,
 * so `read` is asked once more after the last byte, which catches a source
 * longer than announced.  Streamed through a 64 KiB buffer.
 *
 * @return 0; SDX_EINVAL as for sdx__tar_add (the writer stays usable);
 *         SDX_EIO when the callback delivers fewer or more than `size`
 *         bytes, or on a write error; SDX_ENOMEM; the callback's own code.
 *         After a failure past the name checks the writer is failed.
 */
int sdx__tar_add_stream(struct sdx_tar_writer *w, const char *name, uint64_t size,
			int (*read)(void *ctx, void *buf, size_t cap, size_t *got),
			void *ctx);

/*
 * Finish the archive, fsync it, move it to `path` (refusing to replace a
 * file that appeared there meanwhile) and fsync the directory.  Frees w in
 * every case; on failure the temporary file is removed.
 *
 * @return 0; SDX_EINVAL (w NULL or already failed: the archive is dropped);
 *         SDX_EEXISTS (path appeared); SDX_EIO (then nothing is at path,
 *         except when only the final directory fsync failed)
 */
int sdx__tar_close(struct sdx_tar_writer *w);

/* Drop the archive: remove the temporary file and free w.  Accepts NULL. */
void sdx__tar_abort(struct sdx_tar_writer *w);

/* ---- reader ------------------------------------------------------------ */

struct sdx_tar_limits {
	uint64_t max_member;   /* bytes of one member */
	uint64_t max_total;    /* uncompressed bytes of all members together */
	uint64_t max_members;  /* number of members */
	uint64_t max_ratio;    /* uncompressed/compressed, judged past SDX_TAR_RATIO_FLOOR */
	int canonical;         /* also require the bytes sdx__tar_create() would write for
				  these members: any other byte anywhere is SDX_EVERIFY */
	/* members whose name ends with this (NULL: none) are streams of bounded
	 * records, limited by max_total instead of max_member */
	const char *stream_suffix;
};

/* The limits of formats/bundle.md: 1 GiB + 64 KiB, 8 GiB, 2,000,000, 200. */
#define SDX_TAR_LIMITS_INIT { \
	(UINT64_C(1) << 30) + 64 * 1024, \
	UINT64_C(8) << 30, \
	UINT64_C(2000000), \
	UINT64_C(200), \
	0, NULL }

/* The member being visited; valid only during the callback. */
struct sdx_tar_reader;

/*
 * Called once per member, in archive order.  `name` (NUL-terminated, already
 * checked) and `r` are borrowed for the duration of the call.  Return 0 to go
 * on; anything else stops the walk and becomes sdx__tar_read()'s result.
 */
typedef int (*sdx_tar_member_cb)(void *ctx, const char *name, uint64_t size,
				 struct sdx_tar_reader *r);

/*
 * Walk the archive at `path`, calling cb for every member.  Each member's
 * header is checked before cb sees it; content the callback leaves unread is
 * read and dropped (still counted against the limits).  Nothing is written
 * anywhere.
 *
 * Refused, with a one-line message naming `path` and the member:
 *  - SDX_EFORMAT: not a regular file; not gzip ("not an sdx bundle (not
 *    gzip)"); gzip of something else ("(not a tar archive)"); truncated or
 *    damaged gzip or tar; no members ("empty"); a member that is not a
 *    plain regular file (symbolic link, hard link, directory, device, FIFO,
 *    socket, sparse file); a bad name (sdx__tar_name_check); a duplicate name;
 *    a header libarchive reads only with a warning (a pax "path" it cannot
 *    convert to the current locale, a malformed pax record).
 *    The gzip CRC and length are checked (zlib inflates the stream), and
 *    bundles also hash every member, so a flipped bit is caught twice.
 *  - SDX_ELIMIT: a member over lim->max_member (judged from its header,
 *    before any of it is read); member sizes adding up past lim->max_total;
 *    more than lim->max_members members; past SDX_TAR_RATIO_FLOOR
 *    uncompressed bytes, more than lim->max_ratio uncompressed bytes per
 *    compressed byte read ("decompression ratio").
 *  - SDX_ENOTFOUND (no such file), SDX_EIO (read error), SDX_ENOMEM.
 *
 * @param lim  NULL for SDX_TAR_LIMITS_INIT; values are used as given
 * @return 0 when every member was visited, a refusal above, or the first
 *         non-zero value returned by cb
 */
int sdx__tar_read(const char *path, const struct sdx_tar_limits *lim,
		  sdx_tar_member_cb cb, void *ctx);

/*
 * As sdx__tar_read(), from an open descriptor positioned at the start of the
 * archive (a pipe is fine; fd is neither closed nor required to be a regular
 * file).  `what` names the input in messages, which quote it: "x.sdxb" gives
 * "'x.sdxb': empty"; NULL gives "archive".  The name is borrowed for the call.
 */
int sdx__tar_read_fd(int fd, const char *what, const struct sdx_tar_limits *lim,
		     sdx_tar_member_cb cb, void *ctx);

/*
 * Read the next up to `cap` bytes of the current member into buf; *got is
 * set to the count, 0 only once the member is exhausted.  Limits (ratio) are
 * checked as data arrives.  An error is sticky: the walk then ends with it
 * even if the callback returns 0.
 *
 * @return 0; SDX_EFORMAT (truncated or damaged); SDX_ELIMIT (ratio);
 *         SDX_EINVAL (r NULL, buf NULL with cap > 0)
 */
int sdx__tar_member_read(struct sdx_tar_reader *r, void *buf, size_t cap, size_t *got);

/*
 * Check a member name: 1 to SDX_TAR_NAME_MAX bytes of valid UTF-8 with no
 * control characters (C0, DEL, C1) and no backslash, made of at most
 * SDX_TAR_NAME_DEPTH components joined by single '/', none of them empty,
 * "." or "..", and not starting with '/'.
 *
 * @return NULL when the name is acceptable, else a static phrase saying why
 *         ("path escapes the bundle", "empty path component", ...)
 */
const char *sdx__tar_name_check(const char *name, size_t len);

#endif
