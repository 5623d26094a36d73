/* cmd/main.c - the sdx command table and dispatch. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cmd/cmd.h"

static const struct command commands[] = {
	{ "init", cmd_init, "create a ledger and its signing key" },
	{ "key", cmd_key, "show or rotate the ledger's key, make its age key (key show | rotate | age)" },
	{ "declare", cmd_declare, "record signed declarations (with lab evidence)" },
	{ "batch", cmd_batch, "record a production batch and the declarations it used" },
	{ "ship", cmd_ship, "record an export shipment of batches" },
	{ "log", cmd_log, "list the entries of the ledger" },
	{ "show", cmd_show, "print one entry" },
	{ "attachment", cmd_attachment, "store an evidence file (prints its SHA-256), or get one back" },
	{ "checkpoint", cmd_checkpoint, "sign and print the latest checkpoint" },
	{ "prove", cmd_prove, "print an inclusion or consistency proof" },
	{ "export", cmd_export, "write a signed bundle of entries for a customer, age-encrypted if asked" },
	{ "trust", cmd_trust, "add, list, remove or revoke the keys whose bundles you accept" },
	{ "party", cmd_party, "say which party this ledger's records are signed for" },
	{ "import", cmd_import, "verify a supplier's bundle and store it in your ledger" },
	{ "inbox", cmd_inbox, "list what has been imported, by origin" },
	{ "clearance", cmd_clearance, "record what customs answered about a shipment (code, review, release)" },
	{ "request", cmd_request, "ask a supplier to declare against profiles for lots, by a due date" },
	{ "trace", cmd_trace, "show where a shipment, batch or declaration comes from" },
	{ "check", cmd_check, "judge it against a market's rules (compliance profiles)" },
	{ "report", cmd_report, "an HTML page of it for a customs broker or buyer (verdicts, graph, evidence)" },
	{ "lab", cmd_lab, "the lab accreditation registers checks verify (import, list, show)" },
	{ "where-used", cmd_where_used, "which batches and shipments a lot reached (recall)" },
	{ "list", cmd_list, "substance lists you keep current: import, show, diff (what an update hits)" },
	{ "due", cmd_due, "declarations, reports and accreditations expiring soon, and what needs them" },
	{ "verify", cmd_verify, "audit the whole ledger, or check a bundle offline" },
	{ "reindex", cmd_reindex, "build the graph index again from the entries" },
	{ "publish", cmd_publish, "write the ledger as a static tlog-tiles directory" },
	{ "serve", cmd_serve, "serve the ledger over HTTP: a JSON API, tlog tiles (tokens)" },
	{ "witness", cmd_witness, "cosign other logs' checkpoints (C2SP tlog-witness): key, add-log, list" },
	{ NULL, NULL, NULL }
};

static const char intro[] =
	"sdx keeps an append-only, signed ledger of supplier declarations (phthalates,\n"
	"heavy metals, food-contact compliance) with their lab evidence, and proves\n"
	"what it holds with RFC 6962 Merkle proofs and C2SP signed checkpoints.\n";

static const char examples[] =
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
	"  sdx export --cn-customs S1 -o s1-customs.csv    # customs lines for accredited reports\n"
	"  sdx trace s1.sdxb                               # shipment -> batches -> lots -> reports\n"
	"  sdx check --profile us-cpsia s1.sdxb            # the market's rules (sdx check --list)\n"
	"  sdx where-used --lot RSY42-260905               # recall: where did a lot go\n"
	"  sdx due --within 30d                            # what expires soon, and what needs it\n";

static const char environment[] =
	"environment: SDX_LEDGER (ledger file), SDX_KEY (key file), SDX_PASSPHRASE\n"
	"(key passphrase; otherwise asked on the terminal), NO_COLOR.\n";

static void usage(FILE *f)
{
	const struct command *c;

	fprintf(f, "usage: sdx <command> [options] [args]\n\n%s\ncommands:\n", intro);
	for (c = commands; c->name; c++)
		fprintf(f, "  %-12s %s\n", c->name, c->summary);
	fprintf(f, "\n%s\n%s\n", examples, environment);
	cmd_print_exit_codes(f);
	fprintf(f,
		"\n"
		"'sdx <command> --help' (or 'sdx help <command>') describes a command;\n"
		"--help=man prints it as a man page; formats are specified in formats/*.md.\n");
}

/* sdx(1): the same texts as --help. */
static void man_page(FILE *f)
{
	const struct command *c;

	cmd_man_header(f, "sdx", "sdx", "supplier-declaration exchange: signed, verifiable "
		       "ledgers of material declarations");
	fputs(".SH SYNOPSIS\n.B sdx\n.I command\n[options] [args]\n.SH DESCRIPTION\n", f);
	cmd_man_text(f, intro);
	fputs(".SH COMMANDS\n", f);
	for (c = commands; c->name; c++) {
		fprintf(f, ".TP\n.B %s\n", c->name);
		cmd_man_text(f, c->summary);
		fprintf(f, "(\\fBsdx\\-%s\\fR(1))\n", c->name);
	}
	fputs(".SH EXAMPLES\n", f);
	cmd_man_text(f, examples);
	fputs(".SH ENVIRONMENT\n", f);
	cmd_man_text(f, environment + strlen("environment: "));
	fputs(".SH EXIT STATUS\n", f);
	cmd_man_exit_codes(f);
	fputs(".SH SEE ALSO\n", f);
	for (c = commands; c->name; c++)
		fprintf(f, ".BR sdx\\-%s (1)%s\n", c->name, c[1].name ? "," : "");
}

const char *cmd_summary(const char *name)
{
	const struct command *c;

	for (c = commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c->summary;
	return "";
}

static const struct command *find(const char *name)
{
	const struct command *c;

	for (c = commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

/* "'chek' is not an sdx command; did you mean 'check'?" */
static int not_a_command(const char *name)
{
	const char *names[sizeof(commands) / sizeof(commands[0])], *hit;
	size_t n;

	for (n = 0; commands[n].name; n++)
		names[n] = commands[n].name;
	if ((hit = cmd_nearest(name, names, n)))
		return cmd_error(EXIT_USAGE, "'%s' is not an sdx command; did you mean '%s'?", name,
				 hit);
	return cmd_error(EXIT_USAGE, "'%s' is not an sdx command; see 'sdx --help'", name);
}

/* sdx --help=FORMAT: man (sdx(1)), commands (for completion), bash, zsh (the scripts). */
static int help(const char *format)
{
	const struct command *c;

	if (strcmp(format, "man") == 0) {
		man_page(stdout);
	} else if (strcmp(format, "commands") == 0) {
		for (c = commands; c->name; c++)
			printf("%s\n", c->name);
		printf("help\n");
	} else if (strcmp(format, "bash") == 0 || strcmp(format, "zsh") == 0) {
		fputs(cmd_completion_script(format), stdout);
	} else {
		return cmd_error(EXIT_USAGE, "--help=%s: expected man, commands, bash or zsh", format);
	}
	return EXIT_OK;
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
	if (strncmp(argv[1], "--help=", 7) == 0)
		return help(argv[1] + 7);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		if (argc > 2 && strcmp(argv[1], "help") == 0) {
			char *args[] = { argv[2], (char *)"--help", NULL };
			if (!(c = find(argv[2])))
				return not_a_command(argv[2]);
			return c->fn(2, args);
		}
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("sdx %s\n%s\n", sdx_version(), sdx_version_deps());
		return EXIT_OK;
	}
	if ((c = find(argv[1])))
		return c->fn(argc - 1, argv + 1);
	return not_a_command(argv[1]);
}
