/*
 * tests/unit/clock.c - sdx/clock.h: the library writes the time its clock
 * gives (never the environment's), and sdx_time_parse takes only real UTC
 * times.
 */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "harness.h"
#include "sdx.h"
#include "ledger/internal.h"

static int64_t at;

static int64_t test_clock(void *ctx)
{
	(void)ctx;
	return at;
}

static void parse_valid(void)
{
	static const struct {
		const char *s;
		int64_t t;
	} ok[] = {
		{ "1970-01-01T00:00:00Z", 0 },
		{ "2000-02-29T12:00:00Z", 951825600 },
		{ "2026-11-23T00:00:00Z", 1795392000 },
		{ "2026-12-31T23:59:59Z", 1798761599 },
		{ "2100-03-01T00:00:00Z", 4107542400 },
	};
	size_t i;
	int64_t t;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		CHECK_OK(sdx_time_parse(&t, ok[i].s));
		CHECK(t == ok[i].t);
	}
}

static void parse_invalid(void)
{
	static const char *const bad[] = {
		"", "2026-11-23", "2026-11-23T00:00:00", "2026-11-23T00:00:00+01:00",
		"2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z", "2026-02-29T00:00:00Z",
		"2100-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-11-23T24:00:00Z",
		"2026-11-23T23:60:00Z", "2026-11-23T23:59:60Z", "1969-12-31T23:59:59Z",
		"2026-11-23t00:00:00Z", "2026-1a-23T00:00:00Z", " 2026-11-23T00:00:00Z",
	};
	size_t i;
	int64_t t;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_ERR(sdx_time_parse(&t, bad[i]), SDX_EINVAL);
	CHECK_ERR(sdx_time_parse(&t, NULL), SDX_EINVAL);
}

static void clock_is_used(void)
{
	char now[21];

	/* the environment is not the library's business */
	setenv("SDX_TIME", "2001-01-01T00:00:00Z", 1);
	CHECK_OK(sdx_time_parse(&at, "2026-11-23T01:02:03Z"));
	sdx_clock_set(test_clock, NULL);
	sdx__utc_now(now);
	CHECK_STR(now, "2026-11-23T01:02:03Z");
	sdx_clock_set(NULL, NULL);
	sdx__utc_now(now);
	CHECK(strcmp(now, "2001-01-01T00:00:00Z") != 0);
	CHECK(strlen(now) == 20 && now[19] == 'Z');
	unsetenv("SDX_TIME");
}

static const struct test_case tests[] = {
	{ "sdx_time_parse reads real UTC times", parse_valid },
	{ "sdx_time_parse refuses anything else", parse_invalid },
	{ "the library writes its clock's time, not $SDX_TIME", clock_is_used },
	{ NULL, NULL }
};

TEST_MAIN(tests)
