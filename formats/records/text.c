/*
 * formats/records/text.c - text hygiene for every string of every record.
 */
#include <stdio.h>
#include <string.h>

#include "formats/records/rules.h"


/*
 * Text hygiene for every string of every record: no control characters
 * (they garble terminals and logs) and no bidirectional overrides (they make
 * a name read differently from its bytes).  Multi-line text is allowed only
 * in the free-text fields.
 */
static int multiline_field(const char *key)
{
	return key && (strcmp(key, "remarks") == 0 || strcmp(key, "reason") == 0 ||
		       strcmp(key, "description") == 0);
}

static int check_text(const char *type, const char *s, const char *key, const char *path)
{
	const unsigned char *p = (const unsigned char *)s;
	const char *where = path[0] ? path : "(record)";
	const char *what = key ? "contains" : "has a field name with";
	unsigned cp = 0;

	for (; *p; p++) {
		if (*p == '\n' && multiline_field(key))
			continue;
		if (*p < 0x20 || *p == 0x7f)
			cp = *p;
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			cp = p[1];
		else if (*p == 0xe2 && p[1] == 0x80 && p[2] >= 0xaa && p[2] <= 0xae)
			cp = 0x2000u + (unsigned)(p[2] - 0x80);
		else if (*p == 0xe2 && p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9)
			cp = 0x2040u + (unsigned)(p[2] - 0x80);
		else
			continue;
		return sdx__rule_bad(type, "%s: %s %s U+%04X%s", where, what,
			   cp >= 0x2000 ? "bidirectional control" : "control character", cp,
			   cp == '\n' ? " (only remarks, reason and description may span lines)" : "");
	}
	return 0;
}

static int bytes_clean(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == 0xc2 || *p == 0xe2)
			return 0; /* maybe: check_text() decides */
	return 1;
}

/* 1 if every string and field name under `v` is surely clean; cheap, no paths. */
static int text_clean(const json_t *v)
{
	const char *k;
	json_t *x;
	size_t i;

	if (json_is_string(v))
		return bytes_clean(json_string_value(v));
	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, k, x)
			if (!bytes_clean(k) || !text_clean(x))
				return 0;
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x)
			if (!text_clean(x))
				return 0;
	}
	return 1;
}

/* The slow walk that names the field; run only when text_clean() had doubts. */
static int walk_text(const char *type, const json_t *v, const char *key, char *path,
		     size_t plen, size_t cap)
{
	const char *k;
	json_t *x;
	size_t i;
	int err;

	if (json_is_string(v))
		return check_text(type, json_string_value(v), key, path);
	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, k, x) {
			if ((err = check_text(type, k, NULL, path)) < 0)
				return err;
			snprintf(path + plen, cap - plen, "%s%s", plen ? "." : "", k);
			err = walk_text(type, x, k, path, strlen(path), cap);
			path[plen] = '\0';
			if (err < 0)
				return err;
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x) {
			snprintf(path + plen, cap - plen, "[%zu]", i);
			err = walk_text(type, x, key, path, strlen(path), cap);
			path[plen] = '\0';
			if (err < 0)
				return err;
		}
	}
	return 0;
}

/* Index of the first element of `arr` whose member `key` equals `s`, or -1. */

int sdx__rule_text(const char *type, const json_t *record)
{
	char path[512];

	path[0] = '\0';
	if (text_clean(record))
		return 0;
	return walk_text(type, record, NULL, path, 0, sizeof(path));
}
