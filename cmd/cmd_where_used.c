/* cmd/cmd_where_used.c - sdx where-used: which batches and shipments a lot reached (recall). */
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"

static const struct usage use = {
	"sdx where-used REF [--json]\n"
	"   or: sdx where-used --lot LOT [FILE.sdxb] [--json]",
	"The recall question: every batch and shipment that a declaration (REF), a\n"
	"supplier lot (--lot, across every declaration covering it) or a batch reached,\n"
	"directly or through sub-assemblies, with the path it took.  Reads the ledger\n"
	"(own and imported records), or a bundle after verifying it.",
	USAGE_ANY
};

struct wu_opts {
	struct graph_src src;
	const char *lot;
	int json;
};

int cmd_where_used(int argc, char **argv)
{
	struct wu_opts o;
	sdx_graph *g = NULL;
	size_t *nodes = NULL, n = 0, i, node = SIZE_MAX;
	char *text = NULL;
	json_t *r = NULL, *x;
	sdx_ledger *l = NULL;
	int first, rc, err;

	memset(&o, 0, sizeof(o));
	struct opt opts[] = {
		OPT_STRING(0, "lot", &o.lot, "LOT", "a supplier lot (or batch) number instead of a REF"),
		OPT_BOOL(0, "json", &o.json, "print the result as JSON"),
		GRAPH_OPTS(&o.src),
		WHERE_OPTS(&o.src.w),
		OPT_END()
	};
	if ((rc = cmd_parse(argc, argv, &use, opts, &first)) != 0)
		goto done;
	if ((o.lot && argc - first > 1) || (!o.lot && argc - first != 1)) {
		rc = cmd_error(EXIT_USAGE, "give a REF, or --lot LOT (and optionally a bundle); "
			       "see 'sdx where-used --help'");
		goto done;
	}
	if (o.lot && first == argc) {
		/* the whole ledger, own and imported */
		where_resolve(&o.src.w);
		if ((rc = open_ledger(&l, &o.src.w, SDX_OPEN_READONLY)) != 0)
			goto done;
		o.src.l = l; /* closed by graph_src_clear, after the graph */
		err = sdx_graph_from_ledger(&g, l);
		if (err < 0) {
			rc = cmd_fail(err);
			goto done;
		}
	} else {
		if ((rc = graph_open(&o.src, argv[first], &g, &nodes, &n)) != 0)
			goto done;
		if (!o.lot)
			node = nodes[0];
	}
	if ((err = sdx_graph_where_used(&text, g, node, o.lot)) < 0) {
		rc = cmd_fail(err);
		goto done;
	}
	r = json_loads(text, 0, NULL);
	if (o.json) {
		print_json(json_incref(r));
		goto done;
	}
	if (json_array_size(json_object_get(r, "targets")) == 0) {
		rc = cmd_error(EXIT_USAGE, "no declaration or batch covers lot '%s'", o.lot);
		goto done;
	}
	json_array_foreach(json_object_get(r, "targets"), i, x)
		printf("%s\n   %s #%" JSON_INTEGER_FORMAT ", entry %.16s\n", json_str(x, "label"),
		       json_str(x, "origin"), json_integer_value(json_object_get(x, "index")),
		       json_str(x, "ref"));
	if (json_array_size(json_object_get(r, "used_by")) == 0) {
		printf("\nnot used by any batch or shipment held here\n");
		goto done;
	}
	printf("\nreached %zu batch(es) and shipment(s):\n",
	       json_array_size(json_object_get(r, "used_by")));
	json_array_foreach(json_object_get(r, "used_by"), i, x) {
		const json_t *t;
		size_t k;
		printf("  %-9s %s  (%s #%" JSON_INTEGER_FORMAT ", entry %.16s, %zu step%s away)\n",
		       json_str(x, "type"), json_str(x, "label"), json_str(x, "origin"),
		       json_integer_value(json_object_get(x, "index")), json_str(x, "ref"),
		       json_array_size(json_object_get(x, "path")) - 1,
		       json_array_size(json_object_get(x, "path")) == 2 ? "" : "s");
		json_array_foreach(json_object_get(x, "took"), k, t) {
			const json_t *q = json_object_get(t, "quantity");
			printf("            took %g %s of %s %s\n", json_number_value(json_object_get(q, "value")),
			       json_str(q, "unit"), json_object_get(t, "lot") ? "lot" : "batch",
			       json_object_get(t, "lot") ? json_str(t, "lot") : json_str(t, "of"));
		}
		if ((t = json_object_get(x, "clearance")))
			printf("            customs: %s at %s, declaration %s%s\n", json_str(t, "status"),
			       json_str(t, "time"), json_str(t, "customs_declaration"),
			       strcmp(json_str(t, "status"), "released") == 0 ||
			       strcmp(json_str(t, "status"), "refused") == 0 ? "" : " (still waiting)");
	}
done:
	json_decref(r);
	free(text);
	free(nodes);
	sdx_graph_free(g);
	graph_src_clear(&o.src);
	return rc == CMD_HELP_SHOWN ? 0 : rc;
}
