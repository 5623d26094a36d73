/*
 * formats/records/rules.h - helpers for the rules record types state beyond
 * their schemas (formats/records/<type>.c): messages, check digits, units,
 * repeats, text hygiene.  Not installed.
 */
#ifndef SDX_RECORD_RULES_H
#define SDX_RECORD_RULES_H

#include <stddef.h>

#include <jansson.h>

/* SDX_ESCHEMA with "TYPE: " and the formatted message. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
int sdx__rule_bad(const char *type, const char *fmt, ...);

/* The string member `key` of `o`, or NULL. */
const char *sdx__rule_str(const json_t *o, const char *key);

/* A short, printable copy of a user string for messages, in buf. */
const char *sdx__rule_shown(char *buf, size_t cap, const char *s);

/* Measured values compared allowing for binary rounding of decimals: -1, 0, 1. */
int sdx__rule_cmp(double a, double b);
/* Does v keep to the limit under comparison "<" or "<="? */
int sdx__rule_within(double v, double limit, const char *comparison);
/* Factor from unit `from` to unit `to`, or 0 if they cannot be compared. */
double sdx__rule_unit_factor(const char *from, const char *to);

/* A CAS Registry Number at `path` (a JSON string, or NULL) with a right check digit. */
int sdx__rule_cas(const char *type, const json_t *v, const char *path);
/* The GLN and LEI identifiers of a party have right check digits. */
int sdx__rule_party(const char *type, const json_t *party, const char *path);

/* Index of the first element of `arr` whose member `key` (NULL: the element) is `s`, or -1. */
long sdx__rule_find(const json_t *arr, const char *key, const char *s);
/* 1 and the indexes of the first repeat of member `key` among the objects of
 * `arr` (the repeat with the smallest index); 0 if none; SDX_ENOMEM. */
int sdx__rule_repeat(const json_t *arr, const char *key, size_t *first, size_t *again);
/* No two objects of `arr` (at `what`) share member `key`. */
int sdx__rule_unique(const char *type, const json_t *arr, const char *key, const char *what);

/* A test report's version 2 members (`evidence[i]` at `path`): each clause
 * listed once per standard, and a clause's `standard` one of the report's
 * `standards`. */
int sdx__rule_report(const char *type, const json_t *report, const char *path);

/* Every string and field name of the record is free of control characters
 * and bidirectional overrides (formats/declaration.md, "Text"). */
int sdx__rule_text(const char *type, const json_t *record);

#endif
