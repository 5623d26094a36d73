/* cmd/cmd_trace.c - sdx trace: the provenance tree of a shipment, batch or declaration. */
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"

static const struct usage use = {
	"sdx trace REF [--json]\n"
	"   or: sdx trace FILE.sdxb [--ref REF] [--trust VKEY]... [--json]",
	"Print where a shipment, batch or declaration comes from: shipment -> batches\n"
	"-> inputs (with the supplier lot and quantity used) -> supplier declarations\n"
	"-> the lab reports behind them.  REF is an own entry index or 4+ hex digits of\n"
	"a leaf hash (own or imported).  A bundle is verified first, exactly as\n"
	"'sdx verify' does, and traced from its top records.  Marks: WITHDRAWN (the\n"
	"supplier withdrew the declaration), AFFECTED (something below is withdrawn),\n"
	"superseded (a corrected declaration exists), MISSING (an input not held here).\n"
	"Under each record: signed by the party it names, restated by another (a CONFLICT\n"
	"line names the issuer's own record it contradicts), or unbound (formats/trust.md).",
	USAGE_ANY
};

struct trace_opts {
	struct graph_src src;
	int json, no_evidence;
};

static void quantity(char *out, size_t cap, const json_t *q)
{
	if (!q) {
		out[0] = '\0';
		return;
	}
	snprintf(out, cap, "%g %s", json_number_value(json_object_get(q, "value")),
		 json_str(q, "unit"));
}

static const char *mark(const json_t *n)
{
	const char *st = json_str(n, "status");

	if (strcmp(st, "withdrawn") == 0)
		return "  [WITHDRAWN]";
	if (strcmp(st, "affected") == 0)
		return "  [AFFECTED]";
	if (strcmp(st, "incomplete") == 0)
		return "  [INCOMPLETE]";
	if (strcmp(st, "superseded") == 0)
		return "  [superseded]";
	return "";
}

static void print_node(const struct trace_opts *o, const json_t *n, const char *prefix,
		       const char *how);

/* Who stands behind the record, and what contradicts it (formats/trust.md). */
static void print_attribution(const json_t *a, const char *prefix)
{
	const json_t *c;
	size_t i;

	if (!a)
		return;
	printf("%s   %s\n", prefix, json_str(a, "text"));
	json_array_foreach(json_object_get(a, "conflicts"), i, c)
		printf("%s   CONFLICT with %s: %s (%s #%" JSON_INTEGER_FORMAT ", entry %.16s): %s\n",
		       prefix, strcmp(json_str(c, "other"), "own") == 0 ? "the issuer's own record"
		       : strcmp(json_str(c, "other"), "self") == 0
		       ? "another record of the same issuer" : "a restatement",
		       json_str(c, "label"), json_str(c, "origin"),
		       json_integer_value(json_object_get(c, "index")), json_str(c, "ref"),
		       json_str(c, "what"));
}

/* What customs last answered (formats/clearance.md). */
static void print_clearance(const json_t *c, const char *prefix)
{
	size_t n = json_array_size(json_object_get(c, "history"));

	if (!c)
		return;
	printf("%s   customs: %s%s%s at %s, declaration %s%s%s", prefix, json_str(c, "status"),
	       json_object_get(c, "green_clearance_code") ? ", code " : "",
	       json_str(c, "green_clearance_code"), json_str(c, "time"),
	       json_str(c, "customs_declaration"), json_object_get(c, "reason") ? ": " : "",
	       json_str(c, "reason"));
	if (n > 1)
		printf(" (latest of %zu answers)", n);
	printf(" [entry %.16s]\n", json_str(c, "ref"));
}

/* The claims a supplier itself declares not to conform. */
static void print_nonconforming(const json_t *fails, const char *prefix)
{
	const json_t *c;
	size_t i;

	json_array_foreach(fails, i, c)
		printf("%s   DOES NOT CONFORM, as its supplier declares: claim %s (%s)\n", prefix,
		       json_str(c, "id"), json_str(c, "topic"));
}

/* Print the children lines under `prefix`. */
static void print_children(const struct trace_opts *o, const json_t *n, const char *prefix)
{
	const json_t *inputs = json_object_get(n, "inputs"), *ev = json_object_get(n, "evidence");
	const json_t *wd = json_object_get(n, "withdrawn"), *model = json_object_get(n, "model"), *x;
	size_t ni = json_array_size(inputs), ne = o->no_evidence ? 0 : json_array_size(ev);
	size_t nw = json_array_size(wd), total = ni + ne + nw + (model ? 1 : 0), k = 0, i;
	char pre[1024], how[200], q[96];

	json_array_foreach(wd, i, x) {
		int last = ++k == total;
		printf("%s%s withdrawn from %s (%s): %s\n", prefix, last ? "└─" : "├─",
		       json_str(x, "effective_date"), json_str(x, "reason_code"), json_str(x, "reason"));
	}
	json_array_foreach(inputs, i, x) {
		int last = ++k == total;
		quantity(q, sizeof(q), json_object_get(x, "quantity"));
		if (json_object_get(x, "role")) /* what the input is in the product */
			snprintf(q + strlen(q), sizeof(q) - strlen(q), ", %s", json_str(x, "role"));
		q[sdx_text_cut(q, strlen(q))] = '\0';
		if (json_object_get(x, "lot_number"))
			snprintf(how, sizeof(how), "lot %s, %s: ", json_str(x, "lot_number"), q);
		else if (json_object_get(x, "hs_code"))
			snprintf(how, sizeof(how), "%s, HS %s: ", q, json_str(x, "hs_code"));
		else
			snprintf(how, sizeof(how), "%s: ", q);
		how[sdx_text_cut(how, strlen(how))] = '\0'; /* a long lot or role: cut between characters */
		printf("%s%s", prefix, last ? "└─ " : "├─ ");
		snprintf(pre, sizeof(pre), "%s%s", prefix, last ? "   " : "│  ");
		print_node(o, json_object_get(x, "record"), pre, how);
	}
	if (model) {
		/* the product model the batch is a run of, with its type-test reports */
		int last = ++k == total;
		printf("%s%s", prefix, last ? "└─ " : "├─ ");
		snprintf(pre, sizeof(pre), "%s%s", prefix, last ? "   " : "│  ");
		print_node(o, model, pre, "model: ");
	}
	for (i = 0; i < ne; i++) {
		int last = ++k == total;
		x = json_array_get(ev, i);
		printf("%s%s report %s, %s%s%s, issued %s, valid to %s\n", prefix,
		       last ? "└─" : "├─", json_str(x, "report_number"), json_str(x, "lab"),
		       json_object_get(x, "accreditation") ? ", " : " (no accreditation named)",
		       json_str(x, "accreditation"), json_str(x, "issue_date"), json_str(x, "valid_until"));
	}
}

static void print_node(const struct trace_opts *o, const json_t *n, const char *prefix,
		       const char *how)
{
	if (strcmp(json_str(n, "status"), "missing") == 0) {
		printf("%sentry %.16s...  [MISSING: not in this ledger or bundle]\n", how,
		       json_str(n, "ref"));
		return;
	}
	printf("%s%s%s\n", how, json_str(n, "label"), mark(n));
	if (json_is_true(json_object_get(n, "repeat"))) {
		printf("%s   (inputs shown above)\n", prefix);
		return;
	}
	printf("%s   %s #%" JSON_INTEGER_FORMAT ", entry %.16s\n", prefix, json_str(n, "origin"),
	       json_integer_value(json_object_get(n, "index")), json_str(n, "ref"));
	print_attribution(json_object_get(n, "attribution"), prefix);
	print_clearance(json_object_get(n, "clearance"), prefix);
	print_nonconforming(json_object_get(n, "does_not_conform"), prefix);
	print_children(o, n, prefix);
}

int cmd_trace(int argc, char **argv)
{
	struct trace_opts o;
	sdx_graph *g = NULL;
	size_t *nodes = NULL, n = 0, i;
	json_t *all = NULL;
	int first, rc, err;

	memset(&o, 0, sizeof(o));
	struct opt opts[] = {
		OPT_BOOL(0, "json", &o.json, "print the tree as JSON (formats/provenance.md)"),
		OPT_BOOL(0, "no-evidence", &o.no_evidence, "leave the lab reports out of the tree"),
		GRAPH_OPTS(&o.src),
		WHERE_OPTS(&o.src.w),
		OPT_END()
	};
	if ((rc = cmd_parse(argc, argv, &use, opts, &first)) != 0) {
		graph_src_clear(&o.src);
		return rc == CMD_HELP_SHOWN ? 0 : rc;
	}
	if (argc - first != 1) {
		graph_src_clear(&o.src);
		return cmd_error(EXIT_USAGE, "give one REF or FILE.sdxb; see 'sdx trace --help'");
	}
	if ((rc = graph_open(&o.src, argv[first], &g, &nodes, &n)) != 0)
		goto done;
	if (n == 0) {
		rc = cmd_error(EXIT_USAGE, "'%s' holds no declaration, batch or shipment", argv[first]);
		goto done;
	}
	all = json_array();
	for (i = 0; i < n; i++) {
		char *text = NULL;
		json_t *t;
		if ((err = sdx_graph_trace(&text, g, nodes[i])) < 0) {
			rc = cmd_fail(err);
			goto done;
		}
		t = json_loads(text, 0, NULL);
		free(text);
		if (o.json) {
			json_array_append_new(all, t);
			continue;
		}
		if (i)
			printf("\n");
		print_node(&o, t, "", "");
		json_decref(t);
	}
	if (o.json) {
		print_json(n == 1 ? json_incref(json_array_get(all, 0)) : json_incref(all));
	}
done:
	json_decref(all);
	free(nodes);
	sdx_graph_free(g);
	graph_src_clear(&o.src);
	return rc;
}
