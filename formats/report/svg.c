/*
 * formats/report/svg.c - the provenance graph of a trace as an inline SVG
 * picture: shipment -> batches -> (lot) -> declarations -> lab reports, one
 * column per depth, rows in the order the trace lists the records, so the
 * same trace gives the same picture.  No scripts, no styles beyond the
 * classes the page's stylesheet colours, nothing fetched.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "formats/report/report.h"
#include "formats/text/l10n.h"

#define BOX_W 240
#define BOX_H 58
#define COL_W 350
#define ROW_H 74
#define PAD 16
#define TOP 12

struct vnode {
	const json_t *rec; /* the trace node, or the evidence item of a report */
	const char *key;   /* leaf hash of a record, SHA-256 (else number) of a report */
	const char *mark;  /* "fail", "unknown", "withdrawn" or "" */
	int report, depth, row;
};

struct vedge {
	size_t from, to;
	char label[120];
};

struct layout {
	struct vnode *n;
	size_t nn, capn;
	struct vedge *e;
	size_t ne, cape;
	int rows[64], maxdepth;
	const json_t *marks;
	int oom;
};

static const char *str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static size_t find(const struct layout *L, const char *key, int report)
{
	for (size_t i = 0; i < L->nn; i++)
		if (L->n[i].report == report && strcmp(L->n[i].key, key) == 0)
			return i;
	return SIZE_MAX;
}

static size_t add_node(struct layout *L, const json_t *rec, const char *key, int report, int depth)
{
	struct vnode *v;

	if (depth > 63)
		depth = 63;
	if (L->nn == L->capn) {
		size_t cap = L->capn ? 2 * L->capn : 16;
		struct vnode *p = realloc(L->n, cap * sizeof(*p));
		if (!p) {
			L->oom = 1;
			return SIZE_MAX;
		}
		L->n = p;
		L->capn = cap;
	}
	v = &L->n[L->nn];
	v->rec = rec;
	v->key = key;
	v->report = report;
	v->depth = depth;
	v->row = L->rows[depth]++;
	v->mark = "";
	if (!report) {
		const char *m = json_string_value(json_object_get(L->marks, key));
		if (m)
			v->mark = m;
		else if (strcmp(str(rec, "status"), "withdrawn") == 0 ||
			 strcmp(str(rec, "status"), "missing") == 0)
			v->mark = "fail";
	}
	if (depth > L->maxdepth)
		L->maxdepth = depth;
	return L->nn++;
}

static void add_edge(struct layout *L, size_t from, size_t to, const char *label)
{
	if (from == SIZE_MAX || to == SIZE_MAX)
		return;
	if (L->ne == L->cape) {
		size_t cap = L->cape ? 2 * L->cape : 16;
		struct vedge *p = realloc(L->e, cap * sizeof(*p));
		if (!p) {
			L->oom = 1;
			return;
		}
		L->e = p;
		L->cape = cap;
	}
	L->e[L->ne].from = from;
	L->e[L->ne].to = to;
	snprintf(L->e[L->ne].label, sizeof(L->e[L->ne].label), "%s", label);
	L->ne++;
}

static size_t visit(struct layout *L, const json_t *rec, int depth)
{
	const json_t *x, *ev;
	size_t me, i, to;
	char label[120];

	if ((me = find(L, str(rec, "ref"), 0)) != SIZE_MAX)
		return me;
	if ((me = add_node(L, rec, str(rec, "ref"), 0, depth)) == SIZE_MAX)
		return me;
	json_array_foreach(json_object_get(rec, "inputs"), i, x) {
		const json_t *q = json_object_get(x, "quantity");
		label[0] = '\0';
		if (json_object_get(x, "lot_number"))
			snprintf(label, sizeof(label), "lot %s", str(x, "lot_number"));
		else if (q)
			snprintf(label, sizeof(label), "%g %s",
				 json_number_value(json_object_get(q, "value")), str(q, "unit"));
		to = visit(L, json_object_get(x, "record"), depth + 1);
		add_edge(L, me, to, label);
	}
	json_array_foreach(json_object_get(rec, "evidence"), i, ev) {
		const char *key = *str(ev, "sha256") ? str(ev, "sha256") : str(ev, "report_number");
		if ((to = find(L, key, 1)) == SIZE_MAX)
			to = add_node(L, ev, key, 1, depth + 1);
		add_edge(L, me, to, "");
	}
	return me;
}

static int box_x(const struct vnode *v)
{
	return PAD + v->depth * COL_W;
}

static int box_y(const struct vnode *v)
{
	return TOP + v->row * ROW_H;
}

/* The first line of a record's box: its label up to the ':' ("batch X"). */
static void head_line(FILE *f, const struct vnode *v)
{
	const char *label = str(v->rec, "label"), *colon;
	char buf[96];

	if (v->report) {
		snprintf(buf, sizeof(buf), "report %s", str(v->rec, "report_number"));
		sdx__rp_esc_cut(f, buf, 30);
		return;
	}
	if (strcmp(str(v->rec, "status"), "missing") == 0) {
		snprintf(buf, sizeof(buf), "MISSING %.16s", str(v->rec, "ref"));
		sdx__rp_esc(f, buf);
		return;
	}
	colon = strstr(label, ": ");
	snprintf(buf, sizeof(buf), "%.*s", colon ? (int)(colon - label) : (int)strlen(label), label);
	sdx__rp_esc_cut(f, buf, 30);
}

/* The second line: the rest of the label, or the lab of a report. */
static void tail_line(FILE *f, const struct vnode *v)
{
	const char *label = str(v->rec, "label"), *colon = strstr(label, ": ");

	if (v->report)
		sdx__rp_esc_cut(f, str(v->rec, "lab"), 34);
	else if (colon)
		sdx__rp_esc_cut(f, colon + 2, 34);
}

int sdx__rp_svg(FILE *f, const json_t *trace, const json_t *marks, size_t *nodes)
{
	struct layout L;
	int maxrow = 0, w, h;
	size_t i;

	memset(&L, 0, sizeof(L));
	L.marks = marks;
	visit(&L, trace, 0);
	if (L.oom) {
		free(L.n);
		free(L.e);
		return -1;
	}
	for (i = 0; i <= (size_t)L.maxdepth && i < 64; i++)
		if (L.rows[i] > maxrow)
			maxrow = L.rows[i];
	w = 2 * PAD + L.maxdepth * COL_W + BOX_W;
	h = TOP + maxrow * ROW_H + 4;
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"graph\" role=\"img\" "
		"width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
		"aria-label=\"provenance graph: %zu boxes\">\n", w, h, w, h, L.nn);
	for (i = 0; i < L.ne; i++) {
		const struct vnode *a = &L.n[L.e[i].from], *b = &L.n[L.e[i].to];
		int x1 = box_x(a) + BOX_W, y1 = box_y(a) + BOX_H / 2;
		int x2 = box_x(b), y2 = box_y(b) + BOX_H / 2, mx = (x1 + x2) / 2;
		fprintf(f, "<path class=\"edge\" d=\"M%d %d C%d %d %d %d %d %d\"/>\n", x1, y1, mx, y1,
			mx, y2, x2, y2);
		if (L.e[i].label[0]) {
			fprintf(f, "<text class=\"edge-label\" x=\"%d\" y=\"%d\">", x2 - 4, y2 - 5);
			sdx__rp_esc_cut(f, L.e[i].label, 30);
			fprintf(f, "</text>\n");
		}
	}
	for (i = 0; i < L.nn; i++) {
		const struct vnode *v = &L.n[i];
		fprintf(f, "<g class=\"node %s%s%s\" data-ref=\"", v->report ? "report" : "record",
			*v->mark ? " " : "", v->mark);
		sdx__rp_esc(f, v->key);
		fprintf(f, "\">\n<title>");
		sdx__rp_esc(f, v->report ? str(v->rec, "report_number") : str(v->rec, "label"));
		if (*v->mark)
			fprintf(f, " (%s)", strcmp(v->mark, "fail") == 0 ? _("fails a rule, withdrawn or "
				"missing") : _("cannot be judged"));
		fprintf(f, "</title>\n<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"6\"/>\n",
			box_x(v), box_y(v), BOX_W, BOX_H);
		fprintf(f, "<text class=\"head\" x=\"%d\" y=\"%d\">", box_x(v) + 8, box_y(v) + 22);
		head_line(f, v);
		fprintf(f, "</text>\n<text class=\"sub\" x=\"%d\" y=\"%d\">", box_x(v) + 8,
			box_y(v) + 42);
		tail_line(f, v);
		fprintf(f, "</text>\n</g>\n");
	}
	fprintf(f, "</svg>\n");
	*nodes = L.nn;
	free(L.n);
	free(L.e);
	return 0;
}
