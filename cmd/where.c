/* cmd/where.c - where the ledger and key are, opening them, passphrases. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "cmd/cmd.h"

void where_resolve(struct where *w)
{
	size_t n;

	if (!w->ledger)
		w->ledger = getenv("SDX_LEDGER");
	if (!w->ledger || !*w->ledger)
		w->ledger = "sdx.db";
	if (!w->key)
		w->key = getenv("SDX_KEY");
	if (w->key && *w->key)
		return;
	/* beside the ledger: ledger.db -> ledger.key, anything else -> +.key */
	n = strlen(w->ledger);
	if (n > 3 && strcmp(w->ledger + n - 3, ".db") == 0)
		snprintf(w->key_buf, sizeof(w->key_buf), "%.*s.key", (int)(n - 3), w->ledger);
	else
		snprintf(w->key_buf, sizeof(w->key_buf), "%s.key", w->ledger);
	w->key = w->key_buf;
}

int resolve_and_open(sdx_ledger **out, struct where *w, unsigned flags)
{
	where_resolve(w);
	return open_ledger(out, w, flags);
}

int open_ledger(sdx_ledger **out, const struct where *w, unsigned flags)
{
	const char *durable = getenv("SDX_DURABLE");
	int err;

	/* fsync every commit: survives power loss, not only a crash of sdx */
	if (durable && strcmp(durable, "1") == 0)
		flags |= SDX_OPEN_DURABLE;
	err = sdx_ledger_open(out, w->ledger, flags);

	if (err == SDX_ENOTFOUND)
		return cmd_error(EXIT_USAGE, "no ledger at '%s'; create one with 'sdx init "
				 "--origin NAME' or point -L/$SDX_LEDGER at it", w->ledger);
	return err < 0 ? cmd_fail(err) : 0;
}

static int read_tty_line(char *buf, size_t cap, const char *prompt)
{
	struct termios old, quiet;
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY), echo_off = 0, rc = -1;
	size_t n = 0;
	char c;

	if (fd < 0)
		return -1;
	if (write(fd, prompt, strlen(prompt)) < 0)
		goto done;
	if (tcgetattr(fd, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		echo_off = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
	}
	while (read(fd, &c, 1) == 1 && c != '\n') {
		if (n + 1 < cap)
			buf[n++] = c;
	}
	buf[n] = '\0';
	rc = 0;
	if (echo_off)
		tcsetattr(fd, TCSAFLUSH, &old);
	if (write(fd, "\n", 1) < 0)
		rc = 0;
done:
	close(fd);
	return rc;
}

int read_passphrase(char **out, const char *prompt, int confirm)
{
	const char *env = getenv("SDX_PASSPHRASE");
	char *p = NULL, *again = NULL;
	int err = 0;

	*out = NULL;
	if (!(p = sodium_malloc(1024)) || !(again = sodium_malloc(1024))) {
		err = cmd_error(EXIT_ENV, "out of memory");
		goto done;
	}
	if (env) {
		snprintf(p, 1024, "%s", env);
	} else {
		if (read_tty_line(p, 1024, prompt) < 0) {
			err = cmd_error(EXIT_USAGE, "a passphrase is needed: set SDX_PASSPHRASE or run "
					"from a terminal");
			goto done;
		}
		if (confirm) {
			if (read_tty_line(again, 1024, "repeat passphrase: ") < 0 ||
			    strcmp(p, again) != 0) {
				err = cmd_error(EXIT_USAGE, "the passphrases do not match");
				goto done;
			}
		}
	}
	if (!*p) {
		err = cmd_error(EXIT_USAGE, "empty passphrase (use --unencrypted for a key "
				"without one)");
		goto done;
	}
	*out = p;
	p = NULL;
done:
	if (p)
		sodium_free(p);
	if (again)
		sodium_free(again);
	return err;
}

int load_key(sdx_signer **out, const struct where *w)
{
	char *pass = NULL;
	int enc, err;

	if ((enc = sdx_key_is_encrypted(w->key)) < 0)
		return cmd_fail(enc);
	if (enc && (err = read_passphrase(&pass, "passphrase: ", 0)) != 0)
		return err;
	err = sdx_key_load(out, w->key, pass);
	if (pass)
		sodium_free(pass);
	return err < 0 ? cmd_fail(err) : 0;
}

sdx_kdf_level cmd_kdf_level(void)
{
	const char *k = getenv("SDX_KDF");

	if (k && strcmp(k, "min") == 0)
		return SDX_KDF_MIN; /* test suites only: documented in README */
	if (k && strcmp(k, "moderate") == 0)
		return SDX_KDF_MODERATE;
	return SDX_KDF_INTERACTIVE;
}
