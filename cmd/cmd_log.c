/* cmd/cmd_log.c - sdx log: list entries. */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"

static const struct opt opts[] = {
	{ "type", 't', "TYPE", "only entries of this record type" },
	{ "from", 0, "N", "start at entry N" },
	{ "limit", 'n', "N", "at most N entries" },
	{ "json", 0, NULL, "one JSON object per line (JSON Lines)" },
	WHERE_OPTS,
	{ NULL, 0, NULL, NULL }
};

static const struct usage use = {
	"sdx log [--type TYPE] [--from N] [--limit N] [--json] [-L LEDGER]",
	"List the ledger's entries, oldest first: index, time, type, leaf hash and a\n"
	"one-line summary of the record.  Use 'sdx show INDEX' for the full record.",
	opts
};

struct log_opts {
	struct where w;
	const char *type;
	unsigned long long from, limit, shown;
	int json;
};

static int on_opt(void *ctx, const char *name, const char *arg)
{
	struct log_opts *o = ctx;

	if (where_option(&o->w, name, arg))
		return 0;
	if (strcmp(name, "type") == 0)
		o->type = arg;
	else if (strcmp(name, "from") == 0)
		return parse_u64(arg, &o->from, "--from");
	else if (strcmp(name, "limit") == 0)
		return parse_u64(arg, &o->limit, "--limit");
	else if (strcmp(name, "json") == 0)
		o->json = 1;
	return 0;
}

/* A short human summary of a record body: the fields a reader scans for. */
static void summarise(char *out, size_t cap, json_t *body, const char *type)
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
	if (a || b)
		snprintf(out, cap, "%s%s%s (%zu lot%s)", a ? a : "", a && b ? " — " : "",
			 b ? b : "", json_array_size(lots), json_array_size(lots) == 1 ? "" : "s");
}

static int show_one(void *ctx, const sdx_entry *e)
{
	struct log_opts *o = ctx;
	char *payload = NULL, hex[65], summary[300];
	json_t *p = NULL;
	int err;

	if (o->type && strcmp(o->type, e->type) != 0)
		return 0;
	if (o->limit && o->shown >= o->limit)
		return 1;
	o->shown++;
	if ((err = sdx_entry_payload(e, &payload, NULL)) < 0)
		return err;
	p = json_loads(payload, 0, NULL);
	hex_hash(hex, e->leaf_hash);
	summarise(summary, sizeof(summary), json_object_get(p, "body"), e->type);
	if (o->json) {
		json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s}", "index", (json_int_t)e->index,
				      "time", e->time, "type", e->type, "leaf_hash", hex,
				      "summary", summary);
		char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
		if (s)
			puts(s);
		free(s);
		json_decref(j);
	} else {
		printf("%6" PRIu64 "  %s  %-12s %.16s  %s\n", e->index, e->time, e->type, hex, summary);
	}
	json_decref(p);
	free(payload);
	return 0;
}

int cmd_log(int argc, char **argv)
{
	struct log_opts o;
	sdx_ledger *l = NULL;
	int first, rc, err;

	memset(&o, 0, sizeof(o));
	if ((rc = cmd_parse(argc, argv, &use, on_opt, &o, &first)) != 0)
		return rc == CMD_HELP_SHOWN ? 0 : rc;
	if (first < argc)
		return cmd_error(EXIT_USAGE, "unexpected argument '%s'", argv[first]);
	where_resolve(&o.w);
	if ((rc = open_ledger(&l, &o.w, SDX_OPEN_READONLY)) != 0)
		return rc;
	err = sdx_ledger_foreach(l, o.from, UINT64_MAX, show_one, &o);
	rc = err < 0 ? cmd_fail(err) : EXIT_OK;
	sdx_ledger_free(l);
	return rc;
}
