/*
 * cmd/remote_client.c - sdx verify --remote URL: read a C2SP tlog-tiles log
 * over HTTP(S) (libcurl) - its /checkpoint and only the hash tiles the
 * consistency proof needs - and compare it with a checkpoint held
 * (sdx/remote.h, formats/witness.md "Remote logs").
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

struct sink {
	int fd;
	uint64_t got, max;
	int too_big, failed;
};

static size_t to_file(char *ptr, size_t size, size_t n, void *ctx)
{
	struct sink *k = ctx;
	size_t add = size * n, off = 0;

	if (k->max && k->got + add > k->max) {
		k->too_big = 1;
		return 0;
	}
	while (off < add) {
		ssize_t w = write(k->fd, ptr + off, add - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			k->failed = errno ? errno : EIO;
			return 0;
		}
		off += (size_t)w;
	}
	k->got += add;
	return add;
}

int remote_download(char *out, size_t cap, const char *url, const char *token, uint64_t max,
		    const char *beside)
{
	struct curl_slist *hdr = NULL;
	struct sink k = { -1, 0, max, 0, 0 };
	char auth[600];
	long status = 0;
	CURLcode rc;
	CURL *c;
	int r;

	out[0] = '\0';
	if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
		return cmd_error(EXIT_USAGE, "--from '%s': give an http:// or https:// URL", url);
	if ((r = tmp_in_dir(&k.fd, out, cap, beside, ".sdx-download")) != 0)
		return r;
	if (!(c = curl_easy_init())) {
		close(k.fd);
		unlink(out);
		out[0] = '\0';
		return cmd_error(EXIT_ENV, "out of memory");
	}
	if (token && *token) {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
		hdr = curl_slist_append(NULL, auth);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, to_file);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &k);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	curl_slist_free_all(hdr);
	if (close(k.fd) != 0 && !k.failed)
		k.failed = errno;
	if (rc == CURLE_OK && status == 200 && !k.failed)
		return 0;
	unlink(out);
	out[0] = '\0';
	if (k.too_big)
		return cmd_error(EXIT_USAGE, "%s: larger than the limit of %" PRIu64 " bytes "
				 "(--max-total); nothing was written", url, max);
	if (k.failed)
		return cmd_error(EXIT_ENV, "%s: cannot keep the download beside '%s': %s", url,
				 beside, strerror(k.failed));
	if (rc != CURLE_OK)
		return cmd_error(EXIT_ENV, "%s: %s", url, curl_easy_strerror(rc));
	return cmd_error(status == 401 || status == 403 ? EXIT_USAGE : EXIT_ENV, "%s: HTTP %ld%s; "
			 "nothing was written", url, status, status == 401 ? " (give --token)" : "");
}
