/*
 * sdx/report.h - the human report of a shipment, batch or declaration: one
 * self-contained HTML page (formats/report.md) with the verdict per profile,
 * the provenance graph as an inline SVG picture, the claims against their
 * limits, the evidence with its hashes, who stands behind each record and
 * what was verified.
 */
#ifndef SDX_REPORT_H
#define SDX_REPORT_H

#include "sdx/api.h"

#include <stddef.h>

#include "sdx/note.h"
#include "sdx/provenance.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What sdx_report_html() judges with and says it verified; members may be 0/NULL. */
typedef struct sdx_report_options {
	unsigned version; /* SDX_REPORT_OPTIONS_VERSION */
	/** the profiles of the verdict matrix, in its order */
	const sdx_profile *const *profiles;
	size_t nprofiles;
	/** how sdx_profile_check() judges (date, labs, lists); NULL: its defaults */
	const struct sdx_check_options *check;
	/** the keys the records were checked with: the report names each
	 * record's key with its fingerprint when it is among them */
	const sdx_verifier *const *keys;
	size_t nkeys;
	/** lines of plain text saying what was read and verified (a ledger
	 * audit, a bundle's manifest and proofs), shown as they are, escaped */
	const char *const *verified;
	size_t nverified;
} sdx_report_options;
#define SDX_REPORT_OPTIONS_VERSION 1
#define SDX_REPORT_OPTIONS_INIT { SDX_REPORT_OPTIONS_VERSION, NULL, 0, NULL, NULL, 0, NULL, 0 }

/**
 * The HTML report of `node` and everything upstream of it, as *out
 * (malloc'd, NUL-terminated, *len bytes).  The same graph, options and
 * ledger clock give the same bytes.  *worst (may be NULL) gets the worst
 * verdict of the matrix (SDX_VERDICT_*).  The page fetches nothing: no
 * scripts, styles, fonts or images from anywhere, and a
 * Content-Security-Policy that forbids them.
 * @param opts  NULL: no verdict table, no keys, nothing said verified
 * @return 0; SDX_EINVAL for a node not in the graph or an options version
 *         it does not know; SDX_ENOMEM; what sdx_graph_trace() and
 *         sdx_profile_check() return
 */
SDX_API int sdx_report_html(char **out, size_t *len, int *worst, const sdx_graph *g, size_t node,
			    const sdx_report_options *opts);

#ifdef __cplusplus
}
#endif

#endif
