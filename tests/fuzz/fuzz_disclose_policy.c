/*
 * tests/fuzz/fuzz_disclose_policy.c - disclosure policies
 * (formats/bundle/policy.c, formats/schemas/disclose-policy.schema.json).
 *
 * The input is "POLICY\nTYPE POINTER\nTYPE POINTER...": the policy is parsed
 * (through the schema), then asked about each field.  Invariants: parsing
 * fails only with its documented codes and then gives nothing; every answer
 * is 0 or 1; no policy lets everything travel; a pointer covers itself,
 * the pattern of one token "*" covers every pointer, and a string that is
 * not a pointer covers nothing.
 */
#include <string.h>

#include "common.h"
#include "formats/bundle/internal.h"

#define MAX_LINES 32

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t head = nl ? (size_t)(nl - data) : size;
	char *rest = nl ? fuzz_strndup(nl + 1, size - head - 1) : NULL, *line, *next;
	sdx_disclose_policy *p = NULL;
	int err, n = 0;

	err = sdx_disclose_policy_parse(&p, (const char *)data, head, "fuzz");
	FUZZ_ASSERT(err == 0 || err == SDX_EFORMAT || err == SDX_ESCHEMA || err == SDX_ELIMIT);
	FUZZ_ASSERT(err == 0 ? p != NULL : p == NULL);
	for (line = rest; line && *line && n < MAX_LINES; line = next, n++) {
		char *sp, *type = line, *ptr;
		int d, a;

		if ((next = strchr(line, '\n')))
			*next++ = '\0';
		if (!(sp = strchr(line, ' ')))
			continue;
		*sp = '\0';
		ptr = sp + 1;
		d = sdx_disclose_policy_discloses(p, type, ptr);
		a = sdx_disclose_policy_sends_attachments(p, type);
		FUZZ_ASSERT(d == 0 || d == 1);
		FUZZ_ASSERT(a == 0 || a == 1);
		if (!p)
			FUZZ_ASSERT(d == 1 && a == 1);   /* no policy: everything travels */
		if (*ptr == '/') {
			FUZZ_ASSERT(sdx__disclose_pattern_covers(ptr, ptr));
			FUZZ_ASSERT(sdx__disclose_pattern_covers("/*", ptr));
		} else {
			FUZZ_ASSERT(!sdx__disclose_pattern_covers(ptr, ptr));
		}
	}
	sdx_disclose_policy_free(p);
	free(rest);
	return 0;
}
