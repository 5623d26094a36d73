/*
 * ledger/verify.h - the parts of sdx_ledger_verify() (ledger/verify.c) kept in
 * their own files.  Not installed.  Each returns 0 or SDX_EVERIFY naming what
 * was changed (or SDX_EIO, SDX_ENOMEM), and runs inside verify's read
 * transaction.
 */
#ifndef SDX_LEDGER_VERIFY_H
#define SDX_LEDGER_VERIFY_H

#include "ledger/store.h"

/* meta holds exactly what sdx_ledger_create() wrote: the origin and the format. */
int sdx__verify_meta(sdx_ledger *l);
/* Every append-only table still has its triggers. */
int sdx__verify_triggers(sdx_ledger *l);
/* Every disclosure held of an own entry against that entry's digests
 * (ledger/disclosures.c); *checked gets how many matched.  SDX_EVERIFY names
 * the entry and the disclosure that matches none (a forgery). */
int sdx__verify_disclosures(sdx_ledger *l, uint64_t *checked);
/* Each attachment's chunks hash to its name; no chunk belongs to none. */
int sdx__verify_attachments(sdx_ledger *l, sdx_verify_report *rep);
/* Imported checkpoints, keys, entries and consistency proofs (ledger/verify_foreign.c);
 * signatures: check every imported entry's signature, not only those no held
 * checkpoint of the same key covers. */
int sdx__verify_foreign(sdx_ledger *l, sdx_verify_report *rep, int signatures);

#endif
