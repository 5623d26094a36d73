/*
 * formats/trust/intro_import.c - what the introductions a bundle carries make
 * trusted when it is imported (formats/trust.md, "Introductions").
 *
 * Only when the bundle was found untrusted: its introductions are read (a
 * second verification, keeping the entries of type introduction), each is
 * checked against the keys the recipient trusts directly (its signature by a
 * trusted key of its ledger's origin, that key not itself introduced: depth
 * 1), the introducer's latest word on a key is taken (a withdrawal counts),
 * and the recipient's policy says for which roles it is accepted.  The import
 * then runs again with the keys accepted, and records them in its
 * transaction.  Otherwise the refusal says what would be trusted and why not.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdx/dsse.h"
#include "sdx/error.h"
#include "formats/bundle/report.h"
#include "formats/trust/introduction.h"
#include "formats/trust/party.h"
#include "ledger/internal.h"
#include "ledger/introduced.h"
#include "formats/text/text.h"

#define MAX_INTROS 4096 /* introductions read from one bundle */
#define MAX_RULES 64
#define MSG_MAX 1600

struct carried {
	char origin[SDX_NAME_MAX + 1];
	uint64_t index;
	unsigned char leaf[32];
	unsigned char *data;
	size_t len;
};

struct collected {
	struct carried *c;
	size_t n;
	int err;
};

struct accepted {
	sdx_verifier *v;
	sdx_party party;
	sdx_introduced row;
	char label[SDX_PARTY_NAME_MAX + 40];
};

struct sdx__intro_plan {
	sdx_verifier **trusted;   /* the keys given, then those accepted (owned) */
	size_t n_given, n;
	struct accepted *acc;
	size_t nacc;
};

static int keep(void *ctx, const sdx_bundle_entry *e)
{
	struct collected *co = ctx;
	struct carried *c;

	if (strcmp(e->type, "introduction") != 0 || co->n == MAX_INTROS)
		return 0;
	c = &co->c[co->n];
	if (!(c->data = malloc(e->len ? e->len : 1)))
		return co->err = sdx_error_set(SDX_ENOMEM, "out of memory");
	memcpy(c->data, e->data, e->len);
	c->len = e->len;
	memcpy(c->leaf, e->leaf, 32);
	c->index = e->index;
	sdx__text_put(c->origin, sizeof(c->origin), "%s", e->origin);
	co->n++;
	return 0;
}

struct rules {
	sdx_intro_rule r[MAX_RULES];
	size_t n;
};

static int keep_rule(void *ctx, const sdx_intro_rule *r)
{
	struct rules *rs = ctx;

	if (rs->n < MAX_RULES)
		rs->r[rs->n++] = *r;
	return 0;
}

struct label_of {
	const unsigned char *pk;
	char label[SDX_PARTY_NAME_MAX + 40];
};

static int find_label(void *ctx, const sdx_verifier *v, const char *label, const char *added)
{
	struct label_of *lo = ctx;

	(void)added;
	if (memcmp(sdx_verifier_public_key(v), lo->pk, 32) != 0)
		return 0;
	sdx__text_put(lo->label, sizeof(lo->label), "%s", label);
	return 1;
}

/* The judging of one bundle. */
struct judge {
	sdx_ledger *l;
	const sdx_bundle_verify_options *o;
	const sdx_bundle_report *rep;
	struct rules rules;
	struct sdx__intro_plan *plan;
	char why[MSG_MAX];        /* the first reason an introduction did not count */
	unsigned char (*seen)[64];/* (introducer, key) pairs judged: the latest word counts */
	size_t nseen;
};

static int untrusted_origin(const struct judge *j, const char *origin)
{
	size_t i;

	for (i = 0; i < j->rep->n_ledgers; i++)
		if (!j->rep->ledgers[i].trusted && strcmp(j->rep->ledgers[i].origin, origin) == 0)
			return 1;
	return 0;
}

/* Is v (by public key) one of keys[0..n)? */
static int among(sdx_verifier *const *keys, size_t n, const sdx_verifier *v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (memcmp(sdx_verifier_public_key(keys[i]), sdx_verifier_public_key(v), 32) == 0)
			return 1;
	return 0;
}

/* The trusted key of the introduction's ledger that signed it, or NULL. */
static const sdx_verifier *introducer(const struct judge *j, const char *origin,
				      const sdx_dsse_envelope *env)
{
	size_t i;

	for (i = 0; i < j->o->n_trusted; i++)
		if (strcmp(sdx_verifier_name(j->o->trusted[i]), origin) == 0 &&
		    sdx_dsse_verify(env, j->o->trusted[i]) == 0)
			return j->o->trusted[i];
	sdx_error_clear();
	return NULL;
}

static int seen_pair(struct judge *j, const sdx_verifier *q, const sdx_verifier *k)
{
	unsigned char pair[64];
	size_t i;

	memcpy(pair, sdx_verifier_public_key(q), 32);
	memcpy(pair + 32, sdx_verifier_public_key(k), 32);
	for (i = 0; i < j->nseen; i++)
		if (memcmp(j->seen[i], pair, 64) == 0)
			return 1;
	memcpy(j->seen[j->nseen++], pair, 64);
	return 0;
}

static void roles_list(char *out, size_t cap, const char (*roles)[33], size_t n, const char *sep)
{
	size_t i, len = 0;

	out[0] = '\0';
	for (i = 0; i < n && len < cap; i++)
		len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? sep : "", roles[i]);
}

/* The options of sdx trust add that bind a key to p: --name, --id, --country, --role. */
static void party_options(char *out, size_t cap, const sdx_party *p)
{
	size_t i, len;

	len = (size_t)snprintf(out, cap, " --name \"%s\"", p->name);
	for (i = 0; i < p->nids && len < cap; i++)
		len += (size_t)snprintf(out + len, cap - len, " --id %s:%s", p->ids[i].scheme,
					p->ids[i].id);
	if (p->country[0] && len < cap)
		len += (size_t)snprintf(out + len, cap - len, " --country %s", p->country);
	for (i = 0; i < p->nroles && len < cap; i++)
		len += (size_t)snprintf(out + len, cap - len, " --role %s", p->roles[i]);
}

/* The first reason, kept for the refusal. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void why(struct judge *j, const char *fmt, ...)
{
	va_list ap;

	if (j->why[0])
		return;
	va_start(ap, fmt);
	vsnprintf(j->why, sizeof(j->why), fmt, ap);
	va_end(ap);
}

static int accept(struct judge *j, const struct carried *c, const struct sdx__intro *in,
		  const sdx_verifier *q, const char *qname, char (*roles)[33], size_t nroles)
{
	struct sdx__intro_plan *p = j->plan;
	struct accepted *a, *grown;
	sdx_verifier **t;
	int err;

	if (!(grown = realloc(p->acc, (p->nacc + 1) * sizeof(*grown))) ||
	    !(t = realloc(p->trusted, (p->n + 1) * sizeof(*t)))) {
		if (grown)
			p->acc = grown;
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	}
	p->acc = grown;
	p->trusted = t;
	a = &p->acc[p->nacc];
	memset(a, 0, sizeof(*a));
	if ((err = sdx_verifier_new(&a->v, sdx_verifier_name(in->key),
				    sdx_verifier_public_key(in->key))) < 0)
		return err;
	p->trusted[p->n++] = a->v;
	p->nacc++;
	a->party = in->party;
	a->party.nroles = nroles;
	memcpy(a->party.roles, roles, nroles * sizeof(roles[0]));
	sdx__text_put(a->label, sizeof(a->label), "introduced by %s", qname);
	memcpy(a->row.pubkey, sdx_verifier_public_key(in->key), 32);
	sdx__text_put(a->row.key, sizeof(a->row.key), "%s+%08" PRIx32, sdx_verifier_name(in->key),
		 sdx_verifier_keyid(in->key));
	sdx__text_put(a->row.party, sizeof(a->row.party), "%s", in->party.name);
	memcpy(a->row.introducer, sdx_verifier_public_key(q), 32);
	sdx__text_put(a->row.introducer_key, sizeof(a->row.introducer_key), "%s+%08" PRIx32,
		 sdx_verifier_name(q), sdx_verifier_keyid(q));
	sdx__text_put(a->row.introducer_party, sizeof(a->row.introducer_party), "%s", qname);
	sdx__text_put(a->row.origin, sizeof(a->row.origin), "%s", c->origin);
	a->row.index = c->index;
	memcpy(a->row.leaf, c->leaf, 32);
	sdx__text_put(a->row.checked, sizeof(a->row.checked), "%s", in->checked);
	sdx__text_put(a->row.method, sizeof(a->row.method), "%s", in->method);
	roles_list(a->row.roles, sizeof(a->row.roles), roles, nroles, ", ");
	/* held since the first import that brought a checkpoint covering it; or now */
	if ((err = sdx__intro_held(a->row.held, j->l, c->origin, c->index)) < 0)
		return err;
	if (err == 0)
		sdx__utc_now(a->row.held);
	return 0;
}

/* One introduction the bundle carries, judged. */
static int judge_one(struct judge *j, const struct carried *c)
{
	struct sdx__intro in;
	struct sdx__introducer qi;
	struct label_of lo;
	sdx_dsse_envelope *env = NULL;
	const sdx_verifier *q;
	sdx_party qp;
	char kt[SDX_NAME_MAX + 16], qt[SDX_NAME_MAX + 16], roles[SDX_PARTY_ROLES_MAX][33];
	char want[SDX_PARTY_NAME_MAX + 600], wantc[SDX_PARTY_ROLES_MAX * 34];
	const char *qname;
	size_t n;
	int err, matched, bound;

	if ((err = sdx__intro_read(&in, &env, c->data, c->len)) < 0) {
		sdx_error_clear();
		err = 0;
		goto done;
	}
	if (!untrusted_origin(j, sdx_verifier_name(in.key)) ||
	    among(j->o->trusted, j->o->n_trusted, in.key))
		goto done; /* not what this bundle needs */
	sdx__text_put(kt, sizeof(kt), "%s+%08" PRIx32, sdx_verifier_name(in.key),
		 sdx_verifier_keyid(in.key));
	if (among(j->o->revoked, j->o->n_revoked, in.key)) {
		why(j, "%s introduced %s, which you revoked: a revoked key is never trusted again",
		    c->origin, kt);
		goto done;
	}
	if (!(q = introducer(j, c->origin, env))) {
		why(j, "%s introduced %s, but under a key you do not trust", c->origin, kt);
		goto done;
	}
	if (seen_pair(j, q, in.key))
		goto done; /* an earlier word of the same introducer */
	sdx__text_put(qt, sizeof(qt), "%s+%08" PRIx32, sdx_verifier_name(q), sdx_verifier_keyid(q));
	if ((err = bound = sdx_ledger_trust_binding(&qp, j->l, sdx_verifier_public_key(q))) < 0)
		goto done;
	qname = bound ? qp.name : qt;
	if (in.withdrawn) {
		why(j, "%s withdrew its introduction of %s", qname, kt);
		goto done;
	}
	if ((err = sdx_ledger_key_introduced(j->l, sdx_verifier_public_key(q))) != 0) {
		if (err > 0)
			why(j, "%s introduced %s, but %s is itself trusted only through an "
			    "introduction, and introductions count at depth 1 only", qname, kt, qt);
		err = err < 0 ? err : 0;
		goto done;
	}
	lo.pk = sdx_verifier_public_key(q);
	lo.label[0] = '\0';
	if ((err = sdx_ledger_foreach_trusted(j->l, find_label, &lo)) < 0)
		goto done;
	qi = (struct sdx__introducer){ sdx_verifier_name(q), qt, lo.label, bound, &qp };
	n = sdx__intro_accepted(roles, &matched, j->rules.r, j->rules.n, &qi, &in);
	party_options(want, sizeof(want), &in.party);
	roles_list(wantc, sizeof(wantc), (const char (*)[33])in.party.roles, in.party.nroles, ",");
	if (n == 0 && !matched)
		why(j, "would trust %s of %s (introduced by %s on %s, method %s); run 'sdx trust add "
		    "%s%s' once you have compared its fingerprint, or accept introductions from "
		    "them: 'sdx trust policy accept --from \"%s\" --roles %s'", kt, in.party.name,
		    qname, in.checked, in.method, in.vkey, want, qname, wantc);
	else if (n == 0)
		why(j, "%s introduced %s of %s as %s, a role your trust policy does not accept "
		    "from it ('sdx trust policy')", qname, kt, in.party.name, wantc);
	else
		err = accept(j, c, &in, q, qname, roles, n);
done:
	sdx__intro_clear(&in);
	sdx_dsse_envelope_free(env);
	return err;
}

static int by_index_desc(const void *a, const void *b)
{
	const struct carried *x = a, *y = b;
	int o = strcmp(x->origin, y->origin);

	return o ? o : x->index < y->index ? 1 : x->index > y->index ? -1 : 0;
}

int sdx__intro_plan(struct sdx__intro_plan **out, sdx_bundle_verify_options *retry,
		    sdx_ledger *l, const char *path, const sdx_bundle_verify_options *opts)
{
	struct collected co = { NULL, 0, 0 };
	sdx_bundle_verify_options o = *opts;
	sdx_bundle_sink sink = { &co, NULL, keep, NULL, NULL, NULL, NULL, NULL, NULL };
	sdx_bundle_report *rep = NULL;
	struct judge *j = NULL;
	char refused[MSG_MAX];
	size_t i;
	int err;

	*out = NULL;
	sdx__text_put(refused, sizeof(refused), "%s", sdx_error_last());
	if (!(co.c = calloc(MAX_INTROS, sizeof(*co.c))) || !(j = calloc(1, sizeof(*j))) ||
	    !(j->plan = calloc(1, sizeof(*j->plan))) ||
	    !(j->seen = calloc(MAX_INTROS, sizeof(*j->seen)))) {
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
		goto done;
	}
	o.sink = &sink;
	err = sdx_bundle_verify(&rep, path, &o);
	if (co.err < 0 || err != SDX_EUNTRUSTED) {
		err = co.err < 0 ? co.err : sdx_error_set(SDX_EUNTRUSTED, "%s", refused);
		goto done;
	}
	j->l = l;
	j->o = opts;
	j->rep = rep;
	if ((err = sdx_ledger_foreach_intro_rule(l, keep_rule, &j->rules)) < 0)
		goto done;
	if (!(j->plan->trusted = malloc((opts->n_trusted + 1) * sizeof(sdx_verifier *)))) {
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < opts->n_trusted; i++)
		j->plan->trusted[i] = opts->trusted[i];
	j->plan->n = j->plan->n_given = opts->n_trusted;
	qsort(co.c, co.n, sizeof(*co.c), by_index_desc);
	for (i = 0, err = 0; i < co.n && err >= 0; i++)
		err = judge_one(j, &co.c[i]);
	if (err < 0)
		goto done;
	if (j->plan->nacc == 0) {
		err = sdx_error_set(SDX_EUNTRUSTED, "%s%s%s", refused, j->why[0] ? "; " : "", j->why);
		goto done;
	}
	*retry = *opts;
	retry->trusted = j->plan->trusted;
	retry->n_trusted = j->plan->n;
	*out = j->plan;
	j->plan = NULL;
	err = 1;
done:
	for (i = 0; co.c && i < co.n; i++)
		free(co.c[i].data);
	free(co.c);
	if (j) {
		sdx__intro_plan_free(j->plan);
		free(j->seen);
	}
	free(j);
	sdx_bundle_report_free(rep);
	return err;
}

int sdx__intro_accept(sdx_ledger *l, const struct sdx__intro_plan *p)
{
	size_t i;
	int err;

	for (i = 0; p && i < p->nacc; i++) {
		const struct accepted *a = &p->acc[i];
		if ((err = sdx_ledger_trust_add(l, a->v, a->label)) == SDX_EEXISTS)
			sdx_error_clear();
		else if (err < 0)
			return err;
		if ((err = sdx_ledger_trust_bind(l, a->v, &a->party)) < 0 ||
		    (err = sdx__introduced_put(l, &a->row)) < 0)
			return err;
	}
	return 0;
}

void sdx__intro_plan_free(struct sdx__intro_plan *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->nacc; i++)
		sdx_verifier_free(p->acc[i].v);
	free(p->acc);
	free(p->trusted);
	free(p);
}

int sdx_bundle_verify_introduced(sdx_bundle_report **out, size_t *accepted, sdx_ledger *l,
				 const char *path, const sdx_bundle_verify_options *opts)
{
	sdx_bundle_verify_options def = SDX_BUNDLE_VERIFY_OPTIONS_INIT, retry;
	struct sdx__intro_plan *p = NULL;
	int err;

	if (accepted)
		*accepted = 0;
	if (!opts)
		opts = &def;
	if ((err = sdx_bundle_verify(out, path, opts)) != SDX_EUNTRUSTED || !l ||
	    (err = sdx__intro_plan(&p, &retry, l, path, opts)) != 1)
		return err;
	if (out) {
		sdx_bundle_report_free(*out);
		*out = NULL;
	}
	err = sdx_bundle_verify(out, path, &retry);
	if (accepted)
		*accepted = p->nacc;
	sdx__intro_plan_free(p);
	return err;
}
