/*
 * ledger/attachment.c - attachments: files stored content-addressed by
 * SHA-256, in chunks of SDX_ATTACH_CHUNK bytes; storing from a file or
 * from pieces (a bundle), reading back as a stream or into a file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ledger/store.h"

#define CHUNK_INSERT "INSERT INTO attachment_chunks(hash, n, data) VALUES(?, ?, ?)"
#define CHUNKS_SELECT "SELECT data FROM attachment_chunks WHERE hash = ? ORDER BY n"

int sdx_ledger_has_attachment(sdx_ledger *l, const unsigned char hash[32])
{
	/* asked once per cited attachment of every record appended */
	return sdx__db_run(l, &l->st_has_attachment, "reading attachments",
			   "SELECT 1 FROM attachments WHERE hash = ?", SDX__HASH(hash));
}

/* Chunk n of the attachment `hash`. */
static int put_chunk(sdx_ledger *l, const unsigned char hash[32], sqlite3_int64 n,
		     const unsigned char *data, size_t len)
{
	int err = sdx__db_run(l, &l->st_chunk_insert, "storing attachment", CHUNK_INSERT,
			      SDX__HASH(hash), SDX__INT(n), SDX__BLOB(data, len));

	return err < 0 ? err : 0;
}

/* The row that makes the chunks an attachment: written last. */
static int put_attachment(sdx_ledger *l, const unsigned char hash[32], uint64_t size,
			  const char *name)
{
	int err = sdx__db_run(l, NULL, "storing attachment",
			      "INSERT INTO attachments(hash, size, name) VALUES(?, ?, ?)",
			      SDX__HASH(hash), SDX__INT(size), SDX__TEXT(name));

	return err < 0 ? err : 0;
}

/*
 * Read the file at `path` in chunks, into its SHA-256 and size; with `key`,
 * store each chunk too, as a chunk of the attachment `key`.
 */
static int read_file(sdx_ledger *l, const char *path, const unsigned char *key,
		     unsigned char out[32], uint64_t *size)
{
	sdx__sha256_ctx h = { 0 };
	unsigned char *buf = NULL;
	sqlite3_int64 n = 0;
	uint64_t total = 0;
	FILE *f = NULL;
	size_t got;
	int err = 0;

	if (!(f = fopen(path, "rb")))
		return sdx_error_set(errno == ENOENT ? SDX_ENOTFOUND : SDX_EIO,
				     "cannot open attachment '%s': %s", path, strerror(errno));
	if (!(buf = malloc(SDX_ATTACH_CHUNK))) {
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
		goto done;
	}
	sdx__sha256_init(&h);
	while ((got = fread(buf, 1, SDX_ATTACH_CHUNK, f)) > 0) {
		sdx__sha256_update(&h, buf, got);
		total += got;
		if (key && (err = put_chunk(l, key, n++, buf, got)) < 0)
			goto done;
	}
	if (ferror(f)) {
		err = sdx_error_set(SDX_EIO, "cannot read attachment '%s': %s", path, strerror(errno));
		goto done;
	}
	sdx__sha256_final(&h, out);
	*size = total;
done:
	sdx__sha256_clear(&h);
	free(buf);
	fclose(f);
	return err;
}

int sdx_ledger_attach_file(unsigned char out_hash[32], uint64_t *out_size, sdx_ledger *l,
			   const char *path)
{
	unsigned char hash[32], check[32];
	uint64_t size = 0, total = 0;
	const char *base;
	int err;

	if (!l->in_tx)
		return sdx_error_set(SDX_EINVAL, "'%s': attach outside a transaction", l->path);
	/* Two passes: the content address must be known before the chunks are
	 * keyed by it, and rows are never updated afterwards. */
	if ((err = read_file(l, path, NULL, hash, &size)) < 0)
		return err;
	if (out_hash)
		memcpy(out_hash, hash, 32);
	if (out_size)
		*out_size = size;
	if ((err = sdx_ledger_has_attachment(l, hash)) != 0)
		return err < 0 ? err : 0;
	if ((err = read_file(l, path, hash, check, &total)) < 0)
		return err;
	if (total != size || memcmp(check, hash, 32) != 0)
		return sdx_error_set(SDX_EIO, "attachment '%s' changed while it was being stored",
				     path);
	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	return put_attachment(l, hash, size, base);
}

int sdx_ledger_export_attachment(sdx_ledger *l, const unsigned char hash[32], const char *path)
{
	struct sdx__stmt s = { 0 };
	FILE *f = NULL;
	int fd, err = 0, rc;

	if ((err = sdx_ledger_has_attachment(l, hash)) <= 0) {
		char hex[65];
		sdx__hex(hex, hash, 32);
		return err < 0 ? err : sdx_error_set(SDX_ENOTFOUND, "no attachment %s", hex);
	}
	err = 0;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0 || !(f = fdopen(fd, "wb"))) {
		err = sdx_error_set(errno == EEXIST ? SDX_EEXISTS : SDX_EIO,
				    "cannot create '%s': %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return err;
	}
	if ((err = sdx__stmt(&s, l, NULL, "reading attachment", CHUNKS_SELECT,
			     SDX__HASH(hash))) < 0)
		goto done;
	while ((rc = sdx__stmt_step(&s)) == 1) {
		int n = sqlite3_column_bytes(s.st, 0);
		if (n > 0 && fwrite(sqlite3_column_blob(s.st, 0), 1, (size_t)n, f) != (size_t)n) {
			err = sdx_error_set(SDX_EIO, "cannot write '%s': %s", path, strerror(errno));
			goto done;
		}
	}
	err = rc;
done:
	sdx__stmt_end(&s);
	if (fclose(f) != 0 && !err)
		err = sdx_error_set(SDX_EIO, "cannot write '%s': %s", path, strerror(errno));
	if (err < 0)
		unlink(path);
	return err;
}

struct sdx_attachment_reader {
	struct sdx__stmt s;
	unsigned char hash[32];       /* bound to s for its life */
	const unsigned char *chunk;
	size_t len, off;
	int done;
};

int sdx_ledger_attachment_open(sdx_attachment_reader **out, uint64_t *size, sdx_ledger *l,
			       const unsigned char hash[32])
{
	sdx_attachment_reader *r = NULL;
	struct sdx__stmt s;
	char hex[65];
	int err;

	*out = NULL;
	if ((err = sdx__stmt(&s, l, NULL, "reading attachments",
			     "SELECT size FROM attachments WHERE hash = ?", SDX__HASH(hash))) < 0)
		return err;
	if ((err = sdx__stmt_step(&s)) == 1 && size)
		*size = (uint64_t)sqlite3_column_int64(s.st, 0);
	sdx__stmt_end(&s);
	if (err == 0) {
		sdx__hex(hex, hash, 32);
		return sdx_error_set(SDX_ENOTFOUND, "'%s': no attachment %s", l->path, hex);
	}
	if (err < 0)
		return err;
	if (!(r = calloc(1, sizeof(*r))))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	memcpy(r->hash, hash, 32);
	if ((err = sdx__stmt(&r->s, l, NULL, "reading attachment", CHUNKS_SELECT,
			     SDX__HASH(r->hash))) < 0) {
		free(r);
		return err;
	}
	*out = r;
	return 0;
}

int sdx_attachment_read(sdx_attachment_reader *r, void *buf, size_t cap, size_t *got)
{
	size_t n;
	int rc;

	*got = 0;
	while (!r->done && r->off == r->len) {
		if ((rc = sdx__stmt_step(&r->s)) < 0)
			return rc;
		if (rc == 0) {
			r->done = 1;
			break;
		}
		r->chunk = sqlite3_column_blob(r->s.st, 0);
		r->len = (size_t)sqlite3_column_bytes(r->s.st, 0);
		r->off = 0;
	}
	if (r->done)
		return 0;
	n = r->len - r->off < cap ? r->len - r->off : cap;
	memcpy(buf, r->chunk + r->off, n);
	r->off += n;
	*got = n;
	return 0;
}

void sdx_attachment_reader_free(sdx_attachment_reader *r)
{
	if (!r)
		return;
	sdx__stmt_end(&r->s);
	free(r);
}

/* Attachments arriving in pieces (from a bundle); the hash is checked at the end. */
struct sdx_attachment_writer {
	sdx_ledger *l;
	unsigned char hash[32];
	uint64_t size, got;
	sdx__sha256_ctx h;
	unsigned char *buf;
	size_t fill;
	sqlite3_int64 n;
	int skip;
};

int sdx_ledger_attachment_create(sdx_attachment_writer **out, sdx_ledger *l,
				 const unsigned char hash[32], uint64_t size)
{
	sdx_attachment_writer *w;
	int have;

	*out = NULL;
	if (!l->in_tx)
		return sdx_error_set(SDX_EINVAL, "'%s': attach outside a transaction", l->path);
	if ((have = sdx_ledger_has_attachment(l, hash)) < 0)
		return have;
	if (!(w = calloc(1, sizeof(*w))) || (!have && !(w->buf = malloc(SDX_ATTACH_CHUNK)))) {
		free(w);
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	}
	w->l = l;
	memcpy(w->hash, hash, 32);
	w->size = size;
	w->skip = have; /* content-addressed: already stored means identical */
	sdx__sha256_init(&w->h);
	*out = w;
	return 0;
}

static int writer_flush(sdx_attachment_writer *w)
{
	int err;

	if (w->fill == 0)
		return 0;
	err = put_chunk(w->l, w->hash, w->n++, w->buf, w->fill);
	w->fill = 0;
	return err;
}

int sdx_attachment_write(sdx_attachment_writer *w, const void *data, size_t len)
{
	const unsigned char *p = data;
	int err;

	sdx__sha256_update(&w->h, p, len);
	w->got += len;
	if (w->got > w->size)
		return sdx_error_set(SDX_EVERIFY, "attachment longer than announced");
	if (w->skip)
		return 0;
	while (len) {
		size_t k = SDX_ATTACH_CHUNK - w->fill < len ? SDX_ATTACH_CHUNK - w->fill : len;
		memcpy(w->buf + w->fill, p, k);
		w->fill += k;
		p += k;
		len -= k;
		if (w->fill == SDX_ATTACH_CHUNK && (err = writer_flush(w)) < 0)
			return err;
	}
	return 0;
}

int sdx_attachment_writer_finish(sdx_attachment_writer *w)
{
	unsigned char check[32];
	int err = 0;

	sdx__sha256_final(&w->h, check);
	if (w->got != w->size || memcmp(check, w->hash, 32) != 0)
		err = sdx_error_set(SDX_EVERIFY, "attachment content does not match its hash");
	else if (!w->skip && (err = writer_flush(w)) == 0)
		err = put_attachment(w->l, w->hash, w->size, "(imported)");
	sdx_attachment_writer_free(w);
	return err;
}

void sdx_attachment_writer_free(sdx_attachment_writer *w)
{
	if (!w)
		return;
	sdx__sha256_clear(&w->h);
	free(w->buf);
	free(w);
}
