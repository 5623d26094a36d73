/*
 * formats/ipc1752a/read.c - an IPC-1752A file read safely: libxml2 without
 * network, DTD loading or entity substitution; a DOCTYPE (where external
 * entities would be declared) is refused; then paths, attributes, numbers
 * and dates with messages that name the XML path.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "formats/ipc1752a/xml.h"
#include "sdx/error.h"
#include "sdx/ipc1752a.h"
#include "formats/text/text.h"

static int is_ipc(const xmlNode *n)
{
	return n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
	       strcmp((const char *)n->ns->href, SDX_IPC1752A_NAMESPACE) == 0;
}

static int named(const xmlNode *n, const char *name)
{
	return is_ipc(n) && strcmp((const char *)n->name, name) == 0;
}

int sdx__ipc_parse(xmlDoc **out, const char *what, const void *data, size_t len)
{
	/* NONET: no fetching; never NOENT (substitute entities) nor DTDLOAD
	 * (load the external subset); errors come back here, never printed */
	const int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
			 XML_PARSE_NOCDATA;
	xmlParserCtxt *ctx = NULL;
	xmlDoc *doc = NULL;
	xmlNode *root;
	char version[16];
	int err = 0;

	*out = NULL;
	if (len > SDX_IPC1752A_MAX_BYTES)
		return sdx_error_set(SDX_ELIMIT, "%s: larger than %u bytes", what,
				     SDX_IPC1752A_MAX_BYTES);
	xmlInitParser();
	if (!(ctx = xmlNewParserCtxt()))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	doc = xmlCtxtReadMemory(ctx, data, (int)len, NULL, NULL, opts);
	if (!doc || !ctx->wellFormed) {
		const xmlError *e = xmlCtxtGetLastError(ctx);
		char msg[200] = "not well-formed XML";
		size_t n;

		if (e && e->message) {
			sdx__text_put(msg, sizeof(msg), "%s", e->message);
			n = strlen(msg);
			while (n && isspace((unsigned char)msg[n - 1]))
				msg[--n] = '\0';
		}
		err = sdx_error_set(SDX_EFORMAT, "%s: line %d: not XML: %s", what, e ? e->line : 0, msg);
		goto done;
	}
	if (doc->intSubset || doc->extSubset) {
		err = sdx_error_set(SDX_EFORMAT, "%s: has a DOCTYPE; an IPC-1752A file needs none, and "
				    "sdx reads no DTD or entity declaration", what);
		goto done;
	}
	root = xmlDocGetRootElement(doc);
	if (!root || !named(root, "MainDeclaration")) {
		err = sdx_error_set(SDX_EFORMAT, "%s: the root element is not MainDeclaration in the "
				    "namespace %s (IPC-1752A schema version 2.0)", what,
				    SDX_IPC1752A_NAMESPACE);
		goto done;
	}
	if ((err = sdx__ipc_attr(version, sizeof(version), what, root, "version", 1)) < 0)
		goto done;
	if (strcmp(version, "2.0") != 0) {
		err = sdx__ipc_bad(SDX_EFORMAT, what, root, "version", "'%s': sdx reads IPC-1752A "
				   "schema version 2.0", version);
		goto done;
	}
	*out = doc;
	doc = NULL;
	err = 0;
done:
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctx);
	return err;
}

/* Index of n among its siblings of the same name (1-based), 0 if it has none. */
static unsigned sibling_index(const xmlNode *n)
{
	const xmlNode *s;
	unsigned before = 0, after = 0;

	for (s = n->prev; s; s = s->prev)
		if (s->type == XML_ELEMENT_NODE && strcmp((const char *)s->name, (const char *)n->name) == 0)
			before++;
	for (s = n->next; s && !after; s = s->next)
		if (s->type == XML_ELEMENT_NODE && strcmp((const char *)s->name, (const char *)n->name) == 0)
			after++;
	return before || after ? before + 1 : 0;
}

void sdx__ipc_path(char *buf, size_t cap, const xmlNode *n, const char *attr)
{
	const xmlNode *chain[64];
	size_t depth = 0, used = 0;

	buf[0] = '\0';
	for (; n && n->type == XML_ELEMENT_NODE && depth < 64; n = n->parent)
		chain[depth++] = n;
	while (depth-- > 0 && used < cap) {
		unsigned k = sibling_index(chain[depth]);
		int w = k ? snprintf(buf + used, cap - used, "/%s[%u]", chain[depth]->name, k)
			  : snprintf(buf + used, cap - used, "/%s", chain[depth]->name);
		used = w < 0 ? cap : used + (size_t)w;
	}
	if (attr && used < cap)
		sdx__text_put(buf + used, cap - used, "/@%s", attr);
}

int sdx__ipc_bad(int code, const char *what, const xmlNode *n, const char *attr, const char *fmt, ...)
{
	char path[600], msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sdx__ipc_path(path, sizeof(path), n, attr);
	return sdx_error_set(code, "%s: %s: %s", what, path, msg);
}

xmlNode *sdx__ipc_child(const xmlNode *n, const char *name)
{
	xmlNode *c;

	for (c = n ? n->children : NULL; c; c = c->next)
		if (named(c, name))
			return c;
	return NULL;
}

xmlNode *sdx__ipc_next(const xmlNode *n)
{
	xmlNode *c;

	for (c = n->next; c; c = c->next)
		if (named(c, (const char *)n->name))
			return c;
	return NULL;
}

int sdx__ipc_need(xmlNode **out, const char *what, const xmlNode *n, const char *name)
{
	if ((*out = sdx__ipc_child(n, name)))
		return 0;
	return sdx__ipc_bad(SDX_EFORMAT, what, n, NULL, "missing required element %s", name);
}

int sdx__ipc_attr(char *buf, size_t cap, const char *what, const xmlNode *n, const char *attr,
		  int required)
{
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)attr);
	const char *s = (const char *)v, *e;
	size_t len;
	int rc = 0;

	buf[0] = '\0';
	if (s) {
		while (*s && isspace((unsigned char)*s))
			s++;
		e = s + strlen(s);
		while (e > s && isspace((unsigned char)e[-1]))
			e--;
		len = (size_t)(e - s);
		if (len >= cap) {
			rc = sdx__ipc_bad(SDX_ELIMIT, what, n, attr, "longer than %zu bytes", cap - 1);
			goto done;
		}
		memcpy(buf, s, len);
		buf[len] = '\0';
		for (s = buf; *s; s++)
			if ((unsigned char)*s < 0x20 || *s == 0x7f) {
				rc = sdx__ipc_bad(SDX_EFORMAT, what, n, attr,
						  "contains control character U+%04X", (unsigned)*s);
				goto done;
			}
		rc = len > 0;
	}
	if (rc == 0 && required)
		rc = sdx__ipc_bad(SDX_EFORMAT, what, n, attr, s ? "is empty" : "missing required attribute");
done:
	xmlFree(v);
	return rc;
}

int sdx__ipc_number(double *out, const char *what, const xmlNode *n, const char *attr)
{
	char b[40];
	size_t i, dots = 0, digits = 0;
	int rc;

	if ((rc = sdx__ipc_attr(b, sizeof(b), what, n, attr, 1)) < 0)
		return rc;
	for (i = b[0] == '+' ? 1 : 0; b[i]; i++) {
		if (b[i] == '.')
			dots++;
		else if (isdigit((unsigned char)b[i]))
			digits++;
		else
			break;
	}
	if (b[i] || dots > 1 || !digits)
		return sdx__ipc_bad(SDX_EFORMAT, what, n, attr, "'%s' is not a decimal number >= 0", b);
	*out = strtod(b, NULL);
	return 0;
}

static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int sdx__ipc_date(char out[11], const char *what, const xmlNode *n, const char *attr, int required)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	char b[40];
	int rc, y, m, d, i;

	if ((rc = sdx__ipc_attr(b, sizeof(b), what, n, attr, required)) <= 0)
		return rc;
	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? b[i] != '-' : !isdigit((unsigned char)b[i]))
			break;
	y = i == 10 ? (b[0] - '0') * 1000 + (b[1] - '0') * 100 + (b[2] - '0') * 10 + (b[3] - '0') : 0;
	m = i == 10 ? (b[5] - '0') * 10 + (b[6] - '0') : 0;
	d = i == 10 ? (b[8] - '0') * 10 + (b[9] - '0') : 0;
	/* a date-time or a time zone may follow the date; the day is what sdx keeps */
	if (i < 10 || (b[10] && b[10] != 'T' && b[10] != 'Z' && b[10] != '+' && b[10] != '-') ||
	    y < 1900 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] + (m == 2 && leap(y)))
		return sdx__ipc_bad(SDX_EFORMAT, what, n, attr, "'%s' is not a date (YYYY-MM-DD, or "
				    "a date-time)", b);
	memcpy(out, b, 10);
	out[10] = '\0';
	return 1;
}
