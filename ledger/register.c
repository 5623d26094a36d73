/*
 * ledger/register.c - reference data in the ledger file (sdx/register.h):
 * the registers table, one row per version, append-only.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/store.h"

/* Columns every query below reads, in this order. */
#define COLUMNS "kind, name, version, imported, source_sha256, length(CAST(body AS BLOB))"

static int check_names(const char *kind, const char *name)
{
	size_t n = kind ? strlen(kind) : 0, i;

	if (n == 0 || n > SDX_REGISTER_KIND_MAX || strspn(kind, "abcdefghijklmnopqrstuvwxyz"
							  "0123456789_-") != n)
		return sdx_error_set(SDX_EINVAL, "invalid register kind '%.40s': 1 to %d of a-z, "
				     "0-9, _ and -", kind ? kind : "", SDX_REGISTER_KIND_MAX);
	n = name ? strlen(name) : 0;
	for (i = 0; i < n && (unsigned char)name[i] >= 0x20 && name[i] != 0x7f; i++)
		;
	if (n == 0 || n > SDX_REGISTER_NAME_MAX || i < n ||
	    !sdx__utf8_valid((const unsigned char *)name, n))
		return sdx_error_set(SDX_EINVAL, "invalid register name '%.*s': 1 to %d bytes of "
				     "UTF-8 without control characters", (int)(n > 60 ? 60 : n),
				     name ? name : "", SDX_REGISTER_NAME_MAX);
	return 0;
}

/* The current row of a COLUMNS query into *out. */
static int row_info(sdx_register_info *out, struct sdx__stmt *s)
{
	const char *kind = (const char *)sqlite3_column_text(s->st, 0);
	const char *name = (const char *)sqlite3_column_text(s->st, 1);
	const char *imported = (const char *)sqlite3_column_text(s->st, 3);

	memset(out, 0, sizeof(*out));
	if (!kind || !name || !imported || strlen(kind) > SDX_REGISTER_KIND_MAX ||
	    strlen(name) > SDX_REGISTER_NAME_MAX || strlen(imported) != 20 ||
	    !sdx__column_hash(s->st, 4, out->source_sha256))
		return sdx_error_set(SDX_EFORMAT, "'%s': damaged row in registers", s->l->path);
	memcpy(out->kind, kind, strlen(kind) + 1);
	memcpy(out->name, name, strlen(name) + 1);
	memcpy(out->imported, imported, 21);
	out->version = (uint64_t)sqlite3_column_int64(s->st, 2);
	out->body_len = (uint64_t)sqlite3_column_int64(s->st, 5);
	return 0;
}

/*
 * Version `version` of (kind, name), 0 meaning the newest: 1 and *info (and
 * *body, *len if body is not NULL), 0 if there is none, or the error.
 * info->latest is set for the newest only.
 */
static int version_of(sdx_ledger *l, const char *kind, const char *name, uint64_t version,
		      sdx_register_info *info, char **body, size_t *len)
{
	struct sdx__stmt s;
	int rc, err;

	if (l->format < 7) /* an older file, read as it is, holds no registers */
		return 0;
	if ((err = sdx__stmt(&s, l, NULL, "reading registers", "SELECT " COLUMNS ", body, "
			     "version = (SELECT MAX(version) FROM registers WHERE kind = ?1 AND "
			     "name = ?2) FROM registers WHERE kind = ?1 AND name = ?2 AND (?3 = 0 OR "
			     "version = ?3) ORDER BY version DESC LIMIT 1", SDX__TEXT(kind),
			     SDX__TEXT(name), SDX__INT(version))) < 0)
		return err;
	if ((rc = sdx__stmt_step(&s)) == 1) {
		if ((err = row_info(info, &s)) < 0 ||
		    (body && (err = sdx__column_dup(s.st, 6, body, len)) < 0))
			rc = err;
		info->latest = sqlite3_column_int(s.st, 7);
	}
	sdx__stmt_end(&s);
	return rc;
}

static int newest(sdx_ledger *l, const char *kind, const char *name, sdx_register_info *info,
		  char **body, size_t *len)
{
	return version_of(l, kind, name, 0, info, body, len);
}

/* put inside an open transaction. */
static int put(sdx_register_info *out, sdx_ledger *l, const char *kind, const char *name,
	       const unsigned char source_sha256[32], const char *body, size_t len)
{
	sdx_register_info last;
	char *held = NULL, *text = NULL;
	size_t held_len = 0;
	int rc, err;

	if ((rc = newest(l, kind, name, &last, &held, &held_len)) < 0)
		return rc;
	if (rc == 1 && held_len == len && memcmp(held, body, len) == 0) {
		*out = last;
		free(held);
		return 1;
	}
	free(held);
	memset(out, 0, sizeof(*out));
	memcpy(out->kind, kind, strlen(kind) + 1);
	memcpy(out->name, name, strlen(name) + 1);
	out->version = rc == 1 ? last.version + 1 : 1;
	sdx__utc_now(out->imported);
	memcpy(out->source_sha256, source_sha256, 32);
	out->body_len = len;
	out->latest = 1;
	/* bound as text: a copy with its terminating NUL */
	if (!(text = malloc(len + 1)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	memcpy(text, body, len);
	text[len] = '\0';
	err = sdx__db_run(l, NULL, "storing a register", "INSERT INTO registers(kind, name, "
			  "version, imported, source_sha256, body) VALUES(?, ?, ?, ?, ?, ?)",
			  SDX__TEXT(kind), SDX__TEXT(name), SDX__INT(out->version),
			  SDX__TEXT(out->imported), SDX__HASH(source_sha256), SDX__TEXT(text));
	free(text);
	return err < 0 ? err : 0;
}

int sdx_ledger_register_put(sdx_register_info *out, sdx_ledger *l, const char *kind,
			    const char *name, const unsigned char source_sha256[32],
			    const char *body, size_t len)
{
	sdx_register_info info;
	int own_tx = !l->in_tx, rc, err;

	if ((err = check_names(kind, name)) < 0)
		return err;
	if (len == 0 || memchr(body, '\0', len))
		return sdx_error_set(SDX_EFORMAT, "register '%s': %s", name,
				     len ? "the body holds a NUL byte" : "the body is empty");
	if (len > SDX_REGISTER_BODY_MAX)
		return sdx_error_set(SDX_ELIMIT, "register '%s': %zu bytes, more than the %u a "
				     "register may hold", name, len, SDX_REGISTER_BODY_MAX);
	/* the newest version is read under the write lock: two imports make two versions */
	if (own_tx && (err = sdx_ledger_begin(l)) < 0)
		return err;
	if ((rc = put(&info, l, kind, name, source_sha256, body, len)) < 0 ||
	    (own_tx && (err = sdx_ledger_commit(l)) < 0)) {
		if (own_tx)
			sdx_ledger_rollback(l);
		return rc < 0 ? rc : err;
	}
	if (out)
		*out = info;
	return rc;
}

int sdx_ledger_register_get(char **body, size_t *len, sdx_register_info *info, sdx_ledger *l,
			    const char *kind, const char *name, uint64_t version)
{
	sdx_register_info got;
	int rc, err;

	*body = NULL;
	if ((err = check_names(kind, name)) < 0)
		return err;
	if ((rc = version_of(l, kind, name, version, &got, body, len)) < 0)
		return rc;
	if (rc == 0 && version)
		return sdx_error_set(SDX_ENOTFOUND, "no version %" PRIu64 " of %s register '%s'",
				     version, kind, name);
	if (rc == 0)
		return sdx_error_set(SDX_ENOTFOUND, "no %s register named '%s'", kind, name);
	if (info)
		*info = got;
	return 0;
}

int sdx_ledger_register_latest(char **body, size_t *len, sdx_register_info *info,
			       sdx_ledger *l, const char *kind, const char *name)
{
	return sdx_ledger_register_get(body, len, info, l, kind, name, 0);
}

int sdx_ledger_register_list(sdx_ledger *l, const char *kind, sdx_register_cb cb, void *ctx)
{
	struct sdx__stmt s;
	sdx_register_info info, next;
	int have = 0, rc, err = 0;

	if (l->format < 7)
		return 0;
	if (kind && (err = check_names(kind, "-")) < 0)
		return err;
	if ((err = sdx__stmt(&s, l, NULL, "reading registers", "SELECT " COLUMNS " FROM registers "
			     "WHERE ?1 IS NULL OR kind = ?1 ORDER BY kind, name, version",
			     SDX__TEXT(kind))) < 0)
		return err;
	/* a row is handed on once the next one says whether it was the newest */
	while ((rc = sdx__stmt_step(&s)) == 1) {
		if ((err = row_info(&next, &s)) < 0)
			break;
		if (have) {
			info.latest = strcmp(info.kind, next.kind) != 0 ||
				      strcmp(info.name, next.name) != 0;
			if ((err = cb(ctx, &info)) != 0)
				break;
		}
		info = next;
		have = 1;
	}
	if (!err && rc < 0)
		err = rc;
	if (!err && have) {
		info.latest = 1;
		err = cb(ctx, &info);
	}
	sdx__stmt_end(&s);
	return err;
}
