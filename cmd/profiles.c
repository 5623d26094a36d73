/* cmd/profiles.c - the profiles a command judges by: those named, or every shipped one. */
#include <unistd.h>

#include "cmd/cmd.h"

int cmd_load_profiles(sdx_profile **out, size_t *n, const char *const *names, size_t nnames,
		      size_t max)
{
	const char *name;
	size_t i;
	int err;

	*n = 0;
	for (i = 0; i < (nnames ? nnames : max); i++) {
		name = nnames ? names[i] : sdx_profile_builtin(i);
		if (!name)
			break;
		if ((err = sdx_profile_load(&out[i], name)) < 0)
			return cmd_fail(err);
		(*n)++;
	}
	return 0;
}

struct lists_ctx {
	sdx_ledger *l;
	sdx_substance_list **out;
	size_t *n, max;
	int err;
};

static int newest_list(void *ctx, const sdx_register_info *info)
{
	struct lists_ctx *c = ctx;

	if (!info->latest)
		return 0;
	if (*c->n == c->max)
		c->err = sdx_error_set(SDX_ELIMIT, "more than %zu substance lists", c->max);
	else if ((c->err = sdx_list_from_ledger(&c->out[*c->n], c->l, info->name,
						 info->version)) == 0)
		(*c->n)++;
	return c->err < 0;
}

int cmd_load_lists(sdx_substance_list **out, size_t *n, size_t max, sdx_ledger *l)
{
	struct lists_ctx c = { l, out, n, max, 0 };
	int err;

	*n = 0;
	if ((err = sdx_ledger_register_list(l, SDX_LIST_REGISTER_KIND, newest_list, &c)) < 0)
		return cmd_fail(err);
	return c.err < 0 ? cmd_fail(c.err) : 0;
}

int cmd_reference_data(sdx_lab_register **labs, sdx_substance_list **lists, size_t *nlists,
		       size_t max, const char *labs_file, struct graph_src *src)
{
	sdx_ledger *l = src->l, *own = NULL;
	int err = 0, rc = 0;

	*labs = NULL;
	*nlists = 0;
	if (!l && access(src->w.ledger, F_OK) == 0 &&
	    sdx_ledger_open(&own, src->w.ledger, SDX_OPEN_READONLY) == 0)
		l = own;
	if (labs_file)
		err = sdx_lab_register_read(labs, labs_file);
	else if (l)
		err = sdx_lab_register_from_ledger(labs, l);
	if (err < 0)
		rc = cmd_fail(err);
	else if (l)
		rc = cmd_load_lists(lists, nlists, max, l);
	sdx_ledger_free(own);
	return rc;
}
