/*
 * formats/records/build.h - what the descriptors' `link` functions (type.h,
 * struct sdx_record_build) share with the builder (build.c).  Not installed.
 */
#ifndef SDX_RECORDS_BUILD_H
#define SDX_RECORDS_BUILD_H

#include <stddef.h>

#include <jansson.h>

#include "sdx/ledger.h"

/* Split "a:b:c" in place at ':' into at most max fields; -1 if there are more. */
int sdx__build_split(char *s, char **fields, size_t max, size_t *n);

/* {"value": V, "unit": U} from option text (an integer when V is written as
 * one); SDX_EFORMAT naming `what`. */
int sdx__build_quantity(json_t **out, const char *value, const char *unit, const char *what);

/* REF (index or leaf-hash prefix, own or imported) -> the entry and its hex
 * leaf hash.  Free *f with sdx_found_free(). */
int sdx__build_find(sdx_found **f, char hex[65], sdx_ledger *l, const char *ref);

#endif
