/*
 * formats/export/cn_customs.c - sdx_export_cn_customs: the document lines a
 * China customs declaration takes for the accredited test reports behind a
 * shipment's items (formats/cn-customs.md), in CSV or JSON.  The codes are
 * data: formats/export/cn-customs.json, compiled in.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sdx/error.h"
#include "formats/csv/csv.h"
#include "formats/embedded.h"
#include "formats/export/export.h"
#include "formats/records/internal.h"
#include "formats/schema/schema.h"
#include "formats/text/text.h"
#include "ledger/internal.h"

#define CODES_NAME "cn-customs"
#define DOC_FORMAT "sdx-cn-customs/1"
#define MAX_REASONS 6       /* per item, in its problem line; then "and N more" */
#define MAX_DOCNUM 200      /* bytes of a document number */
#define MAX_STANDARDS 20    /* a report's, as the record schemas allow */

/* The CSV columns, in order: the members of each line of the JSON form. */
static const char *const columns[] = {
	"item", "hs_code", "batch_id", "lot", "subject", "licence_category", "document_number",
	"cargo_attribute", "report_number", "lab_name", "accreditation_body",
	"accreditation_number", "issue_date", "valid_until", "evidence_sha256", "record_type",
	"origin", "index", "leaf_hash"
};
#define NCOLUMNS (sizeof(columns) / sizeof(columns[0]))

struct codes {
	json_t *doc;
	const char *licence, *cargo, *template;
	const json_t *bodies;
};

/* A text that grows: lines of messages.  err set once memory ran out. */
struct grow {
	char *p;
	size_t len;
	int err;
};

static void grow_add(struct grow *g, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

static void grow_add(struct grow *g, const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	if (g->err)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !(p = realloc(g->p, g->len + (size_t)n + 1))) {
		g->err = SDX_ENOMEM;
		return;
	}
	g->p = p;
	va_start(ap, fmt);
	vsnprintf(g->p + g->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	g->len += (size_t)n;
}

/* One item being worked on. */
struct item_state {
	const sdx_graph *g;
	const struct codes *c;
	const sdx_lab_register *labs;
	const char *ship_date;
	json_t *lines;          /* every line of the export */
	json_t *skipped;        /* every report that does not count, and why */
	/* the report being judged: its record, batch, lot and subject */
	size_t rec;
	const char *batch_id, *lot, *subject;
	size_t first_line;      /* this item's first, in lines */
	size_t number;          /* 1-based */
	const char *hs_code;
	unsigned char *seen;    /* batches visited for this item */
	struct grow why;        /* why each report of the item does not count, a line each */
	size_t reports, reasons;
	int err;
};

static int codes_error(const char *what)
{
	return sdx_error_set(SDX_EFORMAT, "embedded formats/export/cn-customs.json: %s", what);
}

/* Read formats/export/cn-customs.json and check what this file relies on. */
static int codes_load(struct codes *c)
{
	const char *t;
	const json_t *v;
	const char *k;

	memset(c, 0, sizeof(*c));
	for (size_t i = 0; sdx_embedded_interop[i].name; i++)
		if (strcmp(sdx_embedded_interop[i].name, CODES_NAME) == 0)
			c->doc = json_loadb(sdx_embedded_interop[i].text, sdx_embedded_interop[i].len,
					    0, NULL);
	if (!c->doc)
		return codes_error("missing or not JSON");
	c->licence = sdx__xp_str(c->doc, "licence_category.code");
	c->cargo = sdx__xp_str(c->doc, "cargo_attribute.code");
	c->template = json_string_value(json_object_get(c->doc, "document_number"));
	c->bodies = json_object_get(c->doc, "accreditation_bodies");
	if (!c->licence || !*c->licence || !c->cargo || !*c->cargo)
		return codes_error("licence_category.code and cargo_attribute.code must be strings");
	if (!json_is_object(c->bodies))
		return codes_error("accreditation_bodies must be an object");
	json_object_foreach((json_t *)c->bodies, k, v)
		if (!sdx__xp_str(v, "code") || !*sdx__xp_str(v, "code"))
			return codes_error("each of accreditation_bodies needs a code");
	if (!c->template || !strstr(c->template, "{report}"))
		return codes_error("document_number must be a template naming {report}");
	for (t = strchr(c->template, '{'); t; t = strchr(t + 1, '{'))
		if (strncmp(t, "{code}", 6) && strncmp(t, "{number}", 8) && strncmp(t, "{report}", 8))
			return codes_error("document_number: only {code}, {number} and {report}");
	return 0;
}

/* The document number from the template; 0, or -1 if it does not fit. */
static int document_number(char out[MAX_DOCNUM], const char *tpl, const char *code,
			   const char *number, const char *report)
{
	struct text t = { out, MAX_DOCNUM, 0 };
	const char *p = tpl;

	out[0] = '\0';
	while (*p) {
		size_t lit = strcspn(p, "{");
		sdx__text_add(&t, "%.*s", (int)lit, p);
		p += lit;
		if (!*p)
			break;
		if (strncmp(p, "{code}", 6) == 0)
			sdx__text_add(&t, "%s", code), p += 6;
		else if (strncmp(p, "{number}", 8) == 0)
			sdx__text_add(&t, "%s", number), p += 8;
		else
			sdx__text_add(&t, "%s", report), p += 8; /* {report}: codes_load checked */
	}
	return strlen(out) + 1 >= MAX_DOCNUM ? -1 : 0;
}

/* Note why one report of the item does not count. */
static void reason(struct item_state *s, const char *report, const char *where, const char *fmt,
		   ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

static void reason(struct item_state *s, const char *report, const char *where, const char *fmt,
		   ...)
{
	char msg[1200], head[400];
	va_list ap;
	json_t *o;

	s->reasons++;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sdx__text_put(head, sizeof(head), "report %s (%s)", report, where);
	/* the lines below are split at tabs and line ends: none may come from the records */
	for (char *c = msg; *c; c++)
		if (*c == '\t' || *c == '\n' || *c == '\r')
			*c = ' ';
	for (char *c = head; *c; c++)
		if (*c == '\t' || *c == '\n' || *c == '\r')
			*c = ' ';
	/* "report R (where)" TAB why: the caller puts them into its sentence */
	grow_add(&s->why, "%s\t%s\n", head, msg);
	o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s}", "item",
		      (json_int_t)s->number, "batch_id", s->batch_id, "lot", s->lot, "subject",
		      s->subject, "report_number", report, "reason", msg, "record_type",
		      s->g->n[s->rec].type->name, "origin", s->g->n[s->rec].origin, "index",
		      (json_int_t)s->g->n[s->rec].index, "leaf_hash", s->g->n[s->rec].hex);
	if (!o || json_array_append_new(s->skipped, o) < 0)
		s->err = sdx_error_set(SDX_ENOMEM, "out of memory");
}

static int set_str(json_t *o, const char *k, const char *v)
{
	return json_object_set_new(o, k, json_string(v ? v : ""));
}

/* 1 if the item has a line with this document number already. */
static int listed(const struct item_state *s, const char *docnum)
{
	for (size_t i = s->first_line; i < json_array_size(s->lines); i++)
		if (strcmp(sdx__xp_str(json_array_get(s->lines, i), "document_number"), docnum) == 0)
			return 1;
	return 0;
}

/* The strings of array a (at most max), borrowed; their count. */
static size_t strings(const char **out, size_t max, const json_t *a)
{
	size_t n = 0, i;
	const json_t *v;

	json_array_foreach(a, i, v)
		if (json_is_string(v) && n < max)
			out[n++] = json_string_value(v);
	return n;
}

/*
 * Report `ev` of record `rec` (a batch: subject "product", lot its batch_id;
 * a declaration: "material", lot the supplier lot the batch took): a line if
 * it counts, else a reason.
 */
static void report(struct item_state *s, size_t rec, const json_t *ev, const char *batch_id,
		   const char *lot, const char *subject)
{
	const sdx_graph *g = s->g;
	const char *rn = sdx__xp_str(ev, "report_number"), *body, *number, *status, *until, *code;
	const char *issued = sdx__xp_str(ev, "issue_date"), *std[MAX_STANDARDS], *items[100];
	const sdx_lab_entry *e;
	char where[300], why[1024], docnum[MAX_DOCNUM];
	const char *plain;
	size_t nstd, nitems, blen;
	json_t *line;
	int v;

	s->reports++;
	s->rec = rec;
	s->batch_id = batch_id ? batch_id : "";
	s->lot = lot ? lot : "";
	s->subject = subject;
	if (!rn)
		rn = "?";
	sdx__text_put(where, sizeof(where), "%s %s", strcmp(subject, "product") ? "lot" : "batch", lot);
	status = sdx__xp_status(g, rec);
	if (strcmp(status, "ok") != 0) {
		const char *id = sdx__xp_str(sdx__graph_body(g, &g->n[rec]), "declaration_id");
		reason(s, rn, where, "declaration %s is %s", id ? id : g->n[rec].hex, status);
		return;
	}
	body = sdx__xp_str(ev, "accreditation.body");
	number = sdx__xp_str(ev, "accreditation.number");
	if (!number) {
		reason(s, rn, where, "it names no accreditation");
		return;
	}
	if (!body || !(code = sdx__xp_str(json_object_get(s->c->bodies, body), "code"))) {
		reason(s, rn, where, "accreditation body '%s' has no code for licence category %s "
		       "(formats/export/cn-customs.json)", body ? body : "", s->c->licence);
		return;
	}
	until = sdx__xp_str(ev, "valid_until");
	if (until && strcmp(until, s->ship_date) < 0) {
		reason(s, rn, where, "valid until %s, before the ship date %s", until, s->ship_date);
		return;
	}
	nstd = strings(std, MAX_STANDARDS, json_object_get(ev, "standards"));
	nitems = strings(items, sizeof(items) / sizeof(*items), json_object_get(ev, "test_items"));
	v = sdx_lab_register_judge(why, sizeof(why), s->labs, body, number, issued ? issued : "",
				   std, nstd, items, nitems);
	if (v < 0) {
		reason(s, rn, where, "%s", sdx_error_last());
		return;
	}
	if (v != SDX_LAB_OK) {
		reason(s, rn, where, "%s", why);
		return;
	}
	/* the number as the register lists it, less the body's prefix: "CNAS L9012" is "L9012" */
	e = sdx_lab_register_entry(s->labs, sdx_lab_register_find(s->labs, 0, body, number));
	plain = e->number;
	blen = strlen(e->body);
	if (strncasecmp(plain, e->body, blen) == 0 && plain[blen] == ' ')
		plain += blen + 1;
	if (document_number(docnum, s->c->template, code, plain, rn) < 0) {
		reason(s, rn, where, "the document number would be longer than %d bytes",
		       MAX_DOCNUM - 1);
		return;
	}
	if (listed(s, docnum))
		return;
	line = json_object();
	if (!line || json_object_set_new(line, "item", json_integer((json_int_t)s->number)) < 0 ||
	    set_str(line, "hs_code", s->hs_code) < 0 || set_str(line, "batch_id", batch_id) < 0 ||
	    set_str(line, "lot", lot) < 0 || set_str(line, "subject", subject) < 0 ||
	    set_str(line, "licence_category", s->c->licence) < 0 ||
	    set_str(line, "document_number", docnum) < 0 ||
	    set_str(line, "cargo_attribute", s->c->cargo) < 0 ||
	    set_str(line, "report_number", rn) < 0 ||
	    set_str(line, "lab_name", sdx__xp_str(ev, "lab_name")) < 0 ||
	    set_str(line, "accreditation_body", e->body) < 0 ||
	    set_str(line, "accreditation_number", e->number) < 0 ||
	    set_str(line, "issue_date", issued) < 0 || set_str(line, "valid_until", until) < 0 ||
	    set_str(line, "evidence_sha256", sdx__xp_str(ev, "attachment.sha256")) < 0 ||
	    set_str(line, "record_type", g->n[rec].type->name) < 0 ||
	    set_str(line, "origin", g->n[rec].origin) < 0 ||
	    json_object_set_new(line, "index", json_integer((json_int_t)g->n[rec].index)) < 0 ||
	    set_str(line, "leaf_hash", g->n[rec].hex) < 0) {
		json_decref(line);
		s->err = sdx_error_set(SDX_ENOMEM, "out of memory");
	} else if (json_array_append_new(s->lines, line) < 0) { /* took line either way */
		s->err = sdx_error_set(SDX_ENOMEM, "out of memory");
	}
}

/* The batch node b and what went into it: its reports, its lots' reports, its sub-assemblies. */
static void batch(struct item_state *s, size_t b, int depth)
{
	const sdx_graph *g = s->g;
	const json_t *body, *ev, *in;
	const char *id;
	size_t k, to;

	if (s->err || s->seen[b])
		return;
	if (depth > MAX_WALK_DEPTH) {
		s->err = sdx_error_set(SDX_EVERIFY, "entry %s: inputs nested too deep", g->n[b].hex);
		return;
	}
	s->seen[b] = 1;
	if (!(body = sdx__graph_body(g, &g->n[b]))) {
		s->err = sdx_error_set(SDX_EIO, "entry %s cannot be read", g->n[b].hex);
		return;
	}
	id = sdx__xp_str(body, "batch_id");
	json_array_foreach(json_object_get(body, "evidence"), k, ev)
		report(s, b, ev, id, id, "product");
	json_array_foreach(json_object_get(body, "inputs"), k, in) {
		if (s->err)
			return;
		/* sdx__xp_walk found every input held */
		if ((to = sdx__xp_node(g, sdx__xp_str(in, "entry"))) == SIZE_MAX)
			continue;
		if (sdx__xp_is(g, to, "batch")) {
			batch(s, to, depth + 1);
		} else if (sdx__xp_is(g, to, "declaration")) {
			const json_t *d = sdx__graph_body(g, &g->n[to]);
			const char *lot = sdx__xp_str(in, "lot_number");
			size_t j;
			json_array_foreach(json_object_get(d, "evidence"), j, ev)
				report(s, to, ev, id, lot ? lot : "", "material");
		}
	}
}

/* The CSV form of the lines. */
static int csv_text(char **out, const json_t *lines)
{
	struct sdx__csv_out w;
	const json_t *line, *v;
	char num[24];
	size_t i, k;
	int err = 0;

	sdx__csv_out_init(&w, 0);
	for (k = 0; k < NCOLUMNS && err == 0; k++)
		err = sdx__csv_put(&w, columns[k], (size_t)-1);
	if (err == 0)
		err = sdx__csv_end_row(&w);
	json_array_foreach(lines, i, line) {
		for (k = 0; k < NCOLUMNS && err == 0; k++) {
			v = json_object_get(line, columns[k]);
			if (json_is_integer(v)) {
				sdx__text_put(num, sizeof(num), "%lld", (long long)json_integer_value(v));
				err = sdx__csv_put(&w, num, (size_t)-1);
			} else {
				err = sdx__csv_put(&w, json_string_value(v), (size_t)-1);
			}
		}
		if (err == 0)
			err = sdx__csv_end_row(&w);
	}
	if (err < 0) {
		sdx__csv_out_free(&w);
		return err;
	}
	return (*out = sdx__csv_out_take(&w, NULL)) ? 0 : SDX_ENOMEM;
}

/* The JSON form: checked against the embedded schema it is documented by. */
static int json_text(char **out, const sdx_graph *g, size_t node, const json_t *ship,
		     const struct codes *c, size_t items, json_t *lines, json_t *skipped)
{
	const struct sdx_schema *schema;
	json_t *doc;
	int err;

	doc = json_pack("{s:s, s:{s:s, s:s, s:s, s:I, s:s, s:I}, s:{s:s, s:s}, s:O, s:O}",
			"format", DOC_FORMAT,
			"shipment", "shipment_id", sdx__xp_str(ship, "shipment_id"),
			"ship_date", sdx__xp_str(ship, "ship_date"), "origin", g->n[node].origin,
			"index", (json_int_t)g->n[node].index, "leaf_hash", g->n[node].hex,
			"items", (json_int_t)items,
			"codes", "licence_category", c->licence, "cargo_attribute", c->cargo,
			"lines", lines, "not_counted", skipped);
	if (!doc)
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	if ((err = sdx__schema_named(&schema, "cn-customs")) < 0 ||
	    (err = sdx__schema_validate(schema, doc)) < 0) {
		json_decref(doc);
		return err;
	}
	if ((err = sdx__xp_dump(out, doc, 1)) == 0) {
		/* a text file: its last line ends */
		size_t n = strlen(*out);
		char *t = realloc(*out, n + 2);
		if (!t) {
			free(*out);
			*out = NULL;
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		}
		memcpy(t + n, "\n", 2);
		*out = t;
	}
	return err;
}

int sdx_export_cn_customs(char **out, sdx_cn_customs_result *res, const sdx_graph *g,
			  size_t node, const sdx_lab_register *labs, sdx_cn_customs_format format)
{
	struct codes c;
	struct xp_walk w = { 0 };
	struct item_state s;
	struct grow problems = { 0 }, notes = { 0 };
	size_t k;
	const json_t *ship, *it;
	json_t *lines = NULL;
	int err;

	*out = NULL;
	memset(res, 0, sizeof(*res));
	memset(&s, 0, sizeof(s));
	if (format != SDX_CN_CUSTOMS_CSV && format != SDX_CN_CUSTOMS_JSON)
		return sdx_error_set(SDX_EINVAL, "customs lines: format %d is neither CSV nor JSON",
				     (int)format);
	if (!labs)
		return sdx_error_set(SDX_EINVAL, "customs lines: no lab register (an empty one "
				     "judges every report not listed)");
	if ((err = codes_load(&c)) < 0)
		goto done;
	/* reads what a lazy graph lacks, and makes sure that every input is held */
	if ((err = sdx__xp_walk(&w, g, node)) < 0)
		goto done;
	if (!sdx__xp_is(g, node, "shipment")) {
		char label[300];
		sdx__graph_label(label, sizeof(label), g, node);
		err = sdx_error_set(SDX_EINVAL, "customs lines are written for a shipment; entry %.16s "
				    "is %s", g->n[node].hex, label);
		goto done;
	}
	ship = sdx__graph_body(g, &g->n[node]);
	if (!ship || !(lines = json_array()) || !(s.skipped = json_array()) ||
	    !(s.seen = calloc(g->len, 1))) {
		err = ship ? sdx_error_set(SDX_ENOMEM, "out of memory")
			   : sdx_error_set(SDX_EIO, "entry %s cannot be read", g->n[node].hex);
		goto done;
	}
	s.g = g;
	s.c = &c;
	s.labs = labs;
	s.lines = lines;
	if (!(s.ship_date = sdx__xp_str(ship, "ship_date")))
		s.ship_date = ""; /* the schemas require it: never so in a ledger */
	json_array_foreach(json_object_get(ship, "items"), k, it) {
		size_t b = sdx__xp_node(g, sdx__xp_str(it, "batch")), r;
		const char *bid, *id = sdx__xp_str(ship, "shipment_id"), *p, *nl, *tab;

		memset(s.seen, 0, g->len);
		s.first_line = json_array_size(lines);
		s.number = k + 1;
		s.hs_code = sdx__xp_str(it, "hs_code");
		s.why.len = 0;
		s.reports = s.reasons = 0;
		res->items++;
		if (b == SIZE_MAX)
			continue; /* sdx__xp_walk refused that */
		batch(&s, b, 0);
		if ((err = s.err) < 0)
			goto done;
		if (s.why.err) {
			err = sdx_error_set(SDX_ENOMEM, "out of memory");
			goto done;
		}
		res->reports += s.reports;
		res->skipped += s.reasons;
		if (json_array_size(lines) > s.first_line) {
			/* the item has its lines: each report left out is a note */
			for (p = s.why.p, r = 0; r < s.reasons; r++, p = nl + 1) {
				nl = strchr(p, '\n');
				tab = strchr(p, '\t');
				grow_add(&notes, "shipment '%s': item %zu: %.*s not counted: %.*s\n",
					 id, s.number, (int)(tab - p), p, (int)(nl - tab - 1), tab + 1);
			}
			continue;
		}
		/* no line for this item: say what is missing, naming each report's fault */
		res->missing++;
		bid = sdx__xp_str(sdx__graph_body(g, &g->n[b]), "batch_id");
		grow_add(&problems, "shipment '%s': item %zu (batch %s, HS %s): no accredited test "
			 "report to declare under licence category %s: ", id, s.number,
			 bid ? bid : "?", s.hs_code ? s.hs_code : "?", c.licence);
		if (s.reports == 0)
			grow_add(&problems, "the batch and its inputs hold no test report");
		for (p = s.why.p, r = 0; r < s.reasons && r < MAX_REASONS; r++, p = nl + 1) {
			nl = strchr(p, '\n');
			tab = strchr(p, '\t');
			grow_add(&problems, "%s%.*s: %.*s", r ? "; " : "", (int)(tab - p), p,
				 (int)(nl - tab - 1), tab + 1);
		}
		if (s.reasons > MAX_REASONS)
			grow_add(&problems, "; and %zu more", s.reasons - MAX_REASONS);
		grow_add(&problems, "\n");
	}
	if (s.why.err || problems.err || notes.err) {
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
		goto done;
	}
	res->lines = json_array_size(lines);
	if (format == SDX_CN_CUSTOMS_CSV)
		err = csv_text(out, lines);
	else
		err = json_text(out, g, node, ship, &c, res->items, lines, s.skipped);
	if (err == 0) {
		res->problems = problems.p;
		res->notes = notes.p;
		problems.p = notes.p = NULL;
	}
done:
	if (err < 0)
		res->items = res->lines = res->missing = res->reports = res->skipped = 0;
	free(problems.p);
	free(notes.p);
	free(s.why.p);
	free(s.seen);
	json_decref(lines);
	json_decref(s.skipped);
	json_decref(c.doc);
	sdx__xp_walk_free(&w);
	return err;
}
