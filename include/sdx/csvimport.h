/*
 * sdx/csvimport.h - declarations and batches from CSV files exported by an
 * ERP system, through a mapping file (formats/csv-import.md).
 *
 * A mapping (JSON, schema formats/schemas/csv-map.schema.json) says which
 * CSV column, named by its header, feeds which field of the record (a JSON
 * Pointer into the record body, with two additions for arrays: "-" for the
 * element a row adds, "member=VALUE" for the element whose member has that
 * value), how a cell reads (text, number, date in a given format, a unit, a
 * list...), the constants for fields no column gives, and how rows group:
 * one record per row, or one per run of rows sharing the values of the
 * group_by columns.  The CSV file is read as formats/csv/csv.h reads tables
 * (RFC 4180, UTF-8 with or without BOM), with ',' or ';' as delimiter.
 *
 * Order of calls: sdx_csv_map_read() (or _parse()) once; sdx_csv_import()
 * any number of times - it streams the file and calls back with each record
 * built and validated; the caller holds what it needs (sdx declare --csv
 * reads the file twice: once to validate every record, once to append them
 * all in one transaction); sdx_csv_map_free().
 *
 * Every refusal names the file, the line and the column, e.g.
 * "'lots.csv': line 14, column 'Pb ppm': '1,2x' is not a number", or, for a
 * record its schema refuses, the lines it was built from and the field.
 */
#ifndef SDX_CSVIMPORT_H
#define SDX_CSVIMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "sdx/api.h"
#include "sdx/ledger.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest mapping file read, and most columns a mapping names. */
#define SDX_CSV_MAP_MAX_BYTES (1024 * 1024)
#define SDX_CSV_MAP_MAX_COLUMNS 256

typedef struct sdx_csv_map sdx_csv_map;

/**
 * Read and check the mapping in json[0..len) (`name` names it in messages).
 * @return 0; SDX_EFORMAT (not JSON), SDX_ESCHEMA (the mapping schema or a
 *         rule of formats/csv-import.md refuses it, naming the member),
 *         SDX_ENOMEM
 */
SDX_API int sdx_csv_map_parse(sdx_csv_map **out, const char *name, const char *json,
			      size_t len);
/** sdx_csv_map_parse() on a file; SDX_ENOTFOUND or SDX_EIO if it cannot be read. */
SDX_API int sdx_csv_map_read(sdx_csv_map **out, const char *path);
/** The record type the mapping makes ("declaration", "batch"); borrowed. */
SDX_API const char *sdx_csv_map_type(const sdx_csv_map *m);
/** Accepts NULL. */
SDX_API void sdx_csv_map_free(sdx_csv_map *m);

/**
 * Called with each record built: `json` its text (valid, borrowed for the
 * call), `what` its name in messages ("'lots.csv' lines 2-5"), first and
 * last the lines of the rows it was built from.  A non-zero return stops
 * the import and is returned.
 */
typedef int (*sdx_csv_record_cb)(void *ctx, const char *json, size_t len, const char *what,
				 uint64_t first, uint64_t last);

typedef struct sdx_csv_import_options {
	unsigned version;                   /* SDX_CSV_IMPORT_OPTIONS_VERSION */
	/* Resolves cells of type "entry" (a lot number, a record id, a leaf
	 * hash prefix) to the leaf hash of the entry they name, own or imported
	 * (sdx_record_find()); NULL: such a cell must be 64 hex digits. */
	sdx_ledger *ledger;
	/* Evidence citing a report by file name gets the SHA-256 of the file of
	 * that name (sdx_record_fill_attachments()). */
	const char *const *files;
	const unsigned char (*hashes)[32];
	size_t nfiles;
	unsigned flags;                     /* SDX_CSV_IMPORT_* */
} sdx_csv_import_options;

/* The records are passed unvalidated: for a caller that appends them with
 * sdx_record_append_many(), which validates them (on every core). */
#define SDX_CSV_IMPORT_UNCHECKED 1u

#define SDX_CSV_IMPORT_OPTIONS_VERSION 1
#define SDX_CSV_IMPORT_OPTIONS_INIT { SDX_CSV_IMPORT_OPTIONS_VERSION, NULL, NULL, NULL, 0, 0 }

/**
 * Read the CSV file at `path` row by row, build the records the mapping
 * says, validate each (sdx_record_validate(); not with
 * SDX_CSV_IMPORT_UNCHECKED) and pass it to cb.  Only the
 * current row and the record being built are held.
 *
 * @param sha256  receives the SHA-256 of the file's bytes (may be NULL)
 * @param count   receives the number of records passed to cb (may be NULL)
 * @return 0, the first error (SDX_EFORMAT, SDX_ESCHEMA, SDX_ELIMIT,
 *         SDX_ENOTFOUND, SDX_EIO, ...: the message names file, line, column
 *         and field), or cb's non-zero return
 */
SDX_API int sdx_csv_import(const sdx_csv_map *m, const char *path,
			   const sdx_csv_import_options *opts, sdx_csv_record_cb cb, void *ctx,
			   unsigned char sha256[32], uint64_t *count);
/** The same for data[0..len), named `name` in messages. */
SDX_API int sdx_csv_import_mem(const sdx_csv_map *m, const char *name, const void *data,
			       size_t len, const sdx_csv_import_options *opts,
			       sdx_csv_record_cb cb, void *ctx, unsigned char sha256[32],
			       uint64_t *count);

#ifdef __cplusplus
}
#endif

#endif
