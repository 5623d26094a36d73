#define _DEFAULT_SOURCE
/*
 * tests/bench/bench.c - the measuring tools behind `make bench`.
 *
 *   bench raw N [BYTES]               raw libsodium Ed25519 sign and verify rates (one core)
 *   bench gen TEMPLATE.json N PATH    N JSON lines from TEMPLATE, the string at PATH
 *                                     (dot-separated, numbers index arrays) suffixed -i,
 *                                     and its declaration_id and every lot number too,
 *                                     wherever they appear (each its own document and
 *                                     lots, as a supplier's are)
 *   bench run CMD ARGS...             run a command; print wall seconds, peak RSS, exit
 *                                     status and CPU seconds
 *   bench fill LEDGER KEY N           append N small records through the library
 *   bench prove LEDGER N              time N inclusion and N consistency proofs
 *   bench msgsize LEDGER N            average bytes signed per entry (entries 1..N)
 *   bench yard FILE.jsonl N           per record: parse + canonical dump + raw sign (us,
 *                                     first N lines), and all lines' canonical bytes
 *   bench verify LEDGER MODE          time sdx_ledger_verify alone (MODE: default or
 *                                     signatures); print wall and CPU seconds
 *   bench age MIB                     MiB/s of raw ChaCha20-Poly1305-IETF over 64 KiB
 *                                     chunks, of the age writer and of the age reader
 *                                     (one recipient), over the same MIB random bytes
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "sdx.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int raw(long n, size_t size)
{
	unsigned char pk[32], sk[64], msg[65536], (*sigs)[64];
	double t0, ts, tv;
	long i;

	if (sodium_init() < 0 || !(sigs = malloc((size_t)n * 64)))
		return 1;
	crypto_sign_keypair(pk, sk);
	if (size == 0 || size > sizeof(msg))
		size = 1500;
	randombytes_buf(msg, sizeof(msg));
	t0 = now();
	for (i = 0; i < n; i++) {
		msg[0] = (unsigned char)i;
		crypto_sign_detached(sigs[i], NULL, msg, size, sk);
	}
	ts = now() - t0;
	t0 = now();
	for (i = 0; i < n; i++) {
		msg[0] = (unsigned char)i;
		if (crypto_sign_verify_detached(sigs[i], msg, size, pk) != 0)
			return 1;
	}
	tv = now() - t0;
	printf("%.0f %.0f\n", (double)n / ts, (double)n / tv);
	free(sigs);
	return 0;
}

static json_t *walk(json_t *j, char *path, json_t **parent, char **last)
{
	char *dot = strchr(path, '.');

	*parent = j;
	*last = path;
	if (!dot)
		return j;
	*dot = '\0';
	if (json_is_array(j))
		j = json_array_get(j, strtoul(path, NULL, 10));
	else
		j = json_object_get(j, path);
	return j ? walk(j, dot + 1, parent, last) : NULL;
}

/* Every string of j equal to one of the template's lot numbers, suffixed "-i":
 * each record's lots (and the claims and reports that name them) its own,
 * so that no lot is shared by every declaration of the bench ledger. */
/* v suffixed "-i" if it is one of the template's lot numbers, else NULL. */
static json_t *renamed(const json_t *v, json_t *tmpl_lots, long i)
{
	json_t *lot;
	size_t m;
	char val[512];

	json_array_foreach(tmpl_lots, m, lot)
		if (strcmp(json_string_value(v), json_string_value(lot)) == 0) {
			snprintf(val, sizeof(val), "%s-%ld", json_string_value(lot), i);
			return json_string(val);
		}
	return NULL;
}

static void rename_lots(json_t *j, json_t *tmpl_lots, long i)
{
	const char *k;
	json_t *v, *r;
	size_t n;

	json_object_foreach(j, k, v) {
		if (!json_is_string(v))
			rename_lots(v, tmpl_lots, i);
		else if ((r = renamed(v, tmpl_lots, i)))
			json_object_set_new(j, k, r);
	}
	json_array_foreach(j, n, v) {
		if (!json_is_string(v))
			rename_lots(v, tmpl_lots, i);
		else if ((r = renamed(v, tmpl_lots, i)))
			json_array_set_new(j, n, r);
	}
}

static int gen(const char *tmpl, long n, const char *spec)
{
	json_t *root = json_load_file(tmpl, JSON_REJECT_DUPLICATES, NULL), *parent, *v, *lots, *x;
	char path[256], *last, val[512], id[256];
	const char *orig;
	size_t k;
	long i;
	int path_is_lot = 0;

	if (!root)
		return fprintf(stderr, "bench: cannot read '%s'\n", tmpl), 1;
	snprintf(path, sizeof(path), "%s", spec);
	if (!walk(root, path, &parent, &last))
		return fprintf(stderr, "bench: no '%s' in '%s'\n", spec, tmpl), 1;
	v = json_is_array(parent) ? json_array_get(parent, strtoul(last, NULL, 10))
				  : json_object_get(parent, last);
	if (!(orig = json_string_value(v)))
		return fprintf(stderr, "bench: '%s' is not a string\n", spec), 1;
	snprintf(path, sizeof(path), "%s", orig);
	snprintf(id, sizeof(id), "%s", json_string_value(json_object_get(root, "declaration_id")) ?
		 json_string_value(json_object_get(root, "declaration_id")) : "");
	/* the template's lot numbers, before any renaming */
	lots = json_array();
	json_array_foreach(json_object_get(json_object_get(root, "material"), "lots"), k, x)
		if (json_is_string(json_object_get(x, "lot_number")))
			json_array_append(lots, json_object_get(x, "lot_number"));
	json_array_foreach(lots, k, x)
		path_is_lot |= strcmp(json_string_value(x), orig) == 0;
	for (i = 0; i < n; i++) {
		json_t *rec = json_deep_copy(root), *w;
		char *s;
		/* the string at PATH, then every lot number, made this record's own */
		snprintf(path, sizeof(path), "%s", spec);
		if (walk(rec, path, &parent, &last)) {
			w = json_is_array(parent) ? json_array_get(parent, strtoul(last, NULL, 10))
						  : json_object_get(parent, last);
			snprintf(val, sizeof(val), "%s-%ld", orig, i);
			if (json_is_string(w) && !path_is_lot)
				json_string_set(w, val);
		}
		rename_lots(rec, lots, i);
		if (*id) {
			snprintf(val, sizeof(val), "%s-%ld", id, i);
			json_object_set_new(rec, "declaration_id", json_string(val));
		}
		s = json_dumps(rec, JSON_COMPACT);
		puts(s);
		free(s);
		json_decref(rec);
	}
	json_decref(lots);
	json_decref(root);
	return 0;
}

static int run(char **argv)
{
	struct rusage ru;
	double t0 = now();
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		/* the command's output would mix with the figures */
		if (!freopen("/dev/null", "w", stdout))
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0)
		return 1;
	/* wall seconds, peak RSS (KiB), exit status, CPU seconds (user + system) */
	printf("%.3f %ld %d %.3f\n", now() - t0, ru.ru_maxrss,
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128,
	       (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6);
	return 0;
}

static int fill(const char *path, const char *keypath, long n)
{
	sdx_ledger *l = NULL;
	sdx_signer *key = NULL;
	char body[64];
	long i;

	if (sdx_key_load(&key, keypath, getenv("SDX_PASSPHRASE")) < 0 ||
	    sdx_ledger_open(&l, path, 0) < 0)
		return fprintf(stderr, "bench: %s\n", sdx_error_last()), 1;
	for (i = 0; i < n; i++) {
		if (i % 10000 == 0 && (i ? sdx_ledger_commit(l) : 0) == 0 && sdx_ledger_begin(l) < 0)
			return fprintf(stderr, "bench: %s\n", sdx_error_last()), 1;
		snprintf(body, sizeof(body), "{\"n\":%ld}", i);
		if (sdx_ledger_append(NULL, l, key, "note", body, strlen(body)) < 0)
			return fprintf(stderr, "bench: %s\n", sdx_error_last()), 1;
	}
	if (sdx_ledger_checkpoint(NULL, NULL, l, key) < 0 || sdx_ledger_commit(l) < 0)
		return fprintf(stderr, "bench: %s\n", sdx_error_last()), 1;
	sdx_ledger_free(l);
	sdx_signer_free(key);
	return 0;
}

/*
 * The bytes an entry's signature covers, averaged over entries 1..n: the PAE
 * of its DSSE envelope where the ledger's entries are envelopes, else the
 * entry's whole length (whatever the entry format of this tree is).
 */
static int msgsize(const char *path, long n)
{
	sdx_ledger *l = NULL;
	double total = 0;
	long i, got = 0;

	if (sdx_ledger_open(&l, path, SDX_OPEN_READONLY) < 0)
		return fprintf(stderr, "bench: %s\n", sdx_error_last()), 1;
	for (i = 1; i <= n; i++) {
		sdx_entry *e = NULL;
		sdx_dsse_envelope *env = NULL;
		unsigned char *pae = NULL;
		size_t plen = 0;

		if (sdx_ledger_entry(&e, l, (uint64_t)i) < 0)
			break;
		if (sdx_dsse_parse(&env, e->data, e->len) == 0 &&
		    sdx_dsse_pae(&pae, &plen, env->payload_type, env->payload, env->payload_len) == 0)
			total += (double)plen;
		else
			total += (double)e->len;
		got++;
		free(pae);
		sdx_dsse_envelope_free(env);
		sdx_entry_free(e);
	}
	sdx_ledger_free(l);
	printf("%.0f\n", got ? total / (double)got : 0);
	return 0;
}

/*
 * The yardstick of declare's CPU per record: jansson parse, canonical dump
 * (sorted keys, compact) and a raw Ed25519 signature of the dump, for the
 * first n lines of FILE; prints microseconds per record and the summed size
 * of every line's canonical bytes.
 */
static int yard(const char *path, long n)
{
	unsigned char pk[32], sk[64], sig[64];
	FILE *f = fopen(path, "rb");
	char *line = NULL;
	size_t cap = 0;
	double t = 0, t0, canonical = 0;
	long i = 0;
	ssize_t len;

	if (!f || sodium_init() < 0)
		return fprintf(stderr, "bench: cannot read '%s'\n", path), 1;
	crypto_sign_keypair(pk, sk);
	while ((len = getline(&line, &cap, f)) > 0) {
		json_t *j;
		char *dump;

		t0 = now();
		j = json_loadb(line, (size_t)len, JSON_REJECT_DUPLICATES, NULL);
		dump = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(15)) : NULL;
		if (!dump)
			return fprintf(stderr, "bench: '%s' line %ld is not JSON\n", path, i + 1), 1;
		if (i < n)
			crypto_sign_detached(sig, NULL, (unsigned char *)dump, strlen(dump), sk);
		if (i < n)
			t += now() - t0;
		canonical += (double)strlen(dump);
		free(dump);
		json_decref(j);
		i++;
	}
	free(line);
	fclose(f);
	printf("%.1f %.0f\n", i ? t / (double)(i < n ? i : n) * 1e6 : 0, canonical);
	return 0;
}

/* sdx_ledger_verify alone (no attribution), in the mode named: seconds, CPU seconds. */
static int verify(const char *path, const char *mode)
{
	sdx_verify_options o = SDX_VERIFY_OPTIONS_INIT;
	sdx_ledger *l = NULL;
	struct rusage ru;
	double t0;

	o.flags = strcmp(mode, "signatures") == 0 ? SDX_VERIFY_SIGNATURES : 0;
	if (sdx_ledger_open(&l, path, SDX_OPEN_READONLY) < 0)
		return fprintf(stderr, "bench: %s\n", sdx_error_last()), 1;
	t0 = now();
	if (sdx_ledger_verify(NULL, l, &o) < 0)
		return fprintf(stderr, "bench: %s\n", sdx_error_last()), 1;
	getrusage(RUSAGE_SELF, &ru);
	printf("%.3f %.3f\n", now() - t0,
	       (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6);
	sdx_ledger_free(l);
	return 0;
}

static int prove(const char *path, long n)
{
	unsigned char proof[SDX_MERKLE_MAX_PROOF][32];
	sdx_ledger *l = NULL;
	uint64_t size;
	double t0, ti, tc;
	size_t len;
	long i;

	if (sdx_ledger_open(&l, path, SDX_OPEN_READONLY) < 0 || sdx_ledger_size(&size, l) < 0)
		return fprintf(stderr, "bench: %s\n", sdx_error_last()), 1;
	srand(1);
	t0 = now();
	for (i = 0; i < n; i++)
		if (sdx_ledger_prove_inclusion(proof, &len, l, (uint64_t)rand() % size, size) < 0)
			return fprintf(stderr, "bench: %s\n", sdx_error_last()), 1;
	ti = (now() - t0) / (double)n;
	t0 = now();
	for (i = 0; i < n; i++)
		if (sdx_ledger_prove_consistency(proof, &len, l, 1 + (uint64_t)rand() % size,
						 size) < 0)
			return fprintf(stderr, "bench: %s\n", sdx_error_last()), 1;
	tc = (now() - t0) / (double)n;
	printf("%llu %.1f %.1f\n", (unsigned long long)size, ti * 1e6, tc * 1e6);
	sdx_ledger_free(l);
	return 0;
}

struct agebuf {
	unsigned char *p;
	size_t len, cap, pos;
};

static int age_sink(void *ctx, const void *data, size_t len)
{
	struct agebuf *b = ctx;

	if (b->len + len > b->cap)
		return SDX_ELIMIT;
	memcpy(b->p + b->len, data, len);
	b->len += len;
	return 0;
}

static int age_source(void *ctx, void *buf, size_t cap, size_t *got)
{
	struct agebuf *b = ctx;
	size_t k = b->len - b->pos < cap ? b->len - b->pos : cap;

	memcpy(buf, b->p + b->pos, k);
	b->pos += k;
	*got = k;
	return 0;
}

/* The same bytes three ways, each timed alone: raw AEAD, age writer, age reader. */
static int age(long mib)
{
	size_t n = (size_t)mib << 20, chunk = 64 * 1024, i, got;
	unsigned char key[32], nonce[12] = { 0 }, sk[32], pk[1][32];
	unsigned char *data = malloc(n), *out = malloc(chunk + 16), *back = malloc(chunk);
	struct agebuf ct = { malloc(n + n / 1000 + 4096), 0, n + n / 1000 + 4096, 0 };
	sdx_age_writer *w = NULL;
	sdx_age_reader *r = NULL;
	double t0, traw, tenc, tdec;

	if (!data || !out || !back || !ct.p || sodium_init() < 0)
		return fprintf(stderr, "bench: out of memory\n"), 1;
	randombytes_buf(data, n);
	memset(ct.p, 0, ct.cap); /* the writer's output pages exist before it is timed */
	randombytes_buf(key, sizeof(key));
	sdx_age_keygen(sk, pk[0]);
	t0 = now();
	for (i = 0; i < n; i += chunk) {
		nonce[0] = (unsigned char)(i / chunk);
		crypto_aead_chacha20poly1305_ietf_encrypt(out, NULL, data + i, chunk, NULL, 0, NULL,
							  nonce, key);
	}
	traw = now() - t0;
	t0 = now();
	if (sdx_age_writer_new(&w, (const unsigned char (*)[32])pk, 1, age_sink, &ct) < 0 ||
	    sdx_age_writer_write(w, data, n) < 0 || sdx_age_writer_finish(w) < 0)
		return fprintf(stderr, "bench: %s\n", sdx_error_last()), 1;
	tenc = now() - t0;
	sdx_age_writer_free(w);
	t0 = now();
	if (sdx_age_reader_new(&r, sk, age_source, &ct, "'bench'") < 0)
		return fprintf(stderr, "bench: %s\n", sdx_error_last()), 1;
	for (i = 0;; i += got) {
		if (sdx_age_reader_read(r, back, chunk, &got) < 0)
			return fprintf(stderr, "bench: %s\n", sdx_error_last()), 1;
		if (got == 0)
			break;
		if (memcmp(back, data + i, got) != 0)
			return fprintf(stderr, "bench: age round trip differs at %zu\n", i), 1;
	}
	tdec = now() - t0;
	sdx_age_reader_free(r);
	if (i != n)
		return fprintf(stderr, "bench: age round trip gave %zu of %zu bytes\n", i, n), 1;
	printf("%.1f %.1f %.1f\n", (double)mib / traw, (double)mib / tenc, (double)mib / tdec);
	free(data);
	free(out);
	free(back);
	free(ct.p);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "raw") == 0)
		return raw(atol(argv[2]), argc > 3 ? (size_t)atol(argv[3]) : 1500);
	if (argc >= 5 && strcmp(argv[1], "gen") == 0)
		return gen(argv[2], atol(argv[3]), argv[4]);
	if (argc >= 3 && strcmp(argv[1], "run") == 0)
		return run(argv + 2);
	if (argc >= 5 && strcmp(argv[1], "fill") == 0)
		return fill(argv[2], argv[3], atol(argv[4]));
	if (argc >= 4 && strcmp(argv[1], "msgsize") == 0)
		return msgsize(argv[2], atol(argv[3]));
	if (argc >= 4 && strcmp(argv[1], "yard") == 0)
		return yard(argv[2], atol(argv[3]));
	if (argc >= 4 && strcmp(argv[1], "verify") == 0)
		return verify(argv[2], argv[3]);
	if (argc >= 3 && strcmp(argv[1], "age") == 0)
		return age(atol(argv[2]));
	if (argc >= 4 && strcmp(argv[1], "prove") == 0)
		return prove(argv[2], atol(argv[3]));
	fprintf(stderr, "usage: bench raw N | gen TEMPLATE N PATH | run CMD... | "
		"fill LEDGER KEY N | prove LEDGER N | msgsize LEDGER N | yard FILE N | "
		"verify LEDGER MODE | age MIB\n");
	return 2;
}
