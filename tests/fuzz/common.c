#define _GNU_SOURCE
/* tests/fuzz/common.c - fixed keys, in-memory files, gzip and a checked bundle
 * verification for the fuzz targets. */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <sodium.h>
#include <zlib.h>

#include "common.h"

static sdx_signer *signer;
static sdx_verifier *verifier;

const sdx_signer *fuzz_signer(void)
{
	if (!signer && sdx_signer_parse(&signer, FUZZ_SKEY) < 0) {
		fprintf(stderr, "fuzz: fixture key: %s\n", sdx_error_last());
		abort();
	}
	return signer;
}

sdx_verifier *fuzz_verifier(void)
{
	if (!verifier && sdx_verifier_parse(&verifier, FUZZ_VKEY) < 0) {
		fprintf(stderr, "fuzz: fixture verifier key: %s\n", sdx_error_last());
		abort();
	}
	return verifier;
}

#define NAMED_MAX 16
static struct {
	char *name;
	sdx_signer *s;
} named[NAMED_MAX];
static size_t named_next;

/* A signer stays valid for the next NAMED_MAX - 1 calls at least. */
const sdx_signer *fuzz_signer_named(const char *name)
{
	const sdx_signer *base = fuzz_signer();
	size_t i;

	for (i = 0; i < NAMED_MAX; i++)
		if (named[i].name && strcmp(named[i].name, name) == 0)
			return named[i].s;
	i = named_next;
	named_next = (named_next + 1) % NAMED_MAX;
	free(named[i].name);
	sdx_signer_free(named[i].s);
	named[i].name = NULL;
	named[i].s = NULL;
	if (sdx_signer_from_seed(&named[i].s, name, sdx_signer_seed(base)) < 0)
		return NULL;
	if (!(named[i].name = strdup(name)))
		abort();
	return named[i].s;
}

int fuzz_file(const void *data, size_t len, const char **path)
{
	static int fd = -1;
	static char name[64];
	const unsigned char *p = data;
	size_t done = 0;

	if (fd < 0) {
		if ((fd = memfd_create("sdx-fuzz", MFD_CLOEXEC)) < 0) {
			perror("fuzz: memfd_create");
			abort();
		}
		snprintf(name, sizeof(name), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) != 0)
		abort();
	while (done < len) {
		ssize_t n = pwrite(fd, p + done, len - done, (off_t)done);
		if (n <= 0)
			abort();
		done += (size_t)n;
	}
	if (lseek(fd, 0, SEEK_SET) != 0)
		abort();
	if (path)
		*path = name;
	return fd;
}

void fuzz_gzip(unsigned char **out, size_t *out_len, const void *data, size_t len)
{
	z_stream z;
	unsigned char *buf;
	uLong cap;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	cap = deflateBound(&z, (uLong)len);
	if (!(buf = malloc(cap)))
		abort();
	z.next_in = (Bytef *)(uintptr_t)data;
	z.avail_in = (uInt)len;
	z.next_out = buf;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		abort();
	*out = buf;
	*out_len = z.total_out;
	deflateEnd(&z);
}

char *fuzz_strndup(const void *data, size_t len)
{
	char *s = malloc(len + 1);

	if (!s)
		abort();
	if (len)
		memcpy(s, data, len);
	s[len] = '\0';
	return s;
}

/* ---- bundles: a sink that checks what an importer would be handed ---------- */

#define SEEN_MAX 2048

struct fuzz_sink {
	uint64_t att_size, att_got;
	int in_att;
	uint64_t entries;
	/* every entry reaches an importer once: (origin, tree size, index) */
	struct {
		unsigned char origin[16];
		uint64_t tree_size, index;
	} seen[SEEN_MAX];
	size_t nseen;
};

static int sink_checkpoint(void *ctx, const char *origin, uint64_t size,
			   const unsigned char root[32], const char *note, size_t len)
{
	sdx_checkpoint c;

	(void)ctx;
	/* only checkpoints whose note verified and parsed reach an importer */
	FUZZ_ASSERT(sdx_origin_valid(origin) && root && len <= SDX_NOTE_MAX);
	FUZZ_ASSERT(sdx_checkpoint_parse(&c, note, len) == 0);
	FUZZ_ASSERT(c.size == size && memcmp(c.root, root, 32) == 0 &&
		    strcmp(c.origin, origin) == 0);
	return 0;
}

static int sink_entry(void *ctx, const sdx_bundle_entry *e)
{
	struct fuzz_sink *s = ctx;
	const char *origin = e->origin;
	uint64_t index = e->index, tree_size = e->tree_size;
	unsigned char h[32];

	FUZZ_ASSERT(sdx_origin_valid(origin) && index < tree_size);
	FUZZ_ASSERT(strlen(e->type) <= SDX_TYPE_MAX && strlen(e->time) == 20);
	FUZZ_ASSERT(e->len <= SDX_DSSE_MAX_ENVELOPE && e->proof_len <= SDX_MERKLE_MAX_PROOF);
	sdx_merkle_leaf_hash(h, e->data, e->len);
	FUZZ_ASSERT(memcmp(h, e->leaf, 32) == 0);
	if (e->proof_len)
		FUZZ_ASSERT(e->proof != NULL);
	if (s->nseen < SEEN_MAX) {
		unsigned char o[16];
		size_t i;
		crypto_generichash(o, sizeof(o), (const unsigned char *)origin, strlen(origin),
				   NULL, 0);
		for (i = 0; i < s->nseen; i++)
			FUZZ_ASSERT(s->seen[i].index != index || s->seen[i].tree_size != tree_size ||
				    memcmp(s->seen[i].origin, o, sizeof(o)) != 0);
		memcpy(s->seen[s->nseen].origin, o, sizeof(o));
		s->seen[s->nseen].tree_size = tree_size;
		s->seen[s->nseen++].index = index;
	}
	s->entries++;
	return 0;
}

static int sink_att_begin(void *ctx, const unsigned char hash[32], uint64_t size)
{
	struct fuzz_sink *s = ctx;

	(void)hash;
	FUZZ_ASSERT(!s->in_att);
	s->in_att = 1;
	s->att_size = size;
	s->att_got = 0;
	return 0;
}

static int sink_att_data(void *ctx, const void *data, size_t len)
{
	struct fuzz_sink *s = ctx;

	FUZZ_ASSERT(s->in_att && data && len > 0);
	s->att_got += len;
	FUZZ_ASSERT(s->att_got <= s->att_size);
	return 0;
}

static int sink_att_end(void *ctx)
{
	struct fuzz_sink *s = ctx;

	FUZZ_ASSERT(s->in_att && s->att_got == s->att_size);
	s->in_att = 0;
	return 0;
}

/* Keys and consistency proofs arrive only for ledgers that verified. */
static int sink_key(void *ctx, const sdx_verifier *v, int via_rotation)
{
	(void)ctx;
	(void)via_rotation;
	FUZZ_ASSERT(v != NULL);
	return 0;
}

static int sink_consistency(void *ctx, const char *origin, uint64_t old_size, uint64_t size,
			    const unsigned char (*proof)[32], size_t n)
{
	(void)ctx;
	(void)proof;
	FUZZ_ASSERT(origin && old_size < size && n <= SDX_MERKLE_MAX_PROOF);
	return 0;
}

int fuzz_verify_bundle(const char *path)
{
	static struct fuzz_sink fs; /* 80 KiB */
	sdx_bundle_sink sink = { &fs, sink_checkpoint, sink_entry, sink_att_begin, sink_att_data,
				 sink_att_end, sink_key, sink_consistency, NULL };
	sdx_bundle_verify_options o = SDX_BUNDLE_VERIFY_OPTIONS_INIT;
	sdx_bundle_report *rep = NULL;
	const sdx_bundle_ledger *bl;
	size_t i;
	int err;

	memset(&fs, 0, sizeof(fs));
	o.trust_on_first_use = 1;
	o.max_member = 1u << 20;
	o.max_total = 4u << 20;
	o.max_entries = 1000;
	o.threads = 1;
	o.sink = &sink;
	err = sdx_bundle_verify(&rep, path, &o);
	if (getenv("SDX_FUZZ_VERBOSE"))
		fprintf(stderr, "sdx_bundle_verify: %s: %s\n", sdx_error_name(err),
			err ? sdx_error_last() : "valid");
	FUZZ_ASSERT(err == 0 || err == SDX_EFORMAT || err == SDX_ELIMIT || err == SDX_EVERIFY ||
		    err == SDX_EUNTRUSTED);
	FUZZ_ASSERT(rep != NULL);
	FUZZ_ASSERT(sdx_bundle_report_ledger_count(rep) <= SDX_BUNDLE_MAX_LEDGERS);
	for (i = 0; (bl = sdx_bundle_report_ledger(rep, i)); i++)
		FUZZ_ASSERT(memchr(bl->origin, '\0', sizeof(bl->origin)) != NULL);
	FUZZ_ASSERT(i == sdx_bundle_report_ledger_count(rep));
	FUZZ_ASSERT(strlen(sdx_bundle_report_producer(rep)) <= SDX_NAME_MAX &&
		    strlen(sdx_bundle_report_producer_vkey(rep)) < SDX_NAME_MAX + 64 &&
		    strlen(sdx_bundle_report_created(rep)) <= 20 &&
		    strlen(sdx_bundle_report_recipient(rep)) <= SDX_NAME_MAX);
	if (err == 0 || err == SDX_EUNTRUSTED)
		FUZZ_ASSERT(!fs.in_att && fs.entries == sdx_bundle_report_entries(rep));
	sdx_bundle_report_free(rep);
	return err;
}

