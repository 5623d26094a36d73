/*
 * formats/ipc1752a/claims.c - Class C and Class D of IPC-1752A as claims.
 *
 * Class C: the RoHS statement a supplier picks (the IPC-1752 form's numbered
 * list) becomes one claim whose conformance follows the statement, with the
 * exemptions relied on in its remarks.  Class D: each homogeneous material
 * becomes one claim, each of its substances a measurement whose value is
 * the substance's mass over the material's, in mg/kg (formats/ipc1752a.md).
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "formats/ipc1752a/claims.h"
#include "formats/ipc1752a/xml.h"
#include "formats/records/rules.h"
#include "sdx/error.h"
#include "formats/text/text.h"

#define CLAIMS_MAX 50       /* formats/schemas/declaration.v2.schema.json */
#define MEASUREMENTS_MAX 200
#define EXEMPTIONS_MAX 100

/* ---- Class C ---- */

static int rohs_claim(json_t *claims, const char *what, const xmlNode *rohs)
{
	char type[200], def[200], id[64], remarks[4000];
	const xmlNode *list, *x;
	const json_t *st;
	const char *conformance, *text;
	json_t *claim = NULL;
	long allowed;
	size_t used, n = 0;
	int rc, k;

	if ((rc = sdx__ipc_attr(type, sizeof(type), what, rohs, "declarationType", 1)) < 0)
		return rc;
	k = isdigit((unsigned char)type[0]) && !isdigit((unsigned char)type[1]) &&
	    (type[1] == '\0' || type[1] == ' ') ? type[0] - '0' : 0;
	if (k < 1 || !(st = json_array_get(sdx__ipc_vocab("rohs_statements"), (size_t)k - 1)))
		return sdx__ipc_bad(SDX_EFORMAT, what, rohs, "declarationType", "'%s' is not one of "
				    "the statements 1 to %zu of the IPC-1752 RoHS declaration", type,
				    json_array_size(sdx__ipc_vocab("rohs_statements")));
	conformance = sdx__rule_str(st, "conformance");
	text = sdx__rule_str(st, "text") ? sdx__rule_str(st, "text") : "";
	allowed = (long)json_integer_value(json_object_get(st, "exemptions"));
	if (!conformance)
		return sdx__ipc_bad(SDX_EFORMAT, what, rohs, "declarationType", "statement %d (item "
				    "%s) declares nothing sdx can sign", k, text);
	if ((rc = sdx__ipc_attr(def, sizeof(def), what, rohs, "rohsDefinition", 0)) < 0)
		return rc;
	used = (size_t)snprintf(remarks, sizeof(remarks), "IPC-1752A Class C RoHS statement %d: "
				"item(s) %s", k, text);
	list = sdx__ipc_child(rohs, "ExemptionList");
	for (x = sdx__ipc_child(list ? list : rohs, "Exemption"); x; x = sdx__ipc_next(x)) {
		if ((rc = sdx__ipc_attr(id, sizeof(id), what, x, "identity", 1)) < 0)
			return rc;
		if (++n > EXEMPTIONS_MAX)
			return sdx__ipc_bad(SDX_ELIMIT, what, x, NULL, "more than %d exemptions",
					    EXEMPTIONS_MAX);
		if (!allowed)
			return sdx__ipc_bad(SDX_EFORMAT, what, x, NULL, "statement %d relies on no "
					    "exemption, yet one is listed", k);
		if (used < sizeof(remarks))
			used += (size_t)snprintf(remarks + used, sizeof(remarks) - used, "%s%s",
						 n == 1 ? "; exemptions relied on: " : ", ", id);
	}
	if (allowed == 2 && n == 0)
		return sdx__ipc_bad(SDX_EFORMAT, what, rohs, "declarationType", "statement %d relies "
				    "on exemptions, but no Exemption is listed", k);
	if (used >= sizeof(remarks))
		return sdx__ipc_bad(SDX_ELIMIT, what, rohs, NULL, "the exemptions make remarks longer "
				    "than %zu bytes", sizeof(remarks) - 1);
	claim = json_pack("{s:s, s:s, s:[s], s:s, s:s, s:s}", "id", "ROHS", "topic", "other",
			  "regulations", def[0] ? def : "Directive 2011/65/EU (RoHS) Annex II",
			  "conformance", conformance, "basis", "formulation", "remarks", remarks);
	if (!claim || json_array_append_new(claims, claim) < 0)
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	return 0;
}

/* ---- Class D ---- */

/* Amount/@value in mg, by Amount/@UOM and the vocabulary's mass_units. */
static int mass_mg(double *out, const char *what, const xmlNode *amount)
{
	const json_t *mg;
	char uom[16];
	int rc;

	if ((rc = sdx__ipc_number(out, what, amount, "value")) < 0 ||
	    (rc = sdx__ipc_attr(uom, sizeof(uom), what, amount, "UOM", 1)) < 0)
		return rc;
	if (!json_is_number(mg = sdx__ipc_vocab_get("mass_units", uom)))
		return sdx__ipc_bad(SDX_EFORMAT, what, amount, "UOM", "'%s' is not a unit of mass sdx "
				    "reads (mg, g, kg)", uom);
	*out *= json_number_value(mg);
	return 0;
}

/* A CAS number: the pattern of the declaration schema, then its check digit. */
static int cas_number(const char *what, const xmlNode *id, const char *cas)
{
	char path[600];
	size_t i, len = strlen(cas), d1 = 0;
	json_t *v;
	int rc;

	for (i = 0; i < len && isdigit((unsigned char)cas[i]); i++)
		d1++;
	if (d1 < 2 || d1 > 7 || len != d1 + 5 || cas[d1] != '-' || !isdigit((unsigned char)cas[d1 + 1]) ||
	    !isdigit((unsigned char)cas[d1 + 2]) || cas[d1 + 3] != '-' ||
	    !isdigit((unsigned char)cas[d1 + 4]))
		return sdx__ipc_bad(SDX_EFORMAT, what, id, "identity", "'%s' is not a CAS number "
				    "(2 to 7 digits, 2 digits, a check digit)", cas);
	/* the record rules' own check: "WHAT: PATH: 'x' is not a CAS number ..." */
	sdx__ipc_path(path, sizeof(path), id, "identity");
	if (!(v = json_string(cas)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	rc = sdx__rule_cas(what, v, path);
	json_decref(v);
	if (rc < 0)
		return rc;
	return 0;
}

/* Is a substance (by name or CAS) already among the claim's measurements? */
static int listed(const json_t *ms, const char *name, const char *cas)
{
	size_t i;
	json_t *m;

	json_array_foreach(ms, i, m) {
		const char *n = sdx__rule_str(m, "substance"), *c = sdx__rule_str(m, "cas_number");
		if ((n && strcmp(n, name) == 0) || (cas[0] && c && strcmp(c, cas) == 0))
			return 1;
	}
	return 0;
}

static int substance(json_t *ms, double *sum, const char *what, const xmlNode *s, double hm_mg)
{
	char name[200], cas[40] = "", auth[40];
	const xmlNode *id, *amount;
	double mg, v;
	json_t *m;
	int rc;

	if ((rc = sdx__ipc_attr(name, sizeof(name), what, s, "name", 1)) < 0)
		return rc;
	for (id = sdx__ipc_child(s, "SubstanceID"); id; id = sdx__ipc_next(id)) {
		if ((rc = sdx__ipc_attr(auth, sizeof(auth), what, id, "authority", 0)) < 0)
			return rc;
		if (strcasecmp(auth, "CAS") != 0)
			continue; /* EC, ... numbers: not mapped (formats/ipc1752a.md) */
		if ((rc = sdx__ipc_attr(cas, sizeof(cas), what, id, "identity", 1)) < 0 ||
		    (rc = cas_number(what, id, cas)) < 0)
			return rc;
		break;
	}
	if ((rc = sdx__ipc_need((xmlNode **)&amount, what, s, "Amount")) < 0 ||
	    (rc = mass_mg(&mg, what, amount)) < 0)
		return rc;
	if (listed(ms, name, cas))
		return sdx__ipc_bad(SDX_EFORMAT, what, s, NULL, "'%s'%s%s%s is already listed in this "
				    "homogeneous material", name, cas[0] ? " (CAS " : "", cas,
				    cas[0] ? ")" : "");
	if (json_array_size(ms) == MEASUREMENTS_MAX)
		return sdx__ipc_bad(SDX_ELIMIT, what, s, NULL, "more than %d substances in one "
				    "homogeneous material", MEASUREMENTS_MAX);
	*sum += mg;
	/* mass fraction in mg/kg, kept to 0.001 mg/kg (1 ug/kg) */
	v = floor(mg / hm_mg * 1e6 * 1000 + 0.5) / 1000;
	m = cas[0] ? json_pack("{s:s, s:s, s:f, s:s}", "substance", name, "cas_number", cas, "value", v,
			       "unit", "mg/kg")
		   : json_pack("{s:s, s:f, s:s}", "substance", name, "value", v, "unit", "mg/kg");
	if (!m || json_array_append_new(ms, m) < 0)
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	return 0;
}

static int material_claim(json_t *claims, const char *what, const xmlNode *hm, size_t k)
{
	char name[200], id[16], remarks[600];
	const xmlNode *amount, *s, *list, *cat;
	json_t *ms = NULL, *claim = NULL;
	double hm_mg, sum = 0;
	int rc;

	if ((rc = sdx__ipc_attr(name, sizeof(name), what, hm, "name", 1)) < 0 ||
	    (rc = sdx__ipc_need((xmlNode **)&amount, what, hm, "Amount")) < 0 ||
	    (rc = mass_mg(&hm_mg, what, amount)) < 0)
		return rc;
	if (hm_mg <= 0)
		return sdx__ipc_bad(SDX_EFORMAT, what, amount, "value", "a homogeneous material of "
				    "mass 0 has no concentrations");
	if (json_array_size(claims) == CLAIMS_MAX)
		return sdx__ipc_bad(SDX_ELIMIT, what, hm, NULL, "more than %d claims: sdx makes one "
				    "per homogeneous material", CLAIMS_MAX);
	if (!(ms = json_array()))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	for (s = sdx__ipc_child(hm, "Substance"); s; s = sdx__ipc_next(s))
		if ((rc = substance(ms, &sum, what, s, hm_mg)) < 0)
			goto done;
	/* substances grouped by category: SubstanceCategoryList/SubstanceCategory/Substance */
	for (list = sdx__ipc_child(hm, "SubstanceCategoryList"); list; list = sdx__ipc_next(list))
		for (cat = sdx__ipc_child(list, "SubstanceCategory"); cat; cat = sdx__ipc_next(cat))
			for (s = sdx__ipc_child(cat, "Substance"); s; s = sdx__ipc_next(s))
				if ((rc = substance(ms, &sum, what, s, hm_mg)) < 0)
					goto done;
	if (json_array_size(ms) == 0) {
		rc = sdx__ipc_bad(SDX_EFORMAT, what, hm, NULL, "no Substance is declared");
		goto done;
	}
	/* a part per million over is rounding; more is a declaration that does not add up */
	if (sum > hm_mg * (1 + 1e-6)) {
		rc = sdx__ipc_bad(SDX_EFORMAT, what, amount, "value", "its substances weigh %g mg, more "
				  "than the homogeneous material's %g mg", sum, hm_mg);
		goto done;
	}
	sdx__text_put(id, sizeof(id), "HM%zu", k);
	sdx__text_put(remarks, sizeof(remarks), "IPC-1752A Class D homogeneous material '%s', %g mg; each "
		 "value is the substance's declared mass over the material's", name, hm_mg);
	claim = json_pack("{s:s, s:s, s:[s], s:s, s:s, s:[s], s:O, s:[s], s:s}", "id", id,
			  "topic", "other", "regulations", "IPC-1752A Class D material composition "
			  "declaration", "conformance", "conforms", "basis", "laboratory_test",
			  "test_methods", "IPC-1752A Class D", "measurements", ms,
			  "evidence_ids", SDX_IPC_EVIDENCE_ID, "remarks", remarks);
	if (!claim || json_array_append_new(claims, claim) < 0)
		rc = sdx_error_set(SDX_ENOMEM, "out of memory");
done:
	json_decref(ms);
	return rc;
}

int sdx__ipc_claims(json_t *claims, int *class_d, const char *what, const xmlNode *product)
{
	const xmlNode *rohs = sdx__ipc_child(product, "RoHSDeclaration"), *list, *hm;
	size_t k = 0;
	int rc;

	*class_d = 0;
	if (rohs && sdx__ipc_next(rohs))
		return sdx__ipc_bad(SDX_EFORMAT, what, sdx__ipc_next(rohs), NULL, "a second "
				    "RoHSDeclaration; a Product makes one statement");
	if (rohs && (rc = rohs_claim(claims, what, rohs)) < 0)
		return rc;
	list = sdx__ipc_child(sdx__ipc_child(product, "MaterialInfo"), "HomogeneousMaterialList");
	for (hm = sdx__ipc_child(list, "HomogeneousMaterial"); hm; hm = sdx__ipc_next(hm)) {
		if ((rc = material_claim(claims, what, hm, ++k)) < 0)
			return rc;
		*class_d = 1;
	}
	if (json_array_size(claims) == 0)
		return sdx__ipc_bad(SDX_EFORMAT, what, product, NULL, "neither a RoHSDeclaration "
				    "(Class C) nor a MaterialInfo/HomogeneousMaterialList/"
				    "HomogeneousMaterial (Class D): nothing to declare");
	return 0;
}
