/*
 * formats/embedded.h - the data files compiled into the library: tables of
 * { name, text, len } the Makefile generates (build/gen/schemas.c,
 * profiles.c, data.c, interop.c) from formats/schemas/, formats/profiles/,
 * formats/data/ and the code lists of formats/export/, each ended by a NULL
 * name.  Not installed.
 */
#ifndef SDX_FORMATS_EMBEDDED_H
#define SDX_FORMATS_EMBEDDED_H

#include <stddef.h>

struct sdx_embedded_schema {
	const char *name;
	const char *text;
	size_t len;
};
extern const struct sdx_embedded_schema sdx_embedded_schemas[];
extern const struct sdx_embedded_schema sdx_embedded_profiles[];
extern const struct sdx_embedded_schema sdx_embedded_data[];
extern const struct sdx_embedded_schema sdx_embedded_interop[];

#endif
