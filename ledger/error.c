#include <stdarg.h>
#include <stdio.h>

#include "sdx/error.h"

static _Thread_local char last_msg[1024];
static _Thread_local int last_code;

const char *sdx_error_last(void)
{
	return last_msg;
}

int sdx_error_code(void)
{
	return last_code;
}

/*
 * Drop the UTF-8 sequences a byte limit cut short: a message quotes what it
 * was given with a precision ('%.40s') and is itself bounded, and either can
 * end inside a character (a Chinese name is 3 bytes a character).  A lead
 * byte without all its continuation bytes goes, with those it has; any other
 * byte stays as it is.
 */
static void drop_cut_sequences(char *msg)
{
	unsigned char *r = (unsigned char *)msg, *w = r;
	size_t need, have;

	while (*r) {
		need = *r >= 0xF0 && *r <= 0xF4 ? 4 : *r >= 0xE0 && *r <= 0xEF ? 3
		     : *r >= 0xC2 && *r <= 0xDF ? 2 : 1;
		for (have = 1; have < need && (r[have] & 0xC0) == 0x80; have++)
			;
		if (have == need)
			while (have--)
				*w++ = *r++;
		else
			r += have;
	}
	*w = '\0';
}

int sdx_error_set(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_msg, sizeof(last_msg), fmt, ap);
	va_end(ap);
	drop_cut_sequences(last_msg);
	last_code = code;
	return code;
}

void sdx_error_clear(void)
{
	last_msg[0] = '\0';
	last_code = 0;
}

const char *sdx_error_name(int code)
{
	switch (code) {
	case SDX_OK: return "OK";
	case SDX_EINVAL: return "EINVAL";
	case SDX_ENOTFOUND: return "ENOTFOUND";
	case SDX_EEXISTS: return "EEXISTS";
	case SDX_EFORMAT: return "EFORMAT";
	case SDX_EVERIFY: return "EVERIFY";
	case SDX_EUNTRUSTED: return "EUNTRUSTED";
	case SDX_EIO: return "EIO";
	case SDX_ENOMEM: return "ENOMEM";
	case SDX_ELIMIT: return "ELIMIT";
	case SDX_EPASSPHRASE: return "EPASSPHRASE";
	case SDX_ESCHEMA: return "ESCHEMA";
	case SDX_ECONFLICT: return "ECONFLICT";
	default: return "ERROR";
	}
}
