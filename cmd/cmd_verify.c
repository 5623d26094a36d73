/* cmd/cmd_verify.c - sdx verify: audit the whole ledger. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/progress.h"

#define MAX_TRUST 64

static const struct usage use = {
	"sdx verify [--threads N] [--bodies] [--signatures] [--policy FILE] [--remote URL]\n"
	"       [--quiet] [--json] [-L LEDGER]\n"
	"   or: sdx verify FILE.sdxb [--trust VKEY|FILE]... [--trust-on-first-use] [--bodies]\n"
	"       [--signatures] [--policy FILE] [--remote URL] [--quiet] [--json]\n"
	"   or: sdx verify FILE.tlog-proof --entry FILE (--policy FILE | --trust VKEY) [--json]",
	"Without FILE: audit the ledger from scratch: every entry's bytes and payload,\n"
	"the sequence and hash chain, every stored Merkle tree hash, every\n"
	"checkpoint's signature and root, every attachment's content, imported\n"
	"entries against their checkpoints, and the append-only triggers.  Header\n"
	"fields are read from the exact layout sdx writes; --bodies also parses each\n"
	"body (the signature already covers it).\n"
	"With FILE.sdxb: check a bundle offline, needing no ledger: archive safety, the\n"
	"manifest's signature and every member's hash, every entry's inclusion proof,\n"
	"every checkpoint and consistency proof, the cited evidence (from each entry's\n"
	"header; --bodies parses the bodies as well).  An age-encrypted FILE ('sdx\n"
	"export --encrypt-to', 'age -r') is decrypted first with the ledger's age key\n"
	"(KEY.x25519, 'sdx key age'; its passphrase is asked for) into a temporary file\n"
	"in the ledger's directory, removed afterwards (formats/age.md).\n"
	"Hash-bound by default: an entry covered by a signed checkpoint of the key that\n"
	"signed it is authenticated by that checkpoint's root, recomputed from the\n"
	"bytes (a changed byte changes the root), so its own signature is not checked;\n"
	"signatures are checked where they add something: entries signed by another\n"
	"key than the checkpoint's (before a key rotation) and the entries after\n"
	"the last checkpoint.  --signatures checks every entry's signature too\n"
	"(formats/ledger.md and formats/bundle.md, \"What verify proves\").\n"
	"Progress goes to stderr when it is a terminal (--quiet: never).\n"
	"A ledger that verifies is then attributed (formats/trust.md): for each origin,\n"
	"how many records are signed by the party they name, restated by another, or\n"
	"signed with a key bound to no party; each restated record; each conflict.\n"
	"--policy FILE (formats/witness.md: 'log VKEY', 'witness NAME VKEY [URL]',\n"
	"'group NAME N|any|all MEMBER...', 'quorum NAME|none') also requires each\n"
	"checkpoint - the ledger's own and the latest held of each imported origin, or\n"
	"each the bundle carries - to be signed by the policy's log key of its origin\n"
	"and cosigned by its quorum of witnesses, and names the witnesses that did.\n"
	"--remote URL (a C2SP tlog-tiles log: 'sdx serve', 'sdx publish' behind any web\n"
	"server) also reads the log's /checkpoint and only the hash tiles a consistency\n"
	"proof needs, and checks that it shows the same history as the checkpoint held\n"
	"of its origin (the ledger's own, the latest imported, or the bundle's): exit 1\n"
	"when it shows another (a fork) or an older one (stale).\n"
	"With FILE.tlog-proof (C2SP tlog-proof@v1, 'sdx prove --tlog-proof'): check\n"
	"that the entry bytes in --entry are the entry it names, under a checkpoint that\n"
	"meets the --policy (or is signed by the --trust log key).\n"
	"Exit 0 if all holds; 1 if anything is forged or corrupt (the first bad entry,\n"
	"hash or member is named); 3 if valid but signed by a key you do not trust, or\n"
	"a checkpoint does not meet the --policy;\n"
	"7 if a record restating a party's document contradicts that party's own;\n"
	"2 if the input cannot be read.  Needs no key and no passphrase.",
	USAGE_ANY
};

struct verify_opts {
	struct where w;
	sdx_bundle_verify_options bo;
	uint64_t threads;
	int json, tofu, bodies, signatures, quiet;
	const char *policy_path, *entry_path, *remote;
	sdx_policy *policy;
	sdx_verifier *trusted[MAX_TRUST];
	size_t n_trusted;
	sdx_verifier *revoked[MAX_REVOKED];
	size_t n_revoked;
	struct keyring trust, revoke; /* over trusted[] and revoked[] */
};

/* ---- --policy: the witnesses of each checkpoint -------------------------------------- */

/* Check one checkpoint note against the policy: a line (or a JSON member of
 * list), and 0 or the error (SDX_EUNTRUSTED when the policy is not met). */
static int witnessed(const sdx_policy *p, const char *origin, const char *note, size_t len,
		     json_t *list, int quiet)
{
	sdx_checkpoint cp;
	char *names = NULL, why[400];
	int err = sdx_policy_check(&names, p, note, len);

	memset(&cp, 0, sizeof(cp));
	sdx_checkpoint_parse(&cp, note, len);
	snprintf(why, sizeof(why), "%s", err < 0 ? sdx_error_last() : "");
	if (list)
		json_array_append_new(list, json_pack("{s:s, s:I, s:b, s:s, s:s}", "origin", origin,
						      "tree_size", (json_int_t)cp.size, "ok", err == 0,
						      "witnesses", names ? names : "",
						      "error", why));
	else if (!quiet && err == 0)
		printf("  witnessed %s at size %" PRIu64 ": cosigned by %s (policy met)\n", origin,
		       cp.size, names && *names ? names : "no witness (quorum none)");
	else if (!quiet)
		printf("  NOT witnessed %s: %s\n", origin, why);
	free(names);
	if (err < 0)
		sdx_error_set(err, "%s", why);
	return err;
}

struct held_note {
	char origin[SDX_NAME_MAX + 1];
	uint64_t size;
	char *note;
	size_t len;
};

struct held_notes {
	struct held_note *at;
	size_t n;
};

/* The sink's checkpoint callback: keep each checkpoint note a bundle carries. */
static int keep_note(void *ctx, const char *origin, uint64_t size, const unsigned char root[32],
		     const char *note, size_t len)
{
	struct held_notes *h = ctx;
	struct held_note *grown;

	(void)root;
	if (!(grown = realloc(h->at, (h->n + 1) * sizeof(*grown))))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	h->at = grown;
	grown = &h->at[h->n];
	snprintf(grown->origin, sizeof(grown->origin), "%s", origin);
	grown->size = size;
	grown->len = len;
	if (!(grown->note = malloc(len + 1)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	memcpy(grown->note, note, len);
	grown->note[len] = '\0';
	h->n++;
	return 0;
}

static void held_notes_clear(struct held_notes *h)
{
	for (size_t i = 0; i < h->n; i++)
		free(h->at[i].note);
	free(h->at);
}

/* Each ledger of a verified bundle: its included checkpoint against the policy. */
static int bundle_witnessed(struct verify_opts *o, const sdx_bundle_report *rep,
			    const struct held_notes *h, json_t *list)
{
	const sdx_bundle_ledger *bl;
	size_t i, k;
	int err = 0, e;

	for (i = 0; (bl = sdx_bundle_report_ledger(rep, i)); i++) {
		for (k = 0; k < h->n; k++)
			if (strcmp(h->at[k].origin, bl->origin) == 0 && h->at[k].size == bl->tree_size)
				break;
		if (k == h->n)
			continue;
		if ((e = witnessed(o->policy, bl->origin, h->at[k].note, h->at[k].len, list,
				   o->json)) < 0 && !err)
			err = e;
	}
	return err;
}

struct ledger_witness {
	struct verify_opts *o;
	sdx_ledger *l;
	json_t *list;
	int err;
};

static int origin_witnessed(void *ctx, const char *origin, uint64_t size, uint64_t entries,
			    const char *latest)
{
	struct ledger_witness *lw = ctx;
	char *note = NULL;
	size_t len = 0;
	int e;

	(void)entries;
	(void)latest;
	if (!size)
		return 0;
	if ((e = sdx_ledger_foreign_checkpoint_note(&note, &len, lw->l, origin, size)) == 0)
		e = witnessed(lw->o->policy, origin, note, len, lw->list, lw->o->json);
	free(note);
	if (e < 0 && !lw->err)
		lw->err = e;
	return 0;
}

/* The own latest checkpoint and the latest held of each imported origin. */
static int ledger_witnessed(struct verify_opts *o, sdx_ledger *l, json_t *list)
{
	struct ledger_witness lw = { o, l, list, 0 };
	char *note = NULL;
	size_t len = 0;
	int err;

	if ((err = sdx_ledger_cosigned_checkpoint(&note, &len, NULL, l, 0)) < 0)
		return err;
	lw.err = witnessed(o->policy, sdx_ledger_origin(l), note, len, list, o->json);
	free(note);
	if ((err = sdx_ledger_foreach_origin(l, origin_witnessed, &lw)) < 0)
		return err;
	return lw.err;
}

/* ---- --remote: what a served log shows --------------------------------------------- */

struct key_list {
	sdx_verifier *v[MAX_TRUST];
	size_t n;
	const char *name;  /* only keys of this name */
};

static int add_key(struct key_list *k, const sdx_verifier *v)
{
	if (k->n == MAX_TRUST || (k->name && strcmp(sdx_verifier_name(v), k->name) != 0))
		return 0;
	return sdx_verifier_new(&k->v[k->n++], sdx_verifier_name(v), sdx_verifier_public_key(v));
}

static int own_key(void *ctx, const sdx_verifier *v, uint64_t since)
{
	(void)since;
	return add_key(ctx, v);
}

static int trusted_key(void *ctx, const sdx_verifier *v, const char *label, const char *added)
{
	(void)label;
	(void)added;
	return add_key(ctx, v);
}

static void key_list_clear(struct key_list *k)
{
	for (size_t i = 0; i < k->n; i++)
		sdx_verifier_free(k->v[i]);
	k->n = 0;
}

struct largest {
	uint64_t size;
	unsigned char root[32];
	int found;
};

static int largest_held(void *ctx, uint64_t size, const unsigned char root[32], const char *note,
			size_t len)
{
	struct largest *g = ctx;

	(void)note;
	(void)len;
	if (!g->found || size > g->size) {
		g->size = size;
		memcpy(g->root, root, 32);
		g->found = 1;
	}
	return 0;
}

/* The remote log at url against (held_size, held_root) of its origin; a line
 * printed; own: l's tree proves a remote log that is behind.  0 or the error. */
static int remote_against(const char *url, const char *note, size_t len, uint64_t held_size,
			  const unsigned char held_root[32], struct key_list *keys, sdx_ledger *own,
			  json_t **j, int quiet)
{
	sdx_remote_report rr;
	int err;

	err = sdx_remote_consistent(&rr, held_size, held_root, note, len, keys->v, keys->n,
				    remote_fetch, (void *)url);
	if (err == 0 && rr.behind) {
		unsigned char proof[SDX_MERKLE_MAX_PROOF][32];
		sdx_checkpoint cp;
		size_t n = 0;
		sdx_checkpoint_parse(&cp, note, len);
		if (own && sdx_ledger_prove_consistency(proof, &n, own, cp.size, held_size) == 0 &&
		    sdx_merkle_verify_consistency(cp.size, held_size, cp.root, held_root,
						  (const unsigned char (*)[32])proof, n) < 0)
			err = sdx_error_set(SDX_ECONFLICT, "%s shows %s at size %" PRIu64 ", which "
					    "the checkpoint held at size %" PRIu64 " does not extend: "
					    "a fork", url, rr.origin, cp.size, held_size);
		else
			err = sdx_error_set(SDX_EVERIFY, "%s shows %s at size %" PRIu64 ", older than "
					    "the checkpoint held at size %" PRIu64 ": stale, or rolled "
					    "back", url, rr.origin, cp.size, held_size);
	}
	if (j)
		*j = json_pack("{s:s, s:s, s:I, s:I, s:I, s:b, s:s}", "url", url, "origin",
			       rr.origin, "remote_size", (json_int_t)rr.remote_size, "held_size",
			       (json_int_t)rr.held_size, "tiles", (json_int_t)rr.tiles, "ok", err == 0,
			       "error", err < 0 ? sdx_error_last() : "");
	else if (!quiet && err == 0)
		printf("  remote    %s shows %s at size %" PRIu64 ": consistent with the checkpoint "
		       "held at size %" PRIu64 " (%" PRIu64 " tiles read)\n", url, rr.origin,
		       rr.remote_size, rr.held_size, rr.tiles);
	return err;
}

/* sdx verify --remote URL of a ledger: its own origin, or an imported one. */
static int ledger_remote(struct verify_opts *o, sdx_ledger *l, json_t **j)
{
	struct key_list keys;
	struct largest held;
	unsigned char *note = NULL;
	sdx_checkpoint cp, rc;
	size_t len = 0;
	int own, err;

	memset(&keys, 0, sizeof(keys));
	memset(&held, 0, sizeof(held));
	if ((err = remote_fetch((void *)o->remote, "checkpoint", &note, &len)) < 0)
		return err;
	if ((err = sdx_checkpoint_parse(&rc, (const char *)note, len)) < 0)
		goto done;
	own = strcmp(rc.origin, sdx_ledger_origin(l)) == 0;
	keys.name = rc.origin;
	if (own) {
		if ((err = sdx_ledger_get_checkpoint(NULL, NULL, &cp, l, 0)) < 0)
			goto done;
		held.size = cp.size;
		memcpy(held.root, cp.root, 32);
		err = sdx_ledger_foreach_key(l, own_key, &keys);
	} else {
		if ((err = sdx_ledger_foreach_foreign_checkpoint(l, rc.origin, largest_held,
								  &held)) < 0)
			goto done;
		if (!held.found) {
			err = sdx_error_set(SDX_ENOTFOUND, "%s serves %s, which this ledger neither is "
					    "nor holds anything of", o->remote, rc.origin);
			goto done;
		}
		err = sdx_ledger_foreach_trusted(l, trusted_key, &keys);
	}
	if (err >= 0)
		err = remote_against(o->remote, (const char *)note, len, held.size, held.root, &keys,
				     own ? l : NULL, j, o->json);
done:
	key_list_clear(&keys);
	free(note);
	return err;
}

/* sdx verify FILE.sdxb --remote URL: the bundle's checkpoint of the remote's origin. */
static int bundle_remote(struct verify_opts *o, const sdx_bundle_report *rep,
			 const struct held_notes *h, json_t **j)
{
	struct key_list keys;
	unsigned char *note = NULL;
	const sdx_bundle_ledger *bl;
	sdx_checkpoint rc, cp;
	size_t len = 0, i, k;
	int err;

	memset(&keys, 0, sizeof(keys));
	if ((err = remote_fetch((void *)o->remote, "checkpoint", &note, &len)) < 0)
		return err;
	if ((err = sdx_checkpoint_parse(&rc, (const char *)note, len)) < 0)
		goto done;
	for (i = 0; (bl = sdx_bundle_report_ledger(rep, i)); i++)
		if (strcmp(bl->origin, rc.origin) == 0)
			break;
	for (k = 0; bl && k < h->n; k++)
		if (strcmp(h->at[k].origin, bl->origin) == 0 && h->at[k].size == bl->tree_size)
			break;
	if (!bl || k == h->n) {
		err = sdx_error_set(SDX_ENOTFOUND, "%s serves %s, of which the bundle carries "
				    "nothing", o->remote, rc.origin);
		goto done;
	}
	if ((err = sdx_checkpoint_parse(&cp, h->at[k].note, h->at[k].len)) < 0)
		goto done;
	keys.name = rc.origin;
	for (i = 0; i < o->n_trusted && err >= 0; i++)
		err = add_key(&keys, o->trusted[i]);
	if (err >= 0)
		err = remote_against(o->remote, (const char *)note, len, cp.size, cp.root, &keys,
				     NULL, j, o->json);
done:
	key_list_clear(&keys);
	free(note);
	return err;
}

/* Is the file a tlog-proof (its first line)? */
static int is_tlog_proof(const char *path)
{
	static const char head[] = "c2sp.org/tlog-proof@v1\n";
	char buf[sizeof(head)];
	FILE *f = fopen(path, "rb");
	size_t n = f ? fread(buf, 1, sizeof(head) - 1, f) : 0;

	if (f)
		fclose(f);
	return n == sizeof(head) - 1 && memcmp(buf, head, n) == 0;
}

/* sdx verify FILE.tlog-proof --entry FILE (--policy | --trust): an exit code. */
static int verify_tlog_proof(struct verify_opts *o, const char *path)
{
	sdx_policy *own = NULL;
	const sdx_policy *p = o->policy;
	char *text = NULL, *entry = NULL, *names = NULL;
	size_t len = 0, elen = 0, i;
	uint64_t index = 0;
	int rc, err;

	if (!o->entry_path)
		return cmd_error(EXIT_USAGE, "%s: a tlog-proof is checked against the entry's bytes: "
				 "give --entry FILE ('sdx show REF --raw > FILE')", path);
	if (!p && !o->n_trusted)
		return cmd_error(EXIT_USAGE, "%s: give --policy FILE, or --trust VKEY for the log's "
				 "key alone", path);
	if (!p) {
		/* the trusted keys as the logs of a policy without witnesses */
		char *ptext = NULL, *vk = NULL;
		size_t cap = 32, n = 0;
		for (i = 0; i < o->n_trusted; i++)
			cap += SDX_NAME_MAX + 80;
		if (!(ptext = malloc(cap)))
			return cmd_error(EXIT_ENV, "out of memory");
		for (i = 0; i < o->n_trusted; i++) {
			if (sdx_verifier_format(&vk, o->trusted[i]) < 0)
				break;
			n += (size_t)snprintf(ptext + n, cap - n, "log %s\n", vk);
			free(vk);
			vk = NULL;
		}
		n += (size_t)snprintf(ptext + n, cap - n, "quorum none\n");
		err = sdx_policy_parse(&own, ptext, n, "--trust");
		free(ptext);
		if (err < 0)
			return cmd_fail(err);
		p = own;
	}
	if ((rc = cmd_read_record(path, &text, &len)) != 0 ||
	    (rc = cmd_read_record(o->entry_path, &entry, &elen)) != 0) {
		free(text);
		sdx_policy_free(own);
		return rc;
	}
	err = sdx_tlog_proof_verify(&index, &names, text, len, entry, elen, p);
	if (o->json)
		print_json(json_pack("{s:s, s:b, s:I, s:s, s:s}", "proof", path, "ok", err == 0,
				     "index", (json_int_t)index, "witnesses", names ? names : "",
				     "error", err < 0 ? sdx_error_last() : ""));
	else if (err == 0)
		printf("ok: %s: %s is entry %" PRIu64 ", under a checkpoint that meets the policy"
		       "%s%s\n", path, o->entry_path, index, names && *names ? "; cosigned by " : "",
		       names ? names : "");
	rc = err < 0 ? cmd_fail(err) : EXIT_OK;
	free(names);
	free(text);
	free(entry);
	sdx_policy_free(own);
	return rc;
}

/* Record the producer's key after a first good bundle (--trust-on-first-use). */
static void remember_producer(sdx_ledger *l, const sdx_bundle_report *rep)
{
	sdx_verifier *v = NULL;
	char label[64], fp[80];

	if (!l || sdx_verifier_parse(&v, sdx_bundle_report_producer_vkey(rep)) < 0)
		return;
	snprintf(label, sizeof(label), "trusted on first use, %.20s", sdx_bundle_report_created(rep));
	if (sdx_ledger_trust_add(l, v, label) == 0) {
		sdx_key_fingerprint(fp, sizeof(fp), sdx_verifier_public_key(v));
		fprintf(stderr, "sdx: now trusting %s (fingerprint %s); check it with them\n",
			sdx_bundle_report_producer_vkey(rep), fp);
	}
	sdx_verifier_free(v);
}

static int verify_plain(struct verify_opts *o, const char *path, const char *file);

static int verify_bundle(struct verify_opts *o, const char *path)
{
	struct age_input in;
	int err;

	/* an age file: its bundle, decrypted with the ledger's age key */
	where_resolve(&o->w);
	if ((err = age_open(&in, &o->w, path)) != 0)
		return err;
	err = verify_plain(o, path, in.path);
	age_close(&in);
	return err;
}

/* Verify the bundle at `file`, shown as `path`. */
static int verify_plain(struct verify_opts *o, const char *path, const char *file)
{
	sdx_bundle_verify_options bo = SDX_BUNDLE_VERIFY_OPTIONS_INIT;
	sdx_bundle_report *rep = NULL;
	sdx_bundle_sink sink;
	struct held_notes notes = { NULL, 0 };
	struct progress prog;
	const sdx_bundle_ledger *bl;
	sdx_ledger *l = NULL;
	json_t *wlist = NULL, *rj = NULL;
	size_t i, introduced = 0;
	int err, perr = 0;

	memset(&sink, 0, sizeof(sink));
	/* a local ledger, if there is one, holds the keys this organisation trusts */
	where_resolve(&o->w);
	if (access(o->w.ledger, F_OK) == 0) {
		if ((err = open_ledger(&l, &o->w, o->tofu ? 0 : SDX_OPEN_READONLY)) != 0)
			return err;
		if ((err = load_ledger_keys(l, &o->trust, &o->revoke, 1)) != 0) {
			sdx_ledger_free(l);
			return err;
		}
	}

	bo.max_member = o->bo.max_member;
	bo.max_total = o->bo.max_total;
	bo.max_entries = o->bo.max_entries;
	bo.trusted = o->trusted;
	bo.n_trusted = o->n_trusted;
	bo.revoked = o->revoked;
	bo.n_revoked = o->n_revoked;
	bo.trust_on_first_use = o->tofu;
	bo.flags = (o->bodies ? SDX_BUNDLE_VERIFY_BODIES : 0) |
		   (o->signatures ? SDX_BUNDLE_VERIFY_SIGNATURES : 0);
	bo.threads = (unsigned)o->threads;
	if (o->policy || o->remote) {
		sink.ctx = &notes;
		sink.checkpoint = keep_note;
		bo.sink = &sink;
	}
	progress_begin(&prog, "verify", o->quiet);
	err = sdx_bundle_verify_introduced(&rep, &introduced, l, file, &bo);
	age_error_rename(err, file, path);
	progress_end(&prog);
	if (o->policy && (err == 0 || err == SDX_EUNTRUSTED)) {
		wlist = o->json ? json_array() : NULL;
		perr = bundle_witnessed(o, rep, &notes, wlist);
	}
	if (o->remote && err == 0) {
		char saved[400];
		int e = bundle_remote(o, rep, &notes, o->json ? &rj : NULL);
		if (e < 0 && !perr) {
			perr = e;
			snprintf(saved, sizeof(saved), "%s", sdx_error_last());
			sdx_error_set(e, "%s", saved);
		}
	}
	if (o->json) {
		json_t *led = json_array();
		for (i = 0; (bl = sdx_bundle_report_ledger(rep, i)); i++)
			json_array_append_new(led, json_pack("{s:s, s:I, s:I, s:I, s:b}",
				"origin", bl->origin,
				"tree_size", (json_int_t)bl->tree_size,
				"entries", (json_int_t)bl->entries,
				"consistency_proofs", (json_int_t)bl->consistency,
				"trusted", bl->trusted));
		json_t *j = json_pack("{s:s, s:s, s:b, s:s, s:s, s:s, s:b, s:o, s:I, s:I}",
				      "bundle", path,
				      "result", err == 0 ? "ok" : err == SDX_EUNTRUSTED ? "untrusted"
					       : err == SDX_EVERIFY ? "forged-or-corrupt" : "unreadable",
				      "ok", err == 0, "producer", sdx_bundle_report_producer(rep),
				      "producer_key", sdx_bundle_report_producer_vkey(rep),
				      "created", sdx_bundle_report_created(rep),
				      "producer_trusted", sdx_bundle_report_producer_trusted(rep),
				      "ledgers", led,
				      "entries", (json_int_t)sdx_bundle_report_entries(rep),
				      "attachments", (json_int_t)sdx_bundle_report_attachments(rep));
		if (sdx_bundle_report_disclosures(rep) || sdx_bundle_report_withheld_count(rep)) {
			json_t *wl = json_array();
			for (i = 0; i < sdx_bundle_report_withheld_count(rep); i++) {
				const unsigned char *h;
				const char *origin;
				uint64_t index;
				char hex[65];

				sdx_bundle_report_withheld(rep, i, &h, &origin, &index);
				hex_hash(hex, h);
				json_array_append_new(wl, json_pack("{s:s, s:s, s:I}", "sha256", hex,
						      "origin", origin, "index", (json_int_t)index));
			}
			json_object_set_new(j, "disclosures",
					    json_integer((json_int_t)sdx_bundle_report_disclosures(rep)));
			json_object_set_new(j, "withheld_attachments", wl);
		}
		if (err < 0)
			json_object_set_new(j, "error", json_string(sdx_error_last()));
		if (wlist)
			json_object_set_new(j, "witnessed", json_incref(wlist));
		if (rj)
			json_object_set_new(j, "remote", json_incref(rj));
		print_json(j);
	} else if (err == 0 || err == SDX_EUNTRUSTED) {
		printf("bundle %s\n  producer  %s%s\n  created   %s\n", path,
		       sdx_bundle_report_producer(rep),
		       sdx_bundle_report_producer_trusted(rep) ? " (trusted key)" :
		       err ? " (key NOT trusted)" : " (trusted on first use)",
		       sdx_bundle_report_created(rep));
		if (*sdx_bundle_report_recipient(rep))
			printf("  for       %s\n", sdx_bundle_report_recipient(rep));
		for (i = 0; (bl = sdx_bundle_report_ledger(rep, i)); i++)
			printf("  ledger    %s: %" PRIu64 " entries proved against its checkpoint at "
			       "size %" PRIu64 ", %" PRIu64 " consistency proofs, key %s\n",
			       bl->origin, bl->entries, bl->tree_size, bl->consistency,
			       bl->trusted ? "trusted" : "NOT trusted");
		printf("  checked   manifest signature, %" PRIu64 " member hashes, entry signatures, "
		       "inclusion proofs, checkpoints, %" PRIu64 " attachments\n",
		       sdx_bundle_report_members(rep), sdx_bundle_report_attachments(rep));
		if (sdx_bundle_report_disclosures(rep))
			printf("  disclosed %" PRIu64 " concealed field%s, each matching a digest of "
			       "its entry\n", sdx_bundle_report_disclosures(rep),
			       sdx_bundle_report_disclosures(rep) == 1 ? "" : "s");
		for (i = 0; i < sdx_bundle_report_withheld_count(rep); i++) {
			const unsigned char *h;
			const char *origin;
			uint64_t index;
			char hex[65];

			sdx_bundle_report_withheld(rep, i, &h, &origin, &index);
			hex_hash(hex, h);
			printf("  withheld  attachment %s of %s entry %" PRIu64 ": not sent, with "
			       "the entry's withheld fields\n", hex, origin, index);
		}
		if (introduced)
			printf("  trusted   %zu key(s) through introductions your trust policy accepts "
			       "('sdx import' trusts them)\n", introduced);
		if (err == 0 && perr == 0)
			printf("ok: %s\n", path);
	}
	if (err == 0 && o->tofu && !sdx_bundle_report_producer_trusted(rep))
		remember_producer(l, rep);
	json_decref(wlist);
	json_decref(rj);
	held_notes_clear(&notes);
	sdx_bundle_report_free(rep);
	sdx_ledger_free(l);
	if (err == 0 && perr < 0)
		err = perr;
	return err < 0 ? cmd_fail(err) : EXIT_OK;
}

static void print_counts(const json_t *o)
{
	static const struct { const char *member, *words; } more[] = {
		{ "role", "signed outside the roles of its party's binding" },
		{ "not_named", "naming no issuer" },
	};
	const char *party = json_str(o, "party");
	int own = json_is_true(json_object_get(o, "own"));
	size_t k;

	printf("  %s (%s%s%s%s%s): %" JSON_INTEGER_FORMAT " of %" JSON_INTEGER_FORMAT " records "
	       "signed by the party they name, %" JSON_INTEGER_FORMAT " restated, %"
	       JSON_INTEGER_FORMAT " unbound", json_str(o, "origin"), own ? "this ledger, " : "",
	       *party ? (own ? "party " : "key bound to ") : (own ? "party not set" :
							       "key bound to no party"), party,
	       *json_str(o, "introduced_by") ? ", key introduced by " : "",
	       json_str(o, "introduced_by"),
	       json_integer_value(json_object_get(o, "signed")),
	       json_integer_value(json_object_get(o, "records")),
	       json_integer_value(json_object_get(o, "restated")),
	       json_integer_value(json_object_get(o, "unbound")));
	for (k = 0; k < sizeof(more) / sizeof(more[0]); k++)
		if (json_integer_value(json_object_get(o, more[k].member)))
			printf(", %" JSON_INTEGER_FORMAT " %s",
			       json_integer_value(json_object_get(o, more[k].member)), more[k].words);
	printf("\n");
}

/* A line per origin, each record restated or signed outside its roles, each conflict. */
static void print_attribution(const json_t *a)
{
	const json_t *x;
	size_t i;

	if (json_array_size(json_object_get(a, "origins")))
		printf("attribution (formats/trust.md):\n");
	json_array_foreach(json_object_get(a, "origins"), i, x)
		print_counts(x);
	json_array_foreach(json_object_get(a, "records"), i, x) {
		if (strcmp(json_str(x, "outcome"), "restated") != 0 &&
		    strcmp(json_str(x, "outcome"), "role") != 0)
			continue;
		printf("  %-9s ", json_str(x, "outcome"));
		print_record_ref(x);
		printf(": %s\n", json_str(x, "text"));
	}
	print_conflicts(json_object_get(a, "conflicts"));
}

int cmd_verify(int argc, char **argv)
{
	sdx_verify_options vo = SDX_VERIFY_OPTIONS_INIT;
	sdx_verify_report rep;
	struct progress prog;
	struct verify_opts o;
	sdx_ledger *l = NULL;
	json_t *attr = NULL, *wlist = NULL, *rj = NULL;
	size_t conflicts = 0;
	int first, rc, err, perr = 0;

	memset(&o, 0, sizeof(o));
	o.trust = (struct keyring){ o.trusted, MAX_TRUST, &o.n_trusted };
	o.revoke = (struct keyring){ o.revoked, MAX_REVOKED, &o.n_revoked };
	struct opt opts[] = {
		OPT_U64_RANGE('j', "threads", &o.threads, "N",
			      "signature-checking threads (default: every core)", 0, 64),
		OPT_CALLBACK(0, "trust", &o.trust, "VKEY|FILE", "bundles: trust this verifier key (or "
			     "the keys in FILE, one per line); repeatable", keyring_option),
		OPT_BOOL(0, "trust-on-first-use", &o.tofu, "bundles: accept the producer's own key"),
		OPT_BOOL(0, "bodies", &o.bodies, "also parse every record body as strict JSON (slower); "
			 "bundles: and check each header lists exactly the attachments its body cites"),
		OPT_BOOL(0, "signatures", &o.signatures, "check every entry's signature, also where "
			 "a signed checkpoint of the same key already authenticates its bytes"),
		OPT_STRING(0, "policy", &o.policy_path, "FILE", "require each checkpoint to meet this "
			   "trust policy of log keys and witnesses (formats/witness.md)"),
		OPT_STRING(0, "entry", &o.entry_path, "FILE", "tlog-proof: the entry's bytes, as "
			   "'sdx show REF --raw' writes them"),
		OPT_STRING(0, "remote", &o.remote, "URL", "also check that the tlog-tiles log at URL "
			   "shows the same history (formats/witness.md)"),
		OPT_BOOL('q', "quiet", &o.quiet, "no progress on stderr"),
		OPT_BOOL(0, "json", &o.json, "print the report as JSON"),
		LIMIT_OPTS(&o.bo),
		WHERE_OPTS(&o.w),
		OPT_END()
	};
	if ((rc = cmd_parse(argc, argv, &use, opts, &first)) != 0)
		return rc == CMD_HELP_SHOWN ? 0 : rc;
	if (first + 1 < argc)
		return cmd_error(EXIT_USAGE, "unexpected argument '%s'", argv[first + 1]);
	if (o.policy_path && (rc = load_policy(&o.policy, o.policy_path)) != 0)
		return rc;
	if (first < argc) {
		rc = is_tlog_proof(argv[first]) ? verify_tlog_proof(&o, argv[first]) :
		     verify_bundle(&o, argv[first]);
		keyring_clear(&o.trust);
		keyring_clear(&o.revoke);
		sdx_policy_free(o.policy);
		return rc;
	}
	if ((rc = resolve_and_open(&l, &o.w, SDX_OPEN_READONLY)) != 0) {
		sdx_policy_free(o.policy);
		return rc;
	}
	vo.threads = (unsigned)o.threads;
	vo.flags = (o.bodies ? SDX_VERIFY_BODIES : 0) | (o.signatures ? SDX_VERIFY_SIGNATURES : 0);
	progress_begin(&prog, "verify", o.quiet);
	err = sdx_ledger_verify(&rep, l, &vo);
	progress_end(&prog);
	/* who stands behind the records, once they verify */
	if (err == 0 && (rc = ledger_attribution(&attr, &conflicts, l)) < 0) {
		rc = cmd_fail(rc);
		sdx_policy_free(o.policy);
		sdx_ledger_free(l);
		return rc;
	}
	if (err == 0 && o.policy) {
		char saved[400];
		wlist = o.json ? json_array() : NULL;
		if (!o.json)
			printf("witnesses (--policy %s):\n", o.policy_path);
		/* printed after the summary below; the message is kept for then */
		if ((perr = ledger_witnessed(&o, l, wlist)) < 0) {
			snprintf(saved, sizeof(saved), "%s", sdx_error_last());
			sdx_error_set(perr, "%s", saved);
		}
	}
	if (err == 0 && o.remote) {
		char saved[400];
		int e = ledger_remote(&o, l, o.json ? &rj : NULL);
		if (e < 0 && !perr) {
			perr = e;
			snprintf(saved, sizeof(saved), "%s", sdx_error_last());
			sdx_error_set(e, "%s", saved);
		}
	}
	if (o.json) {
		json_t *j = verify_json(o.w.ledger, l, err, &rep, attr);
		if (wlist)
			json_object_set_new(j, "witnessed", json_incref(wlist));
		if (rj)
			json_object_set_new(j, "remote", json_incref(rj));
		print_json(j);
	}
	if (err < 0) {
		rc = cmd_fail(err);
	} else {
		if (!o.json)
			printf("ok: %s (%s): %" PRIu64 " entries, %" PRIu64 " tree hashes, %" PRIu64
			       " checkpoints, %" PRIu64 " attachments (%" PRIu64 " bytes) verified "
			       "with %u threads\n", o.w.ledger, sdx_ledger_origin(l), rep.entries,
			       rep.nodes, rep.checkpoints, rep.attachments, rep.attachment_bytes,
			       rep.threads);
		if (!o.json && rep.imported_entries)
			printf("    and %" PRIu64 " imported entries and %" PRIu64 " imported checkpoints "
			       "(hashes, proofs%s)\n", rep.imported_entries, rep.imported_checkpoints,
			       rep.imported_unsigned ? "; signatures of those imported before ledger "
			       "format 5 cannot be checked again" : ", signatures");
		if (!o.json)
			print_attribution(attr);
		rc = EXIT_OK;
		if (perr < 0)
			rc = cmd_fail(perr);
		else if (conflicts)
			rc = cmd_error(EXIT_CONFLICT, "%zu conflict%s: records about the same thing "
				       "that state otherwise (formats/trust.md, \"Conflicts\")",
				       conflicts, conflicts == 1 ? "" : "s");
	}
	json_decref(attr);
	json_decref(wlist);
	json_decref(rj);
	sdx_policy_free(o.policy);
	sdx_ledger_free(l);
	return rc;
}
