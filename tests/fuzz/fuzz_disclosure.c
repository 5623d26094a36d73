/*
 * tests/fuzz/fuzz_disclosure.c - disclosures and the bodies that commit to
 * them (ledger/disclosure.c).
 *
 * The input is "DISCLOSURE~DISCLOSURE~...\nBODY" (the separator of an SD-JWT
 * presentation).  Each disclosure is parsed on its own; all of them are
 * revealed against the body.  Invariants: a disclosure that parses has the
 * digest of its text and encodes a value that is canonical JSON; reveal fails
 * only with its documented codes, and what it gives holds no "_sd"; a
 * revealed body with a field concealed again and revealed with that one
 * disclosure comes back byte for byte.  Locating the same disclosures
 * (sdx_disclosure_locate()) fails exactly when revealing does, and gives each
 * a pointer and a parent among the others.
 */
#include <string.h>

#include <jansson.h>

#include "common.h"

#define MAX_DISC 16

static void check_parse(const char *text, size_t len)
{
	sdx_disclosure *d = NULL;
	char digest[SDX_DISCLOSURE_DIGEST_LEN + 1];
	int err = sdx_disclosure_parse(&d, text, len);

	FUZZ_ASSERT(err == 0 || err == SDX_EFORMAT || err == SDX_ELIMIT);
	if (err < 0) {
		FUZZ_ASSERT(d == NULL);
		return;
	}
	sdx_disclosure_digest(digest, text, len);
	FUZZ_ASSERT(strcmp(digest, sdx_disclosure_digest_of(d)) == 0);
	FUZZ_ASSERT(strlen(sdx_disclosure_text(d)) == len);
	FUZZ_ASSERT(strlen(sdx_disclosure_salt(d)) >= SDX_DISCLOSURE_SALT_MIN);
	FUZZ_ASSERT(!sdx_disclosure_name(d) || (strcmp(sdx_disclosure_name(d), "_sd") &&
						strcmp(sdx_disclosure_name(d), "...")));
	sdx_disclosure_free(d);
}

static int has_sd(const json_t *j, int depth)
{
	const char *k;
	json_t *v;
	size_t i;

	if (depth > 300)
		return 0;
	if (json_is_object(j)) {
		if (json_object_get(j, "_sd"))
			return 1;
		json_object_foreach((json_t *)j, k, v)
			if (has_sd(v, depth + 1))
				return 1;
	}
	if (json_is_array(j))
		json_array_foreach(j, i, v)
			if (has_sd(v, depth + 1))
				return 1;
	return 0;
}

/* the first member of the revealed object, concealed and revealed again */
static void check_round_trip(const char *body, size_t len)
{
	json_t *j = json_loadb(body, len, 0, NULL);
	const char *key;
	char ptr[512], *p = ptr, *c = NULL, *again = NULL;
	sdx_disclosure_list list = { 0 };
	const char *ptrs[1];
	size_t clen = 0;
	void *it;

	if (!j || !(it = json_object_iter(j)))
		goto done;
	key = json_object_iter_key(it);
	*p++ = '/';
	for (; *key && p < ptr + sizeof(ptr) - 3; key++) {
		if (*key == '~' || *key == '/') {
			*p++ = '~';
			*p++ = *key == '~' ? '0' : '1';
		} else {
			*p++ = *key;
		}
	}
	if (*key)
		goto done;
	*p = '\0';
	ptrs[0] = ptr;
	if (sdx_disclosure_conceal(&c, &clen, &list, body, len, ptrs, 1, 1) < 0)
		goto done;
	FUZZ_ASSERT(list.n == 1);
	FUZZ_ASSERT(sdx_disclosure_reveal(&again, NULL, NULL, c, clen,
					  (const char *const *)list.text, 1) == 0);
	FUZZ_ASSERT(strlen(again) == len && memcmp(again, body, len) == 0);
done:
	free(again);
	free(c);
	sdx_disclosure_list_free(&list);
	json_decref(j);
}

static void check_locate(const char *body, size_t len, const char *const *texts, size_t n,
			 int want, const sdx_disclosure_view *rv)
{
	sdx_disclosure_place *pl = NULL;
	sdx_disclosure_view v;
	int err = sdx_disclosure_locate(&pl, &v, body, len, texts, n);

	/* a pointer too long for locating is an error reveal does not have */
	if (err == SDX_ELIMIT) {
		FUZZ_ASSERT(pl == NULL);
		return;
	}
	FUZZ_ASSERT(err == want);
	if (err < 0) {
		FUZZ_ASSERT(pl == NULL);
		return;
	}
	FUZZ_ASSERT(v.disclosed == rv->disclosed && v.withheld == rv->withheld);
	for (size_t i = 0; i < n; i++) {
		FUZZ_ASSERT(pl[i].pointer && pl[i].pointer[0] == '/');
		FUZZ_ASSERT(pl[i].parent >= -1 && pl[i].parent < (long)n && pl[i].parent != (long)i);
		if (pl[i].parent >= 0)
			FUZZ_ASSERT(strncmp(pl[i].pointer, pl[pl[i].parent].pointer,
					    strlen(pl[pl[i].parent].pointer)) == 0);
	}
	sdx_disclosure_places_free(pl, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t head = nl ? (size_t)(nl - data) : size, n = 0;
	char *texts[MAX_DISC], *line = fuzz_strndup(data, head), *s = line, *out = NULL;
	sdx_disclosure_view v;
	size_t out_len = 0;
	int err;

	while (n < MAX_DISC) {
		char *t = strchr(s, '~');

		if (t)
			*t = '\0';
		texts[n++] = s;
		check_parse(s, strlen(s));
		if (!t)
			break;
		s = t + 1;
	}
	if (nl) {
		const char *body = (const char *)nl + 1;
		size_t blen = size - head - 1;

		err = sdx_disclosure_reveal(&out, &out_len, &v, body, blen,
					    (const char *const *)texts, head ? n : 0);
		check_locate(body, blen, (const char *const *)texts, head ? n : 0, err, &v);
		FUZZ_ASSERT(err == 0 || err == SDX_EFORMAT || err == SDX_EVERIFY ||
			    err == SDX_ELIMIT);
		if (err == 0) {
			json_t *j = json_loadb(out, out_len, 0, NULL);

			FUZZ_ASSERT(j && !has_sd(j, 0));
			json_decref(j);
			/* an element {"...": x} of the revealed body would read as withheld */
			if (!strstr(out, "\"...\""))
				check_round_trip(out, out_len);
		} else {
			FUZZ_ASSERT(out == NULL);
		}
		free(out);
	}
	free(line);
	return 0;
}
