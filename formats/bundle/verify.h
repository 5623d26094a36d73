/*
 * formats/bundle/verify.h - the state of one bundle verification, shared by
 * the files of sdx_bundle_verify() (formats/bundle.md): verify.c (the walk
 * over the members, trust at the end), verify_manifest.c, verify_members.c
 * (attachments, checkpoints, consistency proofs), verify_entries.c.
 * Not installed.  One verification runs on one thread, but for the entry
 * checks verify_entries.c hands to its worker pool.
 */
#ifndef SDX_BUNDLE_VERIFY_H
#define SDX_BUNDLE_VERIFY_H

#include <stdatomic.h>
#include <stdint.h>

#include "formats/bundle/archive.h"
#include "formats/bundle/internal.h"
#include "formats/bundle/report.h"
#include "ledger/chain.h"
#include "ledger/internal.h"
#include "sdx/bundle.h"

#define MAX_KEYS 8

struct member_info {
	char *name;
	unsigned char sha[32];
	uint64_t size;
	int seen;
};

/* One item of ledgers/<k>/disclosures.json: an entry's disclosures, and the
 * attachments withheld with its withheld fields. */
struct disc_item {
	uint64_t index;
	char **texts;
	size_t n;
	unsigned char (*withheld)[32];
	size_t nwithheld;
	int seen;             /* its entry was checked (by a worker) */
};

struct ledger_info {
	char origin[SDX_NAME_MAX + 1];
	struct sdx__chain chain;            /* its keys (chain.v), in the manifest's order */
	/* A ledger is trusted only when every signature in it is by a trusted key:
	 * listing a trusted key beside a key of one's own must not lend trust. */
	unsigned char key_ok[MAX_KEYS];     /* trusted (or revoked: see revoked) as given */
	unsigned char revoked[MAX_KEYS];
	unsigned signers;                   /* bit k: key k signed a checkpoint or entry */
	uint64_t tree_size, entries;
	int trusted, have_cp;
	unsigned char root[32];
	size_t cp_signer;                   /* the key whose signature on the checkpoint verified */
	struct disc_item *disc;             /* disclosures.json, by increasing index */
	size_t ndisc;
	char disc_name[64];                 /* its member name, for messages */
};

struct bv {
	const char *path;
	const sdx_bundle_verify_options *o;
	sdx_bundle_report *rep;
	int have_manifest, untrusted, producer_untrusted;
	unsigned char producer_pk[32];
	struct member_info *m;
	size_t nm;
	struct ledger_info led[SDX_BUNDLE_MAX_LEDGERS];
	size_t nled;
	unsigned char (*atts)[32];
	size_t natts, attcap;
	atomic_uchar *cited;                /* per attachment: an entry cites it */
	int bodies;                         /* SDX_BUNDLE_VERIFY_BODIES */
	int signatures;                     /* SDX_BUNDLE_VERIFY_SIGNATURES */
	uint64_t manifest_atts;             /* the attachments the manifest counts */
	uint64_t progress;                  /* entries checked so far, of every ledger */
	int format;                         /* the manifest's sdx-bundle/<major> */
};

/* Reads a member through the archive layer, hashing what it reads. */
struct mreader {
	struct sdx_tar_reader *r;
	sdx__sha256_ctx h;
	uint64_t n;
};

/* Up to `want` bytes of the member, hashed; fewer only at its end. */
int sdx__bv_read(struct mreader *m, void *buf, size_t want, size_t *got_total);
/* Set the error "'<bundle>': <fmt with a, c>" and return code. */
int sdx__bv_bad(struct bv *b, int code, const char *fmt, const char *a, const char *c);
/* Is v one of the keys the caller trusts, or revoked? */
int sdx__bv_trusted(const struct bv *b, const sdx_verifier *v);
int sdx__bv_revoked(const struct bv *b, const sdx_verifier *v);

/* The first member: checks the producer's signature, then loads the lists. */
int sdx__bv_manifest(struct bv *b, const char *name, uint64_t size, struct sdx_tar_reader *r);
/* attachments/<sha256>: content matches the name. */
int sdx__bv_attachment(struct bv *b, const char *name, struct mreader *mr, uint64_t size);
/* Is the attachment in the bundle?  Marks it cited (any thread). */
int sdx__bv_has_attachment(struct bv *b, const unsigned char h[32]);
/* ledgers/<k>/checkpoint and ledgers/<k>/consistency.json. */
int sdx__bv_checkpoint(struct bv *b, struct ledger_info *li, const char *name,
		       struct mreader *mr, uint64_t size);
int sdx__bv_consistency(struct bv *b, struct ledger_info *li, const char *name,
			struct mreader *mr, uint64_t size);
/* ledgers/<k>/disclosures.json (sdx-bundle/2): read and kept for the entries. */
int sdx__bv_disclosures(struct bv *b, struct ledger_info *li, const char *name,
			struct mreader *mr, uint64_t size);
/* The item of entry `index`, or NULL. */
struct disc_item *sdx__bv_disc_item(const struct ledger_info *li, uint64_t index);
void sdx__bv_disc_free(struct ledger_info *li);

/* ledgers/<k>/entries: each entry, then the chain in order; the sink is told. */
int sdx__bv_entries(struct bv *b, struct ledger_info *li, const char *name,
		    struct mreader *mr, uint64_t size);

#endif
