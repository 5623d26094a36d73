/*
 * tests/fuzz/fuzz_archive.c - the tar.gz reader under bundles
 * (formats/archive.c over libarchive).
 *
 * The first byte says how to read the rest: bit 0 set gzips it first (so
 * that mutations land in tar headers rather than in deflate data); bits 1-2
 * pick how the callback pulls each member (all of it, nothing, in 1-byte
 * reads, or half); bits 4-7, if not zero, stop the walk at that member with
 * a callback error.  Invariants: every member handed out has a name that
 * passes sdx__tar_name_check and a size within the limits, no read returns
 * more than the member holds, and the walk ends with 0, a refusal code, or
 * exactly the callback's value.
 */
#include <string.h>

#include "common.h"
#include "formats/bundle/archive.h"

#define STOP_CODE 77

struct walk {
	unsigned how, stop_at, n;
	uint64_t total;
	const struct sdx_tar_limits *lim;
};

static int on_member(void *ctx, const char *name, uint64_t size, struct sdx_tar_reader *r)
{
	struct walk *w = ctx;
	unsigned char buf[4096];
	uint64_t read_total = 0, want;
	size_t got;
	int err;

	w->n++;
	FUZZ_ASSERT(sdx__tar_name_check(name, strlen(name)) == NULL);
	FUZZ_ASSERT((size <= w->lim->max_member ||
		     (w->lim->stream_suffix && strlen(name) >= 8 &&
		      strcmp(name + strlen(name) - 8, "/entries") == 0)) &&
		    w->n <= w->lim->max_members);
	w->total += size;
	FUZZ_ASSERT(w->total <= w->lim->max_total);
	if (w->stop_at && w->n == w->stop_at)
		return STOP_CODE;
	want = w->how == 1 ? 0 : w->how == 3 ? size / 2 : size + 1;
	while (read_total < want) {
		size_t cap = w->how == 2 ? 1 : sizeof(buf);
		if (cap > want - read_total)
			cap = (size_t)(want - read_total);
		if ((err = sdx__tar_member_read(r, buf, cap, &got)) < 0)
			return 0; /* sticky: the walk must end with it */
		if (got == 0)
			break;
		FUZZ_ASSERT(got <= cap);
		read_total += got;
	}
	FUZZ_ASSERT(read_total <= size);
	if (w->how == 0)
		FUZZ_ASSERT(read_total == size);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* plain, and canonical with entries streams (as sdx_bundle_verify reads) */
	static const struct sdx_tar_limits lims[2] = {
		{ 1u << 20, 4u << 20, 64, 200, 0, NULL },
		{ 1u << 20, 4u << 20, 64, 200, 1, "/entries" },
	};
	const struct sdx_tar_limits *lp = &lims[size > 1 && (data[size - 1] & 1)];
	struct walk w = { 0, 0, 0, 0, lp };
	unsigned char *gz = NULL;
	const char *path;
	int fd, err;

	if (size < 1)
		return 0;
	w.how = (data[0] >> 1) & 3;
	w.stop_at = data[0] >> 4;
	if (data[0] & 1) {
		size_t n = 0;
		fuzz_gzip(&gz, &n, data + 1, size - 1);
		fd = fuzz_file(gz, n, &path);
	} else {
		fd = fuzz_file(data + 1, size - 1, &path);
	}
	/* the descriptor for pipes and the like, the path for files */
	if (data[0] & 8)
		err = sdx__tar_read(path, lp, on_member, &w);
	else
		err = sdx__tar_read_fd(fd, "fuzz.sdxb", lp, on_member, &w);
	FUZZ_ASSERT(err == 0 || err == SDX_EFORMAT || err == SDX_ELIMIT || err == STOP_CODE ||
		    (lp->canonical && err == SDX_EVERIFY));
	if (err == STOP_CODE)
		FUZZ_ASSERT(w.n == w.stop_at);
	if (err == 0)
		FUZZ_ASSERT(w.n > 0);
	free(gz);
	sdx__tar_name_check((const char *)data, size);
	return 0;
}
