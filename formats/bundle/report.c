/*
 * formats/bundle/report.c - the accessors of sdx_bundle_report (sdx/bundle.h).
 */
#include <stdlib.h>

#include "formats/bundle/report.h"

void sdx_bundle_report_free(sdx_bundle_report *r)
{
	free(r);
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
