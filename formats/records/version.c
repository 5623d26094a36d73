/*
 * formats/records/version.c - which version of its type a record body is, and
 * so which schema judges it (formats/declaration.md, "Versions").
 *
 * A body without a `format` member is version 1, judged by the version 1
 * schema (formats/schemas/NAME.schema.json) for ever; version N >= 2 says
 * "format": "sdx-NAME/N" and is judged by NAME.vN.schema.json.  The versions
 * a type has are its descriptor's (type.h).
 */
#include <stdio.h>
#include <string.h>

#include "sdx/error.h"
#include "formats/records/rules.h"
#include "formats/records/type.h"

#define FORMAT_PREFIX "sdx-"

int sdx__record_newest(const struct sdx_record_type *t)
{
	return t->versions > 1 ? t->versions : 1;
}

/* "1, 2": the versions of t, for messages. */
static const char *versions_text(char *out, size_t cap, const struct sdx_record_type *t)
{
	size_t n = 0;

	out[0] = '\0';
	for (int v = 1; v <= sdx__record_newest(t) && n < cap; v++)
		n += (size_t)snprintf(out + n, cap - n, "%s%d", v > 1 ? ", " : "", v);
	return out;
}

/* The version number of "N" (no sign, no leading zero, at most 4 digits), or 0. */
static int version_number(const char *s)
{
	int v = 0;

	if (!*s || *s == '0' || strlen(s) > 4 || strspn(s, "0123456789") != strlen(s))
		return 0;
	for (; *s; s++)
		v = v * 10 + (*s - '0');
	return v;
}

int sdx__record_version(int *out, const struct sdx_record_type *t, const json_t *body)
{
	const json_t *f = json_object_get(body, "format");
	const char *s = json_string_value(f), *slash;
	const struct sdx_record_type *named;
	char shown[80], list[40];
	size_t plen = strlen(FORMAT_PREFIX);
	int v;

	*out = 1;
	if (!f)
		return 0;
	if (!s)
		return sdx__rule_bad(t->name, "format: expected a string, e.g. \"sdx-%s/%d\"", t->name,
				     sdx__record_newest(t));
	sdx__rule_shown(shown, sizeof(shown), s);
	slash = strrchr(s, '/');
	if (strncmp(s, FORMAT_PREFIX, plen) != 0 || !slash || slash == s + plen)
		return sdx__rule_bad(t->name, "format: '%s' is not a record format; expected "
				     "\"sdx-%s/%d\"", shown, t->name, sdx__record_newest(t));
	named = sdx__record_type_n(s + plen, (size_t)(slash - s) - plen);
	if (named != t)
		return named && named->has_schema
			? sdx__rule_bad(t->name, "format: '%s' is the format of a %s, not of a %s",
					shown, named->name, t->name)
			: sdx__rule_bad(t->name, "format: '%s' is not a format of a %s; expected "
					"\"sdx-%s/%d\"", shown, t->name, t->name,
					sdx__record_newest(t));
	v = version_number(slash + 1);
	if (v < 1 || v > sdx__record_newest(t))
		return sdx__rule_bad(t->name, "format: '%s' is not a version this sdx reads (%s)",
				     shown, versions_text(list, sizeof(list), t));
	if (v == 1)
		return sdx__rule_bad(t->name, "format: '%s': a version 1 record has no format "
				     "member; leave it out", shown);
	*out = v;
	return 0;
}

void sdx__record_schema_name(char *out, size_t cap, const struct sdx_record_type *t, int version)
{
	if (version <= 1)
		snprintf(out, cap, "%s", t->name);
	else
		snprintf(out, cap, "%s.v%d", t->name, version);
}

int sdx__record_writable(const struct sdx_record_type *t, int version)
{
	if (version >= t->writes)
		return 0;
	return sdx__rule_bad(t->name, "version %d records are read but no longer written: add "
			     "\"format\": \"sdx-%s/%d\" and %s", version, t->name, t->writes,
			     t->upgrade ? t->upgrade : "what that version requires");
}
