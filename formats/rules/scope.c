/*
 * formats/rules/scope.c - does a profile, or one of its rules, apply?
 * (formats/profiles.md §2a).  Scope is data on the profile and on each rule:
 * HS codes and product categories, destination markets, ports of loading,
 * the dates a rule is in force, the role of a batch input and the class of a
 * material.  A record is out of scope only when its own data says so; where
 * the data is not recorded the rule is judged as if in scope, and the reason
 * says what was missing.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "sdx/provenance.h"
#include "formats/rules/internal.h"
#include "formats/text/l10n.h"
#include "formats/text/text.h"

/* The 27 member states, for the group "EU" in a destination list. */
static const char *const eu_members[] = {
	"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
	"IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", NULL
};

/* The digits of an HS code: "9503.00" -> "950300". */
static void hs_digits(char *out, size_t cap, const char *code)
{
	size_t n = 0;

	for (; code && *code && n + 1 < cap; code++)
		if (isdigit((unsigned char)*code))
			out[n++] = *code;
	out[n] = '\0';
}

static int hs_prefix(const char *listed, const char *code)
{
	char a[16], b[16];

	hs_digits(a, sizeof(a), listed);
	hs_digits(b, sizeof(b), code);
	return a[0] && strncmp(a, b, strlen(a)) == 0;
}

int sdx__hs_in(const json_t *list, const char *code)
{
	const json_t *x;
	size_t i;

	json_array_foreach(list, i, x)
		if (hs_prefix(json_string_value(x), code))
			return 1;
	return 0;
}

/* Does any code of `list` share the heading (first 4 digits) of `code`? */
static const char *same_heading(const json_t *list, const char *code)
{
	char a[16], b[16];
	const json_t *x;
	size_t i;

	hs_digits(b, sizeof(b), code);
	json_array_foreach(list, i, x) {
		hs_digits(a, sizeof(a), json_string_value(x));
		if (strlen(a) >= 4 && strlen(b) >= 4 && strncmp(a, b, 4) == 0)
			return json_string_value(x);
	}
	return NULL;
}

static const json_t *category(const json_t *profile, const char *name)
{
	const json_t *x;
	size_t i;

	json_array_foreach(json_object_get(profile, "categories"), i, x)
		if (strcmp(sget(x, "name"), name) == 0)
			return x;
	return NULL;
}

/* Is `code` in one of the named categories of the profile? */
static int in_categories(const json_t *profile, const json_t *names, const char *code)
{
	const json_t *x, *cat;
	size_t i;

	json_array_foreach(names, i, x)
		if ((cat = category(profile, json_string_value(x))) &&
		    sdx__hs_in(json_object_get(cat, "hs_codes"), code) &&
		    !sdx__hs_in(json_object_get(cat, "hs_exclude"), code))
			return 1;
	return 0;
}

int sdx__scope_goods(const json_t *profile, const char *code, int *near, char *why,
		     size_t cap)
{
	const json_t *scope = json_object_get(profile, "scope"), *cats, *x, *cat;
	const char *hit = NULL;
	char names[300];
	size_t i;

	*near = 0;
	cats = json_object_get(scope, "categories");
	if (!json_object_get(scope, "hs_codes") && !cats)
		return SCOPE_IN;
	if (!code || !*code) {
		sdx__text_put(why, cap, _("the goods' HS code is not recorded"));
		return SCOPE_UNRECORDED;
	}
	if (sdx__hs_in(json_object_get(scope, "hs_exclude"), code)) {
		sdx__text_put(why, cap, _("HS %s is excluded from the profile's scope"), code);
		return SCOPE_OUT;
	}
	if (sdx__hs_in(json_object_get(scope, "hs_codes"), code))
		return SCOPE_IN;
	names[0] = '\0';
	json_array_foreach(cats, i, x) {
		if (!(cat = category(profile, json_string_value(x))))
			continue;
		if (sdx__hs_in(json_object_get(cat, "hs_codes"), code) &&
		    !sdx__hs_in(json_object_get(cat, "hs_exclude"), code))
			return SCOPE_IN;
		if (!hit)
			hit = same_heading(json_object_get(cat, "hs_codes"), code);
		sdx__text_list(names, sizeof(names), sget(cat, "title"));
	}
	if (!hit)
		hit = same_heading(json_object_get(scope, "hs_codes"), code);
	if (hit) {
		*near = 1;
		sdx__text_put(why, cap, _("HS %s is not on the profile's list, which has %s under the same "
			 "heading: misclassified, or a product the programme does not cover"), code, hit);
	} else if (names[0]) {
		sdx__text_put(why, cap, _("HS %s is not in any of the profile's categories (%s)"), code, names);
	} else {
		sdx__text_put(why, cap, _("HS %s is not among the HS codes the profile covers"), code);
	}
	return SCOPE_OUT;
}

static int str_in(const json_t *list, const char *s)
{
	const json_t *x;
	size_t i;

	json_array_foreach(list, i, x)
		if (strcmp(json_string_value(x), s) == 0)
			return 1;
	return 0;
}

static int market_in(const json_t *list, const char *cc)
{
	const json_t *x;
	size_t i, k;

	json_array_foreach(list, i, x) {
		const char *m = json_string_value(x);
		if (strcmp(m, cc) == 0)
			return 1;
		if (strcmp(m, "EU") == 0)
			for (k = 0; eu_members[k]; k++)
				if (strcmp(eu_members[k], cc) == 0)
					return 1;
	}
	return 0;
}

static void list_text(char *out, size_t cap, const json_t *list)
{
	const json_t *x;
	size_t i;

	out[0] = '\0';
	json_array_foreach(list, i, x)
		sdx__text_list(out, cap, json_string_value(x));
}

/* Destination and dates of `scope` (a profile's or a rule's); 0 if in. */
static int scope_when_where(const struct check *c, const json_t *scope, const char *whose,
			    char *why, size_t cap)
{
	const json_t *dest = json_object_get(scope, "destinations");
	const json_t *force = json_object_get(scope, "in_force");
	char list[200];

	if (json_object_get(force, "from") && c->today < sdx__check_days(sget(force, "from"))) {
		sdx__text_put(why, cap, _("%s is in force from %s, after %s"), whose, sget(force, "from"),
			 c->date);
		return SCOPE_OUT;
	}
	if (json_object_get(force, "until") && c->today > sdx__check_days(sget(force, "until"))) {
		sdx__text_put(why, cap, _("%s was in force until %s, before %s"), whose, sget(force, "until"),
			 c->date);
		return SCOPE_OUT;
	}
	if (dest && c->destination && !market_in(dest, c->destination)) {
		list_text(list, sizeof(list), dest);
		sdx__text_put(why, cap, _("destination %s is not among the markets %s covers (%s)"),
			 c->destination, whose, list);
		return SCOPE_OUT;
	}
	if (dest && !c->destination) {
		sdx__text_put(why, cap, _("no destination is recorded (%s covers %s)"), whose,
			 json_string_value(json_array_get(dest, 0)));
		return SCOPE_UNRECORDED;
	}
	return SCOPE_IN;
}

int sdx__scope_market(const struct check *c, char *why, size_t cap)
{
	const json_t *scope = json_object_get(c->profile, "scope");
	const json_t *ports = json_object_get(scope, "ports_of_loading"), *x;
	char list[200];
	int r;
	size_t i;

	if ((r = scope_when_where(c, scope, _("the profile"), why, cap)) != SCOPE_IN)
		return r;
	if (!ports)
		return SCOPE_IN;
	if (!c->port) {
		sdx__text_put(why, cap, _("no port of loading is recorded"));
		return SCOPE_UNRECORDED;
	}
	json_array_foreach(ports, i, x)
		if (strcmp(json_string_value(x), c->port) == 0)
			return SCOPE_IN;
	list_text(list, sizeof(list), ports);
	sdx__text_put(why, cap, _("port of loading %s is not one the programme covers (%s)"), c->port,
		 list);
	return SCOPE_OUT;
}

/* The classes of a declaration's material; NULL if not recorded. */
static const json_t *material_classes(const json_t *body)
{
	return json_object_get(json_object_get(body, "material"), "classes");
}

static int intersects(const json_t *a, const json_t *b)
{
	const json_t *x, *y;
	size_t i, k;

	json_array_foreach(a, i, x)
		json_array_foreach(b, k, y)
			if (json_equal(x, y))
				return 1;
	return 0;
}

int sdx__scope_rule(const struct check *c, const json_t *rule, size_t node,
		    const struct walk *w, char *why, size_t cap)
{
	const json_t *scope = json_object_get(rule, "scope"), *want, *have;
	const struct gnode *n = &c->g->n[node];
	const json_t *body = sdx__graph_body(c->g, n);
	char list[200], label[300];
	int r, unrecorded = 0;

	why[0] = '\0';
	if (!scope)
		return SCOPE_IN;
	if ((r = scope_when_where(c, scope, _("the rule"), why, cap)) == SCOPE_OUT)
		return r;
	unrecorded |= r == SCOPE_UNRECORDED;
	sdx__text_put(label, sizeof(label), "%s %s%s%s", n->type->name,
		 n->type->id_field ? sget(body, n->type->id_field) : n->hex,
		 w->lot ? _(", lot ") : "", w->lot ? w->lot : "");
	if ((want = json_object_get(scope, "roles"))) {
		list_text(list, sizeof(list), want);
		if (!w->role) {
			sdx__text_put(why, cap, _("%s%s records no role for this input, and the rule "
				 "judges %s inputs"), w->via ? _("batch ") : _("the batch"), w->via ? w->via : "",
				 list);
			unrecorded = 1;
		} else if (!str_in(want, w->role)) {
			sdx__text_put(why, cap, _("the rule judges %s; %s is used as %s%s%s"), list, label,
				 w->role, w->via ? _(" in batch ") : "", w->via ? w->via : "");
			return SCOPE_OUT;
		}
	}
	if ((want = json_object_get(scope, "material_classes")) &&
	    n->type->role == SDX_ROLE_STATEMENT) {
		list_text(list, sizeof(list), want);
		if (!(have = material_classes(body))) {
			if (!why[0])
				sdx__text_put(why, cap, _("%s records no material classes, and the rule "
					 "judges %s materials"), label, list);
			unrecorded = 1;
		} else if (!intersects(want, have)) {
			char mine[200];
			list_text(mine, sizeof(mine), have);
			sdx__text_put(why, cap, _("the rule judges %s materials; %s is %s"), list, label, mine);
			return SCOPE_OUT;
		}
	}
	if ((want = json_object_get(scope, "material_classes_exclude")) &&
	    n->type->role == SDX_ROLE_STATEMENT && (have = material_classes(body)) &&
	    intersects(want, have)) {
		char mine[200];
		list_text(list, sizeof(list), want);
		list_text(mine, sizeof(mine), have);
		sdx__text_put(why, cap, _("the rule does not judge %s materials; %s is %s"), list, label, mine);
		return SCOPE_OUT;
	}
	if (json_object_get(scope, "hs_codes") || json_object_get(scope, "hs_exclude") ||
	    json_object_get(scope, "categories")) {
		if (!w->hs) {
			if (!why[0])
				sdx__text_put(why, cap, _("the HS code of the goods %s went into is not recorded"),
					 label);
			unrecorded = 1;
		} else if (sdx__hs_in(json_object_get(scope, "hs_exclude"), w->hs) ||
			   ((json_object_get(scope, "hs_codes") || json_object_get(scope, "categories")) &&
			    !sdx__hs_in(json_object_get(scope, "hs_codes"), w->hs) &&
			    !in_categories(c->profile, json_object_get(scope, "categories"), w->hs))) {
			sdx__text_put(why, cap, _("the rule covers other goods than HS %s"), w->hs);
			return SCOPE_OUT;
		}
	}
	return unrecorded ? SCOPE_UNRECORDED : SCOPE_IN;
}
