/*
 * ledger/entry.c - an entry's bytes as a typed view (ledger/entry.h,
 * formats/ledger.md): the envelope, which version its payload is, and the
 * header read by position from the exact layout sdx writes or, where it is
 * not laid out so, as strict JSON; one vocabulary of what is wrong.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/entry.h"
#include "ledger/internal.h"
#include "ledger/indexer.h"

int sdx__payload_version(const char *payload_type)
{
	if (strcmp(payload_type, SDX_ENTRY_PAYLOAD_TYPE_V4) == 0)
		return 4;
	if (strcmp(payload_type, SDX_ENTRY_PAYLOAD_TYPE_V3) == 0)
		return 3;
	if (strcmp(payload_type, SDX_ENTRY_PAYLOAD_TYPE_V2) == 0)
		return 2;
	if (strcmp(payload_type, SDX_ENTRY_PAYLOAD_TYPE_V1) == 0)
		return 1;
	return 0;
}

const char *sdx__payload_type(int version)
{
	return version == 4 ? SDX_ENTRY_PAYLOAD_TYPE_V4 : version == 3 ? SDX_ENTRY_PAYLOAD_TYPE_V3
	       : version == 2 ? SDX_ENTRY_PAYLOAD_TYPE_V2
	       : version == 1 ? SDX_ENTRY_PAYLOAD_TYPE_V1 : NULL;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int sdx__hex32_parse(unsigned char out[32], const char *s)
{
	return s && strlen(s) == 64 ? sdx__hex32_at(out, s) : -1;
}

int sdx__hex32_at(unsigned char out[32], const char *s)
{
	size_t i;

	for (i = 0; i < 32; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

/* ---- the fault vocabulary ---------------------------------------------------- */

static void fault(struct sdx__entry_fault *f, enum sdx__entry_fault_kind kind, const char *a)
{
	f->kind = kind;
	snprintf(f->a, sizeof(f->a), "%s", a ? a : "");
}

/* Bundle verify has always grouped the header's faults: its wording, or NULL
 * where it words a fault as ledger verify does. */
static const char *bundle_wording(const struct sdx__entry_fault *f)
{
	switch (f->kind) {
	case SDX__ENTRY_JSON:
	case SDX__ENTRY_FIELDS:
	case SDX__ENTRY_MISSING:
	case SDX__ENTRY_BODY:
	case SDX__ENTRY_INDEX:
		return "bad payload";
	case SDX__ENTRY_KEY:
	case SDX__ENTRY_ORIGIN:
	case SDX__ENTRY_PREV:
	case SDX__ENTRY_SEQ:
	case SDX__ENTRY_VERSION:
	case SDX__ENTRY_TYPE:
	case SDX__ENTRY_SEQ_ORDER:
		return "payload origin, seq, key, version, type or prev is wrong";
	case SDX__ENTRY_TIME:
	case SDX__ENTRY_SHAPE:
		return "payload type or time is malformed";
	case SDX__ENTRY_SIGNER: /* a bundle lists keys, and none of them verifies */
		return "signature does not verify";
	case SDX__ENTRY_ENVELOPE:
		return f->a;
	case SDX__ENTRY_LINK:
	case SDX__ENTRY_LINK_PAYLOAD:
		return "chain link does not match the previous entry";
	default:
		return NULL;
	}
}

/* Ledger verify's wording of each fault, and which detail it shows: 'a' the
 * string, 'b' both strings, 'n' the number, 'p' the entry before the one n
 * names, 'v' the list of fields of version n. */
static const struct wording {
	const char *fmt;
	char arg;
} ledger_words[] = {
	[SDX__ENTRY_OK] = { "ok", 0 },
	[SDX__ENTRY_ENVELOPE] = { "envelope: %s", 'a' },
	[SDX__ENTRY_PAYLOAD_TYPE] = { "envelope: payloadType '%.60s' is not '"
				      SDX_ENTRY_PAYLOAD_TYPE_V4 "', '" SDX_ENTRY_PAYLOAD_TYPE_V3 "', '" SDX_ENTRY_PAYLOAD_TYPE_V2 "' or '"
				      SDX_ENTRY_PAYLOAD_TYPE_V1 "'",
				      'a' },
	[SDX__ENTRY_SIGNER] = { "signed by key '%.80s', not the ledger's key '%s'", 'b' },
	[SDX__ENTRY_SIGNATURE] = { "signature does not verify", 0 },
	[SDX__ENTRY_JSON] = { "%s", 'a' },
	[SDX__ENTRY_FIELDS] = { "payload: not an object with exactly the fields %s", 'v' },
	[SDX__ENTRY_MISSING] = { "payload: missing field '%s'", 'a' },
	[SDX__ENTRY_ATTACHMENTS] = { "%s", 'a' },
	[SDX__ENTRY_BODY] = { "payload: field 'body' is not an object", 0 },
	[SDX__ENTRY_KEY] = { "payload: field 'key' does not name the signing key", 0 },
	[SDX__ENTRY_ORIGIN] = { "payload: origin is not '%s'", 'a' },
	[SDX__ENTRY_PREV] = { "payload: field 'prev' is not 64 lowercase hex digits", 0 },
	[SDX__ENTRY_SEQ] = { "payload: field 'seq' is not a non-negative integer", 0 },
	[SDX__ENTRY_VERSION] = { "payload: version is not %" PRIu64 ", the version its "
				 "payloadType names", 'n' },
	[SDX__ENTRY_TYPE] = { "payload: type does not match the stored type '%s'", 'a' },
	[SDX__ENTRY_TIME] = { "payload: time does not match the stored time '%s'", 'a' },
	[SDX__ENTRY_SHAPE] = { "payload: type or time is malformed", 0 },
	[SDX__ENTRY_SEQ_ORDER] = { "payload says seq %" PRIu64 " (entries were reordered)", 'n' },
	[SDX__ENTRY_LINK] = { "chain link does not match the leaf hash of entry %" PRIu64, 'p' },
	[SDX__ENTRY_GENESIS_FIRST] = { "entry 0 is not the genesis record", 0 },
	[SDX__ENTRY_GENESIS_LATE] = { "a genesis record after entry 0", 0 },
	[SDX__ENTRY_GENESIS_ORIGIN] = { "genesis: origin does not match the ledger's origin '%s'",
					'a' },
	[SDX__ENTRY_GENESIS_KEY] = { "genesis: key does not match the ledger's key", 0 },
	[SDX__ENTRY_ROTATION] = { "key rotation: the new key does not match the ledger's keys", 0 },
	[SDX__ENTRY_INDEX] = { "%s", 'a' },
	[SDX__ENTRY_LINK_PAYLOAD] = { "chain link does not match the payload hash of entry %"
				      PRIu64, 'p' },
};

/* The members of each version's payload, in order (version 1 has no attachments). */
static const char *const fields_v12[] = { "attachments", "body", "key", "origin", "prev",
					  "seq", "time", "type", "version", NULL };
static const char *const fields_v3[] = { "attachments", "body", "index", "key", "origin",
					 "prev_payload", "seq", "time", "type", "version", NULL };

static const char *const *fields_of(int version)
{
	return version >= 3 ? fields_v3 : version == 2 ? fields_v12 : fields_v12 + 1;
}

static void fields_text(char *out, size_t cap, int version)
{
	const char *const *f;
	size_t n = 0;

	out[0] = '\0';
	for (f = fields_of(version); *f && n < cap; f++)
		n += (size_t)snprintf(out + n, cap - n, "%s%s", n ? ", " : "", *f);
}

/* The formats come from the table above, each with the detail it names. */
const char *sdx__entry_fault_message(char *out, size_t cap, const struct sdx__entry_fault *f,
				     enum sdx__entry_wording w)
{
	const char *s = w == SDX__WORDING_BUNDLE ? bundle_wording(f) : NULL;
	const struct wording *x = &ledger_words[f->kind];

	if (s)
		snprintf(out, cap, "%s", s);
	else if (w == SDX__WORDING_BUNDLE && f->kind == SDX__ENTRY_PAYLOAD_TYPE)
		snprintf(out, cap, "wrong payloadType '%.60s'", f->a);
	else if (x->arg == 'a')
		snprintf(out, cap, x->fmt, f->a);
	else if (x->arg == 'b')
		snprintf(out, cap, x->fmt, f->a, f->b);
	else if (x->arg == 'n' || x->arg == 'p')
		snprintf(out, cap, x->fmt, x->arg == 'p' && f->n ? f->n - 1 : f->n);
	else if (x->arg == 'v') {
		char list[160];
		fields_text(list, sizeof(list), (int)f->n);
		snprintf(out, cap, x->fmt, list);
	}
	else
		snprintf(out, cap, "%s", x->fmt);
	return out;
}

/* ---- the header by position ------------------------------------------------- */

int sdx__cur_lit(struct sdx__cur *c, const char *s)
{
	size_t n = strlen(s);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, s, n) != 0)
		return -1;
	c->p += n;
	return 0;
}

/* A run of 1..max characters from `set`, ended by '"' (not consumed), copied
 * to out (max + 1 bytes). */
static int run(struct sdx__cur *c, const char *set, size_t max, char *out)
{
	const char *q = c->p;

	while (q < c->end && *q && *q != '"' && (size_t)(q - c->p) <= max && strchr(set, *q))
		q++;
	if (q == c->p || q >= c->end || *q != '"' || (size_t)(q - c->p) > max)
		return -1;
	memcpy(out, c->p, (size_t)(q - c->p));
	out[q - c->p] = '\0';
	c->p = q;
	return 0;
}

#define ORIGIN_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-/:"
#define KEYID_CHARS ORIGIN_CHARS "+"
#define TYPE_CHARS "abcdefghijklmnopqrstuvwxyz0123456789_-"

/* The fixed-shape members after the body, from `,"key":"` to the end. */
static int tail(struct sdx__cur *c, struct sdx__entry_header *h, int version)
{
	const char *t;
	size_t i, n;
	uint64_t seq = 0;

	if (sdx__cur_lit(c, ",\"key\":\"") < 0 ||
	    run(c, KEYID_CHARS, SDX_NAME_MAX + 9, h->key) < 0 ||
	    sdx__cur_lit(c, "\",\"origin\":\"") < 0 ||
	    run(c, ORIGIN_CHARS, SDX_NAME_MAX, h->origin) < 0 ||
	    sdx__cur_lit(c, version >= 3 ? "\",\"prev_payload\":\"" : "\",\"prev\":\"") < 0 ||
	    c->end - c->p < 64 || sdx__hex32_at(h->prev, c->p) < 0)
		return -1;
	c->p += 64;
	if (sdx__cur_lit(c, "\",\"seq\":") < 0)
		return -1;
	for (n = 0; c->p < c->end && *c->p >= '0' && *c->p <= '9'; c->p++, n++) {
		unsigned d = (unsigned)(*c->p - '0');
		if (seq > (UINT64_MAX - d) / 10)
			return -1;
		seq = seq * 10 + d;
	}
	/* digits, no leading zero, and below 2^63 (a JSON integer jansson reads) */
	if (n == 0 || (n > 1 && c->p[-(ptrdiff_t)n] == '0') || seq > INT64_MAX)
		return -1;
	h->seq = seq;
	if (sdx__cur_lit(c, ",\"time\":\"") < 0 || c->end - c->p < 20)
		return -1;
	t = c->p;
	for (i = 0; i < 20; i++)
		if (!("dddd-dd-ddTdd:dd:ddZ"[i] == 'd' ? t[i] >= '0' && t[i] <= '9'
							: t[i] == "dddd-dd-ddTdd:dd:ddZ"[i]))
			return -1;
	memcpy(h->time, t, 20);
	h->time[20] = '\0';
	c->p += 20;
	if (sdx__cur_lit(c, "\",\"type\":\"") < 0 ||
	    run(c, TYPE_CHARS, SDX_TYPE_MAX, h->type) < 0 ||
	    sdx__cur_lit(c, version == 4 ? "\",\"version\":4}" : version == 3 ? "\",\"version\":3}"
				    : version == 2 ? "\",\"version\":2}"
								  : "\",\"version\":1}") < 0 ||
	    c->p != c->end)
		return -1;
	return 0;
}

/*
 * Version 3: the index member between the body and `,"key":"` at k.  Its own
 * strings hold no '"' unescaped, so the last `},"index":{"edges":[` before k
 * is where the body ends.  Returns that end (the body's '}' + 1), or NULL.
 */
static const char *index_at(struct sdx__entry_header *h, const char *stop, const char *k)
{
	static const char mark[] = "},\"index\":{\"edges\":[";
	const size_t n = sizeof(mark) - 1;
	const char *m;

	if ((size_t)(k - stop) < n)
		return NULL;
	for (m = k - n; m >= stop; m--)
		if (*m == '}' && memcmp(m, mark, n) == 0)
			break;
	if (m < stop)
		return NULL;
	h->index = m + 10; /* after `},"index":` */
	h->index_len = (size_t)(k - h->index);
	if (!sdx__index_fast(h->index, k)) {
		h->index = NULL;
		h->index_len = 0;
		return NULL;
	}
	return m + 1;
}

/* The layout sdx writes, up to the body; 0 if the payload differs. */
static int fast(struct sdx__entry_header *h, const char *pl, size_t len, int version,
		const char **atts)
{
	static const char key[] = ",\"key\":\"";
	struct sdx__cur c = { pl, pl + len };
	const char *k, *stop;

	memset(h, 0, sizeof(*h));
	h->version = version;
	if (version >= 2 && version <= 4) {
		if (sdx__cur_lit(&c, "{\"attachments\":[") < 0)
			return 0;
		*atts = c.p + 1;
		while (sdx__cur_lit(&c, "]") < 0) {
			unsigned char prev[32], cur[32];
			if ((h->natts && sdx__cur_lit(&c, ",") < 0) || sdx__cur_lit(&c, "\"") < 0 ||
			    c.end - c.p < 65 || sdx__hex32_at(cur, c.p) < 0 || c.p[64] != '"')
				return 0;
			/* strictly ascending: sorted and no hash twice */
			if (h->natts && (sdx__hex32_at(prev, c.p - 67) < 0 || memcmp(prev, cur, 32) >= 0))
				return 0;
			c.p += 65;
			h->natts++;
		}
		if (sdx__cur_lit(&c, ",\"body\":{") < 0)
			return 0;
	} else if (version != 1 || sdx__cur_lit(&c, "{\"body\":{") < 0) {
		return 0;
	}
	h->body = c.p - 1;
	/* The header after the body holds no '"' of its own making but those
	 * around its strings: the last `,"key":"` is where it starts. */
	stop = c.p;
	for (k = c.end - (sizeof(key) - 1); k > stop; k--)
		if (*k == ',' && memcmp(k, key, sizeof(key) - 1) == 0)
			break;
	if (k <= stop || k[-1] != '}')
		return 0;
	if (version >= 3 && !(k = index_at(h, stop, k)))
		return 0;
	h->body_len = (size_t)(k - h->body);
	c.p = h->index ? h->index + h->index_len : k;
	return tail(&c, h, version) < 0 ? 0 : 1;
}

/* The attachments a fast read found, at 67-byte steps from atts. */
static int fast_atts(struct sdx__entry_header *h, const char *atts)
{
	size_t i;

	if (h->natts && !(h->atts = malloc(h->natts * sizeof(*h->atts))))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	for (i = 0; i < h->natts; i++)
		(void)sdx__hex32_at(h->atts[i], atts + 67 * i);
	return 0;
}

int sdx__entry_header_fast(struct sdx__entry_header *h, const char *payload, size_t len,
			   int version)
{
	const char *atts = NULL;

	if (!fast(h, payload, len, version, &atts))
		return 0;
	if (fast_atts(h, atts) < 0) {
		h->natts = 0;
		return 0;
	}
	return 1;
}

void sdx__entry_header_clear(struct sdx__entry_header *h)
{
	free(h->atts);
	free(h->index_own);
	h->atts = NULL;
	h->natts = 0;
	h->index_own = NULL;
	h->index = NULL;
	h->index_len = 0;
}

/* ---- the header as JSON -------------------------------------------------------- */

/* Version 2's "attachments": 64 lowercase hex digits each, strictly ascending. */
static int atts_json(struct sdx__entry_header *h, const json_t *list, struct sdx__entry_fault *f)
{
	size_t i, n;
	const char *s;

	if (!json_is_array(list)) {
		fault(f, SDX__ENTRY_ATTACHMENTS, "payload: field 'attachments' is not an array");
		return -1;
	}
	n = json_array_size(list);
	if (n && !(h->atts = malloc(n * sizeof(*h->atts))))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		s = json_string_value(json_array_get(list, i));
		if (!s || strlen(s) != 64 || sdx__hex32_at(h->atts[i], s) < 0) {
			fault(f, SDX__ENTRY_ATTACHMENTS, NULL);
			snprintf(f->a, sizeof(f->a), "payload: attachments[%zu] is not 64 lowercase "
				 "hex digits", i);
			return -1;
		}
		if (i && memcmp(h->atts[i - 1], h->atts[i], 32) >= 0) {
			fault(f, SDX__ENTRY_ATTACHMENTS, NULL);
			snprintf(f->a, sizeof(f->a), "payload: attachments[%zu] is out of order or "
				 "repeated (the list is sorted, each hash once)", i);
			return -1;
		}
		h->natts++;
	}
	return 0;
}

/* Version 3's index member: its shape, and a canonical copy of its bytes
 * (h->index_own) for sdx__entry_keys_read().  0, -1 (f set) or SDX_ENOMEM. */
static int index_json(struct sdx__entry_header *h, const json_t *index,
		      struct sdx__entry_fault *f)
{
	if (sdx__index_json(index, f) < 0)
		return -1;
	if (sdx__json_dump(&h->index_own, &h->index_len, index) < 0)
		return SDX_ENOMEM;
	h->index = h->index_own;
	return 0;
}

/* A string member that fits out[cap]; NULL if not a string or too long. */
static const char *member(const json_t *p, const char *name, char *out, size_t cap)
{
	const char *s = json_string_value(json_object_get(p, name));

	if (!s || strlen(s) >= cap)
		return NULL;
	memcpy(out, s, strlen(s) + 1);
	return s;
}

/*
 * The header from the parsed payload, in the order ledger verify has always
 * named faults; values checked against want and keyid where given.  0, -1
 * (f set), or SDX_ENOMEM.
 */
static int strict(struct sdx__entry_header *h, const json_t *p, int version,
		  const struct sdx__entry_want *want, const char *keyid, struct sdx__entry_fault *f)
{
	const char *const *fields = fields_of(version);
	const json_t *v;
	const char *s;
	size_t i, n;
	int err;

	memset(h, 0, sizeof(*h));
	h->version = version;
	for (n = 0; fields[n]; n++)
		;
	if (!json_is_object(p) || json_object_size(p) != n) {
		fault(f, SDX__ENTRY_FIELDS, NULL);
		f->n = (uint64_t)version;
		return -1;
	}
	for (i = 0; fields[i]; i++)
		if (!json_object_get(p, fields[i])) {
			fault(f, SDX__ENTRY_MISSING, fields[i]);
			return -1;
		}
	if (version >= 2 && (err = atts_json(h, json_object_get(p, "attachments"), f)) != 0)
		return err;
	if (!json_is_object(json_object_get(p, "body")))
		return fault(f, SDX__ENTRY_BODY, NULL), -1;
	if (version >= 3 && (err = index_json(h, json_object_get(p, "index"), f)) != 0)
		return err;
	if (!(s = member(p, "key", h->key, sizeof(h->key))) || (keyid && strcmp(s, keyid) != 0))
		return fault(f, SDX__ENTRY_KEY, NULL), -1;
	if (!(s = member(p, "origin", h->origin, sizeof(h->origin))) ||
	    (want && want->origin && strcmp(s, want->origin) != 0))
		return fault(f, SDX__ENTRY_ORIGIN, want ? want->origin : NULL), -1;
	if (sdx__hex32_parse(h->prev, json_string_value(json_object_get(p, version >= 3 ?
									 "prev_payload" : "prev"))) < 0)
		return fault(f, SDX__ENTRY_PREV, NULL), -1;
	v = json_object_get(p, "seq");
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return fault(f, SDX__ENTRY_SEQ, NULL), -1;
	h->seq = (uint64_t)json_integer_value(v);
	v = json_object_get(p, "version");
	if (!json_is_integer(v) || json_integer_value(v) != version) {
		fault(f, SDX__ENTRY_VERSION, NULL);
		f->n = (uint64_t)version;
		return -1;
	}
	s = json_string_value(json_object_get(p, "type"));
	if (!s || (want && want->type && strcmp(s, want->type) != 0))
		return fault(f, SDX__ENTRY_TYPE, want ? want->type : NULL), -1;
	if (strlen(s) > SDX_TYPE_MAX)
		return fault(f, SDX__ENTRY_SHAPE, NULL), -1;
	memcpy(h->type, s, strlen(s) + 1);
	s = json_string_value(json_object_get(p, "time"));
	if (!s || (want && want->time && strcmp(s, want->time) != 0))
		return fault(f, want && want->time ? SDX__ENTRY_TIME : SDX__ENTRY_SHAPE,
			     want ? want->time : NULL), -1;
	if (strlen(s) != 20)
		return fault(f, SDX__ENTRY_SHAPE, NULL), -1;
	memcpy(h->time, s, 21);
	return 0;
}

int sdx__entry_header_strict(struct sdx__entry_header *h, const char *payload, size_t len,
			     int version)
{
	struct sdx__entry_fault f;
	json_t *p = NULL;
	int err;

	memset(h, 0, sizeof(*h));
	if (sdx__json_parse(&p, payload, len, 64, "payload") < 0)
		return SDX__ENTRY_JSON;
	err = strict(h, p, version, NULL, NULL, &f);
	json_decref(p);
	if (err != 0)
		sdx__entry_header_clear(h);
	return err == 0 ? 0 : err == -1 ? (int)f.kind : err;
}

/* ---- the view ------------------------------------------------------------------------ */

int sdx__entry_open(struct sdx__entry *e, const unsigned char *data, size_t len)
{
	int err;

	memset(e, 0, sizeof(*e));
	if ((err = sdx__entry_unpack_parsed(&e->env, data, len)) < 0)
		return err;
	if (err == 0 && (err = sdx_dsse_parse(&e->env, data, len)) < 0) {
		if (err == SDX_ENOMEM)
			return err;
		fault(&e->fault, SDX__ENTRY_ENVELOPE, sdx_error_last());
		return SDX_EVERIFY;
	}
	if (!(e->h.version = sdx__payload_version(e->env->payload_type))) {
		fault(&e->fault, SDX__ENTRY_PAYLOAD_TYPE, e->env->payload_type);
		return SDX_EVERIFY;
	}
	return 0;
}

/* The fast read holds every value want names, and the signing key. */
static int as_wanted(const struct sdx__entry_header *h, const struct sdx__entry_want *w,
		     const char *keyid)
{
	return strcmp(h->key, keyid) == 0 && (!w->origin || strcmp(h->origin, w->origin) == 0) &&
	       (!w->seq_known || h->seq == w->seq) && (!w->type || strcmp(h->type, w->type) == 0) &&
	       (!w->time || strcmp(h->time, w->time) == 0);
}

/* The header's index member is what the body gives: 0, -1 (fault set) or an error. */
static int keys_match(struct sdx__entry *e)
{
	char *body = NULL, *want = NULL;
	size_t blen = 0, wlen = 0;
	int err;

	if ((err = sdx__json_dump(&body, &blen, json_object_get(e->payload, "body"))) < 0 ||
	    (err = sdx__indexers_keys(&want, &wlen, e->h.type, body, blen, e->h.version)) < 0)
		goto done;
	if (wlen != e->h.index_len || memcmp(want, e->h.index, wlen) != 0) {
		fault(&e->fault, SDX__ENTRY_INDEX, "payload: index: not the ids and edges the body "
		      "gives");
		err = -1;
	}
done:
	free(body);
	free(want);
	return err;
}

int sdx__entry_read(struct sdx__entry *e, const struct sdx__entry_want *want, unsigned flags)
{
	static const struct sdx__entry_want none = { NULL, NULL, NULL, 0, 0 };
	const char *pl = (const char *)e->env->payload, *atts = NULL;
	int version = e->h.version, err;

	if (!want)
		want = &none;
	sdx__entry_header_clear(&e->h);
	json_decref(e->payload);
	e->payload = NULL;
	if (!(flags & SDX__ENTRY_STRICT) && fast(&e->h, pl, e->env->payload_len, version, &atts) &&
	    as_wanted(&e->h, want, e->env->keyid))
		return fast_atts(&e->h, atts);
	e->h.natts = 0;
	if (sdx__json_parse(&e->payload, pl, e->env->payload_len, 64, "payload") < 0) {
		fault(&e->fault, SDX__ENTRY_JSON, sdx_error_last());
		e->h.version = version;
		return SDX_EVERIFY;
	}
	err = strict(&e->h, e->payload, version, want, e->env->keyid, &e->fault);
	if (err == 0 && version >= 3 && (flags & SDX__ENTRY_KEYS))
		err = keys_match(e);
	if (err == 0)
		return 0;
	sdx__entry_header_clear(&e->h);
	e->h.version = version;
	return err == -1 ? SDX_EVERIFY : err;
}

const json_t *sdx__entry_body(const struct sdx__entry *e)
{
	return json_object_get(e->payload, "body");
}

void sdx__entry_close(struct sdx__entry *e)
{
	sdx__entry_header_clear(&e->h);
	json_decref(e->payload);
	sdx_dsse_envelope_free(e->env);
	e->payload = NULL;
	e->env = NULL;
}
