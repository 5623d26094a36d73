/* cmd/common.c - the one-line record summaries sdx log and sdx inbox print. */
#include <string.h>

#include "cmd/cmd.h"

/* A short human summary of a record body: the fields a reader scans for. */
void record_summary(char *out, size_t cap, json_t *body, const char *type)
{
	const char *a = NULL, *b = NULL;
	json_t *lots;

	out[0] = '\0';
	if (strcmp(type, "genesis") == 0) {
		snprintf(out, cap, "ledger %s", json_string_value(json_object_get(body, "origin")));
		return;
	}
	if (strcmp(type, "import") == 0) {
		snprintf(out, cap, "imported %" JSON_INTEGER_FORMAT " entries from %s",
			 json_integer_value(json_object_get(body, "entries")),
			 json_string_value(json_object_get(body, "producer")));
		return;
	}
	if (strcmp(type, "key") == 0) {
		/* "origin+keyid+base64": show origin+keyid */
		const char *plus;
		int n = 0;
		a = json_string_value(json_object_get(body, "new_key"));
		if (a && (plus = strchr(a, '+')) && (plus = strchr(plus + 1, '+')))
			n = (int)(plus - a);
		snprintf(out, cap, "new key %.*s: %s", n, a ? a : "",
			 json_string_value(json_object_get(body, "reason")));
		return;
	}
	if (strcmp(type, "withdrawal") == 0) {
		a = json_string_value(json_object_get(body, "withdraws"));
		snprintf(out, cap, "withdraws %.16s", a ? a : "?");
		return;
	}
	if (strcmp(type, "batch") == 0) {
		json_t *pr = json_object_get(body, "product");
		snprintf(out, cap, "batch %s: %s, HS %s, %zu input%s",
			 json_string_value(json_object_get(body, "batch_id")),
			 json_string_value(json_object_get(pr, "name")),
			 json_string_value(json_object_get(pr, "hs_code")),
			 json_array_size(json_object_get(body, "inputs")),
			 json_array_size(json_object_get(body, "inputs")) == 1 ? "" : "s");
		return;
	}
	if (strcmp(type, "shipment") == 0) {
		snprintf(out, cap, "shipment %s %s to %s from %s, %zu batch%s",
			 json_string_value(json_object_get(body, "shipment_id")),
			 json_string_value(json_object_get(body, "ship_date")),
			 json_string_value(json_object_get(body, "destination_country")),
			 json_string_value(json_object_get(body, "port_of_loading")),
			 json_array_size(json_object_get(body, "items")),
			 json_array_size(json_object_get(body, "items")) == 1 ? "" : "es");
		return;
	}
	a = json_string_value(json_object_get(json_object_get(body, "material"), "name"));
	b = json_string_value(json_object_get(json_object_get(body, "supplier"), "name"));
	lots = json_object_get(json_object_get(body, "material"), "lots");
	if (a || b) {
		/* the lot numbers are what a manufacturer's batch input names */
		char lotlist[160];
		size_t i, n = 0;
		json_t *x;
		lotlist[0] = '\0';
		json_array_foreach(lots, i, x) {
			if (i == 3) {
				snprintf(lotlist + n, sizeof(lotlist) - n, ", ...");
				break;
			}
			n += (size_t)snprintf(lotlist + n, sizeof(lotlist) - n, "%s%s", i ? ", " : "",
					      json_string_value(json_object_get(x, "lot_number")));
			if (n >= sizeof(lotlist))
				break;
		}
		snprintf(out, cap, "%s%s%s — lot%s %s", a ? a : "", a && b ? " — " : "", b ? b : "",
			 json_array_size(lots) == 1 ? "" : "s", lotlist);
	}
}

