/*
 * tests/unit/lab.c - lab accreditation registers (sdx/lab.h): the CSV and
 * JSON forms and their one canonical form, every refusal with the line and
 * column or member it names, every verdict of the judge with its reason,
 * and registers kept in the ledger (versions, the no-op, merging, damage).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "sdx.h"

#define HEADER "body,number,lab_name,country,scope_standards,scope_items,valid_from," \
	       "valid_until,status,suspended_from,note\n"
#define ROW_1234 "CNAS,CNAS L1234,\"Ningbo Eastport Testing Center Co., Ltd.\",CN," \
		 "GB 31701-2026;EN 71-3:2019;GB 6675,Pb;Cd;DEHP,2024-03-01,2030-02-28,active,,\n"

/* Read text as `path`: 0 and *r, or the error. */
static int read_text(sdx_lab_register **r, const char *path, const char *text)
{
	*r = NULL;
	if (test_write_file(path, text) < 0)
		return -1;
	return sdx_lab_register_read(r, path);
}

/* text (as labs.csv or labs.json) is refused with SDX_EFORMAT and exactly msg. */
static int refused(const char *path, const char *text, const char *msg)
{
	sdx_lab_register *r = NULL;
	int rc = read_text(&r, path, text);

	sdx_lab_register_free(r);
	if (rc != SDX_EFORMAT || strcmp(sdx_error_last(), msg) != 0) {
		fprintf(stderr, "# got %d '%s'\n# want '%s'\n", rc, sdx_error_last(), msg);
		return 0;
	}
	return 1;
}

static void reads_the_example(void)
{
	sdx_lab_register *r = NULL;
	const sdx_lab_entry *e;
	size_t i;

	CHECK_OK(sdx_lab_register_read(&r, test_data("../../examples/data/labs/"
						     "example-register.csv")));
	CHECK(sdx_lab_register_count(r) == 6);
	i = sdx_lab_register_find(r, 0, "CNAS", "CNAS L3456");
	CHECK((e = sdx_lab_register_entry(r, i)) != NULL);
	CHECK_STR(e->status, "suspended");
	CHECK_STR(e->suspended_from, "2026-07-01");
	CHECK_STR(e->register_name, "example-register");
	CHECK(e->register_version == 0 && strlen(e->register_sha256) == 64);
	CHECK(strstr(e->note, "EXAMPLE DATA") && strstr(e->note, "not an official register"));
	for (i = 0; i < sdx_lab_register_count(r); i++)
		CHECK(strstr(sdx_lab_register_entry(r, i)->note, "not an official register"));
	CHECK(sdx_lab_register_entry(r, 6) == NULL);
	sdx_lab_register_free(r);
}

/* The same content as CSV (other order, spacing, BOM, CRLF) and as JSON: one canonical form. */
static void one_canonical_form(void)
{
	sdx_lab_register *a = NULL, *b = NULL, *c = NULL;
	const sdx_lab_entry *e;

	CHECK_OK(read_text(&a, "a.csv", HEADER ROW_1234
			   "UKAS,0001,Example UK Lab,GB,EN 71-3:2019,Pb,2025-01-01,2027-01-01,"
			   "withdrawn,2026-01-01,made up\n"));
	CHECK_OK(read_text(&b, "b.csv", "\xef\xbb\xbfnumber,body,status,lab_name,country,"
			   "valid_from,valid_until,scope_items,scope_standards\r\n"
			   " 0001 ,UKAS,withdrawn,Example UK Lab,GB,2025-01-01,2027-01-01,Pb,"
			   "EN 71-3:2019\r\n"
			   "CNAS  L1234,CNAS,active,\"Ningbo Eastport Testing Center Co., Ltd.\","
			   "CN,2024-03-01,2030-02-28, DEHP ; Cd;Pb ,GB 6675; EN 71-3:2019;"
			   "GB 31701-2026\r\n"));
	CHECK_OK(read_text(&c, "c.json", "{\"labs\": [{\"body\": \"CNAS\", \"number\": "
			   "\"CNAS L1234\", \"lab_name\": \"Ningbo Eastport Testing Center Co., "
			   "Ltd.\", \"country\": \"CN\", \"scope_standards\": [\"GB 31701-2026\", "
			   "\"EN 71-3:2019\", \"GB 6675\"], \"scope_items\": [\"Pb\", \"Cd\", "
			   "\"DEHP\"], \"valid_from\": \"2024-03-01\", \"valid_until\": "
			   "\"2030-02-28\", \"status\": \"active\"}, {\"body\": \"UKAS\", "
			   "\"number\": \"0001\", \"lab_name\": \"Example UK Lab\", \"country\": "
			   "\"GB\", \"scope_standards\": [\"EN 71-3:2019\"], \"scope_items\": "
			   "[\"Pb\"], \"valid_from\": \"2025-01-01\", \"valid_until\": "
			   "\"2027-01-01\", \"status\": \"withdrawn\", \"suspended_from\": "
			   "\"2026-01-01\", \"note\": \"made up\"}]}\n"));
	/* the withdrawal date and the note exist only in a */
	CHECK(strcmp(sdx_lab_register_json(a, NULL), sdx_lab_register_json(b, NULL)) != 0);
	CHECK_STR(sdx_lab_register_json(a, NULL), sdx_lab_register_json(c, NULL));
	CHECK_STR(sdx_lab_register_json(a, NULL),
		  "{\"format\":\"sdx-lab-register/1\",\"labs\":[{\"body\":\"CNAS\",\"country\":"
		  "\"CN\",\"lab_name\":\"Ningbo Eastport Testing Center Co., Ltd.\",\"number\":"
		  "\"CNAS L1234\",\"scope_items\":[\"Cd\",\"DEHP\",\"Pb\"],\"scope_standards\":"
		  "[\"EN 71-3:2019\",\"GB 31701-2026\",\"GB 6675\"],\"status\":\"active\","
		  "\"valid_from\":\"2024-03-01\",\"valid_until\":\"2030-02-28\"},{\"body\":"
		  "\"UKAS\",\"country\":\"GB\",\"lab_name\":\"Example UK Lab\",\"note\":"
		  "\"made up\",\"number\":\"0001\",\"scope_items\":[\"Pb\"],\"scope_standards\":"
		  "[\"EN 71-3:2019\"],\"status\":\"withdrawn\",\"suspended_from\":\"2026-01-01\","
		  "\"valid_from\":\"2025-01-01\",\"valid_until\":\"2027-01-01\"}]}");
	e = sdx_lab_register_entry(b, 0);
	CHECK_STR(e->number, "CNAS L1234");
	CHECK(e->suspended_from == NULL && e->note == NULL);
	CHECK(e->n_scope_items == 3 && strcmp(e->scope_items[0], "Cd") == 0);
	sdx_lab_register_free(a);
	sdx_lab_register_free(b);
	sdx_lab_register_free(c);
}

static void csv_refusals(void)
{
	CHECK(refused("labs.csv", "body,number\nCNAS,CNAS L1\n", "'labs.csv': line 1: no column "
		      "'lab_name' (the header must name body, number, lab_name, country, "
		      "scope_standards, scope_items, valid_from, valid_until and status)"));
	CHECK(refused("labs.csv", "body,number,lab,x\n", "'labs.csv': line 1, column 'lab': not "
		      "a column of a lab register (it has body, number, lab_name, country, "
		      "scope_standards, scope_items, valid_from, valid_until and status, and "
		      "optionally suspended_from and note)"));
	CHECK(refused("labs.csv", HEADER ROW_1234 "CNAS,CNAS L5678,Lab,CN,EN 71-3:2019,Pb,"
		      "2024-01-01,2027-02-30,active,,\n", "'labs.csv': line 3, column "
		      "'valid_until': expected a date YYYY-MM-DD, got '2027-02-30'"));
	CHECK(refused("labs.csv", HEADER "CNAS,CNAS L5678,Lab,CN,EN 71-3:2019,Pb,2024-01-01,"
		      "2023-12-31,active,,\n", "'labs.csv': line 2, column 'valid_until': "
		      "2023-12-31 is before valid_from 2024-01-01"));
	CHECK(refused("labs.csv", HEADER "CNAS,CNAS L5678,Lab,CN,EN 71-3:2019,Pb,2024-01-01,"
		      "2027-01-01,expired,,\n", "'labs.csv': line 2, column 'status': expected "
		      "active, suspended or withdrawn, got 'expired'"));
	CHECK(refused("labs.csv", HEADER "CNAS,CNAS L5678,Lab,CN,EN 71-3:2019,Pb,2024-01-01,"
		      "2027-01-01,active,2025-01-01,\n", "'labs.csv': line 2, column "
		      "'suspended_from': given, but the status is 'active' (a date only for a "
		      "suspension or withdrawal)"));
	CHECK(refused("labs.csv", HEADER "XYZ,123,Lab,CN,EN 71-3:2019,Pb,2024-01-01,"
		      "2027-01-01,active,,\n", "'labs.csv': line 2, column 'body': 'XYZ' is not "
		      "an accreditation body sdx accepts: CNAS, CMA or the acronym of an ILAC MRA "
		      "signatory (the list is formats/schemas/lab-register.schema.json)"));
	CHECK(refused("labs.csv", HEADER "CNAS,L5678,Lab,CN,EN 71-3:2019,Pb,2024-01-01,"
		      "2027-01-01,active,,\n", "'labs.csv': line 2, column 'number': 'L5678' does "
		      "not match ^CNAS L[0-9]{4,5}$"));
	CHECK(refused("labs.csv", HEADER ROW_1234 "CNAS,CNAS  L1234,Lab,CN,EN 71-3:2019,Pb,"
		      "2024-01-01,2027-01-01,active,,\n", "'labs.csv': line 3, column 'number': "
		      "'CNAS L1234' is listed already on line 2"));
	CHECK(refused("labs.csv", HEADER "CNAS,CNAS L5678,Lab,CN,EN 71-3:2019;,Pb,2024-01-01,"
		      "2027-01-01,active,,\n", "'labs.csv': line 2, column 'scope_standards': an "
		      "empty item between ';' separators"));
	CHECK(refused("labs.csv", HEADER "CNAS,CNAS L5678,Lab,CN,,,2024-01-01,2027-01-01,"
		      "active,,\n", "'labs.csv': line 2, column 'scope_standards': the scope "
		      "names no standard and no test item (scope_items is empty too); list at "
		      "least one"));
	CHECK(refused("labs.csv", HEADER "CNAS,CNAS L5678,Lab,China,EN 71-3:2019,Pb,2024-01-01,"
		      "2027-01-01,active,,\n", "'labs.csv': line 2, column 'country': expected an "
		      "ISO 3166-1 alpha-2 code such as CN, got 'China'"));
	CHECK(refused("labs.csv", HEADER "CNAS,CNAS L5678, ,CN,EN 71-3:2019,Pb,2024-01-01,"
		      "2027-01-01,active,,\n", "'labs.csv': line 2, column 'lab_name': a value is "
		      "required"));
	CHECK(refused("labs.csv", HEADER "CNAS,CNAS L5678,\"Lab\nTwo\",CN,EN 71-3:2019,Pb,"
		      "2024-01-01,2027-01-01,active,,\n", "'labs.csv': line 2, column 'lab_name': "
		      "holds a control character"));
	CHECK(refused("labs.csv", HEADER "CNAS,CNAS L5678,Lab,CN,EN 71-3:2019,Pb;pb,2024-01-01,"
		      "2027-01-01,active,,\n", "'labs.csv': line 2, column 'scope_items': 'pb' is "
		      "listed twice"));
	CHECK(refused("labs.csv", HEADER "CNAS,CNAS L5678,Lab,CN,EN 71-3:2019,Pb,2024-01-01\n",
		      "'labs.csv': line 2: 7 fields, but the header names 11 columns"));
}

static void json_refusals(void)
{
	CHECK(refused("labs.json", "{\"labs\": [{}]", "'labs.json': invalid JSON at line 1 "
		      "column 13: '}' expected near end of file"));
	CHECK(refused("labs.json", "{\"format\": \"sdx-lab-register/2\", \"labs\": []}",
		      "'labs.json': format: expected \"sdx-lab-register/1\""));
	CHECK(refused("labs.json", "{\"labs\": [], \"title\": \"x\"}", "'labs.json': unexpected "
		      "member 'title' (a lab register has format and labs)"));
	CHECK(refused("labs.json", "{\"labs\": [{\"body\": \"CNAS\", \"number\": 1234}]}",
		      "'labs.json': labs[0].number: expected a string"));
	CHECK(refused("labs.json", "{\"labs\": [{\"body\": \"CNAS\", \"scope_items\": \"Pb\"}]}",
		      "'labs.json': labs[0].scope_items: expected an array of strings"));
	CHECK(refused("labs.json", "{\"labs\": [{\"body\": \"CNAS\", \"scope_items\": "
		      "[\"Pb;Cd\"], \"number\": \"CNAS L1111\", \"lab_name\": \"L\", \"country\": "
		      "\"CN\", \"scope_standards\": [], \"valid_from\": \"2024-01-01\", "
		      "\"valid_until\": \"2025-01-01\", \"status\": \"active\"}]}",
		      "'labs.json': labs[0].scope_items: 'Pb;Cd' holds ';', which separates items"));
	CHECK(refused("labs.json", "{\"labs\": [{\"body\": \"CNAS\", \"number\": \"CNAS L1111\", "
		      "\"lab\": \"x\"}]}", "'labs.json': labs[0]: unexpected member 'lab' (a lab "
		      "has body, number, lab_name, country, scope_standards, scope_items, "
		      "valid_from, valid_until and status, and optionally suspended_from and note)"));
	CHECK(refused("labs.json", "{\"labs\": [{\"body\": \"CNAS\", \"number\": \"CNAS L1111\"}]}",
		      "'labs.json': labs[0].lab_name: a value is required"));
}

/* A register to judge: the verdicts' cases, one lab each. */
static const char judged[] = HEADER ROW_1234
	"CNAS,CNAS L2000,Suspended Lab,CN,EN 71-3:2019,Pb,2024-01-01,2030-01-01,suspended,"
	"2026-07-01,\n"
	"CNAS,CNAS L3000,Withdrawn Lab,CN,EN 71-3:2019,Pb,2024-01-01,2030-01-01,withdrawn,,\n"
	"CNAS,CNAS L4000,New Lab,CN,EN 71-3:2019,Pb,2027-01-01,2030-01-01,active,,\n"
	"UKAS,1234,UK Lab,GB,ASTM F963-23;EN 71-3,Pb,2020-01-01,2026-10-06,active,,\n"
	"CMA,240012345678,CMA Lab,CN,GB 31701-2026,Pb,2020-01-01,2030-01-01,active,,\n";

static int judge(char *why, size_t cap, const sdx_lab_register *r, const char *body,
		 const char *number, const char *date, const char *s1, const char *i1)
{
	const char *st[] = { s1 }, *it[] = { i1 };

	return sdx_lab_register_judge(why, cap, r, body, number, date, st, s1 ? 1 : 0, it,
				      i1 ? 1 : 0);
}

static void verdicts(void)
{
	sdx_lab_register *r = NULL;
	char why[1024];
	const char *st[] = { "GB 31701-2026", "EN 71-3:2019" }, *it[] = { "pb", "DEHP", "Cd" };

	CHECK_OK(read_text(&r, "judged.csv", judged));
	CHECK(sdx_lab_register_judge(why, sizeof(why), r, "CNAS", "CNAS L1234", "2026-10-06", st,
				     2, it, 3) == SDX_LAB_OK);
	CHECK(strstr(why, "accreditation CNAS L1234 (Ningbo Eastport Testing Center Co., Ltd.) "
		      "was active and valid on the report date 2026-10-06 (2024-03-01 to "
		      "2030-02-28) and its scope covers the 2 standards and 3 test items "
		      "reported, per lab register 'judged' (file, sha256 ") == why);
	/* the number without its body's prefix, other case and spacing */
	CHECK(judge(why, sizeof(why), r, "CNAS", "l1234", "2026-10-06", NULL, NULL) == SDX_LAB_OK);
	CHECK(judge(why, sizeof(why), r, NULL, " cnas  L1234 ", "2026-10-06", NULL, NULL) ==
	      SDX_LAB_OK);
	/* the designation's version must match; a scope entry without one matches any */
	CHECK(judge(why, sizeof(why), r, "CNAS", "CNAS L1234", "2026-10-06", "GB 31701-2015",
		    NULL) == SDX_LAB_OUT_OF_SCOPE);
	CHECK(strstr(why, "but its scope does not cover standard GB 31701-2015 (accredited for "
		      "GB 31701-2026), per lab register 'judged'") != NULL);
	CHECK(judge(why, sizeof(why), r, "CNAS", "CNAS L1234", "2026-10-06", "GB 6675-2014",
		    NULL) == SDX_LAB_OK);
	CHECK(judge(why, sizeof(why), r, "CNAS", "CNAS L1234", "2026-10-06", "GB 31701", NULL) ==
	      SDX_LAB_OUT_OF_SCOPE);
	CHECK(judge(why, sizeof(why), r, "CNAS", "CNAS L1234", "2026-10-06", "EN 71-3:2013",
		    NULL) == SDX_LAB_OUT_OF_SCOPE);
	CHECK(judge(why, sizeof(why), r, "CNAS", "CNAS L1234", "2026-10-06", NULL, "DCHP") ==
	      SDX_LAB_OUT_OF_SCOPE);
	CHECK(strstr(why, "does not cover test item DCHP,") != NULL);
	CHECK(judge(why, sizeof(why), r, "UKAS", "1234", "2026-10-06", "ASTM F963-17", NULL) ==
	      SDX_LAB_OUT_OF_SCOPE);
	CHECK(judge(why, sizeof(why), r, "UKAS", "1234", "2026-10-06", "ASTM F963-23", NULL) ==
	      SDX_LAB_OK);
	CHECK(judge(why, sizeof(why), r, "UKAS", "1234", "2026-10-06", "EN 71-3:2019", NULL) ==
	      SDX_LAB_OK);
	/* valid_until is the last valid day */
	CHECK(judge(why, sizeof(why), r, "UKAS", "1234", "2026-10-07", NULL, NULL) ==
	      SDX_LAB_EXPIRED);
	CHECK(strstr(why, "accreditation 1234 (UK Lab) expired on 2026-10-06, before the report "
		      "date 2026-10-07 (valid 2020-01-01 to 2026-10-06), per lab register "
		      "'judged' (file, sha256 ") == why);
	CHECK(judge(why, sizeof(why), r, "CNAS", "CNAS L4000", "2026-12-31", NULL, NULL) ==
	      SDX_LAB_NOT_YET_VALID);
	CHECK(strstr(why, "is valid only from 2027-01-01, after the report date 2026-12-31"));
	/* judged at the report's issue date: before the suspension it was accredited */
	CHECK(judge(why, sizeof(why), r, "CNAS", "CNAS L2000", "2026-06-30", NULL, "Pb") ==
	      SDX_LAB_OK);
	CHECK(judge(why, sizeof(why), r, "CNAS", "CNAS L2000", "2026-07-01", NULL, "Pb") ==
	      SDX_LAB_SUSPENDED);
	CHECK(strstr(why, "was suspended from 2026-07-01, on or before the report date "
		      "2026-07-01") != NULL);
	CHECK(judge(why, sizeof(why), r, "CNAS", "CNAS L3000", "2024-06-01", NULL, NULL) ==
	      SDX_LAB_WITHDRAWN);
	CHECK(strstr(why, "is withdrawn (the register gives no date)") != NULL);
	CHECK(judge(why, sizeof(why), r, "CMA", "240012345678", "2026-01-01", "GB 31701-2026",
		    "Pb") == SDX_LAB_OK);
	CHECK(judge(why, sizeof(why), r, "CNAS", "CNAS L4321", "2026-10-06", NULL, NULL) ==
	      SDX_LAB_NOT_LISTED);
	CHECK(strstr(why, "accreditation CNAS L4321 is not in lab register 'judged' (file, "
		      "sha256 ") == why);
	CHECK(judge(why, sizeof(why), r, "CMA", "CNAS L1234", "2026-10-06", NULL, NULL) ==
	      SDX_LAB_NOT_LISTED);
	CHECK(strstr(why, "; CNAS L1234 is listed under body CNAS, not CMA") != NULL);
	/* a short buffer is cut, never overrun */
	CHECK(judge(why, 16, r, "CNAS", "CNAS L4321", "2026-10-06", NULL, NULL) ==
	      SDX_LAB_NOT_LISTED);
	CHECK(strlen(why) == 15);
	CHECK(judge(NULL, 0, r, "CNAS", "CNAS L1234", "2026-10-06", NULL, NULL) == SDX_LAB_OK);
	CHECK_ERR(judge(why, sizeof(why), r, "CNAS", "CNAS L1234", "06/10/2026", NULL, NULL),
		  SDX_EINVAL);
	CHECK_ERR(judge(why, sizeof(why), r, "CNAS", "", "2026-10-06", NULL, NULL), SDX_EINVAL);
	CHECK_STR(sdx_lab_verdict_name(SDX_LAB_OUT_OF_SCOPE), "out_of_scope");
	CHECK_STR(sdx_lab_verdict_name(7), "?");
	sdx_lab_register_free(r);
}

static void in_the_ledger(void)
{
	sdx_signer *key = NULL;
	sdx_ledger *l = NULL;
	sdx_lab_register *a = NULL, *b = NULL, *m = NULL;
	sdx_register_info info;
	char why[1024];

	CHECK_OK(sdx_signer_generate(&key, "example.com/labs"));
	CHECK_OK(sdx_ledger_create(&l, "l.db", key));
	CHECK_OK(sdx_lab_register_from_ledger(&m, l));
	CHECK(sdx_lab_register_count(m) == 0 && sdx_lab_register_json(m, NULL) == NULL);
	CHECK(judge(why, sizeof(why), m, "CNAS", "CNAS L1234", "2026-10-06", NULL, NULL) ==
	      SDX_LAB_NOT_LISTED);
	CHECK_STR(why, "accreditation CNAS L1234 cannot be checked: no lab register is held");
	sdx_lab_register_free(m);
	m = NULL;
	CHECK_OK(read_text(&a, "cnas.csv", HEADER ROW_1234));
	CHECK(sdx_lab_register_store(&info, l, a, NULL) == 0);
	CHECK_STR(info.name, "cnas");
	CHECK(info.version == 1);
	/* the same content as JSON: unchanged */
	CHECK_OK(read_text(&b, "cnas.json", sdx_lab_register_json(a, NULL)));
	CHECK(sdx_lab_register_store(&info, l, b, "cnas") == 1);
	CHECK(info.version == 1);
	sdx_lab_register_free(b);
	b = NULL;
	/* the lab suspended since: version 2, and a second register of another name */
	CHECK_OK(read_text(&b, "cnas2.csv", HEADER "CNAS,CNAS L1234,Ningbo Eastport,CN,"
			   "GB 31701-2026,Pb,2024-03-01,2030-02-28,suspended,2026-09-01,\n"));
	CHECK(sdx_lab_register_store(&info, l, b, "cnas") == 0);
	CHECK(info.version == 2);
	CHECK(sdx_lab_register_store(&info, l, a, "older-copy") == 0);
	CHECK_OK(sdx_lab_register_from_ledger(&m, l));
	CHECK(sdx_lab_register_count(m) == 2);
	/* two registers list it: the worse verdict stands, naming its register */
	CHECK(judge(why, sizeof(why), m, "CNAS", "CNAS L1234", "2026-10-06", NULL, "Pb") ==
	      SDX_LAB_SUSPENDED);
	CHECK(strstr(why, "per lab register 'cnas' version 2 (sha256 ") != NULL);
	CHECK(judge(why, sizeof(why), m, "CNAS", "CNAS L1234", "2026-08-06", NULL, "Pb") ==
	      SDX_LAB_OK);
	CHECK(judge(why, sizeof(why), m, "CNAS", "CNAS L9999", "2026-08-06", NULL, NULL) ==
	      SDX_LAB_NOT_LISTED);
	CHECK(strstr(why, "is not in lab registers 'cnas' version 2 (sha256 ") != NULL);
	CHECK(strstr(why, ", 'older-copy' version 1 (sha256 ") != NULL);
	CHECK_ERR(sdx_lab_register_store(&info, l, m, NULL), SDX_EINVAL);
	sdx_lab_register_free(m);
	m = NULL;
	sdx_ledger_free(l);
	l = NULL;
	/* a body changed outside sdx is named, never judged with */
	CHECK(test_sql("l.db", "INSERT INTO registers VALUES('lab', 'forged', 1, "
		       "'2026-01-01T00:00:00Z', zeroblob(32), "
		       "'{\"labs\":[],\"format\":\"sdx-lab-register/1\"}')") == 0);
	CHECK_OK(sdx_ledger_open(&l, "l.db", SDX_OPEN_READONLY));
	CHECK_ERR(sdx_lab_register_from_ledger(&m, l), SDX_EFORMAT);
	CHECK_STR(sdx_error_last(), "'l.db': lab register 'forged' version 1: not in canonical "
		  "form (changed outside sdx?)");
	CHECK(m == NULL);
	sdx_ledger_free(l);
	sdx_lab_register_free(a);
	sdx_lab_register_free(b);
	sdx_signer_free(key);
}

static const struct test_case tests[] = {
	{ "reads the example register, labelled as example data", reads_the_example },
	{ "CSV in any order and spacing, and JSON: one canonical form", one_canonical_form },
	{ "CSV refusals name the line and column", csv_refusals },
	{ "JSON refusals name the member", json_refusals },
	{ "every verdict, judged at the report date, with its reason", verdicts },
	{ "registers in the ledger: versions, no-op, merged, damage named", in_the_ledger },
	{ NULL, NULL }
};

TEST_MAIN(tests)
