/*
 * cmd/l10n.c - the language of sdx report's page and of sdx check's human
 * output (po/README): --lang zh-CN|en, else LANGUAGE, LC_ALL, LC_MESSAGES,
 * LANG.  Catalogues are found in $SDX_LOCALEDIR, else beside the executable
 * (DIR/locale: the build tree), else DIR/../share/locale (installed).  Only
 * LC_MESSAGES is set: numbers and dates print as in the C locale; the
 * error messages (sdx's and the C library's) stay English.
 */
#include <limits.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "formats/text/l10n.h"

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static void bind_dir(void)
{
	const char *env = getenv("SDX_LOCALEDIR");
	char exe[PATH_MAX], dir[PATH_MAX + 32];
	ssize_t n;
	char *slash;

	if (env && *env) {
		bindtextdomain(SDX_TEXTDOMAIN, env);
	} else if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')))
			*slash = '\0';
		snprintf(dir, sizeof(dir), "%s/locale", exe);
		if (!is_dir(dir))
			snprintf(dir, sizeof(dir), "%s/../share/locale", exe);
		bindtextdomain(SDX_TEXTDOMAIN, dir);
	}
	bind_textdomain_codeset(SDX_TEXTDOMAIN, "UTF-8");
}

/* "zh_CN" for a Chinese language or locale name, else NULL (English). */
static const char *lang_of(const char *s)
{
	return s && (strncmp(s, "zh", 2) == 0) ? "zh_CN" : NULL;
}

int cmd_lang(const char *opt)
{
	const char *pick = NULL, *v, *cur;
	char first[64];

	if (opt) {
		if (strcmp(opt, "zh-CN") == 0 || strcmp(opt, "zh_CN") == 0)
			pick = "zh_CN";
		else if (strcmp(opt, "en") != 0)
			return cmd_error(EXIT_USAGE, "--lang '%s': expected zh-CN or en", opt);
	} else if ((v = getenv("LANGUAGE")) && *v) {
		snprintf(first, sizeof(first), "%.*s", (int)strcspn(v, ":"), v);
		pick = lang_of(first);
	} else if (((v = getenv("LC_ALL")) && *v) || ((v = getenv("LC_MESSAGES")) && *v) ||
		   ((v = getenv("LANG")) && *v)) {
		pick = lang_of(v);
	}
	if (!pick) {
		setlocale(LC_MESSAGES, "C"); /* gettext answers the msgid: English */
		return 0;
	}
	bind_dir();
	/* LANGUAGE speaks for every text domain: the C library's own messages
	 * (strerror in the CLI's errors) stay English, as the errors do */
	bindtextdomain("libc", "/nonexistent/sdx-keeps-libc-messages-in-english");
	setenv("LANGUAGE", pick, 1);
	/* gettext ignores LANGUAGE in the C locale; C.UTF-8 is glibc's own */
	cur = setlocale(LC_MESSAGES, "");
	if (!cur || strcmp(cur, "C") == 0 || strcmp(cur, "POSIX") == 0)
		setlocale(LC_MESSAGES, "C.UTF-8");
	return 0;
}
