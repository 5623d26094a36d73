/*
 * ledger/publish.c - write the ledger as a static C2SP tlog-tiles directory.
 *
 * The published tree is the one of the latest signed checkpoint, so readers
 * always find every tile the checkpoint needs.  Full tiles never change and
 * are skipped when already present; partial tiles are written under their
 * own .p/W name; the checkpoint file is replaced last, atomically, so a
 * reader never sees a checkpoint before its tiles.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ledger/store.h"
#include "sdx/dsse.h"

#define PATH_CAP 4096

static int mkdirs(char *path)
{
	char *p;

	/* create every parent of the file `path` */
	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) != 0 && errno != EEXIST) {
			int e = errno;
			*p = '/';
			return sdx_error_set(SDX_EIO, "cannot create directory for '%s': %s", path,
					     strerror(e));
		}
		*p = '/';
	}
	return 0;
}

/* Write data to path through a temporary file and rename. */
static int write_atomic(const char *path, const void *data, size_t len)
{
	char tmp[PATH_CAP + 16];
	int fd, err = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return sdx_error_set(SDX_EIO, "cannot write '%s': %s", tmp, strerror(errno));
	if (len && write(fd, data, len) != (ssize_t)len)
		err = sdx_error_set(SDX_EIO, "cannot write '%s': %s", tmp, strerror(errno));
	if (close(fd) != 0 && !err)
		err = sdx_error_set(SDX_EIO, "cannot write '%s': %s", tmp, strerror(errno));
	if (!err && rename(tmp, path) != 0)
		err = sdx_error_set(SDX_EIO, "cannot rename to '%s': %s", path, strerror(errno));
	if (err)
		unlink(tmp);
	return err;
}

static int tile_file(const char *dir, int level, uint64_t index, unsigned width,
		     char *out, size_t cap)
{
	char rel[256];
	int err;

	if ((err = sdx_tile_path(rel, sizeof(rel), level, index, width)) < 0)
		return err;
	if ((size_t)snprintf(out, cap, "%s/%s", dir, rel) >= cap)
		return sdx_error_set(SDX_ELIMIT, "path '%s/%s' too long", dir, rel);
	return 0;
}

/* Hash tile (level, index, width): nodes at tree level 8*level. */
static int hash_tile(sdx_ledger *l, int level, uint64_t index, unsigned width,
		     unsigned char *buf)
{
	uint64_t first = index * SDX_TILE_WIDTH;
	struct sdx__stmt s;
	unsigned got = 0;
	int rc = 0, err;

	if ((err = sdx__stmt(&s, l, NULL, "reading tree hashes", "SELECT hash FROM nodes WHERE "
			     "level = ? AND idx >= ? AND idx < ? ORDER BY idx", SDX__INT(level * 8),
			     SDX__INT(first), SDX__INT(first + width))) < 0)
		return err;
	while (got < width && (rc = sdx__stmt_step(&s)) == 1) {
		if (!sdx__column_hash(s.st, 0, buf + 32 * got++)) {
			err = sdx_error_set(SDX_EVERIFY, "'%s': damaged tree hash", l->path);
			goto done;
		}
	}
	if (got != width)
		err = rc < 0 ? rc : sdx_error_set(SDX_EVERIFY, "'%s': tree hashes missing for tile "
						  "%d/%" PRIu64, l->path, level, index);
done:
	sdx__stmt_end(&s);
	return err;
}

/* Entry bundle: each entry as a 2-byte big-endian length and its bytes. */
static int entry_tile(sdx_ledger *l, uint64_t index, unsigned width, unsigned char **buf,
		      size_t *len)
{
	uint64_t first = index * SDX_TILE_WIDTH;
	size_t cap = (size_t)width * (SDX_DSSE_MAX_ENVELOPE + 2), n = 0;
	struct sdx__stmt s = { 0 };
	unsigned got = 0;
	int rc, err;

	if (!(*buf = malloc(cap)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	if ((err = sdx__stmt(&s, l, NULL, "reading entries", "SELECT sdx_envelope(data) FROM entries WHERE "
			     "idx >= ? AND idx < ? ORDER BY idx", SDX__INT(first),
			     SDX__INT(first + width))) < 0)
		goto done;
	while ((rc = sdx__stmt_step(&s)) == 1) {
		int m = sqlite3_column_bytes(s.st, 0);
		if (m > SDX_DSSE_MAX_ENVELOPE) {
			err = sdx_error_set(SDX_ELIMIT, "'%s': entry %" PRIu64 " too large for a tile",
					    l->path, first + got);
			goto done;
		}
		(*buf)[n++] = (unsigned char)(m >> 8);
		(*buf)[n++] = (unsigned char)m;
		memcpy(*buf + n, sqlite3_column_blob(s.st, 0), (size_t)m);
		n += (size_t)m;
		got++;
	}
	if (rc < 0)
		err = rc;
	else if (got != width)
		err = sdx_error_set(SDX_EVERIFY, "'%s': entries missing for tile %" PRIu64,
				    l->path, index);
done:
	sdx__stmt_end(&s);
	if (err < 0) {
		free(*buf);
		*buf = NULL;
	}
	*len = n;
	return err;
}

/* The bytes of tile (level, index, width) into *buf (malloc'd). */
static int build_tile(sdx_ledger *l, int level, uint64_t index, unsigned width,
		      unsigned char **buf, size_t *len)
{
	int err;

	if (level == SDX_TILE_ENTRIES)
		return entry_tile(l, index, width, buf, len);
	*len = 0;
	if (!(*buf = malloc(32 * (size_t)width)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	if ((err = hash_tile(l, level, index, width, *buf)) < 0) {
		free(*buf);
		*buf = NULL;
		return err;
	}
	*len = 32 * (size_t)width;
	return 0;
}

int sdx_ledger_tile(unsigned char **out, size_t *out_len, sdx_ledger *l, int level,
		    uint64_t index, unsigned width, uint64_t tree_size)
{
	int shift = 8 * (level == SDX_TILE_ENTRIES ? 0 : level);
	uint64_t n, end;
	int err;

	*out = NULL;
	*out_len = 0;
	if (level < SDX_TILE_ENTRIES || level > 7 || width < 1 || width > SDX_TILE_WIDTH)
		return sdx_error_set(SDX_EINVAL, "no tile of level %d and width %u", level, width);
	/* the nodes it holds must be complete in the tree of tree_size */
	n = tree_size >> shift;
	if (index > (UINT64_MAX - width) / SDX_TILE_WIDTH ||
	    (end = index * SDX_TILE_WIDTH + width) > n)
		return sdx_error_set(SDX_ENOTFOUND, "tile %d/%" PRIu64 " of width %u is not in "
				     "the tree of size %" PRIu64, level, index, width, tree_size);
	if ((err = sdx__db_exec(l, "BEGIN")) < 0)
		return err;
	err = build_tile(l, level, index, width, out, out_len);
	sqlite3_exec(l->db, "COMMIT", NULL, NULL, NULL);
	return err;
}

static int exists(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

int sdx_ledger_publish(sdx_publish_stats *out, sdx_ledger *l, const char *dir)
{
	sdx_publish_stats stats = { 0, 0, 0 };
	unsigned char *ebuf = NULL;
	char path[PATH_CAP], *note = NULL;
	sdx_checkpoint cp;
	size_t note_len = 0, elen = 0;
	uint64_t n, t, tiles;
	int level, err, in_read = 0;

	if ((err = sdx__db_exec(l, "BEGIN")) < 0)
		return err;
	in_read = 1;
	if ((err = sdx_ledger_get_checkpoint(&note, &note_len, &cp, l, 0)) < 0)
		goto done;
	stats.size = cp.size;
	/* level L tiles cover the nodes at tree level 8L; a partial tile exists
	 * only for the nodes that are complete. */
	for (level = 0; level < 8 && (n = cp.size >> (8 * level)) > 0; level++) {
		tiles = (n + SDX_TILE_WIDTH - 1) / SDX_TILE_WIDTH;
		for (t = 0; t < tiles; t++) {
			unsigned width = (unsigned)(t + 1 < tiles || n % SDX_TILE_WIDTH == 0
						    ? SDX_TILE_WIDTH : n % SDX_TILE_WIDTH);
			int kinds;
			for (kinds = 0; kinds < 2; kinds++) {
				int lv = kinds ? SDX_TILE_ENTRIES : level;
				if (kinds && level != 0)
					break;
				if ((err = tile_file(dir, lv, t, width, path, sizeof(path))) < 0)
					goto done;
				if (exists(path)) {
					stats.tiles_kept++;
					continue;
				}
				if ((err = mkdirs(path)) < 0)
					goto done;
				if ((err = build_tile(l, lv, t, width, &ebuf, &elen)) < 0 ||
				    (err = write_atomic(path, ebuf, elen)) < 0)
					goto done;
				free(ebuf);
				ebuf = NULL;
				stats.tiles_written++;
			}
			if (level == 0)
				sdx__progress(t * SDX_TILE_WIDTH + width, cp.size);
		}
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/checkpoint", dir) >= sizeof(path)) {
		err = sdx_error_set(SDX_ELIMIT, "path '%s' too long", dir);
		goto done;
	}
	if ((err = mkdirs(path)) < 0 || (err = write_atomic(path, note, note_len)) < 0)
		goto done;
done:
	if (in_read)
		sqlite3_exec(l->db, "COMMIT", NULL, NULL, NULL);
	free(ebuf);
	free(note);
	if (out)
		*out = stats;
	return err;
}
