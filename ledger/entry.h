/*
 * ledger/entry.h - one entry's bytes as a typed view (formats/ledger.md).
 * Private to libsdx: ledger verify, bundle verify, import and export all read
 * entries through it, and ledger/chain.h checks them in order.
 *
 * Order of calls: sdx__entry_open() parses the DSSE envelope and names the
 * payload version; the caller checks the signature (it knows the keys:
 * sdx__chain_signer()); sdx__entry_read() reads the payload's header against
 * the values the caller expects; sdx__entry_close() frees.  A failing call
 * leaves what is wrong in e->fault, worded by sdx__entry_fault_message().
 *
 * The header is read by position when the payload is laid out exactly as sdx
 * writes it and holds the expected values (most entries: no JSON tree);
 * otherwise, or when the caller asks for the body, as strict JSON, which
 * finds the first thing wrong.  Where both read a payload they give the same
 * view (tests/unit/payload.c, tests/fuzz/fuzz_payload.c).
 */
#ifndef SDX_LEDGER_ENTRY_H
#define SDX_LEDGER_ENTRY_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "sdx/dsse.h"
#include "sdx/ledger.h"
#include "sdx/note.h"

/* What is wrong with an entry: one vocabulary for every reader. */
enum sdx__entry_fault_kind {
	SDX__ENTRY_OK = 0,
	SDX__ENTRY_ENVELOPE,       /* not a DSSE envelope (a: the parser's message) */
	SDX__ENTRY_PAYLOAD_TYPE,   /* payloadType names neither version (a: it) */
	SDX__ENTRY_SIGNER,         /* signed by another key id (a: it, b: the ledger's) */
	SDX__ENTRY_SIGNATURE,      /* the signature does not verify */
	SDX__ENTRY_JSON,           /* the payload is not strict JSON (a: why) */
	SDX__ENTRY_FIELDS,         /* not an object with exactly the header's fields */
	SDX__ENTRY_MISSING,        /* a field is missing (a: its name) */
	SDX__ENTRY_ATTACHMENTS,    /* version 2's list is malformed (a: how) */
	SDX__ENTRY_BODY,           /* body is not an object */
	SDX__ENTRY_KEY,            /* key does not name the signing key */
	SDX__ENTRY_ORIGIN,         /* origin is not the ledger's (a: the ledger's) */
	SDX__ENTRY_PREV,           /* prev (v3: prev_payload) is not 64 lowercase hex digits */
	SDX__ENTRY_SEQ,            /* seq is not a non-negative integer */
	SDX__ENTRY_VERSION,        /* version is not payloadType's (n: that one) */
	SDX__ENTRY_TYPE,           /* type not a string, or not the stored one (a: that) */
	SDX__ENTRY_TIME,           /* time not the stored one (a: that) */
	SDX__ENTRY_SHAPE,          /* type longer than SDX_TYPE_MAX, time not 20 characters */
	/* in order (ledger/chain.c) */
	SDX__ENTRY_SEQ_ORDER,      /* seq is not the entry's index (n: seq) */
	SDX__ENTRY_LINK,           /* prev is not the previous leaf hash (n: the index) */
	SDX__ENTRY_GENESIS_FIRST,  /* entry 0 is not the genesis record */
	SDX__ENTRY_GENESIS_LATE,   /* a genesis record after entry 0 */
	SDX__ENTRY_GENESIS_ORIGIN, /* the genesis body names another origin (a: the ledger's) */
	SDX__ENTRY_GENESIS_KEY,    /* the genesis body names another key */
	SDX__ENTRY_ROTATION,       /* a rotation names a key the ledger does not list next */
	/* version 3 */
	SDX__ENTRY_INDEX,          /* the index member is malformed (a: how) */
	SDX__ENTRY_LINK_PAYLOAD    /* prev_payload is not the previous payload's hash (n: index) */
};

struct sdx__entry_fault {
	enum sdx__entry_fault_kind kind;
	uint64_t n;
	char a[300], b[SDX_NAME_MAX + 16];
};

/* How a message is worded: ledger verify names each field; bundle verify
 * (formats/bundle.md) groups them as it always has. */
enum sdx__entry_wording { SDX__WORDING_LEDGER, SDX__WORDING_BUNDLE };

/* The fault as one line (without the entry's name, which the caller puts
 * first); returns out. */
const char *sdx__entry_fault_message(char *out, size_t cap, const struct sdx__entry_fault *f,
				     enum sdx__entry_wording w);

/*
 * Version 3's index keys (formats/ledger.md, "Entries"): the ids a record is
 * known by, as (kind, value), and the entries it cites, in order.  Strings
 * are NUL-terminated in `text`, which the struct owns.
 */
struct sdx__entry_id {
	const char *kind, *value;
};
struct sdx__entry_edge {
	unsigned edge;                  /* its number in the citing type's edges */
	unsigned char dst[32];          /* the cited leaf hash */
	const char *lot;                /* the lot_number beside it, or NULL */
};
struct sdx__entry_keys {
	struct sdx__entry_id *ids;
	size_t nids;
	struct sdx__entry_edge *edges;
	size_t nedges;
	char *text;
};

#define SDX__INDEX_EDGE_MAX 999         /* edge numbers are 0..999 */
#define SDX__INDEX_EMPTY "{\"edges\":[],\"ids\":{}}"

/* A payload's header, as either path reads it. */
struct sdx__entry_header {
	int version;                    /* 1, 2 or 3, as payloadType says */
	char key[SDX_NAME_MAX + 16];
	char origin[SDX_NAME_MAX + 1];
	char type[SDX_TYPE_MAX + 1];
	char time[21];
	uint64_t seq;
	unsigned char prev[32];         /* 1, 2: the previous leaf hash; 3: the
					 * SHA-256 of the previous payload */
	unsigned char (*atts)[32];      /* version 2, 3: the list, malloc'd (NULL if empty) */
	size_t natts;
	const char *body;               /* the body object's bytes in the payload */
	size_t body_len;
	const char *index;              /* version 3: the index member's bytes, in the
					 * payload or (read as JSON) in index_own */
	size_t index_len;
	char *index_own;                /* malloc'd canonical copy, or NULL */
};

/* The values an entry must hold; NULL members are not checked. */
struct sdx__entry_want {
	const char *origin;
	const char *type, *time;        /* the stored row's */
	int seq_known;                  /* seq is the index the entry must carry */
	uint64_t seq;                   /* (checked in order, by the chain; the fast path
					 * is only taken when it holds) */
};

struct sdx__entry {
	sdx_dsse_envelope *env;         /* owned */
	struct sdx__entry_header h;     /* valid after sdx__entry_read() returned 0 */
	json_t *payload;                /* the parsed payload if read as JSON, else NULL */
	struct sdx__entry_fault fault;  /* what is wrong, after a call failed */
};

/* Read the header as JSON, with the body: genesis and key entries, --bodies. */
#define SDX__ENTRY_STRICT 1u
/* With STRICT, version 3: the index member must be what the body gives (the
 * indexers' keys hook, ledger/indexer.h), else SDX__ENTRY_INDEX. */
#define SDX__ENTRY_KEYS 2u

/*
 * Parse the envelope of `len` bytes at `data` (or the stored form of an
 * entry: ledger/entry_pack.c) and name the version.
 * Returns 0, SDX_EVERIFY (e->fault set) or SDX_ENOMEM.  Close e either way.
 */
int sdx__entry_open(struct sdx__entry *e, const unsigned char *data, size_t len);

/*
 * Read the payload's header, checking it holds what `want` names and, with
 * the key, the envelope's key id.  Valid until close.  Returns 0,
 * SDX_EVERIFY (e->fault set) or SDX_ENOMEM.  May be called again (with
 * SDX__ENTRY_STRICT) to get the body parsed.
 */
int sdx__entry_read(struct sdx__entry *e, const struct sdx__entry_want *want, unsigned flags);

/* The parsed body (NULL unless read as JSON). */
const json_t *sdx__entry_body(const struct sdx__entry *e);

void sdx__entry_close(struct sdx__entry *e);

/* The version an envelope's payloadType names: 1, 2, 3, or 0 for none. */
int sdx__payload_version(const char *payload_type);
/* The payloadType of version 1, 2 or 3 (NULL for another). */
const char *sdx__payload_type(int version);

/*
 * The index keys of a version 3 header (h->index, h->index_len) into *out,
 * whichever way it was read.  0, SDX_EFORMAT (not an index member: only for
 * bytes no header read accepted), or SDX_ENOMEM.  Free with
 * sdx__entry_keys_free() (a zeroed struct too).
 */
int sdx__entry_keys_read(struct sdx__entry_keys *out, const char *index, size_t len);
void sdx__entry_keys_free(struct sdx__entry_keys *k);

/* --- how entries are stored (ledger/entry_pack.c, schema 9) --- */

/* The stored form of an entry from its parts, malloc'd.  0 or an error. */
int sdx__entry_pack(unsigned char **out, size_t *out_len, int version, const char *keyid,
		    const unsigned char sig[64], const void *payload, size_t len);
/* The stored form of an envelope: 1 and *out malloc'd if it rebuilds
 * byte-exactly, 0 if it is to be stored as its text, or SDX_ENOMEM. */
int sdx__entry_pack_envelope(unsigned char **out, size_t *out_len, const unsigned char *env,
			     size_t len);
/* A stored row's envelope: 1 and *out malloc'd if it was packed, 0 if the
 * row is the envelope's text (or damaged: read it as it is), or SDX_ENOMEM. */
int sdx__entry_unpack(char **out, size_t *out_len, const unsigned char *data, size_t len);
/* sdx_ledger_foreach() and sdx_ledger_foreach_foreign_entry() with each
 * entry's data as stored (above) instead of rebuilt as its envelope: for
 * readers of its header or body that hash nothing over the envelope's bytes
 * (the leaf hash is over those).  sdx__entry_open() takes either form. */
struct sdx_foreign_entry;
int sdx__ledger_foreach_stored(struct sdx_ledger *l, uint64_t from, uint64_t to,
			       int (*cb)(void *ctx, const sdx_entry *e), void *ctx);
int sdx__ledger_foreach_foreign_stored(struct sdx_ledger *l,
				       int (*cb)(void *ctx, const struct sdx_foreign_entry *e),
				       void *ctx);
/* A stored row's envelope as sdx_dsse_parse() gives it, without its text:
 * 1 and *out if it was packed, 0 if not (parse it as text), or SDX_ENOMEM. */
int sdx__entry_unpack_parsed(sdx_dsse_envelope **out, const unsigned char *data, size_t len);
/* Register sdx_envelope(data) on a connection: every SELECT of entries.data
 * and foreign_entries.data reads it through that.  0 or SDX_EIO. */
struct sqlite3;
int sdx__entry_sql_register(struct sqlite3 *db);

/* The DSSE envelope of payload with its signature, as sdx_dsse_sign() writes
 * it (ledger/dsse.c); and the signature alone.  0 or an error. */
int sdx__dsse_envelope(char **out, size_t *out_len, const char *type, const void *payload,
		       size_t len, const char *keyid, const unsigned char sig[64]);
struct sdx_signer;
int sdx__dsse_sign_detached(unsigned char sig[64], const char *type, const void *payload,
			    size_t len, const struct sdx_signer *s);

/* --- the index member (ledger/entry_index.c), for entry.c --- */
/* A cursor over a payload's bytes; every step either matches or fails.
 * sdx__cur_lit(): the literal s at c->p (then past it): 0, or -1. */
struct sdx__cur {
	const char *p, *end;
};
int sdx__cur_lit(struct sdx__cur *c, const char *s);
/* 1 if [p, end) is an index member laid out exactly as sdx writes it: no
 * whitespace, kinds ascending, strings without escapes, valid UTF-8. */
int sdx__index_fast(const char *p, const char *end);
/* The parsed index member's shape: 0, or -1 with f set (SDX__ENTRY_INDEX). */
int sdx__index_json(const json_t *index, struct sdx__entry_fault *f);

/*
 * The two ways of reading a header, for the tests that prove them equal.
 * fast: 1 if the payload is laid out exactly as sdx writes it for
 * `version` (members in order, no whitespace, header values of their fixed
 * shapes, attachments strictly ascending, version 3's index member as
 * sdx__index_fast() says), with *h filled; else 0.  strict:
 * 0 if the payload is JSON with the header's fields (values unchecked), *h
 * filled; else a fault kind.  Free h->atts with sdx__entry_header_clear().
 */
int sdx__entry_header_fast(struct sdx__entry_header *h, const char *payload, size_t len,
			   int version);
int sdx__entry_header_strict(struct sdx__entry_header *h, const char *payload, size_t len,
			     int version);
void sdx__entry_header_clear(struct sdx__entry_header *h);

#endif
