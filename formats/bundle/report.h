/*
 * formats/bundle/report.h - what sdx_bundle_verify() found, behind the opaque
 * sdx_bundle_report of sdx/bundle.h: filled by the verification
 * (formats/bundle/verify*.c) and read by the import.  Not installed: the
 * public API reads it through sdx_bundle_report_*() (report.c).
 */
#ifndef SDX_BUNDLE_REPORT_H
#define SDX_BUNDLE_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "sdx/bundle.h"

struct sdx_bundle_report {
	char producer[SDX_NAME_MAX + 1];
	char producer_vkey[SDX_NAME_MAX + 64];
	char created[21];
	char recipient[SDX_NAME_MAX + 1];
	size_t n_ledgers;
	sdx_bundle_ledger ledgers[SDX_BUNDLE_MAX_LEDGERS];
	uint64_t entries;
	uint64_t attachments;
	uint64_t members;
	int producer_trusted;
	uint64_t disclosures;   /* checked against their entries' digests */
	struct sdx__withheld {  /* attachments withheld for withheld fields, in bundle order */
		unsigned char hash[32];
		uint64_t index;
		size_t ledger;  /* of ledgers[] */
	} *withheld;
	size_t nwithheld, withheld_cap;
};

/* Note an attachment withheld by the producer (the report's list grows). */
int sdx__report_withheld(struct sdx_bundle_report *r, size_t ledger, uint64_t index,
			 const unsigned char hash[32]);

#endif
