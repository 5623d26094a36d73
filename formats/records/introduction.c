/*
 * formats/records/introduction.c - the key introduction: the signing ledger's
 * party vouches that a verifier key belongs to another party, which signs for
 * the roles it names, having compared its fingerprint on a day by a method
 * (formats/trust.md, "Introductions").  Part of the ledger, not of the
 * provenance graph; a recipient's trust policy judges it
 * (formats/trust/introduction.c).
 */
#include <stdio.h>
#include <string.h>

#include "sdx/error.h"
#include "sdx/note.h"
#include "formats/records/rules.h"
#include "formats/records/type.h"

static int rules(const char *type, const json_t *body)
{
	const char *vkey = sdx__rule_str(body, "key");
	sdx_verifier *v = NULL;
	char shown[80];
	int err;

	if ((err = sdx__rule_text(type, body)) < 0 ||
	    (err = sdx__rule_party(type, json_object_get(body, "party"), "party")) < 0)
		return err;
	if (sdx_verifier_parse(&v, vkey) < 0) {
		sdx_error_clear();
		return sdx__rule_bad(type, "key: '%s' is not a verifier key ('sdx key show --vkey' "
				     "prints one)", sdx__rule_shown(shown, sizeof(shown), vkey));
	}
	sdx_verifier_free(v);
	return 0;
}

static void summary(char *out, size_t cap, const json_t *body)
{
	const char *k = sdx__jstr(body, "key", NULL), *plus = strchr(k, '+');
	int n = plus && (plus = strchr(plus + 1, '+')) ? (int)(plus - k) : (int)strlen(k);

	snprintf(out, cap, "%s %.*s of %s (checked %s, %s)",
		 json_is_true(json_object_get(body, "withdrawn")) ? "withdraws the introduction of"
								   : "introduces",
		 n, k, sdx__jstr(body, "party", "name"), sdx__jstr(body, "checked", NULL),
		 sdx__jstr(body, "method", NULL));
}

static const char *const introductions[] = { "introduction", NULL };

static const struct sdx_record_edge edges[] = {
	{ .field = "supersedes", .accepts = introductions, .accepts_text = "an introduction" },
};

const struct sdx_record_type sdx__type_introduction = {
	.name = "introduction",
	.has_schema = 1,
	.role = SDX_ROLE_LEDGER,
	.edges = edges,
	.nedges = sizeof(edges) / sizeof(edges[0]),
	.rules = rules,
	.summary = summary,
	.label = summary,
};
