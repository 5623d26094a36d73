/* cmd/graph_src.c - the records trace, check and where-used read: a ledger or a bundle. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"

int graph_trust_option(const struct opt *o, const char *arg)
{
	struct graph_src *s = o->value;

	return load_vkeys(arg, s->trusted, GRAPH_MAX_TRUST, &s->n_trusted);
}

static int is_bundle_path(const char *arg)
{
	size_t n = strlen(arg);

	return n > 5 && strcmp(arg + n - 5, ".sdxb") == 0;
}

int graph_open(struct graph_src *s, const char *arg, sdx_graph **g, size_t **nodes, size_t *n)
{
	sdx_bundle_verify_options bo = SDX_BUNDLE_VERIFY_OPTIONS_INIT;
	sdx_ledger *l = NULL;
	int err;

	*g = NULL;
	*nodes = NULL;
	*n = 0;
	where_resolve(&s->w);
	if (is_bundle_path(arg)) {
		/* a local ledger, if there is one, holds the keys this organisation trusts */
		if (access(s->w.ledger, F_OK) == 0) {
			if ((err = open_ledger(&l, &s->w, SDX_OPEN_READONLY)) != 0)
				return err;
			struct keyring kr = { s->trusted, GRAPH_MAX_TRUST, &s->n_trusted };
			struct keyring rv = { s->revoked, MAX_REVOKED, &s->n_revoked };
			if ((err = load_ledger_keys(l, &kr, &rv, 1)) != 0) {
				sdx_ledger_free(l);
				return err;
			}
		}
		bo.trusted = s->trusted;
		bo.n_trusted = s->n_trusted;
		bo.revoked = s->revoked;
		bo.n_revoked = s->n_revoked;
		bo.trust_on_first_use = s->tofu;
		err = sdx_graph_from_bundle(g, &s->report, arg, &bo);
		/* the ledger's bindings say who stands behind each record */
		if (err == 0 && l)
			err = sdx_graph_use_trust(*g, l);
		sdx_ledger_free(l);
		l = NULL;
		if (err != 0) {
			sdx_graph_free(*g);
			*g = NULL;
			cmd_fail(err);
			if (err == SDX_EUNTRUSTED)
				fprintf(stderr, "sdx: trust the key ('sdx trust add') or pass --trust VKEY; "
					"'sdx verify %s' shows who signed it\n", arg);
			return cmd_exit_code(err);
		}
		if (!s->ref) {
			if ((err = sdx_graph_roots(nodes, n, *g)) < 0)
				goto fail;
			return 0;
		}
		arg = s->ref;
	} else {
		if (s->ref)
			return cmd_error(EXIT_USAGE, "--ref is for bundles; name the record directly");
		if ((err = open_ledger(&l, &s->w, SDX_OPEN_READONLY)) != 0)
			return err;
		/* the graph reads declarations from the ledger as it needs them */
		s->l = l;
		if ((err = sdx_graph_from_ledger(g, l)) < 0)
			return cmd_fail(err);
	}
	if (!(*nodes = malloc(sizeof(**nodes)))) {
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
		goto fail;
	}
	if ((err = sdx_graph_find(*nodes, *g, arg, s->party)) < 0)
		goto fail;
	*n = 1;
	return 0;
fail:
	free(*nodes);
	*nodes = NULL;
	sdx_graph_free(*g);
	*g = NULL;
	return cmd_fail(err);
}

int graph_open_draft(struct graph_src *s, const char *file, sdx_graph **g, size_t **nodes,
		     size_t *n)
{
	char *json = NULL;
	size_t len = 0;
	int err, rc;

	*g = NULL;
	*n = 0;
	where_resolve(&s->w);
	if (!(*nodes = malloc(sizeof(**nodes))))
		return cmd_error(EXIT_ENV, "out of memory");
	if ((rc = cmd_read_record(file, &json, &len)) != 0 ||
	    (rc = open_ledger(&s->l, &s->w, SDX_OPEN_READONLY)) != 0)
		goto fail;
	if ((err = sdx_graph_from_ledger(g, s->l)) < 0 ||
	    (err = sdx_graph_add_draft(*nodes, *g, file, json, len)) < 0) {
		rc = cmd_fail(err);
		goto fail;
	}
	free(json);
	*n = 1;
	return 0;
fail:
	free(json);
	free(*nodes);
	*nodes = NULL;
	sdx_graph_free(*g);
	*g = NULL;
	return rc;
}

void graph_src_clear(struct graph_src *s)
{
	sdx_ledger_free(s->l);
	s->l = NULL;
	sdx_bundle_report_free(s->report);
	s->report = NULL;
	for (size_t i = 0; i < s->n_trusted; i++)
		sdx_verifier_free(s->trusted[i]);
	for (size_t i = 0; i < s->n_revoked; i++)
		sdx_verifier_free(s->revoked[i]);
	s->n_trusted = s->n_revoked = 0;
}
