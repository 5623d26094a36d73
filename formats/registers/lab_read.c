/*
 * formats/registers/lab_read.c - lab registers from CSV and JSON files and
 * from the ledger: every value checked with a one-line error naming the
 * file and the line and column (CSV) or member (JSON), then the canonical
 * form (formats/lab-register.md): values trimmed, entries sorted by body
 * and number, scope lists sorted, keys sorted, compact.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/csv/csv.h"
#include "formats/records/internal.h"
#include "formats/registers/lab.h"
#include "formats/schema/schema.h"
#include "ledger/internal.h"
#include "formats/text/text.h"

/* The members of an entry, the CSV columns; the first LAB_REQUIRED are required. */
static const char *const members[] = {
	"body", "number", "lab_name", "country", "scope_standards", "scope_items",
	"valid_from", "valid_until", "status", "suspended_from", "note", NULL
};
#define LAB_REQUIRED 9
#define REQUIRED_TEXT "body, number, lab_name, country, scope_standards, scope_items, " \
		      "valid_from, valid_until and status"

static int is_list(const char *m)
{
	return strcmp(m, "scope_standards") == 0 || strcmp(m, "scope_items") == 0;
}

static int known(const char *m)
{
	for (size_t i = 0; members[i]; i++)
		if (strcmp(members[i], m) == 0)
			return 1;
	return 0;
}

/* Where an entry came from: a CSV row, or labs[index] of a JSON text. */
struct where {
	struct sdx__csv *csv;
	const char *what;   /* JSON: "'labs.json'", or the stored register */
	size_t index;
};

static int fail(const struct where *w, const char *field, int code, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

static int fail(const struct where *w, const char *field, int code, const char *fmt, ...)
{
	char msg[700];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (w->csv)
		return sdx__csv_error(w->csv, field ? sdx__csv_column(w->csv, field) : -1, code,
				      "%s", msg);
	if (field)
		return sdx_error_set(code, "%s: labs[%zu].%s: %s", w->what, w->index, field, msg);
	return sdx_error_set(code, "%s: labs[%zu]: %s", w->what, w->index, msg);
}

static int oom(void)
{
	return sdx_error_set(SDX_ENOMEM, "out of memory");
}

/* s[0..len) without surrounding white space, runs of it inside as one space if collapse. */
static json_t *trimmed(const char *s, size_t len, int collapse)
{
	char *buf;
	size_t n = 0, i;
	json_t *j;

	while (len && strchr(" \t\r\n", s[0]))
		s++, len--;
	while (len && strchr(" \t\r\n", s[len - 1]))
		len--;
	if (!(buf = malloc(len + 1)))
		return NULL;
	for (i = 0; i < len; i++) {
		if (collapse && strchr(" \t\r\n", s[i])) {
			if (buf[n - 1] != ' ')
				buf[n++] = ' ';
		} else {
			buf[n++] = s[i];
		}
	}
	j = json_stringn(buf, n);
	free(buf);
	return j;
}

/* Set member m of lab to the trimmed s, unless it is empty (an absent value). */
static int set_text(json_t *lab, const char *m, const char *s, size_t len)
{
	json_t *v = trimmed(s, len, strcmp(m, "number") == 0);

	if (!v)
		return oom();
	if (json_string_length(v) == 0) {
		json_decref(v);
		return 0;
	}
	return json_object_set_new(lab, m, v) == 0 ? 0 : oom();
}

/* A CSV list: items separated by ';', each trimmed; an empty field is an empty list. */
static int set_split(json_t *lab, const struct where *w, const char *m, const char *s)
{
	json_t *list = json_array(), *v;
	const char *end;

	if (!list || json_object_set_new(lab, m, list) < 0)
		return oom();
	if (!s[strspn(s, " \t\r\n")])
		return 0;
	for (;;) {
		end = strchr(s, ';');
		if (!(v = trimmed(s, end ? (size_t)(end - s) : strlen(s), 0)) ||
		    json_array_append_new(list, v) < 0)
			return oom();
		if (json_string_length(v) == 0)
			return fail(w, m, SDX_EFORMAT, "an empty item between ';' separators");
		if (!end)
			return 0;
		s = end + 1;
	}
}

static int by_string(const void *a, const void *b)
{
	return strcmp(json_string_value(*(json_t *const *)a), json_string_value(*(json_t *const *)b));
}

/* Rebuild `list` in the order cmp gives. */
static int sort_array(json_t *list, int (*cmp)(const void *, const void *))
{
	size_t n = json_array_size(list), i;
	json_t **v;

	if (n < 2)
		return 0;
	if (!(v = malloc(n * sizeof(*v))))
		return oom();
	for (i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(list, i));
	qsort(v, n, sizeof(*v), cmp);
	json_array_clear(list);
	for (i = 0; i < n; i++)
		if (json_array_append_new(list, v[i]) < 0) {
			while (++i < n)
				json_decref(v[i]);
			free(v);
			return oom();
		}
	free(v);
	return 0;
}

static int has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* The first problem the schema finds in one entry, as (member, message). */
static int schema_check(const struct where *w, json_t *lab)
{
	const struct sdx_schema *schema;
	json_t *doc = json_pack("{s:s, s:[O]}", "format", LAB_FORMAT, "labs", lab);
	const char *msg, *p;
	char field[64] = "";
	size_t n;
	int err;

	if (!doc)
		return oom();
	if ((err = sdx__schema_named(&schema, "lab-register")) < 0 ||
	    (err = sdx__schema_validate(schema, doc)) == 0 || err != SDX_ESCHEMA) {
		json_decref(doc);
		return err;
	}
	json_decref(doc);
	/* "lab-register: labs[0].body: 'XYZ' is not one of: ..." */
	msg = sdx_error_last();
	if ((p = strstr(msg, "labs[0]")) != NULL) {
		p += 7;
		if (*p == '.') {
			n = strcspn(++p, ".[:");
			sdx__text_put(field, sizeof(field), "%.*s", (int)(n < 63 ? n : 63), p);
		}
		msg = (p = strstr(p, ": ")) ? p + 2 : msg;
	}
	if (strcmp(field, "body") == 0 && strstr(msg, "is not one of"))
		return fail(w, "body", SDX_EFORMAT, "'%s' is not an accreditation body sdx "
			    "accepts: CNAS, CMA or the acronym of an ILAC MRA signatory (the list "
			    "is formats/schemas/lab-register.schema.json)",
			    json_string_value(json_object_get(lab, "body")));
	return fail(w, *field ? field : NULL, SDX_EFORMAT, "%s", msg);
}

static int check_list(const struct where *w, json_t *lab, const char *m)
{
	json_t *list = json_object_get(lab, m), *v, *u;
	size_t i, k;

	json_array_foreach(list, i, v) {
		const char *s = json_string_value(v);
		if (strchr(s, ';'))
			return fail(w, m, SDX_EFORMAT, "'%s' holds ';', which separates items", s);
		json_array_foreach(list, k, u) {
			if (k >= i)
				break;
			if (sdx__lab_same(json_string_value(u), s))
				return fail(w, m, SDX_EFORMAT, "'%s' is listed twice", s);
		}
	}
	return sort_array(list, by_string);
}

/* The rules of formats/lab-register.md for one entry, already trimmed. */
static int check_entry(const struct where *w, json_t *lab)
{
	static const char *const dates[] = { "valid_from", "valid_until", "suspended_from", NULL };
	const char *status, *country, *k;
	json_t *v, *item;
	size_t i;
	int err;

	for (i = 0; i < LAB_REQUIRED; i++)
		if (!json_object_get(lab, members[i]))
			return fail(w, members[i], SDX_EFORMAT, "a value is required");
	json_object_foreach(lab, k, v) {
		if (json_is_string(v) && has_control(json_string_value(v)))
			return fail(w, k, SDX_EFORMAT, "holds a control character");
		json_array_foreach(v, i, item)
			if (has_control(json_string_value(item)))
				return fail(w, k, SDX_EFORMAT, "holds a control character");
	}
	for (i = 0; dates[i]; i++) {
		const char *d = json_string_value(json_object_get(lab, dates[i]));
		if (d && !sdx__is_date(d))
			return fail(w, dates[i], SDX_EFORMAT, "expected a date YYYY-MM-DD, got '%s'",
				    d);
	}
	if (strcmp(json_string_value(json_object_get(lab, "valid_until")),
		   json_string_value(json_object_get(lab, "valid_from"))) < 0)
		return fail(w, "valid_until", SDX_EFORMAT, "%s is before valid_from %s",
			    json_string_value(json_object_get(lab, "valid_until")),
			    json_string_value(json_object_get(lab, "valid_from")));
	status = json_string_value(json_object_get(lab, "status"));
	if (strcmp(status, "active") != 0 && strcmp(status, "suspended") != 0 &&
	    strcmp(status, "withdrawn") != 0)
		return fail(w, "status", SDX_EFORMAT, "expected active, suspended or withdrawn, "
			    "got '%s'", status);
	if (strcmp(status, "active") == 0 && json_object_get(lab, "suspended_from"))
		return fail(w, "suspended_from", SDX_EFORMAT, "given, but the status is 'active' "
			    "(a date only for a suspension or withdrawal)");
	country = json_string_value(json_object_get(lab, "country"));
	if (strlen(country) != 2 || strspn(country, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 2)
		return fail(w, "country", SDX_EFORMAT, "expected an ISO 3166-1 alpha-2 code such "
			    "as CN, got '%s'", country);
	if (json_array_size(json_object_get(lab, "scope_standards")) == 0 &&
	    json_array_size(json_object_get(lab, "scope_items")) == 0)
		return fail(w, "scope_standards", SDX_EFORMAT, "the scope names no standard and no "
			    "test item (scope_items is empty too); list at least one");
	if ((err = check_list(w, lab, "scope_standards")) < 0 ||
	    (err = check_list(w, lab, "scope_items")) < 0)
		return err;
	return schema_check(w, lab);
}

/* The entries read so far, and where each body and number was first seen. */
struct table {
	json_t *labs;
	json_t *seen;   /* match key -> "on line 3" or "at labs[1]" */
};

static int add_entry(struct table *t, const struct where *w, json_t *lab)
{
	char key[LAB_KEY_MAX], here[64];
	const json_t *first;
	int err;

	if ((err = check_entry(w, lab)) < 0)
		return err;
	sdx__lab_key(key, json_string_value(json_object_get(lab, "body")),
		     json_string_value(json_object_get(lab, "number")));
	if ((first = json_object_get(t->seen, key)) != NULL)
		return fail(w, "number", SDX_EFORMAT, "'%s' is listed already %s",
			    json_string_value(json_object_get(lab, "number")),
			    json_string_value(first));
	if (w->csv)
		sdx__text_put(here, sizeof(here), "on line %llu",
			 (unsigned long long)sdx__csv_line(w->csv));
	else
		sdx__text_put(here, sizeof(here), "at labs[%zu]", w->index);
	if (json_object_set_new(t->seen, key, json_string(here)) < 0 ||
	    json_array_append(t->labs, lab) < 0)
		return oom();
	return 0;
}

static int by_body_number(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int c = strcmp(json_string_value(json_object_get(x, "body")),
		       json_string_value(json_object_get(y, "body")));

	return c ? c : strcmp(json_string_value(json_object_get(x, "number")),
			      json_string_value(json_object_get(y, "number")));
}

/* The canonical document of t's entries into *doc. */
static int finish(json_t **doc, struct table *t)
{
	int err;

	if ((err = sort_array(t->labs, by_body_number)) < 0)
		return err;
	if (!(*doc = json_pack("{s:s, s:O}", "format", LAB_FORMAT, "labs", t->labs)))
		return oom();
	return 0;
}

static int read_csv(json_t **doc, unsigned char sha[32], const char *path)
{
	static const struct sdx__csv_limits lim = { 8 * 1024, 32, 64 * 1024,
						    SDX_LAB_REGISTER_MAX_LABS, 0 };
	struct sdx__csv *c = NULL;
	struct table t = { json_array(), json_object() };
	struct where w = { NULL, NULL, 0 };
	json_t *lab = NULL;
	size_t i, n;
	int rc;

	if (!t.labs || !t.seen) {
		rc = oom();
		goto done;
	}
	if ((rc = sdx__csv_open(&c, path, &lim)) < 0)
		goto done;
	w.csv = c;
	n = sdx__csv_columns(c);
	for (i = 0; i < n; i++)
		if (!known(sdx__csv_column_name(c, i))) {
			rc = sdx__csv_error(c, (long)i, SDX_EFORMAT, "not a column of a lab "
					    "register (it has %s, and optionally suspended_from and "
					    "note)", REQUIRED_TEXT);
			goto done;
		}
	for (i = 0; i < LAB_REQUIRED; i++)
		if (sdx__csv_column(c, members[i]) < 0) {
			rc = sdx__csv_error(c, -1, SDX_EFORMAT, "no column '%s' (the header must "
					    "name %s)", members[i], REQUIRED_TEXT);
			goto done;
		}
	while ((rc = sdx__csv_next(c)) == 1) {
		if (!(lab = json_object())) {
			rc = oom();
			goto done;
		}
		for (i = 0; i < n && rc >= 0; i++) {
			const char *m = sdx__csv_column_name(c, i), *s;
			size_t len;
			s = sdx__csv_field(c, i, &len);
			rc = is_list(m) ? set_split(lab, &w, m, s) : set_text(lab, m, s, len);
		}
		if (rc < 0 || (rc = add_entry(&t, &w, lab)) < 0)
			goto done;
		json_decref(lab);
		lab = NULL;
	}
	if (rc < 0 || (rc = finish(doc, &t)) < 0)
		goto done;
	sdx__csv_sha256(c, sha);
done:
	json_decref(lab);
	json_decref(t.labs);
	json_decref(t.seen);
	sdx__csv_free(c);
	return rc;
}

/* One JSON entry, its members checked for type and trimmed, into *out. */
static int json_entry(json_t **out, const struct where *w, const json_t *in)
{
	json_t *lab = json_object(), *v, *list = NULL, *item;
	const char *k;
	size_t i;
	int err = 0;

	*out = NULL;
	if (!lab)
		return oom();
	if (!json_is_object(in)) {
		json_decref(lab);
		return fail(w, NULL, SDX_EFORMAT, "expected an object");
	}
	json_object_foreach((json_t *)in, k, v) {
		if (!known(k))
			err = fail(w, NULL, SDX_EFORMAT, "unexpected member '%.60s' (a lab has %s, "
				   "and optionally suspended_from and note)", k, REQUIRED_TEXT);
		else if (!is_list(k) && !json_is_string(v))
			err = fail(w, k, SDX_EFORMAT, "expected a string");
		else if (!is_list(k))
			err = set_text(lab, k, json_string_value(v), json_string_length(v));
		else if (!json_is_array(v))
			err = fail(w, k, SDX_EFORMAT, "expected an array of strings");
		else if (!(list = json_array()) || json_object_set_new(lab, k, list) < 0)
			err = oom();
		json_array_foreach(is_list(k) && !err ? v : NULL, i, item) {
			json_t *t;
			if (!json_is_string(item))
				err = fail(w, k, SDX_EFORMAT, "item [%zu] is not a string", i);
			else if (!(t = trimmed(json_string_value(item), json_string_length(item), 0)) ||
				 json_array_append_new(list, t) < 0)
				err = oom();
			else if (json_string_length(t) == 0)
				err = fail(w, k, SDX_EFORMAT, "item [%zu] is empty", i);
			if (err)
				break;
		}
		if (err)
			break;
	}
	if (err) {
		json_decref(lab);
		return err;
	}
	*out = lab;
	return 0;
}

/* A parsed JSON register (a file's, or a stored one) into the canonical *doc. */
static int from_json(json_t **doc, const json_t *in, const char *what)
{
	struct table t = { json_array(), json_object() };
	struct where w = { NULL, what, 0 };
	const json_t *labs = json_object_get(in, "labs"), *format, *v;
	json_t *lab = NULL;
	const char *k;
	int err = 0;

	if (!t.labs || !t.seen)
		err = oom();
	else if (!json_is_object(in))
		err = sdx_error_set(SDX_EFORMAT, "%s: expected an object {\"format\": \"%s\", "
				    "\"labs\": [...]}", what, LAB_FORMAT);
	json_object_foreach(err ? NULL : (json_t *)in, k, v)
		if (strcmp(k, "format") != 0 && strcmp(k, "labs") != 0) {
			err = sdx_error_set(SDX_EFORMAT, "%s: unexpected member '%.60s' (a lab "
					    "register has format and labs)", what, k);
			break;
		}
	format = err ? NULL : json_object_get(in, "format");
	if (!err && format && (!json_is_string(format) ||
			       strcmp(json_string_value(format), LAB_FORMAT) != 0))
		err = sdx_error_set(SDX_EFORMAT, "%s: format: expected \"%s\"", what, LAB_FORMAT);
	else if (!err && !json_is_array(labs))
		err = sdx_error_set(SDX_EFORMAT, "%s: labs: expected an array of labs", what);
	else if (!err && json_array_size(labs) > SDX_LAB_REGISTER_MAX_LABS)
		err = sdx_error_set(SDX_ELIMIT, "%s: more than %d labs", what,
				    SDX_LAB_REGISTER_MAX_LABS);
	for (w.index = 0; !err && w.index < json_array_size(labs); w.index++) {
		if ((err = json_entry(&lab, &w, json_array_get(labs, w.index))) == 0)
			err = add_entry(&t, &w, lab);
		json_decref(lab);
		lab = NULL;
	}
	if (!err)
		err = finish(doc, &t);
	json_decref(t.labs);
	json_decref(t.seen);
	return err;
}

/* The whole file (at most LAB_JSON_MAX bytes) into *text, its SHA-256 into sha. */
static int slurp(char **text, size_t *len, unsigned char sha[32], const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL, *p;
	size_t n = 0, cap = 0, got;
	int err = 0;

	*text = NULL;
	if (!f)
		return sdx_error_set(errno == ENOENT ? SDX_ENOTFOUND : SDX_EIO, "cannot open '%s': "
				     "%s", path, errno == ENOENT ? "no such file" : strerror(errno));
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : SDX__CSV_CHUNK;
			if (cap > LAB_JSON_MAX + 1)
				cap = LAB_JSON_MAX + 1;
			if (n == cap) {
				err = sdx_error_set(SDX_ELIMIT, "'%s': larger than %u bytes", path,
						    LAB_JSON_MAX);
				break;
			}
			if (!(p = realloc(buf, cap + 1))) {
				err = oom();
				break;
			}
			buf = p;
		}
		n += got = fread(buf + n, 1, cap - n, f);
	} while (got > 0);
	if (!err && ferror(f))
		err = sdx_error_set(SDX_EIO, "'%s': cannot read: %s", path, strerror(errno));
	fclose(f);
	if (err) {
		free(buf);
		return err;
	}
	sdx__sha256(sha, buf, n);
	*text = buf;
	*len = n;
	return 0;
}

static int read_json(json_t **doc, unsigned char sha[32], const char *path)
{
	char *text = NULL, what[600];
	size_t len = 0, skip = 0;
	json_t *in = NULL;
	int err;

	sdx__text_put(what, sizeof(what), "'%s'", path);
	if ((err = slurp(&text, &len, sha, path)) < 0)
		return err;
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		skip = 3;
	if ((err = sdx__json_parse(&in, text + skip, len - skip, 16, what)) == 0)
		err = from_json(doc, in, what);
	json_decref(in);
	free(text);
	return err;
}

int sdx__lab_read_file(json_t **doc, unsigned char sha[32], const char *path)
{
	unsigned char head[64];
	size_t n = 0, i = 0;
	FILE *f;

	*doc = NULL;
	/* JSON if it starts with '{' (after a byte-order mark and white space), else CSV */
	if ((f = fopen(path, "rb")) != NULL) {
		n = fread(head, 1, sizeof(head), f);
		fclose(f);
	}
	if (n >= 3 && memcmp(head, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < n && strchr(" \t\r\n", head[i]))
		i++;
	if (i < n && head[i] == '{')
		return read_json(doc, sha, path);
	return read_csv(doc, sha, path);
}

int sdx__lab_parse_stored(json_t **doc, const char *body, size_t len, const char *what)
{
	json_t *in = NULL;
	char *again = NULL;
	size_t alen = 0;
	int err;

	*doc = NULL;
	if ((err = sdx__json_parse(&in, body, len, 16, what)) == 0 &&
	    (err = from_json(doc, in, what)) == 0 &&
	    (err = sdx__json_dump(&again, &alen, *doc)) == 0 &&
	    (alen != len || memcmp(again, body, len) != 0))
		err = sdx_error_set(SDX_EFORMAT, "%s: not in canonical form (changed outside sdx?)",
				    what);
	if (err < 0) {
		json_decref(*doc);
		*doc = NULL;
	}
	json_decref(in);
	free(again);
	return err;
}
