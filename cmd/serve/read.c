/*
 * cmd/serve/read.c - the reading endpoints of sdx serve: log, show, proofs,
 * trace, where-used, check, verify, export, attachments.  Each answers with
 * the JSON its command prints with --json (cmd/report.c, or the library's own
 * JSON for trace, where-used and check).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "cmd/serve/serve.h"

#define PAGE_DEFAULT 100
#define PAGE_MAX 1000
#define MAX_PROFILES 16
#define MAX_SELECT 64

/* The query argument `name` as a number into *out (def when absent); 0 or a problem. */
static int arg_u64(struct request *r, struct reply *out, const char *name, uint64_t def,
		   uint64_t *v, int *given)
{
	const char *s = req_arg(r, name);
	char *end;

	*v = def;
	if (given)
		*given = s != NULL;
	if (!s)
		return 0;
	errno = 0;
	*v = strtoull(s, &end, 10);
	if (!*s || *end || errno || *s == '-' || *s == '+') {
		reply_problem(out, MHD_HTTP_BAD_REQUEST, "EINVAL", "query argument '%s': '%s' is "
			      "not a non-negative decimal number", name, s);
		return 1;
	}
	return 0;
}

/* Reply with a JSON text the library wrote (trace, where-used). */
static int reply_text_json(struct reply *out, char *text)
{
	json_t *j = json_loads(text, 0, NULL);

	free(text);
	return reply_json(out, 200, j);
}

int h_whoami(struct request *r, struct reply *out)
{
	return reply_json(out, 200, json_pack("{s:s, s:s, s:s, s:s}", "id", r->token.id,
					      "name", r->token.name,
					      "scope", sdx_scope_name(r->token.scope),
					      "origin", r->srv->origin));
}

struct page {
	const char *type;
	uint64_t limit;
	json_t *entries;
	int64_t next;
};

static int page_entry(void *ctx, const sdx_entry *e)
{
	struct page *p = ctx;
	json_t *j;
	int err;

	if (p->type && strcmp(p->type, e->type) != 0)
		return 0;
	if (json_array_size(p->entries) == p->limit) {
		p->next = (int64_t)e->index;
		return 1;
	}
	if ((err = log_entry_json(&j, e)) < 0)
		return err;
	json_array_append_new(p->entries, j);
	return 0;
}

int h_entries(struct request *r, struct reply *out)
{
	struct page p = { req_arg(r, "type"), 0, NULL, -1 };
	uint64_t from;
	int err;

	if (arg_u64(r, out, "from", 0, &from, NULL) ||
	    arg_u64(r, out, "limit", PAGE_DEFAULT, &p.limit, NULL))
		return 0;
	if (p.limit == 0 || p.limit > PAGE_MAX)
		return reply_problem(out, MHD_HTTP_BAD_REQUEST, "EINVAL", "query argument 'limit': "
				     "1 to %d entries a page", PAGE_MAX);
	p.entries = json_array();
	if ((err = sdx_ledger_snapshot_begin(r->l)) < 0)
		goto done;
	err = sdx_ledger_foreach(r->l, from, UINT64_MAX, page_entry, &p);
	sdx_ledger_snapshot_end(r->l);
	if (err < 0)
		goto done;
	err = reply_json(out, 200, json_pack("{s:o, s:o}", "entries", p.entries,
					     "next", p.next < 0 ? json_null()
							       : json_integer(p.next)));
	p.entries = NULL;
done:
	json_decref(p.entries);
	return err;
}

int h_entry(struct request *r, struct reply *out)
{
	char ref[256];
	sdx_entry *e = NULL;
	json_t *j = NULL;
	uint64_t index;
	size_t n = strlen(r->rest);
	int raw = n > 4 && strcmp(r->rest + n - 4, "/raw") == 0, err;

	snprintf(ref, sizeof(ref), "%.*s", (int)(raw ? n - 4 : n), r->rest);
	if ((err = sdx_record_resolve_own(&index, r->l, ref, req_arg(r, "party"))) < 0 ||
	    (err = sdx_ledger_entry(&e, r->l, index)) < 0)
		goto done;
	if (raw) {
		if (!(out->body = malloc(e->len ? e->len : 1))) {
			err = sdx_error_set(SDX_ENOMEM, "out of memory");
			goto done;
		}
		memcpy(out->body, e->data, e->len);
		out->len = e->len;
		out->status = 200;
		out->type = "application/octet-stream";
		goto done;
	}
	if ((err = show_json(&j, r->l, e)) < 0)
		goto done;
	err = reply_json(out, 200, j);
done:
	sdx_entry_free(e);
	return err;
}

int h_inclusion(struct request *r, struct reply *out)
{
	json_t *j;
	int err = prove_inclusion_json(&j, r->l, r->rest);

	return err < 0 ? err : reply_json(out, 200, j);
}

int h_consistency(struct request *r, struct reply *out)
{
	uint64_t from, to;
	int from_given, to_given, err;
	json_t *j;

	if (arg_u64(r, out, "from", 0, &from, &from_given) ||
	    arg_u64(r, out, "to", 0, &to, &to_given))
		return 0;
	if (!from_given)
		return reply_problem(out, MHD_HTTP_BAD_REQUEST, "EINVAL", "query argument 'from' "
				     "(the older tree size) is required");
	if ((err = prove_consistency_json(&j, r->l, from, to_given, to)) < 0)
		return err;
	return reply_json(out, 200, j);
}

/* The graph of the ledger and the node REF names in it. */
static int graph_node(struct request *r, const char *ref, sdx_graph **g, size_t *node)
{
	int err;

	if ((err = sdx_graph_from_ledger(g, r->l)) < 0)
		return err;
	return sdx_graph_find(node, *g, ref, req_arg(r, "party"));
}

int h_trace(struct request *r, struct reply *out)
{
	sdx_graph *g = NULL;
	char *text = NULL;
	size_t node;
	int err;

	if ((err = graph_node(r, r->rest, &g, &node)) == 0 &&
	    (err = sdx_graph_trace(&text, g, node)) == 0)
		err = reply_text_json(out, text);
	sdx_graph_free(g);
	return err;
}

int h_where_used(struct request *r, struct reply *out)
{
	const char *lot = req_arg(r, "lot");
	sdx_graph *g = NULL;
	char *text = NULL;
	size_t node = SIZE_MAX;
	int err;

	if (!*r->rest == !lot)
		return reply_problem(out, MHD_HTTP_BAD_REQUEST, "EINVAL", "give a REF "
				     "(/v1/where-used/REF) or a lot (/v1/where-used?lot=LOT)");
	if (lot)
		err = sdx_graph_from_ledger(&g, r->l);
	else
		err = graph_node(r, r->rest, &g, &node);
	if (err == 0 && (err = sdx_graph_where_used(&text, g, node, lot)) == 0)
		err = reply_text_json(out, text);
	sdx_graph_free(g);
	return err;
}

int h_check(struct request *r, struct reply *out)
{
	struct sdx_check_options copts;
	sdx_profile *profiles[MAX_PROFILES] = { NULL };
	const char *names[MAX_PROFILES];
	sdx_lab_register *labs = NULL;
	sdx_graph *g = NULL;
	json_t *all = NULL;
	size_t np = req_args(r, "profile", names, MAX_PROFILES), node, k;
	int err, w;

	memset(&copts, 0, sizeof(copts));
	for (k = 0; !np && k < MAX_PROFILES && (names[k] = sdx_profile_builtin(k)); k++)
		;
	if (!np)
		np = k;
	for (k = 0; k < np; k++)
		if ((err = sdx_profile_load(&profiles[k], names[k])) < 0)
			goto done;
	if ((err = graph_node(r, r->rest, &g, &node)) < 0 ||
	    (err = sdx_lab_register_from_ledger(&labs, r->l)) < 0)
		goto done;
	copts.date = req_arg(r, "date");
	copts.labs = labs;
	all = json_array();
	for (k = 0; k < np; k++) {
		char *text = NULL;
		if ((err = sdx_profile_check(&text, &w, g, node, profiles[k], &copts)) < 0)
			goto done;
		json_array_append_new(all, json_loads(text, 0, NULL));
		free(text);
	}
	err = reply_json(out, 200, all);
	all = NULL;
done:
	json_decref(all);
	for (k = 0; k < MAX_PROFILES; k++)
		sdx_profile_free(profiles[k]);
	sdx_lab_register_free(labs);
	sdx_graph_free(g);
	return err;
}

int h_profiles(struct request *r, struct reply *out)
{
	json_t *list = json_array();
	const char *name;
	sdx_profile *p;
	size_t i;
	int err;

	(void)r;
	for (i = 0; (name = sdx_profile_builtin(i)); i++) {
		if ((err = sdx_profile_load(&p, name)) < 0) {
			json_decref(list);
			return err;
		}
		json_array_append_new(list, json_pack("{s:s, s:s}", "name", name,
						      "title", sdx_profile_title(p)));
		sdx_profile_free(p);
	}
	return reply_json(out, 200, list);
}

int h_verify(struct request *r, struct reply *out)
{
	sdx_verify_options vo = SDX_VERIFY_OPTIONS_INIT;
	sdx_verify_report rep;
	json_t *attr = NULL, *j;
	size_t conflicts = 0;
	int err, e2;

	memset(&rep, 0, sizeof(rep));
	rep.first_bad = -1;
	vo.threads = 2;
	if (req_arg(r, "bodies"))
		vo.flags = SDX_VERIFY_BODIES;
	err = sdx_ledger_verify(&rep, r->l, &vo);
	if (err == 0 && (e2 = ledger_attribution(&attr, &conflicts, r->l)) < 0)
		return e2;
	j = verify_json(r->srv->w.ledger, r->l, err, &rep, attr);
	json_decref(attr);
	return reply_json(out, 200, j);
}

/* A file of the spool directory, read back as the reply (and unlinked). */
static int reply_file(struct reply *out, const char *path, const char *type)
{
	struct stat sb;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	unlink(path);
	if (fd < 0 || fstat(fd, &sb) != 0) {
		if (fd >= 0)
			close(fd);
		return sdx_error_set(SDX_EIO, "cannot read '%s': %s", path, strerror(errno));
	}
	out->status = 200;
	out->type = type;
	out->fd = fd;
	out->fd_size = (uint64_t)sb.st_size;
	return 0;
}

/* A name for a file the library will create in the spool directory. */
static int spool_name(struct request *r, const char *what, char *path, size_t cap)
{
	int fd = spool_file(r->srv, what, path, cap);

	if (fd < 0)
		return fd;
	close(fd);
	unlink(path);
	return 0;
}

int h_export(struct request *r, struct reply *out)
{
	sdx_export_options eo = SDX_EXPORT_OPTIONS_INIT;
	const char *prov[MAX_SELECT], *refs[MAX_SELECT];
	unsigned char (*leaves)[32] = NULL;
	uint64_t idx[MAX_SELECT];
	size_t nprov = req_args(r, "provenance", prov, MAX_SELECT);
	size_t nrefs = req_args(r, "ref", refs, MAX_SELECT), i;
	char path[4096];
	int err;

	eo.lot = req_arg(r, "lot");
	eo.since = req_arg(r, "since");
	eo.all = req_arg(r, "all") != NULL;
	eo.imported = req_arg(r, "imported") != NULL;
	eo.recipient = req_arg(r, "to");
	if (!nprov && !nrefs && !eo.lot && !eo.since && !eo.all && !eo.imported)
		return reply_problem(out, MHD_HTTP_BAD_REQUEST, "EINVAL", "nothing selected: give "
				     "provenance, ref, lot, since, all or imported");
	for (i = 0; i < nrefs; i++)
		if ((err = sdx_record_resolve_own(&idx[i], r->l, refs[i], NULL)) < 0)
			return err;
	eo.indexes = idx;
	eo.n_indexes = nrefs;
	if (nprov) {
		if ((err = provenance_union(&leaves, &eo.n_leaves, r->l, prov, nprov)) < 0)
			return err;
		eo.leaves = (const unsigned char (*)[32])leaves;
	}
	if ((err = spool_name(r, "export", path, sizeof(path))) == 0 &&
	    (err = sdx_bundle_export(NULL, r->l, r->srv->key, &eo, path)) == 0) {
		err = reply_file(out, path, "application/vnd.sdx.bundle");
		snprintf(out->disposition, sizeof(out->disposition),
			 "attachment; filename=\"export.sdxb\"");
	}
	free(leaves);
	return err;
}

int h_attachment_get(struct request *r, struct reply *out)
{
	unsigned char hash[32];
	char path[4096];
	int err;

	if (strlen(r->rest) != 64 ||
	    sodium_hex2bin(hash, sizeof(hash), r->rest, 64, NULL, NULL, NULL) != 0)
		return reply_problem(out, MHD_HTTP_BAD_REQUEST, "EINVAL", "'%s' is not a SHA-256 "
				     "(64 hex digits)", r->rest);
	if ((err = spool_name(r, "attachment", path, sizeof(path))) < 0 ||
	    (err = sdx_ledger_export_attachment(r->l, hash, path)) < 0)
		return err;
	return reply_file(out, path, "application/octet-stream");
}
