/*
 * tests/unit/archive.c - the tar.gz layer under bundles: canonical output of
 * the writer, and every refusal of the reader, on hostile archives built
 * here with libarchive's own writer (which does not sanitise anything).
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <zlib.h>

#include "harness.h"
#include "formats/bundle/archive.h"

/* ------------------------------------------------------------------------ */
/* Helpers: files, and archives written straight with libarchive. */

static int write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f)
		return -1;
	ok = fwrite(data, 1, len, f) == len;
	return (fclose(f) == 0 && ok) ? 0 : -1;
}

static int files_in_cwd(void)
{
	DIR *d = opendir(".");
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static int msg_has(const char *s)
{
	return strstr(sdx_error_last(), s) != NULL;
}

/* An archive writer: gzip or not, in ustar (v7-compatible headers) or pax. */
static struct archive *raw_open(const char *path, int gzip, int pax)
{
	struct archive *a = archive_write_new();

	if (!a)
		return NULL;
	if ((pax ? archive_write_set_format_pax(a) : archive_write_set_format_ustar(a)) != ARCHIVE_OK ||
	    (gzip && archive_write_add_filter_gzip(a) != ARCHIVE_OK) ||
	    archive_write_open_filename(a, path) != ARCHIVE_OK) {
		archive_write_free(a);
		return NULL;
	}
	return a;
}

/* Add an entry of any type; link is a symlink target or hardlink source. */
static int raw_add(struct archive *a, const char *name, unsigned type, const void *data,
		   size_t len, const char *link, int hard)
{
	struct archive_entry *e = archive_entry_new();
	int ok;

	archive_entry_copy_pathname(e, name);
	archive_entry_set_filetype(e, type);
	archive_entry_set_perm(e, 0644);
	if (type != AE_IFREG || link)
		len = 0;
	archive_entry_set_size(e, (la_int64_t)len);
	if (link && hard)
		archive_entry_copy_hardlink(e, link);
	else if (link)
		archive_entry_copy_symlink(e, link);
	if (type == AE_IFCHR)
		archive_entry_set_rdev(e, 0x0501);
	ok = archive_write_header(a, e) == ARCHIVE_OK;
	if (ok && len)
		ok = archive_write_data(a, data, len) == (la_ssize_t)len;
	archive_entry_free(e);
	return ok ? 0 : -1;
}

static int raw_close(struct archive *a)
{
	int rc = archive_write_close(a);

	archive_write_free(a);
	return rc == ARCHIVE_OK ? 0 : -1;
}

/* A one-member gzip tar with an entry of the given type. */
static int raw_one(const char *path, const char *name, unsigned type, const char *link, int hard)
{
	struct archive *a = raw_open(path, 1, 0);

	if (!a)
		return -1;
	if (raw_add(a, "a", AE_IFREG, "x", 1, NULL, 0) < 0 ||
	    raw_add(a, name, type, "data", 4, link, hard) < 0) {
		archive_write_free(a);
		return -1;
	}
	return raw_close(a);
}

/* gzip arbitrary bytes (libarchive's "raw" format: no tar around them). */
static int gzip_bytes(const char *path, const void *data, size_t len)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	int ok;

	ok = archive_write_set_format_raw(a) == ARCHIVE_OK &&
	     archive_write_add_filter_gzip(a) == ARCHIVE_OK &&
	     archive_write_open_filename(a, path) == ARCHIVE_OK;
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_pathname(e, "raw");
	ok = ok && archive_write_header(a, e) == ARCHIVE_OK;
	ok = ok && (len == 0 || archive_write_data(a, data, len) == (la_ssize_t)len);
	ok = ok && archive_write_close(a) == ARCHIVE_OK;
	archive_entry_free(e);
	archive_write_free(a);
	return ok ? 0 : -1;
}

/* ------------------------------------------------------------------------ */
/* Reading callbacks. */

#define MAX_SEEN 16

struct visit {
	int n;
	char names[MAX_SEEN][300];
	uint64_t sizes[MAX_SEEN];
	unsigned char *data[MAX_SEEN];
	size_t got[MAX_SEEN];
	size_t want;         /* bytes to read of each member; SIZE_MAX for all */
	size_t chunk;        /* read size */
	int stop_at;         /* return 7 from this member (1-based), 0 never */
};

static void visit_free(struct visit *v)
{
	int i;

	for (i = 0; i < v->n && i < MAX_SEEN; i++)
		free(v->data[i]);
}

static int visit_cb(void *ctx, const char *name, uint64_t size, struct sdx_tar_reader *r)
{
	struct visit *v = ctx;
	size_t want = v->want < size ? v->want : (size_t)size, have = 0, got;
	int i = v->n++, err;

	if (i >= MAX_SEEN)
		return 0;
	snprintf(v->names[i], sizeof(v->names[i]), "%s", name);
	v->sizes[i] = size;
	v->data[i] = malloc(want + 1);
	if (!v->data[i])
		return SDX_ENOMEM;
	while (have < want) {
		size_t cap = v->chunk < want - have ? v->chunk : want - have;

		if ((err = sdx__tar_member_read(r, v->data[i] + have, cap, &got)) < 0)
			return err;
		if (got == 0)
			break;
		have += got;
	}
	v->got[i] = have;
	if (v->stop_at == i + 1)
		return 7;
	return 0;
}

static void visit_init(struct visit *v, size_t want, size_t chunk)
{
	memset(v, 0, sizeof(*v));
	v->want = want;
	v->chunk = chunk;
}

static int read_all(const char *path, const struct sdx_tar_limits *lim, struct visit *v)
{
	return sdx__tar_read(path, lim, visit_cb, v);
}

/* Pattern for big members: position-dependent, not compressible to nothing. */
static unsigned char pattern(uint64_t i)
{
	/* splitmix64's finaliser */
	i += UINT64_C(0x9e3779b97f4a7c15);
	i = (i ^ (i >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	i = (i ^ (i >> 27)) * UINT64_C(0x94d049bb133111eb);
	return (unsigned char)((i ^ (i >> 31)) >> 56);
}

/* ------------------------------------------------------------------------ */
/* Names. */

static void test_name_rules(void)
{
	static const char *const good[] = {
		"MANIFEST.dsse", "attachments/0f6a", "ledgers/0/entries", "a.b/c..d/.e",
		"d\xc3\xa9" "claration/\xe2\x82\xac", "1/2/3/4/5/6/7/8", NULL
	};
	static const char *const bad[] = {
		"", "/abs", "a/../../b", "..", "a/..", "./a", "a/./b", "a//b", "a/", "a\\b",
		"a\x01" "b", "a\x7f", "a\xc2\x85" "b", "a\xff", "a\xc0\xaf", "a\xed\xa0\x80",
		"\xe2\x82", "1/2/3/4/5/6/7/8/9", NULL
	};
	char longname[300];
	int i;

	for (i = 0; good[i]; i++)
		CHECK(sdx__tar_name_check(good[i], strlen(good[i])) == NULL);
	for (i = 0; bad[i]; i++)
		CHECK(sdx__tar_name_check(bad[i], strlen(bad[i])) != NULL);
	CHECK_STR(sdx__tar_name_check("../etc/passwd", 13), "path escapes the bundle");
	memset(longname, 'x', sizeof(longname));
	CHECK(sdx__tar_name_check(longname, 255) == NULL);
	CHECK(sdx__tar_name_check(longname, 256) != NULL);
}

/* ------------------------------------------------------------------------ */
/* Writer. */

static char long_name[256];

static const char *sample_name(int i)
{
	static const char *const names[] = {
		"MANIFEST.dsse", "attachments/0f6a", "attachments/empty",
		"declarations/x-1.json", NULL /* long_name */
	};

	if (i == 4) {
		/* 255 bytes in 3 components: too long for a ustar header. */
		memset(long_name, 'n', 255);
		long_name[255] = '\0';
		long_name[0] = 'z';
		long_name[1] = '/';
		long_name[100] = '/';
		return long_name;
	}
	return names[i];
}

static const char *const sample_data[] = {
	"{\"payload\":\"...\"}", "evidence bytes", "", "{\"claims\":[]}", "long"
};
#define NSAMPLE 5

static int write_sample(const char *path)
{
	struct sdx_tar_writer *w = NULL;
	int i, err;

	if ((err = sdx__tar_create(&w, path)) < 0)
		return err;
	for (i = 0; i < NSAMPLE; i++) {
		if ((err = sdx__tar_add(w, sample_name(i), sample_data[i],
					strlen(sample_data[i]))) < 0) {
			sdx__tar_abort(w);
			return err;
		}
	}
	return sdx__tar_close(w);
}

static void test_round_trip(void)
{
	struct visit v;
	int i;

	CHECK_OK(write_sample("b.sdxb"));
	visit_init(&v, SIZE_MAX, 3);
	CHECK_OK(read_all("b.sdxb", NULL, &v));
	CHECK(v.n == NSAMPLE);
	for (i = 0; i < NSAMPLE; i++) {
		CHECK_STR(v.names[i], sample_name(i));
		CHECK(v.sizes[i] == strlen(sample_data[i]));
		CHECK(v.got[i] == strlen(sample_data[i]));
		CHECK_MEM(v.data[i], sample_data[i], v.got[i]);
	}
	visit_free(&v);
	/* Nothing but the archive itself: no temporary file left behind. */
	CHECK(files_in_cwd() == 1);
}

static void test_deterministic(void)
{
	struct archive *a;
	struct archive_entry *e;
	char *x, *y;
	size_t nx, ny;
	int n = 0, ok = 1;

	CHECK_OK(write_sample("x.sdxb"));
	/* A different process state in between: allocations, another file. */
	free(malloc(12345));
	CHECK(write_file("noise", "n", 1) == 0);
	CHECK_OK(write_sample("y.sdxb"));
	x = test_read_file("x.sdxb", &nx);
	y = test_read_file("y.sdxb", &ny);
	CHECK(x && y);
	ok = nx == ny && memcmp(x, y, nx) == 0;
	/* gzip header: no FNAME/FCOMMENT/FEXTRA flags, MTIME zero. */
	ok = ok && nx > 10 && (unsigned char)x[0] == 0x1f && (unsigned char)x[1] == 0x8b &&
	     x[3] == 0 && x[4] == 0 && x[5] == 0 && x[6] == 0 && x[7] == 0;
	free(x);
	free(y);
	CHECK(ok);

	/* Every tar header carries the fixed metadata. */
	a = archive_read_new();
	archive_read_support_filter_gzip(a);
	archive_read_support_format_tar(a);
	CHECK(archive_read_open_filename(a, "x.sdxb", 10240) == ARCHIVE_OK);
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		n++;
		if (archive_entry_mtime(e) != 0 || archive_entry_uid(e) != 0 ||
		    archive_entry_gid(e) != 0 ||
		    (archive_entry_uname(e) && *archive_entry_uname(e)) ||
		    (archive_entry_gname(e) && *archive_entry_gname(e)) ||
		    archive_entry_perm(e) != 0644 ||
		    archive_entry_filetype(e) != AE_IFREG)
			ok = 0;
	}
	archive_read_free(a);
	CHECK(ok);
	CHECK(n == NSAMPLE);
}

static void test_out_of_order(void)
{
	struct sdx_tar_writer *w = NULL;

	CHECK_OK(sdx__tar_create(&w, "o.sdxb"));
	CHECK_OK(sdx__tar_add(w, "b", "1", 1));
	CHECK_ERR(sdx__tar_add(w, "a", "2", 1), SDX_EINVAL);
	CHECK_ERR(sdx__tar_add(w, "b", "2", 1), SDX_EINVAL);
	/* "b/c" sorts after "b" bytewise; "B" before. */
	CHECK_ERR(sdx__tar_add(w, "B", "2", 1), SDX_EINVAL);
	CHECK_OK(sdx__tar_add(w, "b/c", "3", 1));
	/* A refused name leaves the writer usable. */
	CHECK_OK(sdx__tar_close(w));
	CHECK(files_in_cwd() == 1);
}

static void test_writer_bad_names(void)
{
	static const char *const bad[] = { "", "/x", "a/../b", "a//b", "a\\b", "a\nb", "..", NULL };
	struct sdx_tar_writer *w = NULL;
	int i;

	CHECK_OK(sdx__tar_create(&w, "n.sdxb"));
	for (i = 0; bad[i]; i++)
		CHECK_ERR(sdx__tar_add(w, bad[i], "x", 1), SDX_EINVAL);
	/* Valid for the reader, but the writer keeps to ASCII. */
	CHECK_ERR(sdx__tar_add(w, "d\xc3\xa9" "claration", "x", 1), SDX_EINVAL);
	CHECK(msg_has("not ASCII"));
	sdx__tar_abort(w);
	CHECK(files_in_cwd() == 0);
}

static void test_exists(void)
{
	struct sdx_tar_writer *w = NULL;

	CHECK(write_file("e.sdxb", "x", 1) == 0);
	CHECK_ERR(sdx__tar_create(&w, "e.sdxb"), SDX_EEXISTS);
	CHECK(w == NULL);
	CHECK(msg_has("e.sdxb"));
	/* A file that appears while the archive is being written is kept too. */
	CHECK_OK(sdx__tar_create(&w, "late.sdxb"));
	CHECK_OK(sdx__tar_add(w, "a", "1", 1));
	CHECK(write_file("late.sdxb", "mine", 4) == 0);
	CHECK_ERR(sdx__tar_close(w), SDX_EEXISTS);
	CHECK(files_in_cwd() == 2);
}

static void test_abort(void)
{
	struct sdx_tar_writer *w = NULL;

	CHECK_OK(sdx__tar_create(&w, "a.sdxb"));
	CHECK(files_in_cwd() == 1);   /* the temporary file */
	CHECK_OK(sdx__tar_add(w, "a", "1", 1));
	sdx__tar_abort(w);
	CHECK(files_in_cwd() == 0);
	sdx__tar_abort(NULL);
}

struct gen {
	uint64_t pos, size, extra;   /* extra: bytes delivered beyond size */
};

static int gen_read(void *ctx, void *buf, size_t cap, size_t *got)
{
	struct gen *g = ctx;
	uint64_t end = g->size + g->extra;
	size_t n = 0;
	unsigned char *p = buf;

	/* Odd-sized pieces, to exercise partial chunks. */
	if (cap > 7777)
		cap = 7777;
	while (n < cap && g->pos < end)
		p[n++] = pattern(g->pos++);
	*got = n;
	return 0;
}

static int check_pattern(void *ctx, const char *name, uint64_t size, struct sdx_tar_reader *r)
{
	unsigned char buf[1000];
	uint64_t pos = 0;
	size_t got, i;
	int err, *bad = ctx;

	if (strcmp(name, "big") != 0)
		return 0;
	for (;;) {
		if ((err = sdx__tar_member_read(r, buf, sizeof(buf), &got)) < 0)
			return err;
		if (got == 0)
			break;
		for (i = 0; i < got; i++)
			if (buf[i] != pattern(pos + i))
				*bad = 1;
		pos += got;
	}
	if (pos != size)
		*bad = 1;
	return 0;
}

static void test_stream_3mib(void)
{
	struct sdx_tar_writer *w = NULL;
	struct gen g = { 0, 3u << 20, 0 };
	int bad = 0;

	CHECK_OK(sdx__tar_create(&w, "s.sdxb"));
	CHECK_OK(sdx__tar_add(w, "a", "head", 4));
	CHECK_OK(sdx__tar_add_stream(w, "big", g.size, gen_read, &g));
	CHECK_OK(sdx__tar_add(w, "c", "tail", 4));
	CHECK_OK(sdx__tar_close(w));
	CHECK_OK(sdx__tar_read("s.sdxb", NULL, check_pattern, &bad));
	CHECK(!bad);
	{
		/* canonical mode follows a member far larger than what it buffers */
		struct sdx_tar_limits lim = SDX_TAR_LIMITS_INIT;

		lim.canonical = 1;
		CHECK_OK(sdx__tar_read("s.sdxb", &lim, check_pattern, &bad));
		CHECK(!bad);
	}
	{
		struct visit v;

		visit_init(&v, SIZE_MAX, 65536);
		CHECK_OK(read_all("s.sdxb", NULL, &v));
		CHECK(v.n == 3 && v.sizes[1] == (3u << 20) && v.got[1] == (3u << 20));
		for (size_t i = 0; i < v.got[1]; i++)
			if (v.data[1][i] != pattern(i))
				bad = 1;
		CHECK_MEM(v.data[0], "head", 4);
		CHECK_MEM(v.data[2], "tail", 4);
		visit_free(&v);
	}
	CHECK(!bad);
}

static void test_stream_wrong_size(void)
{
	struct sdx_tar_writer *w = NULL;
	struct gen shortg = { 0, 1000, 0 }, longg = { 0, 1000, 1 };

	CHECK_OK(sdx__tar_create(&w, "s.sdxb"));
	CHECK_ERR(sdx__tar_add_stream(w, "a", 1001, gen_read, &shortg), SDX_EIO);
	CHECK(msg_has("ended after 1000 of 1001"));
	/* The writer is now failed. */
	CHECK_ERR(sdx__tar_add(w, "b", "x", 1), SDX_EINVAL);
	CHECK_ERR(sdx__tar_close(w), SDX_EINVAL);
	CHECK(files_in_cwd() == 0);

	CHECK_OK(sdx__tar_create(&w, "l.sdxb"));
	CHECK_ERR(sdx__tar_add_stream(w, "a", 1000, gen_read, &longg), SDX_EIO);
	sdx__tar_abort(w);
	CHECK(files_in_cwd() == 0);

	/* Dropping a 1 GiB member after 10 bytes must not write the rest. */
	{
		struct gen tiny = { 0, 10, 0 };

		CHECK_OK(sdx__tar_create(&w, "g.sdxb"));
		CHECK_ERR(sdx__tar_add_stream(w, "a", (uint64_t)1 << 30, gen_read, &tiny), SDX_EIO);
		sdx__tar_abort(w);
		CHECK(files_in_cwd() == 0);
	}
}

/* ------------------------------------------------------------------------ */
/* Callbacks that read nothing, part, or stop. */

static void test_read_nothing(void)
{
	struct visit v;

	CHECK_OK(write_sample("b.sdxb"));
	visit_init(&v, 0, 1);
	CHECK_OK(read_all("b.sdxb", NULL, &v));
	CHECK(v.n == NSAMPLE);
	CHECK_STR(v.names[NSAMPLE - 1], sample_name(NSAMPLE - 1));
	visit_free(&v);
}

static void test_read_part(void)
{
	struct sdx_tar_writer *w = NULL;
	struct gen g = { 0, 200000, 0 };
	struct visit v;
	int i;

	CHECK_OK(sdx__tar_create(&w, "p.sdxb"));
	CHECK_OK(sdx__tar_add_stream(w, "a", g.size, gen_read, &g));
	CHECK_OK(sdx__tar_add(w, "b", "0123456789abcdef", 16));
	CHECK_OK(sdx__tar_close(w));
	visit_init(&v, 10, 4);
	CHECK_OK(read_all("p.sdxb", NULL, &v));
	CHECK(v.n == 2 && v.got[0] == 10 && v.got[1] == 10 && v.sizes[0] == 200000);
	for (i = 0; i < 10; i++)
		CHECK(v.data[0][i] == pattern((uint64_t)i));
	CHECK_MEM(v.data[1], "0123456789", 10);
	visit_free(&v);
}

static void test_callback_stops(void)
{
	struct visit v;

	CHECK_OK(write_sample("b.sdxb"));
	visit_init(&v, SIZE_MAX, 100);
	v.stop_at = 2;
	CHECK(read_all("b.sdxb", NULL, &v) == 7);
	CHECK(v.n == 2);
	visit_free(&v);
}

/* ------------------------------------------------------------------------ */
/* Hostile archives. */

static void expect_refused(const char *path, const struct sdx_tar_limits *lim, int code,
			   const char *phrase, int *ok)
{
	struct visit v;
	int rc;

	visit_init(&v, SIZE_MAX, 4096);
	rc = read_all(path, lim, &v);
	visit_free(&v);
	*ok = rc == code && strstr(sdx_error_last(), phrase) != NULL &&
	      strstr(sdx_error_last(), path) != NULL;
	if (!*ok)
		fprintf(stderr, "# %s: got %d '%s', wanted %d '%s'\n", path, rc,
			sdx_error_last(), code, phrase);
}

static void test_member_types(void)
{
	int ok;

	CHECK(raw_one("sym.tgz", "link", AE_IFLNK, "/etc/passwd", 0) == 0);
	expect_refused("sym.tgz", NULL, SDX_EFORMAT, "member 'link': symbolic link", &ok);
	CHECK(ok);
	CHECK(raw_one("hard.tgz", "hl", AE_IFREG, "a", 1) == 0);
	expect_refused("hard.tgz", NULL, SDX_EFORMAT, "hard link", &ok);
	CHECK(ok);
	CHECK(raw_one("dir.tgz", "d", AE_IFDIR, NULL, 0) == 0);
	expect_refused("dir.tgz", NULL, SDX_EFORMAT, "directory", &ok);
	CHECK(ok);
	CHECK(raw_one("fifo.tgz", "f", AE_IFIFO, NULL, 0) == 0);
	expect_refused("fifo.tgz", NULL, SDX_EFORMAT, "FIFO", &ok);
	CHECK(ok);
	CHECK(raw_one("chr.tgz", "c", AE_IFCHR, NULL, 0) == 0);
	expect_refused("chr.tgz", NULL, SDX_EFORMAT, "character device", &ok);
	CHECK(ok);
	CHECK(raw_one("blk.tgz", "b", AE_IFBLK, NULL, 0) == 0);
	expect_refused("blk.tgz", NULL, SDX_EFORMAT, "block device", &ok);
	CHECK(ok);
}

static void test_bad_names(void)
{
	int ok;

	CHECK(raw_one("abs.tgz", "/abs", AE_IFREG, NULL, 0) == 0);
	expect_refused("abs.tgz", NULL, SDX_EFORMAT, "member '/abs': path escapes the bundle", &ok);
	CHECK(ok);
	CHECK(raw_one("dots.tgz", "a/../../b", AE_IFREG, NULL, 0) == 0);
	expect_refused("dots.tgz", NULL, SDX_EFORMAT, "path escapes the bundle", &ok);
	CHECK(ok);
	CHECK(raw_one("ctl.tgz", "a\x1b[2Jb", AE_IFREG, NULL, 0) == 0);
	expect_refused("ctl.tgz", NULL, SDX_EFORMAT, "member 'a\\x1b[2Jb': control character", &ok);
	CHECK(ok);
	CHECK(raw_one("bs.tgz", "a\\b", AE_IFREG, NULL, 0) == 0);
	expect_refused("bs.tgz", NULL, SDX_EFORMAT, "backslash", &ok);
	CHECK(ok);
	CHECK(raw_one("utf.tgz", "a\xff", AE_IFREG, NULL, 0) == 0);
	expect_refused("utf.tgz", NULL, SDX_EFORMAT, "UTF-8", &ok);
	CHECK(ok);
	CHECK(raw_one("deep.tgz", "1/2/3/4/5/6/7/8/9", AE_IFREG, NULL, 0) == 0);
	expect_refused("deep.tgz", NULL, SDX_EFORMAT, "more than 8", &ok);
	CHECK(ok);
	CHECK(raw_one("slash.tgz", "a//b", AE_IFREG, NULL, 0) == 0);
	expect_refused("slash.tgz", NULL, SDX_EFORMAT, "empty path component", &ok);
	CHECK(ok);
}

static void test_long_name_refused(void)
{
	struct archive *a = raw_open("long.tgz", 1, 1);
	char name[400];
	int ok;

	CHECK(a);
	memset(name, 'q', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	CHECK(raw_add(a, name, AE_IFREG, "x", 1, NULL, 0) == 0);
	CHECK(raw_close(a) == 0);
	expect_refused("long.tgz", NULL, SDX_EFORMAT, "longer than 255", &ok);
	CHECK(ok);
}

static void test_utf8_name_read(void)
{
	struct visit v;

	/* ustar stores the bytes as given, whatever the locale. */
	CHECK(raw_one("u.tgz", "d\xc3\xa9" "claration/\xe2\x82\xac", AE_IFREG, NULL, 0) == 0);
	visit_init(&v, SIZE_MAX, 100);
	CHECK_OK(read_all("u.tgz", NULL, &v));
	CHECK(v.n == 2);
	CHECK_STR(v.names[1], "d\xc3\xa9" "claration/\xe2\x82\xac");
	CHECK(v.got[1] == 4);
	CHECK_MEM(v.data[1], "data", 4);
	visit_free(&v);
}

static void test_duplicate(void)
{
	struct archive *a = raw_open("dup.tgz", 1, 0);
	int ok;

	CHECK(a);
	CHECK(raw_add(a, "x", AE_IFREG, "1", 1, NULL, 0) == 0);
	CHECK(raw_add(a, "y", AE_IFREG, "2", 1, NULL, 0) == 0);
	CHECK(raw_add(a, "x", AE_IFREG, "3", 1, NULL, 0) == 0);
	CHECK(raw_close(a) == 0);
	expect_refused("dup.tgz", NULL, SDX_EFORMAT, "member 'x': duplicate name", &ok);
	CHECK(ok);
}

struct capture {
	unsigned char b[2048];
	size_t n;
	int cut;             /* refuse further output */
};

static la_ssize_t capture_write(struct archive *a, void *ctx, const void *buf, size_t len)
{
	struct capture *c = ctx;

	(void)a;
	if (c->cut)
		return -1;
	if (len > sizeof(c->b) - c->n)
		len = sizeof(c->b) - c->n;
	memcpy(c->b + c->n, buf, len);
	c->n += len;
	return (la_ssize_t)len;
}

static void test_huge_header_truncated(void)
{
	struct capture cap = { { 0 }, 0, 0 };
	struct sdx_tar_limits lim = SDX_TAR_LIMITS_INIT;
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	int ok;

	/* Only the 512-byte header of a 2 GiB member, then nothing: libarchive
	 * writes unblocked, and its output is cut before it pads the data. */
	CHECK(archive_write_set_format_ustar(a) == ARCHIVE_OK);
	CHECK(archive_write_set_bytes_per_block(a, 0) == ARCHIVE_OK);
	CHECK(archive_write_open(a, &cap, NULL, capture_write, NULL) == ARCHIVE_OK);
	archive_entry_set_pathname(e, "big");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)2 << 30);
	CHECK(archive_write_header(a, e) == ARCHIVE_OK);
	archive_entry_free(e);
	cap.cut = 1;
	archive_write_close(a);
	archive_write_free(a);
	CHECK(cap.n == 512);
	CHECK(gzip_bytes("huge.tgz", cap.b, cap.n) == 0);

	expect_refused("huge.tgz", NULL, SDX_ELIMIT, "member 'big': 2147483648 bytes, over", &ok);
	CHECK(ok);
	lim.max_member = (uint64_t)4 << 30;
	expect_refused("huge.tgz", &lim, SDX_EFORMAT, "member 'big': truncated", &ok);
	CHECK(ok);
}

static int many(const char *path, int n, size_t each)
{
	struct archive *a = raw_open(path, 1, 0);
	char name[32], *data = calloc(1, each + 1);
	int i, rc = 0;

	if (!a || !data)
		rc = -1;
	for (i = 0; rc == 0 && i < n; i++) {
		snprintf(name, sizeof(name), "m%04d", i);
		rc = raw_add(a, name, AE_IFREG, data, each, NULL, 0);
	}
	free(data);
	if (a)
		rc = raw_close(a) < 0 ? -1 : rc;
	return rc;
}

static void test_limits(void)
{
	struct sdx_tar_limits lim = SDX_TAR_LIMITS_INIT;
	struct visit v;
	int ok;

	CHECK(many("m.tgz", 5, 1000) == 0);
	/* max_member: 1000 is allowed, 999 is not. */
	lim.max_member = 1000;
	visit_init(&v, 0, 1);
	CHECK_OK(read_all("m.tgz", &lim, &v));
	visit_free(&v);
	lim.max_member = 999;
	expect_refused("m.tgz", &lim, SDX_ELIMIT, "member 'm0000': 1000 bytes, over the limit of 999", &ok);
	CHECK(ok);
	/* max_members */
	lim = (struct sdx_tar_limits)SDX_TAR_LIMITS_INIT;
	lim.max_members = 5;
	visit_init(&v, 0, 1);
	CHECK_OK(read_all("m.tgz", &lim, &v));
	visit_free(&v);
	lim.max_members = 4;
	expect_refused("m.tgz", &lim, SDX_ELIMIT, "more than 4 members", &ok);
	CHECK(ok);
	/* max_total */
	lim = (struct sdx_tar_limits)SDX_TAR_LIMITS_INIT;
	lim.max_total = 5000;
	visit_init(&v, 0, 1);
	CHECK_OK(read_all("m.tgz", &lim, &v));
	visit_free(&v);
	lim.max_total = 4999;
	expect_refused("m.tgz", &lim, SDX_ELIMIT, "member 'm0004': members add up to more than 4999", &ok);
	CHECK(ok);
}

static void test_bomb(void)
{
	struct archive *a = raw_open("bomb.tgz", 1, 0);
	struct sdx_tar_limits lim = SDX_TAR_LIMITS_INIT;
	struct archive_entry *e = archive_entry_new();
	char *zeros = calloc(1, 1 << 20);
	struct stat st;
	int i, ok;

	CHECK(a && zeros);
	archive_entry_set_pathname(e, "zeros");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_size(e, (la_int64_t)64 << 20);
	CHECK(archive_write_header(a, e) == ARCHIVE_OK);
	archive_entry_free(e);
	for (i = 0; i < 64; i++)
		CHECK(archive_write_data(a, zeros, 1 << 20) == 1 << 20);
	free(zeros);
	CHECK(raw_close(a) == 0);
	CHECK(stat("bomb.tgz", &st) == 0 && st.st_size < (1 << 20));

	lim.max_ratio = 200;
	expect_refused("bomb.tgz", &lim, SDX_ELIMIT, "member 'zeros': decompression ratio", &ok);
	CHECK(ok);
	/* Also when the callback reads nothing and the reader skips it. */
	{
		struct visit v;

		visit_init(&v, 0, 1);
		CHECK_ERR(read_all("bomb.tgz", &lim, &v), SDX_ELIMIT);
		visit_free(&v);
	}
	/* A generous ratio lets it through. */
	lim.max_ratio = 100000;
	{
		struct visit v;

		visit_init(&v, 0, 1);
		CHECK_OK(read_all("bomb.tgz", &lim, &v));
		visit_free(&v);
	}
}

static void test_not_gzip(void)
{
	struct archive *a;
	int ok;

	/* Plain tar. */
	a = raw_open("plain.tar", 0, 0);
	CHECK(a);
	CHECK(raw_add(a, "a", AE_IFREG, "x", 1, NULL, 0) == 0);
	CHECK(raw_close(a) == 0);
	expect_refused("plain.tar", NULL, SDX_EFORMAT, "not an sdx bundle (not gzip)", &ok);
	CHECK(ok);
	/* Text. */
	CHECK(write_file("text.sdxb", "hello, world\n", 13) == 0);
	expect_refused("text.sdxb", NULL, SDX_EFORMAT, "not an sdx bundle (not gzip)", &ok);
	CHECK(ok);
	/* One byte that starts like gzip. */
	CHECK(write_file("one.sdxb", "\x1f", 1) == 0);
	expect_refused("one.sdxb", NULL, SDX_EFORMAT, "not gzip", &ok);
	CHECK(ok);
	/* Zero bytes. */
	CHECK(write_file("zero.sdxb", "", 0) == 0);
	expect_refused("zero.sdxb", NULL, SDX_EFORMAT, "not an sdx bundle", &ok);
	CHECK(ok);
}

static void test_gzip_not_tar(void)
{
	char text[4000];
	int ok;

	memset(text, 'T', sizeof(text));
	CHECK(gzip_bytes("text.gz", text, sizeof(text)) == 0);
	expect_refused("text.gz", NULL, SDX_EFORMAT, "not an sdx bundle (not a tar archive)", &ok);
	CHECK(ok);
	CHECK(gzip_bytes("short.gz", "hi\n", 3) == 0);
	expect_refused("short.gz", NULL, SDX_EFORMAT, "(not a tar archive)", &ok);
	CHECK(ok);
}

static void test_empty(void)
{
	struct archive *a = raw_open("empty.tgz", 1, 0);
	int ok;

	CHECK(a);
	CHECK(raw_close(a) == 0);
	expect_refused("empty.tgz", NULL, SDX_EFORMAT, "'empty.tgz': empty", &ok);
	CHECK(ok);
}

static void test_truncated(void)
{
	struct sdx_tar_writer *w = NULL;
	struct gen g = { 0, 300000, 0 };
	char *buf;
	size_t len;
	int ok;

	CHECK_OK(sdx__tar_create(&w, "full.sdxb"));
	CHECK_OK(sdx__tar_add(w, "a", "x", 1));
	CHECK_OK(sdx__tar_add_stream(w, "b", g.size, gen_read, &g));
	CHECK_OK(sdx__tar_close(w));
	buf = test_read_file("full.sdxb", &len);
	CHECK(buf);
	ok = write_file("half.sdxb", buf, len / 2) == 0 &&
	     write_file("nearly.sdxb", buf, len - 4) == 0 &&
	     write_file("head.sdxb", buf, 12) == 0;
	free(buf);
	CHECK(ok);
	expect_refused("half.sdxb", NULL, SDX_EFORMAT, "member 'b': truncated", &ok);
	CHECK(ok);
	/* Only the gzip trailer (CRC and length) missing. */
	expect_refused("nearly.sdxb", NULL, SDX_EFORMAT, "truncated", &ok);
	CHECK(ok);
	expect_refused("head.sdxb", NULL, SDX_EFORMAT, "'head.sdxb'", &ok);
	CHECK(ok);
}

static int first_member(void *ctx, const char *name, uint64_t size, struct sdx_tar_reader *r)
{
	unsigned char *out = ctx;
	size_t have = 0, got;
	int err;

	(void)name;
	while (have < size) {
		if ((err = sdx__tar_member_read(r, out + have, (size_t)size - have, &got)) < 0)
			return err;
		if (got == 0)
			break;
		have += got;
	}
	return 0;
}

/* libarchive does not check the gzip CRC, so a flipped bit is either
 * refused (broken deflate stream) or shows in the content - never both
 * silent and unchanged.  The bundle's manifest hashes catch the latter. */
static void test_damaged(void)
{
	struct sdx_tar_writer *w = NULL;
	struct gen g = { 0, 300000, 0 };
	unsigned char *out = malloc(300000);
	char *buf = NULL;
	size_t len, at, i;
	int rc, changed, ok = 1;

	CHECK(out);
	if (sdx__tar_create(&w, "full.sdxb") < 0 ||
	    sdx__tar_add_stream(w, "b", g.size, gen_read, &g) < 0 || sdx__tar_close(w) < 0 ||
	    !(buf = test_read_file("full.sdxb", &len)))
		ok = 0;
	for (at = 10; ok && at < len; at += len / 7) {
		buf[at] ^= 0x55;
		ok = write_file("bad.sdxb", buf, len) == 0;
		buf[at] ^= 0x55;
		memset(out, 0, 300000);
		rc = sdx__tar_read("bad.sdxb", NULL, first_member, out);
		for (changed = 0, i = 0; i < 300000; i++)
			changed |= out[i] != pattern(i);
		if (ok && !(rc == SDX_EFORMAT || (rc == 0 && changed)))
			ok = 0;
		if (rc == SDX_EFORMAT && !msg_has("'bad.sdxb'"))
			ok = 0;
		unlink("bad.sdxb");
	}
	free(buf);
	free(out);
	CHECK(ok);
}

static void test_not_regular(void)
{
	struct visit v;

	visit_init(&v, 0, 1);
	CHECK_ERR(read_all("missing.sdxb", NULL, &v), SDX_ENOTFOUND);
	/* Opening a FIFO must not wait for a writer. */
	CHECK(mkfifo("fifo.sdxb", 0600) == 0);
	CHECK_ERR(read_all("fifo.sdxb", NULL, &v), SDX_EFORMAT);
	CHECK(msg_has("not a regular file"));
	CHECK(mkdir("dir.sdxb", 0700) == 0);
	CHECK_ERR(read_all("dir.sdxb", NULL, &v), SDX_EFORMAT);
}

static void test_read_fd_pipe(void)
{
	struct visit v;
	char *buf;
	size_t len;
	int fds[2], ok;

	CHECK_OK(write_sample("b.sdxb"));
	buf = test_read_file("b.sdxb", &len);
	CHECK(buf);
	CHECK(len < 65536 && pipe(fds) == 0);
	/* The archive is small enough to sit in the pipe buffer. */
	ok = write(fds[1], buf, len) == (ssize_t)len;
	close(fds[1]);
	free(buf);
	visit_init(&v, SIZE_MAX, 5);
	ok = ok && sdx__tar_read_fd(fds[0], "-", NULL, visit_cb, &v) == 0;
	close(fds[0]);
	CHECK(ok);
	CHECK(v.n == NSAMPLE);
	visit_free(&v);
}

/* ------------------------------------------------------------------------ */
/* Canonical mode: the tar stream must be the one sdx__tar_create() writes. */

/* The tar stream inside a gzip file (whole, small files only). */
static unsigned char *gunzip_file(const char *path, size_t *out_len)
{
	size_t n, cap = 1 << 20;
	char *in = test_read_file(path, &n);
	unsigned char *out = malloc(cap);
	z_stream z;
	int ok;

	memset(&z, 0, sizeof(z));
	ok = in && out && inflateInit2(&z, 16 + MAX_WBITS) == Z_OK;
	if (ok) {
		z.next_in = (unsigned char *)in;
		z.avail_in = (uInt)n;
		z.next_out = out;
		z.avail_out = (uInt)cap;
		ok = inflate(&z, Z_FINISH) == Z_STREAM_END;
		*out_len = cap - z.avail_out;
		inflateEnd(&z);
	}
	free(in);
	if (!ok) {
		free(out);
		return NULL;
	}
	return out;
}

/* gzip with the header sdx writes (zlib's own: no name, no time, OS Unix). */
static int gzip_canon(const char *path, const unsigned char *tar, size_t len, size_t zeros)
{
	unsigned char out[16384], *pad = calloc(1, zeros ? zeros : 1);
	FILE *f = fopen(path, "wb");
	z_stream z;
	int ok, rc = Z_OK, last;

	memset(&z, 0, sizeof(z));
	ok = f && pad && deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8,
				      Z_DEFAULT_STRATEGY) == Z_OK;
	for (last = 0; ok && last < 2; last++) {
		z.next_in = last ? pad : (unsigned char *)tar;
		z.avail_in = (uInt)(last ? zeros : len);
		do {
			z.next_out = out;
			z.avail_out = sizeof(out);
			rc = deflate(&z, last ? Z_FINISH : Z_NO_FLUSH);
			ok = rc != Z_STREAM_ERROR &&
			     fwrite(out, 1, sizeof(out) - z.avail_out, f) == sizeof(out) - z.avail_out;
		} while (ok && (z.avail_out == 0 || (last && rc != Z_STREAM_END)));
	}
	if (f)
		ok = fclose(f) == 0 && ok;
	deflateEnd(&z);
	free(pad);
	return ok ? 0 : -1;
}

/* Re-checksum a ustar header after changing it. */
static void tar_checksum(unsigned char *h)
{
	unsigned sum = 0;
	int i;

	memset(h + 148, ' ', 8);
	for (i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	h[155] = ' ';
}

static void test_canonical(void)
{
	struct sdx_tar_limits lim = SDX_TAR_LIMITS_INIT;
	unsigned char *tar;
	struct visit v;
	size_t len = 0;
	int ok;

	lim.canonical = 1;
	CHECK_OK(write_sample("s.sdxb"));
	/* read a few bytes at a time: the comparison runs behind the reader */
	visit_init(&v, SIZE_MAX, 3);
	CHECK_OK(read_all("s.sdxb", &lim, &v));
	CHECK(v.n == NSAMPLE);
	visit_free(&v);
	/* members the callback leaves unread are compared too */
	visit_init(&v, 0, 3);
	CHECK_OK(read_all("s.sdxb", &lim, &v));
	visit_free(&v);

	tar = gunzip_file("s.sdxb", &len);
	CHECK(tar && len > 1024);
	/* the same tar stream, gzipped again: the same file, accepted */
	CHECK(gzip_canon("same.sdxb", tar, len, 0) == 0);
	visit_init(&v, SIZE_MAX, 4096);
	CHECK_OK(read_all("same.sdxb", &lim, &v));
	visit_free(&v);
	/* one more zero block after the end; a megabyte of zeros */
	CHECK(gzip_canon("tail.sdxb", tar, len, 512) == 0);
	expect_refused("tail.sdxb", &lim, SDX_EVERIFY, "not the canonical encoding", &ok);
	CHECK(ok);
	CHECK(gzip_canon("zeros.sdxb", tar, len, 1 << 20) == 0);
	expect_refused("zeros.sdxb", &lim, SDX_EVERIFY, "not the canonical encoding", &ok);
	CHECK(ok);
	/* the last block cut short: the end-of-archive marker is incomplete */
	CHECK(gzip_canon("short.sdxb", tar, len - 512, 0) == 0);
	expect_refused("short.sdxb", &lim, SDX_EVERIFY, "not the canonical encoding", &ok);
	CHECK(ok);
	/* a header field changed, checksum fixed: a valid tar, not sdx's */
	memcpy(tar + 265, "root", 4); /* uname */
	tar_checksum(tar);
	CHECK(gzip_canon("uname.sdxb", tar, len, 0) == 0);
	expect_refused("uname.sdxb", &lim, SDX_EVERIFY, "not the canonical encoding", &ok);
	CHECK(ok);
	/* without canonical mode the same archive reads */
	visit_init(&v, SIZE_MAX, 4096);
	CHECK_OK(read_all("uname.sdxb", NULL, &v));
	CHECK(v.n == NSAMPLE);
	visit_free(&v);
	free(tar);
}

static const struct test_case tests[] = {
	{"name rules", test_name_rules},
	{"round trip", test_round_trip},
	{"deterministic output", test_deterministic},
	{"members out of order", test_out_of_order},
	{"writer refuses bad names", test_writer_bad_names},
	{"existing path", test_exists},
	{"abort leaves no file", test_abort},
	{"streamed 3 MiB member", test_stream_3mib},
	{"stream of the wrong size", test_stream_wrong_size},
	{"callback reads nothing", test_read_nothing},
	{"callback reads part", test_read_part},
	{"callback stops the walk", test_callback_stops},
	{"member types refused", test_member_types},
	{"bad names refused", test_bad_names},
	{"over-long name refused", test_long_name_refused},
	{"UTF-8 name read", test_utf8_name_read},
	{"duplicate names refused", test_duplicate},
	{"2 GiB header with no data", test_huge_header_truncated},
	{"member, count and total limits", test_limits},
	{"decompression bomb", test_bomb},
	{"not gzip", test_not_gzip},
	{"gzip of not tar", test_gzip_not_tar},
	{"empty archive", test_empty},
	{"truncated gzip", test_truncated},
	{"damaged gzip", test_damaged},
	{"not a regular file", test_not_regular},
	{"read from a pipe", test_read_fd_pipe},
	{"canonical mode", test_canonical},
	{NULL, NULL}
};

TEST_MAIN(tests)
