/*
 * sdx/error.h - error codes and the last error message.
 *
 * Every sdx function that can fail returns an int: 0 on success or one of the
 * negative SDX_E* codes below.  The human-readable message, which names the
 * file, entry or field at fault, is kept per thread and read back with
 * sdx_error_last() until the next failing call on the same thread replaces it.
 * The library never prints and never exits.
 *
 * The numeric values are part of the ABI: never renumber, only append.
 */
#ifndef SDX_ERROR_H
#define SDX_ERROR_H

#include "sdx/api.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
	SDX_OK = 0,
	SDX_ERROR = -1,      /* generic failure */
	SDX_EINVAL = -2,     /* invalid argument from the caller */
	SDX_ENOTFOUND = -3,  /* no such entry, key, file or attachment */
	SDX_EEXISTS = -4,    /* object already exists */
	SDX_EFORMAT = -5,    /* input is malformed (JSON, note, key file...) */
	SDX_EVERIFY = -6,    /* a signature, hash or proof does not verify */
	SDX_EUNTRUSTED = -7, /* validly signed, but by a key nobody trusts */
	SDX_EIO = -8,        /* operating system or database I/O error */
	SDX_ENOMEM = -9,     /* out of memory */
	SDX_ELIMIT = -10,    /* input exceeds a configured size or count limit */
	SDX_EPASSPHRASE = -11, /* wrong passphrase for an encrypted key */
	SDX_ESCHEMA = -12,   /* a record does not match its schema */
	SDX_ECONFLICT = -13  /* state conflicts (inconsistent checkpoint, fork) */
};

/**
 * The message of the last error on this thread.
 *
 * @return a borrowed, NUL-terminated string; "" when no error was recorded.
 *         Valid until the next sdx call on this thread.
 */
SDX_API const char *sdx_error_last(void);

/** The code of the last error on this thread (0 if none). */
SDX_API int sdx_error_code(void);

/**
 * Record an error for this thread and return its code, so that callers can
 * write `return sdx_error_set(SDX_EFORMAT, "'%s': bad line", path);`.
 *
 * @param code  one of the SDX_E* codes
 * @param fmt   printf-style message: lowercase, subject quoted, no full stop
 * @return code
 */
SDX_API int sdx_error_set(int code, const char *fmt, ...)
	#if defined(__GNUC__)
		__attribute__((format(printf, 2, 3)))
	#endif
		;

/** Forget the last error on this thread. */
SDX_API void sdx_error_clear(void);

/** A short constant name for a code, e.g. "EVERIFY". */
SDX_API const char *sdx_error_name(int code);

#ifdef __cplusplus
}
#endif
#endif
