/*
 * cmd/serve/serve.h - what the files of sdx serve share (formats/serve.md is
 * the API).  cmd/serve/http.c runs libmicrohttpd, one thread per connection:
 * for each request it finds the route, checks the bearer token, the rate and
 * the body's size, gathers the body (in memory, or spooled to a file for
 * bundles and attachments), then calls the route's handler, which fills a
 * struct reply from the library through the JSON builders of cmd/report.c.
 * cmd/serve/problem.c turns SDX_E* codes into RFC 9457 problems;
 * cmd/serve/read.c, write.c and tiles.c are the handlers; limits.c the rate.
 */
#ifndef SDX_CMD_SERVE_H
#define SDX_CMD_SERVE_H

#include <pthread.h>
#include <stdint.h>

#include <microhttpd.h>

#include "cmd/cmd.h"

/* How sdx serve was started; read-only once the daemon runs. */
struct server {
	struct where w;
	sdx_signer *key;           /* signs appended records, checkpoints and bundles */
	char origin[SDX_NAME_MAX + 1];
	const char *spool;         /* a private directory for request and export files */
	uint64_t max_body;         /* bundles and attachments */
	uint64_t max_record_body;  /* record POSTs */
	uint64_t rate;             /* requests per second per token (or per address) */
	int public_entries;
	int witness;               /* answer POST /add-checkpoint (C2SP tlog-witness) */
	struct rate_table *rates;
	/* requests being handled, for a shutdown that finishes them */
	pthread_mutex_t lock;
	pthread_cond_t idle;
	unsigned active;
	int stopping;              /* SIGTERM: new requests get 503 */
	uint64_t spool_seq;
};

/* What a handler answers. */
struct reply {
	unsigned status;
	const char *type;          /* Content-Type */
	char *body;                /* malloc'd, or NULL */
	size_t len;
	int fd;                    /* >= 0: send this file (fd_size bytes) instead of body */
	uint64_t fd_size;
	const char *cache;         /* Cache-Control, or NULL */
	char disposition[160];     /* Content-Disposition, or "" */
};

enum body_kind { BODY_NONE, BODY_MEMORY, BODY_FILE };

struct request;
typedef int handler_fn(struct request *r, struct reply *out);

struct route {
	const char *method;
	const char *path;          /* exact, or a prefix when it ends in '/' */
	sdx_scope scope;           /* SDX_SCOPE_NONE: public */
	enum body_kind body;
	handler_fn *fn;
	const char *arg;           /* for the handler: the record type of a POST */
};

struct request {
	struct server *srv;
	struct MHD_Connection *conn;
	const struct route *route;
	const char *rest;          /* the path after a prefix route (borrowed from MHD) */
	sdx_ledger *l;             /* opened for this request */
	sdx_token_info token;      /* who asked (scope NONE: nobody) */
	char *body;
	size_t len, cap;
	int spool_fd;
	char spool_path[4096];
	uint64_t received;
	int too_big, started, answered;
};

/* cmd/serve/http.c: run the daemon until SIGTERM or SIGINT; an exit code. */
int serve_run(struct server *srv, const struct sockaddr *addr, unsigned max_conn,
	      unsigned timeout);
/* The query argument `name` of the request, or NULL. */
const char *req_arg(struct request *r, const char *name);
/* Every value of a repeatable query argument, up to max, into out; how many. */
size_t req_args(struct request *r, const char *name, const char **out, size_t max);
/* A new file in the spool directory: its descriptor, path in out (cap bytes). */
int spool_file(struct server *srv, const char *what, char *out, size_t cap);

/* cmd/serve/problem.c */
/* The HTTP status an SDX_E* code maps to (formats/serve.md), for a read or a write. */
unsigned problem_status(int err, int write);
/* An RFC 9457 problem: status, the detail (the CLI's one-line message), the
 * SDX_E* name when it comes from one.  Returns 0 (the reply is ready). */
int reply_problem(struct reply *out, unsigned status, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* reply_problem() from the library's last error. */
int reply_error(struct reply *out, int err, int write);
/* A JSON reply (j is consumed). */
int reply_json(struct reply *out, unsigned status, json_t *j);

/* cmd/serve/limits.c: a token bucket per key (token id or client address). */
struct rate_table;
int rate_table_new(struct rate_table **out, uint64_t per_second);
void rate_table_free(struct rate_table *t);
/* 1 if `key` may make a request now (and it is counted), 0 if over its rate. */
int rate_allow(struct rate_table *t, const char *key);

/* Handlers: cmd/serve/read.c, cmd/serve/write.c, cmd/serve/tiles.c. */
handler_fn h_entries, h_entry, h_inclusion, h_consistency, h_trace, h_where_used, h_check,
	h_profiles, h_verify, h_export, h_attachment_get, h_whoami;
handler_fn h_records, h_attachment_post, h_import;
handler_fn h_checkpoint, h_tile, h_openapi;
handler_fn h_add_checkpoint;

#endif
