/* cmd/binding.c - a party given by options (trust add/bind, party set) and printed. */
#include <string.h>

#include "cmd/cmd.h"

int binding_from_opts(sdx_party *out, const struct binding_opts *o, const char *what)
{
	size_t i;
	int err;

	memset(out, 0, sizeof(*out));
	if (!o->name)
		return cmd_error(EXIT_USAGE, "%s: --name is required: the party's name as its "
				 "records give it", what);
	if (o->nroles == 0)
		return cmd_error(EXIT_USAGE, "%s: give the roles %s signs for: --role supplier, "
				 "manufacturer, exporter or lab (repeatable)%s", what, o->name,
				 o->label_hint ? "; for a note about the key, use --label" : "");
	if (strlen(o->name) >= sizeof(out->name))
		return cmd_error(EXIT_USAGE, "%s: --name is longer than %d bytes", what,
				 SDX_PARTY_NAME_MAX);
	memcpy(out->name, o->name, strlen(o->name) + 1);
	if (o->country) {
		if (strlen(o->country) != 2)
			return cmd_error(EXIT_USAGE, "%s: --country '%s': expected a two-letter ISO "
					 "3166-1 code, e.g. CN", what, o->country);
		memcpy(out->country, o->country, 3);
	}
	for (i = 0; i < o->nids; i++)
		if ((err = sdx_party_id_parse(&out->ids[out->nids++], o->ids[i])) < 0)
			return cmd_fail(err);
	for (i = 0; i < o->nroles; i++) {
		size_t n = strlen(o->roles[i]);
		if (n >= sizeof(out->roles[0]))
			return cmd_error(EXIT_USAGE, "%s: --role '%.*s' is not a role", what,
					 (int)sdx_text_cut(o->roles[i], n > 40 ? 40 : n), o->roles[i]);
		memcpy(out->roles[out->nroles++], o->roles[i], strlen(o->roles[i]) + 1);
	}
	if ((err = sdx_party_check(out)) < 0)
		return cmd_fail(err);
	return 0;
}

int binding_opts_given(const struct binding_opts *o)
{
	return o->name || o->country || o->nids || o->nroles;
}

json_t *party_to_json(const sdx_party *p)
{
	json_t *j = json_object(), *ids = json_array(), *roles = json_array();
	size_t i;

	json_object_set_new(j, "name", json_string(p->name));
	for (i = 0; i < p->nids; i++)
		json_array_append_new(ids, json_sprintf("%s:%s", p->ids[i].scheme, p->ids[i].id));
	json_object_set_new(j, "identifiers", ids);
	if (p->country[0])
		json_object_set_new(j, "country", json_string(p->country));
	for (i = 0; i < p->nroles; i++)
		json_array_append_new(roles, json_string(p->roles[i]));
	json_object_set_new(j, "roles", roles);
	return j;
}

void party_print(const sdx_party *p, const char *indent)
{
	size_t i;

	printf("%sparty:       %s%s%s\n", indent, p->name, p->country[0] ? ", " : "", p->country);
	if (p->nids) {
		printf("%sidentifiers:", indent);
		for (i = 0; i < p->nids; i++)
			printf(" %s:%s", p->ids[i].scheme, p->ids[i].id);
		printf("\n");
	}
	printf("%sroles:      ", indent);
	for (i = 0; i < p->nroles; i++)
		printf(" %s", p->roles[i]);
	printf("\n");
}

void party_defaults(sdx_ledger *l, const struct party_fill *f, sdx_party *party,
		    char idbuf[][60])
{
	size_t i;

	if (*f->name || *f->nids || sdx_ledger_party(party, l) != 1)
		return;
	*f->name = party->name;
	if (!*f->country && party->country[0])
		*f->country = party->country;
	for (i = 0; i < party->nids && i < PARTY_MAX_IDS; i++) {
		snprintf(idbuf[i], 60, "%s:%s", party->ids[i].scheme, party->ids[i].id);
		f->ids[(*f->nids)++] = idbuf[i];
	}
}
