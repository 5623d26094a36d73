/*
 * formats/rules/profile.c - compliance profiles (formats/profiles.md): load and
 * validate them.  check.c evaluates their rules over a provenance graph.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdx/provenance.h"
#include "formats/records/internal.h"
#include "formats/schema/schema.h"
#include "formats/rules/internal.h"
#include "ledger/internal.h"

struct sdx_embedded_schema {
	const char *name;
	const char *text;
	size_t len;
};
extern const struct sdx_embedded_schema sdx_embedded_profiles[];

#define PROFILE_MAX (1024 * 1024)

/* Every category a scope names is defined in the profile's categories. */
static int categories_defined(const json_t *j, const char *source)
{
	const json_t *rule, *scopes[2], *name, *cat;
	size_t i, k, m, s;
	int found;

	json_array_foreach(json_object_get(j, "rules"), i, rule) {
		scopes[0] = json_object_get(j, "scope");
		scopes[1] = json_object_get(rule, "scope");
		for (s = 0; s < 2; s++)
			json_array_foreach(json_object_get(scopes[s], "categories"), k, name) {
				found = 0;
				json_array_foreach(json_object_get(j, "categories"), m, cat)
					if (json_equal(json_object_get(cat, "name"), name))
						found = 1;
				if (!found) {
					if (s == 0)
						return sdx_error_set(SDX_ESCHEMA, "%s: scope.categories[%zu]: no "
								     "category '%s' in categories", source, k,
								     json_string_value(name));
					return sdx_error_set(SDX_ESCHEMA, "%s: rules[%zu].scope.categories[%zu]: "
							     "no category '%s' in categories", source, i, k,
							     json_string_value(name));
				}
			}
	}
	return 0;
}

static int load_text(sdx_profile **out, const char *text, size_t len, const char *source)
{
	const struct sdx_schema *schema;
	sdx_profile *p;
	json_t *j = NULL;
	int err;

	if ((err = sdx__json_parse(&j, text, len, 32, source)) < 0)
		return err;
	if ((err = sdx__schema_named(&schema, "profile")) < 0 ||
	    (err = sdx__schema_validate(schema, j)) < 0) {
		json_decref(j);
		return sdx__error_prefix(err, source);
	}
	if ((err = categories_defined(j, source)) < 0) {
		json_decref(j);
		return err;
	}
	if (!(p = calloc(1, sizeof(*p))) || !(p->source = strdup(source))) {
		free(p);
		json_decref(j);
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	}
	p->j = j;
	*out = p;
	return 0;
}

const char *sdx_profile_builtin(size_t i)
{
	size_t k;

	for (k = 0; k <= i; k++)
		if (!sdx_embedded_profiles[k].name)
			return NULL;
	return sdx_embedded_profiles[i].name;
}

int sdx_profile_load(sdx_profile **out, const char *name_or_path)
{
	char what[600], *buf = NULL;
	size_t n = strlen(name_or_path), i, got;
	FILE *f;
	int err;

	*out = NULL;
	if (!strchr(name_or_path, '/') && !(n > 5 && strcmp(name_or_path + n - 5, ".json") == 0)) {
		for (i = 0; sdx_embedded_profiles[i].name; i++)
			if (strcmp(sdx_embedded_profiles[i].name, name_or_path) == 0) {
				snprintf(what, sizeof(what), "profile '%s'", name_or_path);
				return load_text(out, sdx_embedded_profiles[i].text,
						 sdx_embedded_profiles[i].len, what);
			}
		return sdx_error_set(SDX_ENOTFOUND, "no profile named '%s' (see 'sdx check "
				     "--list'; or give a file path)", name_or_path);
	}
	snprintf(what, sizeof(what), "'%s'", name_or_path);
	if (!(f = fopen(name_or_path, "rb")))
		return sdx_error_set(errno == ENOENT ? SDX_ENOTFOUND : SDX_EIO, "%s: %s", what,
				     strerror(errno));
	if (!(buf = malloc(PROFILE_MAX + 1))) {
		fclose(f);
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	}
	got = fread(buf, 1, PROFILE_MAX + 1, f);
	err = ferror(f) ? sdx_error_set(SDX_EIO, "%s: %s", what, strerror(errno)) : 0;
	fclose(f);
	if (!err && got > PROFILE_MAX)
		err = sdx_error_set(SDX_ELIMIT, "%s: larger than %d bytes", what, PROFILE_MAX);
	if (!err)
		err = load_text(out, buf, got, what);
	free(buf);
	return err;
}

void sdx_profile_free(sdx_profile *p)
{
	if (p) {
		json_decref(p->j);
		free(p->source);
		free(p);
	}
}

const char *sdx_profile_name(const sdx_profile *p)
{
	return json_string_value(json_object_get(p->j, "name"));
}

const char *sdx_profile_title(const sdx_profile *p)
{
	return json_string_value(json_object_get(p->j, "title"));
}
