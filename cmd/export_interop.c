/* cmd/export_interop.c - sdx export --epcis / --untp: the graph below a record in other formats. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"

static const char *const kinds[] = { "dcc", "dpp", "dte" };

int write_whole(const char *path, const char *text)
{
	char tmp[4200];
	size_t n = strlen(text);
	FILE *f;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path, (long)getpid()) >= (int)sizeof(tmp))
		return cmd_error(EXIT_USAGE, "'%s': path too long", path);
	if (!(f = fopen(tmp, "wx")))
		return cmd_error(EXIT_ENV, "cannot write '%s': %s", tmp, strerror(errno));
	if (fwrite(text, 1, n, f) != n || fflush(f) != 0 || fsync(fileno(f)) != 0) {
		int e = errno;
		fclose(f);
		unlink(tmp);
		return cmd_error(EXIT_ENV, "cannot write '%s': %s", tmp, strerror(e));
	}
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		int e = errno;
		unlink(tmp);
		return cmd_error(EXIT_ENV, "cannot write '%s': %s", path, strerror(e));
	}
	return 0;
}

int cmd_export_interop(struct where *w, const char *epcis, const char *untp, const char *ref,
		       const char *output, int json)
{
	sdx_ledger *l = NULL;
	sdx_graph *g = NULL;
	sdx_signer *key = NULL;
	char *text = NULL;
	size_t node, n = 0, k;
	int rc, err, kind = 0;

	if (untp) {
		for (k = 0; k < sizeof(kinds) / sizeof(*kinds); k++)
			if (strcmp(untp, kinds[k]) == 0)
				kind = (int)k + 1;
		if (!kind)
			return cmd_error(EXIT_USAGE, "--untp '%s': give dcc, dpp or dte", untp);
	}
	if (!ref)
		return cmd_error(EXIT_USAGE, "name the record to export: %s REF",
				 epcis ? "--epcis" : "--untp KIND");
	if (access(output, F_OK) == 0)
		return cmd_error(EXIT_USAGE, "'%s' already exists", output);
	if ((rc = resolve_and_open(&l, w, SDX_OPEN_READONLY)) != 0)
		return rc;
	if ((err = sdx_graph_from_ledger(&g, l)) < 0 || (err = sdx_graph_find(&node, g, ref, NULL)) < 0) {
		rc = cmd_fail(err);
		goto done;
	}
	if (epcis)
		err = sdx_export_epcis(&text, g, node);
	else if ((rc = load_key(&key, w)) != 0)
		goto done;
	else
		err = sdx_export_untp(&text, &n, g, node, (sdx_untp_kind)kind, key);
	if (err < 0) {
		rc = cmd_fail(err);
		goto done;
	}
	if ((rc = write_whole(output, text)) != 0)
		goto done;
	if (epcis) {
		json_t *doc = json_loads(text, 0, NULL);
		n = json_array_size(json_object_get(json_object_get(doc, "epcisBody"), "eventList"));
		json_decref(doc);
	}
	if (json)
		print_json(json_pack("{s:s, s:s, s:I}", "file", output, "format",
				     epcis ? "epcis" : untp, epcis ? "events" : "credentials",
				     (json_int_t)n));
	else if (epcis)
		printf("wrote %s: EPCIS 2.0 document, %zu events\n", output, n);
	else
		printf("wrote %s: %zu UNTP 0.7.0 %s credentials, one JWS a line\n", output, n, untp);
	rc = EXIT_OK;
done:
	free(text);
	sdx_signer_free(key);
	sdx_graph_free(g);
	sdx_ledger_free(l);
	return rc;
}
