/*
 * cmd/witness_client.c - the log's side of C2SP tlog-witness over HTTP
 * (libcurl): ask each witness of a policy that has a URL to cosign the
 * latest checkpoint, and keep what it answers (formats/witness.md).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "cmd/cmd.h"

#define ANSWER_MAX (64 * 1024)

struct answer {
	char *data;
	size_t len;
	char type[64];
	int too_big;
};

static size_t on_data(char *ptr, size_t size, size_t n, void *ctx)
{
	struct answer *a = ctx;
	size_t add = size * n;
	char *grown;

	if (a->len + add > ANSWER_MAX) {
		a->too_big = 1;
		return 0;
	}
	if (!(grown = realloc(a->data, a->len + add + 1)))
		return 0;
	a->data = grown;
	memcpy(a->data + a->len, ptr, add);
	a->len += add;
	a->data[a->len] = '\0';
	return add;
}

/* POST body to URL/add-checkpoint: the status into *status, the answer into *a. */
static int post(const char *url, const char *body, size_t len, long *status, struct answer *a)
{
	struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: text/plain");
	char full[2048], *ct = NULL;
	CURL *c = curl_easy_init();
	CURLcode rc;
	size_t n = strlen(url);

	*status = 0;
	if (!c || !hdr) {
		curl_slist_free_all(hdr);
		curl_easy_cleanup(c);
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	}
	snprintf(full, sizeof(full), "%s%sadd-checkpoint", url, n && url[n - 1] == '/' ? "" : "/");
	curl_easy_setopt(c, CURLOPT_URL, full);
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, a);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK) {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
		if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct)
			snprintf(a->type, sizeof(a->type), "%s", ct);
	}
	curl_slist_free_all(hdr);
	curl_easy_cleanup(c);
	if (rc != CURLE_OK)
		return sdx_error_set(SDX_EIO, "%s: %s", full, a->too_big ? "answer longer than 64 KiB"
				     : curl_easy_strerror(rc));
	return 0;
}

/* The first line of an answer, for a message. */
static const char *first_line(struct answer *a)
{
	char *nl;

	if (!a->data)
		return "";
	if ((nl = strchr(a->data, '\n')))
		*nl = '\0';
	return a->data;
}

int witness_ask(sdx_ledger *l, const sdx_cosigner *c, const char *url, uint64_t size,
		char *why, size_t cap)
{
	struct answer a;
	char *body = NULL;
	uint64_t old = 0;
	size_t len = 0;
	long status;
	int err, tries;

	why[0] = '\0';
	if ((err = sdx_ledger_cosigned_size(&old, l, sdx_cosigner_name(c))) < 0)
		return err;
	if (old > size)
		old = 0; /* it cosigned more than this checkpoint: it answers 409 with its size */
	/* a witness that lost track (or that another copy of the log fed) answers
	 * 409 with the size it holds: ask once more from there */
	for (tries = 0; tries < 2; tries++) {
		memset(&a, 0, sizeof(a));
		free(body);
		body = NULL;
		if ((err = sdx_witness_request(&body, &len, l, old, size)) < 0)
			break;
		if ((err = post(url, body, len, &status, &a)) < 0)
			break;
		if (status == 200) {
			err = sdx_ledger_cosignature_add(NULL, l, size, c, a.data ? a.data : "",
							 a.len);
			break;
		}
		if (status == 409 && strncmp(a.type, "text/x.tlog.size", 16) == 0 && tries == 0 &&
		    a.data && sscanf(a.data, "%" SCNu64, &old) == 1 && old <= size) {
			free(a.data);
			continue;
		}
		snprintf(why, cap, "%s answered %ld: %s", url, status, first_line(&a));
		err = 1;
		break;
	}
	free(a.data);
	free(body);
	return err;
}
