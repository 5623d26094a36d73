/*
 * sdx/text.h - UTF-8 text in columns: how wide a string is on a terminal,
 * the padding that lines it up, and where a byte-limited copy of it may end
 * without splitting a character.  Tables and trees of supplier, product and
 * party names (Chinese, fullwidth ＡＢＣ, mixed) align by display width, not
 * by bytes: East Asian Wide and Fullwidth characters take two columns,
 * combining marks and other zero-width characters none (libutf8proc's
 * character widths, Unicode's East Asian Width).
 *
 *	printf("%s%*s %s\n", name, sdx_text_pad(name, 32), "", rest);  // "%-32s" by width
 *	buf[sdx_text_cut(buf, strlen(buf))] = '\0';  // after a snprintf that may have cut
 */
#ifndef SDX_TEXT_H
#define SDX_TEXT_H

#include "sdx/api.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Columns the terminated UTF-8 string `s` takes: 2 for each East Asian Wide
 * or Fullwidth character, 0 for combining marks, format and control
 * characters, 1 for the others and for each byte that is not valid UTF-8.
 */
SDX_API size_t sdx_text_width(const char *s);

/**
 * Spaces to print after `s` so that it fills `cols` columns; 0 when it is
 * already as wide or wider (like printf's "%-Ns", nothing is cut).
 */
SDX_API int sdx_text_pad(const char *s, size_t cols);

/**
 * The longest prefix of the `n` bytes at `s` that does not end inside a
 * UTF-8 sequence: n, or less when the last character was cut short (as a
 * byte-limited copy such as snprintf's leaves it).
 */
SDX_API size_t sdx_text_cut(const char *s, size_t n);

#ifdef __cplusplus
}
#endif
#endif
