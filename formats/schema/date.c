/*
 * formats/schema/date.c - the formats "date" (RFC 3339 full-date) and
 * "date-time" (RFC 3339 date-time, upper-case T and Z only), proleptic
 * Gregorian, leap seconds at 23:59:60 UTC only.
 */
#include <string.h>

#include "formats/schema/schema.h"

static int digits(const char *s, size_t n, int *out)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 1;
}

static int date_prefix(const char *s)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d, dim;

	if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &m) || s[7] != '-' ||
	    !digits(s + 8, 2, &d))
		return 0;
	if (m < 1 || m > 12 || d < 1)
		return 0;
	dim = mdays[m - 1];
	if (m == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		dim = 29;
	return d <= dim;
}

int sdx__is_date(const char *s)
{
	return strlen(s) == 10 && date_prefix(s);
}

int sdx__is_date_time(const char *s)
{
	int h, mi, se, oh = 0, om = 0, offset = 0;
	size_t i;

	if (strlen(s) < 20 || !date_prefix(s) || s[10] != 'T' ||
	    !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) ||
	    s[16] != ':' || !digits(s + 17, 2, &se))
		return 0;
	if (h > 23 || mi > 59 || se > 60)
		return 0;
	i = 19;
	if (s[i] == '.') {
		size_t start = ++i;
		while (s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == start)
			return 0;
	}
	if (s[i] == 'Z') {
		if (s[i + 1] != '\0')
			return 0;
	} else if ((s[i] == '+' || s[i] == '-') && digits(s + i + 1, 2, &oh) &&
		   s[i + 3] == ':' && digits(s + i + 4, 2, &om) && s[i + 6] == '\0') {
		if (oh > 23 || om > 59)
			return 0;
		offset = (s[i] == '+' ? 1 : -1) * (oh * 60 + om);
	} else {
		return 0;
	}
	/* A leap second is the last second of a UTC day: 23:59:60Z, whatever the offset. */
	return se != 60 || ((h * 60 + mi - offset) % 1440 + 1440) % 1440 == 23 * 60 + 59;
}
