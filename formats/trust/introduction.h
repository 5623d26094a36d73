/*
 * formats/trust/introduction.h - key introductions read from entries and
 * judged by a recipient's trust policy (formats/trust.md, "Introductions"):
 * introduction.c (the record, the policy's rules), intro_import.c (what a
 * bundle's introductions make trusted, for sdx_bundle_import), intro_export.c
 * (the introductions an export carries).  Not installed.
 */
#ifndef SDX_FORMATS_INTRODUCTION_H
#define SDX_FORMATS_INTRODUCTION_H

#include <stdint.h>

#include "sdx/bundle.h"
#include "sdx/dsse.h"
#include "sdx/introduction.h"

/* An introduction as an entry holds it. */
struct sdx__intro {
	char vkey[SDX_NAME_MAX + 80];    /* the key introduced, as written */
	sdx_verifier *key;               /* ... parsed */
	sdx_party party;                 /* roles: the roles vouched for */
	char checked[11], method[33];
	int withdrawn;
};

/* The body of introduction entry `data` (a DSSE envelope) into *out; the
 * envelope into *env (the caller frees both: sdx__intro_clear()).  0, or
 * SDX_EFORMAT/SDX_ESCHEMA. */
int sdx__intro_read(struct sdx__intro *out, sdx_dsse_envelope **env, const unsigned char *data,
		    size_t len);
void sdx__intro_clear(struct sdx__intro *i);
/* Own entry `index` read as an introduction: 1 and *out (and its leaf hash,
 * leaf may be NULL), 0 if it is none or unreadable as one, or the error. */
int sdx__intro_at(struct sdx__intro *out, unsigned char *leaf, sdx_ledger *l, uint64_t index);

/*
 * A key v signed in by a key rotation (inside the import's transaction): if
 * the keys of its name it rotated from are trusted only through
 * introductions, so is v - with their introductions, so that depth 1 and the
 * introducer's revocation hold for it too.  Unless v was trusted before the
 * rotation brought it.
 */
int sdx__intro_inherit(sdx_ledger *l, const sdx_verifier *v);

/* The introducer as the recipient knows it: its trusted key's name, label
 * and binding (bound 0: none). */
struct sdx__introducer {
	const char *key_name;   /* the origin, "example.com/m" */
	const char *key_text;   /* "example.com/m+1a2b3c4d" */
	const char *label;
	int bound;
	const sdx_party *party;
};

/* Does rule r accept introductions from q?  1 or 0. */
int sdx__intro_rule_from(const sdx_intro_rule *r, const struct sdx__introducer *q);

/*
 * The roles of `in` that the rules accept from q, into out (at most
 * SDX_PARTY_ROLES_MAX): their number.  *matched (may be NULL) gets whether
 * any rule is about q at all.
 */
size_t sdx__intro_accepted(char (*out)[33], int *matched, const sdx_intro_rule *rules,
			   size_t nrules, const struct sdx__introducer *q, const struct sdx__intro *in);

/* The plan of one import: the keys its introductions make trusted. */
struct sdx__intro_plan;

/*
 * After sdx_bundle_import() found `path` untrusted (its message still
 * current): read the bundle's introductions and judge them by l's policy.
 * 1 and *out with *retry (opts, with the keys accepted trusted too) to
 * import again; otherwise SDX_EUNTRUSTED, the message saying what the
 * introductions would trust and why they do not, or another error.
 */
int sdx__intro_plan(struct sdx__intro_plan **out, sdx_bundle_verify_options *retry,
		    sdx_ledger *l, const char *path, const sdx_bundle_verify_options *opts);
/* Inside the import's transaction: trust, bind and record what was accepted. */
int sdx__intro_accept(sdx_ledger *l, const struct sdx__intro_plan *p);
void sdx__intro_plan_free(struct sdx__intro_plan *p);

/*
 * The own introductions an export of `o` carries: those of a key of an origin
 * it forwards (o->imported, or imported entries among o->leaves), added to
 * the own selection idx[0..*n) (capacity *cap) unless there already.  When o
 * selects no own entries itself (o->imported alone) and one is added, the own
 * key rotations are added too, counted in *nkeys, as with any own entry.
 */
int sdx__intro_export(sdx_ledger *l, const sdx_export_options *o, uint64_t **idx, size_t *n,
		      size_t *cap, size_t *nkeys);

#endif
