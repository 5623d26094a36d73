/*
 * formats/graph/census.h - attribution counted from entry headers
 * (census.c), for sdx_graph_attribution() on a ledger whose graph index is
 * current.  Not installed.
 */
#ifndef SDX_GRAPH_CENSUS_H
#define SDX_GRAPH_CENSUS_H

#include <stddef.h>

#include <jansson.h>

#include "sdx/provenance.h"

/*
 * Attribute every record of g's ledger (own entries, then imported ones, in
 * the order a graph read whole has them): per-origin counts appended to
 * `origins` as sdx_graph_attribution() prints them, and into *listed (malloc'd,
 * *nlisted of them) the leaves of the records it lists: every one not signed
 * by the party it names, of the merely unbound only the first
 * `unbound_listed`.  0 or the error.
 */
int sdx__attribution_census(json_t *origins, unsigned char (**listed)[32], size_t *nlisted,
			    sdx_graph *g, size_t unbound_listed);

#endif
