/*
 * formats/bundle/archive.c - deterministic tar.gz writing and defensive tar.gz
 * reading for bundles (formats/bundle/archive.h), on top of libarchive.
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
#include "ledger/internal.h"
#include "sdx/error.h"

/* Size of every I/O buffer here: source reads, streamed members, skipping. */
#define CHUNK (64 * 1024)
/* Bytes of a hostile name shown in a message before it is cut short. */
#define SHOWN_MAX 200

/* ---- names ------------------------------------------------------------- */

/*
 * Length of the UTF-8 sequence at s (at most n bytes available) and its code
 * point; 0 when the bytes are not shortest-form UTF-8 of a scalar value.
 */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t c, min;

	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2; c = s[0] & 0x1fu; min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3; c = s[0] & 0x0fu; min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4; c = s[0] & 0x07u; min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3fu);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

const char *sdx__tar_name_check(const char *name, size_t len)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t i, start, depth = 0;

	if (len == 0)
		return "empty name";
	if (len > SDX_TAR_NAME_MAX)
		return "name longer than 255 bytes";
	if (s[0] == '/')
		return "path escapes the bundle";
	for (i = 0; i < len;) {
		uint32_t cp;
		size_t n;

		if (s[i] == '\0')
			return "NUL byte in name";
		if (s[i] < 0x20 || s[i] == 0x7f)
			return "control character in name";
		if (s[i] == '\\')
			return "backslash in name";
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = utf8_decode(s + i, len - i, &cp)) == 0)
			return "name is not valid UTF-8";
		/* C1 controls are as dangerous on a terminal as C0 ones. */
		if (cp >= 0x80 && cp <= 0x9f)
			return "control character in name";
		i += n;
	}
	for (start = 0, i = 0; i <= len; i++) {
		if (i < len && s[i] != '/')
			continue;
		if (i == start)
			return "empty path component";
		if (i - start == 1 && s[start] == '.')
			return "'.' path component";
		if (i - start == 2 && s[start] == '.' && s[start + 1] == '.')
			return "path escapes the bundle";
		if (++depth > SDX_TAR_NAME_DEPTH)
			return "more than 8 path components";
		start = i + 1;
	}
	return NULL;
}

/*
 * A name from outside, made safe to print: printable ASCII as is, other
 * bytes (and the quote and backslash) as \xNN, cut after SHOWN_MAX bytes.
 */
static void name_shown(char *out, size_t cap, const char *name)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)name;
	size_t o = 0, i;

	for (i = 0; s[i] && i < SHOWN_MAX && o + 5 < cap; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\'' && s[i] != '\\') {
			out[o++] = (char)s[i];
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[s[i] >> 4];
			out[o++] = hex[s[i] & 15];
		}
	}
	if (s[i] && o + 4 <= cap) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

/* ---- writer ------------------------------------------------------------ */

struct sdx_tar_writer {
	struct archive *a;
	int fd;
	char *path;
	char *tmp;          /* the temporary file, while it exists */
	char last[SDX_TAR_NAME_MAX + 1];
	int have_last;
	int failed;         /* a write went wrong: the archive can only be dropped */
	int dropping;       /* refuse all output: the archive is being dropped */
};

/* libarchive's output goes here, so that dropping an archive can cut it off. */
static la_ssize_t writer_output(struct archive *a, void *ctx, const void *buf, size_t len)
{
	struct sdx_tar_writer *w = ctx;
	const unsigned char *p = buf;
	size_t done = 0;

	if (w->dropping) {
		archive_set_error(a, ECANCELED, "archive dropped");
		return -1;
	}
	while (done < len) {
		ssize_t n = write(w->fd, p + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			archive_set_error(a, n < 0 ? errno : EIO, "%s", strerror(n < 0 ? errno : EIO));
			return -1;
		}
		done += (size_t)n;
	}
	return (la_ssize_t)len;
}

static void writer_free(struct sdx_tar_writer *w)
{
	if (!w)
		return;
	if (w->a) {
		/*
		 * Closing is the only way libarchive releases the gzip filter's
		 * zlib state; with output cut off it stops at the first block
		 * instead of padding an unfinished member to its full size.
		 */
		w->dropping = 1;
		archive_write_close(w->a);
		archive_write_free(w->a);
	}
	if (w->fd >= 0)
		close(w->fd);
	if (w->tmp)
		unlink(w->tmp);
	free(w->tmp);
	free(w->path);
	free(w);
}

/*
 * The one encoding of a bundle: pax_restricted (plain ustar unless a name
 * does not fit, then a pax "path" record, itself with mtime 0); gzip
 * in-process at a fixed level with no timestamp; fixed blocking (10240-byte
 * blocks, the last one not padded).  The reader rebuilds the tar stream with
 * the same settings (without gzip) to check an archive is canonical.
 */
static int canonical_setup(struct archive *a, int gzip)
{
	if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    (gzip && (archive_write_add_filter_gzip(a) != ARCHIVE_OK ||
		      archive_write_set_filter_option(a, "gzip", "compression-level", "6") != ARCHIVE_OK ||
		      archive_write_set_filter_option(a, "gzip", "timestamp", NULL) != ARCHIVE_OK)) ||
	    archive_write_set_bytes_per_block(a, 10240) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK)
		return ARCHIVE_FATAL;
	return ARCHIVE_OK;
}

/* A member header with everything that could vary between machines or runs fixed. */
static struct archive_entry *canonical_entry(const char *name, uint64_t size)
{
	struct archive_entry *e = archive_entry_new();

	if (!e)
		return NULL;
	archive_entry_copy_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)size);
	archive_entry_set_mtime(e, 0, 0);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	return e;
}

int sdx__tar_create(struct sdx_tar_writer **out, const char *path)
{
	struct sdx_tar_writer *w = NULL;
	unsigned char rnd[8];
	char suffix[2 * sizeof(rnd) + 1];
	struct stat st;
	size_t plen, tlen;
	int err = 0, attempt;

	if (!out)
		return sdx_error_set(SDX_EINVAL, "archive: no output pointer");
	*out = NULL;
	if (!path || !*path)
		return sdx_error_set(SDX_EINVAL, "archive: empty path");
	if ((err = sdx__init()) < 0)
		return err;
	if (lstat(path, &st) == 0)
		return sdx_error_set(SDX_EEXISTS, "'%s': already exists", path);
	if (errno != ENOENT)
		return sdx_error_set(SDX_EIO, "cannot create '%s': %s", path, strerror(errno));

	if (!(w = calloc(1, sizeof(*w)))) {
		err = sdx_error_set(SDX_ENOMEM, "'%s': out of memory", path);
		goto done;
	}
	w->fd = -1;
	plen = strlen(path);
	tlen = plen + sizeof(".tmp-") + sizeof(suffix);
	if (!(w->path = strdup(path)) || !(w->tmp = malloc(tlen))) {
		err = sdx_error_set(SDX_ENOMEM, "'%s': out of memory", path);
		goto done;
	}
	/* A random name, so that concurrent writers never share a file. */
	for (attempt = 0; attempt < 16 && w->fd < 0; attempt++) {
		randombytes_buf(rnd, sizeof(rnd));
		sdx__hex(suffix, rnd, sizeof(rnd));
		snprintf(w->tmp, tlen, "%s.tmp-%s", path, suffix);
		w->fd = open(w->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (w->fd < 0 && errno != EEXIST) {
			err = sdx_error_set(SDX_EIO, "cannot create '%s': %s", w->tmp,
					    strerror(errno));
			free(w->tmp);
			w->tmp = NULL;
			goto done;
		}
	}
	if (w->fd < 0) {
		err = sdx_error_set(SDX_EIO, "cannot create a temporary file for '%s'", path);
		free(w->tmp);
		w->tmp = NULL;
		goto done;
	}

	if (!(w->a = archive_write_new())) {
		err = sdx_error_set(SDX_ENOMEM, "'%s': out of memory", path);
		goto done;
	}
	/* Determinism: see canonical_setup(); gzip must run in-process (a WARN
	 * would mean an external program). */
	if (canonical_setup(w->a, 1) != ARCHIVE_OK ||
	    archive_write_open(w->a, w, NULL, writer_output, NULL) != ARCHIVE_OK) {
		err = sdx_error_set(SDX_EIO, "'%s': cannot set up the archive: %s", path,
				    archive_error_string(w->a) ? archive_error_string(w->a)
							       : "libarchive refused an option");
		goto done;
	}
	*out = w;
	w = NULL;
done:
	writer_free(w);
	return err;
}

static int writer_failed(struct sdx_tar_writer *w, const char *name)
{
	const char *msg = archive_error_string(w->a);

	w->failed = 1;
	return sdx_error_set(SDX_EIO, "'%s': member '%s': cannot write: %s", w->path, name,
			     msg ? msg : "unknown error");
}

static int name_is_ascii(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)name[i] >= 0x80)
			return 0;
	return 1;
}

/* Check the name and its order, then write the member's header. */
static int add_header(struct sdx_tar_writer *w, const char *name, uint64_t size)
{
	struct archive_entry *e = NULL;
	char shown[SHOWN_MAX * 4 + 8];
	const char *why;
	size_t len;
	int err = 0;

	if (!w || !name)
		return sdx_error_set(SDX_EINVAL, "archive: no writer or no name");
	name_shown(shown, sizeof(shown), name);
	if (w->failed)
		return sdx_error_set(SDX_EINVAL, "'%s': member '%s': an earlier write failed",
				     w->path, shown);
	len = strnlen(name, SDX_TAR_NAME_MAX + 1);
	if ((why = sdx__tar_name_check(name, len)) != NULL)
		return sdx_error_set(SDX_EINVAL, "'%s': member '%s': %s", w->path, shown, why);
	if (w->have_last && strcmp(w->last, name) >= 0)
		return sdx_error_set(SDX_EINVAL, "'%s': member '%s' does not sort after '%s'",
				     w->path, shown, w->last);
	if (size > (uint64_t)INT64_MAX)
		return sdx_error_set(SDX_EINVAL, "'%s': member '%s': too large", w->path, shown);

	/*
	 * libarchive's pax writer converts a non-ASCII name from the current
	 * locale to UTF-8 (failing in the C locale), and "hdrcharset=BINARY",
	 * the way around it, can only be set for the whole archive and then
	 * puts a pax header before every member.  Bundle names are ASCII
	 * (formats/bundle.md), so the writer keeps to that.
	 */
	if (!name_is_ascii(name, len))
		return sdx_error_set(SDX_EINVAL, "'%s': member '%s': name is not ASCII",
				     w->path, shown);
	if (!(e = canonical_entry(name, size))) {
		err = sdx_error_set(SDX_ENOMEM, "'%s': out of memory", w->path);
		goto done;
	}
	if (archive_write_header(w->a, e) != ARCHIVE_OK) {
		err = writer_failed(w, shown);
		goto done;
	}
	memcpy(w->last, name, len + 1);
	w->have_last = 1;
done:
	archive_entry_free(e);
	return err;
}

static int write_all(struct sdx_tar_writer *w, const char *name, const void *data, size_t len)
{
	const unsigned char *p = data;

	while (len > 0) {
		la_ssize_t n = archive_write_data(w->a, p, len);

		if (n <= 0 || (size_t)n > len)
			return writer_failed(w, name);
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int sdx__tar_add(struct sdx_tar_writer *w, const char *name, const void *data, size_t len)
{
	int err;

	if (!data && len > 0)
		return sdx_error_set(SDX_EINVAL, "archive: member '%s': no data",
				     name ? name : "");
	if ((err = add_header(w, name, len)) < 0)
		return err;
	return write_all(w, w->last, data, len);
}

int sdx__tar_add_stream(struct sdx_tar_writer *w, const char *name, uint64_t size,
			int (*read)(void *ctx, void *buf, size_t cap, size_t *got),
			void *ctx)
{
	unsigned char *buf = NULL;
	uint64_t left = size;
	size_t got;
	int err;

	if (!read)
		return sdx_error_set(SDX_EINVAL, "archive: member '%s': no reader",
				     name ? name : "");
	if ((err = add_header(w, name, size)) < 0)
		return err;
	if (!(buf = malloc(CHUNK))) {
		w->failed = 1;
		err = sdx_error_set(SDX_ENOMEM, "'%s': out of memory", w->path);
		goto done;
	}
	/* Ask until the source says it is done, so that a source longer than
	 * announced is caught rather than silently cut. */
	for (;;) {
		got = 0;
		if ((err = read(ctx, buf, CHUNK, &got)) < 0) {
			w->failed = 1;
			goto done;
		}
		if (got == 0)
			break;
		if (got > CHUNK || got > left) {
			w->failed = 1;
			err = sdx_error_set(SDX_EIO, "'%s': member '%s': source gave more than "
					    "%" PRIu64 " bytes", w->path, w->last, size);
			goto done;
		}
		if ((err = write_all(w, w->last, buf, got)) < 0)
			goto done;
		left -= got;
	}
	if (left != 0) {
		w->failed = 1;
		err = sdx_error_set(SDX_EIO, "'%s': member '%s': source ended after %" PRIu64
				    " of %" PRIu64 " bytes", w->path, w->last, size - left, size);
		goto done;
	}
	err = 0;
done:
	free(buf);
	return err;
}

/* fsync the directory holding path, so that the new name is durable. */
static int sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = NULL;
	int fd = -1, err = 0;

	if (!slash)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	if (!dir)
		return sdx_error_set(SDX_ENOMEM, "'%s': out of memory", path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	/* Some file systems cannot sync a directory (EINVAL): nothing to do. */
	if (fd < 0 || (fsync(fd) != 0 && errno != EINVAL))
		err = sdx_error_set(SDX_EIO, "'%s': cannot sync directory '%s': %s", path, dir,
				    strerror(errno));
	if (fd >= 0)
		close(fd);
	free(dir);
	return err;
}

int sdx__tar_close(struct sdx_tar_writer *w)
{
	struct stat st;
	int err = 0, fd;

	if (!w)
		return sdx_error_set(SDX_EINVAL, "archive: no writer");
	if (w->failed) {
		err = sdx_error_set(SDX_EINVAL, "'%s': not written: an earlier write failed",
				    w->path);
		goto done;
	}
	if (archive_write_close(w->a) != ARCHIVE_OK) {
		w->failed = 1;
		err = sdx_error_set(SDX_EIO, "'%s': cannot finish the archive: %s", w->path,
				    archive_error_string(w->a) ? archive_error_string(w->a) : "?");
		goto done;
	}
	fd = w->fd;
	w->fd = -1;
	if (fsync(fd) != 0) {
		err = sdx_error_set(SDX_EIO, "'%s': cannot sync: %s", w->tmp, strerror(errno));
		close(fd);
		goto done;
	}
	if (close(fd) != 0) {
		err = sdx_error_set(SDX_EIO, "'%s': cannot close: %s", w->tmp, strerror(errno));
		goto done;
	}
	/*
	 * link() publishes without ever replacing a file that appeared at path
	 * since create; where the file system has no hard links, rename() after
	 * a last look is the best there is.
	 */
	if (link(w->tmp, w->path) == 0) {
		unlink(w->tmp);
	} else if (errno == EEXIST) {
		err = sdx_error_set(SDX_EEXISTS, "'%s': already exists", w->path);
		goto done;
	} else if (errno == EPERM || errno == ENOTSUP || errno == EOPNOTSUPP ||
		   errno == ENOSYS || errno == EMLINK || errno == EXDEV) {
		if (lstat(w->path, &st) == 0) {
			err = sdx_error_set(SDX_EEXISTS, "'%s': already exists", w->path);
			goto done;
		}
		if (rename(w->tmp, w->path) != 0) {
			err = sdx_error_set(SDX_EIO, "cannot create '%s': %s", w->path,
					    strerror(errno));
			goto done;
		}
	} else {
		err = sdx_error_set(SDX_EIO, "cannot create '%s': %s", w->path, strerror(errno));
		goto done;
	}
	free(w->tmp);
	w->tmp = NULL;
	err = sync_dir(w->path);
done:
	writer_free(w);
	return err;
}

void sdx__tar_abort(struct sdx_tar_writer *w)
{
	writer_free(w);
}

/* ---- reader ------------------------------------------------------------ */

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
	unsigned char *inbuf;               /* CHUNK bytes of compressed input */
	size_t primed;                      /* bytes already in inbuf, not yet given */
	int eof;                            /* the source has been read to its end */
	int io_errno;                       /* a read(2) error, 0 if none */
	/* gzip is inflated here with zlib (which checks the CRC and length) and
	 * libarchive reads plain tar, so every byte of the stream passes by */
	z_stream z;
	int z_ready, z_end;
	unsigned char *outbuf;              /* CHUNK bytes of tar stream */
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
	char shown[SHOWN_MAX * 4 + 8];      /* the current member, printable */
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
		n = read(r->fd, r->inbuf, CHUNK);
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
#define PEND_MAX (4 * CHUNK)

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
		r->z.avail_out = CHUNK;
		rc = inflate(&r->z, Z_NO_FLUSH);
		produced = CHUNK - r->z.avail_out;
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
		ssize_t n = read(r->fd, r->inbuf + r->primed, CHUNK - r->primed);

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
	if (!(r.inbuf = malloc(CHUNK)) || !(r.outbuf = malloc(CHUNK)) ||
	    !(scratch = malloc(CHUNK))) {
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
		if (!(r.cw = archive_write_new()) || canonical_setup(r.cw, 0) != ARCHIVE_OK ||
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
		name_shown(r.shown, sizeof(r.shown), name);
		r.in_member = 1;
		if ((err = check_member(&r, e, name, n, &total, &seen)) < 0)
			goto done;
		if (r.cw && !r.cw_failed) {
			if (!(ce = canonical_entry(name, (uint64_t)archive_entry_size(e)))) {
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
			if ((err = sdx__tar_member_read(&r, scratch, CHUNK, &got)) < 0)
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
