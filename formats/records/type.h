/*
 * formats/records/type.h - the record-type table: what libsdx knows about
 * each type of entry, in one descriptor per type.  Not installed.
 *
 * Each type is one file under formats/records/ (declaration.c, batch.c, ...)
 * that defines one `const struct sdx_record_type`, listed once in types.c.
 * Validation (record.c), appending (append.c), the provenance graph
 * (formats/graph/) and compliance checks (formats/rules/) ask the table;
 * none of them compares type names.  The ledger's own entry types (genesis,
 * key, import) are in the table too, for their summary lines; they have no
 * schema and no place in the graph.
 *
 * To add a record type: write formats/schemas/NAME.schema.json and
 * formats/records/NAME.c (a descriptor, its rules and its views), and add
 * one line to the list in types.c.
 */
#ifndef SDX_RECORD_TYPE_H
#define SDX_RECORD_TYPE_H

#include <stddef.h>

#include <jansson.h>

/* How the provenance graph and the compliance checks treat a type. */
enum sdx_record_role {
	SDX_ROLE_LEDGER,     /* the ledger's housekeeping: not in the graph */
	SDX_ROLE_STATEMENT,  /* a supplier's statement (declaration): judged against
			      * profile rules, withdrawn and superseded by its ledger */
	SDX_ROLE_WITHDRAWAL, /* withdraws a statement of the same ledger */
	SDX_ROLE_COMPOSITE,  /* made from, or carrying, earlier records (batch, shipment) */
	SDX_ROLE_STATUS,     /* says what became of a record it cites (a shipment's clearance):
			      * shown with it, never walked through */
	SDX_ROLE_REQUEST     /* asks a party for a statement (a request): open until one
			      * citing it is held (sdx due), never walked through */
};

/*
 * One hash a record cites: at `field` (then `sub` inside it) of the record
 * itself, or of each object of the array `array`.  Hashes are 64 lowercase
 * hex digits; the schema says so for records validated here.
 */
struct sdx_record_edge {
	const char *array;   /* array of objects holding the hash, or NULL */
	const char *field;
	const char *sub;     /* member of `field` holding the hash, or NULL */
	int attachment;      /* 1: an attachment's SHA-256; 0: an earlier entry's leaf hash */
	/* entries only: */
	int held;            /* 1: own or imported (sdx_ledger_find); 0: this ledger's own */
	int consumes;        /* the cited record is made into this one: checks report "via" it */
	const char *const *accepts; /* the entry types it may name, NULL-terminated */
	const char *accepts_text;   /* the same for messages: "a declaration or a batch" */
	const char *id_sub;  /* member of `field` that must repeat the cited record's id
			      * (its type's id_field), or NULL: a declaration's answers.request_id */
};

/*
 * Building a record from field values (sdx/build.h, what `sdx batch` and
 * `sdx ship` do from options): its fields in the order they are written.  A
 * type with versions writes its `format` member too.
 */
enum sdx_field_kind {
	SDX_FIELD_TEXT,
	SDX_FIELD_QUANTITY, /* "N:UNIT" -> {"value", "unit"} */
	SDX_FIELD_IDS,      /* repeated "SCHEME:ID" -> [{"scheme", "id"}, ...] (a party's identifiers) */
	SDX_FIELD_LINKS,    /* the inputs or items, each made by the build's `link` */
	SDX_FIELD_STRINGS   /* repeated text -> ["a", "b", ...] (a request's profiles, lots) */
};
#define SDX_FIELD_REQUIRED 1u
#define SDX_FIELD_LABEL 2u /* the record's id: names it in messages */

struct sdx_record_field {
	const char *path;     /* "product.hs_code": one level of nesting at most */
	enum sdx_field_kind kind;
	unsigned flags;       /* SDX_FIELD_* */
	const char *fallback; /* not given: the value of this field, if any */
};

struct sdx_ledger;
struct sdx_record_build {
	const struct sdx_record_field *fields;
	size_t nfields;
	/* One element of the LINKS field from its spec ("REF:LOT:N:UNIT"),
	 * resolving the entry it names; `spec` may be changed; errors name `what`. */
	int (*link)(json_t **out, struct sdx_ledger *l, char *spec, const char *what);
};

struct sdx_record_type {
	const char *name;      /* the entry type, and formats/schemas/NAME.schema.json */
	int has_schema;        /* 0 for the ledger's own types: not a record one declares */
	/* Record versions (version.c): 1 has no `format` member and is judged by
	 * NAME.schema.json; N >= 2 says "format": "sdx-NAME/N" and is judged by
	 * NAME.vN.schema.json. */
	int versions;          /* the newest version read (0: 1) */
	int writes;            /* the oldest version sdx_record_append() writes (0: 1) */
	const char *upgrade;   /* what an older record must add to be written, for its message */
	int role;              /* SDX_ROLE_* */
	const char *id_field;  /* member that names a record for people ("batch_id"), or NULL */
	const char *date_field;/* a check of it is made at this date by default, or NULL */
	const struct sdx_record_edge *edges;
	size_t nedges;
	/* members holding a party object ({name, identifiers}), "a" or "a.b";
	 * NULL-terminated, or NULL.  The graph index finds records by them. */
	const char *const *parties;
	/* The member naming the party that issues the record and signs it
	 * ("supplier"), and the role that party signs it in (formats/trust.md);
	 * NULL if the type names none.  A record without the member (a version
	 * 1 batch or shipment) names no issuer. */
	const char *issuer;
	const char *issuer_role;

	/* The rules beyond the schema, on a record that matches it; NULL if none.
	 * SDX_ESCHEMA naming the field ("batch: inputs[2]: ..."). */
	int (*rules)(const char *type, const json_t *body);

	/* The lot numbers the record covers, borrowed from `body`, at most cap;
	 * NULL if it has none.  A statement's citations must name one of them. */
	size_t (*lots)(const json_t *body, const char **out, size_t cap);

	/* A record citing this one names `lot` (NULL: none) at `path` (e.g.
	 * "inputs[3].lot_number"): 0, or SDX_ESCHEMA prefixed by `what`.
	 * NULL: any lot or none. */
	int (*cited_lot)(const json_t *body, const char *lot, const char *what,
			 const char *path, const char *hex);

	/* One line for `sdx log` (body may be NULL), and one for a graph node. */
	void (*summary)(char *out, size_t cap, const json_t *body);
	void (*label)(char *out, size_t cap, const json_t *body);

	/* The members of its node in a trace (formats/provenance.md), after the
	 * common head; and of its entry in a where-used list.  NULL: none. */
	void (*trace)(json_t *node, const json_t *body);
	void (*used)(json_t *entry, const json_t *body);

	/* How sdx_record_builder_new() builds one from field values; NULL: it cannot. */
	const struct sdx_record_build *build;
};

/* The descriptor of `name` (a NUL-terminated or `len`-byte type), or NULL. */
const struct sdx_record_type *sdx__record_type(const char *name);
const struct sdx_record_type *sdx__record_type_n(const char *name, size_t len);

/* The i-th type of the table, NULL past its end. */
const struct sdx_record_type *sdx__record_type_at(size_t i);

/* The newest version of t (1 if it has only one). */
int sdx__record_newest(const struct sdx_record_type *t);

/* The version of a record body of type t: 1 without a `format` member, else the
 * N of "sdx-NAME/N".  SDX_ESCHEMA naming the member when `format` is not a
 * version of t this sdx reads (another type's, an unknown version). */
int sdx__record_version(int *out, const struct sdx_record_type *t, const json_t *body);

/* The embedded schema of version `version` of t: "batch", "batch.v2". */
void sdx__record_schema_name(char *out, size_t cap, const struct sdx_record_type *t, int version);

/* 0 if records of t are written in `version`, else SDX_ESCHEMA saying what to add. */
int sdx__record_writable(const struct sdx_record_type *t, int version);

/* 1 if a record of type t covers `lot` (one of its t->lots); 0 if not, or
 * out of memory. */
int sdx__record_covers(const struct sdx_record_type *t, const json_t *body, const char *lot);

/* 1 if edge `e` may name an entry of `type`. */
int sdx__edge_accepts(const struct sdx_record_edge *e, const char *type);

/* The hash an edge names in `obj` (the record, or one element of edge->array). */
const char *sdx__edge_hash(const struct sdx_record_edge *e, const json_t *obj);

/* A string member, or "" (views never print "(null)"). */
const char *sdx__jstr(const json_t *o, const char *key, const char *sub);

/* The evidence list of a declaration or batch as a trace shows it. */
json_t *sdx__evidence_view(const json_t *evidence);

#endif
