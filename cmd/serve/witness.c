/*
 * cmd/serve/witness.c - POST /add-checkpoint of C2SP tlog-witness, when sdx
 * serve runs with --witness: the statuses the spec gives (200 with the
 * cosignature lines, 409 with the latest size as text/x.tlog.size), the
 * others as RFC 9457 problems (formats/witness.md).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd/serve/serve.h"

int h_add_checkpoint(struct request *r, struct reply *out)
{
	sdx_witness_answer a;
	int err;

	if (!r->srv->witness)
		return reply_problem(out, MHD_HTTP_NOT_FOUND, NULL, "this server is not a witness "
				     "(sdx serve --witness)");
	if ((err = sdx_witness_add_checkpoint(&a, r->l, r->srv->key, r->body ? r->body : "",
					      r->len)) < 0)
		return err;
	if (a.status == 200) {
		out->status = 200;
		out->type = "text/plain; charset=utf-8";
		out->body = a.body;
		out->len = a.body_len;
		return 0;
	}
	if (a.status == 409) {
		/* the size cosigned, for the log to ask again from (also when the sizes
		 * are equal and the roots differ: then it is the checkpoint's own) */
		if (!(out->body = malloc(24)))
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		out->len = (size_t)snprintf(out->body, 24, "%" PRIu64 "\n", a.latest);
		out->status = 409;
		out->type = "text/x.tlog.size";
		return 0;
	}
	return reply_problem(out, (unsigned)a.status, NULL, "%s", a.message);
}
