/*
 * formats/bundle/report.c - the accessors of sdx_bundle_report (sdx/bundle.h).
 */
#include <stdlib.h>
#include <string.h>

#include "formats/bundle/report.h"
#include "sdx/error.h"

void sdx_bundle_report_free(sdx_bundle_report *r)
{
	if (r)
		free(r->withheld);
	free(r);
}

int sdx__report_withheld(struct sdx_bundle_report *r, size_t ledger, uint64_t index,
			 const unsigned char hash[32])
{
	if (r->nwithheld == r->withheld_cap) {
		size_t cap = r->withheld_cap ? 2 * r->withheld_cap : 16;
		struct sdx__withheld *p = realloc(r->withheld, cap * sizeof(*p));

		if (!p)
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		r->withheld = p;
		r->withheld_cap = cap;
	}
	memcpy(r->withheld[r->nwithheld].hash, hash, 32);
	r->withheld[r->nwithheld].index = index;
	r->withheld[r->nwithheld].ledger = ledger;
	r->nwithheld++;
	return 0;
}

uint64_t sdx_bundle_report_disclosures(const sdx_bundle_report *r)
{
	return r ? r->disclosures : 0;
}

size_t sdx_bundle_report_withheld_count(const sdx_bundle_report *r)
{
	return r ? r->nwithheld : 0;
}

int sdx_bundle_report_withheld(const sdx_bundle_report *r, size_t i, const unsigned char **hash,
			       const char **origin, uint64_t *index)
{
	if (!r || i >= r->nwithheld)
		return -1;
	*hash = r->withheld[i].hash;
	*origin = r->ledgers[r->withheld[i].ledger].origin;
	*index = r->withheld[i].index;
	return 0;
}

const char *sdx_bundle_report_producer(const sdx_bundle_report *r)
{
	return r ? r->producer : "";
}

const char *sdx_bundle_report_producer_vkey(const sdx_bundle_report *r)
{
	return r ? r->producer_vkey : "";
}

const char *sdx_bundle_report_created(const sdx_bundle_report *r)
{
	return r ? r->created : "";
}

const char *sdx_bundle_report_recipient(const sdx_bundle_report *r)
{
	return r ? r->recipient : "";
}

int sdx_bundle_report_producer_trusted(const sdx_bundle_report *r)
{
	return r ? r->producer_trusted : 0;
}

uint64_t sdx_bundle_report_entries(const sdx_bundle_report *r)
{
	return r ? r->entries : 0;
}

uint64_t sdx_bundle_report_attachments(const sdx_bundle_report *r)
{
	return r ? r->attachments : 0;
}

uint64_t sdx_bundle_report_members(const sdx_bundle_report *r)
{
	return r ? r->members : 0;
}

size_t sdx_bundle_report_ledger_count(const sdx_bundle_report *r)
{
	return r ? r->n_ledgers : 0;
}

const sdx_bundle_ledger *sdx_bundle_report_ledger(const sdx_bundle_report *r, size_t i)
{
	return r && i < r->n_ledgers ? &r->ledgers[i] : NULL;
}
