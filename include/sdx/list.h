/*
 * sdx/list.h - substance lists as data users update: a published list (the
 * REACH SVHC candidate list as ECHA publishes it, a customer's restricted
 * substance list) read from CSV, kept in the ledger versioned by name
 * (sdx/register.h, kind "list"), compared version with version, and looked
 * up by CAS number when records are judged (check kind listed_substances,
 * formats/lists.md).
 *
 * Order of calls:
 *   sdx_list_read(&s, path, date)               a CSV file ('sdx list import')
 *     sdx_list_store(&info, l, s, name)           to keep it as the next version
 *   or sdx_list_from_ledger(&s, l, name, 0)     the newest version (or version N)
 *   sdx_list_count(), _entry(), _find(), _date()  any number of times, any thread
 *   sdx_list_free(s)
 */
#ifndef SDX_LIST_H
#define SDX_LIST_H

#include "sdx/api.h"

#include <stddef.h>
#include <stdint.h>

#include "sdx/ledger.h"
#include "sdx/register.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SDX_LIST_REGISTER_KIND "list"   /* its kind in the ledger's registers */
#define SDX_LIST_MAX_SUBSTANCES 100000  /* entries one list may hold */
#define SDX_LIST_CAS_MAX 20             /* CAS numbers one entry may name */

typedef struct sdx_substance_list sdx_substance_list;

/** One entry of a list.  Borrowed from its list. */
typedef struct sdx_listed_substance {
	const char *name;             /* "Bis(2-ethylhexyl) phthalate (DEHP)" */
	const char *const *cas;       /* its CAS numbers ("117-81-7"), checked; may be none */
	size_t ncas;
	const char *ec;               /* EC number, or NULL */
	const char *added;            /* YYYY-MM-DD it joined the list, or NULL */
	const char *reason;           /* why it is listed, or NULL */
} sdx_listed_substance;

/**
 * Read the list in the CSV file at `path` (formats/lists.md: a header with
 * the columns name and cas, optionally ec, added and reason, under the
 * names ECHA uses too: "Substance name", "CAS No.", "EC No.", "Date of
 * inclusion", "Reason for inclusion"; several CAS numbers in one field are
 * separated by ',', ';' or spaces; '-' or empty: none).  Every CAS number's
 * check digit is verified.  `date` is the list's publication date
 * (YYYY-MM-DD); NULL: the latest date of inclusion it holds.
 * Errors name the file, line and column: "'svhc.csv': line 7, column 'CAS
 * No.': '117-81-8' is not a CAS number (check digit 7 expected)".
 */
SDX_API int sdx_list_read(sdx_substance_list **out, const char *path, const char *date);

/**
 * Store a list read from a file as the next version of list `name`, in its
 * canonical form; the same content as the newest version is not stored again.
 * @return 0 stored, 1 unchanged (nothing written), or the ledger's errors.
 */
SDX_API int sdx_list_store(sdx_register_info *out, sdx_ledger *l, const sdx_substance_list *s,
			   const char *name);

/** Version `version` of list `name` (0: the newest); SDX_ENOTFOUND if none. */
SDX_API int sdx_list_from_ledger(sdx_substance_list **out, sdx_ledger *l, const char *name,
				 uint64_t version);

/** Its name ("" for a file not stored), version (0: a file) and publication date. */
SDX_API const char *sdx_list_name(const sdx_substance_list *s);
SDX_API uint64_t sdx_list_version(const sdx_substance_list *s);
SDX_API const char *sdx_list_date(const sdx_substance_list *s);

SDX_API size_t sdx_list_count(const sdx_substance_list *s);
SDX_API const sdx_listed_substance *sdx_list_entry(const sdx_substance_list *s, size_t i);
/** The entry naming CAS number `cas`, or NULL. */
SDX_API const sdx_listed_substance *sdx_list_find(const sdx_substance_list *s, const char *cas);

/** {name, version, date, substances: [{name, cas: [...], ec, added, reason}]}
 *  as JSON text, malloc'd (formats/lists.md). */
SDX_API int sdx_list_json(char **out, const sdx_substance_list *s);

/** Accepts NULL. */
SDX_API void sdx_list_free(sdx_substance_list *s);

#ifdef __cplusplus
}
#endif

#endif
