/*
 * formats/ipc1752a/map.c - one IPC-1752A file as one declaration record:
 * BusinessInfo to supplier and signatory, Product to material and lots, the
 * claims of claims.c, the file itself as the evidence Class D claims cite.
 * The record is validated before it is handed out (formats/ipc1752a.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "formats/ipc1752a/claims.h"
#include "formats/ipc1752a/xml.h"
#include "formats/records/rules.h"
#include "ledger/internal.h"
#include "sdx/ipc1752a.h"
#include "sdx/record.h"
#include "formats/text/text.h"

#define PARTY_MAX (64 * 1024)

struct map {
	const char *what;
	const sdx_ipc1752a_options *o;
	char issue[11];
	char company[200];
	char item[200];
	json_t *rec;
};

static int nomem(void)
{
	return sdx_error_set(SDX_ENOMEM, "out of memory");
}

/* o[key] = s, when s is not empty. */
static int put(json_t *o, const char *key, const char *s)
{
	if (!s[0])
		return 0;
	return json_object_set_new(o, key, json_string(s)) < 0 ? nomem() : 0;
}

/* The supplier: the party given, its name the company's, with the company's identifiers added. */
static int supplier(struct map *m, const xmlNode *company)
{
	char id[64], auth[64];
	const xmlNode *c;
	json_error_t jerr;
	json_t *party = NULL, *ids, *x;
	const char *name;
	size_t i;
	int rc = 0, seen;

	if (!m->o->supplier)
		return sdx_error_set(SDX_ESCHEMA, "%s: IPC-1752A names no address or country of the "
				     "supplier: give its party (formats/declaration.md §3.1) as JSON",
				     m->what);
	if (!(party = json_loads(m->o->supplier, JSON_REJECT_DUPLICATES, &jerr)))
		return sdx_error_set(SDX_ESCHEMA, "supplier: line %d: not JSON: %s", jerr.line,
				     jerr.text);
	if (!json_is_object(party)) {
		rc = sdx_error_set(SDX_ESCHEMA, "supplier: not a JSON object (a party, "
				   "formats/declaration.md §3.1)");
		goto done;
	}
	name = sdx__rule_str(party, "name");
	if (!name || strcmp(name, m->company) != 0) {
		rc = sdx__ipc_bad(SDX_ESCHEMA, m->what, company, "name", "'%s' is not the supplier's "
				  "party '%s'", m->company, name ? name : "");
		goto done;
	}
	if (!json_is_array(ids = json_object_get(party, "identifiers")) &&
	    json_object_set_new(party, "identifiers", ids = json_array()) < 0) {
		rc = nomem();
		goto done;
	}
	for (c = sdx__ipc_child(company, "CompanyID"); c; c = sdx__ipc_next(c)) {
		const char *scheme;
		if ((rc = sdx__ipc_attr(id, sizeof(id), m->what, c, "identity", 1)) < 0 ||
		    (rc = sdx__ipc_attr(auth, sizeof(auth), m->what, c, "authority", 1)) < 0)
			goto done;
		if (!(scheme = json_string_value(sdx__ipc_vocab_get("authorities", auth))))
			continue; /* a customer's or a tool's number: not mapped */
		seen = 0;
		json_array_foreach(ids, i, x)
			seen |= strcmp(sdx__rule_str(x, "scheme") ? sdx__rule_str(x, "scheme") : "",
				       scheme) == 0 &&
				strcmp(sdx__rule_str(x, "id") ? sdx__rule_str(x, "id") : "", id) == 0;
		if (!seen && json_array_append_new(ids, json_pack("{s:s, s:s}", "scheme", scheme,
								  "id", id)) < 0) {
			rc = nomem();
			goto done;
		}
	}
	rc = json_object_set(m->rec, "supplier", party) < 0 ? nomem() : 0;
done:
	json_decref(party);
	return rc < 0 ? rc : 0;
}

/* Contact, Authorizer: a person with an optional Email/@address and Phone/@number. */
static int person(json_t **out, const char *what, const xmlNode *p, const char *role_attr)
{
	char name[200], email[256], phone[64], title[200];
	int rc;

	*out = NULL;
	if ((rc = sdx__ipc_attr(name, sizeof(name), what, p, "name", 1)) < 0 ||
	    (rc = sdx__ipc_attr(email, sizeof(email), what, sdx__ipc_child(p, "Email"), "address",
				0)) < 0 ||
	    (rc = sdx__ipc_attr(phone, sizeof(phone), what, sdx__ipc_child(p, "Phone"), "number",
				0)) < 0 ||
	    (rc = sdx__ipc_attr(title, sizeof(title), what, p, "title", 0)) < 0)
		return rc;
	if (!(*out = json_pack("{s:s}", "name", name)))
		return nomem();
	if ((rc = put(*out, "email", email)) < 0 ||
	    (!role_attr && (rc = put(*out, "phone", phone)) < 0) ||
	    (role_attr && (rc = put(*out, role_attr, title[0] ? title : "Authorizer")) < 0)) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

static int business(struct map *m, const xmlNode *root)
{
	xmlNode *bi, *resp, *company, *auth, *decl, *contact;
	json_t *p = NULL;
	char accept[16];
	int rc;

	if ((rc = sdx__ipc_need(&bi, m->what, root, "BusinessInfo")) < 0 ||
	    (rc = sdx__ipc_need(&resp, m->what, bi, "Response")) < 0 ||
	    (rc = sdx__ipc_date(m->issue, m->what, resp, "date", 1)) < 0 ||
	    (rc = sdx__ipc_need(&company, m->what, resp, "SupplyCompany")) < 0 ||
	    (rc = sdx__ipc_attr(m->company, sizeof(m->company), m->what, company, "name", 1)) < 0 ||
	    (rc = sdx__ipc_need(&auth, m->what, resp, "Authorizer")) < 0)
		return rc;
	if ((decl = sdx__ipc_child(bi, "Declaration"))) {
		if ((rc = sdx__ipc_attr(accept, sizeof(accept), m->what, decl, "supplierAcceptance",
					0)) < 0)
			return rc;
		if (rc && strcmp(accept, "true") != 0 && strcmp(accept, "1") != 0)
			return sdx__ipc_bad(SDX_EFORMAT, m->what, decl, "supplierAcceptance", "'%s': the "
					    "supplier did not accept the legal declaration", accept);
	}
	if ((rc = supplier(m, company)) < 0)
		return rc;
	if ((contact = sdx__ipc_child(resp, "Contact"))) {
		if ((rc = person(&p, m->what, contact, NULL)) < 0)
			return rc;
		/* a contact needs an email or a phone; the party's own contact stays */
		if (json_object_size(p) > 1 &&
		    !json_object_get(json_object_get(m->rec, "supplier"), "contact") &&
		    json_object_set(json_object_get(m->rec, "supplier"), "contact", p) < 0)
			rc = nomem();
		json_decref(p);
		if (rc < 0)
			return rc;
	}
	if ((rc = person(&p, m->what, auth, "role")) < 0)
		return rc;
	return json_object_set_new(m->rec, "signatory", p) < 0 ? nomem() : 0;
}

/* "LOT:QTY:UNIT" (the lot number may not hold ':', so the last two split). */
static json_t *lot_spec(const char *spec, const char *date)
{
	const char *u = strrchr(spec, ':'), *q;
	char lot[128], *end;
	double v;

	if (!u || u == spec)
		return NULL;
	for (q = u - 1; q > spec && *q != ':'; q--)
		;
	if (*q != ':' || q == spec || (size_t)(q - spec) >= sizeof(lot))
		return NULL;
	memcpy(lot, spec, (size_t)(q - spec));
	lot[q - spec] = '\0';
	errno = 0;
	v = strtod(q + 1, &end);
	if (end != u || end == q + 1 || errno || !(v > 0) || !u[1])
		return NULL;
	return json_pack("{s:s, s:s, s:{s:f, s:s}}", "lot_number", lot, "production_date", date,
			 "quantity", "value", v, "unit", u + 1);
}

/* Without --lot: the product's item number, counted by numberOfInstances of unitType. */
static json_t *product_lot(struct map *m, const xmlNode *product, int *rc)
{
	char type[40];
	const char *unit;
	double n = 1;

	if ((*rc = sdx__ipc_attr(type, sizeof(type), m->what, product, "unitType", 0)) < 0)
		return NULL;
	if (!(unit = json_string_value(sdx__ipc_vocab_get("unit_types", type[0] ? type : "Each")))) {
		*rc = sdx__ipc_bad(SDX_ESCHEMA, m->what, product, "unitType", "'%s' is not a unit sdx "
				   "maps; give the lots with --lot LOT:QTY:UNIT", type);
		return NULL;
	}
	if (xmlHasProp(product, (const xmlChar *)"numberOfInstances") &&
	    (*rc = sdx__ipc_number(&n, m->what, product, "numberOfInstances")) < 0)
		return NULL;
	if (!(n > 0)) {
		*rc = sdx__ipc_bad(SDX_ESCHEMA, m->what, product, "numberOfInstances", "a lot needs "
				   "a quantity above 0; give the lots with --lot LOT:QTY:UNIT");
		return NULL;
	}
	return json_pack("{s:s, s:s, s:{s:f, s:s}}", "lot_number", m->item, "production_date",
			 m->issue, "quantity", "value", n, "unit", unit);
}

static int lots(struct map *m, json_t *material, const xmlNode *product)
{
	json_t *arr = json_array(), *lot;
	size_t i;
	int rc = 0;

	if (!arr || json_object_set_new(material, "lots", arr) < 0)
		return nomem();
	if (m->o->nlots > SDX_IPC1752A_MAX_LOTS)
		return sdx_error_set(SDX_ELIMIT, "more than %d lots", SDX_IPC1752A_MAX_LOTS);
	for (i = 0; i < m->o->nlots; i++) {
		if (!(lot = lot_spec(m->o->lots[i], m->issue)))
			return sdx_error_set(SDX_ESCHEMA, "--lot '%s': expected LOT:QTY:UNIT, e.g. "
					     "R2611-07:5000:H87 (a quantity above 0, a UN/ECE Rec 20 "
					     "unit)", m->o->lots[i]);
		if (json_array_append_new(arr, lot) < 0)
			return nomem();
	}
	if (m->o->nlots == 0) {
		if (!(lot = product_lot(m, product, &rc)))
			return rc < 0 ? rc : nomem();
		if (json_array_append_new(arr, lot) < 0)
			return nomem();
	}
	return 0;
}

static int product(struct map *m, const xmlNode *root, const unsigned char sha[32])
{
	char name[200], version[64], id[65], hex[65], desc[400];
	xmlNode *prod, *pid;
	json_t *material = NULL, *claims = NULL;
	size_t i;
	int rc, class_d;

	if ((rc = sdx__ipc_need(&prod, m->what, root, "Product")) < 0)
		return rc;
	if (sdx__ipc_next(prod))
		return sdx__ipc_bad(SDX_EFORMAT, m->what, sdx__ipc_next(prod), NULL, "a second Product; "
				    "sdx makes one declaration of one product per file");
	if ((rc = sdx__ipc_need(&pid, m->what, prod, "ProductID")) < 0 ||
	    (rc = sdx__ipc_attr(m->item, sizeof(m->item), m->what, pid, "itemNumber", 1)) < 0 ||
	    (rc = sdx__ipc_attr(name, sizeof(name), m->what, pid, "itemName", 0)) < 0 ||
	    (rc = sdx__ipc_attr(version, sizeof(version), m->what, pid, "version", 0)) < 0)
		return rc;
	/* declaration_id: IPC1752A-ITEM-YYYYMMDD, in the id alphabet */
	sdx__text_put(id, sizeof(id), "IPC1752A-%.40s-%.4s%.2s%.2s", m->item, m->issue, m->issue + 5,
		 m->issue + 8);
	for (i = 9; id[i]; i++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._/-", id[i]))
			id[i] = '-';
	sdx__text_put(desc, sizeof(desc), "Imported from an IPC-1752A material declaration (schema 2.0) "
		 "of item %s%s%s", m->item, version[0] ? " version " : "", version);
	if (!(material = json_pack("{s:s, s:s, s:s}", "name", name[0] ? name : m->item,
				   "supplier_part_number", m->item, "description", desc)) ||
	    !(claims = json_array())) {
		rc = nomem();
		goto done;
	}
	if ((rc = lots(m, material, prod)) < 0 ||
	    (rc = sdx__ipc_claims(claims, &class_d, m->what, prod)) < 0)
		goto done;
	if (json_object_set_new(m->rec, "declaration_id", json_string(id)) < 0 ||
	    json_object_set(m->rec, "material", material) < 0 ||
	    json_object_set(m->rec, "claims", claims) < 0 ||
	    json_object_set_new(m->rec, "evidence", json_array()) < 0) {
		rc = nomem();
		goto done;
	}
	if (class_d) {
		/* Class D values are declared, not tested: the file is their evidence */
		for (i = 0; i < 32; i++)
			sdx__text_put(hex + 2 * i, 3, "%02x", sha[i]);
		if (json_array_append_new(json_object_get(m->rec, "evidence"), json_pack(
		    "{s:s, s:s, s:s, s:s, s:s, s:[s], s:{s:s, s:s}}", "id", SDX_IPC_EVIDENCE_ID,
		    "lab_name", m->company, "report_number", id, "issue_date", m->issue,
		    "valid_until", m->o->valid_until, "test_items",
		    "IPC-1752A Class D material composition", "attachment", "sha256", hex,
		    "media_type", "application/xml")) < 0)
			rc = nomem();
	}
done:
	json_decref(material);
	json_decref(claims);
	return rc;
}

int sdx_ipc1752a_convert(char **out, size_t *out_len, const char *what, const void *xml,
			 size_t len, const sdx_ipc1752a_options *opts)
{
	struct map m;
	unsigned char sha[32];
	xmlDoc *doc = NULL;
	char *text = NULL;
	int rc;

	*out = NULL;
	*out_len = 0;
	if (!what || (!xml && len) || !opts || opts->version != SDX_IPC1752A_OPTIONS_VERSION ||
	    (opts->nlots && !opts->lots))
		return sdx_error_set(SDX_EINVAL, "sdx_ipc1752a_convert: bad arguments");
	if (!opts->valid_until)
		return sdx_error_set(SDX_ESCHEMA, "%s: IPC-1752A states no end of validity: give the "
				     "last day the declaration may be relied on", what);
	memset(&m, 0, sizeof(m));
	m.what = what;
	m.o = opts;
	if ((rc = sdx__ipc_parse(&doc, what, xml, len)) < 0)
		return rc;
	sdx__sha256(sha, xml, len);
	if (!(m.rec = json_pack("{s:s}", "format", "sdx-declaration/2"))) {
		rc = nomem();
		goto done;
	}
	if ((rc = business(&m, xmlDocGetRootElement(doc))) < 0 ||
	    (rc = product(&m, xmlDocGetRootElement(doc), sha)) < 0)
		goto done;
	if (json_object_set_new(m.rec, "issue_date", json_string(m.issue)) < 0 ||
	    json_object_set_new(m.rec, "valid_from", json_string(m.issue)) < 0 ||
	    json_object_set_new(m.rec, "valid_until", json_string(opts->valid_until)) < 0 ||
	    !(text = json_dumps(m.rec, JSON_COMPACT | JSON_REAL_PRECISION(15)))) {
		rc = nomem();
		goto done;
	}
	if ((rc = sdx_record_validate("declaration", text, strlen(text))) < 0) {
		char msg[900];
		sdx__text_put(msg, sizeof(msg), "%s", sdx_error_last());
		rc = sdx_error_set(rc, "%s: the declaration it makes is not valid: %s", what, msg);
		goto done;
	}
	*out_len = strlen(text);
	*out = text;
	text = NULL;
done:
	free(text);
	json_decref(m.rec);
	xmlFreeDoc(doc);
	return rc;
}

/* The whole of a file of at most max bytes, NUL-terminated. */
static int slurp(char **out, size_t *len, const char *path, size_t max)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n;

	*out = NULL;
	if (!f)
		return sdx_error_set(errno == ENOENT ? SDX_ENOTFOUND : SDX_EIO, "cannot open '%s': %s",
				     path, strerror(errno));
	if (!(buf = malloc(max + 1))) {
		fclose(f);
		return nomem();
	}
	n = fread(buf, 1, max + 1, f);
	if (ferror(f)) {
		fclose(f);
		free(buf);
		return sdx_error_set(SDX_EIO, "cannot read '%s': %s", path, strerror(errno));
	}
	fclose(f);
	if (n > max) {
		free(buf);
		return sdx_error_set(SDX_ELIMIT, "'%s': larger than %zu bytes", path, max);
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

int sdx_ipc1752a_read(char **out, size_t *out_len, const char *path, const sdx_ipc1752a_options *opts)
{
	sdx_ipc1752a_options o;
	char *xml = NULL, *party = NULL, what[4200];
	size_t len = 0, plen = 0;
	int rc;

	*out = NULL;
	*out_len = 0;
	if (!path || !opts)
		return sdx_error_set(SDX_EINVAL, "sdx_ipc1752a_read: bad arguments");
	o = *opts;
	if (o.supplier_file) {
		if ((rc = slurp(&party, &plen, o.supplier_file, PARTY_MAX)) < 0)
			return rc;
		o.supplier = party;
	}
	sdx__text_put(what, sizeof(what), "'%s'", path);
	if ((rc = slurp(&xml, &len, path, SDX_IPC1752A_MAX_BYTES)) == 0)
		rc = sdx_ipc1752a_convert(out, out_len, what, xml, len, &o);
	free(xml);
	free(party);
	return rc;
}
