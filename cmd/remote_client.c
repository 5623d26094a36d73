/*
 * cmd/remote_client.c - sdx verify --remote URL: read a C2SP tlog-tiles log
 * over HTTP(S) (libcurl) - its /checkpoint and only the hash tiles the
 * consistency proof needs - and compare it with a checkpoint held
 * (sdx/remote.h, formats/witness.md "Remote logs").
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "cmd/cmd.h"

#define FETCH_MAX (SDX_TILE_WIDTH * 32 + SDX_NOTE_MAX)

struct body {
	unsigned char *data;
	size_t len;
	int too_big;
};

static size_t on_data(char *ptr, size_t size, size_t n, void *ctx)
{
	struct body *b = ctx;
	size_t add = size * n;
	unsigned char *grown;

	if (b->len + add > FETCH_MAX) {
		b->too_big = 1;
		return 0;
	}
	if (!(grown = realloc(b->data, b->len + add + 1)))
		return 0;
	b->data = grown;
	memcpy(b->data + b->len, ptr, add);
	b->len += add;
	b->data[b->len] = '\0';
	return add;
}

int remote_fetch(void *ctx, const char *path, unsigned char **out, size_t *len)
{
	const char *base = ctx;
	struct body b = { NULL, 0, 0 };
	char url[4096];
	size_t n = strlen(base);
	long status = 0;
	CURLcode rc;
	CURL *c;

	*out = NULL;
	*len = 0;
	if (!(c = curl_easy_init()))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	snprintf(url, sizeof(url), "%s%s%s", base, n && base[n - 1] == '/' ? "" : "/", path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	if (rc != CURLE_OK) {
		free(b.data);
		return sdx_error_set(SDX_EIO, "%s: %s", url, b.too_big ? "larger than a tile can be" :
				     curl_easy_strerror(rc));
	}
	if (status != 200) {
		free(b.data);
		return sdx_error_set(status == 404 ? SDX_ENOTFOUND : SDX_EIO, "%s: HTTP %ld", url,
				     status);
	}
	*out = b.data ? b.data : calloc(1, 1);
	*len = b.len;
	return *out ? 0 : sdx_error_set(SDX_ENOMEM, "out of memory");
}
