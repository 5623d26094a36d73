/*
 * sdx/lab.h - lab accreditation registers: which laboratory holds which
 * accreditation (body and number), for which standards and test items,
 * valid when, and whether it is active, suspended or withdrawn; and the
 * judgement a compliance check asks of them: was the lab that issued this
 * report accredited for it on the report's issue date?
 *
 * A register is read from a CSV or JSON file (formats/lab-register.md has
 * both forms, the matching rules and every verdict) and may be stored in
 * the ledger as reference data (sdx/register.h, kind "lab"), versioned by
 * name.  Judging reads either one file or every lab register the ledger
 * holds, merged.
 *
 * Order of calls:
 *   sdx_lab_register_read(&r, path)            a file ('sdx check --labs FILE')
 *     sdx_lab_register_store(&info, l, r, name)   to keep it in the ledger
 *   or sdx_lab_register_from_ledger(&r, l)      the newest version of each
 *   sdx_lab_register_judge(why, cap, r, ...)    any number of times, any thread
 *   sdx_lab_register_count(), _entry(), _find() to show what it holds
 *   sdx_lab_register_free(r)
 * A register is only read after it is made, so one may be judged from many
 * threads at once.
 */
#ifndef SDX_LAB_H
#define SDX_LAB_H

#include "sdx/api.h"

#include <stddef.h>
#include <stdint.h>

#include "sdx/ledger.h"
#include "sdx/register.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SDX_LAB_REGISTER_KIND "lab"      /* its kind in the ledger's registers */
#define SDX_LAB_REGISTER_MAX_LABS 100000 /* entries one register may hold */

typedef struct sdx_lab_register sdx_lab_register;

/** What sdx_lab_register_judge() finds.  The values are stable; never renumbered. */
enum {
	SDX_LAB_OK = 0,            /* accredited on the report date, for all it tested */
	SDX_LAB_NOT_LISTED = 1,    /* no register holds this body and number */
	SDX_LAB_SUSPENDED = 2,     /* suspended on the report date */
	SDX_LAB_WITHDRAWN = 3,     /* withdrawn on the report date */
	SDX_LAB_EXPIRED = 4,       /* the report date is after valid_until */
	SDX_LAB_NOT_YET_VALID = 5, /* the report date is before valid_from */
	SDX_LAB_OUT_OF_SCOPE = 6   /* a standard or test item is not in its scope */
};

/** One accreditation, as a register lists it.  Borrowed from its register. */
typedef struct sdx_lab_entry {
	const char *body;                    /* CNAS, CMA or an ILAC MRA signatory: UKAS... */
	const char *number;                  /* "CNAS L1234" */
	const char *lab_name;
	const char *country;                 /* ISO 3166-1 alpha-2 */
	const char *const *scope_standards;  /* "GB 31701-2026", "EN 71-3:2019", "GB 31701" */
	size_t n_scope_standards;
	const char *const *scope_items;      /* test items: "Pb", "DEHP" */
	size_t n_scope_items;
	const char *valid_from;              /* YYYY-MM-DD */
	const char *valid_until;             /* YYYY-MM-DD, the last valid day */
	const char *status;                  /* "active", "suspended" or "withdrawn" */
	const char *suspended_from;          /* when the status took effect; NULL: not given */
	const char *note;                    /* NULL: none */
	/* the register that lists it */
	const char *register_name;
	uint64_t register_version;           /* 0: read from a file, not from the ledger */
	const char *register_sha256;         /* hex SHA-256 of the file it was read from */
} sdx_lab_entry;

/**
 * Read the register in the file at `path`: JSON if its first character
 * (after a byte-order mark and white space) is '{', else CSV.  Every
 * problem is one error naming the file and the line and column (CSV) or
 * member (JSON): "'labs.csv': line 7, column 'valid_until': expected a date
 * YYYY-MM-DD".  Its name is the file's base name without its extension.
 *
 * @return 0; SDX_ENOTFOUND, SDX_EIO, SDX_EFORMAT (the file breaks a rule),
 *         SDX_ELIMIT (too large), SDX_ENOMEM.
 */
SDX_API int sdx_lab_register_read(sdx_lab_register **out, const char *path);

/**
 * Every lab register the ledger holds, the newest version of each, merged
 * into one (empty when it holds none).  Each entry names its register.
 */
SDX_API int sdx_lab_register_from_ledger(sdx_lab_register **out, sdx_ledger *l);

/**
 * Store a register read from a file in the ledger (sdx_ledger_register_put,
 * kind SDX_LAB_REGISTER_KIND) in its canonical form, under `name` (NULL:
 * the file's base name).  The same content as the newest version of that
 * name, in any order or form (CSV or JSON), is not stored again.
 *
 * @param out  the version stored, or the one that holds this content already
 * @return 0 stored, 1 unchanged (nothing written); SDX_EINVAL if r was not
 *         read from a file or the name is invalid; the ledger's errors.
 */
SDX_API int sdx_lab_register_store(sdx_register_info *out, sdx_ledger *l,
				   const sdx_lab_register *r, const char *name);

/**
 * Judge the accreditation a test report names, at the report's issue date.
 *
 * @param why          receives one sentence saying why: the register (name,
 *                     version, SHA-256 prefix), the number, the dates, and
 *                     what is out of scope; may be NULL if cap is 0
 * @param body         the accreditation body the report names ("CNAS"); NULL:
 *                     any body
 * @param number       the accreditation number ("CNAS L1234"; "L1234" under
 *                     body CNAS is the same); case and runs of spaces ignored
 * @param report_date  the report's issue date, YYYY-MM-DD
 * @param standards    the standards the report tests against, designation and
 *                     version ("GB 31701-2026", "EN 71-3:2019"); may be NULL if 0
 * @param items        the test items it reports ("Pb", "DEHP"); may be NULL if 0
 * @return one of SDX_LAB_OK ... SDX_LAB_OUT_OF_SCOPE (>= 0); SDX_EINVAL
 *         (negative, message set) for a missing number or a bad date.
 *         When several registers list the number, each is judged and the
 *         worst verdict is returned (withdrawn, suspended, expired, not yet
 *         valid, out of scope, ok).
 */
SDX_API int sdx_lab_register_judge(char *why, size_t cap, const sdx_lab_register *r,
				   const char *body, const char *number, const char *report_date,
				   const char *const *standards, size_t nstandards,
				   const char *const *items, size_t nitems);

/** The verdict's name: "ok", "not_listed", "suspended", "withdrawn", "expired",
 *  "not_yet_valid", "out_of_scope" ("?" for another value). */
SDX_API const char *sdx_lab_verdict_name(int verdict);

/** Entries held, and entry i (i < count; NULL past the end), borrowed. */
SDX_API size_t sdx_lab_register_count(const sdx_lab_register *r);
SDX_API const sdx_lab_entry *sdx_lab_register_entry(const sdx_lab_register *r, size_t i);

/**
 * The index of the first entry at or after `from` that `body` (NULL: any)
 * and `number` name, matched as sdx_lab_register_judge() matches them;
 * sdx_lab_register_count(r) if there is none.
 */
SDX_API size_t sdx_lab_register_find(const sdx_lab_register *r, size_t from, const char *body,
				     const char *number);

/** The register's canonical JSON (formats/lab-register.md), borrowed; NULL
 *  for a merged register from the ledger.  *len (may be NULL) its length. */
SDX_API const char *sdx_lab_register_json(const sdx_lab_register *r, size_t *len);

/** Accepts NULL. */
SDX_API void sdx_lab_register_free(sdx_lab_register *r);

#ifdef __cplusplus
}
#endif
#endif
