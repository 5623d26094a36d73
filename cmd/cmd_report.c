/* cmd/cmd_report.c - sdx report: a self-contained HTML page about a shipment, batch or declaration. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "formats/text/l10n.h"

#define MAX_PROFILES 16
#define MAX_LISTS 16
#define LINE 700
#define CHROMIUM "/usr/bin/chromium"
#define PDF_SECONDS 120

static const struct usage use = {
	"sdx report REF -o FILE.html [--pdf FILE.pdf] [--profile P]... [--date D] [--labs FILE]\n"
	"   or: sdx report FILE.sdxb [--ref REF] [--trust VKEY]... -o FILE.html",
	"Write one HTML page for a customs broker or a buyer about a shipment, batch\n"
	"or declaration (REF as for 'sdx trace' and 'sdx check'; a bundle is verified\n"
	"first): the verdict per profile ('sdx check REF'), the provenance graph as a\n"
	"picture (failing records in red), the claims against their limits per lot,\n"
	"the evidence with file names and SHA-256, who signed or restated each record,\n"
	"and what was verified: the ledger audit or the bundle's checks, each record's\n"
	"checkpoint (size, root), the keys and their fingerprints, and when (the ledger\n"
	"clock).  The page loads nothing (inline style and SVG, a Content-Security-\n"
	"Policy that forbids fetching) and prints (a print stylesheet).  --pdf prints\n"
	"it with " CHROMIUM " (headless).  formats/report.md describes it.\n"
	"Exit code: 0 written (whatever the verdicts say); 1-4 as for every command.",
	USAGE_ANY
};

struct report_opts {
	struct graph_src src;
	const char *profiles[MAX_PROFILES];
	size_t nprofiles;
	const char *date, *labs, *output, *pdf, *lang;
};

/* Print the page to PDF with headless Chromium; 0 or an exit code. */
static int to_pdf(const char *html, const char *pdf)
{
	char cwd[4096], url[8400], arg[4200];
	pid_t pid;
	int st;

	if (access(CHROMIUM, X_OK) != 0)
		return cmd_error(EXIT_ENV, "--pdf needs Chromium at %s (apt-get install -y chromium); "
				 "%s is written", CHROMIUM, html);
	if (html[0] != '/' && !getcwd(cwd, sizeof(cwd)))
		return cmd_error(EXIT_ENV, "%s: cannot resolve its path", html);
	snprintf(url, sizeof(url), "file://%s%s%s", html[0] == '/' ? "" : cwd,
		 html[0] == '/' ? "" : "/", html);
	snprintf(arg, sizeof(arg), "--print-to-pdf=%s", pdf);
	fflush(NULL);
	if ((pid = fork()) < 0)
		return cmd_error(EXIT_ENV, "cannot start %s", CHROMIUM);
	if (pid == 0) {
		if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
			_exit(127);
		alarm(PDF_SECONDS); /* kept across exec: a Chromium that hangs is stopped */
		execl(CHROMIUM, CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
		      "--disable-background-networking", "--no-pdf-header-footer", arg, url,
		      (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0 ||
	    access(pdf, F_OK) != 0)
		return cmd_error(EXIT_ENV, "%s could not print %s to %s", CHROMIUM, html, pdf);
	return 0;
}

/* What was read and verified, in words, and the keys it was checked with. */
static int provenance_lines(char lines[][LINE], size_t *n, const char *arg, struct graph_src *s)
{
	sdx_verify_options vo = SDX_VERIFY_OPTIONS_INIT;
	sdx_verify_report vr;
	const sdx_bundle_ledger *bl;
	size_t i;
	int err;

	*n = 0;
	if (s->report) {
		snprintf(lines[(*n)++], LINE, _("Bundle %s verified offline as 'sdx verify' does: made by "
			 "%s at %s, its manifest signature, %llu entries with their inclusion "
			 "proofs, %llu attachments, %llu members' hashes"), arg,
			 sdx_bundle_report_producer(s->report), sdx_bundle_report_created(s->report),
			 (unsigned long long)sdx_bundle_report_entries(s->report),
			 (unsigned long long)sdx_bundle_report_attachments(s->report),
			 (unsigned long long)sdx_bundle_report_members(s->report));
		for (i = 0; (bl = sdx_bundle_report_ledger(s->report, i)) && *n < 15; i++)
			snprintf(lines[(*n)++], LINE, _("Ledger %s: checkpoint of size %llu, %llu entries "
				 "proved against it, %llu consistency proofs; its keys %s"), bl->origin,
				 (unsigned long long)bl->tree_size, (unsigned long long)bl->entries,
				 (unsigned long long)bl->consistency,
				 bl->trusted ? _("trusted") : _("NOT all trusted"));
		return 0;
	}
	if ((err = sdx_ledger_verify(&vr, s->l, &vo)) < 0)
		return cmd_fail(err);
	snprintf(lines[(*n)++], LINE, _("Ledger %s (origin %s) audited as 'sdx verify' does: %llu "
		 "entries, %llu checkpoints, %llu attachments, %llu imported entries with their "
		 "proofs"), sdx_ledger_path(s->l), sdx_ledger_origin(s->l),
		 (unsigned long long)vr.entries, (unsigned long long)vr.checkpoints,
		 (unsigned long long)vr.attachments, (unsigned long long)vr.imported_entries);
	struct keyring kr = { s->trusted, GRAPH_MAX_TRUST, &s->n_trusted };
	struct keyring rv = { s->revoked, MAX_REVOKED, &s->n_revoked };
	if ((err = load_ledger_keys(s->l, &kr, &rv, 1)) != 0)
		return err;
	if (s->n_trusted < GRAPH_MAX_TRUST &&
	    (err = sdx_ledger_verifier(&s->trusted[s->n_trusted], s->l)) == 0)
		s->n_trusted++;
	return err < 0 ? cmd_fail(err) : 0;
}

int cmd_report(int argc, char **argv)
{
	struct report_opts o;
	struct sdx_check_options copts;
	sdx_report_options ro = SDX_REPORT_OPTIONS_INIT;
	sdx_profile *profiles[MAX_PROFILES] = { NULL };
	sdx_lab_register *labs = NULL;
	sdx_substance_list *lists[MAX_LISTS] = { NULL };
	sdx_graph *g = NULL;
	size_t *nodes = NULL, n = 0, np = 0, nlists = 0, nlines = 0, k;
	char lines[16][LINE], *html = NULL;
	const char *vl[16];
	size_t hlen = 0;

	int first, rc, err, worst;

	memset(&o, 0, sizeof(o));
	memset(&copts, 0, sizeof(copts));
	struct opt opts[] = {
		OPT_STRING('o', "output", &o.output, "FILE.html", "write the page here (required)"),
		OPT_STRING(0, "pdf", &o.pdf, "FILE.pdf",
			   "also print it to PDF with headless " CHROMIUM),
		OPT_STRING_LIST('p', "profile", o.profiles, &o.nprofiles, MAX_PROFILES, "NAME|FILE",
				"the profiles of the verdict table; repeatable (default: every "
				"shipped profile)", "at most %zu profiles"),
		OPT_STRING(0, "date", &o.date, "YYYY-MM-DD",
			   "judge evidence at this date (default: as sdx check does)"),
		OPT_STRING(0, "labs", &o.labs, "FILE",
			   "the lab accreditation register (default: the ledger's, as sdx check)"),
		OPT_STRING(0, "lang", &o.lang, "zh-CN|en",
			   "the page's language: headings, labels, verdict words and reasons; record "
			   "data stays as entered (default: LANGUAGE, LC_ALL, LC_MESSAGES, LANG)"),
		GRAPH_OPTS(&o.src),
		WHERE_OPTS(&o.src.w),
		OPT_END()
	};
	if ((rc = cmd_parse(argc, argv, &use, opts, &first)) != 0)
		goto done;
	if ((rc = cmd_lang(o.lang)) != 0)
		goto done;
	if (argc - first != 1 || !o.output) {
		rc = cmd_error(EXIT_USAGE, "give one REF or FILE.sdxb and -o FILE.html; see "
			       "'sdx report --help'");
		goto done;
	}
	if ((rc = cmd_load_profiles(profiles, &np, o.profiles, o.nprofiles, MAX_PROFILES)) != 0 ||
	    (rc = graph_open(&o.src, argv[first], &g, &nodes, &n)) != 0)
		goto done;
	if (n != 1) {
		rc = cmd_error(EXIT_USAGE, n ? "%s holds %zu top records: name one with --ref" :
			       "%s holds no declaration, batch or shipment", argv[first], n);
		goto done;
	}
	if ((rc = cmd_reference_data(&labs, lists, &nlists, MAX_LISTS, o.labs, &o.src)) != 0 ||
	    (rc = provenance_lines(lines, &nlines, argv[first], &o.src)) != 0)
		goto done;
	for (k = 0; k < nlines; k++)
		vl[k] = lines[k];
	copts.date = o.date;
	copts.labs = labs;
	copts.lists = (const sdx_substance_list *const *)lists;
	copts.nlists = nlists;
	ro.profiles = (const sdx_profile *const *)profiles;
	ro.nprofiles = np;
	ro.check = &copts;
	ro.keys = (const sdx_verifier *const *)o.src.trusted;
	ro.nkeys = o.src.n_trusted;
	ro.verified = vl;
	ro.nverified = nlines;
	if ((err = sdx_report_html(&html, &hlen, &worst, g, nodes[0], &ro)) < 0) {
		rc = cmd_fail(err);
		goto done;
	}
	if ((rc = write_whole(o.output, html)) != 0)
		goto done;
	if (o.pdf)
		rc = to_pdf(o.output, o.pdf);
done:
	free(html);
	for (k = 0; k < MAX_PROFILES; k++)
		sdx_profile_free(profiles[k]);
	free(nodes);
	sdx_lab_register_free(labs);
	for (k = 0; k < MAX_LISTS; k++)
		sdx_list_free(lists[k]);
	sdx_graph_free(g);
	graph_src_clear(&o.src);
	return rc == CMD_HELP_SHOWN ? 0 : rc;
}
