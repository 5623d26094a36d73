/*
 * sdx/introduction.h - key introductions (formats/trust.md, "Introductions").
 *
 * A party that trusts a key and has bound it to its party can sign, in its
 * own ledger, an introduction of it: "this key is party P's, which signs as
 * these roles; I compared its fingerprint on this day by this method".  A
 * recipient that trusts the introducer directly may accept it, as its trust
 * policy says: the introduced key is then trusted *via* the introducer, never
 * further (an introduction by a key that is itself only introduced counts
 * for nothing).  Policy and the keys accepted so are local, like the trusted
 * keys: kept in the ledger file, not signed, never exported.
 *
 * Order of calls: sdx_ledger_open(); the introducer sdx_ledger_introduce();
 * the recipient sdx_ledger_intro_policy_set(), then sdx_bundle_import()
 * accepts the introductions a bundle carries as the policy allows;
 * sdx_ledger_foreach_introduced() lists what was accepted; sdx_ledger_free().
 */
#ifndef SDX_INTRODUCTION_H
#define SDX_INTRODUCTION_H

#include "sdx/api.h"

#include <stddef.h>
#include <stdint.h>

#include "sdx/ledger.h"
#include "sdx/trust.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The methods an introduction may name (formats/schemas/introduction.schema.json). */
#define SDX_INTRO_METHODS "in-person, video-call, phone-call, registry-lookup, signed-letter, other"

/** What an introduction says, besides the key it introduces. */
typedef struct sdx_intro_claim {
	sdx_party party;       /* name, identifiers, country; its roles are the roles vouched for */
	char checked[11];      /* YYYY-MM-DD: when the fingerprint was compared */
	char method[33];       /* one of SDX_INTRO_METHODS */
	const char *detail;    /* free text, or NULL */
} sdx_intro_claim;

/**
 * Append an introduction of `v` to the own ledger, signed with `key`, inside
 * sdx_ledger_begin()/sdx_ledger_commit().  Only for a key this ledger trusts
 * and has bound to a party: `c->party` must be that party (by identifiers or
 * name, as attribution compares them) and its roles among the binding's.
 * It supersedes the ledger's latest introduction of `v`, if any.
 * SDX_ENOTFOUND if `v` is not trusted or not bound, SDX_EINVAL if the claim
 * is not the binding's, SDX_ESCHEMA if the record is invalid.
 */
SDX_API int sdx_ledger_introduce(sdx_entry_info *out, sdx_ledger *l, const sdx_signer *key,
				 const sdx_verifier *v, const sdx_intro_claim *c);

/**
 * Take back the latest introduction of `v` this ledger made: an introduction
 * with `withdrawn` that supersedes it (the key need not be trusted still).
 * Inside sdx_ledger_begin()/commit().  SDX_ENOTFOUND if the ledger never
 * introduced it, SDX_EEXISTS if that introduction is withdrawn already.
 * A recipient that accepted the introduction before is not undone by it.
 */
SDX_API int sdx_ledger_introduction_withdraw(sdx_entry_info *out, sdx_ledger *l,
					     const sdx_signer *key, const sdx_verifier *v,
					     const char *detail);

/** "any-direct" as a rule's `from`: any party whose key is trusted directly. */
#define SDX_INTRO_ANY_DIRECT "any-direct"

/**
 * One rule of the trust policy: accept introductions from `from` (a trusted
 * key's party name, a SCHEME:ID of it, its key name or label, or
 * SDX_INTRO_ANY_DIRECT) for the roles listed.  depth is 1 (the only depth).
 */
typedef struct sdx_intro_rule {
	char from[SDX_PARTY_NAME_MAX + 1];
	size_t nroles;
	char roles[SDX_PARTY_ROLES_MAX][33];
	int depth;
	char added[21];        /* when it was set (filled when read) */
} sdx_intro_rule;

/**
 * Add `r` to the policy, replacing a rule of the same `from`; NULL: accept no
 * introductions (every rule removed; the default).  SDX_EINVAL for a depth
 * other than 1, no roles or a role that is not one.
 */
SDX_API int sdx_ledger_intro_policy_set(sdx_ledger *l, const sdx_intro_rule *r);

/** Call cb for each rule, ordered by `from`; none: the policy is "none". */
typedef int (*sdx_intro_rule_cb)(void *ctx, const sdx_intro_rule *r);
SDX_API int sdx_ledger_foreach_intro_rule(sdx_ledger *l, sdx_intro_rule_cb cb, void *ctx);

/** A key trusted through an introduction, as the recipient accepted it. */
typedef struct sdx_introduced {
	unsigned char pubkey[32];          /* the key introduced */
	char key[SDX_NAME_MAX + 16];       /* ... as name+keyid */
	char party[SDX_PARTY_NAME_MAX + 1];/* the party it was introduced as */
	unsigned char introducer[32];      /* the key that signed the introduction */
	char introducer_key[SDX_NAME_MAX + 16];  /* its name+keyid */
	char introducer_party[SDX_PARTY_NAME_MAX + 1]; /* its party then */
	char origin[SDX_NAME_MAX + 1];     /* the introduction: its ledger and index */
	uint64_t index;
	unsigned char leaf[32];
	char checked[11], method[33];
	char roles[SDX_PARTY_ROLES_MAX * 34]; /* the roles accepted, "supplier, lab" */
	char held[21];     /* when this ledger first held a checkpoint covering it */
	char accepted[21];
} sdx_introduced;

/** Call cb for each introduction accepted (of `pubkey` only, unless NULL). */
typedef int (*sdx_introduced_cb)(void *ctx, const sdx_introduced *i);
SDX_API int sdx_ledger_foreach_introduced(sdx_ledger *l, const unsigned char *pubkey,
					  sdx_introduced_cb cb, void *ctx);

/** 1 if `pubkey` is trusted only through an introduction, 0 if not, or the error. */
SDX_API int sdx_ledger_key_introduced(sdx_ledger *l, const unsigned char pubkey[32]);

struct sdx_bundle_report;
struct sdx_bundle_verify_options;
/**
 * sdx_bundle_verify() of `path` as the ledger `l` would import it: when the
 * bundle is untrusted, the introductions it carries are judged by l's trust
 * policy as sdx_bundle_import() judges them, and the bundle is verified again
 * with the keys the policy accepts.  Nothing is written.  *accepted (may be
 * NULL) gets how many keys were accepted so.  When none is, the
 * SDX_EUNTRUSTED message says what the introductions would trust and why
 * they do not.  Returns what sdx_bundle_verify() returns.
 */
SDX_API int sdx_bundle_verify_introduced(struct sdx_bundle_report **out, size_t *accepted,
					 sdx_ledger *l, const char *path,
					 const struct sdx_bundle_verify_options *opts);

#ifdef __cplusplus
}
#endif
#endif
