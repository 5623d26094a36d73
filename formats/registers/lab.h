/*
 * formats/registers/lab.h - the insides of lab accreditation registers
 * (sdx/lab.h), shared by lab.c (the register object, the ledger), lab_read.c
 * (CSV and JSON files, validation, the canonical form) and lab_judge.c
 * (matching and verdicts).  Not installed.
 *
 * A register holds one canonical document per source (a file, or one
 * register version of the ledger); its entries borrow their strings from
 * those documents.
 */
#ifndef SDX_FORMATS_LAB_H
#define SDX_FORMATS_LAB_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "sdx/lab.h"

#define LAB_FORMAT "sdx-lab-register/1"
#define LAB_KEY_MAX 128     /* a normalised body and number */
#define LAB_JSON_MAX (64u << 20)

struct lab_source {
	char name[SDX_REGISTER_NAME_MAX + 1];
	uint64_t version;   /* 0: a file */
	unsigned char sha[32]; /* of the file it was read from */
	char sha256[65];    /* the same in hex */
	json_t *doc;        /* canonical: {"format": ..., "labs": [...]} */
};

struct sdx_lab_register {
	struct lab_source **src; /* each allocated on its own: entries point into it */
	size_t nsrc;
	sdx_lab_entry *e;
	char (*key)[LAB_KEY_MAX]; /* per entry: its body and number, normalised (lab_judge.c) */
	size_t n;
	char *json;               /* a file's canonical text (sdx__json_dump of src[0].doc) */
	size_t json_len;
};

/*
 * Read the register at `path` into its canonical document (lab_read.c):
 * CSV, or JSON when it starts with '{'.  *sha gets the file's SHA-256.  The
 * error names the file and the line and column or member at fault.
 */
int sdx__lab_read_file(json_t **doc, unsigned char sha[32], const char *path);

/*
 * Check that `body` (a stored register; `what` names it in messages, e.g.
 * "'sdx.db': lab register 'x' version 2") is a canonical lab register, and
 * parse it into *doc.  SDX_EFORMAT if it is not.
 */
int sdx__lab_parse_stored(json_t **doc, const char *body, size_t len, const char *what);

/* Add source `doc` (stolen, also on error) and its entries to r (lab.c). */
int sdx__lab_add_source(sdx_lab_register *r, json_t *doc, const char *name, uint64_t version,
			const unsigned char sha[32]);

/*
 * The match key of a body (may be NULL) and number (lab_judge.c): upper
 * case, runs of white space as one space, the body's prefix added when the
 * number lacks it ("L1234" under CNAS is "CNAS L1234").
 */
void sdx__lab_key(char out[LAB_KEY_MAX], const char *body, const char *number);

/* 1 if two texts are equal but for case and runs of white space (lab_judge.c). */
int sdx__lab_same(const char *a, const char *b);

#endif
