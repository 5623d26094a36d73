/*
 * formats/bundle/archive_format.c - what both sides of the tar.gz container
 * agree on (formats/bundle/archive.h, formats/bundle/tar.h): which member
 * names are allowed, how a hostile one is shown, and the canonical encoding.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "formats/bundle/archive.h"
#include "formats/bundle/tar.h"

/* ---- names ------------------------------------------------------------- */

/*
 * Length of the UTF-8 sequence at s (at most n bytes available) and its code
 * point; 0 when the bytes are not shortest-form UTF-8 of a scalar value.
 */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t c, min;

	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2; c = s[0] & 0x1fu; min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3; c = s[0] & 0x0fu; min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4; c = s[0] & 0x07u; min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3fu);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

const char *sdx__tar_name_check(const char *name, size_t len)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t i, start, depth = 0;

	if (len == 0)
		return "empty name";
	if (len > SDX_TAR_NAME_MAX)
		return "name longer than 255 bytes";
	if (s[0] == '/')
		return "path escapes the bundle";
	for (i = 0; i < len;) {
		uint32_t cp;
		size_t n;

		if (s[i] == '\0')
			return "NUL byte in name";
		if (s[i] < 0x20 || s[i] == 0x7f)
			return "control character in name";
		if (s[i] == '\\')
			return "backslash in name";
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = utf8_decode(s + i, len - i, &cp)) == 0)
			return "name is not valid UTF-8";
		/* C1 controls are as dangerous on a terminal as C0 ones. */
		if (cp >= 0x80 && cp <= 0x9f)
			return "control character in name";
		i += n;
	}
	for (start = 0, i = 0; i <= len; i++) {
		if (i < len && s[i] != '/')
			continue;
		if (i == start)
			return "empty path component";
		if (i - start == 1 && s[start] == '.')
			return "'.' path component";
		if (i - start == 2 && s[start] == '.' && s[start + 1] == '.')
			return "path escapes the bundle";
		if (++depth > SDX_TAR_NAME_DEPTH)
			return "more than 8 path components";
		start = i + 1;
	}
	return NULL;
}

void sdx__tar_name_shown(char *out, size_t cap, const char *name)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)name;
	size_t o = 0, i;

	for (i = 0; s[i] && i < SDX_TAR_SHOWN_MAX && o + 5 < cap; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\'' && s[i] != '\\') {
			out[o++] = (char)s[i];
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[s[i] >> 4];
			out[o++] = hex[s[i] & 15];
		}
	}
	if (s[i] && o + 4 <= cap) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

int sdx__tar_canonical_setup(struct archive *a, int gzip)
{
	if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    (gzip && (archive_write_add_filter_gzip(a) != ARCHIVE_OK ||
		      archive_write_set_filter_option(a, "gzip", "compression-level", "6") != ARCHIVE_OK ||
		      archive_write_set_filter_option(a, "gzip", "timestamp", NULL) != ARCHIVE_OK)) ||
	    archive_write_set_bytes_per_block(a, 10240) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK)
		return ARCHIVE_FATAL;
	return ARCHIVE_OK;
}

/* A member header with everything that could vary between machines or runs fixed. */
struct archive_entry *sdx__tar_canonical_entry(const char *name, uint64_t size)
{
	struct archive_entry *e = archive_entry_new();

	if (!e)
		return NULL;
	archive_entry_copy_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)size);
	archive_entry_set_mtime(e, 0, 0);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	return e;
}

