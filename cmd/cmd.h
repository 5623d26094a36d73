/*
 * cmd/cmd.h - what the sdx subcommands share: the command table, where the
 * ledger and key are, trusted keys, graph sources, appending records, output.
 * Options (cmd/options.h) and exit codes (cmd/exit.h) have their own headers.
 * Commands parse options, call the library and print.
 */
#ifndef SDX_CMD_H
#define SDX_CMD_H

#include <stdio.h>

#include <jansson.h>

#include "sdx.h"
#include "cmd/exit.h"
#include "cmd/options.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

/* ---- cmd/where.c: the ledger and key, their locations, passphrases ---- */

/* Ledger and key locations: option, else $SDX_LEDGER / $SDX_KEY, else defaults. */
struct where {
	const char *ledger;
	const char *key;
	char key_buf[4096];
};
void where_resolve(struct where *w);
/* The common options -L/--ledger and -k/--key. */
#define WHERE_OPTS(w) \
	OPT_STRING('L', "ledger", &(w)->ledger, "PATH", \
		   "ledger file (default $SDX_LEDGER or ./sdx.db)"), \
	OPT_STRING('k', "key", &(w)->key, "PATH", \
		   "secret key file (default $SDX_KEY or the ledger path with .key)")

int open_ledger(sdx_ledger **out, const struct where *w, unsigned flags);
/* where_resolve(w), then open_ledger(): what most commands do first. */
int resolve_and_open(sdx_ledger **out, struct where *w, unsigned flags);
/* Load the secret key, asking for the passphrase if it is encrypted. */
int load_key(sdx_signer **out, const struct where *w);
/* Passphrase from $SDX_PASSPHRASE or the terminal (twice when confirm). sodium_free() it. */
int read_passphrase(char **out, const char *prompt, int confirm);
/* How hard new key files are to brute-force: $SDX_KDF (min, moderate), else interactive. */
sdx_kdf_level cmd_kdf_level(void);

/* ---- cmd/age.c: age-encrypted bundles (formats/age.md) ---- */

/* The ledger's age key file: the key file's path and ".x25519". */
void age_key_path(char *out, size_t cap, const struct where *w);
/* Load it into sk (32 bytes of sodium_malloc memory), asking for its passphrase: 0 or an exit code. */
int load_age_key(unsigned char *sk, const struct where *w);
/* An --encrypt-to argument: "age1..." or a verifier key whose ledger bound a recipient
 * in an entry l holds.  0 or an exit code (the message says to give age1...). */
int age_recipient_resolve(unsigned char pk[32], sdx_ledger *l, const char *spec);
/* A FILE that verify or import reads: as given, or, if it is an age file, decrypted
 * with the ledger's age key into a temporary file in the ledger's directory. */
struct age_input {
	const char *path;   /* what to read: the file itself or tmp */
	char tmp[4200];     /* the temporary file, or "" */
};
int age_open(struct age_input *in, const struct where *w, const char *path);
/* Remove the temporary file, if any. */
void age_close(struct age_input *in);
/* A new file beside `beside` (mkstemp: O_EXCL, 0600), named STEM-XXXXXX: its
 * descriptor and path; 0 or an exit code. */
int tmp_in_dir(int *fd, char *out, size_t cap, const char *beside, const char *stem);
/* After an error reading `file` (the temporary file), the message names `shown` instead. */
void age_error_rename(int err, const char *file, const char *shown);

/* ---- cmd/keyring.c: verifier keys from options and from the ledger ---- */

#define MAX_REVOKED 256

/* A fixed array of keys being filled: v[0 .. *n), at most max. */
struct keyring {
	sdx_verifier **v;
	size_t max, *n;
};
/*
 * Verifier keys given as one key line, or as a file of them (one per line,
 * '#' comments).  Appends to out[*n] up to max; returns 0 or an exit code.
 */
int load_vkeys(const char *arg, sdx_verifier **out, size_t max, size_t *n);
/* OPT_CALLBACK for --trust VKEY|FILE: value is a struct keyring. */
int keyring_option(const struct opt *o, const char *arg);
/*
 * The ledger's trusted keys into `trusted` (SDX_EIO from an old ledger
 * without a keyring is ignored when tolerate_io) and its revoked keys into
 * `revoked`.  0 or an exit code.
 */
int load_ledger_keys(sdx_ledger *l, struct keyring *trusted, struct keyring *revoked,
		     int tolerate_io);
void keyring_clear(struct keyring *k);

/* Bundle limits shared by verify and import. */
#define LIMIT_OPTS(bo) \
	OPT_SIZE(0, "max-member", &(bo)->max_member, "SIZE", \
		 "bundles: largest member (default 1G + 64K; K, M, G suffixes)"), \
	OPT_SIZE(0, "max-total", &(bo)->max_total, "SIZE", \
		 "bundles: most uncompressed bytes (default 8G)"), \
	OPT_U64(0, "max-entries", &(bo)->max_entries, "N", "bundles: most entries (default 10000000)")

/* ---- cmd/graph_src.c: where trace, check and where-used read records ---- */

/* A ledger, or a bundle checked on the way. */
#define GRAPH_MAX_TRUST 64
struct graph_src {
	struct where w;
	sdx_verifier *trusted[GRAPH_MAX_TRUST];
	size_t n_trusted;
	sdx_verifier *revoked[MAX_REVOKED];
	size_t n_revoked;
	int tofu;
	const char *ref;
	const char *party; /* only records of this party (origin, name or SCHEME:ID) */
	sdx_ledger *l;     /* kept open while a graph read from it lives */
	sdx_bundle_report *report; /* a bundle's verification report, or NULL */
};
int graph_trust_option(const struct opt *o, const char *arg);
#define GRAPH_OPTS(s) \
	OPT_STRING('r', "ref", &(s)->ref, "REF", \
		   "bundles: start at this record, not at the bundle's top records"), \
	OPT_STRING(0, "party", &(s)->party, "PARTY", \
		   "an id names a record of this party: its ledger origin, name or SCHEME:ID"), \
	OPT_CALLBACK(0, "trust", (s), "VKEY|FILE", \
		     "bundles: trust this key too (besides the ledger's keyring)", graph_trust_option), \
	OPT_BOOL(0, "trust-on-first-use", &(s)->tofu, "bundles: accept the producer's own key")
/*
 * Load the graph for ARG: FILE.sdxb (verified; its top records, or --ref) or a
 * REF in the ledger.  *nodes (malloc'd) are the records to start from.  Free
 * the graph before graph_src_clear(), which closes the ledger it reads from.
 */
int graph_open(struct graph_src *s, const char *arg, sdx_graph **g, size_t **nodes, size_t *n);
/* The same with an unsigned record FILE.json put in the ledger's graph
 * (sdx_graph_add_draft): *nodes is that record; nothing is written. */
int graph_open_draft(struct graph_src *s, const char *file, sdx_graph **g, size_t **nodes,
		     size_t *n);
void graph_src_clear(struct graph_src *s);

/* ---- cmd/append.c: sign and append records, as sdx declare prints them ---- */

/* One record to append: a JSON file, or a record built from options. */
struct record_src {
	const char *file;              /* NULL: b */
	const sdx_record_builder *b;
	const json_t *set;             /* members set on the file's record, or NULL
					* (sdx declare --answers: format and answers) */
	const char *const *conceal;    /* with file: JSON pointers of fields to conceal */
	size_t nconceal;
	unsigned decoys;               /* random digests added to each "_sd" touched */
};
/* At most this many --conceal fields per record. */
#define MAX_CONCEAL 64
/*
 * Open the ledger and key, then store the --attach files and append the
 * records of `type` in one transaction with a new checkpoint; prints one line
 * per entry (or, with json, a JSON array).  Returns an exit code.
 */
int cmd_append(const struct where *w, const char *type, const struct record_src *src, size_t n,
	       const char *const *attach, size_t nattach, int json);
/* A record file, at most SDX_RECORD_INPUT_MAX bytes, NUL-terminated; 0 or an exit code. */
int cmd_read_record(const char *path, char **out, size_t *len);
/* cmd_append() for --dry-run: every check of the write, then a rollback, so
 * that nothing is written; says so on stderr.  Returns an exit code. */
int cmd_append_check(const struct where *w, const char *type, const struct record_src *src,
		     size_t n, const char *const *attach, size_t nattach);
/* At most this many --attach files per command. */
#define MAX_ATTACH 64

/* An --attach file as stored: printed only once the transaction committed. */
struct attached {
	unsigned char hash[32];
	uint64_t size;
};
/* Store the --attach files (n <= MAX_ATTACH) inside a transaction, into out[i]. */
int cmd_attach_all(sdx_ledger *l, const char *const *attach, size_t n, struct attached *out);
/* cmd_fail(err), and when a cited attachment was not stored, the hash of
 * each file given (their SHA-256 is what a record must cite). */
int cmd_attach_fail(int err, const char *const *attach, size_t n, const struct attached *a);
/* After the commit: name each stored file on stderr (unless json). */
void cmd_attached_print(const char *const *attach, size_t n, const struct attached *a, int json);
/*
 * Open the ledger and its key, call fn, and print `list` as JSON when it
 * returned 0 and json is set.  Returns fn's exit code.
 */
typedef int signed_fn(void *ctx, sdx_ledger *l, sdx_signer *key, json_t *list);
int cmd_with_key(const struct where *w, int json, signed_fn *fn, void *ctx);

/* ---- cmd/ipc1752a.c: sdx declare --ipc1752a (formats/ipc1752a.md) ---- */

struct ipc_opts {
	const char *file, *supplier, *valid_until;
	const char *lots[SDX_IPC1752A_MAX_LOTS];
	size_t nlots;
};
#define IPC1752A_OPTS(p) \
	OPT_STRING(0, "ipc1752a", &(p)->file, "FILE.xml", \
		   "import an IPC-1752A Class C or D declaration (schema 2.0) instead"), \
	OPT_STRING(0, "supplier", &(p)->supplier, "FILE.json", \
		   "with --ipc1752a: the supplier as an sdx party (its address, country)"), \
	OPT_STRING(0, "valid-until", &(p)->valid_until, "DATE", \
		   "with --ipc1752a: the last day the declaration may be relied on"), \
	OPT_STRING_LIST(0, "lot", (p)->lots, &(p)->nlots, SDX_IPC1752A_MAX_LOTS, "LOT:QTY:UNIT", \
			"with --ipc1752a: a lot it covers (default: the item); repeatable", \
			"at most %zu --lot options")
/* Convert p->file, then append it as cmd_append() would, the XML file attached. */
int cmd_declare_ipc(const struct where *w, const struct ipc_opts *p, const char *const *attach,
		    size_t nattach, int json);

/* ---- cmd/csv_import.c: sdx declare --csv, sdx batch --csv (formats/csv-import.md) ---- */

struct csv_opts {
	const struct where *w;
	const char *type;                /* "declaration" or "batch" */
	const char *csv, *map_path;
	const char *const *attach;
	size_t nattach;
	int dry_run, json;
	const sdx_csv_map *map;          /* set by cmd_csv_import() */
};
/* The CSV options of sdx declare and sdx batch. */
#define CSV_OPTS(p) \
	OPT_STRING(0, "csv", &(p)->csv, "FILE", \
		   "import the records a CSV file holds, through --map (all or nothing)"), \
	OPT_STRING(0, "map", &(p)->map_path, "MAP.json", \
		   "with --csv: which column feeds which field (formats/csv-import.md)")
/* Build, validate, then append every record of o->csv in one transaction. */
int cmd_csv_import(struct csv_opts *o);

/* ---- cmd/built.c: a batch or shipment given by options ---- */

/* A record field an option gives: its path in the record, the option naming it. */
struct field_opt {
	const char *field;
	const char *option;
};
/* --OPT NAME, --OPT-id SCHEME:ID (repeatable), --OPT-country CC: the party that
 * issues a record (a batch's manufacturer, a shipment's exporter). */
#define PARTY_MAX_IDS 10 /* a party's identifiers (formats/batch.md) */
/* Party options the user left out, from the ledger's own party ('sdx party
 * set'): its name, country and identifiers, when no name nor identifier was
 * given.  The strings live in *party and idbuf. */
struct party_fill {
	const char **name, **country;
	const char **ids;
	size_t *nids;
};
void party_defaults(sdx_ledger *l, const struct party_fill *f, sdx_party *party,
		    char idbuf[][60]);

#define PARTY_OPTS(opt, name, ids, nids, country, help) \
	OPT_STRING(0, opt, (name), "NAME", help), \
	OPT_STRING_LIST(0, opt "-id", (ids), (nids), PARTY_MAX_IDS, "SCHEME:ID", \
			"an identifier of it: USCI, LEI, GLN, DUNS, EORI or VAT; repeatable", \
			"at most %zu --" opt "-id options"), \
	OPT_STRING(0, opt "-country", (country), "CC", "its country (ISO 3166 alpha-2, e.g. CN)")

/* A repeatable option giving one element of a list field per use. */
struct list_opt {
	const char *field;
	const char *option;
	const char *const *values;   /* its arguments, in order */
	size_t n;
};
struct built_record {
	const char *type;
	const struct field_opt *fields;
	const char *const *values;   /* per field: the option's argument, or NULL */
	size_t nfields;
	const struct list_opt *lists;
	size_t nlists;
	const char *const *links;    /* --input or --item specs */
	size_t nlinks;
	const char *link_option;     /* "--input": names spec N in messages as "--input #N" */
	const char *needs;           /* the message when a required option is missing */
};
/* Build it in libsdx, then print it (dry_run) or append it.  Returns an exit code. */
int cmd_append_built(const struct where *w, const struct built_record *r,
		     const char *const *attach, size_t nattach, int dry_run, int json);

/* ---- cmd/binding.c: a party given by options (trust add/bind, party set) ---- */

struct binding_opts {
	const char *name, *country;
	const char *ids[SDX_PARTY_IDS_MAX];
	size_t nids;
	const char *roles[SDX_PARTY_ROLES_MAX];
	size_t nroles;
	int label_hint; /* --name once meant a note (trust add): say --label is that now */
};
#define BINDING_OPTS(p, whose) \
	OPT_STRING(0, "name", &(p)->name, "NAME", whose " name, as its records give it"), \
	OPT_STRING_LIST(0, "id", (p)->ids, &(p)->nids, SDX_PARTY_IDS_MAX, "SCHEME:ID", \
			"an identifier of it, e.g. USCI:91330206MA2H7K5Q3E (repeatable)", \
			"at most %zu --id"), \
	OPT_STRING(0, "country", &(p)->country, "CC", "its country (ISO 3166-1 alpha-2)"), \
	OPT_STRING_LIST(0, "role", (p)->roles, &(p)->nroles, SDX_PARTY_ROLES_MAX, "ROLE", \
			"what it signs for: supplier, manufacturer, exporter, lab (repeatable)", \
			"at most %zu --role")
/* The party the options give, checked (sdx_party_check); 0 or an exit code.
 * `what` starts the messages ("trust add"). */
int binding_from_opts(sdx_party *out, const struct binding_opts *o, const char *what);
/* 1 if any party option was given. */
int binding_opts_given(const struct binding_opts *o);
/* The party as JSON {name, identifiers ["SCHEME:ID"], country, roles}. */
json_t *party_to_json(const sdx_party *p);
/* Its lines ("party:", "identifiers:", "roles:"), each after `indent`. */
void party_print(const sdx_party *p, const char *indent);

/* ---- cmd/export_interop.c: sdx export --epcis / --untp ---- */

/* Export the graph below REF as EPCIS (epcis: REF) or UNTP credentials of kind
 * `untp` to `output`; returns an exit code. */
int cmd_export_interop(struct where *w, const char *epcis, const char *untp, const char *ref,
		       const char *output, int json);
/* Write text to path through a temporary file, so that nothing half-written
 * is left; 0 or an exit code (the message printed). */
int write_whole(const char *path, const char *text);

/* ---- cmd/export_customs.c: sdx export --cn-customs ---- */

/* Write the China customs document lines of shipment REF to `output` as
 * `format` ("csv", "json"; NULL: by the name's extension), judging reports by
 * the lab register in `labs` (NULL: the ledger's); returns an exit code. */
int cmd_export_cn_customs(struct where *w, const char *ref, const char *format,
			  const char *labs, const char *output, int json);

/* ---- cmd/trust_intro.c: sdx trust introduce, sdx trust policy ---- */

struct intro_opts {
	const struct where *w;
	const struct binding_opts *party;
	const char *ref;                 /* introduce: the key */
	const char *method, *checked, *detail;
	int withdraw;                    /* introduce --withdraw */
	const char *from, *roles;        /* policy accept */
	uint64_t depth;
	int json;
};
/* The key REF names: a verifier key, a file of one, or a trusted key's name,
 * label or key id (cmd_trust.c).  0 or an exit code; `none` ends the message
 * when no trusted key matches. */
int trust_key_named(sdx_verifier **out, sdx_ledger *l, const char *ref, const char *none);
int trust_introduce(const struct intro_opts *o);
/* Show (what NULL), or set: "none", "accept". */
int trust_policy(const struct intro_opts *o, sdx_ledger *l, const char *what);
/* The introductions a trusted key was accepted by: printed, or into obj's "introduced". */
int trust_print_introduced(sdx_ledger *l, const unsigned char pubkey[32], json_t *obj);
/* Revoke v, saying which keys it introduced still count and which no longer. */
int trust_revoke_introduced(sdx_ledger *l, const sdx_verifier *v, const char *reason);

/* The keys trusted through introductions now; after an import, name on
 * stderr those it added (and free the snapshot). */
struct intro_snapshot;
struct intro_snapshot *trust_intro_snapshot(sdx_ledger *l);
void trust_intro_report(sdx_ledger *l, struct intro_snapshot *before);

/* ---- cmd/output.c: printing ---- */

void print_json(json_t *j);   /* prints and decrefs */
/* "declaration D-1 (example.com/m #3, entry 1a2b3c4d5e6f7a8b)" of a {ref, origin, index, label} */
void print_record_ref(const json_t *r);
/* "  CONFLICT  R against O: what" for each of a list of conflicts (formats/trust.md) */
void print_conflicts(const json_t *list);
void b64_hash(char out[45], const unsigned char hash[32]);
void hex_hash(char out[65], const unsigned char hash[32]);
/* The string member k of o, or "" if there is none. */
const char *json_str(const json_t *o, const char *k);

/* ---- cmd/report.c: the JSON of --json outputs, shared with sdx serve ---- */

/* These call the library and print nothing: 0 or an SDX_E* code (message set). */
/* {input, index, leaf_hash, time}: an entry appended (sdx declare --json). */
json_t *entry_info_json(const char *what, const sdx_entry_info *info);
/* {index, time, type, leaf_hash, summary}: a line of sdx log --json. */
int log_entry_json(json_t **out, const sdx_entry *e);
/* 1 if the entry's own signature checks against the ledger key that signs it. */
int entry_signature_ok(sdx_ledger *l, const sdx_entry *e);
/* sdx show --json: index, hashes and the decoded payload. */
int show_json(json_t **out, sdx_ledger *l, const sdx_entry *e);
/* sdx prove REF --json, and sdx prove --from M [--to N] --json. */
int prove_inclusion_json(json_t **out, sdx_ledger *l, const char *ref);
int prove_consistency_json(json_t **out, sdx_ledger *l, uint64_t from, int to_given, uint64_t to);
/* Who stands behind each record (formats/trust.md), and how many conflicts. */
int ledger_attribution(json_t **out, size_t *conflicts, sdx_ledger *l);
/* sdx verify --json of a ledger: err is what sdx_ledger_verify() returned. */
json_t *verify_json(const char *path, sdx_ledger *l, int err, const sdx_verify_report *rep,
		    json_t *attr);
/* sdx export --json and sdx import --json. */
json_t *export_json(const char *bundle, const sdx_bundle_stats *st);
/* conflicts: the array import_conflicts() gave (borrowed), or NULL for none */
json_t *import_json(const char *bundle, const sdx_import_result *res, json_t *conflicts);
/* The conflicts that the entries imported after `mark` (sdx_ledger_foreign_mark())
 * are part of, as a JSON array into *out; 0 or the error. */
int import_conflicts(json_t **out, sdx_ledger *l, uint64_t mark);
/* The leaf hashes of everything upstream of each of refs (sdx export --provenance),
 * each once: *out is malloc'd, *out_n entries. */
int provenance_union(unsigned char (**out)[32], size_t *out_n, sdx_ledger *l,
		     const char *const *refs, size_t nrefs);

/* ---- cmd/common.c ---- */

/* Subcommands, one file each. */
int cmd_init(int argc, char **argv);
int cmd_key(int argc, char **argv);
int cmd_declare(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_checkpoint(int argc, char **argv);
int cmd_prove(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_publish(int argc, char **argv);
int cmd_attachment(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_trust(int argc, char **argv);
int cmd_party(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_inbox(int argc, char **argv);
int cmd_batch(int argc, char **argv);
int cmd_ship(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_where_used(int argc, char **argv);
int cmd_due(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_clearance(int argc, char **argv);
int cmd_request(int argc, char **argv);

/* ---- cmd/profiles.c ---- */

/* Load the profiles named (nnames > 0), or every shipped one, at most max, into
 * out; *n loaded (free them, also on error).  0 or an exit code. */
int cmd_load_profiles(sdx_profile **out, size_t *n, const char *const *names, size_t nnames,
		      size_t max);
/* The newest version of every substance list the ledger holds (at most max; free
 * each of the *n, also on error).  0 or an exit code. */
int cmd_load_lists(sdx_substance_list **out, size_t *n, size_t max, sdx_ledger *l);
/* What check and report judge with, from the ledger read (or the local one
 * beside a bundle; none if there is none): its lab registers, unless
 * labs_file names a register file, and its substance lists (at most max).
 * 0 or an exit code. */
int cmd_reference_data(sdx_lab_register **labs, sdx_substance_list **lists, size_t *nlists,
		       size_t max, const char *labs_file, struct graph_src *src);

/* ---- cmd/main.c, cmd/suggest.c, cmd/manpage.c: help in every form ---- */

/* The summary line of a command in `sdx --help` ("" if none). */
const char *cmd_summary(const char *name);
/* The candidate nearest to a mistyped word, or NULL if none is near. */
const char *cmd_nearest(const char *word, const char *const *cands, size_t n);
/* `sdx CMD --help=man`: the usage and option table as a man(7) page. */
void cmd_print_man(FILE *f, const char *name, const struct usage *u, const struct opt *opts);
/* `--help=words`: each long option, one per line ("--profile=" takes an argument). */
void cmd_print_words(FILE *f, const struct opt *opts);
/* .TH and NAME of a page; a --help paragraph as roff. */
void cmd_man_header(FILE *f, const char *page, const char *name, const char *summary);
void cmd_man_text(FILE *f, const char *text);
/* The shell completion script for "bash" or "zsh" (cmd/completion.c). */
const char *cmd_completion_script(const char *shell);
int cmd_check(int argc, char **argv);
int cmd_reindex(int argc, char **argv);
int cmd_lab(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_witness(int argc, char **argv);
/* A trust policy file (sdx/witness.h) into *out; 0 or an exit code (said). */
int load_policy(sdx_policy **out, const char *path);
/* Ask the witness c at url to cosign the own checkpoint at size and keep its
 * answer: 0; 1 with why (it refused, in its words); or the error. */
int witness_ask(sdx_ledger *l, const sdx_cosigner *c, const char *url, uint64_t size,
		char *why, size_t cap);
/* Download url (bearer token: NULL for none) into a new file beside `beside`, at
 * most max bytes (0: no limit); its path into out.  0 or an exit code (said). */
int remote_download(char *out, size_t cap, const char *url, const char *token, uint64_t max,
		    const char *beside);
/* sdx_fetch_fn over HTTP(S): ctx is the log's base URL (cmd/remote_client.c). */
int remote_fetch(void *ctx, const char *path, unsigned char **out, size_t *len);

/* The language of report pages and of check's human output (cmd/l10n.c):
 * opt "zh-CN" or "en", or NULL for the environment's.  0 or an exit code. */
int cmd_lang(const char *opt);

#endif
