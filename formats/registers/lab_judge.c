/*
 * formats/registers/lab_judge.c - was a report's lab accredited for what it
 * tested on the day it issued the report?  Matching numbers, standards and
 * test items, and the verdict with its reason (formats/lab-register.md).
 */
#include <stdio.h>
#include <string.h>

#include "sdx/error.h"
#include "formats/registers/lab.h"
#include "formats/schema/schema.h"
#include "formats/text/text.h"

static int space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The next character of s as compared: upper case, a run of white space as one
 * space, none at either end; 0 at the end. */
static int next_char(const char **s, int *started)
{
	const char *p = *s;
	int c;

	if (space(*p)) {
		while (space(*p))
			p++;
		if (*p && *started) {
			*s = p;
			return ' ';
		}
	}
	if (!*p) {
		*s = p;
		return 0;
	}
	*started = 1;
	*s = p + 1;
	c = (unsigned char)*p;
	return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

int sdx__lab_same(const char *a, const char *b)
{
	int sa = 0, sb = 0, ca, cb;

	do {
		ca = next_char(&a, &sa);
		cb = next_char(&b, &sb);
	} while (ca == cb && ca);
	return ca == cb;
}

/* s as compared, into out; 0, or -1 (out "") if it does not fit. */
static int normalise(char *out, size_t cap, const char *s)
{
	size_t n = 0;
	int started = 0, c;

	while ((c = next_char(&s, &started)) != 0) {
		if (n + 1 >= cap) {
			out[0] = '\0';
			return -1;
		}
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return 0;
}

void sdx__lab_key(char out[LAB_KEY_MAX], const char *body, const char *number)
{
	char b[LAB_KEY_MAX], n[LAB_KEY_MAX];
	size_t bl;

	if (normalise(n, sizeof(n), number) < 0 || !body || normalise(b, sizeof(b), body) < 0 ||
	    !*b) {
		memcpy(out, n, strlen(n) + 1);
		return;
	}
	bl = strlen(b);
	if (strncmp(n, b, bl) == 0 && n[bl] == ' ')
		memcpy(out, n, strlen(n) + 1);
	else if ((size_t)snprintf(out, LAB_KEY_MAX, "%s %s", b, n) >= LAB_KEY_MAX)
		out[0] = '\0';
}

/*
 * A standard's designation and version: "EN 71-3:2019" is ("EN 71-3",
 * "2019"), "GB 31701-2026" is ("GB 31701", "2026"), "ASTM F963-23" is
 * ("ASTM F963", "23"); anything else is a designation without a version.
 */
static void split_standard(const char *s, char *des, size_t dcap, char *ver, size_t vcap)
{
	const char *colon = strchr(s, ':'), *dash = strrchr(s, '-'), *cut = NULL;
	size_t digits = dash ? strspn(dash + 1, "0123456789") : 0;

	if (colon)
		cut = colon;
	else if (dash && !dash[1 + digits] &&
		 (digits == 4 || (digits == 2 && strncmp(s, "ASTM ", 5) == 0)))
		cut = dash;
	sdx__text_put(des, dcap, "%.*s", (int)(cut ? (size_t)(cut - s) : strlen(s)), s);
	sdx__text_put(ver, vcap, "%s", cut ? cut + 1 : "");
}

/* A scope entry covers a reported standard: the same designation, and the same
 * version unless the scope entry names none. */
static int covers_standard(const char *scope, const char *reported)
{
	char sd[256], sv[128], rd[256], rv[128];

	split_standard(scope, sd, sizeof(sd), sv, sizeof(sv));
	split_standard(reported, rd, sizeof(rd), rv, sizeof(rv));
	return sdx__lab_same(sd, rd) && (!*sv || sdx__lab_same(sv, rv));
}

/* "register 'NAME' version N (sha256 1a2b3c4d)", or "(file, sha256 ...)". */
static void add_register(struct text *t, const sdx_lab_entry *e)
{
	if (e->register_version)
		sdx__text_add(t, "register '%s' version %llu (sha256 %.8s)", e->register_name,
		    (unsigned long long)e->register_version, e->register_sha256);
	else
		sdx__text_add(t, "register '%s' (file, sha256 %.8s)", e->register_name, e->register_sha256);
}

/* What of the reported standards and items the entry's scope does not cover. */
static size_t out_of_scope(struct text *t, const sdx_lab_entry *e,
			   const char *const *standards, size_t ns, const char *const *items,
			   size_t ni)
{
	char d[256], v[128], sd[256], sv[128];
	size_t i, k, missing = 0, shown = 0;

	for (i = 0; i < ns + ni; i++) {
		const char *want = i < ns ? standards[i] : items[i - ns];
		int found = 0, similar = 0;
		if (i < ns) {
			for (k = 0; k < e->n_scope_standards && !found; k++)
				found = covers_standard(e->scope_standards[k], want);
		} else {
			for (k = 0; k < e->n_scope_items && !found; k++)
				found = sdx__lab_same(e->scope_items[k], want);
		}
		if (found)
			continue;
		if (++missing > 6)
			continue;
		sdx__text_add(t, "%s%s %s", shown++ ? ", " : "", i < ns ? "standard" : "test item", want);
		/* a standard in scope in another version: name the version accredited */
		split_standard(want, d, sizeof(d), v, sizeof(v));
		for (k = 0; i < ns && k < e->n_scope_standards; k++) {
			split_standard(e->scope_standards[k], sd, sizeof(sd), sv, sizeof(sv));
			if (sdx__lab_same(sd, d))
				sdx__text_add(t, "%s%s", similar++ ? ", " : " (accredited for ",
				    e->scope_standards[k]);
		}
		if (similar)
			sdx__text_add(t, ")");
	}
	if (missing > 6)
		sdx__text_add(t, " and %zu more", missing - 6);
	return missing;
}

/* The verdict of one entry at `date`, its reason into t. */
static int judge_entry(struct text *t, const sdx_lab_entry *e, const char *date,
		       const char *const *standards, size_t ns, const char *const *items,
		       size_t ni)
{
	int withdrawn = strcmp(e->status, "withdrawn") == 0;
	char list[700];
	struct text scope = { list, sizeof(list), 0 };
	int v;

	sdx__text_add(t, "accreditation %s (%s) ", e->number, e->lab_name);
	if (strcmp(e->status, "active") != 0 && (!e->suspended_from ||
						 strcmp(date, e->suspended_from) >= 0)) {
		v = withdrawn ? SDX_LAB_WITHDRAWN : SDX_LAB_SUSPENDED;
		if (e->suspended_from)
			sdx__text_add(t, "was %s from %s, on or before the report date %s", e->status,
			    e->suspended_from, date);
		else
			sdx__text_add(t, "is %s (the register gives no date), so not valid for the report "
			    "date %s", e->status, date);
	} else if (strcmp(date, e->valid_from) < 0) {
		v = SDX_LAB_NOT_YET_VALID;
		sdx__text_add(t, "is valid only from %s, after the report date %s (valid %s to %s)",
		    e->valid_from, date, e->valid_from, e->valid_until);
	} else if (strcmp(date, e->valid_until) > 0) {
		v = SDX_LAB_EXPIRED;
		sdx__text_add(t, "expired on %s, before the report date %s (valid %s to %s)", e->valid_until,
		    date, e->valid_from, e->valid_until);
	} else {
		list[0] = '\0';
		if (out_of_scope(&scope, e, standards, ns, items, ni)) {
			v = SDX_LAB_OUT_OF_SCOPE;
			sdx__text_add(t, "was valid on the report date %s but its scope does not cover %s",
			    date, list);
		} else {
			v = SDX_LAB_OK;
			sdx__text_add(t, "was %s and valid on the report date %s (%s to %s) ", e->status,
			    date, e->valid_from, e->valid_until);
			if (ns + ni == 0) {
				sdx__text_add(t, "(the report names no standard or test item to check "
				    "against its scope)");
			} else {
				sdx__text_add(t, "and its scope covers the ");
				if (ns)
					sdx__text_add(t, "%zu standard%s", ns, ns == 1 ? "" : "s");
				if (ns && ni)
					sdx__text_add(t, " and ");
				if (ni)
					sdx__text_add(t, "%zu test item%s", ni, ni == 1 ? "" : "s");
				sdx__text_add(t, " reported");
			}
		}
	}
	sdx__text_add(t, ", per lab ");
	add_register(t, e);
	return v;
}

/* How bad a verdict of a listed accreditation is, to keep the worst. */
static int rank(int v)
{
	static const int order[] = { [SDX_LAB_OK] = 0, [SDX_LAB_OUT_OF_SCOPE] = 1,
				     [SDX_LAB_NOT_YET_VALID] = 2, [SDX_LAB_EXPIRED] = 3,
				     [SDX_LAB_SUSPENDED] = 4, [SDX_LAB_WITHDRAWN] = 5 };
	return order[v];
}

/* 1 if entry i is what body (may be NULL) and number name. */
static int matches(const sdx_lab_register *r, size_t i, const char *body, const char *key)
{
	char own[LAB_KEY_MAX];

	if (!*key)
		return 0;
	if (body)
		return sdx__lab_same(r->e[i].body, body) && strcmp(r->key[i], key) == 0;
	normalise(own, sizeof(own), r->e[i].number);
	return strcmp(r->key[i], key) == 0 || strcmp(own, key) == 0;
}

size_t sdx_lab_register_find(const sdx_lab_register *r, size_t from, const char *body,
			     const char *number)
{
	char key[LAB_KEY_MAX];

	if (!r || !number)
		return r ? r->n : 0;
	if (body)
		sdx__lab_key(key, body, number);
	else
		normalise(key, sizeof(key), number);
	for (; from < r->n; from++)
		if (matches(r, from, body, key))
			return from;
	return r->n;
}

/* Not listed: which registers were asked, and a body the number is listed under. */
static void not_listed(struct text *t, const sdx_lab_register *r, const char *body,
		       const char *number)
{
	size_t i, other = sdx_lab_register_find(r, 0, NULL, number);

	char key[LAB_KEY_MAX], plain[LAB_KEY_MAX];

	/* "CNAS L4321", also when the report wrote "L4321" under body CNAS */
	sdx__lab_key(key, body, number);
	normalise(plain, sizeof(plain), number);
	sdx__text_add(t, "accreditation %s%s%s ", body && strcmp(key, plain) ? body : "",
	    body && strcmp(key, plain) ? " " : "", number);
	if (r->nsrc == 0) {
		sdx__text_add(t, "cannot be checked: no lab register is held");
		return;
	}
	sdx__text_add(t, "is not in lab %s", r->nsrc == 1 ? "" : "registers ");
	for (i = 0; i < r->nsrc; i++) {
		if (i)
			sdx__text_add(t, ", ");
		if (r->src[i]->version)
			sdx__text_add(t, "%s'%s' version %llu (sha256 %.8s)", r->nsrc == 1 ? "register " : "",
			    r->src[i]->name, (unsigned long long)r->src[i]->version,
			    r->src[i]->sha256);
		else
			sdx__text_add(t, "%s'%s' (file, sha256 %.8s)", r->nsrc == 1 ? "register " : "",
			    r->src[i]->name, r->src[i]->sha256);
	}
	if (body && other < r->n)
		sdx__text_add(t, "; %s is listed under body %s, not %s", r->e[other].number,
		    r->e[other].body, body);
}

int sdx_lab_register_judge(char *why, size_t cap, const sdx_lab_register *r,
			   const char *body, const char *number, const char *report_date,
			   const char *const *standards, size_t nstandards,
			   const char *const *items, size_t nitems)
{
	struct text t = { why, why ? cap : 0, 0 }, one;
	char best[1024];
	size_t i, found = 0;
	int worst = -1, v;

	if (t.cap)
		why[0] = '\0';
	if (!r || !number || !*number)
		return sdx_error_set(SDX_EINVAL, "judging a lab: no register or no accreditation "
				     "number given");
	if (!report_date || !sdx__is_date(report_date))
		return sdx_error_set(SDX_EINVAL, "judging lab %s: the report date '%s' is not a "
				     "date YYYY-MM-DD", number, report_date ? report_date : "");
	if ((nstandards && !standards) || (nitems && !items))
		return sdx_error_set(SDX_EINVAL, "judging lab %s: standards or items missing",
				     number);
	if (body && !*body)
		body = NULL;
	for (i = sdx_lab_register_find(r, 0, body, number); i < r->n;
	     i = sdx_lab_register_find(r, i + 1, body, number)) {
		one.p = best;
		one.cap = sizeof(best);
		one.len = 0;
		best[0] = '\0';
		v = judge_entry(&one, &r->e[i], report_date, standards, nstandards, items, nitems);
		found++;
		if (worst < 0 || rank(v) > rank(worst)) {
			worst = v;
			t.len = 0;
			if (t.cap)
				why[0] = '\0';
			sdx__text_add(&t, "%s", best);
		}
	}
	if (!found) {
		not_listed(&t, r, body, number);
		return SDX_LAB_NOT_LISTED;
	}
	return worst;
}

const char *sdx_lab_verdict_name(int verdict)
{
	static const char *const names[] = { "ok", "not_listed", "suspended", "withdrawn",
					     "expired", "not_yet_valid", "out_of_scope" };

	return verdict >= 0 && verdict <= SDX_LAB_OUT_OF_SCOPE ? names[verdict] : "?";
}
