/*
 * formats/csv/map.h - the compiled form of a CSV mapping (sdx/csvimport.h),
 * shared by map.c (which reads it) and import.c (which runs it); internal.
 *
 * Every column name the mapping uses - a column read, a unit column, a
 * group_by column, a column a selector reads - is one entry of refs[]; an
 * import finds each in the CSV header once, before the first row.
 */
#ifndef SDX_FORMATS_CSV_MAP_H
#define SDX_FORMATS_CSV_MAP_H

#include <stddef.h>

#include <jansson.h>

#define CSV_PATH_MAX 16  /* segments in a path */
#define CSV_GROUP_MAX 8  /* group_by columns */

enum csv_seg_kind {
	SEG_MEMBER,  /* an object member */
	SEG_INDEX,   /* array element N (N = the length: a new one) */
	SEG_NEW,     /* "-": the element this row adds (merged if equal to one before) */
	SEG_SELECT   /* "name=value": the element whose member `name` is value */
};

struct csv_seg {
	enum csv_seg_kind kind;
	char *name;     /* MEMBER, SELECT */
	char *value;    /* SELECT by a literal */
	long ref;       /* SELECT by a column ({NAME}): its refs[] id, else -1 */
	size_t index;   /* INDEX */
};

struct csv_path {
	char *text;     /* as the mapping writes it, for messages */
	struct csv_seg *seg;
	size_t n;
};

enum csv_type { TYPE_STRING, TYPE_NUMBER, TYPE_INTEGER, TYPE_BOOLEAN, TYPE_DATE, TYPE_LIST,
		TYPE_ENTRY };

struct csv_column {
	long ref;                 /* the column read */
	struct csv_path path;
	enum csv_type type;
	char *date_format;        /* TYPE_DATE */
	char decimal;             /* TYPE_NUMBER: '.' or ',' */
	char *split;              /* TYPE_LIST */
	char *unit;               /* the unit of every cell, or NULL */
	long unit_ref;            /* or the column giving it, or -1 */
	json_t *units;            /* unit cell -> unit written, or NULL */
	struct csv_path unit_path;  /* path with its last member "unit" */
	json_t *values;           /* cell -> value written, or NULL */
	json_t *not_detected;     /* cells that mean below detection, or NULL */
	struct csv_path nd_path;  /* path with its last member "below_detection" */
	int required;
};

struct csv_const {
	struct csv_path path;
	json_t *value;
};

struct csv_sum {
	struct csv_path path, of;
};

struct sdx_csv_map {
	char *name;
	char *type;
	int delimiter;            /* 0: detect */
	char **refs;
	size_t nrefs;
	long group[CSV_GROUP_MAX];
	size_t ngroup;
	struct csv_const *consts;
	size_t nconsts;
	struct csv_column *cols;
	size_t ncols;
	struct csv_sum *sums;
	size_t nsums;
};

void sdx__csv_path_free(struct csv_path *p);

/* s read by date format f (YYYY, MM or M, DD or D, literal characters) into
 * out as YYYY-MM-DD; 0, or -1 if s is not such a date of the calendar. */
int sdx__csv_date(char out[11], const char *s, const char *f);

#endif
