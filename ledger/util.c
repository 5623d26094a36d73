#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>
#include <sqlite3.h>
#include <archive.h>
#include <zlib.h>

#include "ledger/internal.h"
#include "sdx/clock.h"
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

static sdx_clock_fn clock_fn;
static void *clock_ctx;

void sdx_clock_set(sdx_clock_fn fn, void *ctx)
{
	clock_fn = fn;
	clock_ctx = ctx;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = y / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

int sdx_time_parse(int64_t *out, const char *utc)
{
	static const unsigned char mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	unsigned v[6] = { 0 };
	static const unsigned char at[6] = { 0, 5, 8, 11, 14, 17 }, width[6] = { 4, 2, 2, 2, 2, 2 };
	size_t i, k;
	int leap;

	if (!utc || strlen(utc) != 20 || utc[4] != '-' || utc[7] != '-' || utc[10] != 'T' ||
	    utc[13] != ':' || utc[16] != ':' || utc[19] != 'Z')
		goto bad;
	for (i = 0; i < 6; i++)
		for (k = 0; k < width[i]; k++) {
			char c = utc[at[i] + k];
			if (c < '0' || c > '9')
				goto bad;
			v[i] = v[i] * 10 + (unsigned)(c - '0');
		}
	leap = (v[0] % 4 == 0 && v[0] % 100 != 0) || v[0] % 400 == 0;
	if (v[0] < 1970 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > mdays[v[1] - 1] ||
	    (v[1] == 2 && v[2] == 29 && !leap) || v[3] > 23 || v[4] > 59 || v[5] > 59)
		goto bad;
	*out = days_from_civil(v[0], v[1], v[2]) * 86400 + v[3] * 3600 + v[4] * 60 + v[5];
	return 0;
bad:
	return sdx_error_set(SDX_EINVAL, "'%s' is not a UTC time YYYY-MM-DDTHH:MM:SSZ",
			     utc ? utc : "");
}

void sdx__utc_now(char out[21])
{
	time_t t = clock_fn ? (time_t)clock_fn(clock_ctx) : time(NULL);
	struct tm tm;

	if (!gmtime_r(&t, &tm) || strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) != 20)
		memcpy(out, "1970-01-01T00:00:00Z", 21);
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

int sdx__options_check(unsigned version, unsigned newest, const char *what)
{
	if (version >= 1 && version <= newest)
		return 0;
	return sdx_error_set(SDX_EINVAL, "%s: options version %u is not one this library "
			     "knows (1 to %u; use the _INIT macro)", what, version, newest);
}

int sdx__error_prefix(int code, const char *prefix)
{
	char old[1024];

	snprintf(old, sizeof(old), "%s", sdx_error_last());
	return sdx_error_set(code, "%s: %s", prefix, old);
}
