/*
 * sdx/ipc1752a.h - IPC-1752A material declarations as sdx declarations.
 *
 * The electronics industry exchanges material declarations as IPC-1752A XML
 * (schema version 2.0, namespace http://webstds.ipc.org/175x/2.0, as revised
 * by Amendments 1 and 2): who supplies (BusinessInfo), which product
 * (Product/ProductID), its RoHS statement (Class C) and the substances of
 * each homogeneous material with their masses (Class D).  This module turns
 * one such file into one declaration record, format sdx-declaration/2, which
 * sdx then validates, signs and appends exactly as a JSON one.  The mapping,
 * field by field, and what does not map: formats/ipc1752a.md.
 *
 * The XML is read with libxml2 without network access and without loading
 * or expanding any DTD or entity: a file with a DOCTYPE is refused.  Every
 * refusal names the file and the XML path of the element or attribute, e.g.
 * "'decl.xml': /MainDeclaration/Product/MaterialInfo/HomogeneousMaterialList/
 * HomogeneousMaterial[2]/Substance[3]/SubstanceID/@identity: '117-81-8' is
 * not a CAS number (the check digit would be 7)".
 *
 * Order of calls: fill an sdx_ipc1752a_options (SDX_IPC1752A_OPTIONS_INIT,
 * then the lots, the end of validity and the supplier's party), call
 * sdx_ipc1752a_read() on a file or sdx_ipc1752a_convert() on bytes, append
 * the text with sdx_record_append() (type "declaration") with the XML file
 * stored as an attachment (the record cites it by SHA-256), free() the text.
 */
#ifndef SDX_IPC1752A_H
#define SDX_IPC1752A_H

#include <stddef.h>

#include "sdx/api.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The namespace of the IPC-1752A schema version sdx reads. */
#define SDX_IPC1752A_NAMESPACE "http://webstds.ipc.org/175x/2.0"
/* Largest XML file read, and most --lot specifications. */
#define SDX_IPC1752A_MAX_BYTES (4u * 1024 * 1024)
#define SDX_IPC1752A_MAX_LOTS 1000

typedef struct sdx_ipc1752a_options {
	unsigned version;          /* SDX_IPC1752A_OPTIONS_VERSION */
	/* Lots covered, each "LOT:QTY:UNIT" (UNIT a UN/ECE Rec 20 code, e.g.
	 * "R2611-07:5000:H87"); none: one lot named by the product's item number
	 * and counted by Product/@numberOfInstances (formats/ipc1752a.md §4). */
	const char *const *lots;
	size_t nlots;
	/* Last day the declaration may be relied on (YYYY-MM-DD); required, as
	 * IPC-1752A states none. */
	const char *valid_until;
	/* The supplier as an sdx party (formats/declaration.md §3.1), JSON text:
	 * IPC-1752A names the company and its identifiers but not its address
	 * or country.  Its name must be the file's SupplyCompany/@name. */
	const char *supplier;
	/* sdx_ipc1752a_read() only: read `supplier` from this file instead. */
	const char *supplier_file;
} sdx_ipc1752a_options;

#define SDX_IPC1752A_OPTIONS_VERSION 1
#define SDX_IPC1752A_OPTIONS_INIT { SDX_IPC1752A_OPTIONS_VERSION, NULL, 0, NULL, NULL, NULL }

/**
 * Convert the IPC-1752A XML in xml[0..len) into a declaration record.
 *
 * @param out      receives the record's JSON text (NUL-terminated, malloc'd;
 *                 the caller free()s it); NULL on failure
 * @param out_len  receives its length
 * @param what     the input's name in messages, e.g. "'decl.xml'"
 * @param xml      the file's bytes; at most SDX_IPC1752A_MAX_BYTES
 * @param opts     lots, end of validity, supplier; see above
 * @return 0; SDX_EFORMAT (not XML, a DOCTYPE, not IPC-1752A 2.0, a field that
 *         does not read), SDX_ESCHEMA (the record it makes is not valid, or
 *         an option is wrong), SDX_ELIMIT (too large), SDX_EINVAL, SDX_ENOMEM.
 *         The record is valid when 0 is returned.
 */
SDX_API int sdx_ipc1752a_convert(char **out, size_t *out_len, const char *what, const void *xml,
				 size_t len, const sdx_ipc1752a_options *opts);

/**
 * sdx_ipc1752a_convert() on the file at path (and opts->supplier_file read
 * as the supplier, when given).
 *
 * @return as sdx_ipc1752a_convert(), and SDX_ENOTFOUND or SDX_EIO when a
 *         file cannot be read.
 */
SDX_API int sdx_ipc1752a_read(char **out, size_t *out_len, const char *path,
			      const sdx_ipc1752a_options *opts);

#ifdef __cplusplus
}
#endif

#endif
