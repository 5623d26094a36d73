/*
 * ledger/entry_pack.c - how an entry is stored (formats/ledger.md, "The
 * SQLite file"): since schema 9, as its raw signature and payload rather
 * than the envelope's base64 text, and rebuilt byte-exactly on read, where
 * every reader gets the envelope it always got through the SQL function
 * sdx_envelope(data).
 *
 *   0x01 | payload version (1 byte) | keyid length (1 byte) | keyid |
 *   signature (64 bytes) | payload
 *
 * Since schema 14 the payload is stored LZ4-compressed where that is
 * smaller (a declaration's JSON takes about half):
 *
 *   0x02 | payload version | keyid length | keyid | signature (64 bytes) |
 *   payload length (4 bytes, big-endian) | LZ4 block of the payload
 *
 * A row is stored so only if the envelope is exactly what this rebuild
 * gives (every envelope sdx writes is); any other is stored as its text,
 * which starts with '{', as all rows did before schema 9.  A packed row that
 * does not unpack (a damaged block, a length over the envelope limit) is
 * read as it is, so that verify names it.
 */
#include <stdlib.h>
#include <string.h>
#include <lz4.h>
#include <sqlite3.h>

#include "ledger/entry.h"
#include "ledger/internal.h"

#define PACKED 0x01
#define PACKED_LZ4 0x02
#define HEAD(klen) (3 + (klen) + 64)
#define LZ4_HEAD(klen) (HEAD(klen) + 4)

int sdx__entry_pack(unsigned char **out, size_t *out_len, int version, const char *keyid,
		    const unsigned char sig[64], const void *payload, size_t len)
{
	size_t klen = strlen(keyid), bound;
	unsigned char *p;
	int z;

	*out = NULL;
	if (version < 1 || version > 255 || klen > 255)
		return sdx_error_set(SDX_EINVAL, "cannot store an entry of version %d, key id of "
				     "%zu bytes", version, klen);
	if (len > SDX_DSSE_MAX_ENVELOPE)
		return sdx_error_set(SDX_ELIMIT, "cannot store a payload of %zu bytes", len);
	bound = (size_t)LZ4_compressBound((int)len);
	if (!(p = malloc(LZ4_HEAD(klen) + (bound > len ? bound : len))))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	p[1] = (unsigned char)version;
	p[2] = (unsigned char)klen;
	memcpy(p + 3, keyid, klen);
	memcpy(p + 3 + klen, sig, 64);
	z = LZ4_compress_default(payload, (char *)p + LZ4_HEAD(klen), (int)len, (int)bound);
	if (z > 0 && (size_t)z + 4 < len) {
		p[0] = PACKED_LZ4;
		p[HEAD(klen)] = (unsigned char)(len >> 24);
		p[HEAD(klen) + 1] = (unsigned char)(len >> 16);
		p[HEAD(klen) + 2] = (unsigned char)(len >> 8);
		p[HEAD(klen) + 3] = (unsigned char)len;
		*out_len = LZ4_HEAD(klen) + (size_t)z;
	} else {
		p[0] = PACKED;
		memcpy(p + HEAD(klen), payload, len);
		*out_len = HEAD(klen) + len;
	}
	*out = p;
	return 0;
}

/* The payload of a packed row, borrowed or (compressed) malloc'd into *own:
 * 1, 0 if the row is not packed or does not unpack, or SDX_ENOMEM. */
static int payload_of(const unsigned char **pl, size_t *plen, unsigned char **own,
		      const unsigned char *data, size_t len)
{
	size_t klen, raw;
	int n;

	*own = NULL;
	if (len < 3 || (data[0] != PACKED && data[0] != PACKED_LZ4) ||
	    !sdx__payload_type(data[1]))
		return 0;
	klen = data[2];
	if (data[0] == PACKED) {
		if (len < HEAD(klen))
			return 0;
		*pl = data + HEAD(klen);
		*plen = len - HEAD(klen);
		return 1;
	}
	if (len < LZ4_HEAD(klen))
		return 0;
	raw = (size_t)data[HEAD(klen)] << 24 | (size_t)data[HEAD(klen) + 1] << 16 |
	      (size_t)data[HEAD(klen) + 2] << 8 | data[HEAD(klen) + 3];
	if (raw == 0 || raw > SDX_DSSE_MAX_ENVELOPE || len - LZ4_HEAD(klen) > (size_t)INT32_MAX)
		return 0;
	if (!(*own = malloc(raw + 1)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	n = LZ4_decompress_safe((const char *)data + LZ4_HEAD(klen), (char *)*own,
				(int)(len - LZ4_HEAD(klen)), (int)raw);
	if (n < 0 || (size_t)n != raw) {
		free(*own);
		*own = NULL;
		return 0;
	}
	*pl = *own;
	*plen = raw;
	return 1;
}

int sdx__entry_pack_envelope(unsigned char **out, size_t *out_len, const unsigned char *env,
			     size_t len)
{
	sdx_dsse_envelope *e = NULL;
	char *again = NULL;
	size_t alen = 0;
	int version, err = 0;

	*out = NULL;
	/* what does not parse, or would not rebuild to the same bytes, stays text */
	if (sdx_dsse_parse(&e, env, len) < 0) {
		sdx_error_clear();
		return 0;
	}
	version = sdx__payload_version(e->payload_type);
	if (version && strlen(e->keyid) <= 255 &&
	    sdx__dsse_envelope(&again, &alen, e->payload_type, e->payload, e->payload_len,
			       e->keyid, e->sig) == 0 &&
	    alen == len && memcmp(again, env, len) == 0)
		err = sdx__entry_pack(out, out_len, version, e->keyid, e->sig, e->payload,
				      e->payload_len);
	if (err == 0 && !*out)
		sdx_error_clear();
	free(again);
	sdx_dsse_envelope_free(e);
	return err < 0 ? err : *out ? 1 : 0;
}

int sdx__entry_unpack(char **out, size_t *out_len, const unsigned char *data, size_t len)
{
	const unsigned char *pl;
	unsigned char *own;
	char keyid[256];
	size_t klen, plen;
	int r;

	*out = NULL;
	if ((r = payload_of(&pl, &plen, &own, data, len)) <= 0)
		return r;
	klen = data[2];
	memcpy(keyid, data + 3, klen);
	keyid[klen] = '\0';
	r = sdx__dsse_envelope(out, out_len, sdx__payload_type(data[1]), pl, plen, keyid,
			       data + 3 + klen);
	free(own);
	if (r < 0) {
		sdx_error_clear();
		return SDX_ENOMEM;
	}
	return 1;
}

int sdx__entry_unpack_parsed(sdx_dsse_envelope **out, const unsigned char *data, size_t len)
{
	const unsigned char *pl;
	unsigned char *own;
	sdx_dsse_envelope *e;
	size_t klen, plen;
	int r;

	*out = NULL;
	if ((r = payload_of(&pl, &plen, &own, data, len)) <= 0)
		return r;
	klen = data[2];
	if (!(e = calloc(1, sizeof(*e))) || !(e->payload_type = strdup(sdx__payload_type(data[1]))) ||
	    !(e->keyid = malloc(klen + 1)) || (!own && !(e->payload = malloc(plen + 1)))) {
		sdx_dsse_envelope_free(e);
		free(own);
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	}
	memcpy(e->keyid, data + 3, klen);
	e->keyid[klen] = '\0';
	memcpy(e->sig, data + 3 + klen, 64);
	e->payload_len = plen;
	if (own) {
		e->payload = own; /* malloc'd with room for the NUL */
	} else {
		memcpy(e->payload, pl, plen);
	}
	e->payload[plen] = '\0';
	*out = e;
	return 1;
}

/* sdx_envelope(data): a packed row's envelope; any other value as it is, so
 * that verify names what is wrong with it. */
static void envelope_fn(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	const unsigned char *data = sqlite3_value_blob(argv[0]);
	size_t len = (size_t)sqlite3_value_bytes(argv[0]);
	char *env = NULL;
	size_t elen = 0;
	int r;

	(void)argc;
	if (!data || (r = sdx__entry_unpack(&env, &elen, data, len)) == 0) {
		sqlite3_result_value(cx, argv[0]);
		return;
	}
	if (r < 0) {
		sqlite3_result_error_nomem(cx);
		return;
	}
	sqlite3_result_blob64(cx, env, elen, free);
}

int sdx__entry_sql_register(sqlite3 *db)
{
	return sqlite3_create_function_v2(db, "sdx_envelope", 1,
					  SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
					  NULL, envelope_fn, NULL, NULL, NULL) == SQLITE_OK
		       ? 0
		       : sdx_error_set(SDX_EIO, "cannot register sdx_envelope: %s",
				       sqlite3_errmsg(db));
}
