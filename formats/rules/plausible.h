/*
 * formats/rules/plausible.h - plausibility of a batch or shipment against
 * the records around it (formats/plausibility.md): how much of a lot or
 * batch the records held draw, production before use, one record per id and
 * party, the HS code a shipment declares.  The same facts are judged when a
 * record is about to be appended (sdx__plausible_write(), from
 * formats/records/append.c) and by sdx check (sdx__check_plausible()).
 * Not installed.
 *
 * Order of calls: a graph over the records held (a ledger's, lazy or read
 * whole, or a bundle's), then sdx__plausible() for each record judged; the
 * facts come to the callback in the order of the record's members.
 */
#ifndef SDX_RULES_PLAUSIBLE_H
#define SDX_RULES_PLAUSIBLE_H

#include <stddef.h>

#include <jansson.h>

#include "sdx/provenance.h"
#include "formats/records/type.h"

enum sdx__plaus_kind {
	SDX__PLAUS_REFUSED = 1, /* implausible: refused on write, fails in check */
	SDX__PLAUS_UNCHECKED,   /* cannot be judged (units that do not compare) */
	SDX__PLAUS_SHOWN        /* a difference shown, not refused (an HS code) */
};

struct sdx__plaus_fact {
	int kind;               /* SDX__PLAUS_* */
	const char *field;      /* "inputs[0].quantity" */
	size_t other;           /* node of the conflicting record, SIZE_MAX: none */
	const char *text;       /* "FIELD: what is wrong, naming the other record" */
};

/* Called with each fact; a negative return stops the judging with it. */
typedef int (*sdx__plaus_cb)(void *ctx, const struct sdx__plaus_fact *f);

/*
 * Judge record `body` of type t: node `self` of g, or (SIZE_MAX) a record
 * about to be appended to g's ledger by its own party.  Types other than
 * composites (batches, shipments) have no facts here.  0, the callback's
 * error, or the graph's.
 */
int sdx__plausible(sdx_graph *g, const struct sdx_record_type *t, const json_t *body,
		   size_t self, sdx__plaus_cb cb, void *ctx);

/*
 * The write-time check of formats/records/append.c: the canonical record
 * `canon` of `type` against what ledger l holds.  0, or SDX_ESCHEMA with
 * "WHAT: FIELD: ..." for the first refused fact.
 */
struct sdx_ledger;
int sdx__plausible_write(struct sdx_ledger *l, const char *type, const char *canon,
			 size_t clen, const char *what);

#endif
