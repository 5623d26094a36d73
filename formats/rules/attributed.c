/*
 * formats/rules/attributed.c - what a check says of who stands behind a
 * declaration (formats/trust.md): every verdict on a restated one says by
 * whom, and names the issuer's own record it contradicts; a rule with
 * evidence.signed_by "issuer" counts only declarations signed by the party
 * they name.
 */
#include <stdio.h>
#include <string.h>

#include "sdx/error.h"

#include "formats/graph/attribution.h"
#include "formats/rules/internal.h"
#include "formats/text/l10n.h"

void sdx__check_attribution_note(char *note, size_t cap, const struct check *c, size_t node)
{
	struct sdx__attribution a;
	char text[3 * SDX_PARTY_NAME_MAX];
	const char *what[4];
	size_t other[4], n, k, len = strlen(note);
	int self[4];

	if (sdx__attribution_of(&a, c->g, node) < 0) {
		sdx_error_clear(); /* unreadable here means unbound: the verdicts still stand */
		return;
	}
	/* signed by the party it names, or nobody's word to report: no note */
	if (a.outcome == SDX__ATTR_RESTATED || a.outcome == SDX__ATTR_ROLE) {
		sdx__attribution_text(text, sizeof(text), &a);
		len += (size_t)snprintf(note + len, len < cap ? cap - len : 0, " [%s]", text);
	}
	n = sdx__graph_conflicts(c->g, node, other, what, self, 4);
	for (k = 0; k < n && k < 4 && len < cap; k++)
		len += (size_t)snprintf(note + len, cap - len, _(" [CONFLICT with %s, %s #%llu, entry "
					"%.16s: %s]"), self[k] ? _("another record of the same issuer")
					: a.outcome == SDX__ATTR_SIGNED ? _("a restatement")
					: _("the issuer's own record"), c->g->n[other[k]].origin,
					(unsigned long long)c->g->n[other[k]].index,
					c->g->n[other[k]].hex, what[k]);
}

int sdx__check_signed_by(struct check *c, const json_t *rule, size_t node, const struct walk *w,
			 const char *note)
{
	struct sdx__attribution a;
	char text[3 * SDX_PARTY_NAME_MAX];

	if (strcmp(sget(json_object_get(rule, "evidence"), "signed_by"), "issuer") != 0)
		return 0;
	if (sdx__attribution_of(&a, c->g, node) < 0) {
		sdx_error_clear();
		a.outcome = SDX__ATTR_UNBOUND;
		a.key = "";
	}
	if (a.outcome == SDX__ATTR_SIGNED)
		return 0;
	/* a restatement's note says by whom already */
	text[0] = '\0';
	if (a.outcome != SDX__ATTR_RESTATED && a.outcome != SDX__ATTR_ROLE) {
		text[0] = ':';
		text[1] = ' ';
		sdx__attribution_text(text + 2, sizeof(text) - 2, &a);
	}
	sdx__check_result(c, rule, node, w->lot, w->via, SDX_VERDICT_UNKNOWN, _("this rule counts "
			  "only a declaration signed by the supplier it names (declaration %s)%s%s"),
			  sget(sdx__graph_body(c->g, &c->g->n[node]), "declaration_id"), text, note);
	return 1;
}
