/*
 * formats/bundle/archive_read.c - defensive tar.gz reading for bundles
 * (formats/bundle/archive.h), on top of libarchive: one pass, every member
 * checked, the stream compared with its canonical encoding.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <zlib.h>

#include "formats/bundle/archive.h"
#include "formats/bundle/tar.h"
#include "ledger/internal.h"
#include "sdx/error.h"

/* Names seen so far, as 128-bit BLAKE2b digests in an open-addressed table:
 * 16 bytes a member whatever the name's length, and no practical collisions. */
struct seen {
	unsigned char (*slot)[16];
	size_t cap;   /* a power of two, or 0 */
	size_t n;
};

static int slot_empty(const unsigned char *s)
{
	static const unsigned char zero[16];

	return memcmp(s, zero, 16) == 0;
}

static size_t slot_index(const unsigned char *h, size_t cap)
{
	uint64_t v;

	memcpy(&v, h + 1, sizeof(v));
	return (size_t)(v & (cap - 1));
}

/* Insert a digest; 1 if it was already there, 0 if added, or SDX_ENOMEM. */
static int seen_insert(struct seen *s, const unsigned char h[16])
{
	size_t i;

	if ((s->n + 1) * 2 > s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 1024, k;
		unsigned char (*ns)[16];

		if (ncap > SIZE_MAX / 16 / 2 || !(ns = calloc(ncap, 16)))
			return SDX_ENOMEM;
		for (k = 0; k < s->cap; k++) {
			if (slot_empty(s->slot[k]))
				continue;
			for (i = slot_index(s->slot[k], ncap); !slot_empty(ns[i]);
			     i = (i + 1) & (ncap - 1))
				;
			memcpy(ns[i], s->slot[k], 16);
		}
		free(s->slot);
		s->slot = ns;
		s->cap = ncap;
	}
	for (i = slot_index(h, s->cap); !slot_empty(s->slot[i]); i = (i + 1) & (s->cap - 1))
		if (memcmp(s->slot[i], h, 16) == 0)
			return 1;
	memcpy(s->slot[i], h, 16);
	s->n++;
	return 0;
}

struct sdx_tar_reader {
	struct archive *a;
	const char *what;                   /* the archive, as named in messages */
	const struct sdx_tar_limits *lim;
	int fd;
	unsigned char *inbuf;               /* SDX_TAR_CHUNK bytes of compressed input */
	size_t primed;                      /* bytes already in inbuf, not yet given */
	int eof;                            /* the source has been read to its end */
	int io_errno;                       /* a read(2) error, 0 if none */
	/* gzip is inflated here with zlib (which checks the CRC and length) and
	 * libarchive reads plain tar, so every byte of the stream passes by */
	z_stream z;
	int z_ready, z_end;
	unsigned char *outbuf;              /* SDX_TAR_CHUNK bytes of tar stream */
	unsigned char head[10];             /* the gzip header as found */
	size_t headn;
	/* canonical mode: the tar stream as sdx would write it (cw) is compared,
	 * as it comes, with the stream as read; pend holds what was read and
	 * not yet compared (the reader runs at most a chunk and a block ahead) */
	struct archive *cw;
	int cw_failed;
	unsigned char *pend;
	size_t pend_off, pend_len;
	int in_member;                      /* the callback is running */
	int err;                            /* sticky error of sdx__tar_member_read */
	uint64_t left;                      /* unread bytes of the current member */
	char shown[SDX_TAR_SHOWN_MAX * 4 + 8];      /* the current member, printable */
};

/* Refill zlib's input from the file (what prime() read first, then read(2)). */
static int fill(struct sdx_tar_reader *r)
{
	ssize_t n;

	if (r->primed) {
		r->z.next_in = r->inbuf;
		r->z.avail_in = (uInt)r->primed;
		r->primed = 0;
		return 0;
	}
	if (r->eof)
		return 0;
	do
		n = read(r->fd, r->inbuf, SDX_TAR_CHUNK);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		r->io_errno = errno;
		return -1;
	}
	if (n == 0)
		r->eof = 1;
	r->z.next_in = r->inbuf;
	r->z.avail_in = (uInt)n;
	return 0;
}

/* More of the stream as read, kept until the canonical encoding reaches it.
 * A canonical stream never gets further ahead than PEND_MAX; one that does
 * (say, megabytes of zeros after the end) is not canonical. */
#define PEND_MAX (4 * SDX_TAR_CHUNK)

static void pend_add(struct sdx_tar_reader *r, const unsigned char *p, size_t n)
{
	if (r->cw_failed)
		return;
	if (r->pend_len + n > PEND_MAX) {
		r->cw_failed = 1;
		return;
	}
	if (r->pend_off + r->pend_len + n > PEND_MAX) {
		memmove(r->pend, r->pend + r->pend_off, r->pend_len);
		r->pend_off = 0;
	}
	memcpy(r->pend + r->pend_off + r->pend_len, p, n);
	r->pend_len += n;
}

/* The next piece of the tar stream: inflated from the file. */
static la_ssize_t src_read(struct archive *a, void *ctx, const void **buf)
{
	struct sdx_tar_reader *r = ctx;
	size_t produced;
	int rc;

	*buf = r->outbuf;
	for (;;) {
		if (r->z_end)
			return 0;
		if (r->z.avail_in == 0 && fill(r) < 0) {
			archive_set_error(a, r->io_errno, "read error");
			return ARCHIVE_FATAL;
		}
		r->z.next_out = r->outbuf;
		r->z.avail_out = SDX_TAR_CHUNK;
		rc = inflate(&r->z, Z_NO_FLUSH);
		produced = SDX_TAR_CHUNK - r->z.avail_out;
		if (rc == Z_STREAM_END) {
			r->z_end = 1;
			/* one gzip member, nothing after it */
			if (r->z.avail_in == 0 && fill(r) < 0) {
				archive_set_error(a, r->io_errno, "read error");
				return ARCHIVE_FATAL;
			}
			if (r->z.avail_in > 0) {
				archive_set_error(a, EINVAL, "data after the end of the gzip stream");
				return ARCHIVE_FATAL;
			}
		} else if (rc == Z_BUF_ERROR && r->z.avail_in == 0 && r->eof) {
			archive_set_error(a, EINVAL, "truncated gzip input");
			return ARCHIVE_FATAL;
		} else if (rc != Z_OK && rc != Z_BUF_ERROR) {
			archive_set_error(a, rc == Z_MEM_ERROR ? ENOMEM : EINVAL, "gzip: %s",
					  r->z.msg ? r->z.msg : "damaged data");
			return ARCHIVE_FATAL;
		}
		if (produced > 0) {
			if (r->cw)
				pend_add(r, r->outbuf, produced);
			return (la_ssize_t)produced;
		}
	}
}

/* The canonical re-encoding's output: it must be what was read, byte for byte. */
static la_ssize_t canon_out(struct archive *a, void *ctx, const void *buf, size_t len)
{
	struct sdx_tar_reader *r = ctx;

	(void)a;
	if (!r->cw_failed && (len > r->pend_len || memcmp(buf, r->pend + r->pend_off, len) != 0))
		r->cw_failed = 1;
	if (!r->cw_failed) {
		r->pend_off += len;
		r->pend_len -= len;
	}
	return (la_ssize_t)len;
}

/* "'x.sdxb': member 'a/b': " or "'x.sdxb': " for messages about r. */
#define WHERE_FMT "'%s': %s%s%s"
#define WHERE(r) (r)->what, (r)->in_member ? "member '" : "", \
	(r)->in_member ? (r)->shown : "", (r)->in_member ? "': " : ""

/* Turn a libarchive failure into an sdx error. */
static int la_failed(struct sdx_tar_reader *r)
{
	const char *msg = archive_error_string(r->a);

	if (r->io_errno)
		return sdx_error_set(SDX_EIO, "cannot read '%s': %s", r->what,
				     strerror(r->io_errno));
	if (archive_errno(r->a) == ENOMEM)
		return sdx_error_set(SDX_ENOMEM, WHERE_FMT "out of memory", WHERE(r));
	/* libarchive says "Truncated tar archive", "truncated gzip input";
	 * the end of input having been reached tells nothing, as small
	 * archives are read whole at once. */
	if (msg ? strstr(msg, "runcat") != NULL || strstr(msg, "remature") != NULL : r->eof)
		return sdx_error_set(SDX_EFORMAT, WHERE_FMT "truncated", WHERE(r));
	return sdx_error_set(SDX_EFORMAT, WHERE_FMT "damaged (%s)", WHERE(r),
			     msg ? msg : "unknown libarchive error");
}

static int check_ratio(struct sdx_tar_reader *r)
{
	uint64_t u = (uint64_t)r->z.total_out, c = (uint64_t)r->z.total_in;
	uint64_t ratio = r->lim->max_ratio;

	if (u <= (uint64_t)SDX_TAR_RATIO_FLOOR)
		return 0;
	if (ratio != 0 && (uint64_t)c > UINT64_MAX / ratio)
		return 0;
	if (u > ratio * c)
		return sdx_error_set(SDX_ELIMIT, WHERE_FMT "decompression ratio over %" PRIu64
				     " (%" PRIu64 " bytes from %" PRIu64 ")", WHERE(r), ratio, u, c);
	return 0;
}

int sdx__tar_member_read(struct sdx_tar_reader *r, void *buf, size_t cap, size_t *got)
{
	la_ssize_t n;

	if (got)
		*got = 0;
	if (!r || !got || (!buf && cap > 0))
		return sdx_error_set(SDX_EINVAL, "archive: bad member read arguments");
	if (r->err)
		return r->err;
	if (!r->in_member)
		return sdx_error_set(SDX_EINVAL, "'%s': no member is being read", r->what);
	if (cap == 0 || r->left == 0)
		return 0;
	if (cap > r->left)
		cap = (size_t)r->left;
	/* a chunk at a time: libarchive reads as far ahead as it is asked to, and
	 * the canonical comparison keeps only PEND_MAX of the stream it has not
	 * re-encoded yet (a 790 KB member read whole was refused as not canonical) */
	if (cap > SDX_TAR_CHUNK)
		cap = SDX_TAR_CHUNK;
	n = archive_read_data(r->a, buf, cap);
	if (n < 0) {
		r->err = la_failed(r);
	} else if (n == 0 || (size_t)n > cap) {
		/* The header promised more than the archive holds. */
		r->err = sdx_error_set(SDX_EFORMAT, WHERE_FMT "truncated", WHERE(r));
	} else {
		r->left -= (uint64_t)n;
		r->err = check_ratio(r);
		if (!r->err)
			*got = (size_t)n;
		if (r->cw && !r->cw_failed && archive_write_data(r->cw, buf, (size_t)n) != n)
			r->cw_failed = 1;
	}
	return r->err;
}

/* Why a member that is not a plain regular file is refused; NULL if it is. */
static const char *type_refused(struct archive_entry *e)
{
	if (archive_entry_hardlink(e))
		return "hard link";
	switch (archive_entry_filetype(e)) {
	case AE_IFREG:
		return archive_entry_sparse_count(e) > 0 ? "sparse file" : NULL;
	case AE_IFLNK: return "symbolic link";
	case AE_IFDIR: return "directory";
	case AE_IFCHR: return "character device";
	case AE_IFBLK: return "block device";
	case AE_IFIFO: return "FIFO";
	case AE_IFSOCK: return "socket";
	default: return "unknown member type";
	}
}

/* A member of bounded records (lim->stream_suffix), read record by record. */
static int is_stream(const struct sdx_tar_limits *lim, const char *name)
{
	size_t n = strlen(name), k = lim->stream_suffix ? strlen(lim->stream_suffix) : 0;

	return k && n >= k && strcmp(name + n - k, lim->stream_suffix) == 0;
}

/* Check the header of the member just read; 0 if the callback may see it. */
static int check_member(struct sdx_tar_reader *r, struct archive_entry *e, const char *name,
			uint64_t n, uint64_t *total, struct seen *seen)
{
	unsigned char h[16];
	const char *why;
	la_int64_t size;
	int dup;

	if (n > r->lim->max_members)
		return sdx_error_set(SDX_ELIMIT, WHERE_FMT "more than %" PRIu64 " members",
				     WHERE(r), r->lim->max_members);
	if ((why = type_refused(e)) != NULL)
		return sdx_error_set(SDX_EFORMAT, WHERE_FMT "%s (only regular files are allowed)",
				     WHERE(r), why);
	if ((why = sdx__tar_name_check(name, strlen(name))) != NULL)
		return sdx_error_set(SDX_EFORMAT, WHERE_FMT "%s", WHERE(r), why);
	size = archive_entry_size(e);
	if (!archive_entry_size_is_set(e) || size < 0)
		return sdx_error_set(SDX_EFORMAT, WHERE_FMT "no valid size", WHERE(r));
	if ((uint64_t)size > r->lim->max_member && !is_stream(r->lim, name))
		return sdx_error_set(SDX_ELIMIT, WHERE_FMT "%" PRId64 " bytes, over the limit of %"
				     PRIu64, WHERE(r), (int64_t)size, r->lim->max_member);
	if ((uint64_t)size > r->lim->max_total - *total)
		return sdx_error_set(SDX_ELIMIT, WHERE_FMT "members add up to more than %" PRIu64
				     " bytes", WHERE(r), r->lim->max_total);
	*total += (uint64_t)size;
	crypto_generichash(h, sizeof(h), (const unsigned char *)name, strlen(name), NULL, 0);
	h[0] |= 1;   /* never all zero, which marks an empty slot */
	if ((dup = seen_insert(seen, h)) < 0)
		return sdx_error_set(SDX_ENOMEM, WHERE_FMT "out of memory", WHERE(r));
	if (dup)
		return sdx_error_set(SDX_EFORMAT, WHERE_FMT "duplicate name", WHERE(r));
	r->left = (uint64_t)size;
	return check_ratio(r);
}

/* Fill inbuf with the first bytes (at least 2 unless the input is shorter). */
static int prime(struct sdx_tar_reader *r)
{
	while (r->primed < sizeof(r->head)) {
		ssize_t n = read(r->fd, r->inbuf + r->primed, SDX_TAR_CHUNK - r->primed);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return sdx_error_set(SDX_EIO, "cannot read '%s': %s", r->what,
					     strerror(errno));
		if (n == 0) {
			r->eof = 1;
			break;
		}
		r->primed += (size_t)n;
	}
	if (r->primed == 0)
		return sdx_error_set(SDX_EFORMAT, "'%s': not an sdx bundle (empty file)", r->what);
	if (r->primed < 2 || r->inbuf[0] != 0x1f || r->inbuf[1] != 0x8b)
		return sdx_error_set(SDX_EFORMAT, "'%s': not an sdx bundle (not gzip)", r->what);
	r->headn = r->primed < sizeof(r->head) ? r->primed : sizeof(r->head);
	memcpy(r->head, r->inbuf, r->headn);
	return 0;
}

/* The gzip header sdx__tar_create() writes: deflate, no flags, no time, OS Unix. */
static const unsigned char canonical_gzip_head[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 };

/*
 * After the last member: read the stream to its end (so zlib checks the CRC
 * and length, and nothing may follow), then, in canonical mode, compare it
 * with the members' canonical encoding.
 */
static int finish(struct sdx_tar_reader *r)
{
	const void *p;
	la_ssize_t k;

	while ((k = src_read(r->a, r, &p)) > 0)
		;
	if (k < 0)
		return la_failed(r);
	if (!r->cw)
		return 0;
	if (archive_write_close(r->cw) != ARCHIVE_OK)
		r->cw_failed = 1;
	if (r->headn != sizeof(canonical_gzip_head) ||
	    memcmp(r->head, canonical_gzip_head, sizeof(canonical_gzip_head)) != 0)
		return sdx_error_set(SDX_EVERIFY, "'%s': the gzip header is not the one sdx writes "
				     "(flags, time or OS byte changed)", r->what);
	if (r->cw_failed || r->pend_len != 0)
		return sdx_error_set(SDX_EVERIFY, "'%s': the tar stream is not the canonical "
				     "encoding of its members (a header field, padding or the end "
				     "was changed)", r->what);
	return 0;
}

int sdx__tar_read_fd(int fd, const char *what, const struct sdx_tar_limits *lim,
		     sdx_tar_member_cb cb, void *ctx)
{
	static const struct sdx_tar_limits defaults = SDX_TAR_LIMITS_INIT;
	struct sdx_tar_reader r;
	struct seen seen = { NULL, 0, 0 };
	struct archive_entry *e, *ce;
	unsigned char *scratch = NULL;
	uint64_t n = 0, total = 0;
	size_t got;
	int err = 0, rc;

	memset(&r, 0, sizeof(r));
	r.fd = fd;
	r.what = what ? what : "archive";
	r.lim = lim ? lim : &defaults;
	if (!cb)
		return sdx_error_set(SDX_EINVAL, "'%s': no member callback", r.what);
	if ((err = sdx__init()) < 0)
		return err;
	if (!(r.inbuf = malloc(SDX_TAR_CHUNK)) || !(r.outbuf = malloc(SDX_TAR_CHUNK)) ||
	    !(scratch = malloc(SDX_TAR_CHUNK))) {
		err = sdx_error_set(SDX_ENOMEM, "'%s': out of memory", r.what);
		goto done;
	}
	if ((err = prime(&r)) < 0)
		goto done;
	/* gzip only (16 + window bits), one member */
	if (inflateInit2(&r.z, 16 + MAX_WBITS) != Z_OK) {
		err = sdx_error_set(SDX_ENOMEM, "'%s': out of memory", r.what);
		goto done;
	}
	r.z_ready = 1;
	if (r.lim->canonical) {
		if (!(r.pend = malloc(PEND_MAX))) {
			err = sdx_error_set(SDX_ENOMEM, "'%s': out of memory", r.what);
			goto done;
		}
		if (!(r.cw = archive_write_new()) || sdx__tar_canonical_setup(r.cw, 0) != ARCHIVE_OK ||
		    archive_write_open(r.cw, &r, NULL, canon_out, NULL) != ARCHIVE_OK) {
			err = sdx_error_set(SDX_EIO, "'%s': cannot set up the canonical encoding",
					    r.what);
			goto done;
		}
	}
	if (!(r.a = archive_read_new())) {
		err = sdx_error_set(SDX_ENOMEM, "'%s': out of memory", r.what);
		goto done;
	}
	/* Only tar (the gzip layer is ours); nothing is ever extracted. */
	if (archive_read_support_format_tar(r.a) != ARCHIVE_OK) {
		err = sdx_error_set(SDX_EIO, "'%s': libarchive cannot read tar", r.what);
		goto done;
	}
	if (archive_read_open(r.a, &r, NULL, src_read, NULL) != ARCHIVE_OK) {
		/* libarchive picks the format while opening: no format means the
		 * decompressed bytes do not start with a tar header, unless the
		 * gzip stream ended too early to tell. */
		const char *msg = archive_error_string(r.a);

		if (!r.io_errno && archive_format(r.a) == 0 && archive_errno(r.a) != ENOMEM &&
		    !(msg && (strstr(msg, "runcat") || strstr(msg, "gzip"))))
			err = sdx_error_set(SDX_EFORMAT, "'%s': not an sdx bundle "
					    "(not a tar archive)", r.what);
		else
			err = la_failed(&r);
		goto done;
	}
	for (;;) {
		const char *name;

		rc = archive_read_next_header(r.a, &e);
		if (rc == ARCHIVE_EOF)
			break;
		/* WARN too: it means libarchive changed or dropped something
		 * (a name it could not convert, a malformed pax record). */
		if (rc == ARCHIVE_WARN && !r.io_errno) {
			err = sdx_error_set(SDX_EFORMAT, "'%s': member %" PRIu64 ": %s", r.what,
					    n + 1, archive_error_string(r.a) ?
					    archive_error_string(r.a) : "unreadable header");
			goto done;
		}
		if (rc != ARCHIVE_OK) {
			err = la_failed(&r);
			goto done;
		}
		n++;
		name = archive_entry_pathname(e);
		if (!name)
			name = archive_entry_pathname_utf8(e);
		if (!name) {
			err = sdx_error_set(SDX_EFORMAT, "'%s': member %" PRIu64 ": name cannot "
					    "be decoded", r.what, n);
			goto done;
		}
		sdx__tar_name_shown(r.shown, sizeof(r.shown), name);
		r.in_member = 1;
		if ((err = check_member(&r, e, name, n, &total, &seen)) < 0)
			goto done;
		if (r.cw && !r.cw_failed) {
			if (!(ce = sdx__tar_canonical_entry(name, (uint64_t)archive_entry_size(e)))) {
				err = sdx_error_set(SDX_ENOMEM, "'%s': out of memory", r.what);
				goto done;
			}
			if (archive_write_header(r.cw, ce) != ARCHIVE_OK)
				r.cw_failed = 1;
			archive_entry_free(ce);
		}
		if ((rc = cb(ctx, name, archive_entry_size(e), &r)) != 0) {
			err = rc;
			goto done;
		}
		if ((err = r.err) < 0)
			goto done;
		/* Drop what the callback left, a chunk at a time, so that the
		 * ratio is watched (libarchive's own skip would not stop). */
		while (r.left > 0) {
			if ((err = sdx__tar_member_read(&r, scratch, SDX_TAR_CHUNK, &got)) < 0)
				goto done;
		}
		r.in_member = 0;
	}
	if (n == 0) {
		err = sdx_error_set(SDX_EFORMAT, "'%s': empty", r.what);
		goto done;
	}
	err = finish(&r);
done:
	if (r.a)
		archive_read_free(r.a);
	if (r.cw)
		archive_write_free(r.cw);
	free(r.pend);
	if (r.z_ready)
		inflateEnd(&r.z);
	free(seen.slot);
	free(scratch);
	free(r.outbuf);
	free(r.inbuf);
	return err;
}

int sdx__tar_read(const char *path, const struct sdx_tar_limits *lim, sdx_tar_member_cb cb,
		  void *ctx)
{
	struct stat st;
	int fd, err, flags;

	if (!path)
		return sdx_error_set(SDX_EINVAL, "archive: no path");
	/* O_NONBLOCK so that opening a FIFO cannot hang; refused below. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return sdx_error_set(errno == ENOENT ? SDX_ENOTFOUND : SDX_EIO,
				     "cannot open '%s': %s", path, strerror(errno));
	if (fstat(fd, &st) != 0) {
		err = sdx_error_set(SDX_EIO, "cannot read '%s': %s", path, strerror(errno));
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		err = sdx_error_set(SDX_EFORMAT, "'%s': not a regular file", path);
		goto done;
	}
	if ((flags = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
		err = sdx_error_set(SDX_EIO, "cannot read '%s': %s", path, strerror(errno));
		goto done;
	}
	err = sdx__tar_read_fd(fd, path, lim, cb, ctx);
done:
	close(fd);
	return err;
}
