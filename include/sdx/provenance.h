/*
 * sdx/provenance.h - the provenance graph: shipments -> batches -> inputs ->
 * supplier declarations -> evidence, across every ledger involved; trace,
 * where-used (recall) and compliance checks against profiles.
 *
 * A graph is loaded from a ledger (its own records and everything imported)
 * or from a bundle (verified first, exactly as sdx_bundle_verify does).
 * Records link to earlier entries by leaf hash, so the graph has no cycles by
 * construction; the walks check that anyway.  Withdrawals and supersessions
 * count only when signed by the ledger that signed the declaration.
 *
 * Results are JSON text (formats/provenance.md gives the shapes); the CLI
 * prints them or renders them as trees and tables.
 *
 * Order of calls: sdx_graph_from_ledger() or sdx_graph_from_bundle(),
 * sdx_graph_resolve(), then sdx_graph_trace() / sdx_graph_where_used() /
 * sdx_profile_check(), sdx_graph_free().
 */
#ifndef SDX_PROVENANCE_H
#define SDX_PROVENANCE_H

#include "sdx/api.h"

#include <stddef.h>

#include "sdx/bundle.h"
#include "sdx/ledger.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sdx_graph sdx_graph;

/**
 * Load every declaration, withdrawal, batch and shipment the ledger holds, own
 * and imported.  Declarations are kept as their links and lots only and read
 * again from the ledger when a walk needs them, so memory grows with what a
 * trace or check visits, not with the ledger.  The graph borrows `l`: free
 * the graph first.
 */
SDX_API int sdx_graph_from_ledger(sdx_graph **out, sdx_ledger *l);

/**
 * Verify a bundle (same options and results as sdx_bundle_verify) and load
 * the records it carries into a new *out (sdx_graph_free()).  Anything but 0
 * from the verification is returned and no graph is made.
 * @param report  NULL, or gets the verification's report as
 *                sdx_bundle_verify() gives it (sdx_bundle_report_free())
 */
SDX_API int sdx_graph_from_bundle(sdx_graph **out, sdx_bundle_report **report, const char *path,
				  const sdx_bundle_verify_options *opts);

SDX_API void sdx_graph_free(sdx_graph *g);

/** Number of records loaded. */
SDX_API size_t sdx_graph_size(const sdx_graph *g);

/**
 * Find a record by what people call it: REF is the index of an own entry
 * (graphs from a ledger), 4 to 64 hex digits of a leaf hash, or an id - a
 * shipment, batch or declaration id, or a lot number (the declaration that
 * covers it).  With `party` (may be NULL) only records of that party count:
 * its origin, or the name or SCHEME:ID of a party the record names.
 * *out gets the node.  SDX_ENOTFOUND; SDX_EINVAL when REF names several
 * records, the message listing them.
 */
SDX_API int sdx_graph_find(size_t *out, const sdx_graph *g, const char *ref, const char *party);
/**
 * The entry REF names among the ledger's own and imported ones, as
 * sdx_graph_find() reads REF (index, hash prefix or id, of `party` if not
 * NULL), or as sdx_ledger_find() does for the ledger's housekeeping entries.
 * *out is new: free it with sdx_found_free().  SDX_ENOTFOUND; SDX_EINVAL if
 * ambiguous, listing the candidates.
 */
SDX_API int sdx_record_find(sdx_found **out, sdx_ledger *l, const char *ref, const char *party);
/** The index of the own entry REF names (as sdx_record_find()); SDX_EINVAL if it is imported. */
SDX_API int sdx_record_resolve_own(uint64_t *out, sdx_ledger *l, const char *ref,
				   const char *party);
/** sdx_graph_find() with no party. */
SDX_API int sdx_graph_resolve(size_t *out, const sdx_graph *g, const char *ref);

/**
 * The records nothing else in the graph refers to (shipments, the last
 * batches, unused declarations), newest first: what a bundle is "about".
 * *out malloc'd (free it), *out_len may be 0.
 */
SDX_API int sdx_graph_roots(size_t **out, size_t *out_len, const sdx_graph *g);

/**
 * The provenance tree below `node` as JSON text (malloc'd): each record with
 * its key fields, status ("ok", "withdrawn", "superseded", "affected",
 * "incomplete") and its inputs.  A record reached twice is expanded once.
 */
SDX_API int sdx_graph_trace(char **out, const sdx_graph *g, size_t node);

/**
 * Where a declaration or batch went - or, when `lot` is not NULL and `node`
 * is SIZE_MAX, every declaration covering that supplier lot: the batches and
 * shipments it reached, directly or through sub-assemblies, as JSON text.
 */
SDX_API int sdx_graph_where_used(char **out, const sdx_graph *g, size_t node, const char *lot);

/**
 * The leaf hashes of `node` and everything upstream of it - batches, inputs,
 * declarations, and every withdrawal or correction of those declarations
 * signed by their ledgers - for sdx_export_options.leaves.  SDX_ENOTFOUND
 * (naming it) if an input is not held.  *out malloc'd (free it), *out_len hashes.
 */
SDX_API int sdx_graph_upstream(unsigned char (**out)[32], size_t *out_len, const sdx_graph *g,
			       size_t node);

/* ---- attribution (formats/trust.md) ------------------------------------------------- */

/**
 * Attribute the records of `g` with the trust view of `l`: its trusted keys,
 * the parties they are bound to, its own keys and party.  A graph from a
 * ledger uses that ledger's without this call; a graph from a bundle needs
 * it (without it nothing is bound).  Copied: `l` may be freed after.
 */
SDX_API int sdx_graph_use_trust(sdx_graph *g, sdx_ledger *l);

/**
 * Who stands behind every record of the graph, as JSON text (malloc'd;
 * formats/trust.md gives the shape): per origin the records signed by the
 * party they name, restated by another, unbound, signed outside the party's
 * roles, naming no issuer; the restated and unbound records; and every
 * conflict between a restatement and the issuer's own record.
 * @param conflicts  gets the number of conflicts (may be NULL)
 */
SDX_API int sdx_graph_attribution(char **out, size_t *conflicts, sdx_graph *g);

/**
 * The conflicts (as in sdx_graph_attribution()) that involve one of the
 * records with these leaf hashes - say, those an import just brought - as a
 * JSON array text (malloc'd).  Each record is compared with the records
 * about the same thing that the graph holds, through the graph index when the
 * graph is read from one: the cost is that of the records named, not of the
 * ledger.  Leaves the graph does not hold are skipped.  A caller with many
 * leaves passes them in chunks, each on a fresh graph, to bound memory.
 * @param conflicts  gets the number of conflicts (may be NULL)
 */
SDX_API int sdx_graph_conflict_report(char **out, size_t *conflicts, sdx_graph *g,
				      const unsigned char (*leaves)[32], size_t nleaves);

/* ---- compliance profiles (formats/profiles.md) ------------------------------------- */

typedef struct sdx_profile sdx_profile;

/**
 * Load a profile: a file path (anything with a '/' or ending in .json), or
 * the name of one shipped with sdx (formats/profiles/NAME.json, compiled in).
 * The profile is validated; errors name the file and the field.
 */
SDX_API int sdx_profile_load(sdx_profile **out, const char *name_or_path);
SDX_API void sdx_profile_free(sdx_profile *p);
/** Borrowed name and title of a loaded profile. */
SDX_API const char *sdx_profile_name(const sdx_profile *p);
SDX_API const char *sdx_profile_title(const sdx_profile *p);
/** Name of the i-th profile shipped with sdx, NULL past the end. */
SDX_API const char *sdx_profile_builtin(size_t i);

/**
 * Verdicts.  Pass, unknown and fail rank best to worst; not_applicable (the
 * rule's scope, recorded in the data, excludes the record) ranks below pass:
 * it never worsens a verdict.
 */
enum {
	SDX_VERDICT_PASS = 0,
	SDX_VERDICT_UNKNOWN = 1,
	SDX_VERDICT_FAIL = 2,
	SDX_VERDICT_NOT_APPLICABLE = 3
};

/** The worse of two verdicts (not_applicable < pass < unknown < fail). */
SDX_API int sdx_verdict_worse(int a, int b);

struct sdx_lab_register;
struct sdx_substance_list;

/** How a check is made; every member may be 0/NULL. */
struct sdx_check_options {
	/** judge evidence at this date (YYYY-MM-DD); NULL: the shipment's ship
	 * date when the subject is a shipment, else today (UTC) */
	const char *date;
	/** the lab accreditation register rules with `accreditation: verified`
	 * look numbers up in (sdx/lab.h); NULL: none, so they cannot pass */
	const struct sdx_lab_register *labs;
	/** the substance lists rules of check listed_substances name (sdx/list.h),
	 * found by name; none: such rules cannot pass */
	const struct sdx_substance_list *const *lists;
	size_t nlists;
};

/**
 * Evaluate the profile over everything upstream of `node`: whether its scope
 * covers the subject (market, ports, dates, HS codes), then every rule
 * against every declaration (or batch) it applies to, each with a verdict
 * and the reason (value against limit and regulation; missing claim, expired
 * or unaccredited evidence, withdrawn declaration; why it does not apply).
 * @param out    JSON text, malloc'd (formats/profiles.md §5)
 * @param worst  the worst verdict (SDX_VERDICT_*; not_applicable if no rule applies)
 * @param opts   NULL for the defaults
 */
SDX_API int sdx_profile_check(char **out, int *worst, const sdx_graph *g, size_t node,
			      const sdx_profile *p, const struct sdx_check_options *opts);

/** What sdx_graph_due() looks for; every member may be 0/NULL. */
struct sdx_due_options {
	/** the day to count from (YYYY-MM-DD); NULL: today (UTC) */
	const char *date;
	/** the window: what falls due up to this many days after the date */
	unsigned within_days;
	/** profiles whose evidence-age rules (evidence.max_age_days) make a
	 * report too old at issue_date + that many days */
	const sdx_profile *const *profiles;
	size_t nprofiles;
	/** the register reports' accreditations are looked up in; NULL: none */
	const struct sdx_lab_register *labs;
};

/**
 * What expires, or has expired, by the end of the window: current
 * declarations (valid_until), test reports (valid_until, and issue_date +
 * max_age_days of each profile's rules), and the accreditations the reports
 * name (the register's valid_until); each item with its party and the
 * batches and shipments that depend on it (formats/due.md).  Reads every
 * record of the graph.
 * @param out    JSON text, malloc'd
 * @param worst  0 nothing due; 1 something falls due in the window; 2 something
 *               has expired already (overdue)
 */
SDX_API int sdx_graph_due(char **out, int *worst, sdx_graph *g,
			  const struct sdx_due_options *opts);

/**
 * Put an unsigned record (`json`, `len` bytes: a declaration, batch or
 * shipment, of the type its "format" or id member says) in the graph as if
 * the graph's ledger had just appended it, so that sdx_profile_check() and
 * the walks judge it with what the graph holds; *out is its node.  It is
 * validated as sdx_record_validate() does; `what` names it in messages (the
 * file).  Nothing is written.  SDX_EFORMAT, SDX_ESCHEMA (naming the field).
 */
SDX_API int sdx_graph_add_draft(size_t *out, sdx_graph *g, const char *what, const char *json,
				size_t len);

/**
 * What version `to` of a substance list holds that `from` (an earlier
 * version; NULL: none) does not, and back: each added substance with its
 * hits, the current declarations of the graph (may be NULL) that measure it
 * present (not below detection), with the value; and the removed ones.
 * @param out  JSON text, malloc'd (formats/lists.md)
 */
SDX_API int sdx_list_diff(char **out, const struct sdx_substance_list *from,
			  const struct sdx_substance_list *to, sdx_graph *g);

#ifdef __cplusplus
}
#endif
#endif
