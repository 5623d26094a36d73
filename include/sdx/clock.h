/*
 * sdx/clock.h - the time the library writes into entries, checkpoints,
 * receipts and bundles, and the day compliance checks judge at by default.
 *
 * The library never reads the environment: it asks this clock, which is the
 * system's UTC clock unless the program sets another (the sdx tool sets a
 * fixed one from $SDX_TIME, for reproducible tests).  Set it once, before
 * other threads use the library.
 */
#ifndef SDX_CLOCK_H
#define SDX_CLOCK_H

#include "sdx/api.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Seconds since 1970-01-01T00:00:00Z. */
typedef int64_t (*sdx_clock_fn)(void *ctx);

/** Use `fn` (with `ctx`) as the clock from now on; NULL restores the system clock. */
SDX_API void sdx_clock_set(sdx_clock_fn fn, void *ctx);

/**
 * Read a UTC time "YYYY-MM-DDTHH:MM:SSZ" (a real calendar date and time,
 * years 1970 to 9999) into seconds since the epoch.  SDX_EINVAL if it is not one.
 */
SDX_API int sdx_time_parse(int64_t *out, const char *utc);

#ifdef __cplusplus
}
#endif
#endif
