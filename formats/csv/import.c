/*
 * formats/csv/import.c - sdx_csv_import(): a CSV table through a mapping
 * into records (formats/csv-import.md §3-§5).  One row is read at a time
 * (formats/csv/csv.h) and one record is being built at a time; a record is
 * complete when the next row belongs to another group, or the table ends.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "sdx/csvimport.h"
#include "sdx/error.h"
#include "sdx/provenance.h"
#include "sdx/record.h"
#include "formats/csv/csv.h"
#include "formats/csv/map.h"
#include "formats/csv/tables.h"
#include "formats/records/internal.h"

static int oom(void)
{
	return sdx_error_set(SDX_ENOMEM, "out of memory");
}

/* ---- the run -------------------------------------------------------------------- */

/* An element a row added to an array ("-"), kept to the row's end. */
struct added {
	json_t *arr, *elem;
};

struct run {
	const struct sdx_csv_map *m;
	const sdx_csv_import_options *o;
	struct sdx__csv *c;
	long *idx;                  /* column of each ref in the CSV */
	json_t *rec;                /* the record being built, or NULL */
	uint64_t first, last;       /* its lines */
	size_t bytes;               /* its cells' bytes */
	char *key;                  /* its group key */
	struct sdx__strmap seen;         /* group keys done -> their first line */
	struct sdx__strmap entries;      /* "entry" cells resolved -> leaf hash */
	struct sdx__ptrset set;
	struct added *added;
	size_t nadded, capadded;
	sdx_csv_record_cb cb;
	void *ctx;
	uint64_t count;
};

enum mode { BY_COLUMN, BY_CONSTANT, IF_ABSENT };

static int path_error(struct run *r, long col, const struct csv_path *p, const char *fmt,
		      const char *detail)
{
	return sdx__csv_error(r->c, col, SDX_ESCHEMA, fmt, p->text, detail);
}

static json_t *container_for(const struct csv_seg *next)
{
	return next->kind == SEG_MEMBER ? json_object() : json_array();
}

static const char *kind_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: case JSON_REAL: return "a number";
	case JSON_TRUE: case JSON_FALSE: return "a boolean";
	default: return "null";
	}
}

/* The element of array `arr` whose member `name` is the string `value`, or a new one. */
static json_t *select_elem(json_t *arr, const char *name, const char *value, int create)
{
	size_t i;
	json_t *e;

	json_array_foreach(arr, i, e) {
		const char *s = json_string_value(json_object_get(e, name));
		if (s && strcmp(s, value) == 0)
			return e;
	}
	if (!create || !(e = json_object()))
		return NULL;
	if (json_object_set_new(e, name, json_string(value)) < 0 || json_array_append_new(arr, e) < 0)
		return NULL;
	return e;
}

static int added_push(struct run *r, json_t *arr, json_t *elem)
{
	if (r->nadded == r->capadded) {
		size_t cap = r->capadded ? 2 * r->capadded : 16;
		struct added *a = realloc(r->added, cap * sizeof(*a));
		if (!a)
			return oom();
		r->added = a;
		r->capadded = cap;
	}
	r->added[r->nadded++] = (struct added){ arr, elem };
	return 0;
}

/* The element this row added to arr, or NULL. */
static json_t *added_find(const struct run *r, const json_t *arr)
{
	for (size_t i = 0; i < r->nadded; i++)
		if (r->added[i].arr == arr)
			return r->added[i].elem;
	return NULL;
}

/*
 * Walk p to the container of its last segment, creating what is missing
 * (unless mode is a read: create 0).  *out is NULL when create is 0 and
 * something is missing.
 */
static int walk(json_t **out, struct run *r, const struct csv_path *p, long col, int create)
{
	json_t *cur = r->rec, *child;
	size_t i;
	int err;

	*out = NULL;
	for (i = 0; i + 1 < p->n; i++) {
		const struct csv_seg *g = &p->seg[i];
		if (g->kind == SEG_MEMBER) {
			if (!json_is_object(cur))
				return path_error(r, col, p, "field %s: a member of %s", kind_name(cur));
			if (!(child = json_object_get(cur, g->name))) {
				if (!create)
					return 0;
				if (!(child = container_for(&p->seg[i + 1])) ||
				    json_object_set_new(cur, g->name, child) < 0)
					return oom();
			}
		} else {
			if (!json_is_array(cur))
				return path_error(r, col, p, "field %s: an element of %s", kind_name(cur));
			if (g->kind == SEG_INDEX) {
				if (g->index < json_array_size(cur)) {
					child = json_array_get(cur, g->index);
				} else if (g->index == json_array_size(cur) && create) {
					if (!(child = container_for(&p->seg[i + 1])) ||
					    json_array_append_new(cur, child) < 0)
						return oom();
				} else if (!create) {
					return 0;
				} else {
					return sdx__csv_error(r->c, col, SDX_ESCHEMA, "field %s: element "
							      "%zu does not exist (the array has %zu)",
							      p->text, g->index, json_array_size(cur));
				}
			} else if (g->kind == SEG_NEW) {
				if (!(child = added_find(r, cur))) {
					if (!(child = container_for(&p->seg[i + 1])) ||
					    json_array_append_new(cur, child) < 0)
						return oom();
					if ((err = added_push(r, cur, child)) < 0)
						return err;
				}
			} else {
				const char *v = g->value;
				if (g->ref >= 0) {
					long k = r->idx[g->ref];
					v = sdx__csv_field(r->c, (size_t)k, NULL);
					if (!*v)
						return sdx__csv_error(r->c, k, SDX_ESCHEMA, "empty; it selects "
								      "the element of %s", p->text);
				}
				if (!(child = select_elem(cur, g->name, v, create)))
					return create ? oom() : 0;
			}
		}
		cur = child;
	}
	*out = cur;
	return 0;
}

/* Set p to value (stolen) in the record being built. */
static int set(struct run *r, const struct csv_path *p, json_t *value, long col, enum mode mode)
{
	const struct csv_seg *g = &p->seg[p->n - 1];
	json_t *parent, *old = NULL;
	int err;

	if (!value)
		return oom();
	if ((err = walk(&parent, r, p, col, 1)) < 0)
		goto fail;
	if (g->kind == SEG_MEMBER) {
		if (!json_is_object(parent)) {
			err = path_error(r, col, p, "field %s: a member of %s", kind_name(parent));
			goto fail;
		}
		old = json_object_get(parent, g->name);
	} else if (!json_is_array(parent)) {
		err = path_error(r, col, p, "field %s: an element of %s", kind_name(parent));
		goto fail;
	} else if (g->kind == SEG_INDEX) {
		if (g->index > json_array_size(parent)) {
			err = sdx__csv_error(r->c, col, SDX_ESCHEMA, "field %s: element %zu does not "
					     "exist (the array has %zu)", p->text, g->index,
					     json_array_size(parent));
			goto fail;
		}
		old = json_array_get(parent, g->index);
	}
	if (old) {
		if (mode == IF_ABSENT || json_equal(old, value)) {
			json_decref(value);
			return 0;
		}
		if (mode == BY_COLUMN && sdx__ptrset_has(&r->set, old)) {
			char *was = json_dumps(old, JSON_ENCODE_ANY | JSON_COMPACT);
			err = sdx__csv_error(r->c, col, SDX_ESCHEMA, "field %s: this row says %s, but a "
					     "row before it (the record from line %llu) said %s",
					     p->text, json_is_string(value) ? json_string_value(value) : "another value",
					     (unsigned long long)r->first, was ? was : "another value");
			free(was);
			goto fail;
		}
	}
	if (mode == BY_COLUMN && (err = sdx__ptrset_add(&r->set, value)) < 0)
		goto fail;
	if (g->kind == SEG_MEMBER)
		return json_object_set_new(parent, g->name, value) < 0 ? oom() : 0;
	if (g->kind == SEG_INDEX && old)
		return json_array_set_new(parent, g->index, value) < 0 ? oom() : 0;
	if (json_array_append_new(parent, value) < 0)
		return oom();
	return g->kind == SEG_NEW ? added_push(r, parent, value) : 0;
fail:
	json_decref(value);
	return err;
}

/* Drop each element this row added that equals one before it: rows of a group
 * repeat the lot they measure, and it is one lot. */
static void merge_added(struct run *r)
{
	size_t k, i, j, n;

	for (k = r->nadded; k-- > 0;) {
		json_t *arr = r->added[k].arr;
		n = json_array_size(arr);
		for (i = n; i-- > 0;)
			if (json_array_get(arr, i) == r->added[k].elem)
				break;
		if (i == (size_t)-1)
			continue;
		for (j = 0; j < i; j++)
			if (json_equal(json_array_get(arr, j), r->added[k].elem)) {
				json_array_remove(arr, i);
				break;
			}
	}
	r->nadded = 0;
}

/* ---- cells ---------------------------------------------------------------------- */

static int is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/* A decimal number, dec its decimal separator; NULL if s is not one. */
static json_t *parse_number(const char *s, char dec, int integer)
{
	char buf[80], *end;
	size_t i = 0, digits = 0;
	int real = 0;

	if (strlen(s) >= sizeof(buf))
		return NULL;
	if (*s == '-' || *s == '+')
		buf[i++] = *s++;
	while (is_digit(*s))
		buf[i++] = *s++, digits++;
	if (!digits)
		return NULL;
	if (*s == dec && !integer) {
		buf[i++] = '.';
		s++;
		for (digits = 0; is_digit(*s); digits++)
			buf[i++] = *s++;
		if (!digits)
			return NULL;
		real = 1;
	}
	if ((*s == 'e' || *s == 'E') && !integer) {
		buf[i++] = *s++;
		if (*s == '-' || *s == '+')
			buf[i++] = *s++;
		for (digits = 0; is_digit(*s); digits++)
			buf[i++] = *s++;
		if (!digits)
			return NULL;
		real = 1;
	}
	if (*s)
		return NULL;
	buf[i] = '\0';
	if (!real) {
		long long v;
		errno = 0;
		v = strtoll(buf, &end, 10);
		if (errno == 0)
			return json_integer(v);
		if (integer)
			return NULL;
	}
	{
		double d = strtod(buf, &end);
		return isfinite(d) ? json_real(d) : NULL;
	}
}

static int digits(const char **s, int min, int max, int *out)
{
	int n = 0, v = 0;

	while (n < max && is_digit(**s)) {
		v = v * 10 + (**s - '0');
		(*s)++;
		n++;
	}
	*out = v;
	return n >= min;
}

/* s read by format f (formats/csv-import.md §3.3) as YYYY-MM-DD into out; 0 or -1. */
int sdx__csv_date(char out[11], const char *s, const char *f)
{
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y = 0, mo = 0, d = 0;

	while (*f) {
		if (strncmp(f, "YYYY", 4) == 0) {
			if (!digits(&s, 4, 4, &y))
				return -1;
			f += 4;
		} else if (*f == 'M' || *f == 'D') {
			int two = f[1] == f[0];
			if (!digits(&s, two ? 2 : 1, 2, *f == 'M' ? &mo : &d))
				return -1;
			f += two ? 2 : 1;
		} else if (*s++ != *f++) {
			return -1;
		}
	}
	if (*s || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || y < 1)
		return -1;
	if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return -1;
	{
		char tmp[40];
		snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", y, mo, d);
		memcpy(out, tmp, 11);
	}
	return 0;
}

static int is_hex64(const char *s)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!is_digit(s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
			return 0;
	return s[64] == '\0';
}

static int resolve_entry(json_t **out, struct run *r, long col, const char *cell)
{
	static const char hexd[] = "0123456789abcdef";
	const char *hit;
	sdx_found *f = NULL;
	char hex[65];
	int err;

	if (!r->o->ledger) {
		if (!is_hex64(cell))
			return sdx__csv_error(r->c, col, SDX_ESCHEMA, "'%.80s' is not a leaf hash (64 "
					      "lower-case hex digits)", cell);
		*out = json_string(cell);
		return 0;
	}
	if ((hit = sdx__strmap_get(&r->entries, cell))) {
		*out = json_string(hit);
		return 0;
	}
	if ((err = sdx_record_find(&f, r->o->ledger, cell, NULL)) < 0) {
		char msg[1024];
		snprintf(msg, sizeof(msg), "%s", sdx_error_last());
		return sdx__csv_error(r->c, col, err, "%s", msg);
	}
	for (int i = 0; i < 32; i++) {
		hex[2 * i] = hexd[f->entry.leaf_hash[i] >> 4];
		hex[2 * i + 1] = hexd[f->entry.leaf_hash[i] & 15];
	}
	hex[64] = '\0';
	sdx_found_free(f);
	if (r->entries.n < 100000 && (err = sdx__strmap_put(&r->entries, cell, hex)) < 0)
		return err;
	*out = json_string(hex);
	return 0;
}

static json_t *split_list(const char *cell, const char *sep)
{
	json_t *a = json_array();
	size_t seplen = strlen(sep);
	const char *s = cell, *e;

	while (a && s) {
		const char *b = s, *stop;
		e = strstr(s, sep);
		stop = e ? e : s + strlen(s);
		while (b < stop && *b == ' ')
			b++;
		while (stop > b && stop[-1] == ' ')
			stop--;
		if (stop > b && json_array_append_new(a, json_stringn(b, (size_t)(stop - b))) < 0) {
			json_decref(a);
			return NULL;
		}
		s = e ? e + seplen : NULL;
	}
	return a;
}

/* The unit beside the value column c gave, if the mapping says one. */
static int put_unit(struct run *r, const struct csv_column *c, long col)
{
	const char *u = c->unit;
	json_t *t;

	if (!c->unit && c->unit_ref < 0)
		return 0;
	if (c->unit_ref >= 0) {
		long ucol = r->idx[c->unit_ref];
		if (!*(u = sdx__csv_field(r->c, (size_t)ucol, NULL)))
			return sdx__csv_error(r->c, ucol, SDX_ESCHEMA, "empty; column '%s' needs its "
					      "unit", r->m->refs[c->ref]);
		if (c->units && (t = json_object_get(c->units, u)))
			u = json_string_value(t);
	}
	return set(r, &c->unit_path, json_string(u), col, BY_COLUMN);
}

/* One cell of column c into the record. */
static int put_cell(struct run *r, const struct csv_column *c)
{
	long col = r->idx[c->ref];
	size_t len;
	const char *cell = sdx__csv_field(r->c, (size_t)col, &len);
	json_t *v = NULL;
	char date[11];
	size_t i;
	int err;

	if (!len) {
		if (c->required)
			return sdx__csv_error(r->c, col, SDX_ESCHEMA, "empty; the mapping needs a "
					      "value for %s", c->path.text);
		return 0;
	}
	if (c->values) {
		json_t *x = json_object_get(c->values, cell);
		if (!x) {
			const char *k, *sep = "";
			char list[400] = "";
			json_t *y;
			json_object_foreach(c->values, k, y) {
				size_t used = strlen(list);
				snprintf(list + used, sizeof(list) - used, "%s'%s'", sep, k);
				sep = ", ";
			}
			return sdx__csv_error(r->c, col, SDX_ESCHEMA, "'%.80s' is not one of %s "
					      "(field %s)", cell, list, c->path.text);
		}
		return set(r, &c->path, json_deep_copy(x), col, BY_COLUMN);
	}
	if (c->not_detected) {
		json_t *x;
		json_array_foreach(c->not_detected, i, x)
			if (strcmp(json_string_value(x), cell) == 0) {
				/* below detection: no value, but still its unit */
				if ((err = set(r, &c->nd_path, json_true(), col, BY_COLUMN)) < 0)
					return err;
				return put_unit(r, c, col);
			}
	}
	switch (c->type) {
	case TYPE_STRING:
		v = json_stringn(cell, len);
		break;
	case TYPE_NUMBER:
	case TYPE_INTEGER:
		if (!(v = parse_number(cell, c->decimal, c->type == TYPE_INTEGER)))
			return sdx__csv_error(r->c, col, SDX_ESCHEMA, "'%.80s' is not %s (field %s)",
					      cell, c->type == TYPE_INTEGER ? "an integer"
					      : c->decimal == ',' ? "a number (decimal comma)"
					      : "a number", c->path.text);
		break;
	case TYPE_BOOLEAN:
		if (!strcasecmp(cell, "true") || !strcasecmp(cell, "yes") || !strcmp(cell, "1"))
			v = json_true();
		else if (!strcasecmp(cell, "false") || !strcasecmp(cell, "no") || !strcmp(cell, "0"))
			v = json_false();
		else
			return sdx__csv_error(r->c, col, SDX_ESCHEMA, "'%.80s' is not true or false "
					      "(true, yes, 1, false, no, 0; field %s)", cell,
					      c->path.text);
		break;
	case TYPE_DATE:
		if (sdx__csv_date(date, cell, c->date_format) < 0)
			return sdx__csv_error(r->c, col, SDX_ESCHEMA, "'%.80s' is not a date as %s "
					      "(field %s)", cell, c->date_format, c->path.text);
		v = json_string(date);
		break;
	case TYPE_LIST:
		v = split_list(cell, c->split);
		break;
	case TYPE_ENTRY:
		if ((err = resolve_entry(&v, r, col, cell)) < 0)
			return err;
		break;
	}
	if ((err = set(r, &c->path, v, col, BY_COLUMN)) < 0)
		return err;
	return put_unit(r, c, col);
}

/* ---- records -------------------------------------------------------------------- */

static int start_record(struct run *r)
{
	size_t i;
	int err;

	if (!(r->rec = json_object()))
		return oom();
	r->first = r->last = sdx__csv_line(r->c);
	r->bytes = 0;
	r->nadded = 0;
	for (i = 0; i < r->m->nconsts; i++)
		if ((err = set(r, &r->m->consts[i].path, json_deep_copy(r->m->consts[i].value), -1,
			       BY_CONSTANT)) < 0)
			return err;
	r->nadded = 0;
	return 0;
}

/* A sum the mapping asks for: of the values of an array's elements (absent: 0). */
static int put_sum(struct run *r, const struct csv_sum *s, const char *what)
{
	json_t *parent, *arr, *e, *u0 = NULL, *v;
	const struct csv_seg *g = &s->of.seg[s->of.n - 1];
	double sum = 0;
	size_t i;
	int err;

	if ((err = walk(&parent, r, &s->of, -1, 0)) < 0)
		return err;
	arr = !parent ? NULL : g->kind == SEG_MEMBER ? json_object_get(parent, g->name)
	      : g->kind == SEG_INDEX ? json_array_get(parent, g->index) : NULL;
	if (!json_array_size(arr))
		return 0;
	json_array_foreach(arr, i, e) {
		json_t *u = json_object_get(e, "unit");
		if (!u0)
			u0 = u;
		else if (!json_equal(u0, u))
			return sdx_error_set(SDX_ESCHEMA, "%s: %s: cannot sum %s: the units differ "
					     "(%s and %s)", what, s->path.text, s->of.text,
					     json_string_value(u0) ? json_string_value(u0) : "none",
					     json_string_value(u) ? json_string_value(u) : "none");
		if ((v = json_object_get(e, "value")))
			sum += json_number_value(v);
	}
	/* nine decimals: a sum of decimal values without the binary residue */
	if (sum > -9e9 && sum < 9e9)
		sum = (double)(long long)(sum * 1e9 + (sum < 0 ? -0.5 : 0.5)) / 1e9;
	v = json_pack("{s:f}", "value", sum);
	if (v && u0)
		json_object_set(v, "unit", u0);
	return set(r, &s->path, v, -1, IF_ABSENT);
}

static int finish_record(struct run *r)
{
	char what[300], *text = NULL;
	size_t len, i;
	int err = 0;

	if (!r->rec)
		return 0;
	if (r->first == r->last)
		snprintf(what, sizeof(what), "'%.200s' line %llu", sdx__csv_name(r->c),
			 (unsigned long long)r->first);
	else
		snprintf(what, sizeof(what), "'%.200s' lines %llu-%llu", sdx__csv_name(r->c),
			 (unsigned long long)r->first, (unsigned long long)r->last);
	for (i = 0; i < r->m->nsums; i++)
		if ((err = put_sum(r, &r->m->sums[i], what)) < 0)
			goto done;
	if ((err = sdx__record_fill_json(r->m->type, r->rec, r->o->files, r->o->hashes,
					 r->o->nfiles, what)) < 0)
		goto done;
	if (!(text = json_dumps(r->rec, JSON_COMPACT | JSON_REAL_PRECISION(17)))) {
		err = oom();
		goto done;
	}
	len = strlen(text);
	if (!(r->o->flags & SDX_CSV_IMPORT_UNCHECKED) &&
	    (err = sdx_record_validate(r->m->type, text, len)) < 0) {
		char msg[1024];
		snprintf(msg, sizeof(msg), "%s", sdx_error_last());
		err = sdx_error_set(err, "%s: %s", what, msg);
		goto done;
	}
	r->count++;
	err = r->cb ? r->cb(r->ctx, text, len, what, r->first, r->last) : 0;
done:
	free(text);
	json_decref(r->rec);
	r->rec = NULL;
	sdx__ptrset_clear(&r->set);
	return err;
}

/* The row's group key (its group_by cells, 0x1f between them), malloc'd. */
static int row_key(char **out, struct run *r)
{
	size_t i, n = 0, len;
	char *k;

	*out = NULL;
	for (i = 0; i < r->m->ngroup; i++) {
		long col = r->idx[r->m->group[i]];
		if (!sdx__csv_field(r->c, (size_t)col, &len)[0])
			return sdx__csv_error(r->c, col, SDX_ESCHEMA, "empty; it says which record the "
					      "row belongs to (group_by)");
		n += len + 1;
	}
	if (!(k = malloc(n + 1)))
		return oom();
	for (i = 0, n = 0; i < r->m->ngroup; i++) {
		const char *f = sdx__csv_field(r->c, (size_t)r->idx[r->m->group[i]], &len);
		memcpy(k + n, f, len);
		n += len;
		k[n++] = '\x1f';
	}
	k[n] = '\0';
	*out = k;
	return 0;
}

static int row(struct run *r)
{
	char *key = NULL, line[24];
	size_t i, len;
	int err = 0;

	if (r->m->ngroup) {
		const char *was;
		if ((err = row_key(&key, r)) < 0)
			return err;
		if (r->rec && strcmp(key, r->key) != 0) {
			if ((err = finish_record(r)) < 0)
				goto done;
			snprintf(line, sizeof(line), "%llu", (unsigned long long)r->first);
			if ((err = sdx__strmap_put(&r->seen, r->key, line)) < 0)
				goto done;
		}
		if (!r->rec && (was = sdx__strmap_get(&r->seen, key))) {
			err = sdx__csv_error(r->c, r->idx[r->m->group[0]], SDX_ESCHEMA, "belongs to "
					     "the record of line %s, but other rows came between "
					     "(the rows of one record are consecutive)", was);
			goto done;
		}
		free(r->key);
		r->key = key;
		key = NULL;
	} else if ((err = finish_record(r)) < 0) {
		return err;
	}
	if (!r->rec && (err = start_record(r)) < 0)
		goto done;
	r->last = sdx__csv_line(r->c);
	for (i = 0; i < sdx__csv_columns(r->c); i++) {
		sdx__csv_field(r->c, i, &len);
		r->bytes += len;
	}
	if (r->bytes > SDX_RECORD_INPUT_MAX) {
		err = sdx__csv_error(r->c, -1, SDX_ELIMIT, "the record from line %llu is larger "
				     "than a record may be (%d bytes)", (unsigned long long)r->first,
				     SDX_RECORD_INPUT_MAX);
		goto done;
	}
	r->nadded = 0;
	for (i = 0; i < r->m->ncols; i++)
		if ((err = put_cell(r, &r->m->cols[i])) < 0)
			goto done;
	merge_added(r);
done:
	free(key);
	return err;
}

static int run(struct sdx__csv *c, const struct sdx_csv_map *m, const sdx_csv_import_options *o,
	       sdx_csv_record_cb cb, void *ctx, unsigned char sha256[32], uint64_t *count)
{
	static const sdx_csv_import_options none = SDX_CSV_IMPORT_OPTIONS_INIT;
	struct run r;
	size_t i;
	int rc = 0;

	memset(&r, 0, sizeof(r));
	r.m = m;
	r.o = o ? o : &none;
	r.c = c;
	r.cb = cb;
	r.ctx = ctx;
	if (m->nrefs && !(r.idx = calloc(m->nrefs, sizeof(*r.idx)))) {
		rc = oom();
		goto done;
	}
	for (i = 0; i < m->nrefs; i++)
		if ((r.idx[i] = sdx__csv_column(c, m->refs[i])) < 0) {
			rc = sdx_error_set(SDX_ESCHEMA, "'%s': line 1: no column '%s' (the mapping "
					   "'%s' reads it)", sdx__csv_name(c), m->refs[i], m->name);
			goto done;
		}
	while ((rc = sdx__csv_next(c)) == 1)
		if ((rc = row(&r)) != 0)
			goto done;
	if (rc < 0 || (rc = finish_record(&r)) != 0)
		goto done;
	if (sha256)
		sdx__csv_sha256(c, sha256);
	if (count)
		*count = r.count;
done:
	json_decref(r.rec);
	free(r.idx);
	free(r.key);
	free(r.added);
	free(r.set.p);
	sdx__strmap_free(&r.seen);
	sdx__strmap_free(&r.entries);
	return rc;
}

int sdx_csv_import(const sdx_csv_map *m, const char *path, const sdx_csv_import_options *opts,
		   sdx_csv_record_cb cb, void *ctx, unsigned char sha256[32], uint64_t *count)
{
	struct sdx__csv_limits lim = { 0, 0, 0, 0, m->delimiter ? m->delimiter : SDX__CSV_DETECT };
	struct sdx__csv *c = NULL;
	int rc;

	if ((rc = sdx__csv_open(&c, path, &lim)) < 0)
		return rc;
	rc = run(c, m, opts, cb, ctx, sha256, count);
	sdx__csv_free(c);
	return rc;
}

int sdx_csv_import_mem(const sdx_csv_map *m, const char *name, const void *data, size_t len,
		       const sdx_csv_import_options *opts, sdx_csv_record_cb cb, void *ctx,
		       unsigned char sha256[32], uint64_t *count)
{
	struct sdx__csv_limits lim = { 0, 0, 0, 0, m->delimiter ? m->delimiter : SDX__CSV_DETECT };
	struct sdx__csv *c = NULL;
	int rc;

	if ((rc = sdx__csv_open_mem(&c, name, data, len, &lim)) < 0)
		return rc;
	rc = run(c, m, opts, cb, ctx, sha256, count);
	sdx__csv_free(c);
	return rc;
}
