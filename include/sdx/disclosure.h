/*
 * sdx/disclosure.h - selective disclosure of record fields: salted SHA-256
 * commitments in a record body, after RFC 9901 (SD-JWT) section 4.2
 * (formats/disclosure.md).
 *
 * A concealed field leaves only its digest in the signed body: an object
 * member moves into the object's "_sd" array, an array element becomes
 * {"...": digest}.  Its disclosure, base64url(JSON [salt, name, value]) or
 * base64url([salt, value]) for an element, is what a recipient needs to see
 * the value again; whoever holds a disclosure can check it against the
 * signed digest, and nobody can make a second disclosure for the same digest.
 *
 * Order of calls: sdx_disclosure_conceal() on a canonical body before it is
 * signed (the writer keeps the disclosures); a reader calls
 * sdx_disclosure_reveal() with the disclosures it holds, which rejects any
 * that matches no digest (a forgery) and gives the body with the disclosed
 * values put back and the withheld ones left out.  sdx_disclosure_parse()
 * reads one disclosure on its own.
 */
#ifndef SDX_DISCLOSURE_H
#define SDX_DISCLOSURE_H

#include "sdx/api.h"

#include <stddef.h>
#include <stdint.h>

#include "sdx/ledger.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SDX_DISCLOSURE_SALT_BYTES 16   /* fresh per field, randombytes_buf */
#define SDX_DISCLOSURE_SALT_MIN 22     /* characters a salt must have (128 bits of base64url) */
#define SDX_DISCLOSURE_DIGEST_LEN 43   /* base64url of SHA-256, no padding */
#define SDX_DISCLOSURE_MAX 65536       /* longest disclosure text accepted */
#define SDX_DISCLOSURE_COUNT_MAX 4096  /* most disclosures of one record */

typedef struct sdx_disclosure sdx_disclosure;

/**
 * The digest of a disclosure: base64url(SHA-256(text)), over the base64url
 * text itself as RFC 9901 section 4.2.3 says, into out (NUL-terminated).
 */
SDX_API void sdx_disclosure_digest(char out[SDX_DISCLOSURE_DIGEST_LEN + 1], const char *text,
				   size_t len);

/**
 * Read one disclosure: base64url without padding (canonical: the same text
 * encodes back), of a JSON array [salt, name, value] or [salt, value]; the
 * salt a string of at least SDX_DISCLOSURE_SALT_MIN characters, the name a
 * string other than "_sd" and "...".  *out is freed with sdx_disclosure_free().
 *
 * @return 0; SDX_EFORMAT naming what is wrong; SDX_ELIMIT over
 *         SDX_DISCLOSURE_MAX; SDX_ENOMEM.
 */
SDX_API int sdx_disclosure_parse(sdx_disclosure **out, const char *text, size_t len);
SDX_API void sdx_disclosure_free(sdx_disclosure *d);

/** The disclosure's text (borrowed, NUL-terminated). */
SDX_API const char *sdx_disclosure_text(const sdx_disclosure *d);
/** Its digest (borrowed). */
SDX_API const char *sdx_disclosure_digest_of(const sdx_disclosure *d);
/** Its salt (borrowed). */
SDX_API const char *sdx_disclosure_salt(const sdx_disclosure *d);
/** Its claim name (borrowed), or NULL for an array element. */
SDX_API const char *sdx_disclosure_name(const sdx_disclosure *d);
/** Its value as canonical JSON (borrowed, NUL-terminated). */
SDX_API const char *sdx_disclosure_value(const sdx_disclosure *d);

/** Disclosures made by sdx_disclosure_conceal(): texts in the order of the pointers. */
typedef struct sdx_disclosure_list {
	char **text;   /* malloc'd, NUL-terminated base64url */
	size_t n;
	char (*decoys)[SDX_DISCLOSURE_DIGEST_LEN + 1];  /* the decoy digests added, malloc'd */
	size_t ndecoys;
} sdx_disclosure_list;

/** Free the texts (the struct itself is the caller's); accepts NULL. */
SDX_API void sdx_disclosure_list_free(sdx_disclosure_list *list);

/**
 * Conceal the fields named by `pointers` (RFC 6901 JSON pointers, "/a/0/b")
 * of the JSON object `body`: each gets a fresh SDX_DISCLOSURE_SALT_BYTES salt
 * and its digest takes its place.  `decoys` more random digests go into each
 * "_sd" array that concealing touches.  "_sd" arrays are sorted, so their
 * order tells nothing of the fields' order.  A pointer may reach into a
 * field concealed by an earlier pointer only through that field's value
 * (the disclosure then holds digests of its own, RFC 9901 section 4.2.6);
 * list the inner pointer first.
 *
 * @param body_out  the new body, canonical JSON, malloc'd (NUL-terminated)
 * @param list      the disclosures, one per pointer, in the same order
 * @return 0; SDX_ENOTFOUND for a pointer that names nothing (named);
 *         SDX_EFORMAT for a body that is not a JSON object, a bad pointer, a
 *         pointer to the whole body or to "_sd"; SDX_ELIMIT; SDX_ENOMEM.
 */
SDX_API int sdx_disclosure_conceal(char **body_out, size_t *body_len, sdx_disclosure_list *list,
				   const char *body, size_t len, const char *const *pointers,
				   size_t n, unsigned decoys);

/** What sdx_disclosure_reveal() found. */
typedef struct sdx_disclosure_view {
	size_t disclosed;   /* digests whose disclosure was given */
	size_t withheld;    /* digests left without one (withheld fields and decoys) */
} sdx_disclosure_view;

/**
 * Put back the values of the disclosures held: every digest of `body`
 * ("_sd" members and {"...": d} elements, in disclosed values too) that one
 * of `texts` matches is replaced by its value; the others are left out, and
 * every "_sd" is removed.  The result is canonical JSON.
 *
 * @return 0; SDX_EVERIFY when a disclosure matches no digest of the body (a
 *         forged or altered disclosure, or one of another record: named by
 *         its position and claim name); SDX_EFORMAT for a malformed
 *         disclosure, a disclosure given twice, a digest that occurs twice,
 *         a disclosed name the object already has, an element disclosure
 *         for an "_sd" digest or the reverse, a non-string "_sd" entry;
 *         SDX_ELIMIT; SDX_ENOMEM.
 */
SDX_API int sdx_disclosure_reveal(char **body_out, size_t *body_len, sdx_disclosure_view *view,
				  const char *body, size_t len, const char *const *texts,
				  size_t n);

/** Where a disclosure's field is, found by sdx_disclosure_locate(). */
typedef struct sdx_disclosure_place {
	char *pointer;  /* RFC 6901 pointer of the field in the record as written (array
			   indexes count the elements as signed, withheld ones too); malloc'd */
	long parent;    /* the position among the texts of the disclosure whose value
			   holds this one's digest (RFC 9901 section 4.2.6), or -1 */
} sdx_disclosure_place;

/**
 * As sdx_disclosure_reveal(), with the same checks and codes, but instead of
 * the body: for texts[i], (*places)[i], where its field is.  A policy of
 * which disclosures travel (sdx_disclose_policy_*) reads these.  Free with
 * sdx_disclosure_places_free(*places, n).
 */
SDX_API int sdx_disclosure_locate(sdx_disclosure_place **places, sdx_disclosure_view *view,
				  const char *body, size_t len, const char *const *texts,
				  size_t n);
SDX_API void sdx_disclosure_places_free(sdx_disclosure_place *places, size_t n);

/* --- disclosures held in a ledger ------------------------------------------ */

/**
 * Keep a disclosure of own entry `index` (ledger format 13 on): it is
 * checked against the entry's body first, and one that matches none of its
 * digests is refused as a forgery (SDX_EVERIFY, naming the entry).  The same
 * disclosure kept twice is stored once.  Must be inside begin/commit.
 * @return 0; SDX_ENOTFOUND (no such entry); SDX_EVERIFY; SDX_EFORMAT; SDX_EIO.
 */
SDX_API int sdx_ledger_disclosure_add(sdx_ledger *l, uint64_t index, const char *text);

/**
 * Note that `digest` of own entry `index` is a decoy (its writer knows), so
 * that sdx_ledger_entry_revealed() does not count it as withheld.  Kept as
 * a row with an empty text; never exported.  Must be inside begin/commit.
 */
SDX_API int sdx_ledger_decoy_add(sdx_ledger *l, uint64_t index, const char *digest);

typedef int (*sdx_disclosure_cb)(void *ctx, uint64_t index, const char *digest,
				 const char *text);
/** Call cb for every disclosure held of own entry `index` (not decoys), by digest; a
 *  non-zero return stops and is returned.  None for a ledger older than format 13. */
SDX_API int sdx_ledger_foreach_disclosure(sdx_ledger *l, uint64_t index, sdx_disclosure_cb cb,
					  void *ctx);

/**
 * The body of own entry `index` as its reader sees it: with the values of
 * the disclosures held put back and the withheld fields left out
 * (sdx_disclosure_reveal()); the decoys the ledger knows of are not counted
 * as withheld.  *body is malloc'd; view may be NULL.
 */
SDX_API int sdx_ledger_entry_revealed(char **body, size_t *body_len, sdx_disclosure_view *view,
				      sdx_ledger *l, uint64_t index);

/* --- disclosures of imported entries -------------------------------------- */

/**
 * Keep a disclosure of the imported entry `index` of `origin` (it must be
 * held): checked against that entry's body first, a forgery refused
 * (SDX_EVERIFY naming the entry).  Must be inside begin/commit (sdx_bundle_import()
 * stores what a bundle carries in its transaction).
 * @return 0; SDX_ENOTFOUND (no such imported entry); SDX_EVERIFY; SDX_EFORMAT;
 *         SDX_EINVAL (a ledger older than format 13); SDX_EIO.
 */
SDX_API int sdx_ledger_foreign_disclosure_add(sdx_ledger *l, const char *origin, uint64_t index,
					      const char *text);

/** Call cb for every disclosure held of the imported entry `index` of `origin`. */
SDX_API int sdx_ledger_foreach_foreign_disclosure(sdx_ledger *l, const char *origin,
						  uint64_t index, sdx_disclosure_cb cb, void *ctx);

/**
 * The body of an imported entry as this ledger sees it: the disclosures
 * held for it put back, every digest without one left out and counted as
 * withheld (the importer cannot tell decoys).  *body is malloc'd; view may be NULL.
 */
SDX_API int sdx_ledger_foreign_entry_revealed(char **body, size_t *body_len,
					      sdx_disclosure_view *view, sdx_ledger *l,
					      const char *origin, uint64_t index);

#ifdef __cplusplus
}
#endif

#endif
