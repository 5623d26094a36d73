/*
 * formats/graph/attribution.h - who stands behind each record of a graph
 * (formats/trust.md): the key that signed it, the party that key is bound
 * to, and whether that is the party the record names as its issuer; and the
 * restatements that contradict the issuer's own record.  Not installed.
 *
 * Order of calls: sdx__graph_attribute() after a walk's graph is read and
 * before the walk (it may read more records into a lazy graph: the
 * candidates a restatement is compared with), then sdx__attribution_of() and
 * sdx__graph_conflicts() for any node, as often as needed.
 */
#ifndef SDX_GRAPH_ATTRIBUTION_H
#define SDX_GRAPH_ATTRIBUTION_H

#include <stddef.h>

#include <jansson.h>

#include "sdx/provenance.h"
#include "sdx/trust.h"

enum sdx__attr_outcome {
	SDX__ATTR_NONE = 0,   /* the type names no issuer (a withdrawal) */
	SDX__ATTR_SIGNED,     /* signed by the party it names, in a role that party has */
	SDX__ATTR_RESTATED,   /* signed by another bound party: that party's word */
	SDX__ATTR_UNBOUND,    /* the key is bound to no party: attribution unknown */
	SDX__ATTR_ROLE,       /* the party it names signed, but is not bound for the role */
	SDX__ATTR_NOT_NAMED   /* the record names no issuer (version 1 batches, shipments) */
};

struct sdx__attribution {
	int outcome;                /* SDX__ATTR_* */
	const char *role;           /* the role the record speaks for, "" for none */
	const char *key;            /* the key that signed it, "name+keyid"; "" if not known */
	int own;                    /* signed by this ledger: its own party speaks */
	const sdx_party *signer;    /* the binding of that key (borrowed), or NULL */
	const char *via;            /* the party that introduced that key (borrowed), or NULL */
	sdx_party named;            /* the issuer the record names (name "" if none) */
};

/* Attribution of record `node`.  0, or the error (a ledger that cannot be read). */
int sdx__attribution_of(struct sdx__attribution *out, const sdx_graph *g, size_t node);

/* The same for a record of type t not read into the graph: signed by this
 * ledger (own) or by `key` ("name+keyid"), naming `named` as its issuer (name
 * "" if it names none).  out->key borrows key.  0, or the error. */
struct sdx_record_type;
int sdx__attribution_decide(struct sdx__attribution *out, sdx_graph *g,
			    const struct sdx_record_type *t, int own, const char *key,
			    const sdx_party *named);

/* The outcome of `node` alone (SDX__ATTR_*) and its signer's binding (NULL if
 * none), as sdx__attribution_of() gives them, from what the graph found already
 * when it can; or the error. */
int sdx__attribution_outcome(const sdx_graph *g, size_t node, const sdx_party **signer);

/* The party that introduced the key bound to `signer` (a binding the graph's
 * trust view holds), or NULL if that key is trusted directly. */
const char *sdx__attribution_via(const sdx_graph *g, const sdx_party *signer);

/* The party this ledger's own key is bound to ('sdx party set'), borrowed from
 * the graph's trust view; NULL if it is bound to none, or the view cannot be
 * read (a graph not read from a ledger). */
const sdx_party *sdx__attribution_own(const sdx_graph *g);

/* "signed", "restated", "unbound", "role", "not_named" ("" for none). */
const char *sdx__attribution_name(int outcome);

/* One sentence: "restated by Little Harbour Toys (USCI:...), not signed by
 * Ningbo Haixing ... (the supplier it names)". */
void sdx__attribution_text(char *out, size_t cap, const struct sdx__attribution *a);

/* The trace member of a node: {outcome, text, by, key, names, role} and its
 * conflicts [{with, origin, index, what}]; NULL if out of memory or no issuer. */
json_t *sdx__attribution_json(const sdx_graph *g, size_t node);

/* Attribute everything a walk from `node` reaches and compare each
 * restatement among it with the issuer's own records (SIZE_MAX: every
 * record of the graph).  0 or the error. */
int sdx__graph_attribute(sdx_graph *g, size_t node);

/* Compare each statement of nodes[0..n) - and only those, not what they cite -
 * with the records about the same thing (what an import brought).  0 or the error. */
int sdx__graph_compare_nodes(sdx_graph *g, const size_t *nodes, size_t n);

/* Attribute every record of the graph, reading a lazy one whole (each body
 * once: load.c calls sdx__attr_survey_node() as it reads them), before
 * sdx__graph_attribute(g, SIZE_MAX).  0 or the error. */
int sdx__graph_survey(sdx_graph *g);
int sdx__attr_survey_node(sdx_graph *g, size_t node);

/* The conflicts found for `node` (a restatement, or an issuer's own record
 * it contradicts): up to cap of (the other node, what differs, and whether
 * the two are one party's own records: self, may be NULL), how many. */
size_t sdx__graph_conflicts(const sdx_graph *g, size_t node, size_t *other, const char **what,
			    int *self, size_t cap);

/* The i-th conflict found: what differs, with the restatement and the
 * issuer's own record into *restated and *own (a party contradicting itself:
 * its later and its earlier record, *self 1); NULL past the last. */
const char *sdx__graph_conflict(const sdx_graph *g, size_t i, size_t *restated, size_t *own,
				int *self);

/* The graph's attribution state: forget what was found by node number (the
 * nodes were read again), free it. */
struct sdx__attr;
void sdx__attr_forget(struct sdx__attr *a);
void sdx__attr_free(struct sdx__attr *a);

/* ---- conflict.c: the comparison ---- */

/* Are statements r and d about the same thing: one declaration id, or a lot
 * in common with overlapping validity? */
int sdx__statement_about(const json_t *r, const json_t *d);
/* How the two sides of a conflict are named: "4.1 mg/kg in R, 12.4 mg/kg in D". */
struct sdx__sides {
	const char *r, *d;
	int self;  /* both are the issuer's own: compared only over a common validity,
		    * and a topic only one of them claims is no conflict */
};
/* Does r state otherwise than d about it (conformance, a value, a declared
 * sum; under one id, a topic d does not claim)?  1 with what differs in why.
 * sides NULL: r restates d ("in the restatement", "in the issuer's own record"). */
int sdx__statement_conflict(char *why, size_t cap, const json_t *r, const json_t *d,
			    const struct sdx__sides *sides);

#endif
