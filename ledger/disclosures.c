/*
 * ledger/disclosures.c - the disclosures a ledger holds of its entries'
 * concealed fields (table disclosures, ledger format 13; sdx/disclosure.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ledger/db.h"
#include "ledger/internal.h"
#include "ledger/store.h"
#include "ledger/verify.h"
#include "sdx/disclosure.h"
#include "sdx/imported.h"

/* The body of a payload, canonical as signed, into *out. */
static int payload_body(char **out, size_t *len, const char *path, const char *what,
			const char *payload, size_t plen)
{
	json_t *j = NULL, *body;
	int err;

	if ((err = sdx__json_parse(&j, payload, plen, 64, what)) < 0)
		return err;
	if (!json_is_object(body = json_object_get(j, "body")))
		err = sdx_error_set(SDX_EFORMAT, "'%s': %s has no body", path, what);
	else
		err = sdx__json_dump(out, len, body);
	json_decref(j);
	return err;
}

struct foreign_body {
	char **out;
	size_t *len;
	const char *path, *what;
	int err;
};

static int foreign_body_cb(void *ctx, const sdx_foreign_entry *fe)
{
	struct foreign_body *f = ctx;
	sdx_entry tmp;
	char *payload = NULL;
	size_t plen = 0;

	memset(&tmp, 0, sizeof(tmp));
	tmp.data = (unsigned char *)fe->data;
	tmp.len = fe->len;
	if ((f->err = sdx_entry_payload(&payload, &plen, &tmp)) == 0)
		f->err = payload_body(f->out, f->len, f->path, f->what, payload, plen);
	free(payload);
	return 0;
}

/* The signed body of entry `index` of `origin` (NULL: own), canonical as signed, into *out. */
static int entry_body(char **out, size_t *len, sdx_ledger *l, const char *origin, uint64_t index)
{
	sdx_entry *e = NULL;
	char *payload = NULL, what[SDX_NAME_MAX + 48];
	size_t plen = 0;
	int err;

	*out = NULL;
	if (origin) {
		struct foreign_body f = { out, len, l->path, what, 0 };

		snprintf(what, sizeof(what), "imported entry %s/%llu", origin,
			 (unsigned long long)index);
		if ((err = sdx_ledger_foreign_get(l, origin, index, foreign_body_cb, &f)) < 0)
			return err;
		return f.err;
	}
	snprintf(what, sizeof(what), "entry %llu", (unsigned long long)index);
	if ((err = sdx_ledger_entry(&e, l, index)) == 0 &&
	    (err = sdx_entry_payload(&payload, &plen, e)) == 0)
		err = payload_body(out, len, l->path, what, payload, plen);
	free(payload);
	sdx_entry_free(e);
	return err;
}

static int has_table(sdx_ledger *l)
{
	return l->format >= 13;
}

/* Reveal `body` with texts[0..n), naming entry `index` in an error. */
static int reveal_named(char **out, size_t *out_len, sdx_disclosure_view *view, sdx_ledger *l,
			const char *origin, uint64_t index, const char *body, size_t len,
			const char *const *texts, size_t n)
{
	int err = sdx_disclosure_reveal(out, out_len, view, body, len, texts, n);

	if (err < 0) {
		char why[512];

		snprintf(why, sizeof(why), "%s", sdx_error_last());
		sdx_error_set(err, "'%s': %s%s%s%llu: %s", l->path, origin ? "imported entry " : "entry ",
			      origin ? origin : "", origin ? "/" : "", (unsigned long long)index, why);
	}
	return err;
}

static int disclosure_add(sdx_ledger *l, const char *origin, uint64_t index, const char *text)
{
	char *body = NULL, *out = NULL;
	size_t len = 0;
	sdx_disclosure *d = NULL;
	int err;

	if (!has_table(l))
		return sdx_error_set(SDX_EINVAL, "'%s': ledger format %d holds no disclosures",
				     l->path, l->format);
	if ((err = sdx_disclosure_parse(&d, text, strlen(text))) < 0 ||
	    (err = entry_body(&body, &len, l, origin, index)) < 0 ||
	    (err = reveal_named(&out, NULL, NULL, l, origin, index, body, len, &text, 1)) < 0)
		goto done;
	err = sdx__db_run(l, NULL, "storing a disclosure", "INSERT OR IGNORE INTO disclosures"
			  "(origin, idx, digest, text) VALUES(?, ?, ?, ?)",
			  SDX__TEXT(origin ? origin : l->origin),
			  SDX__INT(index), SDX__TEXT(sdx_disclosure_digest_of(d)), SDX__TEXT(text));
	if (err > 0)
		err = 0;
done:
	sdx_disclosure_free(d);
	free(body);
	free(out);
	return err;
}

int sdx_ledger_disclosure_add(sdx_ledger *l, uint64_t index, const char *text)
{
	return disclosure_add(l, NULL, index, text);
}

int sdx_ledger_foreign_disclosure_add(sdx_ledger *l, const char *origin, uint64_t index,
				      const char *text)
{
	if (!origin || !strcmp(origin, l->origin))
		return sdx_error_set(SDX_EINVAL, "'%s': %s is this ledger's own origin", l->path,
				     origin ? origin : "(none)");
	return disclosure_add(l, origin, index, text);
}

int sdx_ledger_decoy_add(sdx_ledger *l, uint64_t index, const char *digest)
{
	int err;

	if (!has_table(l))
		return sdx_error_set(SDX_EINVAL, "'%s': ledger format %d holds no disclosures",
				     l->path, l->format);
	if (strlen(digest) != SDX_DISCLOSURE_DIGEST_LEN)
		return sdx_error_set(SDX_EINVAL, "'%s': not a digest", digest);
	err = sdx__db_run(l, NULL, "storing a decoy", "INSERT OR IGNORE INTO disclosures"
			  "(origin, idx, digest, text) VALUES(?, ?, ?, '')", SDX__TEXT(l->origin),
			  SDX__INT(index), SDX__TEXT(digest));
	return err > 0 ? 0 : err;
}

int sdx__ledger_holds_disclosures(sdx_ledger *l)
{
	struct sdx__stmt s;
	int err, rc;

	if (!has_table(l))
		return 0;
	if ((err = sdx__stmt(&s, l, NULL, "reading disclosures", "SELECT 1 FROM disclosures "
			     "WHERE origin = ? AND text <> '' LIMIT 1", SDX__TEXT(l->origin))) < 0)
		return err;
	rc = sdx__stmt_step(&s);
	sdx__stmt_end(&s);
	return rc;
}

/* How many decoys of own entry `index` the ledger knows of. */
static int decoys_of(uint64_t *out, sdx_ledger *l, uint64_t index)
{
	struct sdx__stmt s;
	int err, rc;

	*out = 0;
	if (!has_table(l))
		return 0;
	if ((err = sdx__stmt(&s, l, NULL, "reading decoys", "SELECT count(*) FROM disclosures "
			     "WHERE origin = ? AND idx = ? AND text = ''", SDX__TEXT(l->origin),
			     SDX__INT(index))) < 0)
		return err;
	if ((rc = sdx__stmt_step(&s)) == 1)
		*out = (uint64_t)sqlite3_column_int64(s.st, 0);
	sdx__stmt_end(&s);
	return rc < 0 ? rc : 0;
}

static int foreach_disclosure(sdx_ledger *l, const char *origin, uint64_t index,
			      sdx_disclosure_cb cb, void *ctx)
{
	struct sdx__stmt s;
	int err, rc;

	if (!has_table(l))
		return 0;
	if ((err = sdx__stmt(&s, l, NULL, "reading disclosures", "SELECT digest, text FROM "
			     "disclosures WHERE origin = ? AND idx = ? AND text <> '' ORDER BY digest",
			     SDX__TEXT(origin ? origin : l->origin), SDX__INT(index))) < 0)
		return err;
	while ((rc = sdx__stmt_step(&s)) == 1) {
		if ((err = cb(ctx, index, (const char *)sqlite3_column_text(s.st, 0),
			      (const char *)sqlite3_column_text(s.st, 1))) != 0)
			break;
	}
	if (rc < 0)
		err = rc;
	sdx__stmt_end(&s);
	return err;
}

int sdx_ledger_foreach_disclosure(sdx_ledger *l, uint64_t index, sdx_disclosure_cb cb, void *ctx)
{
	return foreach_disclosure(l, NULL, index, cb, ctx);
}

int sdx_ledger_foreach_foreign_disclosure(sdx_ledger *l, const char *origin, uint64_t index,
					  sdx_disclosure_cb cb, void *ctx)
{
	return foreach_disclosure(l, origin, index, cb, ctx);
}

struct texts {
	char **v;
	size_t n;
};

static int collect(void *ctx, uint64_t index, const char *digest, const char *text)
{
	struct texts *t = ctx;
	char **v;

	(void)index;
	(void)digest;
	if (t->n >= SDX_DISCLOSURE_COUNT_MAX)
		return sdx_error_set(SDX_ELIMIT, "more than %d disclosures of one entry",
				     SDX_DISCLOSURE_COUNT_MAX);
	if (!(v = realloc(t->v, (t->n + 1) * sizeof(*v))) || !(v[t->n] = strdup(text))) {
		if (v)
			t->v = v;
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	}
	t->v = v;
	t->n++;
	return 0;
}

static void texts_free(struct texts *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i]);
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

static int entry_revealed(char **out, size_t *out_len, sdx_disclosure_view *view,
			  sdx_ledger *l, const char *origin, uint64_t index)
{
	struct texts t = { 0 };
	char *body = NULL;
	size_t len = 0;
	int err;

	*out = NULL;
	if ((err = entry_body(&body, &len, l, origin, index)) < 0 ||
	    (err = foreach_disclosure(l, origin, index, collect, &t)) < 0)
		goto done;
	if ((err = reveal_named(out, out_len, view, l, origin, index, body, len,
				(const char *const *)t.v, t.n)) < 0)
		goto done;
	if (view && !origin) {
		uint64_t d = 0;

		if ((err = decoys_of(&d, l, index)) < 0) {
			free(*out);
			*out = NULL;
			goto done;
		}
		view->withheld -= d < view->withheld ? (size_t)d : view->withheld;
	}
done:
	texts_free(&t);
	free(body);
	return err;
}

int sdx_ledger_entry_revealed(char **out, size_t *out_len, sdx_disclosure_view *view,
			      sdx_ledger *l, uint64_t index)
{
	return entry_revealed(out, out_len, view, l, NULL, index);
}

int sdx_ledger_foreign_entry_revealed(char **out, size_t *out_len, sdx_disclosure_view *view,
				      sdx_ledger *l, const char *origin, uint64_t index)
{
	if (!origin || !strcmp(origin, l->origin))
		return entry_revealed(out, out_len, view, l, NULL, index);
	return entry_revealed(out, out_len, view, l, origin, index);
}

/* The own entry's decoys (an imported one has none: they never travel). */
static int collect_decoys(struct texts *t, sdx_ledger *l, uint64_t index)
{
	struct sdx__stmt s;
	int err, rc;

	if (!has_table(l))
		return 0;
	if ((err = sdx__stmt(&s, l, NULL, "reading decoys", "SELECT digest FROM disclosures "
			     "WHERE origin = ? AND idx = ? AND text = '' ORDER BY digest",
			     SDX__TEXT(l->origin), SDX__INT(index))) < 0)
		return err;
	while ((rc = sdx__stmt_step(&s)) == 1)
		if ((err = collect(t, index, NULL, (const char *)sqlite3_column_text(s.st, 0))) < 0)
			break;
	if (rc < 0)
		err = rc;
	sdx__stmt_end(&s);
	return err;
}

int sdx__ledger_entry_revealed_marked(char **out, size_t *out_len, sdx_disclosure_view *view,
				      sdx_ledger *l, const char *origin, uint64_t index)
{
	struct texts t = { 0 }, d = { 0 };
	char *body = NULL;
	size_t len = 0;
	int err;

	*out = NULL;
	if (origin && !strcmp(origin, l->origin))
		origin = NULL;
	if ((err = entry_body(&body, &len, l, origin, index)) < 0 ||
	    (err = foreach_disclosure(l, origin, index, collect, &t)) < 0 ||
	    (!origin && (err = collect_decoys(&d, l, index)) < 0))
		goto done;
	if ((err = sdx__disclosure_reveal_marked(out, out_len, view, body, len,
						 (const char *const *)t.v, t.n,
						 (const char *const *)d.v, d.n)) < 0) {
		char why[512];

		snprintf(why, sizeof(why), "%s", sdx_error_last());
		sdx_error_set(err, "'%s': %s%s%s%llu: %s", l->path,
			      origin ? "imported entry " : "entry ", origin ? origin : "",
			      origin ? "/" : "", (unsigned long long)index, why);
	}
done:
	texts_free(&t);
	texts_free(&d);
	free(body);
	return err;
}

/* verify: every entry with disclosures, own and imported, revealed with all of them */
int sdx__verify_disclosures(sdx_ledger *l, uint64_t *checked)
{
	struct sdx__stmt s;
	int err = 0, rc;

	*checked = 0;
	if (!has_table(l))
		return 0;
	if ((err = sdx__stmt(&s, l, NULL, "reading disclosures", "SELECT DISTINCT origin, idx FROM "
			     "disclosures WHERE text <> '' ORDER BY origin, idx")) < 0)
		return err;
	while ((rc = sdx__stmt_step(&s)) == 1) {
		const char *origin = (const char *)sqlite3_column_text(s.st, 0);
		uint64_t idx = (uint64_t)sqlite3_column_int64(s.st, 1);
		sdx_disclosure_view v;
		char *out = NULL;

		err = entry_revealed(&out, NULL, &v, l, strcmp(origin, l->origin) ? origin : NULL, idx);
		free(out);
		if (err < 0) {
			if (err != SDX_ENOMEM) {
				char why[600];

				snprintf(why, sizeof(why), "%s", sdx_error_last());
				err = sdx_error_set(SDX_EVERIFY, "%s", why);
			}
			break;
		}
		*checked += v.disclosed;
	}
	if (rc < 0)
		err = rc;
	sdx__stmt_end(&s);
	return err;
}
