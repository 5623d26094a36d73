/*
 * formats/records/rules.c - the helpers of the rules beyond the schemas:
 * messages that name the field, check digits (CAS, GLN, LEI), units and
 * rounding, repeated ids.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdx/error.h"
#include "formats/records/internal.h"
#include "formats/records/rules.h"

int sdx__rule_bad(const char *type, const char *fmt, ...)
{
	char msg[800];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return sdx_error_set(SDX_ESCHEMA, "%s: %s", type, msg);
}

const char *sdx__rule_str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

const char *sdx__rule_shown(char *buf, size_t cap, const char *s)
{
	size_t o = 0;

	for (; s && *s && o + 5 < cap; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f || c == '\'') {
			o += (size_t)snprintf(buf + o, cap - o, "\\x%02x", c);
			continue;
		}
		if (c >= 0xc0 && o + 8 >= cap)
			break; /* never cut a UTF-8 sequence */
		buf[o++] = (char)c;
	}
	if (s && *s) {
		while (o > 0 && ((unsigned char)buf[o - 1] & 0xc0) == 0x80)
			o--;
		if (o > 0 && (unsigned char)buf[o - 1] >= 0xc0)
			o--;
		if (o + 4 <= cap) {
			memcpy(buf + o, "...", 3);
			o += 3;
		}
	}
	buf[o] = '\0';
	return buf;
}

int sdx__rule_cmp(double a, double b)
{
	double d = a - b, m = (a < 0 ? -a : a) > (b < 0 ? -b : b) ? (a < 0 ? -a : a)
								   : (b < 0 ? -b : b);

	if ((d < 0 ? -d : d) <= 1e-9 * m)
		return 0;
	return d < 0 ? -1 : 1;
}

int sdx__rule_within(double v, double limit, const char *comparison)
{
	int c = sdx__rule_cmp(v, limit);

	return strcmp(comparison, "<") == 0 ? c < 0 : c <= 0;
}

/* Mass fractions in mg/kg; 0 for a unit that is not a mass fraction. */
double sdx__mass_fraction_factor(const char *unit)
{
	if (strcmp(unit, "%") == 0)
		return 10000.0;
	if (strcmp(unit, "mg/kg") == 0 || strcmp(unit, "ppm") == 0)
		return 1.0;
	if (strcmp(unit, "ug/kg") == 0)
		return 0.001;
	return 0.0;
}

double sdx__rule_unit_factor(const char *from, const char *to)
{
	double f = sdx__mass_fraction_factor(from), t = sdx__mass_fraction_factor(to);

	if (f > 0 && t > 0)
		return f / t;
	return strcmp(from, to) == 0 ? 1.0 : 0.0;
}

/* CAS Registry Number check digit (the pattern has already been checked). */
static int cas_ok(const char *cas, int *want)
{
	size_t len = strlen(cas), i;
	int sum = 0, weight = 1, check = cas[len - 1] - '0';

	for (i = len - 1; i-- > 0;) {
		if (cas[i] == '-')
			continue;
		sum += (cas[i] - '0') * weight++;
	}
	*want = sum % 10;
	return *want == check;
}

/* GS1 mod-10 check digit of a 13-digit GLN. */
static int gln_ok(const char *v)
{
	int sum = 0;

	for (int i = 0; i < 12; i++)
		sum += (v[i] - '0') * (i % 2 ? 3 : 1);
	return (10 - sum % 10) % 10 == v[12] - '0';
}

/* ISO 17442 LEI: ISO 7064 MOD 97-10 over the 20 characters. */
static int lei_ok(const char *v)
{
	unsigned rem = 0;

	for (int i = 0; i < 20; i++) {
		unsigned d = v[i] >= 'A' ? (unsigned)(v[i] - 'A' + 10) : (unsigned)(v[i] - '0');
		rem = d >= 10 ? (rem * 100 + d) % 97 : (rem * 10 + d) % 97;
	}
	return rem == 1;
}

int sdx__rule_cas(const char *type, const json_t *v, const char *path)
{
	const char *cas = json_string_value(v);
	char b[80];
	int want;

	if (cas && !cas_ok(cas, &want))
		return sdx__rule_bad(type, "%s: '%s' is not a CAS number (the check digit would be %d)", path,
			   sdx__rule_shown(b, sizeof(b), cas), want);
	return 0;
}
long sdx__rule_find(const json_t *arr, const char *key, const char *s)
{
	size_t i;
	json_t *x;

	json_array_foreach(arr, i, x) {
		const char *v = key ? sdx__rule_str(x, key) : json_string_value(x);
		if (v && strcmp(v, s) == 0)
			return (long)i;
	}
	return -1;
}

struct keyed {
	const char *s;
	size_t i;
};

static int keyed_cmp(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int c = strcmp(x->s, y->s);

	if (c)
		return c;
	return x->i < y->i ? -1 : x->i > y->i;
}

/*
 * Find a repeated `key` among the objects of `arr` in O(n log n).  Reports the
 * repeat with the smallest index, and the index of its first occurrence.
 */
int sdx__rule_repeat(const json_t *arr, const char *key, size_t *first, size_t *again)
{
	size_t n = json_array_size(arr), i, e, m = 0;
	struct keyed *t;
	int found = 0;

	if (n < 2)
		return 0;
	if (!(t = malloc(n * sizeof(*t))))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		const char *s = sdx__rule_str(json_array_get(arr, i), key);
		if (s) {
			t[m].s = s;
			t[m].i = i;
			m++;
		}
	}
	qsort(t, m, sizeof(*t), keyed_cmp);
	/* Sorted by (string, index): a group's first two are its first repeat. */
	for (i = 0; i < m; i = e) {
		for (e = i + 1; e < m && strcmp(t[e].s, t[i].s) == 0; e++)
			;
		if (e - i > 1 && (!found || t[i + 1].i < *again)) {
			*first = t[i].i;
			*again = t[i + 1].i;
			found = 1;
		}
	}
	free(t);
	return found;
}

int sdx__rule_unique(const char *type, const json_t *arr, const char *key, const char *what)
{
	size_t a = 0, b = 0;
	char s[80];
	int r = sdx__rule_repeat(arr, key, &a, &b);

	if (r < 0)
		return r;
	if (r)
		return sdx__rule_bad(type, "%s[%zu].%s: '%s' is already used by %s[%zu]", what, b, key,
			   sdx__rule_shown(s, sizeof(s), sdx__rule_str(json_array_get(arr, b), key)), what, a);
	return 0;
}

int sdx__rule_party(const char *type, const json_t *party, const char *path)
{
	char s[80];
	size_t i;
	json_t *x;

	json_array_foreach(json_object_get(party, "identifiers"), i, x) {
		const char *scheme = sdx__rule_str(x, "scheme"), *v = sdx__rule_str(x, "id");
		if ((strcmp(scheme, "GLN") == 0 && !gln_ok(v)) ||
		    (strcmp(scheme, "LEI") == 0 && !lei_ok(v)))
			return sdx__rule_bad(type, "%s.identifiers[%zu].id: '%s' fails the %s check digits",
				   path, i, sdx__rule_shown(s, sizeof(s), v), scheme);
	}
	return 0;
}

/* The standard a clause is of: its own, or the report's only one; "" if neither. */
static const char *clause_standard(const json_t *clause, const json_t *standards)
{
	const char *s = sdx__rule_str(clause, "standard");

	if (s)
		return s;
	if (json_array_size(standards) == 1)
		return json_string_value(json_array_get(standards, 0));
	return "";
}

int sdx__rule_report(const char *type, const json_t *report, const char *path)
{
	const json_t *standards = json_object_get(report, "standards");
	const json_t *clauses = json_object_get(report, "clauses");
	char s[80];
	size_t i, j;
	json_t *c, *d;

	json_array_foreach(clauses, i, c) {
		const char *std = sdx__rule_str(c, "standard"), *num = sdx__rule_str(c, "clause");
		if (std && sdx__rule_find(standards, NULL, std) < 0)
			return sdx__rule_bad(type, "%s.clauses[%zu].standard: '%s' is not one of the "
					     "report's standards", path, i,
					     sdx__rule_shown(s, sizeof(s), std));
		/* a report against two standards may cover clause 4.8 of each */
		for (j = 0; j < i; j++) {
			d = json_array_get(clauses, j);
			if (strcmp(sdx__rule_str(d, "clause"), num) == 0 &&
			    strcmp(clause_standard(d, standards), clause_standard(c, standards)) == 0)
				return sdx__rule_bad(type, "%s.clauses[%zu].clause: '%s' is already "
						     "listed as clauses[%zu]", path, i,
						     sdx__rule_shown(s, sizeof(s), num), j);
		}
	}
	return 0;
}
