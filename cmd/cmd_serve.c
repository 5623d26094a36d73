/*
 * cmd/cmd_serve.c - sdx serve: the ledger's HTTP API (cmd/serve/, formats/serve.md),
 * and sdx serve token add|list|revoke, the bearer tokens it accepts.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sodium.h>

#include "cmd/serve/serve.h"

static const struct usage use = {
	"sdx serve [--listen ADDR:PORT] [--allow-remote] [--public-entries] [limits] [-L LEDGER]\n"
	"   or: sdx serve token add --scope read|write|admin [--name NAME]\n"
	"   or: sdx serve token list [--json] | sdx serve token revoke ID|NAME",
	"Serve one ledger over HTTP (formats/serve.md; the OpenAPI 3.1 description is at\n"
	"/openapi.json): a JSON API for declarations, batches, shipments, attachments,\n"
	"imports, export, check, trace, where-used, show, log, prove and verify, which\n"
	"answers with what the commands print with --json and with RFC 9457 problems;\n"
	"and the ledger as a C2SP tlog-tiles log (/checkpoint, /tile/..., public;\n"
	"/tile/entries/... needs a read token unless --public-entries).  Everything\n"
	"else needs a bearer token of its scope: read, write (also reads) or admin\n"
	"(also imports); 'sdx serve token add' prints one, once.  Binds 127.0.0.1:8080\n"
	"by default; another address than loopback needs --allow-remote, and TLS comes\n"
	"from a reverse proxy in front (formats/serve.md has nginx and Caddy examples).\n"
	"PORT 0 picks a free port; the first line on stdout names the address.\n"
	"With --witness the ledger is also a C2SP tlog-witness: POST /add-checkpoint\n"
	"(public, rate-limited) cosigns the checkpoints of the logs 'sdx witness add-log'\n"
	"named (formats/witness.md).\n"
	"SIGTERM or SIGINT stops accepting, lets the requests being handled finish\n"
	"(up to --timeout), then exits.",
	USAGE_NONE
};

struct serve_opts {
	struct where w;
	const char *listen;
	int allow_remote, public_entries, witness;
	uint64_t max_body, max_conn, timeout, rate;
};

/* ADDR:PORT (IPv4, or [IPv6]) into *ss; 1 if it is a loopback address. */
static int parse_listen(const char *s, struct sockaddr_storage *ss, int *loopback)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	uint64_t port;
	size_t hl;
	int rc;

	memset(ss, 0, sizeof(*ss));
	if (!colon || (hl = (size_t)(colon - s)) == 0 || hl >= sizeof(host))
		return cmd_error(EXIT_USAGE, "--listen '%s': give ADDR:PORT, e.g. 127.0.0.1:8080 "
				 "or [::1]:8080", s);
	if ((rc = parse_u64(colon + 1, &port, "--listen port")) != 0)
		return rc;
	if (port > 65535)
		return cmd_error(EXIT_USAGE, "--listen '%s': port above 65535", s);
	memcpy(host, s, hl);
	host[hl] = '\0';
	if (host[0] == '[' && host[hl - 1] == ']') {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		host[hl - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, &a->sin6_addr) != 1)
			return cmd_error(EXIT_USAGE, "--listen '%s': '%s' is not an IPv6 address", s,
					 host + 1);
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		*loopback = IN6_IS_ADDR_LOOPBACK(&a->sin6_addr);
		return 0;
	}
	struct sockaddr_in *a = (struct sockaddr_in *)ss;
	if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
		return cmd_error(EXIT_USAGE, "--listen '%s': '%s' is not an IPv4 address (names "
				 "are not looked up)", s, host);
	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)port);
	*loopback = (ntohl(a->sin_addr.s_addr) >> 24) == 127;
	return 0;
}

static int serve(struct serve_opts *o)
{
	struct sockaddr_storage ss;
	struct server srv;
	sdx_ledger *l = NULL;
	const char *tmp = getenv("TMPDIR");
	char spool_buf[4096];
	int loopback = 0, rc;

	memset(&srv, 0, sizeof(srv));
	if ((rc = parse_listen(o->listen, &ss, &loopback)) != 0)
		return rc;
	if (!loopback && !o->allow_remote)
		return cmd_error(EXIT_USAGE, "--listen '%s' is not a loopback address; tokens and "
				 "records would cross the network in clear: put a TLS proxy in "
				 "front and give --allow-remote", o->listen);
	where_resolve(&o->w);
	srv.w = o->w;
	srv.w.key = o->w.key == o->w.key_buf ? srv.w.key_buf : o->w.key;
	/* open once for writing: an older file gets its token table before threads start */
	if ((rc = open_ledger(&l, &srv.w, 0)) != 0)
		return rc;
	snprintf(srv.origin, sizeof(srv.origin), "%s", sdx_ledger_origin(l));
	sdx_ledger_free(l);
	if ((rc = load_key(&srv.key, &srv.w)) != 0)
		return rc;
	snprintf(spool_buf, sizeof(spool_buf), "%s/sdx-serve-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(spool_buf)) {
		rc = cmd_error(EXIT_ENV, "cannot create a spool directory: %s", strerror(errno));
		goto done;
	}
	srv.spool = spool_buf;
	srv.max_body = o->max_body;
	srv.max_record_body = o->max_body < SDX_RECORD_INPUT_MAX * 64u ? o->max_body
		: SDX_RECORD_INPUT_MAX * 64u;
	srv.rate = o->rate;
	srv.public_entries = o->public_entries;
	srv.witness = o->witness;
	pthread_mutex_init(&srv.lock, NULL);
	pthread_cond_init(&srv.idle, NULL);
	if (rate_table_new(&srv.rates, o->rate) < 0) {
		rc = cmd_fail(SDX_ENOMEM);
	} else {
		rc = serve_run(&srv, (const struct sockaddr *)&ss, (unsigned)o->max_conn,
			       (unsigned)o->timeout);
	}
	rate_table_free(srv.rates);
	pthread_cond_destroy(&srv.idle);
	pthread_mutex_destroy(&srv.lock);
	rmdir(spool_buf);
done:
	sdx_signer_free(srv.key);
	return rc;
}

/* ---- sdx serve token ---- */

static const struct usage token_use = {
	"sdx serve token add --scope read|write|admin [--name NAME] [-L LEDGER]\n"
	"   or: sdx serve token list [--json] [-L LEDGER]\n"
	"   or: sdx serve token revoke ID|NAME [-L LEDGER]",
	"add: create a bearer token for sdx serve and print it, once: the ledger keeps\n"
	"only its SHA-256.  read: every GET; write: also records and attachments;\n"
	"admin: also imports.  list: id, name, scope and creation time of each.\n"
	"revoke: delete a token; a running server refuses it from its next request.",
	USAGE_ANY
};

static int list_one(void *ctx, const sdx_token_info *t)
{
	json_t *list = ctx;

	if (list)
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s}", "id", t->id, "name",
						      t->name, "scope", sdx_scope_name(t->scope),
						      "created", t->created));
	else
		printf("%s  %-6s %s  %s\n", t->id, sdx_scope_name(t->scope), t->created, t->name);
	return 0;
}

static int token(int argc, char **argv)
{
	struct where w;
	const char *scope_s = NULL, *name = NULL, *verb;
	char tok[SDX_TOKEN_LEN + 1];
	sdx_token_info info;
	sdx_ledger *l = NULL;
	sdx_scope scope;
	json_t *list = NULL;
	int json = 0, first, rc, err;

	memset(&w, 0, sizeof(w));
	struct opt opts[] = {
		OPT_STRING(0, "scope", &scope_s, "SCOPE", "add: read, write or admin"),
		OPT_STRING(0, "name", &name, "NAME", "add: a name to list and revoke it by"),
		OPT_BOOL(0, "json", &json, "list: as JSON"),
		WHERE_OPTS(&w),
		OPT_END()
	};
	if ((rc = cmd_parse(argc, argv, &token_use, opts, &first)) != 0)
		return rc == CMD_HELP_SHOWN ? 0 : rc;
	verb = first < argc ? argv[first] : "";
	if (!((strcmp(verb, "add") == 0 && first + 1 == argc) ||
	      (strcmp(verb, "list") == 0 && first + 1 == argc) ||
	      (strcmp(verb, "revoke") == 0 && first + 2 == argc)))
		return cmd_error(EXIT_USAGE, "usage: %s", token_use.synopsis);
	if (strcmp(verb, "add") == 0 && (sdx_scope_parse(&scope, scope_s) < 0))
		return cmd_error(EXIT_USAGE, "token add: --scope read, write or admin is required");
	if ((rc = resolve_and_open(&l, &w, 0)) != 0)
		return rc;
	if (strcmp(verb, "add") == 0) {
		if ((err = sdx_token_add(tok, &info, l, scope, name)) < 0)
			goto fail;
		printf("%s\n", tok);
		sodium_memzero(tok, sizeof(tok));
		fprintf(stderr, "sdx: token '%s' (id %s, scope %s) added; it is shown only now\n",
			info.name, info.id, sdx_scope_name(info.scope));
	} else if (strcmp(verb, "list") == 0) {
		list = json ? json_array() : NULL;
		if ((err = sdx_token_foreach(l, list_one, list)) < 0)
			goto fail;
		if (list)
			print_json(list);
		list = NULL;
	} else {
		if ((err = sdx_token_revoke(l, argv[first + 1])) < 0)
			goto fail;
		printf("revoked token %s\n", argv[first + 1]);
	}
	rc = EXIT_OK;
	goto done;
fail:
	rc = cmd_fail(err);
done:
	json_decref(list);
	sdx_ledger_free(l);
	return rc;
}

int cmd_serve(int argc, char **argv)
{
	struct serve_opts o;
	int first, rc;

	if (argc > 1 && strcmp(argv[1], "token") == 0)
		return token(argc - 1, argv + 1);
	memset(&o, 0, sizeof(o));
	o.listen = "127.0.0.1:8080";
	o.max_body = 256u * 1024 * 1024;
	o.max_conn = 64;
	o.timeout = 30;
	o.rate = 200;
	struct opt opts[] = {
		OPT_STRING(0, "listen", &o.listen, "ADDR:PORT",
			   "address to listen on (default 127.0.0.1:8080; port 0: any free one)"),
		OPT_BOOL(0, "allow-remote", &o.allow_remote,
			 "allow a --listen address other than loopback (behind a TLS proxy)"),
		OPT_BOOL(0, "public-entries", &o.public_entries,
			 "serve /tile/entries/ without a token (the commercial graph is public then)"),
		OPT_BOOL(0, "witness", &o.witness,
			 "also answer POST /add-checkpoint as a witness (sdx witness add-log)"),
		OPT_SIZE(0, "max-body", &o.max_body, "SIZE",
			 "largest bundle or attachment upload (default 256M; records: at most 64 "
			 "times a record's limit)"),
		OPT_U64_RANGE(0, "max-connections", &o.max_conn, "N",
			      "connections at once, one thread each (default 64)", 1, 4096),
		OPT_U64_RANGE(0, "timeout", &o.timeout, "SECONDS",
			      "idle connection timeout, and how long a shutdown waits (default 30)",
			      1, 3600),
		OPT_U64(0, "rate", &o.rate, "N",
			"requests a second per token, or per address without one (default 200; 0: "
			"no limit)"),
		WHERE_OPTS(&o.w),
		OPT_END()
	};
	if ((rc = cmd_parse(argc, argv, &use, opts, &first)) != 0)
		return rc == CMD_HELP_SHOWN ? 0 : rc;
	return serve(&o);
}
