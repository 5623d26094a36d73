/*
 * formats/index/index.h - the graph index: which records the ledger holds,
 * the ids people know them by and the edges between them, in tables of the
 * ledger file (formats/ledger.md, "Indexes").  Not installed.
 *
 * It is derived data, kept by an indexer (ledger/indexer.h) that libsdx
 * registers when it is loaded: every append and every imported entry adds
 * its rows in its own transaction, a writable open of an older ledger builds
 * it, sdx_ledger_verify() checks it against the entries, sdx_index_rebuild()
 * makes it again.  Rows come from the record-type table alone
 * (formats/records/type.h: the id field, the lots, the parties, the edges),
 * so a new record type is indexed without code here.
 *
 * Readers (formats/graph/) first ask sdx__gindex_ready(): a ledger whose
 * index is absent, of another version or behind the entries (written by an
 * sdx without it) is read whole, as before there was one.
 */
#ifndef SDX_FORMATS_INDEX_H
#define SDX_FORMATS_INDEX_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "sdx/ledger.h"

#define SDX__GINDEX_NAME "graph"
#define SDX__GINDEX_VERSION 1

/* Where a record's row is, as the index holds it. */
struct sdx__gi_record {
	unsigned char leaf[32];
	int own;                     /* 1: this ledger's entry; 0: imported */
	char origin[SDX_NAME_MAX + 1];
	uint64_t index;              /* in its origin's ledger */
	uint64_t tree_size;          /* imported: the tree size of its proof; own: 0 */
	char type[SDX_TYPE_MAX + 1];
	char time[21];
};

/* 1 if the graph index of l is current and covers every entry, 0 if not, or
 * the error. */
int sdx__gindex_ready(sdx_ledger *l);

/* The record of `leaf` into *out: 1, or 0 if the index has none. */
int sdx__gindex_record(sdx_ledger *l, const unsigned char leaf[32], struct sdx__gi_record *out);
/* The record of own entry `index`: 1, or 0 if it is not in the graph. */
int sdx__gindex_own(sdx_ledger *l, uint64_t index, struct sdx__gi_record *out);
/* The records whose leaf starts with the hex prefix `ref` (4 to 64 digits):
 * *hits of them, the first into *out. */
int sdx__gindex_prefix(sdx_ledger *l, const char *ref, struct sdx__gi_record *out, size_t *hits);
/* The number of records. */
int sdx__gindex_count(sdx_ledger *l, uint64_t *out);

/* Each edge of record `src` in the order its type lists them (edge: its
 * number in the type's edges; lot: the element's lot_number, or NULL). */
typedef int (*sdx__gi_edge_cb)(void *ctx, int edge, const unsigned char dst[32], const char *lot);
int sdx__gindex_edges(sdx_ledger *l, const unsigned char src[32], sdx__gi_edge_cb cb, void *ctx);

/* Each record of `role` (SDX_ROLE_*) citing `dst` (and, if lot is not NULL,
 * naming that lot with it); a record citing it twice comes twice. */
typedef int (*sdx__gi_leaf_cb)(void *ctx, const unsigned char leaf[32]);
int sdx__gindex_users(sdx_ledger *l, const unsigned char dst[32], int role, const char *lot,
		      sdx__gi_leaf_cb cb, void *ctx);

/*
 * Each record known by `value` as `kind`: a type's id field ("batch_id",
 * "shipment_id", "declaration_id"), "lot" (a lot it covers), "party" (the
 * name of a party it names) or "party_id" ("SCHEME:ID" of one).
 */
int sdx__gindex_ids(sdx_ledger *l, const char *kind, const char *value, sdx__gi_leaf_cb cb,
		    void *ctx);

/* Each record known by a value of `kind` that another record is known by
 * too (a lot two declarations cover); a record sharing two comes twice. */
int sdx__gindex_shared(sdx_ledger *l, const char *kind, sdx__gi_leaf_cb cb, void *ctx);

/* --- for the indexer (indexer.c, derive.c, check.c) --- */

enum { SDX__GI_MAIN = 0, SDX__GI_TEMP = 1 };

/* Create the tables in `schema` (SDX__GI_MAIN: the file; SDX__GI_TEMP: the
 * connection's temporary database, for verify). */
int sdx__gindex_create(sdx_ledger *l, int schema);
/* Add the rows of every entry the ledger holds, own then imported. */
int sdx__gindex_fill(sdx_ledger *l, int schema);
/* The rows of one entry just stored (or read back). */
struct sdx__indexed_entry;
int sdx__gindex_put(sdx_ledger *l, int schema, const struct sdx__indexed_entry *e);


/* The index member of a payload of `version` for a record of `type` with
 * this body (formats/index/keys.c): canonical JSON, malloc'd.  Version 4's
 * adds the issuer's name and identifiers as the kinds `issuer` and
 * `issuer_id`; versions 1 to 3 (whose keys the index derives from the body
 * or reads from the header) have none.  A type outside the graph (or body
 * NULL) has the empty member.  0 or SDX_ENOMEM. */
int sdx__index_member(char **out, size_t *len, const char *type, const json_t *body,
		      int version);
/* The same from the body's canonical text (the indexer's keys hook). */
int sdx__index_member_text(char **out, size_t *len, const char *type, const char *body,
			   size_t body_len, int version);

/* The index keys of an entry's envelope (or, if not NULL, of its payload,
 * as an own append has it): a version 3 header's, read by position; an
 * older entry's, made from its body.  1 with *out filled
 * (sdx__entry_keys_free it), 0 if the entry has none to index (a type
 * outside the graph, or it does not read), or SDX_ENOMEM. */
struct sdx__entry_keys;
int sdx__gindex_keys(struct sdx__entry_keys *out, const char *type, const unsigned char *data,
		     size_t len, const char *payload, size_t plen);

/* 1 if entries of `type` have rows beyond their record row (keys to read). */
int sdx__gindex_needs_body(const char *type);
/* sdx__gindex_put() with the keys already read (parsed 1; keys NULL: the
 * entry gets no rows beyond its record row). */
int sdx__gindex_put_parsed(sdx_ledger *l, int schema, const struct sdx__indexed_entry *e,
			   const struct sdx__entry_keys *keys, int parsed);
/* The verify hook: the file's tables against those the entries give. */
int sdx__gindex_verify(void *ctx, sdx_ledger *l);

#endif
