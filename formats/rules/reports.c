/*
 * formats/rules/reports.c - the test_report check kind: a full report on the
 * record covering the listed test items, accredited and recent enough.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sdx/provenance.h"
#include "formats/rules/internal.h"

/* A full report covering the listed test items, accredited and recent enough. */
void sdx__check_report(struct check *c, const json_t *rule, size_t node, const char *lot,
			const char *via)
{
	const json_t *rec = sdx__graph_body(c->g, &c->g->n[node]), *e, *items = json_object_get(rule, "test_items");
	const json_t *policy = json_object_get(rule, "evidence");
	char why[600], missing[500];
	size_t i, k, j, fewest = SIZE_MAX;
	json_t *want, *have;

	snprintf(why, sizeof(why), "no test report is attached to this %s",
		 c->g->n[node].type->name);
	json_array_foreach(json_object_get(rec, "evidence"), i, e) {
		size_t nmiss = 0;
		missing[0] = '\0';
		json_array_foreach(items, k, want) {
			int found = 0;
			size_t ml = strlen(missing);
			json_array_foreach(json_object_get(e, "test_items"), j, have)
				if (strcasecmp(json_string_value(have), json_string_value(want)) == 0)
					found = 1;
			if (!found) {
				nmiss++;
				snprintf(missing + ml, sizeof(missing) - ml, "%s%s", ml ? ", " : "",
					 json_string_value(want));
			}
		}
		if (nmiss) {
			if (nmiss < fewest) {
				fewest = nmiss;
				snprintf(why, sizeof(why), "report %s does not cover %s",
					 sget(e, "report_number"), missing);
			}
			continue;
		}
		fewest = 0;
		if (json_is_true(json_object_get(policy, "accredited")) &&
		    !*sget(json_object_get(e, "accreditation"), "body")) {
			snprintf(why, sizeof(why), "report %s by %s names no accreditation",
				 sget(e, "report_number"), sget(e, "lab_name"));
			continue;
		}
		if (json_object_get(policy, "accreditation_bodies")) {
			const char *body = sget(json_object_get(e, "accreditation"), "body");
			int listed = 0;
			json_array_foreach(json_object_get(policy, "accreditation_bodies"), k, have)
				if (strcmp(json_string_value(have), body) == 0)
					listed = 1;
			if (!listed) {
				snprintf(why, sizeof(why), "report %s is accredited by '%s', not a body "
					 "this profile accepts", sget(e, "report_number"), body);
				continue;
			}
		}
		if (sdx__check_days(sget(e, "valid_until")) < c->today) {
			snprintf(why, sizeof(why), "report %s expired on %s (checked at %s)",
				 sget(e, "report_number"), sget(e, "valid_until"), c->date);
			continue;
		}
		if (json_object_get(policy, "max_age_days") &&
		    c->today - sdx__check_days(sget(e, "issue_date")) >
			    json_integer_value(json_object_get(policy, "max_age_days"))) {
			snprintf(why, sizeof(why), "report %s was issued %s, %ld days before %s; at "
				 "most %" JSON_INTEGER_FORMAT " days are allowed", sget(e, "report_number"),
				 sget(e, "issue_date"), c->today - sdx__check_days(sget(e, "issue_date")), c->date,
				 json_integer_value(json_object_get(policy, "max_age_days")));
			continue;
		}
		sdx__check_result(c, rule, node, lot, via, SDX_VERDICT_PASS, "report %s by %s (%s), issued %s "
				  "(%ld days before %s), covers all %zu test items", sget(e, "report_number"),
				  sget(e, "lab_name"), sget(json_object_get(e, "accreditation"), "number"),
				  sget(e, "issue_date"),
				  c->today - sdx__check_days(sget(e, "issue_date")), c->date, json_array_size(items));
		return;
	}
	sdx__check_result(c, rule, node, lot, via, SDX_VERDICT_UNKNOWN, "%s", why);
}
