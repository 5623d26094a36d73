/*
 * formats/registers/list.c - substance lists (sdx/list.h, formats/lists.md):
 * read from CSV into the canonical document
 *   {"date": D, "format": "sdx-substance-list/1",
 *    "substances": [{"added", "cas": [...], "ec", "name", "reason"}, ...]}
 * (entries sorted by name, then first CAS number; members without a value
 * left out), stored in and read from the ledger's registers (kind "list").
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sdx/error.h"
#include "sdx/list.h"
#include "formats/csv/csv.h"
#include "formats/registers/list.h"
#include "formats/schema/schema.h"
#include "ledger/internal.h"
#include "formats/text/text.h"

#define LIST_FORMAT "sdx-substance-list/1"

struct sdx_substance_list {
	json_t *doc;
	char *json;          /* canonical text (read from a file) */
	size_t json_len;
	unsigned char sha[32];
	char name[SDX_REGISTER_NAME_MAX + 1];
	uint64_t version;
	sdx_listed_substance *e;
	const char **cas;    /* every entry's CAS numbers, end to end */
	size_t n;
};

static int oom(void)
{
	return sdx_error_set(SDX_ENOMEM, "out of memory");
}

/* The columns, by the names sdx and ECHA's candidate list give them. */
enum { COL_NAME, COL_CAS, COL_EC, COL_ADDED, COL_REASON, NCOLS };
static const char *const col_names[NCOLS][4] = {
	{ "name", "substance name", "substance", NULL },
	{ "cas", "cas no.", "cas number", "cas_number" },
	{ "ec", "ec no.", "ec number", "ec_number" },
	{ "added", "date of inclusion", "date_added", NULL },
	{ "reason", "reason for inclusion", NULL, NULL },
};

static long find_column(const struct sdx__csv *c, int which)
{
	size_t i, k;

	for (i = 0; i < sdx__csv_columns(c); i++)
		for (k = 0; k < 4 && col_names[which][k]; k++)
			if (strcasecmp(sdx__csv_column_name(c, i), col_names[which][k]) == 0)
				return (long)i;
	return -1;
}

/* A CAS number "NNNNNNN-NN-R" whose check digit R is right; 0, or the expected digit + 1. */
static int cas_check(const char *s, size_t len)
{
	size_t i, digits = 0, dashes = 0, part = 0;
	unsigned sum = 0, weight = 1;

	if (len < 7 || len > 12 || s[len - 2] != '-' || !isdigit((unsigned char)s[len - 1]))
		return -1;
	for (i = len - 2; i-- > 0;) {
		if (s[i] == '-') {
			if (part == 0 || ++dashes > 1 || part != 2)
				return -1;
			part = 0;
			continue;
		}
		if (!isdigit((unsigned char)s[i]))
			return -1;
		sum += (unsigned)(s[i] - '0') * weight++;
		digits++;
		part++;
	}
	if (dashes != 1 || part < 2 || part > 7)
		return -1;
	return (int)(sum % 10) == s[len - 1] - '0' ? 0 : (int)(sum % 10) + 1;
}

/* The CAS numbers of one field, into arr; 0 or the error naming the cell. */
static int cas_numbers(json_t *arr, const struct sdx__csv *c, long col, const char *field)
{
	const char *p = field;

	while (*p) {
		size_t n;
		int r;
		while (*p == ',' || *p == ';' || *p == ' ')
			p++;
		n = strcspn(p, ",; ");
		if (!n)
			break;
		if (!(n == 1 && *p == '-')) {
			if ((r = cas_check(p, n)) != 0)
				return r < 0 ? sdx__csv_error(c, col, SDX_EFORMAT, "'%.*s' is not a CAS "
							      "number (digits-NN-R)", (int)n, p)
					     : sdx__csv_error(c, col, SDX_EFORMAT, "'%.*s' is not a CAS "
							      "number (check digit %d expected)",
							      (int)n, p, r - 1);
			if (json_array_size(arr) == SDX_LIST_CAS_MAX)
				return sdx__csv_error(c, col, SDX_ELIMIT, "more than %d CAS numbers",
						      SDX_LIST_CAS_MAX);
			json_array_append_new(arr, json_stringn(p, n));
		}
		p += n;
	}
	return 0;
}

static int by_name(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int c = strcmp(json_string_value(json_object_get(x, "name")),
		       json_string_value(json_object_get(y, "name")));
	const char *cx = json_string_value(json_array_get(json_object_get(x, "cas"), 0));
	const char *cy = json_string_value(json_array_get(json_object_get(y, "cas"), 0));

	return c ? c : strcmp(cx ? cx : "", cy ? cy : "");
}

/* Sort the substances of doc in place. */
static int sort_substances(json_t *doc)
{
	json_t *subs = json_object_get(doc, "substances"), **v, *sorted;
	size_t n = json_array_size(subs), i;

	if (!(v = malloc((n ? n : 1) * sizeof(*v))))
		return oom();
	for (i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(subs, i));
	qsort(v, n, sizeof(*v), by_name);
	sorted = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(sorted, v[i]);
	free(v);
	json_object_set_new(doc, "substances", sorted);
	return 0;
}

static int read_rows(json_t *subs, struct sdx__csv *c, const long col[NCOLS], char *latest)
{
	int rc;

	while ((rc = sdx__csv_next(c)) == 1) {
		json_t *e = json_object(), *cas = json_array();
		const char *v;
		int k, err;
		json_array_append_new(subs, e);
		json_object_set_new(e, "cas", cas);
		if (json_array_size(subs) > SDX_LIST_MAX_SUBSTANCES)
			return sdx__csv_error(c, -1, SDX_ELIMIT, "more than %d substances",
					      SDX_LIST_MAX_SUBSTANCES);
		if (!*(v = sdx__csv_field(c, (size_t)col[COL_NAME], NULL)))
			return sdx__csv_error(c, col[COL_NAME], SDX_EFORMAT, "a substance needs a name");
		json_object_set_new(e, "name", json_string(v));
		if ((err = cas_numbers(cas, c, col[COL_CAS],
				       sdx__csv_field(c, (size_t)col[COL_CAS], NULL))) < 0)
			return err;
		for (k = COL_EC; k < NCOLS; k++) {
			static const char *const member[NCOLS] = { NULL, NULL, "ec", "added", "reason" };
			if (col[k] < 0 || !*(v = sdx__csv_field(c, (size_t)col[k], NULL)) ||
			    strcmp(v, "-") == 0)
				continue;
			if (k == COL_ADDED && !sdx__is_date(v))
				return sdx__csv_error(c, col[k], SDX_EFORMAT, "'%s': expected a date "
						      "YYYY-MM-DD", v);
			if (k == COL_ADDED && strcmp(v, latest) > 0)
				memcpy(latest, v, 11);
			json_object_set_new(e, member[k], json_string(v));
		}
	}
	return rc;
}

static int index_entries(sdx_substance_list *s)
{
	const json_t *subs = json_object_get(s->doc, "substances"), *x, *c;
	size_t i, k, ncas = 0, at = 0;

	s->n = json_array_size(subs);
	json_array_foreach(subs, i, x)
		ncas += json_array_size(json_object_get(x, "cas"));
	if (!(s->e = calloc(s->n + 1, sizeof(*s->e))) || !(s->cas = calloc(ncas + 1, sizeof(char *))))
		return oom();
	json_array_foreach(subs, i, x) {
		sdx_listed_substance *e = &s->e[i];
		e->name = json_string_value(json_object_get(x, "name"));
		e->ec = json_string_value(json_object_get(x, "ec"));
		e->added = json_string_value(json_object_get(x, "added"));
		e->reason = json_string_value(json_object_get(x, "reason"));
		e->cas = &s->cas[at];
		json_array_foreach(json_object_get(x, "cas"), k, c)
			s->cas[at++] = json_string_value(c);
		e->ncas = json_array_size(json_object_get(x, "cas"));
	}
	return 0;
}

int sdx_list_read(sdx_substance_list **out, const char *path, const char *date)
{
	sdx_substance_list *s;
	struct sdx__csv *c = NULL;
	char latest[11] = "";
	long col[NCOLS];
	int k, err;

	*out = NULL;
	if (date && !sdx__is_date(date))
		return sdx_error_set(SDX_EINVAL, "list date '%s': expected YYYY-MM-DD", date);
	if ((err = sdx__csv_open(&c, path, NULL)) < 0)
		return err;
	for (k = 0; k < NCOLS; k++)
		col[k] = find_column(c, k);
	if (col[COL_NAME] < 0 || col[COL_CAS] < 0) {
		sdx__csv_free(c);
		return sdx_error_set(SDX_EFORMAT, "'%s': line 1: a substance list needs the columns "
				     "'%s' and '%s' (or ECHA's 'Substance name' and 'CAS No.')", path,
				     "name", "cas");
	}
	if (!(s = calloc(1, sizeof(*s)))) {
		sdx__csv_free(c);
		return oom();
	}
	s->doc = json_pack("{s:s, s:[]}", "format", LIST_FORMAT, "substances");
	if ((err = read_rows(json_object_get(s->doc, "substances"), c, col, latest)) < 0)
		goto fail;
	sdx__csv_sha256(c, s->sha);
	if (!date && !*latest) {
		err = sdx_error_set(SDX_EINVAL, "'%s': no date of inclusion in the list: give the "
				    "list's date (--date YYYY-MM-DD)", path);
		goto fail;
	}
	json_object_set_new(s->doc, "date", json_string(date ? date : latest));
	if ((err = sort_substances(s->doc)) < 0 ||
	    (err = sdx__json_dump(&s->json, &s->json_len, s->doc)) < 0 ||
	    (err = index_entries(s)) < 0)
		goto fail;
	sdx__csv_free(c);
	*out = s;
	return 0;
fail:
	sdx__csv_free(c);
	sdx_list_free(s);
	return err;
}

int sdx_list_store(sdx_register_info *out, sdx_ledger *l, const sdx_substance_list *s,
		   const char *name)
{
	if (!s || !s->json)
		return sdx_error_set(SDX_EINVAL, "only a list read from a file can be stored");
	return sdx_ledger_register_put(out, l, SDX_LIST_REGISTER_KIND, name, s->sha, s->json,
				       s->json_len);
}

int sdx_list_from_ledger(sdx_substance_list **out, sdx_ledger *l, const char *name,
			 uint64_t version)
{
	sdx_substance_list *s;
	sdx_register_info info;
	json_error_t jerr;
	char *body = NULL;
	size_t len = 0;
	int err;

	*out = NULL;
	if ((err = sdx_ledger_register_get(&body, &len, &info, l, SDX_LIST_REGISTER_KIND, name,
					   version)) < 0)
		return err;
	if (!(s = calloc(1, sizeof(*s)))) {
		free(body);
		return oom();
	}
	s->doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	free(body);
	if (!s->doc || strcmp(json_string_value(json_object_get(s->doc, "format")) ?
			      json_string_value(json_object_get(s->doc, "format")) : "",
			      LIST_FORMAT) != 0 ||
	    !json_is_array(json_object_get(s->doc, "substances")) ||
	    !sdx__is_date(json_string_value(json_object_get(s->doc, "date")) ?
			  json_string_value(json_object_get(s->doc, "date")) : "")) {
		sdx_list_free(s);
		return sdx_error_set(SDX_EFORMAT, "'%s': list '%s' version %" PRIu64 " is not a "
				     "substance list (%s)", sdx_ledger_path(l), name, info.version,
				     LIST_FORMAT);
	}
	sdx__text_put(s->name, sizeof(s->name), "%s", name);
	s->version = info.version;
	memcpy(s->sha, info.source_sha256, 32);
	if ((err = index_entries(s)) < 0) {
		sdx_list_free(s);
		return err;
	}
	*out = s;
	return 0;
}

const char *sdx_list_name(const sdx_substance_list *s)
{
	return s ? s->name : "";
}

uint64_t sdx_list_version(const sdx_substance_list *s)
{
	return s ? s->version : 0;
}

const char *sdx_list_date(const sdx_substance_list *s)
{
	return s ? json_string_value(json_object_get(s->doc, "date")) : NULL;
}

size_t sdx_list_count(const sdx_substance_list *s)
{
	return s ? s->n : 0;
}

const sdx_listed_substance *sdx_list_entry(const sdx_substance_list *s, size_t i)
{
	return s && i < s->n ? &s->e[i] : NULL;
}

const sdx_listed_substance *sdx_list_find(const sdx_substance_list *s, const char *cas)
{
	size_t i, k;

	if (!s || !cas)
		return NULL;
	for (i = 0; i < s->n; i++)
		for (k = 0; k < s->e[i].ncas; k++)
			if (strcmp(s->e[i].cas[k], cas) == 0)
				return &s->e[i];
	return NULL;
}

const json_t *sdx__list_entry_json(const sdx_substance_list *s, size_t i)
{
	return json_array_get(json_object_get(s->doc, "substances"), i);
}

int sdx_list_json(char **out, const sdx_substance_list *s)
{
	json_t *j = json_pack("{s:s, s:I, s:s, s:O}", "name", s->name, "version",
			      (json_int_t)s->version, "date", sdx_list_date(s), "substances",
			      json_object_get(s->doc, "substances"));

	*out = NULL;
	if (!j)
		return oom();
	*out = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	return *out ? 0 : oom();
}

void sdx_list_free(sdx_substance_list *s)
{
	if (!s)
		return;
	json_decref(s->doc);
	free(s->json);
	free(s->e);
	free(s->cas);
	free(s);
}
