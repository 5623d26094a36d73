/*
 * formats/registers/list.h - what the substance-list checks (formats/rules/
 * listed.c) read of a list beyond sdx/list.h.  Not installed.
 */
#ifndef SDX_FORMATS_LIST_H
#define SDX_FORMATS_LIST_H

#include <jansson.h>

#include "sdx/list.h"

/* Entry i as its canonical JSON object ({name, cas, ec, added, reason}), borrowed. */
const json_t *sdx__list_entry_json(const sdx_substance_list *s, size_t i);

#endif
