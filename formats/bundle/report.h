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
};

#endif
