/*
 * formats/schema/pattern.c - the keyword "pattern": ECMA-262 regular
 * expressions in JSON Schema, run here as POSIX ERE (regcomp/regexec) in the C
 * locale, restricted at load to the subset on which the two agree.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/schema/node.h"
#include "ledger/internal.h"

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int refuse(char *why, size_t cap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, cap, fmt, ap);
	va_end(ap);
	return SDX_EFORMAT;
}

/*
 * Patterns are ECMA-262 in JSON Schema and POSIX ERE here.  Refuse every
 * construct on which the two could disagree, so that a schema read by any
 * other validator accepts exactly the same strings.
 */
static int check_pattern(const char *p, char *why, size_t cap)
{
	size_t i, open = 0;
	int in_bracket = 0;

	for (i = 0; p[i]; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c >= 0x80)
			return refuse(why, cap, "pattern: non-ASCII characters are not "
				      "portable; list them in the schema another way");
		if (in_bracket) {
			if (c == '\\')
				return refuse(why, cap, "pattern: a backslash inside [...] is "
					      "literal in POSIX but an escape in ECMA-262");
			if (c == '[' && (p[i + 1] == ':' || p[i + 1] == '=' || p[i + 1] == '.'))
				return refuse(why, cap, "pattern: POSIX classes like [:alpha:] "
					      "are not ECMA-262");
			if (c == ']' && i > open)
				in_bracket = 0;
			continue;
		}
		if (c == '\\') {
			unsigned char e = (unsigned char)p[i + 1];
			if (e == '\0')
				return refuse(why, cap, "pattern: ends with a backslash");
			if ((e >= '0' && e <= '9') || (e >= 'a' && e <= 'z') ||
			    (e >= 'A' && e <= 'Z'))
				return refuse(why, cap, "pattern: escape '\\%c' is not "
					      "portable (write [0-9] for \\d)", e);
			i++;
			continue;
		}
		if (c == '[') {
			in_bracket = 1;
			open = i + 1;
			if (p[open] == '^')
				open++;
			if (p[open] == ']')
				return refuse(why, cap, "pattern: ']' first in a bracket is "
					      "literal in POSIX but ends an empty class in "
					      "ECMA-262");
		} else if (c == '.') {
			return refuse(why, cap, "pattern: '.' matches a newline in POSIX "
				      "but not in ECMA-262; use a bracket expression");
		} else if (c == '(' && p[i + 1] == '?') {
			return refuse(why, cap, "pattern: (?...) groups are not POSIX");
		}
	}
	if (in_bracket)
		return refuse(why, cap, "pattern: unterminated '['");
	return 0;
}

int sdx__schema_pattern_compile(regex_t **out, const char *p, locale_t cloc, char *why,
				size_t cap)
{
	char reason[200];
	regex_t *re;
	locale_t old;
	int err, rc;

	*out = NULL;
	if ((err = check_pattern(p, why, cap)) < 0)
		return err;
	if (!(re = malloc(sizeof(*re))))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	old = uselocale(cloc);
	rc = regcomp(re, p, REG_EXTENDED | REG_NOSUB);
	uselocale(old);
	if (rc != 0) {
		regerror(rc, re, reason, sizeof(reason));
		free(re);
		return refuse(why, cap, "pattern '%s': %s", p, reason);
	}
	*out = re;
	return 0;
}

/*
 * A string may hold NUL (jansson's json_stringn()), so the whole length is
 * matched, never a C-string prefix; without REG_STARTEND such a string fails.
 */
int sdx__schema_pattern_matches(const regex_t *re, const char *s, size_t bytes)
{
#ifdef REG_STARTEND
	regmatch_t m[1];

	m[0].rm_so = 0;
	m[0].rm_eo = (regoff_t)bytes;
	return regexec(re, s, 1, m, REG_STARTEND) == 0;
#else
	return strlen(s) == bytes && regexec(re, s, 0, NULL, 0) == 0;
#endif
}
