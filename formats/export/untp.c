/*
 * formats/export/untp.c - sdx_export_untp: UNTP 0.7.0 credentials as W3C
 * VCDM 2.0 JSON-LD, each secured as a compact JWS by the ledger's key
 * (formats/untp.md): the credential envelope and issuer, the Digital
 * Conformity Credential of a declaration, and the dispatch.  Passports and
 * traceability events are in untp_events.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdx/error.h"
#include "sdx/trust.h"
#include "formats/export/untp.h"
#include "ledger/internal.h"
#include "formats/text/text.h"

#define VC_CONTEXT "https://www.w3.org/ns/credentials/v2"
#define UNTP_CONTEXT "https://vocabulary.uncefact.org/untp/0.7.0/context/"

json_t *sdx__untp_typed(const char *type)
{
	return json_pack("[s]", type);
}

json_t *sdx__untp_party(const char *origin, const json_t *party)
{
	const json_t *ids = json_object_get(party, "identifiers");
	char *id = sdx__xp_party_uri(origin, party);
	json_t *p = id ? json_pack("{s:o, s:s, s:s*, s:s*}", "type", sdx__untp_typed("Party"),
				   "id", id, "name", sdx__xp_str(party, "name"), "registeredId",
				   json_string_value(json_object_get(json_array_get(ids, 0), "id")))
		       : NULL;

	free(id);
	return p;
}

json_t *sdx__untp_link(const json_t *evidence)
{
	const char *sha = sdx__xp_str(evidence, "attachment.sha256");
	char *ni = sdx__xp_ni_hex(sha), *mb = sdx__xp_multibase_hex(sha), name[512];
	json_t *l = NULL;

	sdx__text_put(name, sizeof(name), "test report %s, %s",
		 sdx__xp_str(evidence, "report_number") ? sdx__xp_str(evidence, "report_number") : "",
		 sdx__xp_str(evidence, "lab_name") ? sdx__xp_str(evidence, "lab_name") : "");
	if (ni && mb)
		l = json_pack("{s:s, s:s, s:s, s:s*}", "linkURL", ni, "linkName", name,
			      "digestMultibase", mb, "mediaType",
			      sdx__xp_str(evidence, "attachment.media_type"));
	free(ni);
	free(mb);
	return l;
}

/* ---- the Digital Conformity Credential of a declaration ---- */

void sdx__untp_limit_text(char *out, size_t cap, const json_t *claim)
{
	const json_t *l = json_object_get(claim, "limit");
	const char *reg = json_string_value(json_array_get(json_object_get(claim, "regulations"), 0));

	if (l)
		sdx__text_put(out, cap, "%s: %s %s %.15g %s", reg ? reg : "limit",
			 sdx__xp_str(l, "applies_to") ? sdx__xp_str(l, "applies_to") : "each",
			 sdx__xp_str(l, "comparison") ? sdx__xp_str(l, "comparison") : "<=",
			 json_number_value(json_object_get(l, "value")),
			 sdx__xp_str(l, "unit") ? sdx__xp_str(l, "unit") : "");
	else
		sdx__text_put(out, cap, "%s", reg ? reg : "conformance as declared");
}

/* One measured value (a measurement or a migration result) as a Performance. */
static json_t *performance(const char *base, size_t k, const json_t *m)
{
	char id[1024], name[512], nd[256];
	const char *what = sdx__xp_str(m, "substance");
	const char *cas = sdx__xp_str(m, "cas_number");
	const char *unit = sdx__xp_str(m, "unit");
	json_t *metric;

	if (!what)
		what = sdx__xp_str(m, "kind") ? sdx__xp_str(m, "kind") : "result";
	sdx__text_put(id, sizeof(id), "%s-result-%zu", base, k);
	sdx__text_put(name, sizeof(name), "%s%s%s", what, cas ? ", CAS " : "", cas ? cas : "");
	metric = json_pack("{s:o, s:s, s:s}", "type", sdx__untp_typed("PerformanceMetric"), "id", id,
			   "name", name);
	if (json_is_number(json_object_get(m, "value")))
		return json_pack("{s:o, s:{s:O, s:s}}", "metric", metric, "measure", "value",
				 json_object_get(m, "value"), "unit", sdx__xp_unit(unit ? unit : ""));
	sdx__text_put(nd, sizeof(nd), "below the detection limit %.15g %s",
		 json_number_value(json_object_get(m, "detection_limit")), unit ? unit : "");
	return json_pack("{s:o, s:{s:s, s:s}}", "metric", metric, "score", "code", "ND",
			 "definition", nd);
}

/* Append every value of one result list to a. */
static int performances(json_t *a, const char *base, size_t *k, const json_t *list)
{
	json_t *m;
	size_t i;

	json_array_foreach(list, i, m)
		if (json_array_append_new(a, performance(base, (*k)++, m)) < 0)
			return -1;
	return 0;
}

/* The products a claim is about: each lot it applies to (all of the declaration's). */
static json_t *assessed_products(const struct untp *u, size_t i, const json_t *claim)
{
	const json_t *d = sdx__graph_body(u->g, &u->g->n[i]);
	const json_t *only = json_object_get(claim, "applies_to_lots");
	json_t *out = json_array(), *lot;
	size_t k;

	json_array_foreach(json_object_get(json_object_get(d, "material"), "lots"), k, lot) {
		const char *no = sdx__xp_str(lot, "lot_number");
		int take = !only;
		size_t j;
		json_t *o;
		char *id;
		json_array_foreach(only, j, o)
			take |= no && json_string_value(o) && strcmp(json_string_value(o), no) == 0;
		if (!take || !no || !(id = sdx__xp_uri(u->g->n[i].origin, "lot", no)))
			continue;
		json_array_append_new(out, json_pack("{s:{s:o, s:s, s:s*, s:s}, s:b}", "product", "type",
						     sdx__untp_typed("Product"), "id", id, "name",
						     sdx__xp_str(d, "material.name"), "batchNumber",
						     no, "idVerifiedByCAB", 0));
		free(id);
	}
	return out;
}

static json_t *assessment(const struct untp *u, size_t i, const char *decl, const json_t *claim)
{
	const json_t *d = sdx__graph_body(u->g, &u->g->n[i]);
	const char *cid = sdx__xp_str(claim, "id") ? sdx__xp_str(claim, "id") : "claim";
	const char *topic = sdx__xp_str(claim, "topic") ? sdx__xp_str(claim, "topic") : "other";
	const char *date = NULL;
	char base[1024], crit[1100], name[900], lim[600], topic_id[200];
	json_t *perf = json_array(), *regs = json_array(), *ev = json_array(), *cond = json_array();
	json_t *v, *e;
	size_t k, j, n = 0;

	sdx__text_put(base, sizeof(base), "%s#claim-%s", decl, cid);
	sdx__text_put(crit, sizeof(crit), "%s-criterion", base);
	sdx__untp_limit_text(lim, sizeof(lim), claim);
	sdx__text_put(name, sizeof(name), "%s: %s", topic, lim);
	sdx__text_put(topic_id, sizeof(topic_id), "urn:sdx:topic:%s", topic);
	if (performances(perf, base, &n, json_object_get(claim, "measurements")) < 0 ||
	    performances(perf, base, &n, json_object_get(json_object_get(claim, "food_contact"),
							 "migration")) < 0) {
		json_decref(perf);
		perf = NULL;
	}
	json_array_foreach(json_object_get(claim, "regulations"), k, v) {
		char rid[1100];
		sdx__text_put(rid, sizeof(rid), "%s-regulation-%zu", base, k);
		json_array_append_new(regs, json_pack("{s:o, s:s, s:O}", "type",
						      sdx__untp_typed("Regulation"), "id", rid,
						      "name", v));
	}
	json_array_foreach(json_object_get(claim, "test_methods"), k, v)
		json_array_append_new(cond, json_deep_copy(v));
	/* the reports the claim cites, and the earliest of their dates */
	json_array_foreach(json_object_get(claim, "evidence_ids"), k, v)
		json_array_foreach(json_object_get(d, "evidence"), j, e)
			if (json_equal(json_object_get(e, "id"), v)) {
				const char *day = sdx__xp_str(e, "issue_date");
				json_array_append_new(ev, sdx__untp_link(e));
				if (day && (!date || strcmp(day, date) < 0))
					date = day;
			}
	if (!date)
		date = sdx__xp_str(d, "issue_date");
	return json_pack("{s:o, s:s, s:s, s:[{s:o, s:s, s:s}], s:s, s:o, s:o, s:o, s:o, s:o, "
			 "s:[{s:o, s:s, s:s}], s:b}",
			 "type", sdx__untp_typed("ConformityAssessment"), "id", base, "name", name,
			 "assessmentCriteria", "type", sdx__untp_typed("Criterion"), "id", crit,
			 "name", lim, "assessmentDate", date ? date : "", "assessedPerformance", perf,
			 "assessedProduct", assessed_products(u, i, claim), "referenceRegulation", regs,
			 "specifiedCondition", cond, "evidence", ev, "conformityTopic", "type",
			 sdx__untp_typed("ConformityTopic"), "id", topic_id, "name", topic,
			 "conformance", strcmp(sdx__xp_str(claim, "conformance") ?
					       sdx__xp_str(claim, "conformance") : "", "conforms") == 0);
}

/* The accreditation of each lab the declaration's reports come from, once each. */
static json_t *authorisations(const struct untp *u, size_t i)
{
	const json_t *d = sdx__graph_body(u->g, &u->g->n[i]);
	json_t *out = json_array(), *e;
	size_t k;

	json_array_foreach(json_object_get(d, "evidence"), k, e) {
		const char *body = sdx__xp_str(e, "accreditation.body");
		const char *no = sdx__xp_str(e, "accreditation.number");
		char name[600];
		char *id;
		size_t j;
		json_t *seen;
		int dup = 0;
		if (!body || !no)
			continue;
		sdx__text_put(name, sizeof(name), "%s accreditation of %s", no,
			 sdx__xp_str(e, "lab_name") ? sdx__xp_str(e, "lab_name") : "the laboratory");
		json_array_foreach(out, j, seen)
			dup |= strcmp(json_string_value(json_object_get(seen, "name")), name) == 0;
		if (dup || !(id = sdx__xp_uri(u->g->n[i].origin, "accreditation-body", body)))
			continue;
		json_array_append_new(out, json_pack("{s:s, s:{s:o, s:s, s:s}}", "name", name,
						     "issuingAuthority", "type",
						     sdx__untp_typed("Party"), "id", id, "name", body));
		free(id);
	}
	return out;
}

static json_t *dcc(struct untp *u, size_t i)
{
	const json_t *d = sdx__graph_body(u->g, &u->g->n[i]);
	const char *did = sdx__xp_str(d, "declaration_id");
	char *decl = sdx__xp_uri(u->g->n[i].origin, "declaration", did ? did : u->g->n[i].hex);
	char name[600], from[21], until[21];
	json_t *list = json_array(), *claim, *subject;
	size_t k;

	if (!decl) {
		json_decref(list);
		return NULL;
	}
	json_array_foreach(json_object_get(d, "claims"), k, claim)
		json_array_append_new(list, assessment(u, i, decl, claim));
	sdx__text_put(name, sizeof(name), "Declaration %s: %s", did ? did : "",
		 sdx__xp_str(d, "material.name") ? sdx__xp_str(d, "material.name") : "");
	subject = json_pack("{s:o, s:s, s:s, s:s*, s:s, s:s, s:s, s:o, s:o, s:{s:o, s:s, s:s}, s:o}",
			    "type", sdx__untp_typed("ConformityAttestation"), "id", decl, "name",
			    name, "description", sdx__xp_str(d, "material.description"),
			    "assessorLevel", "self", "assessmentLevel", "no-endorsement",
			    "attestationType", "declaration", "issuedToParty",
			    sdx__untp_party(u->g->n[i].origin, json_object_get(d, "supplier")),
			    "authorisation", authorisations(u, i), "referenceScheme", "type",
			    sdx__untp_typed("ConformityScheme"), "id",
			    "urn:sdx:scheme:supplier-declaration", "name",
			    "supplier's declaration of conformity, sdx (formats/declaration.md)",
			    "conformityAssessment", list);
	free(decl);
	sdx__xp_datetime(from, sdx__xp_str(d, "valid_from"), 0);
	sdx__xp_datetime(until, sdx__xp_str(d, "valid_until"), 1);
	return sdx__untp_credential(u, "DigitalConformityCredential", "dcc", i, name, from, until,
				    subject);
}

/* ---- the credential and its signature ---- */

json_t *sdx__untp_credential(struct untp *u, const char *type, const char *kind, size_t i,
			     const char *name, const char *from, const char *until,
			     json_t *subject)
{
	char what[80], *id;
	json_t *vc;

	sdx__text_put(what, sizeof(what), "credentials/%s", kind);
	if (!subject || !(id = sdx__xp_uri(u->origin, what, u->g->n[i].hex))) {
		json_decref(subject);
		return NULL;
	}
	vc = json_pack("{s:[s, s], s:[s, s], s:s, s:{s:o, s:s, s:s}, s:s, s:s*, s:s, s:o, s:o}",
		       "@context", VC_CONTEXT, UNTP_CONTEXT, "type", type, "VerifiableCredential",
		       "id", id, "issuer", "type", sdx__untp_typed("CredentialIssuer"), "id", u->did,
		       "name", u->issuer, "validFrom", *from ? from : u->g->n[i].time, "validUntil",
		       until && *until ? until : NULL, "name", name, "credentialSubject", subject,
		       "sdxSource", sdx__xp_source(u->g, i, ""));
	free(id);
	return vc;
}

/* Sign the credential (consumed) and append it as one line. */
int sdx__untp_emit(struct untp *u, json_t *vc)
{
	char *payload = NULL, *jws = NULL, *p;
	size_t n;
	int err;

	if ((err = sdx__xp_dump(&payload, vc, 0)) < 0)
		return err;
	err = sdx__jws_sign(&jws, payload, strlen(payload), u->key, u->kid, "vc+jwt", "vc");
	free(payload);
	if (err < 0)
		return err;
	n = strlen(jws);
	if (u->len + n + 2 > u->cap) {
		size_t cap = (u->len + n + 2) * 2;
		if (!(p = realloc(u->text, cap))) {
			free(jws);
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		}
		u->text = p;
		u->cap = cap;
	}
	memcpy(u->text + u->len, jws, n);
	u->len += n;
	u->text[u->len++] = '\n';
	u->text[u->len] = '\0';
	u->count++;
	free(jws);
	return 0;
}

static const char *kind_type(sdx_untp_kind kind)
{
	return kind == SDX_UNTP_DCC ? "declaration" : kind == SDX_UNTP_DPP ? "batch"
		: "batch or shipment";
}

int sdx_export_untp(char **out, size_t *n_out, const sdx_graph *g, size_t node,
		    sdx_untp_kind kind, const sdx_signer *key)
{
	struct untp u;
	struct xp_walk w;
	sdx_party party;
	char *mb;
	int err;

	*out = NULL;
	if (n_out)
		*n_out = 0;
	if (kind != SDX_UNTP_DCC && kind != SDX_UNTP_DPP && kind != SDX_UNTP_DTE)
		return sdx_error_set(SDX_EINVAL, "unknown UNTP credential kind %d", (int)kind);
	if ((err = sdx__xp_walk(&w, g, node)) < 0)
		return err;
	memset(&u, 0, sizeof(u));
	u.g = g;
	u.key = key;
	u.origin = sdx_ledger_origin(g->l);
	u.issuer = u.origin;
	if (sdx_ledger_party(&party, g->l) == 1)
		u.issuer = party.name;
	if ((err = sdx_did_key(&u.did, sdx_signer_public_key(key))) < 0)
		goto done;
	/* a did:key's one verification method is its key, named by the same multibase */
	mb = strrchr(u.did, ':') + 1;
	if (!(u.kid = malloc(strlen(u.did) + strlen(mb) + 2))) {
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
		goto done;
	}
	sdx__text_put(u.kid, strlen(u.did) + strlen(mb) + 2, "%s#%s", u.did, mb);
	for (size_t k = 0; k < w.n && !err; k++) {
		size_t i = w.nodes[k];
		json_t *vc = NULL;
		if (!sdx__graph_body(g, &g->n[i])) {
			err = sdx_error_set(SDX_EIO, "entry %s: cannot read its record", g->n[i].hex);
			break;
		}
		if (kind == SDX_UNTP_DCC && sdx__xp_is(g, i, "declaration"))
			vc = dcc(&u, i);
		else if (kind == SDX_UNTP_DPP && sdx__xp_is(g, i, "batch"))
			vc = sdx__untp_dpp(&u, i);
		else if (kind == SDX_UNTP_DTE && (sdx__xp_is(g, i, "batch") ||
						  sdx__xp_is(g, i, "shipment")))
			vc = sdx__untp_dte(&u, i);
		else
			continue;
		err = vc ? sdx__untp_emit(&u, vc) : sdx_error_set(SDX_ENOMEM, "out of memory");
	}
	if (!err && !u.count)
		err = sdx_error_set(SDX_ENOTFOUND, "entry %s: no %s at or below it", g->n[node].hex,
				    kind_type(kind));
	if (!err) {
		*out = u.text;
		u.text = NULL;
		if (n_out)
			*n_out = u.count;
	}
done:
	free(u.text);
	free(u.did);
	free(u.kid);
	sdx__xp_walk_free(&w);
	return err;
}
