/*
 * tests/fuzz/fuzz_bundle_signed.c - sdx_bundle_verify() past the signatures.
 *
 * A fuzzer cannot forge Ed25519, so hostile bytes never get beyond a
 * bundle's manifest signature (fuzz_bundle.c).  Here the input is an
 * uncompressed bundle tar whose signers all use the fixture seed (the seeds
 * in corpus/bundle_signed/ are real bundles written that way by mkseed.c),
 * and the harness signs again whatever the mutation touched, as a producer
 * with that key would have: each ledger's checkpoint and the older
 * checkpoints in its consistency.json (with the key named by the ledger's
 * origin), every entry envelope, the manifest's member hashes and sizes,
 * its keys, and the manifest itself.  Unchanged parts sign to the same
 * bytes, so what the verifier then sees is a well-signed bundle whose
 * structure, proofs, counts, names and JSON are the fuzzer's.
 */
#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <sodium.h>

#include "common.h"
#include "formats/bundle/archive.h"
#include "ledger/internal.h"

#define MEMBERS_MAX 64

struct member {
	char *name;
	unsigned char *data;
	size_t len;
};

struct bundle {
	struct member m[MEMBERS_MAX];
	size_t n;
};

static int collect(void *ctx, const char *name, uint64_t size, struct sdx_tar_reader *r)
{
	struct bundle *b = ctx;
	struct member *m;
	size_t got, done = 0;
	int err;

	if (b->n == MEMBERS_MAX)
		return SDX_ELIMIT;
	m = &b->m[b->n++];
	m->name = fuzz_strndup(name, strlen(name));
	m->data = malloc(size ? (size_t)size : 1);
	if (!m->data)
		abort();
	while (done < size) {
		if ((err = sdx__tar_member_read(r, m->data + done, (size_t)size - done, &got)) < 0)
			return err;
		if (got == 0)
			break;
		done += got;
	}
	m->len = done;
	return 0;
}

static void replace(struct member *m, unsigned char *data, size_t len)
{
	free(m->data);
	m->data = data;
	m->len = len;
}

/* The signer of manifest ledger k, or NULL. */
static const sdx_signer *ledger_signer(json_t *manifest, const char *member, const char **rest)
{
	json_t *ledgers = json_object_get(manifest, "ledgers");
	const char *origin;
	char *end;
	unsigned long k;

	if (strncmp(member, "ledgers/", 8) != 0)
		return NULL;
	k = strtoul(member + 8, &end, 10);
	if (end == member + 8 || *end != '/')
		return NULL;
	*rest = end + 1;
	origin = json_string_value(json_object_get(json_array_get(ledgers, k), "origin"));
	return origin ? fuzz_signer_named(origin) : NULL;
}

/* Sign the text part of a note (up to its first blank line) again; NULL if sdx refuses. */
static char *resign_note(const char *note, size_t len, const sdx_signer *s, size_t *out_len)
{
	const char *blank = NULL;
	char *out = NULL;
	size_t i;

	for (i = 0; i + 1 < len; i++)
		if (note[i] == '\n' && note[i + 1] == '\n') {
			blank = note + i;
			break;
		}
	if (sdx_note_sign(&out, out_len, note, blank ? (size_t)(blank - note) + 1 : len, s) < 0)
		return NULL;
	return out;
}

static void resign_checkpoint(struct member *m, const sdx_signer *s)
{
	size_t n = 0;
	char *note = resign_note((const char *)m->data, m->len, s, &n);

	if (note)
		replace(m, (unsigned char *)note, n);
}

static void resign_consistency(struct member *m, const sdx_signer *s)
{
	json_t *j = json_loadb((const char *)m->data, m->len, 0, NULL), *c;
	char *text = NULL;
	size_t i, n = 0;

	json_array_foreach(j, i, c) {
		const char *note = json_string_value(json_object_get(c, "checkpoint"));
		char *again = note ? resign_note(note, strlen(note), s, &n) : NULL;
		if (again)
			json_object_set_new(c, "checkpoint", json_string(again));
		free(again);
	}
	if (j && sdx__json_dump(&text, &n, j) == 0)
		replace(m, (unsigned char *)text, n);
	json_decref(j);
}

/* Each record: u64 index, u16 length, envelope, u8 n, n proof hashes. */
static void resign_entries(struct member *m, const sdx_signer *s)
{
	unsigned char *out = malloc(m->len * 2 + 16), *p = m->data, *end = m->data + m->len;
	size_t o = 0;

	if (!out)
		abort();
	while (end - p >= 10) {
		size_t len = (size_t)p[8] << 8 | p[9], cnt, env_len = 0;
		sdx_dsse_envelope *e = NULL;
		char *env = NULL;

		if ((size_t)(end - p) < 10 + len + 1)
			break;
		cnt = p[10 + len];
		if ((size_t)(end - p) < 10 + len + 1 + 32 * cnt)
			break;
		if (sdx_dsse_parse(&e, p + 10, len) == 0 &&
		    sdx_dsse_sign(&env, &env_len, e->payload_type, e->payload, e->payload_len,
				  e->keyid, s) == 0 && env_len <= len + 64 && env_len <= 0xffff) {
			memcpy(out + o, p, 8);
			out[o + 8] = (unsigned char)(env_len >> 8);
			out[o + 9] = (unsigned char)env_len;
			memcpy(out + o + 10, env, env_len);
			o += 10 + env_len;
		} else {
			memcpy(out + o, p, 10 + len);
			o += 10 + len;
		}
		memcpy(out + o, p + 10 + len, 1 + 32 * cnt);
		o += 1 + 32 * cnt;
		p += 10 + len + 1 + 32 * cnt;
		sdx_dsse_envelope_free(e);
		free(env);
	}
	memcpy(out + o, p, (size_t)(end - p)); /* a torn tail stays torn */
	o += (size_t)(end - p);
	replace(m, out, o);
}

static void set_vkey(json_t *obj, const char *field, const sdx_signer *s)
{
	sdx_verifier *v = NULL;
	char *vkey = NULL;

	if (s && sdx_signer_verifier(&v, s) == 0 && sdx_verifier_format(&vkey, v) == 0)
		json_object_set_new(obj, field, json_string(vkey));
	free(vkey);
	sdx_verifier_free(v);
}

/* Keys, member hashes and sizes as the members now are; then sign the manifest. */
static void resign_manifest(struct bundle *b, struct member *mf, sdx_dsse_envelope *env,
			    json_t *j)
{
	const char *producer = json_string_value(json_object_get(j, "producer"));
	const sdx_signer *ps = producer ? fuzz_signer_named(producer) : NULL;
	json_t *x, *k;
	size_t i, n, len = 0;
	char *text = NULL, *out = NULL;

	set_vkey(j, "producer_key", ps ? ps : fuzz_signer());
	json_array_foreach(json_object_get(j, "ledgers"), i, x) {
		const char *origin = json_string_value(json_object_get(x, "origin"));
		const sdx_signer *s = origin ? fuzz_signer_named(origin) : NULL;
		json_t *keys = json_object_get(x, "keys");
		size_t kk;
		json_array_foreach(keys, kk, k) {
			sdx_verifier *v = NULL;
			char *vkey = NULL;
			if (s && json_is_string(k) && sdx_signer_verifier(&v, s) == 0 &&
			    sdx_verifier_format(&vkey, v) == 0)
				json_array_set_new(keys, kk, json_string(vkey));
			free(vkey);
			sdx_verifier_free(v);
		}
	}
	json_array_foreach(json_object_get(j, "members"), i, x) {
		const char *name = json_string_value(json_object_get(x, "name"));
		for (n = 0; name && n < b->n; n++) {
			unsigned char h[32];
			char hex[65];
			if (strcmp(b->m[n].name, name) != 0)
				continue;
			crypto_hash_sha256(h, b->m[n].data, b->m[n].len);
			sodium_bin2hex(hex, sizeof(hex), h, 32);
			json_object_set_new(x, "sha256", json_string(hex));
			json_object_set_new(x, "size", json_integer((json_int_t)b->m[n].len));
			break;
		}
	}
	if (sdx__json_dump(&text, &len, j) < 0)
		return;
	/* again: the ledgers' keys may have pushed it out of the cache */
	ps = producer ? fuzz_signer_named(producer) : NULL;
	if (sdx_dsse_sign(&out, &len, env->payload_type, text, len, env->keyid,
			  ps ? ps : fuzz_signer()) == 0)
		replace(mf, (unsigned char *)out, len);
	free(text);
}

/* In the one encoding bundle reading accepts (canonical_setup() in formats/bundle/archive.c). */
static void write_bundle(const struct bundle *b, int fd)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	size_t i;

	if (!a || !e || archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    archive_write_add_filter_gzip(a) != ARCHIVE_OK ||
	    archive_write_set_filter_option(a, "gzip", "compression-level", "6") != ARCHIVE_OK ||
	    archive_write_set_filter_option(a, "gzip", "timestamp", NULL) != ARCHIVE_OK ||
	    archive_write_set_bytes_per_block(a, 10240) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
	    archive_write_open_fd(a, fd) != ARCHIVE_OK)
		abort();
	for (i = 0; i < b->n; i++) {
		archive_entry_clear(e);
		archive_entry_set_pathname(e, b->m[i].name);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)b->m[i].len);
		if (archive_write_header(a, e) != ARCHIVE_OK ||
		    (b->m[i].len && archive_write_data(a, b->m[i].data, b->m[i].len) !=
				    (la_ssize_t)b->m[i].len))
			abort();
	}
	if (archive_write_close(a) != ARCHIVE_OK)
		abort();
	archive_entry_free(e);
	archive_write_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct sdx_tar_limits lim = { 1u << 20, 4u << 20, MEMBERS_MAX, 200, 0, NULL };
	struct bundle b;
	sdx_dsse_envelope *env = NULL;
	unsigned char *gz = NULL;
	json_t *manifest = NULL;
	const char *path, *rest;
	size_t i, n = 0;
	int fd;

	memset(&b, 0, sizeof(b));
	fuzz_gzip(&gz, &n, data, size);
	fd = fuzz_file(gz, n, NULL);
	if (sdx__tar_read_fd(fd, "fuzz", &lim, collect, &b) < 0 || b.n == 0)
		goto done;
	if (sdx_dsse_parse_max(&env, b.m[0].data, b.m[0].len, 1u << 20) < 0 ||
	    sdx__json_parse(&manifest, (const char *)env->payload, env->payload_len, 8, "fuzz") < 0)
		goto done;
	for (i = 1; i < b.n; i++) {
		const sdx_signer *s = ledger_signer(manifest, b.m[i].name, &rest);
		if (!s)
			continue;
		if (strcmp(rest, "checkpoint") == 0)
			resign_checkpoint(&b.m[i], s);
		else if (strcmp(rest, "consistency.json") == 0)
			resign_consistency(&b.m[i], s);
		else if (strcmp(rest, "entries") == 0)
			resign_entries(&b.m[i], s);
	}
	resign_manifest(&b, &b.m[0], env, manifest);
	fd = fuzz_file(NULL, 0, &path);
	write_bundle(&b, fd);
	fuzz_verify_bundle(path);
done:
	for (i = 0; i < b.n; i++) {
		free(b.m[i].name);
		free(b.m[i].data);
	}
	json_decref(manifest);
	sdx_dsse_envelope_free(env);
	free(gz);
	return 0;
}
