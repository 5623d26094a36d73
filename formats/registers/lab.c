/*
 * formats/registers/lab.c - the lab register object of sdx/lab.h: read from
 * a file, stored in and merged from the ledger's registers (kind "lab"),
 * and the accessors.  Reading and validation are in lab_read.c, judging in
 * lab_judge.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/registers/lab.h"
#include "ledger/internal.h"
#include "formats/text/text.h"

static int oom(void)
{
	return sdx_error_set(SDX_ENOMEM, "out of memory");
}

static const char *member(const json_t *lab, const char *k)
{
	return json_string_value(json_object_get(lab, k));
}

/* A scope array as a NULL-terminated array of borrowed strings; NULL when out of memory. */
static const char **strings(const json_t *list, size_t *n)
{
	const char **v;
	json_t *s;
	size_t i;

	*n = json_array_size(list);
	if (!(v = calloc(*n + 1, sizeof(*v))))
		return NULL;
	json_array_foreach(list, i, s)
		v[i] = json_string_value(s);
	return v;
}

int sdx__lab_add_source(sdx_lab_register *r, json_t *doc, const char *name, uint64_t version,
			const unsigned char sha[32])
{
	const json_t *labs = json_object_get(doc, "labs"), *lab;
	struct lab_source **srcs, *src;
	sdx_lab_entry *e;
	char (*key)[LAB_KEY_MAX];
	size_t i, n = json_array_size(labs);

	if (!(srcs = realloc(r->src, (r->nsrc + 1) * sizeof(*srcs))) ||
	    !(src = calloc(1, sizeof(*src)))) {
		if (srcs)
			r->src = srcs;
		json_decref(doc);
		return oom();
	}
	r->src = srcs;
	r->src[r->nsrc++] = src;
	sdx__text_put(src->name, sizeof(src->name), "%s", name);
	src->version = version;
	memcpy(src->sha, sha, 32);
	sdx__hex(src->sha256, sha, 32);
	src->doc = doc;
	if (!(e = realloc(r->e, (r->n + n + 1) * sizeof(*e))))
		return oom();
	r->e = e;
	if (!(key = realloc(r->key, (r->n + n + 1) * sizeof(*key))))
		return oom();
	r->key = key;
	json_array_foreach(labs, i, lab) {
		e = &r->e[r->n];
		memset(e, 0, sizeof(*e));
		e->body = member(lab, "body");
		e->number = member(lab, "number");
		e->lab_name = member(lab, "lab_name");
		e->country = member(lab, "country");
		e->valid_from = member(lab, "valid_from");
		e->valid_until = member(lab, "valid_until");
		e->status = member(lab, "status");
		e->suspended_from = member(lab, "suspended_from");
		e->note = member(lab, "note");
		e->register_name = src->name;
		e->register_version = version;
		e->register_sha256 = src->sha256;
		/* the entry counts once both its lists exist, so free() finds what it owns */
		if (!(e->scope_standards = strings(json_object_get(lab, "scope_standards"),
						   &e->n_scope_standards)) ||
		    !(e->scope_items = strings(json_object_get(lab, "scope_items"),
					       &e->n_scope_items))) {
			free((void *)e->scope_standards);
			return oom();
		}
		sdx__lab_key(r->key[r->n], e->body, e->number);
		r->n++;
	}
	return 0;
}

/* "dir/example-register.csv" -> "example-register" */
static void base_name(char *out, size_t cap, const char *path)
{
	const char *b = strrchr(path, '/'), *dot;
	size_t n;

	b = b ? b + 1 : path;
	dot = strrchr(b, '.');
	n = dot && dot > b ? (size_t)(dot - b) : strlen(b);
	sdx__text_put(out, cap, "%.*s", (int)n, b);
}

static int new_register(sdx_lab_register **out)
{
	if (!(*out = calloc(1, sizeof(**out))))
		return oom();
	return 0;
}

int sdx_lab_register_read(sdx_lab_register **out, const char *path)
{
	sdx_lab_register *r = NULL;
	char name[SDX_REGISTER_NAME_MAX + 1];
	unsigned char sha[32];
	json_t *doc = NULL;
	int err;

	*out = NULL;
	if ((err = sdx__lab_read_file(&doc, sha, path)) < 0)
		return err;
	base_name(name, sizeof(name), path);
	if ((err = new_register(&r)) < 0) {
		json_decref(doc);
		return err;
	}
	if ((err = sdx__lab_add_source(r, doc, name, 0, sha)) < 0 ||
	    (err = sdx__json_dump(&r->json, &r->json_len, r->src[0]->doc)) < 0) {
		sdx_lab_register_free(r);
		return err;
	}
	*out = r;
	return 0;
}

/* The names of the ledger's lab registers, to read the newest version of each. */
struct names {
	char (*v)[SDX_REGISTER_NAME_MAX + 1];
	size_t n;
};

static int note_latest(void *ctx, const sdx_register_info *info)
{
	struct names *names = ctx;
	char (*v)[SDX_REGISTER_NAME_MAX + 1];

	if (!info->latest)
		return 0;
	if (!(v = realloc(names->v, (names->n + 1) * sizeof(*v))))
		return oom();
	names->v = v;
	memcpy(v[names->n++], info->name, sizeof(*v));
	return 0;
}

int sdx_lab_register_from_ledger(sdx_lab_register **out, sdx_ledger *l)
{
	struct names names = { NULL, 0 };
	sdx_lab_register *r = NULL;
	sdx_register_info info;
	char *body = NULL, what[SDX_REGISTER_NAME_MAX + 4200];
	size_t len = 0, i;
	json_t *doc = NULL;
	int err;

	*out = NULL;
	if ((err = new_register(&r)) < 0 ||
	    (err = sdx_ledger_register_list(l, SDX_LAB_REGISTER_KIND, note_latest, &names)) < 0)
		goto done;
	for (i = 0; i < names.n; i++) {
		if ((err = sdx_ledger_register_latest(&body, &len, &info, l, SDX_LAB_REGISTER_KIND,
						      names.v[i])) < 0)
			goto done;
		sdx__text_put(what, sizeof(what), "'%s': lab register '%s' version %llu",
			 sdx_ledger_path(l), info.name, (unsigned long long)info.version);
		if ((err = sdx__lab_parse_stored(&doc, body, len, what)) < 0 ||
		    (err = sdx__lab_add_source(r, doc, info.name, info.version,
					       info.source_sha256)) < 0)
			goto done;
		free(body);
		body = NULL;
	}
done:
	free(body);
	free(names.v);
	if (err < 0) {
		sdx_lab_register_free(r);
		return err;
	}
	*out = r;
	return 0;
}

int sdx_lab_register_store(sdx_register_info *out, sdx_ledger *l, const sdx_lab_register *r,
			   const char *name)
{
	if (!r || !r->json || r->nsrc != 1)
		return sdx_error_set(SDX_EINVAL, "only a lab register read from a file can be "
				     "stored");
	return sdx_ledger_register_put(out, l, SDX_LAB_REGISTER_KIND, name ? name : r->src[0]->name,
				       r->src[0]->sha, r->json, r->json_len);
}

size_t sdx_lab_register_count(const sdx_lab_register *r)
{
	return r ? r->n : 0;
}

const sdx_lab_entry *sdx_lab_register_entry(const sdx_lab_register *r, size_t i)
{
	return r && i < r->n ? &r->e[i] : NULL;
}

const char *sdx_lab_register_json(const sdx_lab_register *r, size_t *len)
{
	if (len)
		*len = r && r->json ? r->json_len : 0;
	return r ? r->json : NULL;
}

void sdx_lab_register_free(sdx_lab_register *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->n; i++) {
		free((void *)r->e[i].scope_standards);
		free((void *)r->e[i].scope_items);
	}
	for (i = 0; i < r->nsrc; i++) {
		json_decref(r->src[i]->doc);
		free(r->src[i]);
	}
	free(r->e);
	free(r->key);
	free(r->src);
	free(r->json);
	free(r);
}
