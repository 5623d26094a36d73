/* cmd/profiles.c - the profiles a command judges by: those named, or every shipped one. */
#include "cmd/cmd.h"

int cmd_load_profiles(sdx_profile **out, size_t *n, const char *const *names, size_t nnames,
		      size_t max)
{
	const char *name;
	size_t i;
	int err;

	*n = 0;
	for (i = 0; i < (nnames ? nnames : max); i++) {
		name = nnames ? names[i] : sdx_profile_builtin(i);
		if (!name)
			break;
		if ((err = sdx_profile_load(&out[i], name)) < 0)
			return cmd_fail(err);
		(*n)++;
	}
	return 0;
}
