/* cmd/export_customs.c - sdx export --cn-customs: a shipment's China customs document lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"

/* Each line of text (may be NULL) to stderr after "sdx: " and `what`. */
static void print_lines(const char *what, const char *text)
{
	const char *p, *nl;

	for (p = text; p && *p; p = nl + 1) {
		if (!(nl = strchr(p, '\n')))
			nl = p + strlen(p) - 1;
		fprintf(stderr, "sdx: %s%.*s\n", what, (int)(nl - p), p);
	}
}

/* "csv" or "json"; none given: .json names JSON, anything else CSV. */
static int format_of(sdx_cn_customs_format *out, const char *format, const char *output)
{
	size_t n = strlen(output);

	if (!format)
		*out = n >= 5 && strcmp(output + n - 5, ".json") == 0 ? SDX_CN_CUSTOMS_JSON
								       : SDX_CN_CUSTOMS_CSV;
	else if (strcmp(format, "csv") == 0)
		*out = SDX_CN_CUSTOMS_CSV;
	else if (strcmp(format, "json") == 0)
		*out = SDX_CN_CUSTOMS_JSON;
	else
		return cmd_error(EXIT_USAGE, "--format '%s': give csv or json", format);
	return 0;
}

int cmd_export_cn_customs(struct where *w, const char *ref, const char *format,
			  const char *labs, const char *output, int json)
{
	sdx_cn_customs_format fmt = SDX_CN_CUSTOMS_CSV;
	sdx_cn_customs_result res = { 0 };
	sdx_lab_register *reg = NULL;
	sdx_ledger *l = NULL;
	sdx_graph *g = NULL;
	char *text = NULL;
	size_t node;
	int rc, err;

	if ((rc = format_of(&fmt, format, output)) != 0)
		return rc;
	if (access(output, F_OK) == 0)
		return cmd_error(EXIT_USAGE, "'%s' already exists", output);
	if ((rc = resolve_and_open(&l, w, SDX_OPEN_READONLY)) != 0)
		return rc;
	err = labs ? sdx_lab_register_read(&reg, labs) : sdx_lab_register_from_ledger(&reg, l);
	if (err < 0 || (err = sdx_graph_from_ledger(&g, l)) < 0 ||
	    (err = sdx_graph_find(&node, g, ref, NULL)) < 0 ||
	    (err = sdx_export_cn_customs(&text, &res, g, node, reg, fmt)) < 0) {
		rc = cmd_fail(err);
		goto done;
	}
	if (res.missing) {
		print_lines("note: ", res.notes);
		/* a declaration filed from part of the lines would be wrong: write none */
		print_lines("", res.problems);
		rc = cmd_error(EXIT_CHECK_FAIL, "%zu of %zu items have no accredited test report: "
			       "nothing written to '%s'", res.missing, res.items, output);
		goto done;
	}
	if ((rc = write_whole(output, text)) != 0)
		goto done;
	if (json)
		print_json(json_pack("{s:s, s:s, s:I, s:I, s:I, s:I}", "file", output, "format",
				     fmt == SDX_CN_CUSTOMS_JSON ? "json" : "csv", "items",
				     (json_int_t)res.items, "lines", (json_int_t)res.lines, "reports",
				     (json_int_t)res.reports, "not_counted", (json_int_t)res.skipped));
	else
		printf("wrote %s: %zu China customs document line%s (%s) for %zu item%s, from %zu "
		       "of %zu test reports\n", output, res.lines, res.lines == 1 ? "" : "s",
		       fmt == SDX_CN_CUSTOMS_JSON ? "JSON" : "CSV", res.items, res.items == 1 ? "" : "s",
		       res.reports - res.skipped, res.reports);
	fflush(stdout); /* then why the other reports were left out */
	print_lines("note: ", res.notes);
	rc = EXIT_OK;
done:
	free(res.problems);
	free(res.notes);
	free(text);
	sdx_graph_free(g);
	sdx_lab_register_free(reg);
	sdx_ledger_free(l);
	return rc;
}
