/* cmd/serve/problem.c - RFC 9457 problem details from SDX_E* codes; JSON replies. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/serve/serve.h"

/*
 * The status of each library error (formats/serve.md keeps the same table).
 * A name the client gave that is not there is 404 on a read; on a write it
 * is something the request cites (an attachment, a declaration), so 422.
 */
static const struct {
	int err;
	unsigned read, write;
} statuses[] = {
	{ SDX_EINVAL, 400, 400 },
	{ SDX_EFORMAT, 400, 400 },
	{ SDX_ESCHEMA, 400, 400 },
	{ SDX_ENOTFOUND, 404, 422 },
	{ SDX_EEXISTS, 409, 409 },
	{ SDX_ECONFLICT, 409, 409 },
	{ SDX_EVERIFY, 422, 422 },
	{ SDX_EUNTRUSTED, 422, 422 },
	{ SDX_ELIMIT, 413, 413 },
	{ SDX_ENOMEM, 503, 503 },
	{ SDX_EIO, 500, 500 },
	{ SDX_EPASSPHRASE, 500, 500 },
};

unsigned problem_status(int err, int write)
{
	size_t i;

	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (statuses[i].err == err)
			return write ? statuses[i].write : statuses[i].read;
	return 500;
}

static const char *reason(unsigned status)
{
	const char *r = MHD_get_reason_phrase_for(status);

	return r && *r ? r : "Error";
}

/* JSON bodies end in a newline, as the CLI prints them. */
static int add_newline(struct reply *out)
{
	char *p = realloc(out->body, out->len + 2);

	if (!p)
		return 0;
	p[out->len++] = '\n';
	p[out->len] = '\0';
	out->body = p;
	return 0;
}

int reply_json(struct reply *out, unsigned status, json_t *j)
{
	char *s = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15))
		    : NULL;

	json_decref(j);
	free(out->body);
	out->body = NULL;
	if (!s)
		return reply_problem(out, 503, "ENOMEM", "out of memory");
	out->status = status;
	out->type = "application/json";
	out->len = strlen(s);
	out->body = s;
	return add_newline(out);
}

int reply_problem(struct reply *out, unsigned status, const char *code, const char *fmt, ...)
{
	char detail[2048];
	json_t *j;
	va_list ap;
	char *s;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	j = json_pack("{s:s, s:s, s:i, s:s}", "type", "about:blank", "title", reason(status),
		      "status", (int)status, "detail", detail);
	if (j && code)
		json_object_set_new(j, "code", json_string(code));
	s = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(j);
	free(out->body);
	if (out->fd >= 0)
		close(out->fd);
	out->fd = -1;
	out->status = status;
	out->type = "application/problem+json";
	out->cache = "no-store";
	out->body = s;
	out->len = s ? strlen(s) : 0;
	return s ? add_newline(out) : 0;
}

int reply_error(struct reply *out, int err, int write)
{
	const char *msg = sdx_error_last();

	return reply_problem(out, problem_status(err, write), sdx_error_name(err), "%s",
			     *msg ? msg : sdx_error_name(err));
}
