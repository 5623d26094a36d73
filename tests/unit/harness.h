/*
 * tests/unit/harness.h - a tiny test runner.
 *
 * Each test file defines its cases and ends with
 *     static const struct test_case tests[] = { {"name", fn}, ..., {NULL, NULL} };
 *     TEST_MAIN(tests)
 * Every case runs in a fresh temporary directory (the current directory).
 * Output is one line per case, "ok - file: name" or "not ok - file: name: why",
 * which tests/run.sh counts.
 */
#ifndef SDX_TEST_HARNESS_H
#define SDX_TEST_HARNESS_H

#include <stddef.h>
#include <string.h>

#include "sdx/error.h"

struct test_case {
	const char *name;
	void (*fn)(void);
};

void test_fail(const char *file, int line, const char *what);
int test_failed(void);
int test_run(const char *file, const struct test_case *cases);
/* Absolute path of a file under tests/data (static buffer, valid until next call). */
const char *test_data(const char *rel);
/* Run SQL on the SQLite file `db` behind sdx's back (tampering, older formats): 0 or -1. */
int test_sql(const char *db, const char *sql);
/* Write text to the file at path (replacing it): 0 or -1. */
int test_write_file(const char *path, const char *text);
/* Read a whole file (malloc'd, NUL-terminated); NULL on error. */
char *test_read_file(const char *path, size_t *len);

/* 64 lowercase hex digits of h. */
void test_hex(char out[65], const unsigned char h[32]);

struct sdx_ledger;
struct sdx_signer;
/*
 * A new ledger "t.db" of `origin` under the key of seed {seed}, holding the
 * declaration file `decl` and its report file `report` (paths below
 * tests/data); `leaf` gets the declaration's leaf hash.  0, or -1 (free what
 * was made with sdx_ledger_free() and sdx_signer_free() either way).
 */
int test_ledger_declared(struct sdx_ledger **l, struct sdx_signer **k, const char *origin,
			 unsigned char seed, const char *decl, const char *report, char leaf[65]);

#define TEST_MAIN(cases) \
	int main(void) { return test_run(__FILE__, cases); }

#define CHECK(cond) do { \
	if (!(cond)) { test_fail(__FILE__, __LINE__, #cond); return; } \
} while (0)

/* Expect an sdx call to return 0; on failure report sdx_error_last(). */
#define CHECK_OK(expr) do { \
	int check_rc_ = (expr); \
	if (check_rc_ != 0) { test_fail(__FILE__, __LINE__, sdx_error_last()); return; } \
} while (0)

#define CHECK_ERR(expr, code) do { \
	int check_rc_ = (expr); \
	if (check_rc_ != (code)) { test_fail(__FILE__, __LINE__, #expr " returned the wrong code"); return; } \
} while (0)

#define CHECK_MEM(a, b, n) CHECK(memcmp((a), (b), (n)) == 0)
#define CHECK_STR(a, b) CHECK(strcmp((a), (b)) == 0)

#endif
