#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "harness.h"
#include "sdx.h"

static int failed;
static char why[1200];

void test_fail(const char *file, int line, const char *what)
{
	if (!failed)
		snprintf(why, sizeof(why), "%s:%d: %s", file, line, what);
	failed = 1;
}

int test_failed(void)
{
	return failed;
}

void test_hex(char out[65], const unsigned char h[32])
{
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", h[i]);
}

int test_ledger_declared(struct sdx_ledger **l, struct sdx_signer **k, const char *origin,
			 unsigned char seed, const char *decl, const char *report, char leaf[65])
{
	unsigned char s[32] = { seed };
	sdx_entry_info info;
	size_t len;
	char *text;
	int err;

	*l = NULL;
	*k = NULL;
	if (sdx_signer_from_seed(k, origin, s) < 0 || sdx_ledger_create(l, "t.db", *k) < 0 ||
	    !(text = test_read_file(test_data(decl), &len)))
		return -1;
	err = sdx_ledger_begin(*l);
	if (err == 0)
		err = sdx_ledger_attach_file(NULL, NULL, *l, test_data(report));
	if (err == 0)
		err = sdx_record_append(&info, *l, *k, "declaration", text, len, "decl");
	free(text);
	if (err < 0 || sdx_ledger_commit(*l) < 0)
		return -1;
	test_hex(leaf, info.leaf_hash);
	return 0;
}

const char *test_data(const char *rel)
{
	static char path[4096];
	const char *root = getenv("SDX_TEST_DATA");

	snprintf(path, sizeof(path), "%s/%s", root ? root : "tests/data", rel);
	return path;
}

int test_sql(const char *db, const char *sql)
{
	sqlite3 *h = NULL;
	int rc;

	if (sqlite3_open(db, &h) != SQLITE_OK) {
		sqlite3_close(h);
		return -1;
	}
	rc = sqlite3_exec(h, sql, NULL, NULL, NULL);
	sqlite3_close(h);
	return rc == SQLITE_OK ? 0 : -1;
}

int test_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f)
		return -1;
	ok = fputs(text, f) >= 0;
	return fclose(f) == 0 && ok ? 0 : -1;
}

char *test_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1)) != NULL) {
		if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		} else {
			buf[n] = '\0';
			if (len)
				*len = (size_t)n;
		}
	}
	fclose(f);
	return buf;
}

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	return remove(p);
}

int test_run(const char *file, const struct test_case *cases)
{
	const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	char cwd[4096], dir[4096];
	int nfail = 0;

	if (!getcwd(cwd, sizeof(cwd)))
		return 2;
	if (!getenv("SDX_TEST_DATA")) {
		static char data[4200];
		snprintf(data, sizeof(data), "%s/tests/data", cwd);
		setenv("SDX_TEST_DATA", data, 1);
	}
	for (const struct test_case *c = cases; c->name; c++) {
		const char *tmp = getenv("TMPDIR");
		snprintf(dir, sizeof(dir), "%s/sdx-unit-XXXXXX", tmp ? tmp : "/tmp");
		if (!mkdtemp(dir) || chdir(dir) != 0) {
			printf("not ok - %s: %s: cannot make a temporary directory\n", base, c->name);
			nfail++;
			continue;
		}
		failed = 0;
		why[0] = '\0';
		sdx_error_clear();
		c->fn();
		if (failed) {
			printf("not ok - %s: %s: %s\n", base, c->name, why);
			nfail++;
		} else {
			printf("ok - %s: %s\n", base, c->name);
		}
		fflush(stdout);
		if (chdir(cwd) != 0)
			return 2;
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	}
	return nfail ? 1 : 0;
}
