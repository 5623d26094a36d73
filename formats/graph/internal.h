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
	const char *key;          /* imported: the key that signed it ("name+keyid"),
				   * interned; NULL until read (attribution.c) */
	uint64_t index;
	uint64_t tree_size;       /* imported: its proof's tree size (part of the ledger's order) */
	int own;                  /* from the ledger's own chain */
	const struct sdx_record_type *type; /* its role says how walks treat it */
	char time[21];
	json_t *body;             /* the record; NULL until read (sdx__graph_body) */
	size_t withheld;          /* digests of its body without a disclosure held (set
				   * when the body is read; decoys count too, but for the
				   * ledger's own, which it knows); the body marks where
				   * (sdx__graph_withheld()) */
	int opaque;               /* its digests could not be read: every rule is unknown */
	int marked;               /* body read and marked (0: read it on demand) */
	unsigned char (*refs)[32];/* the entries it refers to (inputs, items, supersedes...) */
	unsigned char *ref_edge;  /* for each: the number of its edge in type->edges */
	char **ref_lots;          /* for each: the lot_number beside it, or NULL */
	size_t nrefs, caprefs;
	unsigned expanded;        /* lazy graphs: the GRAPH_* read around it from the index */
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
	int lazy;                 /* nodes are read from the ledger's graph index as walks need them */
	sdx_ledger *l;            /* borrowed: declarations are read from it when needed */
	char *err_msg;
	struct sdx__attr *attr;   /* attribution's trust view and conflicts (attribution.c) */
};

/* ---- what a concealed body withholds (graph.c, formats/disclosure.md) ---- */

/* How many of the members of object `o` of a record's body are withheld
 * (concealed, their disclosure not held): 0 for none. */
size_t sdx__graph_withheld(const json_t *o);
/* How many elements of array member `member` of object `o` are withheld. */
size_t sdx__graph_withheld_elements(const json_t *o, const char *member);
/* Does `o` lack `member` where a member of `o` is withheld (it may be that one)? */
int sdx__graph_may_withhold(const json_t *o, const char *member);

/* ---- the container (graph.c) ---- */

/* Add a node without body or refs (*out: its number); the leaf must be new. */
int sdx__graph_add(sdx_graph *g, const unsigned char leaf[32], const char *origin,
		   uint64_t index, uint64_t tree_size, int own, const struct sdx_record_type *t,
		   const char *time, size_t *out);
/* Add a ref to node n: the entry it cites, by its type's edge `edge`, beside `lot`. */
int sdx__graph_add_ref(struct gnode *n, const unsigned char leaf[32], int edge, const char *lot);
/* (Re)build every node's users from the refs, in the ledger's order. */
int sdx__graph_link(sdx_graph *g);
/* The ledger's order of two nodes (own by index, then imported as the ledger
 * lists them; a bundle's as it carries them): negative if a comes first. */
int sdx__graph_order(const sdx_graph *g, size_t a, size_t b);
/* Sort node numbers into that order. */
void sdx__graph_sort(const sdx_graph *g, size_t *nodes, size_t n);
/* Append v to the growing array *at (*n used of *cap). */
int sdx__graph_push(size_t **at, size_t *n, size_t *cap, size_t v);
/* Free every node (the origins stay). */
void sdx__graph_clear(sdx_graph *g);
/* `s` kept once in the graph (origins, keys); NULL if out of memory. */
const char *sdx__graph_intern(sdx_graph *g, const char *s);
/* The type of a record the graph holds, or NULL (the ledger's housekeeping). */
const struct sdx_record_type *sdx__graph_type(const char *type);

/* ---- reading a ledger or bundle whole (load.c) ---- */

int sdx__graph_load_ledger(sdx_graph *g);
/* A node's refs and lots from its body (n->body set). */
int sdx__graph_index_refs(struct gnode *n);
int sdx__graph_index_lots(struct gnode *n);
/* A lazy graph read whole instead (walks that visit every record). */
int sdx__graph_load_all(sdx_graph *g);
/* The nodes covering `lot`, in order; *out malloc'd. */
int sdx__graph_lot_nodes(const sdx_graph *g, const char *lot, size_t **out, size_t *n);

/* ---- reading the graph index instead (lazy.c) ---- */

enum { GRAPH_DOWN = 1, GRAPH_UP = 2 }; /* gnode.expanded: followed down, up */
/* The node of leaf, read from the index if not held yet; SIZE_MAX if none. */
int sdx__graph_lazy_node(sdx_graph *g, const unsigned char leaf[32], size_t *out);
/* The node of own entry `index` (SIZE_MAX: none in the graph). */
int sdx__graph_lazy_own(sdx_graph *g, uint64_t index, size_t *node);
/* How many records the hex prefix `ref` matches, and the node if just one. */
int sdx__graph_lazy_prefix(sdx_graph *g, const char *ref, size_t *hits, size_t *node);
/* Read what a walk down from node needs: everything it cites, and of each
 * statement its withdrawals and corrections; then link. */
int sdx__graph_expand_down(sdx_graph *g, size_t node);
/* Read what a walk up needs: every batch and shipment above each target
 * (above a statement, with `lot` not NULL: only through records that name
 * that lot with it); then link. */
int sdx__graph_expand_up(sdx_graph *g, const size_t *targets, size_t n, const char *lot);
/* The nodes covering `lot`, in order, read from the index. */
int sdx__graph_lazy_lot(sdx_graph *g, const char *lot, size_t **out, size_t *n);
/* The nodes the index knows by `value` as `kind` (formats/index/index.h:
 * an id field, "lot", "party", "party_id"), in order. */
int sdx__graph_lazy_ids(sdx_graph *g, const char *kind, const char *value, size_t **out,
			size_t *n);

/* The record of node n (borrowed, cached), read from the ledger on first use;
 * NULL if it cannot be read. */
json_t *sdx__graph_body(const sdx_graph *g, const struct gnode *n);
/* A bundle's node n (g has no ledger) revealed with the disclosures the bundle
 * carries for it, what stays withheld marked, as sdx__graph_body does. */
void sdx__graph_reveal_carried(sdx_graph *g, struct gnode *n, const char *const *texts,
			       size_t nt);

/* The node with this leaf hash, or SIZE_MAX. */
size_t sdx__graph_find(const sdx_graph *g, const unsigned char leaf[32]);
size_t sdx__graph_find_hex(const sdx_graph *g, const char *hex);

/* Withdrawals of a declaration signed by its own ledger (node indexes); *n may be 0. */
size_t sdx__graph_withdrawals(const sdx_graph *g, size_t decl, size_t *out, size_t cap);
/* The declarations (same ledger) that supersede `decl`. */
size_t sdx__graph_superseders(const sdx_graph *g, size_t decl, size_t *out, size_t cap);

/* The latest status record (a clearance) of `node` by its time, or SIZE_MAX. */
size_t sdx__graph_status(const sdx_graph *g, size_t node);
/* A one-line human label: "declaration HX-DOC-1 (Ningbo Haixing ...)". */
void sdx__graph_label(char *out, size_t cap, const sdx_graph *g, size_t node);

/* The members every node of a trace or where-used list starts with:
 * ref, type, origin, index, time, own, label.  NULL if out of memory. */
json_t *sdx__graph_head(const sdx_graph *g, size_t node);

/* *out = the compact JSON text of j (consumed); SDX_ENOMEM if j is NULL. */
int sdx__graph_dump(char **out, json_t *j);

#endif
