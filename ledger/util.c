#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>
#include <sqlite3.h>
#include <archive.h>
#include <zlib.h>

#include "ledger/internal.h"
#include "sdx/version.h"

static size_t json_depth(const json_t *j)
{
	size_t max = 0, d;

	if (json_is_object(j)) {
		const char *k;
		json_t *v;
		json_object_foreach((json_t *)j, k, v) {
			d = json_depth(v);
			if (d > max)
				max = d;
		}
		return max + 1;
	}
	if (json_is_array(j)) {
		size_t i;
		json_t *v;
		json_array_foreach(j, i, v) {
			d = json_depth(v);
			if (d > max)
				max = d;
		}
		return max + 1;
	}
	return 0;
}

int sdx__json_parse(json_t **out, const char *data, size_t len, size_t max_depth,
		    const char *what)
{
	json_error_t e;
	json_t *j;

	*out = NULL;
	/* jansson bounds its own recursion (2048); we bound it much lower after. */
	j = json_loadb(data, len, JSON_REJECT_DUPLICATES, &e);
	if (!j)
		return sdx_error_set(SDX_EFORMAT, "%s: invalid JSON at line %d column %d: %s",
				     what, e.line, e.column, e.text);
	if (json_depth(j) > max_depth) {
		json_decref(j);
		return sdx_error_set(SDX_EFORMAT, "%s: JSON nested deeper than %zu levels",
				     what, max_depth);
	}
	*out = j;
	return 0;
}

int sdx__json_dump(char **out, size_t *out_len, const json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY |
				 JSON_REAL_PRECISION(15));

	if (!s)
		return sdx_error_set(SDX_ENOMEM, "cannot serialise JSON");
	*out = s;
	if (out_len)
		*out_len = strlen(s);
	return 0;
}

int sdx__b64_encode(char **out, const unsigned char *data, size_t len)
{
	char *s = malloc((len + 2) / 3 * 4 + 1);

	if (!s)
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	sdx__b64_encode_to(s, data, len);
	*out = s;
	return 0;
}

int sdx__b64_decode(unsigned char **out, size_t *out_len, const char *b64, size_t len)
{
	size_t cap = len / 4 * 3;
	unsigned char *buf;
	int err;

	*out = NULL;
	if (!(buf = malloc(cap + 1)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	if ((err = sdx__b64_decode_to(buf, cap, out_len, b64, len)) < 0) {
		free(buf);
		return err;
	}
	buf[*out_len] = '\0';
	*out = buf;
	return 0;
}

int sdx__b64_decode_fixed(unsigned char *out, size_t want, const char *b64, size_t len)
{
	unsigned char *buf;
	size_t n;
	int err;

	if ((err = sdx__b64_decode(&buf, &n, b64, len)) < 0)
		return err;
	if (n != want) {
		free(buf);
		return sdx_error_set(SDX_EFORMAT, "base64 value has %zu bytes, expected %zu", n, want);
	}
	memcpy(out, buf, want);
	free(buf);
	return 0;
}

void sdx__hex(char *out, const unsigned char *data, size_t len)
{
	sodium_bin2hex(out, 2 * len + 1, data, len);
}

void sdx__utc_now(char out[21])
{
	const char *fixed = getenv("SDX_TIME");
	time_t t = time(NULL);
	struct tm tm;

	if (fixed && strlen(fixed) == 20) {
		memcpy(out, fixed, 21);
		return;
	}
	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

const char *sdx_version(void)
{
	return SDX_VERSION;
}

const char *sdx_version_deps(void)
{
	static char buf[512];

	snprintf(buf, sizeof(buf), "libsodium %s, %s, SQLite %s, jansson %s, %s, zlib %s",
		 sodium_version_string(), sdx__crypto_version(), sqlite3_libversion(),
		 jansson_version_str(),
		 archive_version_string(), zlibVersion());
	return buf;
}

#include <pthread.h>

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_rc;

static void init_run(void)
{
	init_rc = sodium_init() < 0 ? -1 : 0;
}

int sdx__init(void)
{
	pthread_once(&init_once, init_run);
	if (init_rc < 0)
		return sdx_error_set(SDX_ERROR, "cannot initialise libsodium");
	return 0;
}

int sdx__error_prefix(int code, const char *prefix)
{
	char old[1024];

	snprintf(old, sizeof(old), "%s", sdx_error_last());
	return sdx_error_set(code, "%s: %s", prefix, old);
}
