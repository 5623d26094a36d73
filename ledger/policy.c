/*
 * ledger/policy.c - trust policies over a checkpoint's signatures: the log
 * key of its origin and a quorum of witnesses (include/sdx/witness.h,
 * formats/witness.md "Policies").  The text is the vkey form of the Sigsum
 * policy format that torchwood's ParsePolicy and Tessera read: `log VKEY`,
 * `witness NAME VKEY`, `group NAME N|any|all MEMBER...`, `quorum NAME|none`.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/internal.h"
#include "sdx/witness.h"

#define MAX_LOGS 64
#define MAX_PARTS 256
#define MAX_MEMBERS 64
#define MAX_LINE 4096

struct part {
	char name[SDX_NAME_MAX + 1];
	int witness;              /* 1: a witness (w), else a group */
	size_t w;                 /* index into cosigners */
	size_t threshold;         /* group: how many members must be satisfied */
	size_t members[MAX_MEMBERS], nmembers;
};

struct sdx_policy {
	sdx_verifier *logs[MAX_LOGS];
	size_t nlogs;
	sdx_cosigner *cs[MAX_PARTS];
	char *urls[MAX_PARTS];    /* a witness's submission prefix, NULL if none given */
	size_t ncs;
	struct part parts[MAX_PARTS];
	size_t nparts;
	int quorum;               /* index into parts, -1: none */
};

void sdx_policy_free(sdx_policy *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->nlogs; i++)
		sdx_verifier_free(p->logs[i]);
	for (i = 0; i < p->ncs; i++) {
		sdx_cosigner_free(p->cs[i]);
		free(p->urls[i]);
	}
	free(p);
}

static int find_part(const sdx_policy *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->nparts; i++)
		if (strcmp(p->parts[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Split a line into at most cap whitespace-separated fields (in place). */
static size_t fields(char *line, char **f, size_t cap)
{
	size_t n = 0;
	char *s = line, *save = NULL;

	while (n < cap && (f[n] = strtok_r(s, " \t\r", &save)))
		s = NULL, n++;
	return n;
}

/* "FILE:LINE: " before the error a key parser left */
static int at_line(const char *path, size_t no)
{
	char why[400];

	snprintf(why, sizeof(why), "%s", sdx_error_last());
	return sdx_error_set(SDX_EFORMAT, "%s:%zu: %s", path, no, why);
}

static int parse_line(sdx_policy *p, char *line, const char *path, size_t no, int *quorum_seen,
		      char *quorum)
{
	char *f[MAX_MEMBERS + 4];
	size_t n = fields(line, f, MAX_MEMBERS + 4), i;
	struct part *pt;
	int err;

	if (n == 0)
		return 0;
	if (strcmp(f[0], "log") == 0) {
		if (n != 2)
			return sdx_error_set(SDX_EFORMAT, "%s:%zu: 'log VKEY'", path, no);
		if (p->nlogs == MAX_LOGS)
			return sdx_error_set(SDX_ELIMIT, "%s:%zu: more than %d logs", path, no,
					     MAX_LOGS);
		if ((err = sdx_verifier_parse(&p->logs[p->nlogs], f[1])) < 0)
			return at_line(path, no);
		p->nlogs++;
		return 0;
	}
	if (strcmp(f[0], "quorum") == 0) {
		if (n != 2)
			return sdx_error_set(SDX_EFORMAT, "%s:%zu: 'quorum NAME|none'", path, no);
		if (*quorum_seen)
			return sdx_error_set(SDX_EFORMAT, "%s:%zu: a second quorum line", path, no);
		*quorum_seen = 1;
		snprintf(quorum, SDX_NAME_MAX + 1, "%s", f[1]);
		return 0;
	}
	if (strcmp(f[0], "witness") != 0 && strcmp(f[0], "group") != 0)
		return sdx_error_set(SDX_EFORMAT, "%s:%zu: unknown keyword '%.40s' (log, witness, "
				     "group, quorum)", path, no, f[0]);
	if (n < 3 || (f[0][0] == 'w' && n > 4) || (f[0][0] == 'g' && n < 4))
		return sdx_error_set(SDX_EFORMAT, "%s:%zu: %s", path, no, f[0][0] == 'w' ?
				     "'witness NAME VKEY [URL]'" : "'group NAME N|any|all MEMBER...'");
	if (strlen(f[1]) > SDX_NAME_MAX || strcmp(f[1], "none") == 0)
		return sdx_error_set(SDX_EFORMAT, "%s:%zu: invalid name '%.40s'", path, no, f[1]);
	if (find_part(p, f[1]) >= 0)
		return sdx_error_set(SDX_EFORMAT, "%s:%zu: '%s' is defined twice", path, no, f[1]);
	if (p->nparts == MAX_PARTS)
		return sdx_error_set(SDX_ELIMIT, "%s:%zu: more than %d witnesses and groups", path,
				     no, MAX_PARTS);
	pt = &p->parts[p->nparts];
	memset(pt, 0, sizeof(*pt));
	snprintf(pt->name, sizeof(pt->name), "%s", f[1]);
	if (f[0][0] == 'w') {
		if ((err = sdx_cosigner_parse(&p->cs[p->ncs], f[2])) < 0)
			return at_line(path, no);
		for (i = 0; i < p->ncs; i++)
			if (sdx_cosigner_keyid(p->cs[i]) == sdx_cosigner_keyid(p->cs[p->ncs]) &&
			    strcmp(sdx_cosigner_name(p->cs[i]), sdx_cosigner_name(p->cs[p->ncs])) == 0) {
				sdx_cosigner_free(p->cs[p->ncs]);
				return sdx_error_set(SDX_EFORMAT, "%s:%zu: the key of witness '%s' is "
						     "already in the policy", path, no, f[1]);
			}
		if (n == 4 && strncmp(f[3], "http://", 7) != 0 && strncmp(f[3], "https://", 8) != 0) {
			sdx_cosigner_free(p->cs[p->ncs]);
			return sdx_error_set(SDX_EFORMAT, "%s:%zu: witness '%s': '%.60s' is not an "
					     "http:// or https:// URL", path, no, f[1], f[3]);
		}
		if (n == 4 && !(p->urls[p->ncs] = strdup(f[3]))) {
			sdx_cosigner_free(p->cs[p->ncs]);
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		}
		pt->witness = 1;
		pt->w = p->ncs++;
		p->nparts++;
		return 0;
	}
	for (i = 3; i < n; i++) {
		int m = find_part(p, f[i]);
		if (m < 0)
			return sdx_error_set(SDX_EFORMAT, "%s:%zu: group '%s': '%.40s' is not defined "
					     "above", path, no, f[1], f[i]);
		pt->members[pt->nmembers++] = (size_t)m;
	}
	if (strcmp(f[2], "any") == 0) {
		pt->threshold = 1;
	} else if (strcmp(f[2], "all") == 0) {
		pt->threshold = pt->nmembers;
	} else {
		char *e;
		unsigned long t = strtoul(f[2], &e, 10);
		if (*e || e == f[2] || f[2][0] == '0' || t < 1 || t > pt->nmembers)
			return sdx_error_set(SDX_EFORMAT, "%s:%zu: group '%s': threshold '%.20s' is "
					     "not any, all or 1 to %zu", path, no, f[1], f[2],
					     pt->nmembers);
		pt->threshold = t;
	}
	p->nparts++;
	return 0;
}

int sdx_policy_parse(sdx_policy **out, const char *text, size_t len, const char *path)
{
	sdx_policy *p;
	char line[MAX_LINE], quorum[SDX_NAME_MAX + 1] = "";
	const char *s = text, *end = text + len;
	size_t no = 0;
	int err = 0, quorum_seen = 0;

	*out = NULL;
	if (!(p = calloc(1, sizeof(*p))))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	while (s < end && err >= 0) {
		const char *eol = memchr(s, '\n', (size_t)(end - s));
		size_t n = eol ? (size_t)(eol - s) : (size_t)(end - s);
		char *hash;
		no++;
		if (n >= sizeof(line)) {
			err = sdx_error_set(SDX_EFORMAT, "%s:%zu: line too long", path, no);
			break;
		}
		memcpy(line, s, n);
		line[n] = '\0';
		if (memchr(line, '\0', n)) {
			err = sdx_error_set(SDX_EFORMAT, "%s:%zu: a NUL byte", path, no);
			break;
		}
		if ((hash = strchr(line, '#')))
			*hash = '\0';
		err = parse_line(p, line, path, no, &quorum_seen, quorum);
		s = eol ? eol + 1 : end;
	}
	if (err >= 0 && !p->nlogs)
		err = sdx_error_set(SDX_EFORMAT, "%s: no 'log VKEY' line", path);
	if (err >= 0 && !quorum_seen)
		err = sdx_error_set(SDX_EFORMAT, "%s: no 'quorum NAME|none' line", path);
	if (err >= 0) {
		p->quorum = strcmp(quorum, "none") == 0 ? -1 : find_part(p, quorum);
		if (p->quorum == -1 && strcmp(quorum, "none") != 0)
			err = sdx_error_set(SDX_EFORMAT, "%s: quorum '%s' is not defined", path, quorum);
	}
	if (err < 0) {
		sdx_policy_free(p);
		return err;
	}
	*out = p;
	return 0;
}

/* Is part i satisfied by the witnesses that cosigned (times[w] != 0)? */
static int satisfied(const sdx_policy *p, size_t i, const uint64_t *times, int depth)
{
	const struct part *pt = &p->parts[i];
	size_t k, got = 0;

	if (pt->witness)
		return times[pt->w] != 0;
	if (depth > MAX_PARTS)
		return 0;
	for (k = 0; k < pt->nmembers; k++)
		got += (size_t)satisfied(p, pt->members[k], times, depth + 1);
	return got >= pt->threshold;
}

int sdx_policy_check(char **witnesses, const sdx_policy *p, const char *note, size_t len)
{
	uint64_t times[MAX_PARTS];
	sdx_checkpoint cp;
	sdx_verifier *log = NULL;
	char *list = NULL;
	size_t i, n = 0, cap = 1;
	int err;

	if (witnesses)
		*witnesses = NULL;
	if ((err = sdx_checkpoint_parse(&cp, note, len)) < 0)
		return err;
	for (i = 0; i < p->nlogs && !log; i++)
		if (strcmp(sdx_verifier_name(p->logs[i]), cp.origin) == 0)
			log = p->logs[i];
	if (!log)
		return sdx_error_set(SDX_EUNTRUSTED, "the policy names no log of origin %s",
				     cp.origin);
	if ((err = sdx_note_verify(NULL, NULL, note, len, &log, 1)) < 0)
		return err == SDX_EUNTRUSTED ? sdx_error_set(SDX_EUNTRUSTED, "checkpoint of %s at "
				"size %" PRIu64 " is not signed by the policy's log key", cp.origin,
				cp.size) : err;
	if ((err = sdx_note_cosignatures(times, note, len, p->cs, p->ncs)) < 0)
		return err;
	for (i = 0; i < p->ncs; i++)
		if (times[i])
			cap += strlen(sdx_cosigner_name(p->cs[i])) + 2;
	if (!(list = malloc(cap)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	list[0] = '\0';
	for (i = 0; i < p->ncs; i++)
		if (times[i])
			n += (size_t)snprintf(list + n, cap - n, "%s%s", n ? ", " : "",
					      sdx_cosigner_name(p->cs[i]));
	err = 0;
	if (p->quorum >= 0 && !satisfied(p, (size_t)p->quorum, times, 0))
		err = sdx_error_set(SDX_EUNTRUSTED, "checkpoint of %s at size %" PRIu64 ": quorum "
				    "'%s' not met (cosigned by %s)", cp.origin, cp.size,
				    p->parts[p->quorum].name, *list ? list : "no witness of the policy");
	if (witnesses)
		*witnesses = list;
	else
		free(list);
	return err;
}

size_t sdx_policy_witness_count(const sdx_policy *p)
{
	return p ? p->ncs : 0;
}

const sdx_cosigner *sdx_policy_witness(const sdx_policy *p, size_t i, const char **url)
{
	if (!p || i >= p->ncs)
		return NULL;
	if (url)
		*url = p->urls[i] ? p->urls[i] : "";
	return p->cs[i];
}
