/*
 * formats/records/view.c - the pieces of records that trace and where-used
 * show, shared by the record types.
 */
#include <string.h>

#include "formats/records/type.h"

const char *sdx__jstr(const json_t *o, const char *key, const char *sub)
{
	const json_t *v = json_object_get(o, key);

	if (sub)
		v = json_object_get(v, sub);
	return json_string_value(v) ? json_string_value(v) : "";
}

json_t *sdx__evidence_view(const json_t *evidence)
{
	json_t *out = json_array(), *e;
	size_t i;

	json_array_foreach(evidence, i, e) {
		json_t *x = json_pack("{s:s, s:s, s:s, s:s, s:s, s:O}", "id", sdx__jstr(e, "id", NULL),
				      "report_number", sdx__jstr(e, "report_number", NULL),
				      "lab", sdx__jstr(e, "lab_name", NULL),
				      "issue_date", sdx__jstr(e, "issue_date", NULL),
				      "valid_until", sdx__jstr(e, "valid_until", NULL),
				      "test_items", json_object_get(e, "test_items"));
		if (!x)
			continue;
		if (json_object_get(e, "accreditation")) {
			const char *body = sdx__jstr(e, "accreditation", "body");
			const char *num = sdx__jstr(e, "accreditation", "number");
			/* "CNAS L1234" already names its body */
			json_object_set_new(x, "accreditation",
					    strncmp(num, body, strlen(body)) == 0
						    ? json_string(num) : json_sprintf("%s %s", body, num));
		}
		if (json_object_get(e, "standards")) /* version 2 */
			json_object_set(x, "standards", json_object_get(e, "standards"));
		if (json_object_get(e, "attachment"))
			json_object_set_new(x, "sha256",
					    json_string(sdx__jstr(e, "attachment", "sha256")));
		json_array_append_new(out, x);
	}
	return out;
}
