/*
 * cmd/age.c - age-encrypted bundles for export, verify and import
 * (formats/age.md): the ledger's age key file beside its key file, the
 * recipients of --encrypt-to, and decryption to a temporary file inside the
 * ledger's directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "cmd/cmd.h"

void age_key_path(char *out, size_t cap, const struct where *w)
{
	snprintf(out, cap, "%s.x25519", w->key);
}

int load_age_key(unsigned char *sk, const struct where *w)
{
	char path[4200], *pass = NULL;
	int enc, err;

	age_key_path(path, sizeof(path), w);
	if ((enc = sdx_key_is_encrypted(path)) == SDX_ENOTFOUND)
		return cmd_error(EXIT_USAGE, "no age key '%s': this ledger cannot decrypt age files "
				 "until 'sdx key age' makes one", path);
	if (enc < 0)
		return cmd_fail(enc);
	if (enc && (err = read_passphrase(&pass, "passphrase of the age key: ", 0)) != 0)
		return err;
	err = sdx_age_key_load(sk, NULL, path, pass);
	if (pass)
		sodium_free(pass);
	return err < 0 ? cmd_fail(err) : 0;
}

int age_recipient_resolve(unsigned char pk[32], sdx_ledger *l, const char *spec)
{
	sdx_verifier *v = NULL;
	int rc, err;

	if (strncmp(spec, "age1", 4) == 0)
		return (err = sdx_age_recipient_parse(pk, spec)) < 0 ? cmd_fail(err) : 0;
	if (sdx_verifier_parse(&v, spec) < 0)
		return cmd_error(EXIT_USAGE, "--encrypt-to '%.80s': neither an age recipient "
				 "(age1...) nor a verifier key", spec);
	rc = sdx_age_bound_recipient(pk, NULL, l, sdx_verifier_name(v));
	if (rc < 0) {
		rc = cmd_fail(rc);
	} else if (rc == 0) {
		rc = cmd_error(EXIT_USAGE, "--encrypt-to: %s bound no age recipient in an entry "
			       "this ledger holds (import a bundle carrying its 'age-recipient' "
			       "entry), so give its age1... recipient instead",
			       sdx_verifier_name(v));
	} else {
		rc = 0;
	}
	sdx_verifier_free(v);
	return rc;
}

int tmp_in_dir(int *fd, char *out, size_t cap, const char *beside, const char *stem)
{
	const char *slash = strrchr(beside, '/');

	if (slash)
		snprintf(out, cap, "%.*s/%s-XXXXXX", (int)(slash - beside), beside, stem);
	else
		snprintf(out, cap, "%s-XXXXXX", stem);
	/* mkstemp: O_EXCL, mode 0600, a name nobody else can have taken */
	if ((*fd = mkstemp(out)) < 0) {
		out[0] = '\0';
		return cmd_error(EXIT_ENV, "cannot create a temporary file beside '%s': %s", beside,
				 strerror(errno));
	}
	return 0;
}

int age_open(struct age_input *in, const struct where *w, const char *path)
{
	unsigned char *sk = NULL;
	unsigned long long bytes = 0;
	int is, ifd = -1, ofd = -1, rc, err;

	in->path = path;
	in->tmp[0] = '\0';
	if ((is = sdx_age_file_is_age(path)) < 0)
		return cmd_fail(is);
	if (is == 0)
		return 0;
	if (access(w->ledger, F_OK) != 0)
		return cmd_error(EXIT_USAGE, "'%s' is an age file: decrypting it needs a ledger "
				 "with an age key ('%s' does not exist; -L LEDGER)", path, w->ledger);
	if (!(sk = sodium_malloc(32)))
		return cmd_error(EXIT_ENV, "out of memory");
	if ((rc = load_age_key(sk, w)) != 0)
		goto done;
	if ((rc = tmp_in_dir(&ofd, in->tmp, sizeof(in->tmp), w->ledger, ".sdx-age")) != 0)
		goto done;
	if ((ifd = open(path, O_RDONLY)) < 0) {
		rc = cmd_error(EXIT_USAGE, "cannot open '%s': %s", path, strerror(errno));
		goto done;
	}
	{
		char what[4200];

		snprintf(what, sizeof(what), "'%s'", path);
		err = sdx_age_decrypt_fd(ifd, ofd, sk, what, &bytes);
	}
	if (err == 0 && fsync(ofd) != 0)
		err = sdx_error_set(SDX_EIO, "cannot write '%s': %s", in->tmp, strerror(errno));
	rc = err < 0 ? cmd_fail(err) : 0;
	if (rc == 0)
		in->path = in->tmp;
done:
	if (ifd >= 0)
		close(ifd);
	if (ofd >= 0)
		close(ofd);
	if (rc != 0)
		age_close(in);
	sodium_free(sk);
	return rc;
}

void age_close(struct age_input *in)
{
	if (in->tmp[0])
		unlink(in->tmp);
	in->tmp[0] = '\0';
}

void age_error_rename(int err, const char *file, const char *shown)
{
	const char *m = sdx_error_last(), *p;
	size_t n = strlen(file);
	char buf[2048];
	size_t k = 0;

	if (err >= 0 || file == shown || strcmp(file, shown) == 0 || !(p = strstr(m, file)))
		return;
	/* the message names the temporary file: name the file the user gave instead */
	while (p && k < sizeof(buf) - 1) {
		k += (size_t)snprintf(buf + k, sizeof(buf) - k, "%.*s%s", (int)(p - m), m, shown);
		m = p + n;
		p = strstr(m, file);
	}
	if (k < sizeof(buf) - 1)
		snprintf(buf + k, sizeof(buf) - k, "%s", m);
	sdx_error_set(err, "%s", buf);
}
