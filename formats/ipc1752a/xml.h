/*
 * formats/ipc1752a/xml.h - reading an IPC-1752A file safely (read.c) for the
 * mapping to a declaration (map.c).  Not installed.
 *
 * sdx__ipc_parse() gives a document only when it is well-formed XML with no
 * DOCTYPE, whose root is MainDeclaration in SDX_IPC1752A_NAMESPACE with
 * version 2.0.  The accessors read elements of that namespace only (others
 * are skipped); every error names the file and the XML path.
 */
#ifndef SDX_IPC1752A_XML_H
#define SDX_IPC1752A_XML_H

#include <stddef.h>

#include <libxml/tree.h>

/* Parse len bytes; *out is the document (xmlFreeDoc() it).  what names the file. */
int sdx__ipc_parse(xmlDoc **out, const char *what, const void *data, size_t len);

/* The XPath of element n (and of its attribute attr, if not NULL), in buf:
 * local names, [k] where siblings share the name. */
void sdx__ipc_path(char *buf, size_t cap, const xmlNode *n, const char *attr);

/* code with "WHAT: PATH: message". */
#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
int sdx__ipc_bad(int code, const char *what, const xmlNode *n, const char *attr, const char *fmt, ...);

/* The first child element of n named name in the IPC namespace (NULL: none);
 * the next sibling element of the same name. */
xmlNode *sdx__ipc_child(const xmlNode *n, const char *name);
xmlNode *sdx__ipc_next(const xmlNode *n);
/* A child named name that must be there (*out), or the error naming it. */
int sdx__ipc_need(xmlNode **out, const char *what, const xmlNode *n, const char *name);

/*
 * Attribute attr of n, trimmed of surrounding white space, in buf (cap
 * bytes): 1 if present and not empty, 0 if absent or empty (an error if
 * required), or a negative code (too long, control characters).
 */
int sdx__ipc_attr(char *buf, size_t cap, const char *what, const xmlNode *n, const char *attr,
		  int required);
/* A decimal number >= 0 (xs:decimal, no exponent) in attribute attr. */
int sdx__ipc_number(double *out, const char *what, const xmlNode *n, const char *attr);
/* A date or date-time (xs:date, xs:dateTime) in attr, as YYYY-MM-DD; 1, 0 if absent. */
int sdx__ipc_date(char out[11], const char *what, const xmlNode *n, const char *attr, int required);

#endif
