/* cmd/main.c - the sdx command table and dispatch. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cmd/cmd.h"

static const struct command commands[] = {
	{ "init", cmd_init, "create a ledger and its signing key" },
	{ "key", cmd_key, "show the ledger's public key, or rotate it (key show | key rotate)" },
	{ "declare", cmd_declare, "record signed declarations (with lab evidence)" },
	{ "batch", cmd_batch, "record a production batch and the declarations it used" },
	{ "ship", cmd_ship, "record an export shipment of batches" },
	{ "log", cmd_log, "list the entries of the ledger" },
	{ "show", cmd_show, "print one entry" },
	{ "attachment", cmd_attachment, "store an evidence file (prints its SHA-256), or get one back" },
	{ "checkpoint", cmd_checkpoint, "sign and print the latest checkpoint" },
	{ "prove", cmd_prove, "print an inclusion or consistency proof" },
	{ "export", cmd_export, "write a signed bundle of entries for a customer" },
	{ "trust", cmd_trust, "add, list, remove or revoke the keys whose bundles you accept" },
	{ "party", cmd_party, "say which party this ledger's records are signed for" },
	{ "import", cmd_import, "verify a supplier's bundle and store it in your ledger" },
	{ "inbox", cmd_inbox, "list what has been imported, by origin" },
	{ "trace", cmd_trace, "show where a shipment, batch or declaration comes from" },
	{ "check", cmd_check, "judge it against a market's rules (compliance profiles)" },
	{ "lab", cmd_lab, "the lab accreditation registers checks verify (import, list, show)" },
	{ "where-used", cmd_where_used, "which batches and shipments a lot reached (recall)" },
	{ "verify", cmd_verify, "audit the whole ledger, or check a bundle offline" },
	{ "reindex", cmd_reindex, "build the graph index again from the entries" },
	{ "publish", cmd_publish, "write the ledger as a static tlog-tiles directory" },
	{ "serve", cmd_serve, "serve the ledger over HTTP: a JSON API, tlog tiles (tokens)" },
	{ NULL, NULL, NULL }
};

static void usage(FILE *f)
{
	const struct command *c;

	fprintf(f,
		"usage: sdx <command> [options] [args]\n"
		"\n"
		"sdx keeps an append-only, signed ledger of supplier declarations (phthalates,\n"
		"heavy metals, food-contact compliance) with their lab evidence, and proves\n"
		"what it holds with RFC 6962 Merkle proofs and C2SP signed checkpoints.\n"
		"\n"
		"commands:\n");
	for (c = commands; c->name; c++)
		fprintf(f, "  %-12s %s\n", c->name, c->summary);
	fprintf(f,
		"\n"
		"a supplier, start to finish:\n"
		"  sdx init --origin example.com/acme-polymers     # ledger ./sdx.db, key ./sdx.key\n"
		"  sdx declare decl.json --attach lab-report.pdf   # sign a declaration + evidence\n"
		"  sdx log; sdx show 1                             # what is recorded\n"
		"  sdx verify                                      # audit every signature and hash\n"
		"  sdx prove 1 --json                              # inclusion proof for entry 1\n"
		"  sdx export --all --to example.com/works -o acme.sdxb   # bundle for a customer\n"
		"\n"
		"a manufacturer receiving it:\n"
		"  sdx verify acme.sdxb --trust VKEY               # offline check, no ledger needed\n"
		"  sdx trust add acme.vkey --name \"Acme Polymers\" --id GLN:6901234500011 \\\n"
		"      --role supplier                             # after comparing the fingerprint\n"
		"  sdx import acme.sdxb; sdx inbox                 # store it, with a signed receipt\n"
		"  sdx batch --id B1 --product NAME --hs 9503.00 --date 2026-10-15 \\\n"
		"      --manufacturer NAME --manufacturer-id USCI:ID --manufacturer-country CN \\\n"
		"      --quantity 24000:H87 --input LEAF:LOT:0.96:TNE:material\n"
		"  sdx export --provenance B1-LEAF -o b1.sdxb      # the batch and all upstream\n"
		"\n"
		"an exporter:\n"
		"  sdx import b1.sdxb\n"
		"  sdx ship --id S1 --date 2026-11-20 --exporter NAME --exporter-id USCI:ID \\\n"
		"      --exporter-country CN --to US --port CNNGB --consignee NAME \\\n"
		"      --item B1-LEAF:24000:H87\n"
		"  sdx export --provenance S1-LEAF -o s1.sdxb      # for the broker and the buyer\n"
		"  sdx trace s1.sdxb                               # shipment -> batches -> lots -> reports\n"
		"  sdx check --profile us-cpsia s1.sdxb            # the market's rules (sdx check --list)\n"
		"  sdx where-used --lot RSY42-260905               # recall: where did a lot go\n"
		"\n"
		"environment: SDX_LEDGER (ledger file), SDX_KEY (key file), SDX_PASSPHRASE\n"
		"(key passphrase; otherwise asked on the terminal), NO_COLOR.\n"
		"\n");
	cmd_print_exit_codes(f);
	fprintf(f,
		"\n"
		"'sdx <command> --help' describes a command; formats are specified in formats/*.md.\n");
}

/* $SDX_TIME: every time the library writes is this one (reproducible tests). */
static int64_t fixed_time;

static int64_t fixed_clock(void *ctx)
{
	(void)ctx;
	return fixed_time;
}

int main(int argc, char **argv)
{
	const struct command *c;
	const char *now = getenv("SDX_TIME");

	/* before any sodium_malloc (passphrases) */
	if (sodium_init() < 0)
		return cmd_error(EXIT_ENV, "cannot initialise libsodium");
	if (now && *now) {
		if (sdx_time_parse(&fixed_time, now) < 0)
			return cmd_error(EXIT_USAGE, "SDX_TIME: '%s' is not a UTC time "
					 "YYYY-MM-DDTHH:MM:SSZ", now);
		sdx_clock_set(fixed_clock, NULL);
	}
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		if (argc > 2 && strcmp(argv[1], "help") == 0) {
			for (c = commands; c->name; c++)
				if (strcmp(c->name, argv[2]) == 0) {
					char *args[] = { argv[2], (char *)"--help", NULL };
					return c->fn(2, args);
				}
			return cmd_error(EXIT_USAGE, "'%s' is not an sdx command", argv[2]);
		}
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("sdx %s\n%s\n", sdx_version(), sdx_version_deps());
		return EXIT_OK;
	}
	for (c = commands; c->name; c++)
		if (strcmp(c->name, argv[1]) == 0)
			return c->fn(argc - 1, argv + 1);
	cmd_error(EXIT_USAGE, "'%s' is not an sdx command; see 'sdx --help'", argv[1]);
	return EXIT_USAGE;
}
