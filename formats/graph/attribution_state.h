/*
 * formats/graph/attribution_state.h - what a graph keeps for attribution:
 * the trust view it is attributed with and what was found by node number.
 * Private to formats/graph/attribution.c (the view, one record) and
 * formats/graph/restated.c (restatements against the issuers' own records).
 * Not installed.
 */
#ifndef SDX_GRAPH_ATTRIBUTION_STATE_H
#define SDX_GRAPH_ATTRIBUTION_STATE_H

#include <stddef.h>

#include "sdx/ledger.h"
#include "sdx/trust.h"
#include "formats/graph/internal.h"

#define KEY_MAX (SDX_NAME_MAX + 16) /* "name+keyid" */
#define WHAT_MAX 400

struct bound {
	char key[KEY_MAX];
	int bound;
	sdx_party party;
	char via[SDX_PARTY_NAME_MAX + 1]; /* trusted through an introduction by: "" if not */
};

struct found {
	size_t restated, own; /* nodes: the restatement, the issuer's own record; or
			       * the issuer's later and earlier own records (self) */
	int self;
	char what[WHAT_MAX];
};

/* A statement known by an id ("i" + declaration_id) or a lot ("l" + lot_number). */
struct keyed {
	char key[68];             /* ids and lots are at most 64 characters (the schemas) */
	size_t node;
};

struct sdx__attr {
	int loaded;               /* the trust view is read */
	struct bound *keys;       /* the trusted keys */
	size_t nkeys;
	char (*own_keys)[KEY_MAX];/* the ledger's own keys */
	size_t nown;
	int own_bound;
	sdx_party own;
	struct {                  /* what was found, by node number */
		struct found *c;  /* the conflicts */
		size_t nc, capc;
		unsigned char *done;  /* per node: compared already */
		size_t ndone;
		struct keyed *ids;    /* a graph read whole: its statements by id and lot, sorted */
		size_t nids;
		int ids_built;
		/* a graph read whole, surveyed with ids: each node's outcome + 1 (0: not
		 * attributed) and signer, for its g->len nodes then */
		signed char *outcome;
		const sdx_party **signer;
		size_t nsurveyed, idcap;
	} w;
	int surveying;            /* the graph is being read whole: survey each node */
};

/* The graph's trust view, read on first use (a ledger's, or none). */
int sdx__attr_view(sdx_graph *g);

#endif
