/*
 * formats/bundle/options.c - copying a caller's sdx_bundle_verify_options
 * (sdx/bundle.h) by its version, for the functions that pass a changed copy on.
 */
#include <stddef.h>
#include <string.h>

#include "sdx/bundle.h"
#include "formats/bundle/internal.h"
#include "ledger/internal.h"

int sdx__bundle_options_copy(sdx_bundle_verify_options *dst,
			     const sdx_bundle_verify_options *src, const char *what)
{
	int err;

	*dst = (sdx_bundle_verify_options)SDX_BUNDLE_VERIFY_OPTIONS_INIT;
	if (!src)
		return 0;
	if ((err = sdx__options_check(src->version, SDX_BUNDLE_VERIFY_OPTIONS_VERSION, what)) < 0)
		return err;
	/* a version 1 struct ends before `flags`: read no further */
	memcpy(dst, src, src->version >= 2 ? sizeof(*dst)
	       : offsetof(sdx_bundle_verify_options, flags));
	dst->version = SDX_BUNDLE_VERIFY_OPTIONS_VERSION;
	return 0;
}
