/*
 * formats/graph/internal.h - the graph's insides, shared by graph.c (load),
 * node.c (status, labels), trace.c, where_used.c, upstream.c and the
 * compliance checks in formats/rules/.  Not installed.
 */
#ifndef SDX_PROVENANCE_INTERNAL_H
#define SDX_PROVENANCE_INTERNAL_H

#include <stdint.h>

#include <jansson.h>

#include "sdx/provenance.h"
#include "formats/records/type.h"

#define MAX_WALK_DEPTH 256 /* deeper sub-assembly chains are refused, not recursed */

struct gnode {
	unsigned char leaf[32];
	char hex[65];
	const char *origin;       /* interned in the graph */
	uint64_t index;
	int own;                  /* from the ledger's own chain */
	const struct sdx_record_type *type; /* its role says how walks treat it */
	char time[21];
	json_t *body;             /* the record; NULL until read (sdx__graph_body) */
	unsigned char (*refs)[32];/* the entries it refers to (inputs, items, supersedes...) */
	size_t nrefs;
	char *lots;               /* the lots it covers (type->lots), each followed by '\n' */
	size_t *users;            /* records that refer to this one */
	size_t nusers, capusers;
};

struct sdx_graph {
	struct gnode *n;
	size_t len, cap;
	size_t *slots;            /* open addressing: leaf -> node + 1 */
	size_t nslots;
	char **origins;
	size_t norigins;
	int from_ledger;
	sdx_ledger *l;            /* borrowed: declarations are read from it when needed */
	char *err_msg;
};

/* The record of node n (borrowed, cached), read from the ledger on first use;
 * NULL if it cannot be read. */
json_t *sdx__graph_body(const sdx_graph *g, const struct gnode *n);

/* The node with this leaf hash, or SIZE_MAX. */
size_t sdx__graph_find(const sdx_graph *g, const unsigned char leaf[32]);
size_t sdx__graph_find_hex(const sdx_graph *g, const char *hex);

/* Withdrawals of a declaration signed by its own ledger (node indexes); *n may be 0. */
size_t sdx__graph_withdrawals(const sdx_graph *g, size_t decl, size_t *out, size_t cap);
/* The declarations (same ledger) that supersede `decl`. */
size_t sdx__graph_superseders(const sdx_graph *g, size_t decl, size_t *out, size_t cap);

/* A one-line human label: "declaration HX-DOC-1 (Ningbo Haixing ...)". */
void sdx__graph_label(char *out, size_t cap, const sdx_graph *g, size_t node);

/* The members every node of a trace or where-used list starts with:
 * ref, type, origin, index, time, own, label.  NULL if out of memory. */
json_t *sdx__graph_head(const sdx_graph *g, size_t node);

/* *out = the compact JSON text of j (consumed); SDX_ENOMEM if j is NULL. */
int sdx__graph_dump(char **out, json_t *j);

#endif
