/*
 * cmd/report.c - the JSON that the commands' --json options print, built in
 * one place so that sdx serve answers with exactly the same members.  Each
 * builder calls the library and prints nothing: errors come back as SDX_E*
 * codes with sdx_error_last() set.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"

json_t *entry_info_json(const char *what, const sdx_entry_info *info)
{
	char hex[65];

	hex_hash(hex, info->leaf_hash);
	return json_pack("{s:s, s:I, s:s, s:s}", "input", what, "index", (json_int_t)info->index,
			 "leaf_hash", hex, "time", info->time);
}

static int oom(json_t *j)
{
	return j ? 0 : sdx_error_set(SDX_ENOMEM, "out of memory");
}

int log_entry_json(json_t **out, const sdx_entry *e)
{
	char *payload = NULL, hex[65], summary[300];
	size_t plen;
	int err;

	*out = NULL;
	if ((err = sdx_entry_payload(&payload, &plen, e)) < 0)
		return err;
	hex_hash(hex, e->leaf_hash);
	sdx_record_summary(summary, sizeof(summary), e->type, payload, plen);
	free(payload);
	*out = json_pack("{s:I, s:s, s:s, s:s, s:s}", "index", (json_int_t)e->index, "time",
			 e->time, "type", e->type, "leaf_hash", hex, "summary", summary);
	return oom(*out);
}

int entry_signature_ok(sdx_ledger *l, const sdx_entry *e)
{
	sdx_dsse_envelope *env = NULL;
	sdx_verifier *v = NULL;
	int ok = sdx_dsse_parse(&env, e->data, e->len) == 0 &&
		 sdx_ledger_key_at(&v, l, e->index) == 0 && sdx_dsse_verify(env, v) == 0;

	sdx_dsse_envelope_free(env);
	sdx_verifier_free(v);
	return ok;
}

int show_json(json_t **out, sdx_ledger *l, const sdx_entry *e)
{
	char *payload = NULL, hex[65];
	json_t *p;
	size_t plen;
	int err;

	*out = NULL;
	if ((err = sdx_entry_payload(&payload, &plen, e)) < 0)
		return err;
	p = json_loadb(payload, plen, 0, NULL);
	free(payload);
	hex_hash(hex, e->leaf_hash);
	*out = json_pack("{s:I, s:s, s:s, s:s, s:b, s:o}", "index", (json_int_t)e->index,
			 "leaf_hash", hex, "type", e->type, "time", e->time,
			 "signature_valid", entry_signature_ok(l, e), "payload", p ? p : json_null());
	return oom(*out);
}

static json_t *hash_list(unsigned char (*proof)[32], size_t n)
{
	json_t *a = json_array();
	char b64[45];
	size_t i;

	for (i = 0; i < n; i++) {
		b64_hash(b64, proof[i]);
		json_array_append_new(a, json_string(b64));
	}
	return a;
}

int prove_inclusion_json(json_t **out, sdx_ledger *l, const char *ref)
{
	unsigned char proof[SDX_MERKLE_MAX_PROOF][32];
	sdx_entry *e = NULL;
	sdx_checkpoint cp;
	char *note = NULL, b64[45], b64b[45];
	uint64_t index;
	size_t n;
	int err;

	*out = NULL;
	if ((err = sdx_record_resolve_own(&index, l, ref, NULL)) < 0 ||
	    (err = sdx_ledger_entry(&e, l, index)) < 0 ||
	    (err = sdx_ledger_get_checkpoint(&note, NULL, &cp, l, index + 1)) < 0)
		goto done;
	/* prove against the latest checkpoint, which covers every older entry */
	free(note);
	note = NULL;
	if ((err = sdx_ledger_cosigned_checkpoint(&note, NULL, &cp, l, 0)) < 0 ||
	    (err = sdx_ledger_prove_inclusion(proof, &n, l, index, cp.size)) < 0)
		goto done;
	b64_hash(b64, e->leaf_hash);
	b64_hash(b64b, cp.root);
	*out = json_pack("{s:I, s:I, s:s, s:s, s:o, s:s}", "index", (json_int_t)index,
			 "tree_size", (json_int_t)cp.size, "leaf_hash", b64, "root_hash", b64b,
			 "proof", hash_list(proof, n), "checkpoint", note);
	err = oom(*out);
done:
	free(note);
	sdx_entry_free(e);
	return err;
}

int prove_consistency_json(json_t **out, sdx_ledger *l, uint64_t from, int to_given, uint64_t to)
{
	unsigned char proof[SDX_MERKLE_MAX_PROOF][32], hash[32];
	sdx_checkpoint cp;
	char *note = NULL, b64[45], b64b[45];
	size_t n;
	int err;

	*out = NULL;
	if ((err = sdx_ledger_get_checkpoint(&note, NULL, &cp, l, to_given ? to : 0)) < 0)
		goto done;
	if (to_given && cp.size != to) {
		err = sdx_error_set(SDX_ENOTFOUND, "no checkpoint was signed at size %" PRIu64 " "
				    "(the next one is at %" PRIu64 ")", to, cp.size);
		goto done;
	}
	if (from > cp.size) {
		err = sdx_error_set(SDX_EINVAL, "--from %" PRIu64 " is larger than the checkpoint "
				    "size %" PRIu64, from, cp.size);
		goto done;
	}
	if ((err = sdx_ledger_prove_consistency(proof, &n, l, from, cp.size)) < 0 ||
	    (err = sdx_ledger_root(hash, l, from)) < 0)
		goto done;
	b64_hash(b64, hash);
	b64_hash(b64b, cp.root);
	*out = json_pack("{s:I, s:I, s:s, s:s, s:o, s:s}", "old_size", (json_int_t)from,
			 "tree_size", (json_int_t)cp.size, "old_root", b64, "root_hash", b64b,
			 "proof", hash_list(proof, n), "checkpoint", note);
	err = oom(*out);
done:
	free(note);
	return err;
}

int ledger_attribution(json_t **out, size_t *conflicts, sdx_ledger *l)
{
	sdx_graph *g = NULL;
	char *text = NULL;
	int err;

	*out = NULL;
	if ((err = sdx_graph_from_ledger(&g, l)) < 0 ||
	    (err = sdx_graph_attribution(&text, conflicts, g)) < 0) {
		sdx_graph_free(g);
		return err;
	}
	sdx_graph_free(g);
	*out = json_loads(text, 0, NULL);
	free(text);
	return oom(*out);
}

json_t *verify_json(const char *path, sdx_ledger *l, int err, const sdx_verify_report *rep,
		    json_t *attr)
{
	json_t *j = json_pack("{s:s, s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:i}",
			      "ledger", path, "origin", sdx_ledger_origin(l),
			      "ok", err == 0, "entries", (json_int_t)rep->entries,
			      "tree_hashes", (json_int_t)rep->nodes,
			      "checkpoints", (json_int_t)rep->checkpoints,
			      "attachments", (json_int_t)rep->attachments,
			      "attachment_bytes", (json_int_t)rep->attachment_bytes,
			      "threads", (int)rep->threads);

	json_object_set_new(j, "imported_entries", json_integer((json_int_t)rep->imported_entries));
	json_object_set_new(j, "imported_checkpoints",
			    json_integer((json_int_t)rep->imported_checkpoints));
	json_object_set_new(j, "imported_unsigned", json_integer((json_int_t)rep->imported_unsigned));
	if (err < 0) {
		json_object_set_new(j, "error", json_string(sdx_error_last()));
		if (rep->first_bad >= 0)
			json_object_set_new(j, "first_bad_entry", json_integer(rep->first_bad));
	}
	if (attr)
		json_object_set_new(j, "attribution", json_incref(attr));
	return j;
}

json_t *export_json(const char *bundle, const sdx_bundle_stats *st)
{
	json_t *j = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I}", "bundle", bundle,
			 "entries", (json_int_t)st->entries, "attachments", (json_int_t)st->attachments,
			 "attachment_bytes", (json_int_t)st->attachment_bytes,
			 "tree_size", (json_int_t)st->tree_size,
			 "consistency_proofs", (json_int_t)st->consistency);

	/* only where concealed fields were exported (formats/disclosure.md) */
	if (j && (st->disclosures || st->withheld || st->withheld_attachments)) {
		json_object_set_new(j, "disclosures", json_integer((json_int_t)st->disclosures));
		json_object_set_new(j, "withheld", json_integer((json_int_t)st->withheld));
		json_object_set_new(j, "withheld_attachments",
				    json_integer((json_int_t)st->withheld_attachments));
	}
	return j;
}

json_t *import_json(const char *bundle, const sdx_import_result *res, json_t *conflicts)
{
	char hex[65];

	hex_hash(hex, res->bundle_sha256);
	return json_pack("{s:s, s:s, s:b, s:I, s:s, s:I, s:I, s:o}", "bundle", bundle,
			 "bundle_sha256", hex, "already_imported", res->already,
			 "receipt", (json_int_t)res->receipt,
			 "producer", sdx_bundle_report_producer(res->report),
			 "entries", (json_int_t)sdx_bundle_report_entries(res->report),
			 "attachments", (json_int_t)sdx_bundle_report_attachments(res->report),
			 "conflicts", conflicts ? json_incref(conflicts) : json_array());
}

struct leaves {
	unsigned char (*at)[32];
	size_t n, cap;
};

static int add_leaf(void *ctx, const sdx_foreign_entry *e)
{
	struct leaves *v = ctx;

	if (v->n == v->cap) {
		size_t cap = v->cap ? 2 * v->cap : 64;
		void *p = realloc(v->at, cap * 32);
		if (!p)
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		v->at = p;
		v->cap = cap;
	}
	memcpy(v->at[v->n++], e->leaf_hash, 32);
	return 0;
}

#define CONFLICT_CHUNK 1024

/* Is conflict c (by its two refs) in list already? */
static int listed(const json_t *list, const json_t *c)
{
	const json_t *x;
	size_t i;

	json_array_foreach(list, i, x)
		if (strcmp(json_str(json_object_get(x, "restatement"), "ref"),
			   json_str(json_object_get(c, "restatement"), "ref")) == 0 &&
		    strcmp(json_str(json_object_get(x, "own"), "ref"),
			   json_str(json_object_get(c, "own"), "ref")) == 0)
			return 1;
	return 0;
}

int import_conflicts(json_t **out, sdx_ledger *l, uint64_t mark)
{
	struct leaves v = { NULL, 0, 0 };
	json_t *all = json_array(), *part, *c;
	size_t k, i;
	int err;

	*out = NULL;
	if ((err = oom(all)) < 0)
		return err;
	err = sdx_ledger_foreach_foreign_since(l, mark, add_leaf, &v);
	/* a chunk of what the bundle brought at a time, each on a fresh graph:
	 * memory is that of a chunk and the records it is compared with */
	for (k = 0; err >= 0 && k < v.n; k += CONFLICT_CHUNK) {
		sdx_graph *g = NULL;
		char *text = NULL;
		size_t m = v.n - k < CONFLICT_CHUNK ? v.n - k : CONFLICT_CHUNK;
		if ((err = sdx_graph_from_ledger(&g, l)) >= 0 &&
		    (err = sdx_graph_conflict_report(&text, NULL, g,
						     (const unsigned char (*)[32])v.at + k, m)) >= 0 &&
		    (err = oom(part = json_loads(text, 0, NULL))) >= 0) {
			json_array_foreach(part, i, c)
				if (!listed(all, c))
					json_array_append(all, c);
			json_decref(part);
		}
		free(text);
		sdx_graph_free(g);
	}
	free(v.at);
	if (err < 0) {
		json_decref(all);
		return err;
	}
	*out = all;
	return 0;
}

int provenance_union(unsigned char (**out)[32], size_t *out_n, sdx_ledger *l,
		     const char *const *refs, size_t nrefs)
{
	sdx_graph *g = NULL;
	unsigned char (*all)[32] = NULL, (*one)[32] = NULL;
	size_t n = 0, k, m, node, j;
	int err = 0;

	*out = NULL;
	*out_n = 0;
	if ((err = sdx_graph_from_ledger(&g, l)) < 0)
		return err;
	for (k = 0; k < nrefs && !err; k++) {
		void *p;
		if ((err = sdx_graph_resolve(&node, g, refs[k])) < 0 ||
		    (err = sdx_graph_upstream(&one, &m, g, node)) < 0)
			break;
		if (!(p = realloc(all, (n + m) * 32))) {
			err = sdx_error_set(SDX_ENOMEM, "out of memory");
			break;
		}
		all = p;
		for (j = 0; j < m; j++) {
			size_t q;
			for (q = 0; q < n && memcmp(all[q], one[j], 32) != 0; q++)
				;
			if (q == n)
				memcpy(all[n++], one[j], 32);
		}
		free(one);
		one = NULL;
	}
	free(one);
	sdx_graph_free(g);
	if (err < 0) {
		free(all);
		return err;
	}
	*out = all;
	*out_n = n;
	return 0;
}
