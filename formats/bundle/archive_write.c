/*
 * formats/bundle/archive_write.c - deterministic tar.gz writing for bundles
 * (formats/bundle/archive.h): the tar stream from libarchive, gzip on a thread
 * of its own (deflate_thread.c), into a temporary file
 * published by rename once complete.
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
#include "formats/bundle/deflate_thread.h"
#include "formats/bundle/tar.h"
#include "ledger/internal.h"
#include "sdx/error.h"

struct sdx_tar_writer {
	struct archive *a;
	int fd;
	struct sdx__gz *gz;  /* the gzip layer, on its own thread */
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
	if (w->gz) {
		if (sdx__gz_write(w->gz, buf, len) < 0) {
			archive_set_error(a, EIO, "%s", sdx_error_last());
			return -1;
		}
		return (la_ssize_t)len;
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
	sdx__gz_free(w->gz);
	if (w->fd >= 0)
		close(w->fd);
	if (w->tmp)
		unlink(w->tmp);
	free(w->tmp);
	free(w->path);
	free(w);
}

int sdx__tar_create(struct sdx_tar_writer **out, const char *path)
{
	return sdx__tar_create_age(out, path, NULL, 0);
}

int sdx__tar_create_age(struct sdx_tar_writer **out, const char *path,
			const unsigned char (*age)[32], size_t n_age)
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
	/* Determinism: see sdx__tar_canonical_setup(); libarchive writes the tar
	 * stream, and the gzip layer deflates it on its own thread. */
	if ((err = sdx__gz_start(&w->gz, w->fd, path, age, n_age)) < 0)
		goto done;
	if (sdx__tar_canonical_setup(w->a, 0) != ARCHIVE_OK ||
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
	char shown[SDX_TAR_SHOWN_MAX * 4 + 8];
	const char *why;
	size_t len;
	int err = 0;

	if (!w || !name)
		return sdx_error_set(SDX_EINVAL, "archive: no writer or no name");
	sdx__tar_name_shown(shown, sizeof(shown), name);
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
	if (!(e = sdx__tar_canonical_entry(name, size))) {
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
	if (!(buf = malloc(SDX_TAR_CHUNK))) {
		w->failed = 1;
		err = sdx_error_set(SDX_ENOMEM, "'%s': out of memory", w->path);
		goto done;
	}
	/* Ask until the source says it is done, so that a source longer than
	 * announced is caught rather than silently cut. */
	for (;;) {
		got = 0;
		if ((err = read(ctx, buf, SDX_TAR_CHUNK, &got)) < 0) {
			w->failed = 1;
			goto done;
		}
		if (got == 0)
			break;
		if (got > SDX_TAR_CHUNK || got > left) {
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
	if ((err = sdx__gz_finish(w->gz)) < 0) {
		w->failed = 1;
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
