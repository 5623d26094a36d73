/* cmd/keyring.c - verifier keys: given with --trust, and the ledger's trusted and revoked ones. */
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"

int load_vkeys(const char *arg, sdx_verifier **out, size_t max, size_t *n)
{
	char line[1024];
	size_t before = *n;
	FILE *f;
	int err;

	if (access(arg, R_OK) != 0 || !(f = fopen(arg, "r"))) {
		if (*n == max)
			return cmd_error(EXIT_USAGE, "at most %zu keys", max);
		if ((err = sdx_verifier_parse(&out[*n], arg)) < 0)
			return cmd_fail(err);
		(*n)++;
		return 0;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!*line || *line == '#')
			continue;
		if (*n == max) {
			fclose(f);
			return cmd_error(EXIT_USAGE, "'%s': at most %zu keys", arg, max);
		}
		if ((err = sdx_verifier_parse(&out[*n], line)) < 0) {
			fclose(f);
			return cmd_error(EXIT_USAGE, "'%s': %s", arg, sdx_error_last());
		}
		(*n)++;
	}
	fclose(f);
	if (*n == before)
		return cmd_error(EXIT_USAGE, "'%s': no verifier key in the file", arg);
	return 0;
}

int keyring_option(const struct opt *o, const char *arg)
{
	struct keyring *k = o->value;

	return load_vkeys(arg, k->v, k->max, k->n);
}

/* sdx_ledger_foreach_trusted() callback: copies each key (up to max, silently). */
static int add_trusted(void *ctx, const sdx_verifier *v, const char *label, const char *added)
{
	struct keyring *k = ctx;

	(void)label;
	(void)added;
	if (*k->n == k->max)
		return 0;
	return sdx_verifier_new(&k->v[(*k->n)++], sdx_verifier_name(v), sdx_verifier_public_key(v));
}

/* sdx_ledger_foreach_revoked() callback: every revoked key must fit. */
static int add_revoked(void *ctx, const sdx_verifier *v, const char *revoked, const char *reason)
{
	struct keyring *r = ctx;

	(void)revoked;
	(void)reason;
	if (*r->n == r->max)
		return sdx_error_set(SDX_ELIMIT, "more than %zu revoked keys", r->max);
	return sdx_verifier_new(&r->v[(*r->n)++], sdx_verifier_name(v), sdx_verifier_public_key(v));
}

int load_ledger_keys(sdx_ledger *l, struct keyring *trusted, struct keyring *revoked,
		     int tolerate_io)
{
	int err = sdx_ledger_foreach_trusted(l, add_trusted, trusted);

	if (err < 0 && !(tolerate_io && err == SDX_EIO))
		return cmd_fail(err);
	err = sdx_ledger_foreach_revoked(l, add_revoked, revoked);
	return err < 0 ? cmd_fail(err) : 0;
}

void keyring_clear(struct keyring *k)
{
	for (size_t i = 0; i < *k->n; i++)
		sdx_verifier_free(k->v[i]);
	*k->n = 0;
}
