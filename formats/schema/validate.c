/*
 * formats/schema/validate.c - sdx__schema_validate(): walks instance
 * and compiled nodes together and stops at the first problem, named by its
 * JSON path ("claims[2].limit.value: ...").  Only reads the schema, so any
 * number of threads may validate against one schema at once.
 */
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "formats/schema/node.h"
#include "ledger/internal.h"

#define EVAL_MAX_DEPTH 256    /* nested validate() calls, so $ref cycles end */
#define PATH_CAP 384
#define BODY_CAP 512
#define MSG_CAP (PATH_CAP + BODY_CAP + 4)

struct vctx {
	char path[PATH_CAP];
	size_t plen;
	char msg[MSG_CAP];       /* "path: problem" of the last failure */
	size_t err_plen;         /* path length at that failure: deeper = more specific */
	int depth;
};

/*
 * Copy `s` for a message: at most `max` code points, control characters and
 * quotes escaped, never cutting a UTF-8 sequence.
 */
static void show_str(char *out, size_t cap, const char *s, size_t max)
{
	size_t o = 0, cps = 0;
	const unsigned char *p = (const unsigned char *)s;

	while (*p && o + 8 < cap) {
		size_t n = 1;
		if (cps == max) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		if (*p < 0x20 || *p == 0x7f || *p == '\'' || *p == '\\') {
			o += (size_t)snprintf(out + o, cap - o, "\\x%02x", *p);
			p++;
			cps++;
			continue;
		}
		if (*p >= 0xf0)
			n = 4;
		else if (*p >= 0xe0)
			n = 3;
		else if (*p >= 0xc0)
			n = 2;
		if (o + n + 4 >= cap)
			break;
		for (size_t i = 0; i < n && p[i]; i++)
			out[o++] = (char)p[i];
		p += n;
		cps++;
	}
	out[o] = '\0';
}

static void show_value(char *out, size_t cap, const json_t *v)
{
	char tmp[150];

	switch (json_typeof(v)) {
	case JSON_STRING:
		show_str(tmp, sizeof(tmp), json_string_value(v), 60);
		snprintf(out, cap, "'%s'", tmp);
		break;
	case JSON_INTEGER:
		snprintf(out, cap, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		snprintf(out, cap, "%.15g", json_real_value(v));
		break;
	case JSON_TRUE:
		snprintf(out, cap, "true");
		break;
	case JSON_FALSE:
		snprintf(out, cap, "false");
		break;
	case JSON_NULL:
		snprintf(out, cap, "null");
		break;
	case JSON_OBJECT:
		snprintf(out, cap, "an object");
		break;
	default:
		snprintf(out, cap, "an array");
		break;
	}
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static int fail(struct vctx *c, const char *fmt, ...)
{
	char body[BODY_CAP];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	if (c->plen)
		snprintf(c->msg, sizeof(c->msg), "%s: %s", c->path, body);
	else
		snprintf(c->msg, sizeof(c->msg), "%s", body);
	c->err_plen = c->plen;
	return 1;
}

static int plain_key(const char *k)
{
	if (!*k)
		return 0;
	for (; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') ||
		      (*k >= '0' && *k <= '9') || *k == '_' || *k == '-' || *k == '$'))
			return 0;
	return 1;
}

/* Path building runs for every value validated, so it avoids printf. */
static void append(struct vctx *c, const char *s, size_t n)
{
	size_t room = sizeof(c->path) - 1 - c->plen;

	if (n > room) {
		n = room;
		/* Keep whole UTF-8 sequences only. */
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(c->path + c->plen, s, n);
	c->plen += n;
	c->path[c->plen] = '\0';
}

static size_t push_key(struct vctx *c, const char *k)
{
	size_t old = c->plen;
	char shown[200];

	if (plain_key(k)) {
		if (old)
			append(c, ".", 1);
		append(c, k, strlen(k));
	} else {
		show_str(shown, sizeof(shown), k, 40);
		append(c, "['", 2);
		append(c, shown, strlen(shown));
		append(c, "']", 2);
	}
	return old;
}

static size_t push_index(struct vctx *c, size_t i)
{
	size_t old = c->plen, n = 0;
	char digits[24], out[26];

	do
		digits[n++] = (char)('0' + i % 10);
	while ((i /= 10) != 0);
	out[0] = '[';
	for (size_t k = 0; k < n; k++)
		out[1 + k] = digits[n - 1 - k];
	out[n + 1] = ']';
	append(c, out, n + 2);
	return old;
}

static void pop(struct vctx *c, size_t old)
{
	c->plen = old;
	c->path[old] = '\0';
}

static const char *got_name(const json_t *v)
{
	unsigned t = sdx__schema_type_of(v);

	for (size_t i = 0; i < SCHEMA_NTYPES; i++)
		if (t & (1u << i))
			return sdx__schema_type_names[i];
	return "?";
}

static int validate(struct vctx *c, const struct node *n, const json_t *v);

static size_t utf8_length(const char *s, size_t bytes)
{
	size_t n = 0;

	for (size_t i = 0; i < bytes; i++)
		n += ((unsigned char)s[i] & 0xc0) != 0x80;
	return n;
}

static int check_string(struct vctx *c, const struct node *n, const json_t *v)
{
	const char *s = json_string_value(v);
	size_t bytes = json_string_length(v);
	int whole = strlen(s) == bytes; /* no NUL inside */
	char shown[340];

	if (n->has_min_len || n->has_max_len) {
		size_t len = utf8_length(s, bytes);
		if (n->has_min_len && len < n->min_len) {
			if (len == 0)
				return fail(c, "must not be empty");
			return fail(c, "is %zu character%s long, at least %zu required", len,
				    len == 1 ? "" : "s", n->min_len);
		}
		if (n->has_max_len && len > n->max_len)
			return fail(c, "is %zu characters long, at most %zu allowed", len, n->max_len);
	}
	if (n->re && !sdx__schema_pattern_matches(n->re, s, bytes)) {
		show_str(shown, sizeof(shown), s, 80);
		return fail(c, "'%s' does not match %s", shown, n->pattern);
	}
	if (n->format != FMT_NONE && !whole)
		return fail(c, "holds a NUL character, so is no %s",
			    n->format == FMT_DATE ? "date" : "date-time");
	if (n->format == FMT_DATE && !sdx__is_date(s)) {
		show_str(shown, sizeof(shown), s, 60);
		return fail(c, "'%s' is not a calendar date YYYY-MM-DD", shown);
	}
	if (n->format == FMT_DATE_TIME && !sdx__is_date_time(s)) {
		show_str(shown, sizeof(shown), s, 60);
		return fail(c, "'%s' is not an RFC 3339 date-time (e.g. 2026-09-17T08:30:00Z)",
			    shown);
	}
	return 0;
}

static int check_number(struct vctx *c, const struct node *n, const json_t *v)
{
	double d = json_number_value(v);

	if (n->has_min && d < n->min)
		return fail(c, "%.15g is less than the minimum %.15g", d, n->min);
	if (n->has_xmin && d <= n->xmin)
		return fail(c, "%.15g must be greater than %.15g", d, n->xmin);
	if (n->has_max && d > n->max)
		return fail(c, "%.15g is greater than the maximum %.15g", d, n->max);
	if (n->has_xmax && d >= n->xmax)
		return fail(c, "%.15g must be less than %.15g", d, n->xmax);
	return 0;
}

static int check_object(struct vctx *c, const struct node *n, const json_t *v)
{
	const struct prop *p;
	const char *k;
	char shown[200];
	json_t *x;
	size_t i, old;

	/* Unknown fields first: a misspelt name explains the "missing" one. */
	if (n->closed)
		json_object_foreach((json_t *)v, k, x)
			if (!sdx__schema_find_prop(n, k)) {
				show_str(shown, sizeof(shown), k, 60);
				return fail(c, "unexpected field '%s'", shown);
			}
	for (i = 0; i < n->nrequired; i++)
		if (!json_object_get(v, n->required[i]))
			return fail(c, "missing required field '%s'", n->required[i]);
	if (!n->nprops && !n->additional)
		return 0;
	json_object_foreach((json_t *)v, k, x) {
		const struct node *sub = (p = sdx__schema_find_prop(n, k)) ? p->schema : n->additional;
		if (!sub)
			continue;
		old = push_key(c, k);
		if (validate(c, sub, x)) {
			pop(c, old);
			return 1;
		}
		pop(c, old);
	}
	return 0;
}

static int check_array(struct vctx *c, const struct node *n, const json_t *v)
{
	size_t len = json_array_size(v), i, j, old;
	int nomem;

	if (n->has_min_items && len < n->min_items) {
		if (len == 0)
			return fail(c, "must not be empty");
		return fail(c, "has %zu item%s, at least %zu required", len, len == 1 ? "" : "s",
			    n->min_items);
	}
	if (n->has_max_items && len > n->max_items)
		return fail(c, "has %zu items, at most %zu allowed", len, n->max_items);
	if (n->unique) {
		if (sdx__schema_find_duplicate(v, &i, &j, &nomem))
			return fail(c, "items [%zu] and [%zu] are equal; each must appear once", i, j);
		if (nomem)
			return fail(c, "out of memory");
	}
	if (n->items)
		for (i = 0; i < len; i++) {
			old = push_index(c, i);
			if (validate(c, n->items, json_array_get(v, i))) {
				pop(c, old);
				return 1;
			}
			pop(c, old);
		}
	return 0;
}

static int check_enum(struct vctx *c, const struct node *n, const json_t *v)
{
	char list[400], one[120], shown[200];
	size_t i, o = 0;

	for (i = 0; i < json_array_size(n->enum_vals); i++)
		if (sdx__schema_equal(v, json_array_get(n->enum_vals, i)))
			return 0;
	list[0] = '\0';
	for (i = 0; i < json_array_size(n->enum_vals); i++) {
		const json_t *e = json_array_get(n->enum_vals, i);
		if (json_is_string(e))
			show_str(one, sizeof(one), json_string_value(e), 40);
		else
			show_value(one, sizeof(one), e);
		if (o + strlen(one) + 8 >= sizeof(list)) {
			snprintf(list + o, sizeof(list) - o, ", ...");
			break;
		}
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s", i ? ", " : "", one);
	}
	show_value(shown, sizeof(shown), v);
	return fail(c, "%s is not one of: %s", shown, list);
}

/*
 * anyOf/oneOf.  When nothing matches, report the failing alternative that got
 * deepest into the value: that is usually the one the author meant.
 */
static int check_alternatives(struct vctx *c, struct node *const *alts, size_t count,
			      const json_t *v, int exactly_one)
{
	char best[MSG_CAP];
	size_t i, best_depth = 0, matched = 0, first = 0;
	int have = 0;

	best[0] = '\0';
	for (i = 0; i < count; i++) {
		if (!validate(c, alts[i], v)) {
			if (!exactly_one)
				return 0;
			if (matched++ == 0)
				first = i;
			else
				return fail(c, "matches both alternative %zu and %zu of oneOf; "
					    "it must match exactly one", first, i);
			continue;
		}
		if (!have || c->err_plen > best_depth) {
			memcpy(best, c->msg, sizeof(best));
			best_depth = c->err_plen;
			have = 1;
		}
	}
	if (matched)
		return 0;
	memcpy(c->msg, best, sizeof(c->msg));
	c->err_plen = best_depth;
	return 1;
}

static int check_node(struct vctx *c, const struct node *n, const json_t *v)
{
	char a[200];
	size_t i;

	if (n->is_false)
		return fail(c, "no value is allowed here");
	if (n->types && !(sdx__schema_type_of(v) & n->types)) {
		char want[120];
		size_t o = 0;
		for (i = 0; i < SCHEMA_NTYPES; i++)
			if (n->types & (1u << i))
				o += (size_t)snprintf(want + o, sizeof(want) - o, "%s%s",
						      o ? " or " : "", sdx__schema_type_names[i]);
		return fail(c, "expected %s, got %s", want, got_name(v));
	}
	if (n->const_val && !sdx__schema_equal(v, n->const_val)) {
		show_value(a, sizeof(a), n->const_val);
		return fail(c, "must be %s", a);
	}
	if (n->enum_vals && check_enum(c, n, v))
		return 1;
	switch (json_typeof(v)) {
	case JSON_STRING:
		if (check_string(c, n, v))
			return 1;
		break;
	case JSON_INTEGER:
	case JSON_REAL:
		if (check_number(c, n, v))
			return 1;
		break;
	case JSON_OBJECT:
		if (check_object(c, n, v))
			return 1;
		break;
	case JSON_ARRAY:
		if (check_array(c, n, v))
			return 1;
		break;
	default:
		break;
	}
	if (n->ref && validate(c, n->ref, v))
		return 1;
	for (i = 0; i < n->nall; i++)
		if (validate(c, n->all_of[i], v))
			return 1;
	if (n->nany && check_alternatives(c, n->any_of, n->nany, v, 0))
		return 1;
	if (n->none && check_alternatives(c, n->one_of, n->none, v, 1))
		return 1;
	if (n->not_ && !validate(c, n->not_, v))
		return fail(c, "matches a form that is not allowed here");
	if (n->if_) {
		/* The condition's own failure is no error: it only picks a branch. */
		const struct node *branch = validate(c, n->if_, v) ? n->else_ : n->then_;
		if (branch && validate(c, branch, v))
			return 1;
	}
	return 0;
}

static int validate(struct vctx *c, const struct node *n, const json_t *v)
{
	int r;

	if (c->depth >= EVAL_MAX_DEPTH)
		return fail(c, "schema recursion too deep (a $ref cycle?)");
	c->depth++;
	r = check_node(c, n, v);
	c->depth--;
	return r;
}

int sdx__schema_validate(const struct sdx_schema *s, const json_t *instance)
{
	struct vctx c;
	locale_t old;
	int r;

	c.path[0] = '\0';
	c.plen = 0;
	c.msg[0] = '\0';
	c.err_plen = 0;
	c.depth = 0;
	old = uselocale(s->cloc);
	r = validate(&c, s->top, instance);
	uselocale(old);
	if (r)
		return sdx_error_set(SDX_ESCHEMA, "%s: %s", s->name, c.msg);
	return 0;
}
