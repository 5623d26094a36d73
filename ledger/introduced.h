/*
 * ledger/introduced.h - storage of key introductions (ledger/introduced.c):
 * the trust policy's rules and the keys trusted through an introduction
 * (schema version 9).  What they may hold is checked in formats/trust/
 * (formats/trust/introduction.c); this stores and reads.  Not installed.
 */
#ifndef SDX_LEDGER_INTRODUCED_H
#define SDX_LEDGER_INTRODUCED_H

#include "sdx/introduction.h"

#define SDX__INTRO_FORMAT 9 /* the schema version that added the tables */

/* Store rule r, replacing one of the same `from`; NULL: remove every rule. */
int sdx__intro_policy_put(sdx_ledger *l, const sdx_intro_rule *r);

/* Store an accepted introduction (replacing one of the same key and
 * introducer).  The key must be trusted already, in the same transaction. */
int sdx__introduced_put(sdx_ledger *l, const sdx_introduced *i);

/*
 * The introducer key `pubkey` was revoked at `revoked`: each introduction it
 * made that this ledger did not hold (in a checkpoint covering it) before
 * that time no longer counts, and a key left with no introduction that
 * counts is trusted no more.  Inside the revocation's transaction.
 */
int sdx__introduced_revoke(sdx_ledger *l, const unsigned char pubkey[32], const char *revoked);

/* The trusted key `pubkey`, if trusted only through introductions, is
 * trusted directly from now on, labelled `label`: 1; 0 if it was not
 * introduced; or the error. */
int sdx__introduced_forget(sdx_ledger *l, const unsigned char pubkey[32], const char *label);

/*
 * When this ledger first held a checkpoint of `origin` covering entry
 * `index`: the time of the first import receipt that lists a checkpoint of
 * that origin larger than index.  1 and out, 0 if none was held, or the error.
 */
int sdx__intro_held(char out[21], sdx_ledger *l, const char *origin, uint64_t index);

/* Record that own entry `index` introduces a key named `key_name` (in the
 * introduction's transaction); call cb with the index of each own
 * introduction of a key of that name, in order. */
int sdx__own_introduction_put(sdx_ledger *l, uint64_t index, const char *key_name);
int sdx__own_introductions(sdx_ledger *l, const char *key_name,
			   int (*cb)(void *ctx, uint64_t index), void *ctx);

#endif
