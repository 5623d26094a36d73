/*
 * formats/report/report.h - what the HTML report's parts share: escaping
 * (html.c), the provenance picture (svg.c).  Not installed;
 * formats/report.md is the spec.
 */
#ifndef SDX_REPORT_INTERNAL_H
#define SDX_REPORT_INTERNAL_H

#include <stdio.h>

#include <jansson.h>

/* Write s HTML-escaped (& < > " ' as entities, other C0 controls but tab
 * and newline dropped): safe in text and in quoted attribute values. */
void sdx__rp_esc(FILE *f, const char *s);
/* At most `max` bytes of s, cut at a UTF-8 character boundary, escaped,
 * with "…" when cut. */
void sdx__rp_esc_cut(FILE *f, const char *s, size_t max);

/*
 * The provenance graph of a trace (formats/provenance.md) as an inline SVG
 * element: one box per record and per lab report, laid out in columns by
 * depth and in rows by the order the trace lists them; `marks` maps a
 * record's leaf hash to "fail" or "unknown" (a profile's verdict on it).
 * *nodes gets the number of boxes drawn.  0, or -1 when out of memory.
 */
int sdx__rp_svg(FILE *f, const json_t *trace, const json_t *marks, size_t *nodes);

#endif
