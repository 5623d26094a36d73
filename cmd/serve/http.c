/*
 * cmd/serve/http.c - the libmicrohttpd daemon of sdx serve.
 *
 * One thread per connection (MHD_USE_THREAD_PER_CONNECTION): a handler may
 * wait for the ledger's write lock, or verify a bundle, without holding up
 * other connections; --max-connections bounds the threads.  Each request
 * opens its own ledger handle (handles are not shared between threads), so
 * concurrent writers serialise on the ledger's write lock exactly as
 * concurrent sdx processes do, and keep one chain.
 *
 * A request is refused before its body is read when the route, the token,
 * the rate or the Content-Length says so; a body that grows past the limit
 * is read to its end and dropped, then refused.  SIGTERM or SIGINT stops
 * accepting connections, answers 503 to requests that arrive on open ones,
 * waits for the requests being handled (up to the timeout), then stops.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "cmd/serve/serve.h"

static const struct route routes[] = {
	{ "GET", "/openapi.json", SDX_SCOPE_NONE, BODY_NONE, h_openapi, NULL },
	{ "GET", "/checkpoint", SDX_SCOPE_NONE, BODY_NONE, h_checkpoint, NULL },
	/* the scope of entry tiles is decided per server (--public-entries) */
	{ "GET", "/tile/entries/", SDX_SCOPE_READ, BODY_NONE, h_tile, "entries" },
	{ "GET", "/tile/", SDX_SCOPE_NONE, BODY_NONE, h_tile, NULL },
	{ "GET", "/v1/whoami", SDX_SCOPE_READ, BODY_NONE, h_whoami, NULL },
	{ "GET", "/v1/entries", SDX_SCOPE_READ, BODY_NONE, h_entries, NULL },
	{ "GET", "/v1/entries/", SDX_SCOPE_READ, BODY_NONE, h_entry, NULL },
	{ "GET", "/v1/proofs/inclusion/", SDX_SCOPE_READ, BODY_NONE, h_inclusion, NULL },
	{ "GET", "/v1/proofs/consistency", SDX_SCOPE_READ, BODY_NONE, h_consistency, NULL },
	{ "GET", "/v1/trace/", SDX_SCOPE_READ, BODY_NONE, h_trace, NULL },
	{ "GET", "/v1/where-used", SDX_SCOPE_READ, BODY_NONE, h_where_used, NULL },
	{ "GET", "/v1/where-used/", SDX_SCOPE_READ, BODY_NONE, h_where_used, NULL },
	{ "GET", "/v1/check/", SDX_SCOPE_READ, BODY_NONE, h_check, NULL },
	{ "GET", "/v1/profiles", SDX_SCOPE_READ, BODY_NONE, h_profiles, NULL },
	{ "GET", "/v1/verify", SDX_SCOPE_READ, BODY_NONE, h_verify, NULL },
	{ "GET", "/v1/export", SDX_SCOPE_READ, BODY_NONE, h_export, NULL },
	{ "GET", "/v1/attachments/", SDX_SCOPE_READ, BODY_NONE, h_attachment_get, NULL },
	{ "POST", "/v1/attachments", SDX_SCOPE_WRITE, BODY_FILE, h_attachment_post, NULL },
	{ "POST", "/v1/declarations", SDX_SCOPE_WRITE, BODY_MEMORY, h_records, "declaration" },
	{ "POST", "/v1/withdrawals", SDX_SCOPE_WRITE, BODY_MEMORY, h_records, "withdrawal" },
	{ "POST", "/v1/batches", SDX_SCOPE_WRITE, BODY_MEMORY, h_records, "batch" },
	{ "POST", "/v1/shipments", SDX_SCOPE_WRITE, BODY_MEMORY, h_records, "shipment" },
	{ "POST", "/v1/import", SDX_SCOPE_ADMIN, BODY_FILE, h_import, NULL },
	{ "POST", "/add-checkpoint", SDX_SCOPE_NONE, BODY_MEMORY, h_add_checkpoint, NULL },
	{ NULL, NULL, SDX_SCOPE_NONE, BODY_NONE, NULL, NULL }
};

/* The route of (method, url): *rest is what follows a prefix route.  When only
 * the method differs, *path_known is set (405 rather than 404). */
static const struct route *find_route(const char *method, const char *url, const char **rest,
				      int *path_known)
{
	const struct route *r;

	*path_known = 0;
	for (r = routes; r->method; r++) {
		size_t n = strlen(r->path);
		int prefix = r->path[n - 1] == '/';
		if (prefix ? strncmp(url, r->path, n) != 0 || url[n] == '\0'
			   : strcmp(url, r->path) != 0)
			continue;
		if (strcmp(method, r->method) != 0 && !(strcmp(method, "HEAD") == 0 &&
							strcmp(r->method, "GET") == 0)) {
			*path_known = 1;
			continue;
		}
		*rest = prefix ? url + n : "";
		return r;
	}
	return NULL;
}

const char *req_arg(struct request *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

struct args_ctx {
	const char *name;
	const char **out;
	size_t max, n;
};

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
				   const char *value)
{
	struct args_ctx *a = cls;

	(void)kind;
	if (strcmp(key, a->name) == 0 && value && a->n < a->max)
		a->out[a->n++] = value;
	return MHD_YES;
}

size_t req_args(struct request *r, const char *name, const char **out, size_t max)
{
	struct args_ctx a = { name, out, max, 0 };

	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, collect_arg, &a);
	return a.n;
}

int spool_file(struct server *srv, const char *what, char *out, size_t cap)
{
	uint64_t seq;
	int fd;

	pthread_mutex_lock(&srv->lock);
	seq = ++srv->spool_seq;
	pthread_mutex_unlock(&srv->lock);
	if ((size_t)snprintf(out, cap, "%s/%s-%" PRIu64, srv->spool, what, seq) >= cap)
		return sdx_error_set(SDX_ELIMIT, "spool path too long");
	if ((fd = open(out, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0)
		return sdx_error_set(SDX_EIO, "cannot create '%s': %s", out, strerror(errno));
	return fd;
}

static void reply_init(struct reply *out)
{
	memset(out, 0, sizeof(*out));
	out->fd = -1;
}

static enum MHD_Result send_reply(struct request *r, struct reply *rep)
{
	struct MHD_Response *resp;
	enum MHD_Result ok;

	if (rep->fd >= 0) {
		resp = MHD_create_response_from_fd(rep->fd_size, rep->fd);
		if (resp)
			rep->fd = -1; /* closed with the response */
	} else {
		resp = MHD_create_response_from_buffer(rep->len, rep->body ? rep->body : (char *)"",
						       rep->body ? MHD_RESPMEM_MUST_FREE
								 : MHD_RESPMEM_PERSISTENT);
		if (resp)
			rep->body = NULL;
	}
	if (!resp) {
		free(rep->body);
		if (rep->fd >= 0)
			close(rep->fd);
		return MHD_NO;
	}
	if (rep->type)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, rep->type);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
				rep->cache ? rep->cache : "no-store");
	if (rep->disposition[0])
		MHD_add_response_header(resp, "Content-Disposition", rep->disposition);
	if (rep->status == MHD_HTTP_UNAUTHORIZED)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
					"Bearer realm=\"sdx\"");
	if (rep->status == MHD_HTTP_SERVICE_UNAVAILABLE)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
	if (rep->status == MHD_HTTP_TOO_MANY_REQUESTS)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, "1");
	ok = MHD_queue_response(r->conn, rep->status, resp);
	MHD_destroy_response(resp);
	r->answered = 1;
	return ok;
}

/* The key the rate is counted under: the token, else the client's address. */
static void rate_key(struct request *r, char *out, size_t cap)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char addr[INET6_ADDRSTRLEN] = "?";

	if (r->token.scope != SDX_SCOPE_NONE) {
		snprintf(out, cap, "token %s", r->token.id);
		return;
	}
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
				  addr, sizeof(addr));
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6,
				  &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, addr,
				  sizeof(addr));
	}
	snprintf(out, cap, "address %s", addr);
}

/* Who is asking, and may they?  0: go on; else the refusal is in rep. */
static int admit(struct request *r, struct reply *rep)
{
	const char *auth = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
						       MHD_HTTP_HEADER_AUTHORIZATION);
	sdx_scope need = r->route->scope;
	const char *len_s;
	char key[96];
	int err;

	if (r->route->fn == h_tile && r->route->arg && r->srv->public_entries)
		need = SDX_SCOPE_NONE;
	if (auth && strncmp(auth, "Bearer ", 7) == 0) {
		if ((err = sdx_token_check(&r->token, r->l, auth + 7)) < 0)
			return reply_problem(rep, MHD_HTTP_UNAUTHORIZED, NULL, "%s",
					     sdx_error_last()), 1;
	} else if (auth) {
		return reply_problem(rep, MHD_HTTP_UNAUTHORIZED, NULL, "the Authorization header "
				     "must be 'Bearer TOKEN' (sdx serve token add)"), 1;
	}
	if (need != SDX_SCOPE_NONE && r->token.scope == SDX_SCOPE_NONE)
		return reply_problem(rep, MHD_HTTP_UNAUTHORIZED, NULL, "%s %s needs a bearer token "
				     "of scope %s (Authorization: Bearer TOKEN)", r->route->method,
				     r->route->path, sdx_scope_name(need)), 1;
	if (r->token.scope < need)
		return reply_problem(rep, MHD_HTTP_FORBIDDEN, NULL, "token '%s' has scope %s; %s %s "
				     "needs %s", r->token.name, sdx_scope_name(r->token.scope),
				     r->route->method, r->route->path, sdx_scope_name(need)), 1;
	rate_key(r, key, sizeof(key));
	if (!rate_allow(r->srv->rates, key))
		return reply_problem(rep, MHD_HTTP_TOO_MANY_REQUESTS, "ELIMIT", "more than %" PRIu64
				     " requests a second (%s); try again later", r->srv->rate,
				     key), 1;
	len_s = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
					    MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (r->route->body == BODY_NONE && len_s && strcmp(len_s, "0") != 0)
		return reply_problem(rep, MHD_HTTP_BAD_REQUEST, NULL, "%s %s takes no request body",
				     r->route->method, r->route->path), 1;
	if (r->route->body != BODY_NONE && len_s) {
		uint64_t limit = r->route->body == BODY_FILE ? r->srv->max_body
			: r->srv->max_record_body;
		char *end;
		unsigned long long n = strtoull(len_s, &end, 10);
		if (*end || n > limit)
			return reply_problem(rep, MHD_HTTP_CONTENT_TOO_LARGE, "ELIMIT", "request body "
					     "of %s bytes is larger than the limit of %" PRIu64
					     " bytes for %s %s", len_s, limit, r->route->method,
					     r->route->path), 1;
	}
	if (r->route->body == BODY_FILE &&
	    (r->spool_fd = spool_file(r->srv, "upload", r->spool_path, sizeof(r->spool_path))) < 0)
		return reply_error(rep, r->spool_fd, 1), 1;
	return 0;
}

/* Keep `n` more bytes of the body, unless it has grown past the limit. */
static int take_body(struct request *r, const char *data, size_t n)
{
	uint64_t limit = r->route->body == BODY_FILE ? r->srv->max_body : r->srv->max_record_body;

	if (r->too_big || r->received + n > limit) {
		r->too_big = 1;
		return 0;
	}
	r->received += n;
	if (r->route->body == BODY_FILE) {
		while (n) {
			ssize_t w = write(r->spool_fd, data, n);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				return sdx_error_set(SDX_EIO, "cannot write '%s': %s", r->spool_path,
						     strerror(errno));
			data += w;
			n -= (size_t)w;
		}
		return 0;
	}
	if (r->len + n + 1 > r->cap) {
		size_t cap = (r->len + n + 1) * 2;
		char *p = realloc(r->body, cap);
		if (!p)
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		r->body = p;
		r->cap = cap;
	}
	memcpy(r->body + r->len, data, n);
	r->len += n;
	r->body[r->len] = '\0';
	return 0;
}

static int is_write(const struct request *r)
{
	return strcmp(r->route->method, "POST") == 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct server *srv = cls;
	struct request *r = *con_cls;
	struct reply rep;
	int path_known, err;

	(void)version;
	reply_init(&rep);
	if (!r) {
		if (!(r = calloc(1, sizeof(*r))))
			return MHD_NO;
		r->srv = srv;
		r->conn = conn;
		r->spool_fd = -1;
		*con_cls = r;
		pthread_mutex_lock(&srv->lock);
		srv->active++;
		path_known = srv->stopping;
		pthread_mutex_unlock(&srv->lock);
		if (path_known) {
			/* a keep-alive connection asking after SIGTERM: let the server drain */
			reply_problem(&rep, MHD_HTTP_SERVICE_UNAVAILABLE, NULL, "the server is "
				      "stopping; nothing was written");
			return send_reply(r, &rep);
		}
		if (!(r->route = find_route(method, url, &r->rest, &path_known))) {
			if (path_known)
				reply_problem(&rep, MHD_HTTP_METHOD_NOT_ALLOWED, NULL, "%s is not allowed "
					      "on '%s'", method, url);
			else
				reply_problem(&rep, MHD_HTTP_NOT_FOUND, NULL, "no such resource '%s'",
					      url);
			return send_reply(r, &rep);
		}
		/* a write is answered once its commit is on disk */
		err = sdx_ledger_open(&r->l, srv->w.ledger,
				      is_write(r) ? SDX_OPEN_DURABLE : SDX_OPEN_READONLY);
		if (err < 0) {
			reply_error(&rep, err, 0);
			return send_reply(r, &rep);
		}
		if (admit(r, &rep))
			return send_reply(r, &rep);
		return MHD_YES;
	}
	if (r->answered) {
		*upload_data_size = 0; /* refused already: drop what the client still sends */
		return MHD_YES;
	}
	if (*upload_data_size) {
		if ((err = take_body(r, upload_data, *upload_data_size)) < 0 && !r->too_big) {
			r->too_big = 2; /* an I/O error: refuse at the end */
			reply_error(&rep, err, 1);
			free(rep.body);
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (r->too_big == 1)
		reply_problem(&rep, MHD_HTTP_CONTENT_TOO_LARGE, "ELIMIT", "request body larger than "
			      "the limit of %" PRIu64 " bytes for %s %s; nothing was written",
			      r->route->body == BODY_FILE ? srv->max_body : srv->max_record_body,
			      r->route->method, r->route->path);
	else if (r->too_big)
		reply_problem(&rep, 500, "EIO", "cannot keep the request body; nothing was written");
	else if ((err = r->route->fn(r, &rep)) < 0)
		reply_error(&rep, err, is_write(r));
	return send_reply(r, &rep);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct server *srv = cls;
	struct request *r = *con_cls;

	(void)conn;
	(void)toe;
	if (!r)
		return;
	sdx_ledger_free(r->l);
	free(r->body);
	if (r->spool_fd >= 0) {
		close(r->spool_fd);
		unlink(r->spool_path);
	}
	free(r);
	*con_cls = NULL;
	pthread_mutex_lock(&srv->lock);
	if (--srv->active == 0)
		pthread_cond_broadcast(&srv->idle);
	pthread_mutex_unlock(&srv->lock);
}

/* Wait until no request is being handled, or `timeout` seconds. */
static unsigned wait_idle(struct server *srv, unsigned timeout)
{
	struct timespec until;
	unsigned left;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout;
	pthread_mutex_lock(&srv->lock);
	while (srv->active > 0 &&
	       pthread_cond_timedwait(&srv->idle, &srv->lock, &until) != ETIMEDOUT)
		;
	left = srv->active;
	pthread_mutex_unlock(&srv->lock);
	return left;
}

int serve_run(struct server *srv, const struct sockaddr *addr, unsigned max_conn,
	      unsigned timeout)
{
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
			 MHD_USE_ITC;
	const union MHD_DaemonInfo *info;
	struct MHD_Daemon *d;
	sigset_t set;
	char host[INET6_ADDRSTRLEN];
	MHD_socket listen_fd;
	unsigned left;
	int sig = 0;

	if (addr->sa_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	/* every thread of the daemon inherits this mask: only sigwait() below sees them */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, srv,
			     MHD_OPTION_SOCK_ADDR, addr,
			     MHD_OPTION_CONNECTION_LIMIT, max_conn,
			     MHD_OPTION_CONNECTION_TIMEOUT, timeout,
			     MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
			     MHD_OPTION_END);
	if (!d)
		return cmd_error(EXIT_ENV, "cannot listen on the address given: %s",
				 strerror(errno));
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	if (addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)addr)->sin6_addr,
			  host, sizeof(host));
	else
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)addr)->sin_addr, host,
			  sizeof(host));
	printf("sdx serve: %s (%s) on http://%s%s%s:%u/\n", srv->w.ledger, srv->origin,
	       addr->sa_family == AF_INET6 ? "[" : "", host, addr->sa_family == AF_INET6 ? "]" : "",
	       info ? (unsigned)info->port : 0);
	fflush(stdout);
	while (sigwait(&set, &sig) != 0)
		;
	/* no new connections; the requests being handled finish */
	pthread_mutex_lock(&srv->lock);
	srv->stopping = 1;
	pthread_mutex_unlock(&srv->lock);
	listen_fd = MHD_quiesce_daemon(d);
	if (listen_fd != MHD_INVALID_SOCKET)
		close(listen_fd);
	left = wait_idle(srv, timeout);
	MHD_stop_daemon(d);
	fprintf(stderr, "sdx serve: stopped on signal %d%s\n", sig,
		left ? "; requests still running after the timeout were cut off" : "");
	return EXIT_OK;
}
