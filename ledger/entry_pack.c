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
 * A row is stored so only if the envelope is exactly what this rebuild
 * gives (every envelope sdx writes is); any other is stored as its text,
 * which starts with '{', as all rows did before schema 9.
 */
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "ledger/entry.h"
#include "ledger/internal.h"

#define PACKED 0x01
#define HEAD(klen) (3 + (klen) + 64)

int sdx__entry_pack(unsigned char **out, size_t *out_len, int version, const char *keyid,
		    const unsigned char sig[64], const void *payload, size_t len)
{
	size_t klen = strlen(keyid);
	unsigned char *p;

	*out = NULL;
	if (version < 1 || version > 255 || klen > 255)
		return sdx_error_set(SDX_EINVAL, "cannot store an entry of version %d, key id of "
				     "%zu bytes", version, klen);
	if (!(p = malloc(HEAD(klen) + len)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	p[0] = PACKED;
	p[1] = (unsigned char)version;
	p[2] = (unsigned char)klen;
	memcpy(p + 3, keyid, klen);
	memcpy(p + 3 + klen, sig, 64);
	memcpy(p + HEAD(klen), payload, len);
	*out = p;
	*out_len = HEAD(klen) + len;
	return 0;
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
	char keyid[256];
	const char *type;
	size_t klen;

	*out = NULL;
	if (len < 3 || data[0] != PACKED)
		return 0;
	klen = data[2];
	if (len < HEAD(klen) || !(type = sdx__payload_type(data[1])))
		return 0;
	memcpy(keyid, data + 3, klen);
	keyid[klen] = '\0';
	if (sdx__dsse_envelope(out, out_len, type, data + HEAD(klen), len - HEAD(klen), keyid,
			       data + 3 + klen) < 0) {
		sdx_error_clear();
		return SDX_ENOMEM;
	}
	return 1;
}

int sdx__entry_unpack_parsed(sdx_dsse_envelope **out, const unsigned char *data, size_t len)
{
	sdx_dsse_envelope *e;
	const char *type;
	size_t klen;

	*out = NULL;
	if (len < 3 || data[0] != PACKED)
		return 0;
	klen = data[2];
	if (len < HEAD(klen) || !(type = sdx__payload_type(data[1])))
		return 0;
	if (!(e = calloc(1, sizeof(*e))) || !(e->payload_type = strdup(type)) ||
	    !(e->keyid = malloc(klen + 1)) || !(e->payload = malloc(len - HEAD(klen) + 1))) {
		sdx_dsse_envelope_free(e);
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	}
	memcpy(e->keyid, data + 3, klen);
	e->keyid[klen] = '\0';
	memcpy(e->sig, data + 3 + klen, 64);
	e->payload_len = len - HEAD(klen);
	memcpy(e->payload, data + HEAD(klen), e->payload_len);
	e->payload[e->payload_len] = '\0';
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
