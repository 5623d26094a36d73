/*
 * formats/csv/map.c - the mapping file of sdx/csvimport.h: reading and
 * checking it (formats/csv-import.md §2, schema csv-map.schema.json).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "sdx/csvimport.h"
#include "sdx/error.h"
#include "sdx/record.h"
#include "formats/csv/map.h"
#include "formats/records/internal.h"
#include "formats/schema/schema.h"

static int oom(void)
{
	return sdx_error_set(SDX_ENOMEM, "out of memory");
}

/* The id of column `name` in m->refs, added if new; -1 out of memory. */
static long ref_of(struct sdx_csv_map *m, const char *name)
{
	size_t i;
	char **r;

	for (i = 0; i < m->nrefs; i++)
		if (strcmp(m->refs[i], name) == 0)
			return (long)i;
	if (!(r = realloc(m->refs, (m->nrefs + 1) * sizeof(*r))))
		return -1;
	m->refs = r;
	if (!(r[m->nrefs] = strdup(name)))
		return -1;
	return (long)m->nrefs++;
}

static int all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* RFC 6901 unescaping of one segment, in place: ~1 is '/', ~0 is '~'. */
static int unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (*s != '~') {
			*w++ = *s;
			continue;
		}
		if (s[1] == '0')
			*w++ = '~';
		else if (s[1] == '1')
			*w++ = '/';
		else
			return -1;
		s++;
	}
	*w = '\0';
	return 0;
}

void sdx__csv_path_free(struct csv_path *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->n; i++) {
		free(p->seg[i].name);
		free(p->seg[i].value);
	}
	free(p->seg);
	free(p->text);
	memset(p, 0, sizeof(*p));
}

/*
 * Parse `text` into p.  `where` names it in messages ("columns[2].path");
 * column references ({NAME} in a selector) are allowed when m is not NULL.
 */
static int path_parse(struct csv_path *p, struct sdx_csv_map *m, const char *text,
		      const char *where, int refs_allowed)
{
	char *copy = NULL, *s, *slash;
	int err = 0;

	memset(p, 0, sizeof(*p));
	if (text[0] != '/' || !text[1])
		return sdx_error_set(SDX_ESCHEMA, "'%s': %s: '%s' is not a path (it starts with '/' "
				     "and names a field, e.g. '/material/name')", m->name, where, text);
	if (!(p->text = strdup(text)) || !(copy = strdup(text + 1)))
		return oom();
	for (s = copy; s; s = slash ? slash + 1 : NULL) {
		struct csv_seg *g;
		char *eq;
		if ((slash = strchr(s, '/')))
			*slash = '\0';
		if (p->n >= CSV_PATH_MAX) {
			err = sdx_error_set(SDX_ESCHEMA, "'%s': %s: deeper than %d levels", m->name,
					    where, CSV_PATH_MAX);
			goto done;
		}
		if (!p->seg && !(p->seg = calloc(CSV_PATH_MAX, sizeof(*p->seg)))) {
			err = oom();
			goto done;
		}
		g = &p->seg[p->n++];
		if (strcmp(s, "-") == 0) {
			g->kind = SEG_NEW;
		} else if (all_digits(s) && (s[0] != '0' || !s[1]) && strlen(s) < 7) {
			g->kind = SEG_INDEX;
			g->index = (size_t)strtoul(s, NULL, 10);
		} else if ((eq = strchr(s, '=')) && eq > s) {
			size_t vlen;
			*eq = '\0';
			g->kind = SEG_SELECT;
			g->ref = -1;
			vlen = strlen(eq + 1);
			if (!(g->name = strdup(s)) || unescape(g->name) < 0) {
				err = g->name ? sdx_error_set(SDX_ESCHEMA, "'%s': %s: a '~' not followed "
							      "by 0 or 1", m->name, where) : oom();
				goto done;
			}
			if (vlen >= 2 && eq[1] == '{' && eq[vlen] == '}') {
				if (!refs_allowed) {
					err = sdx_error_set(SDX_ESCHEMA, "'%s': %s: a constant cannot "
							    "select by a column ('%s')", m->name, where,
							    eq + 1);
					goto done;
				}
				eq[vlen] = '\0';
				if ((g->ref = ref_of(m, eq + 2)) < 0) {
					err = oom();
					goto done;
				}
			} else if (!(g->value = strdup(eq + 1)) || unescape(g->value) < 0) {
				err = g->value ? sdx_error_set(SDX_ESCHEMA, "'%s': %s: a '~' not "
							       "followed by 0 or 1", m->name, where)
					       : oom();
				goto done;
			}
		} else {
			g->kind = SEG_MEMBER;
			if (!(g->name = strdup(s)) || unescape(g->name) < 0) {
				err = g->name ? sdx_error_set(SDX_ESCHEMA, "'%s': %s: a '~' not followed "
							      "by 0 or 1", m->name, where) : oom();
				goto done;
			}
			if (!*g->name) {
				err = sdx_error_set(SDX_ESCHEMA, "'%s': %s: an empty member name in "
						    "'%s'", m->name, where, text);
				goto done;
			}
		}
	}
	if (p->seg[p->n - 1].kind == SEG_SELECT)
		err = sdx_error_set(SDX_ESCHEMA, "'%s': %s: '%s' ends in a selector; it selects an "
				    "element, then names the member to set", m->name, where, text);
done:
	free(copy);
	return err;
}

/* p with its last segment replaced by member `name`: the unit beside a value. */
static int path_sibling(struct csv_path *out, const struct csv_path *p, const char *name)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	if (!(out->seg = calloc(CSV_PATH_MAX, sizeof(*out->seg))) || !(out->text = strdup(p->text)))
		return oom();
	out->n = p->n;
	for (i = 0; i < p->n; i++) {
		out->seg[i] = p->seg[i];
		out->seg[i].name = NULL;
		out->seg[i].value = NULL;
		if ((p->seg[i].name && !(out->seg[i].name = strdup(p->seg[i].name))) ||
		    (p->seg[i].value && !(out->seg[i].value = strdup(p->seg[i].value))))
			return oom();
	}
	free(out->seg[p->n - 1].name);
	out->seg[p->n - 1].kind = SEG_MEMBER;
	if (!(out->seg[p->n - 1].name = strdup(name)))
		return oom();
	return 0;
}

static const char *str_member(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static const struct {
	const char *name;
	enum csv_type type;
} types[] = {
	{ "string", TYPE_STRING }, { "number", TYPE_NUMBER }, { "integer", TYPE_INTEGER },
	{ "boolean", TYPE_BOOLEAN }, { "date", TYPE_DATE }, { "list", TYPE_LIST },
	{ "entry", TYPE_ENTRY }
};

/* A date format: YYYY, MM, M, DD, D and literal characters, each of Y, M, D once. */
static int date_format_ok(const char *f)
{
	int y = 0, mo = 0, d = 0;

	while (*f) {
		if (strncmp(f, "YYYY", 4) == 0) {
			y++;
			f += 4;
		} else if (*f == 'M') {
			mo++;
			f += f[1] == 'M' ? 2 : 1;
		} else if (*f == 'D') {
			d++;
			f += f[1] == 'D' ? 2 : 1;
		} else if (*f == 'Y' || (*f >= '0' && *f <= '9')) {
			return 0;
		} else {
			f++;
		}
	}
	return y == 1 && mo == 1 && d == 1;
}

static int column_parse(struct sdx_csv_map *m, struct csv_column *c, const json_t *j, size_t i)
{
	char where[64];
	const char *s;
	size_t k;
	int err;

	c->ref = c->unit_ref = -1;
	c->decimal = '.';
	snprintf(where, sizeof(where), "columns[%zu].path", i);
	if ((c->ref = ref_of(m, str_member(j, "column"))) < 0)
		return oom();
	if ((err = path_parse(&c->path, m, str_member(j, "path"), where, 1)) < 0)
		return err;
	c->type = TYPE_STRING;
	if ((s = str_member(j, "type")))
		for (k = 0; k < sizeof(types) / sizeof(types[0]); k++)
			if (strcmp(types[k].name, s) == 0)
				c->type = types[k].type;
	if ((s = str_member(j, "date_format")) && c->type != TYPE_DATE)
		return sdx_error_set(SDX_ESCHEMA, "'%s': columns[%zu].date_format: only a column of "
				     "type \"date\" has one", m->name, i);
	if (c->type == TYPE_DATE) {
		if (!s)
			s = "YYYY-MM-DD";
		if (!date_format_ok(s))
			return sdx_error_set(SDX_ESCHEMA, "'%s': columns[%zu].date_format: '%s' is not "
					     "a date format (YYYY, MM or M, DD or D once each, "
					     "e.g. DD.MM.YYYY)", m->name, i, s);
		if (!(c->date_format = strdup(s)))
			return oom();
	}
	if ((s = str_member(j, "decimal"))) {
		if (c->type != TYPE_NUMBER)
			return sdx_error_set(SDX_ESCHEMA, "'%s': columns[%zu].decimal: only a column "
					     "of type \"number\" has one", m->name, i);
		c->decimal = s[0];
	}
	if ((s = str_member(j, "split"))) {
		if (c->type != TYPE_LIST)
			return sdx_error_set(SDX_ESCHEMA, "'%s': columns[%zu].split: only a column of "
					     "type \"list\" has one", m->name, i);
		if (!(c->split = strdup(s)))
			return oom();
	} else if (c->type == TYPE_LIST && !(c->split = strdup(";"))) {
		return oom();
	}
	if (json_object_get(j, "unit") && json_object_get(j, "unit_column"))
		return sdx_error_set(SDX_ESCHEMA, "'%s': columns[%zu]: \"unit\" or \"unit_column\", "
				     "not both", m->name, i);
	if ((s = str_member(j, "unit")) && !(c->unit = strdup(s)))
		return oom();
	if ((s = str_member(j, "unit_column")) && (c->unit_ref = ref_of(m, s)) < 0)
		return oom();
	if ((c->unit || c->unit_ref >= 0) && c->type != TYPE_NUMBER && c->type != TYPE_INTEGER)
		return sdx_error_set(SDX_ESCHEMA, "'%s': columns[%zu]: a unit goes with a column of "
				     "type \"number\" or \"integer\"", m->name, i);
	if ((c->units = json_object_get(j, "units")))
		json_incref(c->units);
	if (c->units && c->unit_ref < 0)
		return sdx_error_set(SDX_ESCHEMA, "'%s': columns[%zu].units: translates the cells of "
				     "a \"unit_column\"; there is none", m->name, i);
	if ((c->unit || c->unit_ref >= 0) && (err = path_sibling(&c->unit_path, &c->path, "unit")) < 0)
		return err;
	if ((c->values = json_object_get(j, "values")))
		json_incref(c->values);
	if ((c->not_detected = json_object_get(j, "not_detected"))) {
		json_incref(c->not_detected);
		if (c->type != TYPE_NUMBER)
			return sdx_error_set(SDX_ESCHEMA, "'%s': columns[%zu].not_detected: only a "
					     "column of type \"number\" has it", m->name, i);
		if ((err = path_sibling(&c->nd_path, &c->path, "below_detection")) < 0)
			return err;
	}
	c->required = json_is_true(json_object_get(j, "required"));
	return 0;
}

static int map_build(struct sdx_csv_map *m, json_t *doc)
{
	const char *key, *s;
	json_t *v, *x;
	size_t i;
	int err;

	if (!(m->type = strdup(str_member(doc, "record"))))
		return oom();
	if ((s = str_member(doc, "delimiter")))
		m->delimiter = s[0];
	v = json_object_get(doc, "group_by");
	if (json_is_string(v)) {
		if ((m->group[0] = ref_of(m, json_string_value(v))) < 0)
			return oom();
		m->ngroup = 1;
	}
	json_array_foreach(v, i, x) {
		if (i >= CSV_GROUP_MAX)
			return sdx_error_set(SDX_ESCHEMA, "'%s': group_by: more than %d columns",
					     m->name, CSV_GROUP_MAX);
		if ((m->group[m->ngroup++] = ref_of(m, json_string_value(x))) < 0)
			return oom();
	}
	v = json_object_get(doc, "constants");
	if (json_object_size(v) && !(m->consts = calloc(json_object_size(v), sizeof(*m->consts))))
		return oom();
	json_object_foreach(v, key, x) {
		char where[300];
		struct csv_const *c = &m->consts[m->nconsts++]; /* freed with the map, even half made */
		snprintf(where, sizeof(where), "constants['%.200s']", key);
		if ((err = path_parse(&c->path, m, key, where, 0)) < 0)
			return err;
		c->value = json_incref(x);
	}
	v = json_object_get(doc, "columns");
	if (json_array_size(v) > SDX_CSV_MAP_MAX_COLUMNS)
		return sdx_error_set(SDX_ESCHEMA, "'%s': columns: more than %d", m->name,
				     SDX_CSV_MAP_MAX_COLUMNS);
	if (json_array_size(v) && !(m->cols = calloc(json_array_size(v), sizeof(*m->cols))))
		return oom();
	json_array_foreach(v, i, x) {
		m->ncols++;
		if ((err = column_parse(m, &m->cols[i], x, i)) < 0)
			return err;
	}
	v = json_object_get(doc, "sums");
	if (json_array_size(v) && !(m->sums = calloc(json_array_size(v), sizeof(*m->sums))))
		return oom();
	json_array_foreach(v, i, x) {
		char where[64];
		struct csv_sum *u = &m->sums[m->nsums++];
		snprintf(where, sizeof(where), "sums[%zu].path", i);
		if ((err = path_parse(&u->path, m, str_member(x, "path"), where, 0)) < 0)
			return err;
		snprintf(where, sizeof(where), "sums[%zu].of", i);
		if ((err = path_parse(&u->of, m, str_member(x, "of"), where, 0)) < 0)
			return err;
		for (size_t k = 0; k < u->of.n; k++)
			if (u->of.seg[k].kind == SEG_NEW)
				return sdx_error_set(SDX_ESCHEMA, "'%s': sums[%zu].of: '-' names no "
						     "element to read", m->name, i);
	}
	return 0;
}

int sdx_csv_map_parse(sdx_csv_map **out, const char *name, const char *json, size_t len)
{
	const struct sdx_schema *schema = NULL;
	struct sdx_csv_map *m = NULL;
	json_error_t jerr;
	json_t *doc = NULL;
	int err;

	*out = NULL;
	if (len > SDX_CSV_MAP_MAX_BYTES)
		return sdx_error_set(SDX_ELIMIT, "'%s': larger than %d bytes", name,
				     SDX_CSV_MAP_MAX_BYTES);
	if (!(doc = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr)))
		return sdx_error_set(SDX_EFORMAT, "'%s': line %d: not JSON: %s", name, jerr.line,
				     jerr.text);
	if ((err = sdx__schema_named(&schema, "csv-map")) < 0)
		goto done;
	if ((err = sdx__schema_validate(schema, doc)) < 0) {
		char msg[1024];
		snprintf(msg, sizeof(msg), "%s", sdx_error_last());
		err = sdx_error_set(err, "'%s': %s", name, msg);
		goto done;
	}
	if (!(m = calloc(1, sizeof(*m))) || !(m->name = strdup(name))) {
		err = oom();
		goto done;
	}
	if ((err = map_build(m, doc)) < 0)
		goto done;
	if (!sdx_record_type_known(m->type)) {
		err = sdx_error_set(SDX_ESCHEMA, "'%s': record: unknown record type '%s'", name,
				    m->type);
		goto done;
	}
	*out = m;
	m = NULL;
done:
	sdx_csv_map_free(m);
	json_decref(doc);
	return err;
}

int sdx_csv_map_read(sdx_csv_map **out, const char *path)
{
	FILE *f;
	char *buf = NULL;
	size_t n;
	int err;

	*out = NULL;
	if (!(f = fopen(path, "rb")))
		return sdx_error_set(SDX_ENOTFOUND, "cannot open '%s': no such file", path);
	if (!(buf = malloc(SDX_CSV_MAP_MAX_BYTES + 1))) {
		fclose(f);
		return oom();
	}
	n = fread(buf, 1, SDX_CSV_MAP_MAX_BYTES + 1, f);
	if (ferror(f)) {
		err = sdx_error_set(SDX_EIO, "cannot read '%s'", path);
		goto done;
	}
	err = sdx_csv_map_parse(out, path, buf, n);
done:
	fclose(f);
	free(buf);
	return err;
}

const char *sdx_csv_map_type(const sdx_csv_map *m)
{
	return m->type;
}

void sdx_csv_map_free(sdx_csv_map *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->nrefs; i++)
		free(m->refs[i]);
	free(m->refs);
	for (i = 0; i < m->nconsts; i++) {
		sdx__csv_path_free(&m->consts[i].path);
		json_decref(m->consts[i].value);
	}
	free(m->consts);
	for (i = 0; i < m->ncols; i++) {
		struct csv_column *c = &m->cols[i];
		sdx__csv_path_free(&c->path);
		sdx__csv_path_free(&c->unit_path);
		sdx__csv_path_free(&c->nd_path);
		free(c->date_format);
		free(c->split);
		free(c->unit);
		json_decref(c->units);
		json_decref(c->values);
		json_decref(c->not_detected);
	}
	free(m->cols);
	for (i = 0; i < m->nsums; i++) {
		sdx__csv_path_free(&m->sums[i].path);
		sdx__csv_path_free(&m->sums[i].of);
	}
	free(m->sums);
	free(m->type);
	free(m->name);
	free(m);
}
