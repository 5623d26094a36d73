/*
 * cmd/serve/write.c - the writing endpoints of sdx serve: records (one, or
 * an array in one transaction), attachments, bundle imports.  Each is one
 * transaction on the request's own handle, opened durable (cmd/serve/http.c):
 * a 2xx answer is sent only after the commit reached the disk, and a refused
 * request wrote nothing.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/serve/serve.h"

#define MAX_RECORDS 10000
#define MAX_TRUST 256

int h_records(struct request *r, struct reply *out)
{
	const char *type = r->route->arg;
	sdx_entry_info *infos = NULL;
	json_t *arr = NULL, *list = NULL;
	char **texts = NULL, what[32];
	size_t n = 1, i;
	int err, began = 0;

	if (!r->body || !r->len)
		return reply_problem(out, MHD_HTTP_BAD_REQUEST, "EFORMAT", "request body: a %s "
				     "record (JSON object) or an array of them", type);
	if (r->body[strspn(r->body, " \t\r\n")] == '[') {
		json_error_t je;
		if (!(arr = json_loadb(r->body, r->len, 0, &je)))
			return sdx_error_set(SDX_EFORMAT, "request body line %d: %s", je.line,
					     je.text);
		n = json_array_size(arr);
		if (n == 0 || n > MAX_RECORDS) {
			json_decref(arr);
			return sdx_error_set(SDX_ELIMIT, "request body: 1 to %d records", MAX_RECORDS);
		}
	}
	if (!(infos = calloc(n, sizeof(*infos))) || !(texts = calloc(n, sizeof(*texts)))) {
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; arr && i < n; i++)
		if (!(texts[i] = json_dumps(json_array_get(arr, i), JSON_COMPACT | JSON_ENCODE_ANY))) {
			err = sdx_error_set(SDX_ENOMEM, "out of memory");
			goto done;
		}
	if ((err = sdx_ledger_begin(r->l)) < 0)
		goto done;
	began = 1;
	for (i = 0; i < n; i++) {
		if (arr)
			snprintf(what, sizeof(what), "record %zu", i + 1);
		else
			snprintf(what, sizeof(what), "request body");
		if ((err = sdx_record_append(&infos[i], r->l, r->srv->key, type,
					     arr ? texts[i] : r->body,
					     arr ? strlen(texts[i]) : r->len, what)) < 0)
			goto done;
	}
	if ((err = sdx_ledger_checkpoint(NULL, NULL, r->l, r->srv->key)) < 0 ||
	    (err = sdx_ledger_commit(r->l)) < 0)
		goto done;
	began = 0;
	list = json_array();
	for (i = 0; i < n; i++) {
		if (arr)
			snprintf(what, sizeof(what), "record %zu", i + 1);
		json_array_append_new(list, entry_info_json(arr ? what : "request body", &infos[i]));
	}
	err = reply_json(out, 201, list);
done:
	if (began)
		sdx_ledger_rollback(r->l);
	for (i = 0; texts && i < n; i++)
		free(texts[i]);
	free(texts);
	free(infos);
	json_decref(arr);
	return err;
}

int h_attachment_post(struct request *r, struct reply *out)
{
	unsigned char hash[32];
	uint64_t size;
	char hex[65];
	int err;

	if ((err = sdx_ledger_begin(r->l)) < 0)
		return err;
	if ((err = sdx_ledger_attach_file(hash, &size, r->l, r->spool_path)) < 0 ||
	    (err = sdx_ledger_commit(r->l)) < 0) {
		sdx_ledger_rollback(r->l);
		return err;
	}
	hex_hash(hex, hash);
	return reply_json(out, 201, json_pack("{s:s, s:I}", "sha256", hex, "size",
					      (json_int_t)size));
}

int h_import(struct request *r, struct reply *out)
{
	sdx_bundle_verify_options bo = SDX_BUNDLE_VERIFY_OPTIONS_INIT;
	sdx_verifier *trusted[MAX_TRUST], *revoked[MAX_REVOKED];
	size_t nt = 0, nr = 0;
	struct keyring kr = { trusted, MAX_TRUST, &nt }, rv = { revoked, MAX_REVOKED, &nr };
	sdx_import_result res;
	json_t *conflicts = NULL;
	uint64_t mark = 0;
	int err;

	memset(&res, 0, sizeof(res));
	if ((err = sdx_ledger_foreign_mark(&mark, r->l)) < 0)
		goto done;
	if (load_ledger_keys(r->l, &kr, &rv, 0) != 0) {
		err = sdx_error_code() ? sdx_error_code() : SDX_EIO;
		goto done;
	}
	bo.trusted = trusted;
	bo.n_trusted = nt;
	bo.revoked = revoked;
	bo.n_revoked = nr;
	err = sdx_bundle_import(&res, r->l, r->srv->key, r->spool_path, &bo);
	if (err == SDX_ECONFLICT && (res.held_checkpoint || res.new_checkpoint)) {
		json_t *j;
		reply_error(out, err, 1);
		/* the evidence of equivocation, as sdx import prints it */
		if ((j = json_loadb(out->body, out->len, 0, NULL))) {
			json_object_set_new(j, "held_checkpoint", json_string(res.held_checkpoint ?
						res.held_checkpoint : ""));
			json_object_set_new(j, "new_checkpoint", json_string(res.new_checkpoint ?
						res.new_checkpoint : ""));
			reply_json(out, 409, j);
			out->type = "application/problem+json";
		}
		err = 0;
		goto done;
	}
	if (err == 0 && !res.already && (err = import_conflicts(&conflicts, r->l, mark)) < 0)
		goto done;
	if (err == 0)
		err = reply_json(out, res.already ? 200 : 201,
				 import_json("request body", &res, conflicts));
done:
	json_decref(conflicts);
	sdx_import_result_clear(&res);
	keyring_clear(&kr);
	keyring_clear(&rv);
	return err;
}
