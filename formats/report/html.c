/*
 * formats/report/html.c - the human report (formats/report.md): one HTML
 * page, its stylesheet inline and pinned by hash in a Content-Security-Policy
 * that allows nothing else, every string from a record escaped.  Built from
 * the library's own results: sdx_profile_check() per profile (the matrix
 * `sdx check REF` prints), sdx_graph_trace() (the tree `sdx trace` prints),
 * the records' bodies (claims, evidence) and their checkpoints.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sdx/error.h"
#include "sdx/report.h"
#include "formats/export/export.h"
#include "formats/graph/internal.h"
#include "formats/report/report.h"
#include "formats/text/l10n.h"
#include "ledger/internal.h"

static const char css[] =
	"body{font:14px/1.45 system-ui,sans-serif;color:#1b1b1b;margin:24px auto;max-width:1400px;"
	"padding:0 16px}\n"
	"h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;border-bottom:1px solid #ccc;"
	"padding-bottom:3px;margin-top:28px}\n"
	".meta{color:#555}table{border-collapse:collapse;width:100%;margin:8px 0}\n"
	"th,td{border:1px solid #d5d5d5;padding:4px 6px;text-align:left;vertical-align:top}\n"
	"th{background:#f1f1f1}code,.hash{font:12px/1.3 ui-monospace,monospace;word-break:break-all}\n"
	".tag{font-weight:700;white-space:nowrap}.v-pass .tag{color:#1b6e20}.v-fail .tag{color:#b71c1c}\n"
	".v-unknown .tag{color:#a05a00}.v-not_applicable .tag{color:#666}\n"
	"tr.v-fail{background:#fdecec}tr.v-unknown{background:#fff6e0}\n"
	".overall{font-size:16px;padding:8px 10px;border-radius:4px;display:inline-block}\n"
	".overall.v-fail{background:#fdecec}.overall.v-pass{background:#e8f5e9}"
	".overall.v-unknown{background:#fff6e0}.overall.v-not_applicable{background:#eee}\n"
	".figure{overflow-x:auto;border:1px solid #ddd;padding:6px}\n"
	"svg.graph .node rect{fill:#eef4fb;stroke:#35608f;stroke-width:1.2}\n"
	"svg.graph .node.report rect{fill:#f5f5f5;stroke:#777}\n"
	"svg.graph .node.fail rect{fill:#fde2e2;stroke:#c62828;stroke-width:2.5}\n"
	"svg.graph .node.unknown rect{fill:#fff4d6;stroke:#b26a00;stroke-width:2}\n"
	"svg.graph text{font:12px system-ui,sans-serif;fill:#1b1b1b}"
	"svg.graph text.head{font-weight:700}\n"
	"svg.graph text.edge-label{font-size:11px;fill:#444;text-anchor:end}\n"
	"svg.graph .edge{fill:none;stroke:#888;stroke-width:1.3}\n"
	".legend span{display:inline-block;margin-right:14px}.legend i{display:inline-block;width:14px;"
	"height:10px;margin-right:4px;border:1.5px solid}\n"
	".legend .l-record{background:#eef4fb;border-color:#35608f}"
	".legend .l-report{background:#f5f5f5;border-color:#777}\n"
	".legend .l-fail{background:#fde2e2;border-color:#c62828}"
	".legend .l-unknown{background:#fff4d6;border-color:#b26a00}\n"
	"footer{margin-top:30px;color:#666;font-size:12px}\n"
	"@media print{body{margin:0;max-width:none;font-size:10pt}h2{break-after:avoid}\n"
	"tr,.figure,svg{break-inside:avoid}.figure{overflow:visible;border:none}"
	"svg.graph{max-width:100%;height:auto}\n"
	"*{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
	"@page{size:A4 landscape;margin:12mm}}\n";

void sdx__rp_esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default:
			if ((unsigned char)*s >= 0x20 || *s == '\n' || *s == '\t')
				fputc(*s, f);
		}
	}
}

void sdx__rp_esc_cut(FILE *f, const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	char *t;

	if (n <= max) {
		sdx__rp_esc(f, s);
		return;
	}
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	if (!(t = strndup(s, max)))
		return;
	sdx__rp_esc(f, t);
	fputs("\xe2\x80\xa6", f);
	free(t);
}

static const char *str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static const char *tag(const char *verdict)
{
	return strcmp(verdict, "fail") == 0 ? _("FAIL") : strcmp(verdict, "unknown") == 0
	       ? _("UNKNOWN") : strcmp(verdict, "not_applicable") == 0 ? _("N/A") : _("PASS");
}

static const char *verdict_name(int v)
{
	return v == SDX_VERDICT_FAIL ? "fail" : v == SDX_VERDICT_UNKNOWN ? "unknown"
	       : v == SDX_VERDICT_NOT_APPLICABLE ? "not_applicable" : "pass";
}

static void td(FILE *f, const char *s)
{
	fputs("<td>", f);
	sdx__rp_esc(f, s);
	fputs("</td>", f);
}

/* The records of a trace, each once, in the order it lists them. */
static int collect(json_t *list, json_t *seen, const json_t *n)
{
	const json_t *x;
	size_t i;

	if (!n || json_object_get(seen, str(n, "ref")))
		return 0;
	if (json_object_set_new(seen, str(n, "ref"), json_true()) < 0 ||
	    json_array_append(list, (json_t *)n) < 0)
		return -1;
	json_array_foreach(json_object_get(n, "inputs"), i, x)
		if (collect(list, seen, json_object_get(x, "record")) < 0)
			return -1;
	return 0;
}

/* The lots each record is used as (lot_number of the inputs naming it). */
static void lots_of(json_t *lots, const json_t *n)
{
	const json_t *x, *r;
	size_t i;

	json_array_foreach(json_object_get(n, "inputs"), i, x) {
		r = json_object_get(x, "record");
		if (json_object_get(x, "lot_number")) {
			json_t *a = json_object_get(lots, str(r, "ref"));
			if (!a)
				json_object_set_new(lots, str(r, "ref"), a = json_array());
			int have = 0;
			size_t k;
			const json_t *l;
			json_array_foreach(a, k, l)
				have |= strcmp(json_string_value(l), str(x, "lot_number")) == 0;
			if (!have)
				json_array_append_new(a, json_string(str(x, "lot_number")));
		}
		if (!json_is_true(json_object_get(r, "repeat")))
			lots_of(lots, r);
	}
}

static const json_t *first_result(const json_t *r, const char *verdict)
{
	const json_t *x;
	size_t i;

	json_array_foreach(json_object_get(r, "results"), i, x)
		if (strcmp(str(x, "verdict"), verdict) == 0)
			return x;
	return NULL;
}

/* The verdict matrix: one row per profile, its worst reason (as sdx check prints). */
static void verdicts(FILE *f, const json_t *reports, int worst)
{
	const json_t *r, *x, *sub;
	size_t i;

	fprintf(f, "<section id=\"verdicts\">\n<h2>%s</h2>\n"
		"<p class=\"overall v-%s\">%s <span class=\"tag\">%s</span>", _("Verdict per profile"),
		verdict_name(worst), _("Overall:"), tag(verdict_name(worst)));
	if (json_array_size(reports))
		fprintf(f, " &mdash; %s ", _("judged at"));
	sdx__rp_esc(f, str(json_array_get(reports, 0), "date"));
	fprintf(f, "</p>\n<table class=\"verdicts\">\n<thead><tr><th>%s</th><th>%s</th>"
		"<th>%s</th><th>%s</th></tr></thead>\n<tbody>\n", _("Verdict"), _("Profile"),
		_("Reason (the worst)"), _("Counts"));
	json_array_foreach(reports, i, r) {
		const char *v = str(r, "verdict");
		const json_t *scope = json_object_get(r, "scope"), *c = json_object_get(r, "counts");
		fprintf(f, "<tr class=\"verdict v-");
		sdx__rp_esc(f, v);
		fprintf(f, "\" data-profile=\"");
		sdx__rp_esc(f, str(r, "profile"));
		fprintf(f, "\" data-verdict=\"");
		sdx__rp_esc(f, v);
		fprintf(f, "\"><td class=\"tag\">%s</td><td><code>", tag(v));
		sdx__rp_esc(f, str(r, "profile"));
		fprintf(f, "</code><br><span class=\"meta\">");
		sdx__rp_esc(f, str(r, "title"));
		fprintf(f, "</span></td><td>");
		x = strcmp(v, "pass") == 0 ? NULL : first_result(r, v);
		sub = json_object_get(x, "subject");
		if (strcmp(v, "not_applicable") == 0 && *str(scope, "reason")) {
			sdx__rp_esc(f, str(scope, "reason"));
		} else if (x) {
			if (json_object_get(sub, "lot")) {
				fputs(_("lot "), f);
				sdx__rp_esc(f, str(sub, "lot"));
				fputs(": ", f);
			}
			sdx__rp_esc(f, str(x, "reason"));
			fputs("<br><span class=\"meta\">", f);
			sdx__rp_esc(f, str(x, "title"));
			fputs("; ", f);
			sdx__rp_esc(f, str(x, "regulation"));
			fputs("</span>", f);
		}
		fputs("</td><td>", f);
		fprintf(f, _("%lld pass, %lld fail, %lld unknown, %lld n/a"),
			(long long)json_integer_value(json_object_get(c, "pass")),
			(long long)json_integer_value(json_object_get(c, "fail")),
			(long long)json_integer_value(json_object_get(c, "unknown")),
			(long long)json_integer_value(json_object_get(c, "not_applicable")));
		fputs("</td></tr>\n", f);
	}
	fprintf(f, "</tbody>\n</table>\n<p class=\"meta\">%s "
		"<code>sdx check --profile NAME --explain REF</code>.</p>\n</section>\n",
		_("Every rule of a profile:"));
}

/* ref -> "fail" / "unknown": the records some profile's rule fails or cannot judge. */
static json_t *marks_of(const json_t *reports)
{
	json_t *m = json_object();
	const json_t *r, *x;
	size_t i, k;

	json_array_foreach(reports, i, r) {
		json_array_foreach(json_object_get(r, "results"), k, x) {
			const char *ref = str(json_object_get(x, "subject"), "ref");
			const char *v = str(x, "verdict"), *had = str(m, ref);
			if (strcmp(v, "fail") == 0 || (strcmp(v, "unknown") == 0 && strcmp(had, "fail")))
				json_object_set_new(m, ref, json_string(v));
		}
	}
	return m;
}

static int graph(FILE *f, const json_t *trace, const json_t *marks)
{
	size_t n = 0;

	fprintf(f, "<section id=\"graph\">\n<h2>%s</h2>\n<div class=\"figure\">\n", _("Provenance"));
	if (sdx__rp_svg(f, trace, marks, &n) < 0)
		return -1;
	fprintf(f, "</div>\n<p class=\"legend\"><span><i class=\"l-record\"></i>%s</span>"
		"<span><i class=\"l-report\"></i>%s</span><span><i class=\"l-fail\"></i>%s</span>"
		"<span><i class=\"l-unknown\"></i>%s</span></p>\n<p class=\"meta\">",
		_("record (shipment, batch, declaration)"), _("lab report"),
		_("fails a rule of a profile, withdrawn or missing"), _("a rule cannot judge it"));
	fprintf(f, _("%zu boxes; edges name the supplier lot used."), n);
	fputs("</p>\n</section>\n", f);
	return 0;
}

static void limit_text(FILE *f, const json_t *lim)
{
	if (!lim) {
		fputs("&mdash;", f);
		return;
	}
	sdx__rp_esc(f, *str(lim, "comparison") ? str(lim, "comparison") : "<=");
	fprintf(f, " %g ", json_number_value(json_object_get(lim, "value")));
	sdx__rp_esc(f, str(lim, "unit"));
	if (*str(lim, "applies_to")) {
		fputs(" (", f);
		sdx__rp_esc(f, str(lim, "applies_to"));
		fputs(")", f);
	}
}

/* The worst result of any profile about this declaration that names the substance. */
static void claim_verdict(FILE *f, const json_t *reports, const char *ref, const char *substance,
			  const char *conformance)
{
	const json_t *r, *x, *best = NULL, *bestr = NULL;
	int rank = -1;
	size_t i, k;

	json_array_foreach(reports, i, r) {
		json_array_foreach(json_object_get(r, "results"), k, x) {
			const char *v = str(x, "verdict");
			int rk = strcmp(v, "fail") == 0 ? 3 : strcmp(v, "unknown") == 0 ? 2
				 : strcmp(v, "pass") == 0 ? 1 : 0;
			if (!*substance || rk == 0 ||
			    strcmp(str(json_object_get(x, "subject"), "ref"), ref) != 0 ||
			    !strstr(str(x, "reason"), substance))
				continue;
			if (rk > rank) {
				rank = rk;
				best = x;
				bestr = r;
			}
		}
	}
	if (best) {
		/* a sum rule's reason lists every substance: cut here, whole in the title */
		fprintf(f, "<td class=\"v-%s\" title=\"", str(best, "verdict"));
		sdx__rp_esc(f, str(best, "reason"));
		fprintf(f, "\"><span class=\"tag\">%s</span> <code>", tag(str(best, "verdict")));
		sdx__rp_esc(f, str(bestr, "profile"));
		fputs("</code>: ", f);
		sdx__rp_esc_cut(f, str(best, "reason"), 110);
		fputs("</td>", f);
		return;
	}
	fputs("<td>", f);
	sdx__rp_esc(f, *conformance ? conformance : _("not stated"));
	fprintf(f, " <span class=\"meta\">%s</span></td>", _("(as declared)"));
}

static void claims(FILE *f, const sdx_graph *g, const json_t *records, const json_t *lots,
		   const json_t *reports)
{
	const json_t *n, *c, *m, *l;
	size_t i, k, j, t, rows = 0;

	fprintf(f, "<section id=\"claims\">\n<h2>%s</h2>\n<table class=\"claims\">\n"
		"<thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
		"<th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead>\n<tbody>\n",
		_("Claims against limits"), _("Lot"), _("Declaration"), _("Claim"), _("Substance"),
		_("Value"), _("Unit"), _("Limit"), _("Verdict"));
	json_array_foreach(records, i, n) {
		size_t node;
		const json_t *body;
		if (strcmp(str(n, "type"), "declaration") != 0 ||
		    (node = sdx__graph_find_hex(g, str(n, "ref"))) == SIZE_MAX ||
		    !(body = sdx__graph_body(g, &g->n[node])))
			continue;
		json_array_foreach(json_object_get(body, "claims"), k, c) {
			const json_t *ms = json_object_get(c, "measurements");
			size_t count = json_array_size(ms) ? json_array_size(ms) : 1;
			for (j = 0; j < count; j++) {
				char val[64];
				m = json_array_get(ms, j);
				rows++;
				fprintf(f, "<tr class=\"claim\" data-ref=\"");
				sdx__rp_esc(f, str(n, "ref"));
				fputs("\"><td>", f);
				json_array_foreach(json_object_get(lots, str(n, "ref")), t, l) {
					if (t)
						fputs(", ", f);
					sdx__rp_esc(f, json_string_value(l));
				}
				fputs("</td>", f);
				td(f, str(body, "declaration_id"));
				fputs("<td>", f);
				sdx__rp_esc(f, str(c, "id"));
				fputs(" <span class=\"meta\">", f);
				sdx__rp_esc(f, str(c, "topic"));
				fputs("</span></td>", f);
				td(f, m ? str(m, "substance") : "");
				if (!m)
					snprintf(val, sizeof(val), "%s", "");
				else if (json_is_true(json_object_get(m, "below_detection")))
					snprintf(val, sizeof(val), _("< %g (not detected)"),
						 json_number_value(json_object_get(m, "detection_limit")));
				else
					snprintf(val, sizeof(val), "%g",
						 json_number_value(json_object_get(m, "value")));
				td(f, val);
				td(f, m ? str(m, "unit") : "");
				fputs("<td>", f);
				limit_text(f, json_object_get(m, "limit") ? json_object_get(m, "limit")
					   : json_object_get(c, "limit"));
				fputs("</td>", f);
				claim_verdict(f, reports, str(n, "ref"), m ? str(m, "substance") : "",
					      str(c, "conformance"));
				fputs("</tr>\n", f);
			}
		}
	}
	if (!rows)
		fprintf(f, "<tr><td colspan=\"8\">%s</td></tr>\n",
			_("no declaration below this record states a claim"));
	fprintf(f, "</tbody>\n</table>\n<p class=\"meta\">%s</p>\n</section>\n",
		_("The limit is the one the supplier claims against; the verdict is the worst rule "
		  "result of any profile about that lot that names the substance, else the "
		  "supplier's own statement."));
}

static void evidence(FILE *f, const sdx_graph *g, const json_t *records)
{
	const json_t *n, *e, *body;
	size_t i, k, rows = 0, node;

	fprintf(f, "<section id=\"evidence\">\n<h2>%s</h2>\n<table class=\"evidence\">\n"
		"<thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
		"<th>%s</th><th>%s</th><th>%s</th><th>SHA-256</th></tr></thead>\n<tbody>\n",
		_("Evidence"), _("Record"), _("Report"), _("Lab"), _("Accreditation"), _("Issued"),
		_("Valid to"), _("File"));
	json_array_foreach(records, i, n) {
		if ((node = sdx__graph_find_hex(g, str(n, "ref"))) == SIZE_MAX ||
		    !(body = sdx__graph_body(g, &g->n[node])))
			continue;
		json_array_foreach(json_object_get(body, "evidence"), k, e) {
			const json_t *a = json_object_get(e, "attachment");
			const json_t *acc = json_object_get(e, "accreditation");
			rows++;
			fputs("<tr class=\"evidence-item\">", f);
			fputs("<td>", f);
			sdx__rp_esc_cut(f, str(n, "label"), 60);
			fputs("</td>", f);
			td(f, str(e, "report_number"));
			td(f, str(e, "lab_name"));
			td(f, json_is_string(acc) ? json_string_value(acc) : str(acc, "number"));
			td(f, str(e, "issue_date"));
			td(f, str(e, "valid_until"));
			td(f, a ? str(a, "file_name") : _("(no file attached)"));
			fputs("<td class=\"hash\">", f);
			sdx__rp_esc(f, str(a, "sha256"));
			fputs("</td></tr>\n", f);
		}
	}
	if (!rows)
		fprintf(f, "<tr><td colspan=\"8\">%s</td></tr>\n", _("no evidence cited"));
	fprintf(f, "</tbody>\n</table>\n</section>\n");
}

static void attribution(FILE *f, const json_t *records)
{
	const json_t *n, *a, *c;
	size_t i, k;

	fprintf(f, "<section id=\"attribution\">\n<h2>%s</h2>\n"
		"<table class=\"attribution\">\n<thead><tr><th>%s</th><th>%s</th>"
		"<th>%s</th><th>%s</th></tr></thead>\n<tbody>\n", _("Who stands behind each record"),
		_("Record"), _("Ledger, entry"), _("Attribution"), _("Status"));
	json_array_foreach(records, i, n) {
		char where[96];
		a = json_object_get(n, "attribution");
		fputs("<tr class=\"record\">", f);
		td(f, str(n, "label"));
		snprintf(where, sizeof(where), _(" #%lld, entry %.16s"),
			 (long long)json_integer_value(json_object_get(n, "index")), str(n, "ref"));
		fputs("<td>", f);
		sdx__rp_esc(f, str(n, "origin"));
		sdx__rp_esc(f, where);
		fputs("</td><td>", f);
		sdx__rp_esc(f, a ? str(a, "text") : _("unbound: no binding of its key to a party"));
		json_array_foreach(json_object_get(a, "conflicts"), k, c) {
			fprintf(f, "<br><strong>%s</strong> %s ", _("CONFLICT"), _("with"));
			sdx__rp_esc(f, str(c, "label"));
			fputs(": ", f);
			sdx__rp_esc(f, str(c, "what"));
		}
		fputs("</td>", f);
		td(f, *str(n, "status") ? str(n, "status") : "ok");
		fputs("</tr>\n", f);
	}
	fprintf(f, "</tbody>\n</table>\n</section>\n");
}

/* The key a record's attribution names ("name+keyid" or the ledger's name), and its fingerprint. */
static void key_row(FILE *f, const char *key, const sdx_report_options *o)
{
	const char *plus = strrchr(key, '+');
	size_t namelen = plus ? (size_t)(plus - key) : strlen(key);
	char fp[96] = "", id[16];

	for (size_t i = 0; o && i < o->nkeys; i++) {
		const char *name = sdx_verifier_name(o->keys[i]);
		snprintf(id, sizeof(id), "%08x", (unsigned)sdx_verifier_keyid(o->keys[i]));
		if (strlen(name) == namelen && strncmp(name, key, namelen) == 0 &&
		    (!plus || strcmp(plus + 1, id) == 0)) {
			sdx_key_fingerprint(fp, sizeof(fp), sdx_verifier_public_key(o->keys[i]));
			break;
		}
	}
	fputs("<tr class=\"key\">", f);
	td(f, key);
	fputs("<td class=\"hash\">", f);
	sdx__rp_esc(f, *fp ? fp : _("(not among the keys it was checked with)"));
	fputs("</td></tr>\n", f);
}

static void verified(FILE *f, const sdx_graph *g, const json_t *records,
		     const sdx_report_options *o, const char *now)
{
	const json_t *n, *a;
	json_t *keys = json_object();
	const char *k;
	json_t *v;
	size_t i;

	fprintf(f, "<section id=\"verified\">\n<h2>%s</h2>\n<ul class=\"verified\">\n",
		_("What was verified"));
	for (i = 0; o && i < o->nverified; i++) {
		fputs("<li>", f);
		sdx__rp_esc(f, o->verified[i]);
		fputs("</li>\n", f);
	}
	fprintf(f, "<li>%s <time>", _("Report made at"));
	sdx__rp_esc(f, now);
	fprintf(f, "</time> %s</li>\n</ul>\n", _("(the ledger clock)"));
	fprintf(f, "<h3>%s</h3>\n<table class=\"checkpoints\">"
		"\n<thead><tr><th>%s</th><th>%s</th><th>%s</th>"
		"<th>%s</th><th>%s</th></tr></thead>\n<tbody>\n",
		_("Records and the checkpoints that cover them"), _("Ledger origin"), _("Entry"),
		_("Leaf hash"), _("Checkpoint size"), _("Checkpoint root"));
	json_array_foreach(records, i, n) {
		size_t node = sdx__graph_find_hex(g, str(n, "ref"));
		json_t *src = NULL, *cp;
		char idx[32];
		if (node == SIZE_MAX)
			continue;
		if (g->l)
			src = sdx__xp_source(g, node, "");
		cp = json_object_get(src, "checkpoint");
		fputs("<tr>", f);
		td(f, g->n[node].origin);
		snprintf(idx, sizeof(idx), "#%llu", (unsigned long long)g->n[node].index);
		td(f, idx);
		fputs("<td class=\"hash\">", f);
		sdx__rp_esc(f, g->n[node].hex);
		fputs("</td>", f);
		if (cp) {
			snprintf(idx, sizeof(idx), "%lld",
				 (long long)json_integer_value(json_object_get(cp, "treeSize")));
			td(f, idx);
			fputs("<td class=\"hash\">", f);
			sdx__rp_esc(f, str(cp, "rootHash"));
			fputs("</td>", f);
		} else {
			snprintf(idx, sizeof(idx), "%llu", (unsigned long long)g->n[node].tree_size);
			td(f, g->n[node].own ? "" : idx);
			td(f, _("(checked against the bundle's checkpoint)"));
		}
		fputs("</tr>\n", f);
		json_decref(src);
		a = json_object_get(n, "attribution");
		if (*str(a, "key"))
			json_object_set_new(keys, str(a, "key"), json_true());
	}
	fprintf(f, "</tbody>\n</table>\n<h3>%s</h3>\n"
		"<table class=\"keys\">\n<thead><tr><th>%s</th><th>%s</th></tr></thead>\n<tbody>\n",
		_("Keys the records are signed with"), _("Key"),
		_("Fingerprint (SHA-256 of the public key)"));
	json_object_foreach(keys, k, v)
		key_row(f, k, o);
	json_decref(keys);
	fprintf(f, "</tbody>\n</table>\n</section>\n");
}

int sdx_report_html(char **out, size_t *len, int *worst_out, const sdx_graph *g, size_t node,
		    const sdx_report_options *o)
{
	char *text = NULL, *page = NULL, now[21], b64[64];
	unsigned char h[crypto_hash_sha256_BYTES];
	json_t *trace = NULL, *reports = json_array(), *records = json_array();
	json_t *seen = json_object(), *lots = json_object(), *marks = NULL;
	size_t plen = 0, k;
	int err, w, worst = SDX_VERDICT_NOT_APPLICABLE;
	FILE *f = NULL;

	*out = NULL;
	*len = 0;
	if (o && (err = sdx__options_check(o->version, SDX_REPORT_OPTIONS_VERSION,
					   "sdx_report_html")) < 0)
		goto done;
	if (!reports || !records || !seen || !lots) {
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
		goto done;
	}
	if ((err = sdx_graph_trace(&text, g, node)) < 0)
		goto done;
	trace = json_loads(text, 0, NULL);
	free(text);
	text = NULL;
	for (k = 0; o && k < o->nprofiles && trace; k++) {
		if ((err = sdx_profile_check(&text, &w, g, node, o->profiles[k], o->check)) < 0)
			goto done;
		worst = sdx_verdict_worse(worst, w);
		json_array_append_new(reports, json_loads(text, 0, NULL));
		free(text);
		text = NULL;
	}
	if (!trace || collect(records, seen, trace) < 0 || !(marks = marks_of(reports)) ||
	    !(f = open_memstream(&page, &plen))) {
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
		goto done;
	}
	lots_of(lots, trace);
	sdx__utc_now(now);
	crypto_hash_sha256(h, (const unsigned char *)css, sizeof(css) - 1);
	sodium_bin2base64(b64, sizeof(b64), h, sizeof(h), sodium_base64_VARIANT_ORIGINAL);
	/* TRANSLATORS: the page's language tag (BCP 47), e.g. zh-CN */
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
		"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		"style-src 'sha256-%s'; img-src 'none'; font-src 'none'; connect-src 'none'; "
		"form-action 'none'; base-uri 'none'\">\n<meta name=\"generator\" content=\"sdx "
		"report\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		"<title>", _("en"), b64);
	sdx__rp_esc(f, str(trace, "label"));
	fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n<header>\n<h1>", css);
	sdx__rp_esc(f, str(trace, "label"));
	fputs("</h1>\n<p class=\"meta\">", f);
	sdx__rp_esc(f, str(trace, "origin"));
	fprintf(f, _(" #%lld, entry "), (long long)json_integer_value(json_object_get(trace, "index")));
	fputs("<code>", f);
	sdx__rp_esc(f, str(trace, "ref"));
	fprintf(f, "</code><br>%s ", _("Report made at"));
	sdx__rp_esc(f, now);
	fprintf(f, " %s</p>\n</header>\n", _("by sdx from signed ledger data; every section below "
						"is derived from the records it names."));
	verdicts(f, reports, worst);
	if (graph(f, trace, marks) < 0) {
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
		goto done;
	}
	claims(f, g, records, lots, reports);
	evidence(f, g, records);
	attribution(f, records);
	verified(f, g, records, o, now);
	fprintf(f, "<footer>%s</footer>\n</body>\n</html>\n", _("sdx report (formats/report.md). This "
	      "page loads nothing from anywhere: its style is inline and its picture inline SVG."));
	if (fclose(f) != 0) {
		f = NULL;
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
		goto done;
	}
	f = NULL;
	*out = page;
	*len = plen;
	page = NULL;
	if (worst_out)
		*worst_out = worst;
	err = 0;
done:
	if (f)
		fclose(f);
	free(page);
	free(text);
	json_decref(trace);
	json_decref(reports);
	json_decref(records);
	json_decref(seen);
	json_decref(lots);
	json_decref(marks);
	return err;
}
