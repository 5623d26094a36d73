/*
 * formats/rules/reports.c - the test_report check kind: a report on the
 * record (or, where the rule allows, on one of its inputs) against the
 * required standard version, covering the required clauses and test items,
 * from an accredited (or register-verified) lab, unexpired and recent enough
 * at the check date (formats/profiles.md §3, §2a).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sdx/lab.h"
#include "sdx/provenance.h"
#include "formats/rules/internal.h"
#include "formats/text/l10n.h"
#include "formats/text/text.h"

/* A report found for a record: its own, an input's, or its model's. */
struct candidate {
	const json_t *e;
	int model;        /* on the product (model) record the batch is a run of */
	char where[300];  /* "" for the record's own; else "lot L (declaration D)" or
			   * "model M (product record)" */
};

#define MAX_CANDIDATES 64

/* How one report measures up: a verdict and, short of a pass, why. */
struct judged {
	int verdict;      /* SDX_VERDICT_*, CHECK_FIRM-free */
	int firm;         /* an unknown the profile asks for (pending clause): not a fail */
	size_t score;     /* how far from a pass: fewer is closer */
	char why[900];
};

/*
 * "GB 31701-2026" -> "GB31701" and "2026"; "EN 71-3:2019+A1:2021" ->
 * "EN71-3" and "2019+A1:2021": the version follows the first ':', or a final
 * "-YYYY".
 */
static void standard_split(const char *s, char *desig, size_t dcap, char *ver, size_t vcap)
{
	const char *cut = strchr(s, ':'), *p;
	size_t n = 0, len;

	if (!cut) {
		cut = strrchr(s, '-');
		if (cut && (strlen(cut + 1) != 4 || strspn(cut + 1, "0123456789") != 4))
			cut = NULL;
	}
	len = cut ? (size_t)(cut - s) : strlen(s);
	for (p = s; p < s + len && n + 1 < dcap; p++)
		if (!isspace((unsigned char)*p))
			desig[n++] = (char)toupper((unsigned char)*p);
	desig[n] = '\0';
	sdx__text_put(ver, vcap, "%s", cut ? cut + 1 : "");
}

/* Is `have` the version `want`, or it with amendments ("2019+A1:2021" for "2019")? */
static int same_version(const char *want, const char *have)
{
	size_t n = strlen(want);

	return strcmp(want, have) == 0 || (strncmp(want, have, n) == 0 && have[n] == '+');
}

/* Does the report test against `want`?  2 yes; 1 another version of it; 0 no. */
static int standard_match(const json_t *e, const char *want)
{
	char wd[80], wv[40], hd[80], hv[40];
	const json_t *x;
	size_t i;
	int best = 0;

	standard_split(want, wd, sizeof(wd), wv, sizeof(wv));
	json_array_foreach(json_object_get(e, "standards"), i, x) {
		standard_split(json_string_value(x), hd, sizeof(hd), hv, sizeof(hv));
		if (strcmp(wd, hd) != 0)
			continue;
		if (!wv[0] || same_version(wv, hv))
			return 2;
		best = 1;
	}
	return best;
}

static const char *clause_id(const json_t *c)
{
	return json_is_string(c) ? json_string_value(c) : sget(c, "clause");
}

/* "4.8 (torque of detachable parts)" or "4.8". */
static void clause_name(char *out, size_t cap, const json_t *c)
{
	if (*sget(c, "title"))
		sdx__text_put(out, cap, "%s (%s)", clause_id(c), sget(c, "title"));
	else
		sdx__text_put(out, cap, "%s", clause_id(c));
}

static const json_t *clause_result(const json_t *e, const char *id)
{
	const json_t *x;
	size_t i;

	json_array_foreach(json_object_get(e, "clauses"), i, x)
		if (strcasecmp(sget(x, "clause"), id) == 0)
			return x;
	return NULL;
}

/* Clauses: the required ones covered with a result; failed and pending named. */
static void judge_clauses(const json_t *rule, const json_t *e, struct judged *j, char *note,
			  size_t ncap)
{
	const json_t *req = json_object_get(rule, "report"), *want, *have;
	const json_t *pending = json_object_get(req, "pending_clauses");
	char missing[400] = "", failed[400] = "", unsure[300] = "", name[120];
	size_t i, nmiss = 0;

	json_array_foreach(json_object_get(req, "clauses"), i, want) {
		const char *id = clause_id(want), *res, *p;
		have = clause_result(e, id);
		res = sget(have, "result");
		clause_name(name, sizeof(name), want);
		if (have && strcmp(res, "fail") == 0) {
			sdx__text_list(failed, sizeof(failed), name);
			continue;
		}
		if (have && (strcmp(res, "pass") == 0 || strcmp(res, "not_applicable") == 0))
			continue;
		p = sget(pending, id);
		if (strcmp(p, "ignore") == 0) {
			sdx__text_list(note, ncap, name);
			continue;
		}
		if (strcmp(p, "unknown") == 0) {
			sdx__text_list(unsure, sizeof(unsure), name);
			continue;
		}
		sdx__text_list(missing, sizeof(missing), name);
		nmiss++;
	}
	if (failed[0]) {
		j->verdict = SDX_VERDICT_FAIL;
		sdx__text_put(j->why, sizeof(j->why), _("report %s: %s failed"), sget(e, "report_number"),
			 failed);
	} else if (missing[0]) {
		j->verdict = SDX_VERDICT_UNKNOWN;
		j->score = 10 + nmiss;
		sdx__text_put(j->why, sizeof(j->why), nmiss > 1 ? _("report %s does not cover clauses %s")
			 : _("report %s does not cover clause %s"), sget(e, "report_number"), missing);
	} else if (unsure[0]) {
		j->verdict = SDX_VERDICT_UNKNOWN;
		j->firm = 1;
		j->score = 5;
		sdx__text_put(j->why, sizeof(j->why), _("report %s gives no result for %s, whose "
			 "interpretation is officially pending"), sget(e, "report_number"), unsure);
	}
}

static void judge_items(const json_t *rule, const json_t *e, struct judged *j)
{
	char missing[500] = "";
	size_t k, i, nmiss = 0;
	const json_t *want, *have;

	json_array_foreach(json_object_get(rule, "test_items"), k, want) {
		int found = 0;
		json_array_foreach(json_object_get(e, "test_items"), i, have)
			if (strcasecmp(json_string_value(have), json_string_value(want)) == 0)
				found = 1;
		if (!found) {
			sdx__text_list(missing, sizeof(missing), json_string_value(want));
			nmiss++;
		}
	}
	if (nmiss) {
		j->verdict = SDX_VERDICT_UNKNOWN;
		j->score = 10 + nmiss;
		sdx__text_put(j->why, sizeof(j->why), _("report %s does not cover %s"),
			 sget(e, "report_number"), missing);
	}
}

/* The report's lab: accredited as the policy says, and in the register if it asks. */
static void judge_lab(const struct check *c, const json_t *rule, const json_t *e,
		      struct judged *j)
{
	const json_t *policy = json_object_get(rule, "evidence"), *x;
	const json_t *acc = json_object_get(e, "accreditation");
	const char *body = sget(acc, "body"), *items[200], *stds[20];
	size_t k, ni = 0, ns = 0;
	int listed = 0;

	if ((json_is_true(json_object_get(policy, "accredited")) ||
	     json_object_get(policy, "accreditation")) && !*body) {
		j->verdict = SDX_VERDICT_UNKNOWN;
		j->score = 3;
		sdx__text_put(j->why, sizeof(j->why), _("report %s by %s names no accreditation"),
			 sget(e, "report_number"), sget(e, "lab_name"));
		return;
	}
	if (json_object_get(policy, "accreditation_bodies")) {
		json_array_foreach(json_object_get(policy, "accreditation_bodies"), k, x)
			if (strcmp(json_string_value(x), body) == 0)
				listed = 1;
		if (!listed) {
			j->verdict = SDX_VERDICT_UNKNOWN;
			j->score = 3;
			sdx__text_put(j->why, sizeof(j->why), _("report %s is accredited by '%s', not a body "
				 "this profile accepts"), sget(e, "report_number"), body);
			return;
		}
	}
	if (strcmp(sget(policy, "accreditation"), "verified") != 0)
		return;
	if (!c->opts || !c->opts->labs || !sdx_lab_register_count(c->opts->labs)) {
		j->verdict = SDX_VERDICT_UNKNOWN;
		j->score = 2;
		sdx__text_put(j->why, sizeof(j->why), _("accreditation %s of report %s cannot be verified: "
			 "no lab register is loaded ('sdx lab import FILE', or 'sdx check --labs FILE')"),
			 sget(acc, "number"), sget(e, "report_number"));
		return;
	}
	json_array_foreach(json_object_get(e, "standards"), k, x)
		if (ns < 20)
			stds[ns++] = json_string_value(x);
	json_array_foreach(json_object_get(e, "test_items"), k, x)
		if (ni < 200)
			items[ni++] = json_string_value(x);
	if (sdx_lab_register_judge(j->why, sizeof(j->why), c->opts->labs, body,
				   sget(acc, "number"), sget(e, "issue_date"), stds, ns, items,
				   ni) != SDX_LAB_OK) {
		size_t n = strlen(j->why);
		j->verdict = SDX_VERDICT_UNKNOWN;
		j->score = 2;
		sdx__text_put(j->why + n, sizeof(j->why) - n, _(" (report %s)"), sget(e, "report_number"));
	}
}

/*
 * A member of report `e` the rule reads that is absent where a member of the
 * report is withheld (formats/disclosure.md: it may be that one): its name,
 * or NULL.  A clause whose result is withheld counts as its clauses.
 */
static const char *withheld_need(const json_t *rule, const json_t *e)
{
	const json_t *policy = json_object_get(rule, "evidence"), *req = json_object_get(rule, "report");
	const json_t *x;
	size_t i;

	if (sdx__graph_withheld(e)) {
		if (sdx__graph_may_withhold(e, "valid_until"))
			return "valid_until";
		if (json_object_get(policy, "max_age_days") && sdx__graph_may_withhold(e, "issue_date"))
			return "issue_date";
		if (json_object_get(req, "standards") && sdx__graph_may_withhold(e, "standards"))
			return "standards";
		if (json_object_get(req, "clauses") && sdx__graph_may_withhold(e, "clauses"))
			return "clauses";
		if (json_object_get(rule, "test_items") && sdx__graph_may_withhold(e, "test_items"))
			return "test_items";
		if ((json_is_true(json_object_get(policy, "accredited")) ||
		     json_object_get(policy, "accreditation") ||
		     json_object_get(policy, "accreditation_bodies")) &&
		    sdx__graph_may_withhold(e, "accreditation"))
			return "accreditation";
		if (json_object_get(policy, "report_file") && sdx__graph_may_withhold(e, "attachment"))
			return "attachment";
	}
	if (json_object_get(req, "clauses")) {
		if (sdx__graph_withheld_elements(e, "clauses"))
			return "clauses";
		json_array_foreach(json_object_get(e, "clauses"), i, x)
			if (sdx__graph_may_withhold(x, "result") || sdx__graph_may_withhold(x, "clause"))
				return "clauses";
	}
	if (json_object_get(rule, "test_items") && sdx__graph_withheld_elements(e, "test_items"))
		return "test_items";
	if (json_object_get(req, "standards") && sdx__graph_withheld_elements(e, "standards"))
		return "standards";
	if (sdx__graph_may_withhold(json_object_get(e, "accreditation"), "number") &&
	    strcmp(sget(policy, "accreditation"), "verified") == 0)
		return "accreditation";
	return NULL;
}

static void judge(const struct check *c, const json_t *rule, const json_t *e, struct judged *j,
		  char *note, size_t ncap)
{
	const json_t *req = json_object_get(rule, "report"), *x;
	const json_t *policy = json_object_get(rule, "evidence");
	json_int_t max_age = json_integer_value(json_object_get(policy, "max_age_days"));
	long age = c->today - sdx__check_days(sget(e, "issue_date"));
	char stds[300] = "";
	const char *what;
	struct judged firm;
	size_t i;
	int best = 0;

	memset(j, 0, sizeof(*j));
	if ((what = withheld_need(rule, e))) {
		j->verdict = SDX_VERDICT_UNKNOWN;
		j->score = 2;
		sdx__text_put(j->why, sizeof(j->why), _("the %s of report %s may be concealed and is not "
			 "disclosed, and this rule reads it"), what, *sget(e, "report_number")
			 ? sget(e, "report_number") : "?");
		return;
	}
	json_array_foreach(json_object_get(req, "standards"), i, x) {
		int m = standard_match(e, json_string_value(x));
		if (m > best)
			best = m;
		sdx__text_list(stds, sizeof(stds), json_string_value(x));
	}
	if (stds[0] && best < 2) {
		char have[300] = "";
		json_array_foreach(json_object_get(e, "standards"), i, x)
			sdx__text_list(have, sizeof(have), json_string_value(x));
		j->verdict = SDX_VERDICT_UNKNOWN;
		j->score = best ? 50 : 100;
		if (best)
			sdx__text_put(j->why, sizeof(j->why), _("report %s tests against %s, another version "
				 "than the rule requires (%s)"), sget(e, "report_number"), have, stds);
		else
			sdx__text_put(j->why, sizeof(j->why), _("report %s does not test against %s%s%s"),
				 sget(e, "report_number"), stds, have[0] ? _(" (it names ") : "",
				 have[0] ? have : "");
		if (!best && have[0])
			strncat(j->why, ")", sizeof(j->why) - strlen(j->why) - 1);
		return;
	}
	judge_clauses(rule, e, j, note, ncap);
	if (j->verdict && !j->firm)
		return;
	/* a pending clause the profile leaves unknown yields to any real shortfall below */
	firm = *j;
	memset(j, 0, sizeof(*j));
	judge_items(rule, e, j);
	if (!j->verdict)
		judge_lab(c, rule, e, j);
	if (!j->verdict && sdx__check_days(sget(e, "valid_until")) < c->today) {
		j->verdict = SDX_VERDICT_UNKNOWN;
		j->score = 1;
		sdx__text_put(j->why, sizeof(j->why), _("report %s expired on %s (checked at %s)"),
			 sget(e, "report_number"), sget(e, "valid_until"), c->date);
	} else if (!j->verdict && max_age && age > max_age) {
		j->verdict = SDX_VERDICT_UNKNOWN;
		j->score = 1;
		sdx__text_put(j->why, sizeof(j->why), _("report %s was issued %s, %ld days before %s; at most "
			 "%lld days are allowed"), sget(e, "report_number"),
			 sget(e, "issue_date"), age, c->date, (long long)max_age);
	}
	if (!j->verdict && strcmp(sget(policy, "report_file"), "held") == 0 &&
	    !sdx__check_file_held(c, e)) {
		j->verdict = SDX_VERDICT_UNKNOWN;
		j->score = 1;
		sdx__text_put(j->why, sizeof(j->why), _("the file of report %s is not held (withheld "
			 "with the values it holds, or not carried), and this rule reads the report "
			 "itself"), sget(e, "report_number"));
	}
	if (!j->verdict)
		*j = firm;
}

/* The record's own reports, then those of the declarations it used. */
static size_t candidates(const struct check *c, size_t node, struct candidate *out, size_t cap,
			 size_t *own)
{
	const struct gnode *n = &c->g->n[node];
	const json_t *body = sdx__graph_body(c->g, n), *e, *x;
	size_t i, k, m = 0, to, ed;

	json_array_foreach(json_object_get(body, "evidence"), i, e)
		if (m < cap) {
			out[m].e = e;
			out[m].model = 0;
			out[m++].where[0] = '\0';
		}
	*own = m;
	/* the model's reports (a version 3 batch's `model`), after the record's own */
	for (ed = 0; ed < n->type->nedges; ed++) {
		const struct sdx_record_edge *edge = &n->type->edges[ed];
		const char *hex;
		const json_t *pb;
		if (edge->array || edge->consumes || !sdx__edge_accepts(edge, "product") ||
		    !(hex = sdx__edge_hash(edge, body)) ||
		    (to = sdx__graph_find_hex(c->g, hex)) == SIZE_MAX ||
		    !(pb = sdx__graph_body(c->g, &c->g->n[to])))
			continue;
		json_array_foreach(json_object_get(pb, "evidence"), i, e)
			if (m < cap) {
				out[m].e = e;
				out[m].model = 1;
				sdx__text_put(out[m++].where, sizeof(out->where), _("model %s (product record)"),
					 sget(pb, "product_id"));
			}
	}
	for (ed = 0; ed < n->type->nedges; ed++) {
		const struct sdx_record_edge *edge = &n->type->edges[ed];
		if (!edge->consumes || !edge->array)
			continue;
		json_array_foreach(json_object_get(body, edge->array), k, x) {
			const char *hex = sdx__edge_hash(edge, x);
			const json_t *ib;
			if ((to = sdx__graph_find_hex(c->g, hex ? hex : "")) == SIZE_MAX ||
			    c->g->n[to].type->role != SDX_ROLE_STATEMENT ||
			    !(ib = sdx__graph_body(c->g, &c->g->n[to])))
				continue;
			json_array_foreach(json_object_get(ib, "evidence"), i, e)
				if (m < cap) {
					out[m].e = e;
					out[m].model = 0;
					sdx__text_put(out[m++].where, sizeof(out->where), _("lot %s (declaration %s)"),
						 sget(x, "lot_number"), sget(ib, "declaration_id"));
				}
		}
	}
	return m;
}

/* "report R by LAB (NUMBER), against S, issued D (N days before D2), covers ..." */
static void pass_text(const struct check *c, const json_t *rule, const json_t *e,
		      const struct candidate *where, const char *pending, char *out, size_t cap)
{
	const json_t *req = json_object_get(rule, "report");
	size_t n, nclauses = json_array_size(json_object_get(req, "clauses"));
	size_t nitems = json_array_size(json_object_get(rule, "test_items"));

	sdx__text_put(out, cap, _("report %s by %s (%s)%s%s"), sget(e, "report_number"), sget(e, "lab_name"),
		 sget(json_object_get(e, "accreditation"), "number"),
		 where->where[0] ? (where->model ? _(" on ") : _(" on input ")) : "", where->where);
	n = strlen(out);
	if (json_object_get(req, "standards"))
		sdx__text_put(out + n, cap - n, _(", against %s"),
			 json_string_value(json_array_get(json_object_get(e, "standards"), 0)));
	n = strlen(out);
	sdx__text_put(out + n, cap - n, _(", issued %s (%ld days before %s)"), sget(e, "issue_date"),
		 c->today - sdx__check_days(sget(e, "issue_date")), c->date);
	n = strlen(out);
	if (nclauses)
		sdx__text_put(out + n, cap - n, nclauses > 1 ? _(", covers all %zu required clauses")
			 : _(", covers the %zu required clause"), nclauses);
	n = strlen(out);
	if (nitems)
		sdx__text_put(out + n, cap - n, nitems > 1 ? _("%s all %zu test items") :
			 _("%s the %zu test item"), nclauses ? _(" and") : _(", covers"), nitems);
	n = strlen(out);
	if (pending[0])
		sdx__text_put(out + n, cap - n, _("; not required, their interpretation being officially "
			 "pending: %s"), pending);
}

void sdx__check_report(struct check *c, const json_t *rule, size_t node, const struct walk *w)
{
	struct candidate cand[MAX_CANDIDATES];
	struct judged j, best;
	const char *level = sget(json_object_get(rule, "report"), "level");
	const char *elevel = sget(json_object_get(rule, "report"), "evidence_level");
	int inputs_count = strcmp(level, "product_or_input") == 0;
	/* which reports on the product count: the batch's own, its model's, or either */
	int batch_ok = strcmp(elevel, "model") != 0, model_ok = strcmp(elevel, "batch") != 0;
	size_t n, own, i;
	char note[300], pass_note[700], elsewhere[400] = "";

	n = candidates(c, node, cand, MAX_CANDIDATES, &own);
	memset(&best, 0, sizeof(best));
	best.score = (size_t)-1;
	for (i = 0; i < n; i++) {
		const json_t *e = cand[i].e;
		note[0] = '\0';
		if ((cand[i].model && !model_ok) || (i < own && !batch_ok)) {
			if (!elsewhere[0])
				sdx__text_put(elsewhere, sizeof(elsewhere), _("; report %s%s%s does not count: "
					 "the rule requires %s-level evidence"), sget(e, "report_number"),
					 cand[i].model ? _(" on ") : _(" on the batch"), cand[i].where,
					 batch_ok ? _("batch") : _("model"));
			continue;
		}
		if (i >= own && !cand[i].model && !inputs_count) {
			if (!elsewhere[0])
				sdx__text_put(elsewhere, sizeof(elsewhere), _("; report %s on input %s does not "
					 "count: the rule requires a report on the finished product"),
					 sget(e, "report_number"), cand[i].where);
			continue;
		}
		judge(c, rule, e, &j, note, sizeof(note));
		if (j.verdict == SDX_VERDICT_PASS) {
			pass_text(c, rule, e, &cand[i], note, pass_note, sizeof(pass_note));
			sdx__check_result(c, rule, node, w->lot, w->via, SDX_VERDICT_PASS, "%s", pass_note);
			return;
		}
		if (j.verdict == SDX_VERDICT_FAIL && best.verdict != SDX_VERDICT_FAIL)
			best = j;
		else if (best.verdict != SDX_VERDICT_FAIL && j.score < best.score)
			best = j;
		if (cand[i].where[0] && best.score == j.score && best.verdict == j.verdict) {
			size_t k = strlen(best.why);
			sdx__text_put(best.why + k, sizeof(best.why) - k, _(" (on %s%s)"),
				      cand[i].model ? "" : _("input "), cand[i].where);
		}
	}
	if (best.score == (size_t)-1 && best.verdict != SDX_VERDICT_FAIL) {
		size_t gone = sdx__graph_withheld_elements(sdx__graph_body(c->g, &c->g->n[node]),
							   "evidence");
		sdx__check_result(c, rule, node, w->lot, w->via, SDX_VERDICT_UNKNOWN, _("no test report "
				  "%s this %s%s%s"), model_ok && batch_ok ? _("is attached to") :
				  model_ok ? _("on the model of") : _("is attached to"), c->g->n[node].type->name,
				  elsewhere, gone ? _("; its reports are concealed and not disclosed") : "");
		return;
	}
	sdx__check_result(c, rule, node, w->lot, w->via,
			  best.verdict | (best.firm ? SDX__CHECK_FIRM : 0), "%s", best.why);
}
