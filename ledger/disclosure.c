/*
 * ledger/disclosure.c - salted SHA-256 commitments to record
 * fields and their disclosures (formats/disclosure.md, after RFC 9901
 * section 4.2 and the verification steps of its section 7.1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "ledger/internal.h"
#include "sdx/disclosure.h"
#include "sdx/error.h"

#define DEPTH_MAX 64      /* JSON nesting of a body or a disclosure */
#define POINTER_MAX 1024  /* longest JSON pointer */

struct sdx_disclosure {
	char *text;
	char digest[SDX_DISCLOSURE_DIGEST_LEN + 1];
	char *salt;
	char *name;    /* NULL: an array element */
	char *value;   /* canonical JSON */
	json_t *json;  /* the value */
};

void sdx_disclosure_digest(char out[SDX_DISCLOSURE_DIGEST_LEN + 1], const char *text, size_t len)
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)text, len);
	sodium_bin2base64(out, SDX_DISCLOSURE_DIGEST_LEN + 1, h, sizeof(h),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void sdx_disclosure_free(sdx_disclosure *d)
{
	if (!d)
		return;
	free(d->text);
	free(d->salt);
	free(d->name);
	free(d->value);
	json_decref(d->json);
	free(d);
}

const char *sdx_disclosure_text(const sdx_disclosure *d) { return d->text; }
const char *sdx_disclosure_digest_of(const sdx_disclosure *d) { return d->digest; }
const char *sdx_disclosure_salt(const sdx_disclosure *d) { return d->salt; }
const char *sdx_disclosure_name(const sdx_disclosure *d) { return d->name; }
const char *sdx_disclosure_value(const sdx_disclosure *d) { return d->value; }

static int is_b64url(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

/* The output is valid only when 0 is returned: a disclosure whose text
 * decodes, re-encodes to the same text and holds a well-formed array. */
int sdx_disclosure_parse(sdx_disclosure **out, const char *text, size_t len)
{
	sdx_disclosure *d = NULL;
	unsigned char *raw = NULL;
	char *again = NULL;
	json_t *arr = NULL;
	size_t raw_len = 0, n;
	const json_t *salt, *name = NULL;
	int err;

	*out = NULL;
	if (len > SDX_DISCLOSURE_MAX)
		return sdx_error_set(SDX_ELIMIT, "disclosure longer than %d characters",
				     SDX_DISCLOSURE_MAX);
	if (len == 0 || len % 4 == 1 || !is_b64url(text, len))
		return sdx_error_set(SDX_EFORMAT, "disclosure is not base64url without padding");
	raw = malloc(len / 4 * 3 + 3);
	again = malloc(len + 4);
	if (!raw || !again) {
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
		goto done;
	}
	if (sodium_base642bin(raw, len / 4 * 3 + 3, text, len, NULL, &raw_len, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
		err = sdx_error_set(SDX_EFORMAT, "disclosure is not base64url without padding");
		goto done;
	}
	/* one text per byte string: unused low bits must be zero */
	sodium_bin2base64(again, len + 4, raw, raw_len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	if (strlen(again) != len || memcmp(again, text, len) != 0) {
		err = sdx_error_set(SDX_EFORMAT, "disclosure is not canonical base64url");
		goto done;
	}
	if ((err = sdx__json_parse(&arr, (const char *)raw, raw_len, DEPTH_MAX, "disclosure")) < 0)
		goto done;
	n = json_is_array(arr) ? json_array_size(arr) : 0;
	if (n != 2 && n != 3) {
		err = sdx_error_set(SDX_EFORMAT,
				    "disclosure is not a JSON array [salt, name, value] or [salt, value]");
		goto done;
	}
	salt = json_array_get(arr, 0);
	if (!json_is_string(salt) || json_string_length(salt) < SDX_DISCLOSURE_SALT_MIN) {
		err = sdx_error_set(SDX_EFORMAT,
				    "disclosure's salt is not a string of at least %d characters",
				    SDX_DISCLOSURE_SALT_MIN);
		goto done;
	}
	if (n == 3) {
		name = json_array_get(arr, 1);
		if (!json_is_string(name)) {
			err = sdx_error_set(SDX_EFORMAT, "disclosure's claim name is not a string");
			goto done;
		}
		if (!strcmp(json_string_value(name), "_sd") ||
		    !strcmp(json_string_value(name), "...")) {
			err = sdx_error_set(SDX_EFORMAT, "disclosure's claim name '%s' is reserved",
					    json_string_value(name));
			goto done;
		}
	}
	if (!(d = calloc(1, sizeof(*d)))) {
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
		goto done;
	}
	d->json = json_incref(json_array_get(arr, n - 1));
	if (!(d->text = strndup(text, len)) || !(d->salt = strdup(json_string_value(salt))) ||
	    (name && !(d->name = strdup(json_string_value(name))))) {
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
		goto done;
	}
	if ((err = sdx__json_dump(&d->value, NULL, d->json)) < 0)
		goto done;
	sdx_disclosure_digest(d->digest, text, len);
	*out = d;
	d = NULL;
	err = 0;
done:
	sdx_disclosure_free(d);
	json_decref(arr);
	free(raw);
	free(again);
	return err;
}

void sdx_disclosure_list_free(sdx_disclosure_list *list)
{
	if (!list)
		return;
	for (size_t i = 0; i < list->n; i++)
		free(list->text[i]);
	free(list->text);
	free(list->decoys);
	list->text = NULL;
	list->n = 0;
	list->decoys = NULL;
	list->ndecoys = 0;
}

/* --- concealing ----------------------------------------------------------- */

/* The next reference token of pointer p (RFC 6901: "~1" is '/', "~0" is '~')
 * into tok; *p moves past it.  -1 on a bad escape or an overlong token. */
static int next_token(char *tok, size_t cap, const char **p)
{
	const char *s = *p + 1; /* past '/' */
	size_t n = 0;

	for (; *s && *s != '/'; s++) {
		char c = *s;

		if (c == '~') {
			if (s[1] == '0')
				c = '~';
			else if (s[1] == '1')
				c = '/';
			else
				return -1;
			s++;
		}
		if (n + 1 >= cap)
			return -1;
		tok[n++] = c;
	}
	tok[n] = '\0';
	*p = s;
	return 0;
}

/* An array index token: digits, no leading zero; -1 otherwise. */
static long index_of(const char *tok)
{
	long v = 0;

	if (!*tok || (tok[0] == '0' && tok[1]) || strlen(tok) > 9)
		return -1;
	for (const char *c = tok; *c; c++) {
		if (*c < '0' || *c > '9')
			return -1;
		v = v * 10 + (*c - '0');
	}
	return v;
}

/* A text of base64url of SDX_DISCLOSURE_SALT_BYTES random bytes into out. */
static void fresh_salt(char out[32])
{
	unsigned char r[SDX_DISCLOSURE_SALT_BYTES];

	randombytes_buf(r, sizeof(r));
	sodium_bin2base64(out, 32, r, sizeof(r), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(r, sizeof(r));
}

/* Base64url of a JSON array (canonical dump) into *out, malloc'd. */
static int encode_disclosure(char **out, json_t *arr)
{
	char *s = NULL;
	size_t n = 0, cap;
	int err;

	if ((err = sdx__json_dump(&s, &n, arr)) < 0)
		return err;
	cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	if (cap - 1 > SDX_DISCLOSURE_MAX) {
		free(s);
		return sdx_error_set(SDX_ELIMIT, "a concealed value makes a disclosure longer than "
				     "%d characters", SDX_DISCLOSURE_MAX);
	}
	if (!(*out = malloc(cap))) {
		free(s);
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	}
	sodium_bin2base64(*out, cap, (const unsigned char *)s, n,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	free(s);
	return 0;
}

static int sd_append(json_t *obj, const char *digest)
{
	json_t *sd = json_object_get(obj, "_sd");

	if (!sd) {
		if (!(sd = json_array()) || json_object_set_new(obj, "_sd", sd) < 0)
			return sdx_error_set(SDX_ENOMEM, "out of memory");
	}
	if (!json_is_array(sd))
		return sdx_error_set(SDX_EFORMAT, "the body's \"_sd\" is not an array");
	if (json_array_append_new(sd, json_string(digest)) < 0)
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	return 0;
}

static int cmp_json_str(const void *a, const void *b)
{
	return strcmp(json_string_value(*(json_t *const *)a), json_string_value(*(json_t *const *)b));
}

/* Add `decoys` random digests to obj's "_sd" (noted in list) and sort it. */
static int finish_sd(json_t *obj, unsigned decoys, sdx_disclosure_list *list)
{
	json_t *sd = json_object_get(obj, "_sd");
	json_t **v;
	size_t n;

	for (unsigned i = 0; i < decoys; i++) {
		unsigned char r[32];
		char d[SDX_DISCLOSURE_DIGEST_LEN + 1];
		int err;

		randombytes_buf(r, sizeof(r));
		crypto_hash_sha256(r, r, sizeof(r));
		sodium_bin2base64(d, sizeof(d), r, sizeof(r),
				  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
		if ((err = sd_append(obj, d)) < 0)
			return err;
		memcpy(list->decoys[list->ndecoys++], d, sizeof(d));
		sd = json_object_get(obj, "_sd");
	}
	n = json_array_size(sd);
	if (!(v = malloc((n ? n : 1) * sizeof(*v))))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		v[i] = json_incref(json_array_get(sd, i));
		if (!json_is_string(v[i])) {
			for (size_t k = 0; k <= i; k++)
				json_decref(v[k]);
			free(v);
			return sdx_error_set(SDX_EFORMAT, "the body's \"_sd\" holds a non-string");
		}
	}
	qsort(v, n, sizeof(*v), cmp_json_str);
	json_array_clear(sd);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(sd, v[i]);
	free(v);
	return 0;
}

/* Conceal the one field `pointer` names; *obj_touched gets the object whose
 * "_sd" grew (NULL for an array element). */
static int conceal_one(char **text, json_t **obj_touched, json_t *root, const char *pointer)
{
	char tok[POINTER_MAX + 1];
	const char *p = pointer;
	json_t *parent = NULL, *node = root, *arr = NULL, *value;
	char salt[32], digest[SDX_DISCLOSURE_DIGEST_LEN + 1];
	long idx = -1;
	int err;

	*obj_touched = NULL;
	if (strlen(pointer) > POINTER_MAX || pointer[0] != '/')
		return sdx_error_set(SDX_EFORMAT, "'%s': not a JSON pointer to a field (\"/a/0/b\")",
				     pointer);
	while (*p) {
		if (next_token(tok, sizeof(tok), &p) < 0)
			return sdx_error_set(SDX_EFORMAT, "'%s': bad JSON pointer", pointer);
		parent = node;
		if (json_is_object(node)) {
			if (!strcmp(tok, "_sd") || !strcmp(tok, "..."))
				return sdx_error_set(SDX_EFORMAT, "'%s': cannot conceal \"%s\"",
						     pointer, tok);
			node = json_object_get(node, tok);
		} else if (json_is_array(node)) {
			idx = index_of(tok);
			node = idx < 0 ? NULL : json_array_get(node, (size_t)idx);
		} else {
			node = NULL;
		}
		if (!node)
			return sdx_error_set(SDX_ENOTFOUND, "'%s': no such field in the record",
					     pointer);
	}
	if (!parent)
		return sdx_error_set(SDX_EFORMAT, "'%s': cannot conceal the whole record", pointer);
	fresh_salt(salt);
	value = json_incref(node);
	if (json_is_object(parent))
		arr = json_pack("[s,s,O]", salt, tok, value);
	else
		arr = json_pack("[s,O]", salt, value);
	json_decref(value);
	if (!arr)
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	err = encode_disclosure(text, arr);
	json_decref(arr);
	if (err < 0)
		return err;
	sdx_disclosure_digest(digest, *text, strlen(*text));
	if (json_is_object(parent)) {
		json_object_del(parent, tok);
		if ((err = sd_append(parent, digest)) < 0)
			return err;
		*obj_touched = parent;
	} else {
		json_t *e = json_pack("{s:s}", "...", digest);

		if (!e || json_array_set_new(parent, (size_t)idx, e) < 0)
			return sdx_error_set(SDX_ENOMEM, "out of memory");
	}
	return 0;
}

int sdx_disclosure_conceal(char **body_out, size_t *body_len, sdx_disclosure_list *list,
			   const char *body, size_t len, const char *const *pointers, size_t n,
			   unsigned decoys)
{
	json_t *root = NULL, **touched = NULL;
	size_t nt = 0;
	int err;

	*body_out = NULL;
	list->text = NULL;
	list->n = 0;
	list->decoys = NULL;
	list->ndecoys = 0;
	if (n > SDX_DISCLOSURE_COUNT_MAX || decoys > SDX_DISCLOSURE_COUNT_MAX)
		return sdx_error_set(SDX_ELIMIT, "more than %d concealed fields or decoys",
				     SDX_DISCLOSURE_COUNT_MAX);
	if ((err = sdx__json_parse(&root, body, len, DEPTH_MAX, "record body")) < 0)
		return err;
	if (!json_is_object(root)) {
		err = sdx_error_set(SDX_EFORMAT, "record body is not a JSON object");
		goto done;
	}
	list->text = calloc(n ? n : 1, sizeof(*list->text));
	touched = calloc(n ? n : 1, sizeof(*touched));
	/* at most one "_sd" touched per pointer, each given `decoys` once */
	list->decoys = calloc(n && decoys ? n * decoys : 1, sizeof(*list->decoys));
	if (!list->text || !touched || !list->decoys) {
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		json_t *obj;
		size_t k;
		int first;

		list->n = i + 1;
		if ((err = conceal_one(&list->text[i], &obj, root, pointers[i])) < 0)
			goto done;
		if (!obj)
			continue;
		for (k = 0; k < nt && touched[k] != obj; k++)
			;
		first = k == nt;
		if (first) /* held: a later pointer may take it out of the tree */
			touched[nt++] = json_incref(obj);
		/* sorted, and given its decoys once, now: a later pointer may
		 * conceal this object, and its disclosure must hold the final form */
		if ((err = finish_sd(obj, first ? decoys : 0, list)) < 0)
			goto done;
	}
	err = sdx__json_dump(body_out, body_len, root);
done:
	if (err < 0)
		sdx_disclosure_list_free(list);
	for (size_t k = 0; k < nt; k++)
		json_decref(touched[k]);
	free(touched);
	json_decref(root);
	return err;
}

/* --- revealing ------------------------------------------------------------ */

struct held {
	sdx_disclosure *d;
	size_t pos;   /* position among the texts given, for messages */
	int used;
	char *pointer;        /* locating: where its field is in the record as written */
	struct held *parent;  /* locating: the disclosure whose value holds it */
};

struct reveal {
	struct held *h;     /* sorted by digest */
	size_t n;
	sdx_disclosure_view view;
	size_t seen;        /* digests met, against SDX_DISCLOSURE_COUNT_MAX * 16 */
	int locate;         /* keep each disclosure's pointer and parent */
	char path[POINTER_MAX + 1];  /* locating: the pointer of the node walked */
	size_t plen;
	struct held *cur;   /* locating: the disclosure whose value is walked */
	int mark;           /* leave the withheld digests in place (sdx__disclosure_reveal_marked) */
	const char *const *decoys; /* digests known to be decoys: dropped, not counted */
	size_t ndecoys;
};

/* Locating: append one reference token (RFC 6901 escaped) to the path; the
 * old length in *old. */
static int path_push(struct reveal *r, size_t *old, const char *name, size_t index)
{
	char num[24];
	const char *s = name;

	*old = r->plen;
	if (!r->locate)
		return 0;
	if (!name) {
		snprintf(num, sizeof(num), "%zu", index);
		s = num;
	}
	if (r->plen + 1 > POINTER_MAX)
		goto long_;
	r->path[r->plen++] = '/';
	for (; *s; s++) {
		if (r->plen + 2 > POINTER_MAX)
			goto long_;
		if (*s == '~' || (*s == '/' && name)) {
			r->path[r->plen++] = '~';
			r->path[r->plen++] = *s == '~' ? '0' : '1';
		} else {
			r->path[r->plen++] = *s;
		}
	}
	r->path[r->plen] = '\0';
	return 0;
long_:
	return sdx_error_set(SDX_ELIMIT, "a field's pointer is longer than %d characters",
			     POINTER_MAX);
}

static void path_pop(struct reveal *r, size_t old)
{
	r->plen = old;
	r->path[old] = '\0';
}

/* Locating: the disclosure h is of the field at the path (pushed). */
static int place(struct reveal *r, struct held *h)
{
	if (!r->locate)
		return 0;
	h->parent = r->cur;
	if (!(h->pointer = strdup(r->path)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	return 0;
}

static int cmp_held(const void *a, const void *b)
{
	return strcmp(((const struct held *)a)->d->digest, ((const struct held *)b)->d->digest);
}

static struct held *find(struct reveal *r, const char *digest)
{
	size_t lo = 0, hi = r->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(digest, r->h[mid].d->digest);

		if (c == 0)
			return &r->h[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static int walk(struct reveal *r, json_t *node, size_t depth, size_t *elements);

static int is_decoy(const struct reveal *r, const char *digest)
{
	for (size_t i = 0; i < r->ndecoys; i++)
		if (strcmp(r->decoys[i], digest) == 0)
			return 1;
	return 0;
}

/* A digest met in the body: its disclosure (NULL: withheld, or a known decoy
 * when *decoy is set), which it must not have been used before. */
static int meet(struct held **out, int *decoy, struct reveal *r, const char *digest)
{
	struct held *h = find(r, digest);

	*out = NULL;
	*decoy = 0;
	if (++r->seen > (size_t)SDX_DISCLOSURE_COUNT_MAX * 16)
		return sdx_error_set(SDX_ELIMIT, "record body holds more than %d digests",
				     SDX_DISCLOSURE_COUNT_MAX * 16);
	if (!h && is_decoy(r, digest)) {
		*decoy = 1;
		return 0;
	}
	if (!h) {
		r->view.withheld++;
		return 0;
	}
	if (h->used)
		return sdx_error_set(SDX_EFORMAT, "digest %s occurs more than once in the record",
				     digest);
	h->used = 1;
	r->view.disclosed++;
	*out = h;
	return 0;
}

static int walk_object(struct reveal *r, json_t *obj, size_t depth)
{
	json_t *sd = json_object_get(obj, "_sd"), *kept = NULL, *marks = NULL;
	const char *key;
	json_t *v;
	int err = 0, decoy;

	if (sd && !json_is_array(sd))
		return sdx_error_set(SDX_EFORMAT, "record's \"_sd\" is not an array");
	if (sd) {
		json_incref(sd);
		json_object_del(obj, "_sd");
	}
	for (size_t i = 0; i < json_array_size(sd); i++) {
		json_t *dj = json_array_get(sd, i);
		struct held *h;

		if (!json_is_string(dj)) {
			err = sdx_error_set(SDX_EFORMAT, "record's \"_sd\" holds a non-string");
			goto done;
		}
		if ((err = meet(&h, &decoy, r, json_string_value(dj))) < 0)
			goto done;
		/* marked: a digest without a disclosure stays, a known decoy goes */
		if (!h && r->mark && !decoy && ((!kept && !(kept = json_array())) ||
						json_array_append(kept, dj) < 0)) {
			err = sdx_error_set(SDX_ENOMEM, "out of memory");
			goto done;
		}
		if (!h)
			continue;
		if (!h->d->name) {
			err = sdx_error_set(SDX_EFORMAT, "disclosure %zu is of an array element but "
					    "its digest is a field's", h->pos + 1);
			goto done;
		}
		if (json_object_get(obj, h->d->name)) {
			err = sdx_error_set(SDX_EFORMAT, "disclosure %zu: the record already has a "
					    "field '%s'", h->pos + 1, h->d->name);
			goto done;
		}
		/* a copy: a value is walked (and changed) in place */
		if (json_object_set_new(obj, h->d->name, json_deep_copy(h->d->json)) < 0) {
			err = sdx_error_set(SDX_ENOMEM, "out of memory");
			goto done;
		}
		if (r->locate) {
			size_t old;

			if ((err = path_push(r, &old, h->d->name, 0)) < 0 ||
			    (err = place(r, h)) < 0)
				goto done;
			path_pop(r, old);
		}
	}
	/* disclosed values are walked with the rest: they may hold digests */
	json_object_foreach(obj, key, v) {
		struct held *was = r->cur;
		size_t gone = 0, old;

		if ((err = path_push(r, &old, key, 0)) < 0)
			goto done;
		if (r->locate)
			for (size_t i = 0; i < r->n; i++)
				if (r->h[i].pointer && r->h[i].parent == was && r->h[i].d->name &&
				    !strcmp(r->h[i].pointer, r->path))
					r->cur = &r->h[i];
		err = walk(r, v, depth + 1, &gone);
		r->cur = was;
		path_pop(r, old);
		if (err < 0)
			goto done;
		if (gone && ((!marks && !(marks = json_object())) ||
			     json_object_set_new(marks, key, json_integer((json_int_t)gone)) < 0)) {
			err = sdx_error_set(SDX_ENOMEM, "out of memory");
			goto done;
		}
	}
	/* marked: what stays withheld here, after the walk (it walks every member) */
	if ((kept && json_object_set(obj, "_sd", kept) < 0) ||
	    (marks && json_object_set(obj, "_withheld_elements", marks) < 0))
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
done:
	json_decref(sd);
	json_decref(kept);
	json_decref(marks);
	return err;
}

static int walk_array(struct reveal *r, json_t *arr, size_t depth, size_t *elements)
{
	size_t i = 0, at = 0, old;  /* at: the element's place in the array as signed */
	int err, decoy;

	for (; i < json_array_size(arr); at++) {
		json_t *e = json_array_get(arr, i), *dj;
		struct held *h, *was = r->cur;

		if ((err = path_push(r, &old, NULL, at)) < 0)
			return err;
		if (!json_is_object(e) || json_object_size(e) != 1 ||
		    !(dj = json_object_get(e, "..."))) {
			err = walk(r, e, depth + 1, NULL);
			path_pop(r, old);
			if (err < 0)
				return err;
			i++;
			continue;
		}
		if (!json_is_string(dj))
			return sdx_error_set(SDX_EFORMAT, "record's \"...\" is not a digest string");
		if ((err = meet(&h, &decoy, r, json_string_value(dj))) < 0)
			return err;
		if (!h) {
			path_pop(r, old);
			/* an element withheld is taken out all the same (readers index
			 * the array), and counted for the object that holds it */
			if (r->mark && !decoy && elements)
				(*elements)++;
			json_array_remove(arr, i);
			continue;
		}
		if (h->d->name)
			return sdx_error_set(SDX_EFORMAT, "disclosure %zu is of field '%s' but its "
					     "digest is an array element's", h->pos + 1, h->d->name);
		if (json_array_set_new(arr, i, json_deep_copy(h->d->json)) < 0)
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		if ((err = place(r, h)) < 0)
			return err;
		if (r->locate)
			r->cur = h;
		err = walk(r, json_array_get(arr, i), depth + 1, NULL);
		r->cur = was;
		path_pop(r, old);
		if (err < 0)
			return err;
		i++;
	}
	return 0;
}

static int walk(struct reveal *r, json_t *node, size_t depth, size_t *elements)
{
	if (depth > DEPTH_MAX * 4)
		return sdx_error_set(SDX_ELIMIT, "disclosed values nest deeper than %d levels",
				     DEPTH_MAX * 4);
	if (json_is_object(node))
		return walk_object(r, node, depth);
	if (json_is_array(node))
		return walk_array(r, node, depth, elements);
	return 0;
}

/* Reveal (and, with places, locate; with r.mark, mark): the body into
 * *body_out unless NULL. */
static int reveal_core(char **body_out, size_t *body_len, sdx_disclosure_view *view,
		       sdx_disclosure_place **places, const char *body, size_t len,
		       const char *const *texts, size_t n, struct reveal r)
{
	json_t *root = NULL;
	int err;

	if (body_out)
		*body_out = NULL;
	if (places)
		*places = NULL;
	r.locate = places != NULL;
	if (n > SDX_DISCLOSURE_COUNT_MAX)
		return sdx_error_set(SDX_ELIMIT, "more than %d disclosures for one record",
				     SDX_DISCLOSURE_COUNT_MAX);
	if (!(r.h = calloc(n ? n : 1, sizeof(*r.h))))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	for (; r.n < n; r.n++) {
		if ((err = sdx_disclosure_parse(&r.h[r.n].d, texts[r.n], strlen(texts[r.n]))) < 0) {
			char why[256];

			snprintf(why, sizeof(why), "%s", sdx_error_last());
			sdx_error_set(err, "disclosure %zu: %s", r.n + 1, why);
			goto done;
		}
		r.h[r.n].pos = r.n;
	}
	qsort(r.h, r.n, sizeof(*r.h), cmp_held);
	for (size_t i = 1; i < r.n; i++)
		if (!strcmp(r.h[i].d->digest, r.h[i - 1].d->digest)) {
			err = sdx_error_set(SDX_EFORMAT, "disclosure %zu is given twice",
					    r.h[i].pos + 1);
			goto done;
		}
	if ((err = sdx__json_parse(&root, body, len, DEPTH_MAX, "record body")) < 0)
		goto done;
	if (!json_is_object(root)) {
		err = sdx_error_set(SDX_EFORMAT, "record body is not a JSON object");
		goto done;
	}
	if ((err = walk(&r, root, 0, NULL)) < 0)
		goto done;
	for (size_t i = 0; i < r.n; i++)
		if (!r.h[i].used) {
			err = sdx_error_set(SDX_EVERIFY, "disclosure %zu (%s%s%s) matches no digest "
					    "of the record: forged, altered or of another record",
					    r.h[i].pos + 1, r.h[i].d->name ? "field '" : "an array element",
					    r.h[i].d->name ? r.h[i].d->name : "",
					    r.h[i].d->name ? "'" : "");
			goto done;
		}
	if (body_out && (err = sdx__json_dump(body_out, body_len, root)) < 0)
		goto done;
	if (view)
		*view = r.view;
	if (places) {
		if (!(*places = calloc(r.n ? r.n : 1, sizeof(**places)))) {
			err = sdx_error_set(SDX_ENOMEM, "out of memory");
			goto done;
		}
		for (size_t i = 0; i < r.n; i++) {
			sdx_disclosure_place *p = &(*places)[r.h[i].pos];

			p->pointer = r.h[i].pointer;
			r.h[i].pointer = NULL;
			p->parent = r.h[i].parent ? (long)r.h[i].parent->pos : -1;
		}
	}
done:
	for (size_t i = 0; i < r.n; i++) {
		sdx_disclosure_free(r.h[i].d);
		free(r.h[i].pointer);
	}
	free(r.h);
	json_decref(root);
	return err;
}

int sdx_disclosure_reveal(char **body_out, size_t *body_len, sdx_disclosure_view *view,
			  const char *body, size_t len, const char *const *texts, size_t n)
{
	struct reveal r = { 0 };

	return reveal_core(body_out, body_len, view, NULL, body, len, texts, n, r);
}

int sdx_disclosure_locate(sdx_disclosure_place **places, sdx_disclosure_view *view,
			  const char *body, size_t len, const char *const *texts, size_t n)
{
	struct reveal r = { 0 };

	return reveal_core(NULL, NULL, view, places, body, len, texts, n, r);
}

void sdx_disclosure_places_free(sdx_disclosure_place *places, size_t n)
{
	if (!places)
		return;
	for (size_t i = 0; i < n; i++)
		free(places[i].pointer);
	free(places);
}

int sdx__disclosure_reveal_marked(char **body_out, size_t *body_len, sdx_disclosure_view *view,
				  const char *body, size_t len, const char *const *texts,
				  size_t n, const char *const *decoys, size_t ndecoys)
{
	struct reveal r = { 0 };

	r.mark = 1;
	r.decoys = decoys;
	r.ndecoys = ndecoys;
	return reveal_core(body_out, body_len, view, NULL, body, len, texts, n, r);
}
