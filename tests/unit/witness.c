#define _GNU_SOURCE
/* Unit tests for cosignatures, trust policies and both sides of tlog-witness. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "harness.h"
#include "sdx.h"

static sdx_signer *key_of(const char *name, unsigned char fill)
{
	unsigned char seed[32];
	sdx_signer *s = NULL;

	memset(seed, fill, sizeof(seed));
	if (sdx_signer_from_seed(&s, name, seed) < 0)
		return NULL;
	return s;
}

/* A log "log.db" of n entries with a checkpoint at each of the sizes given (0-ended). */
static sdx_ledger *make_log(const char *path, sdx_signer *key, const unsigned *sizes,
			    const char *tag)
{
	sdx_ledger *l = NULL;
	char body[64];
	unsigned i = 0;

	if (sdx_ledger_create(&l, path, key) < 0)
		return NULL;
	for (; *sizes; sizes++) {
		if (sdx_ledger_begin(l) < 0)
			goto fail;
		/* the genesis entry is entry 0 */
		for (; i + 1 < *sizes; i++) {
			snprintf(body, sizeof(body), "{\"n\":%u,\"t\":\"%s\"}", i, tag);
			if (sdx_ledger_append(NULL, l, key, "note", body, strlen(body)) < 0)
				goto fail;
		}
		if (sdx_ledger_checkpoint(NULL, NULL, l, key) < 0 || sdx_ledger_commit(l) < 0)
			goto fail;
	}
	return l;
fail:
	sdx_ledger_free(l);
	return NULL;
}

static void cosigner_keys(void)
{
	sdx_signer *w = key_of("witness.example/w1", 3);
	sdx_cosigner *c = NULL, *c2 = NULL;
	sdx_verifier *v = NULL;
	char *vkey = NULL, *note_vkey = NULL;

	CHECK(w);
	CHECK_OK(sdx_cosigner_from_signer(&c, w));
	CHECK_OK(sdx_cosigner_format(&vkey, c));
	CHECK(strncmp(vkey, "witness.example/w1+", 19) == 0);
	CHECK_OK(sdx_cosigner_parse(&c2, vkey));
	CHECK(sdx_cosigner_keyid(c2) == sdx_cosigner_keyid(c));
	/* type 0x04 gives another key id than the note key 0x01 of the same key */
	CHECK(sdx_cosigner_keyid(c) != sdx_signer_keyid(w));
	CHECK_OK(sdx_signer_verifier(&v, w));
	CHECK_OK(sdx_verifier_format(&note_vkey, v));
	sdx_cosigner_free(c2);
	c2 = NULL;
	CHECK_ERR(sdx_cosigner_parse(&c2, note_vkey), SDX_EFORMAT);
	CHECK(strstr(sdx_error_last(), "0x01"));
	{
		sdx_verifier *v2 = NULL;
		CHECK_ERR(sdx_verifier_parse(&v2, vkey), SDX_EFORMAT);
	}
	vkey[20] ^= 1; /* the key id no longer matches */
	CHECK_ERR(sdx_cosigner_parse(&c2, vkey), SDX_EFORMAT);
	free(vkey);
	free(note_vkey);
	sdx_verifier_free(v);
	sdx_cosigner_free(c);
	sdx_signer_free(w);
}

/* The signed message is "cosignature/v1\ntime T\n" || text: checked with libsodium directly. */
static void cosign_bytes(void)
{
	static const char text[] = "example.com/behind-the-sofa\n20852163\n"
				   "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
	static const char msg[] = "cosignature/v1\ntime 1679315147\n"
				  "example.com/behind-the-sofa\n20852163\n"
				  "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
	sdx_signer *w = key_of("witness.example/w1", 3);
	unsigned char raw[76], id[32], t[2] = { '\n', 4 };
	crypto_hash_sha256_state h;
	char *line = NULL;
	size_t rlen = 0;
	const char *b64;

	CHECK(w);
	CHECK_OK(sdx_cosign(&line, w, text, strlen(text), 1679315147));
	CHECK(strncmp(line, "\xe2\x80\x94 witness.example/w1 ", 23) == 0);
	b64 = line + 23;
	CHECK(sodium_base642bin(raw, sizeof(raw), b64, strlen(b64) - 1, NULL, &rlen, NULL,
				sodium_base64_VARIANT_ORIGINAL) == 0 && rlen == 76);
	crypto_hash_sha256_init(&h);
	crypto_hash_sha256_update(&h, (const unsigned char *)"witness.example/w1", 18);
	crypto_hash_sha256_update(&h, t, 2);
	crypto_hash_sha256_update(&h, sdx_signer_public_key(w), 32);
	crypto_hash_sha256_final(&h, id);
	CHECK_MEM(raw, id, 4);
	CHECK(raw[4] == 0 && raw[5] == 0 && raw[6] == 0 && raw[7] == 0 && raw[8] == 0x64 &&
	      raw[9] == 0x18 && raw[10] == 0x50 && raw[11] == 0xcb); /* 1679315147 big-endian */
	CHECK(crypto_sign_verify_detached(raw + 12, (const unsigned char *)msg, strlen(msg),
					  sdx_signer_public_key(w)) == 0);
	{
		char *none = NULL;
		CHECK_ERR(sdx_cosign(&none, w, text, strlen(text), 0), SDX_EINVAL);
	}
	free(line);
	sdx_signer_free(w);
}

static char *join(const char *a, size_t alen, const char *b)
{
	char *s = malloc(alen + strlen(b) + 1);

	memcpy(s, a, alen);
	strcpy(s + alen, b);
	return s;
}

static char *policy_text(sdx_signer *log, sdx_signer *w1, sdx_signer *w2, const char *quorum)
{
	sdx_verifier *v = NULL;
	sdx_cosigner *c1 = NULL, *c2 = NULL;
	char *lv = NULL, *v1 = NULL, *v2 = NULL, *out = malloc(2048);

	sdx_signer_verifier(&v, log);
	sdx_verifier_format(&lv, v);
	sdx_cosigner_from_signer(&c1, w1);
	sdx_cosigner_from_signer(&c2, w2);
	sdx_cosigner_format(&v1, c1);
	sdx_cosigner_format(&v2, c2);
	snprintf(out, 2048, "# two witnesses\nlog %s\nwitness w1 %s\nwitness w2 %s\n"
		 "group both all w1 w2\ngroup one any w1 w2\nquorum %s\n", lv, v1, v2, quorum);
	free(lv);
	free(v1);
	free(v2);
	sdx_verifier_free(v);
	sdx_cosigner_free(c1);
	sdx_cosigner_free(c2);
	return out;
}

/* A witness ledger: add-checkpoint answers as tlog-witness says; the log keeps the lines. */
static void witness_protocol(void)
{
	static const unsigned sizes[] = { 3, 9, 0 };
	sdx_signer *lk = key_of("example.com/log", 1), *wk = key_of("witness.example/w1", 3);
	sdx_signer *w2k = key_of("witness.example/w2", 4);
	sdx_ledger *log = NULL, *w = NULL, *other = NULL;
	sdx_witness_answer a;
	sdx_cosigner *c = NULL;
	sdx_verifier *lv = NULL;
	sdx_policy *p = NULL;
	char *req = NULL, *vkey = NULL, *note = NULL, *names = NULL, *pt = NULL, *bad = NULL;
	size_t rlen = 0, nlen = 0, added = 0;
	uint64_t got;

	CHECK(lk && wk && w2k);
	log = make_log("log.db", lk, sizes, "a");
	CHECK(log);
	CHECK_OK(sdx_ledger_create(&w, "witness.db", wk));
	CHECK_OK(sdx_signer_verifier(&lv, lk));
	CHECK_OK(sdx_verifier_format(&vkey, lv));

	/* unknown origin: 404 */
	CHECK_OK(sdx_witness_request(&req, &rlen, log, 0, 3));
	CHECK(strncmp(req, "old 0\n\nexample.com/log\n3\n", 25) == 0);
	CHECK_OK(sdx_witness_add_checkpoint(&a, w, wk, req, rlen));
	CHECK(a.status == 404);
	CHECK_OK(sdx_witness_add_log(w, vkey));
	CHECK_OK(sdx_witness_add_log(w, vkey)); /* again: the same, nothing to do */
	/* another key for the same origin is refused, never replaced */
	{
		sdx_signer *imp = key_of("example.com/log", 9);
		sdx_verifier *iv = NULL;
		char *ik = NULL;
		CHECK_OK(sdx_signer_verifier(&iv, imp));
		CHECK_OK(sdx_verifier_format(&ik, iv));
		CHECK_ERR(sdx_witness_add_log(w, ik), SDX_EEXISTS);
		/* a checkpoint signed by it alone: 403 */
		CHECK_OK(sdx_ledger_create(&other, "other.db", imp));
		CHECK_OK(sdx_ledger_begin(other));
		CHECK_OK(sdx_ledger_checkpoint(NULL, NULL, other, imp));
		CHECK_OK(sdx_ledger_commit(other));
		free(req);
		CHECK_OK(sdx_witness_request(&req, &rlen, other, 0, 0));
		CHECK_OK(sdx_witness_add_checkpoint(&a, w, wk, req, rlen));
		CHECK(a.status == 403);
		free(ik);
		sdx_verifier_free(iv);
		sdx_signer_free(imp);
	}

	/* the first checkpoint: 200 and a cosignature the log keeps */
	free(req);
	CHECK_OK(sdx_witness_request(&req, &rlen, log, 0, 3));
	CHECK_OK(sdx_witness_add_checkpoint(&a, w, wk, req, rlen));
	CHECK(a.status == 200 && a.body);
	CHECK_OK(sdx_cosigner_from_signer(&c, wk));
	CHECK_OK(sdx_ledger_cosignature_add(&added, log, 3, c, a.body, a.body_len));
	CHECK(added == 1);
	CHECK_OK(sdx_ledger_cosigned_size(&got, log, "witness.example/w1"));
	CHECK(got == 3);
	/* a line by another witness is refused */
	{
		static const char other_line[] = "\xe2\x80\x94 x.example/w AAAAAAAA\n";
		CHECK_ERR(sdx_ledger_cosignature_add(NULL, log, 3, c, other_line,
						     strlen(other_line)), SDX_EVERIFY);
	}
	free(a.body);

	/* a stale old size: 409 with the latest size */
	CHECK_OK(sdx_witness_add_checkpoint(&a, w, wk, req, rlen));
	CHECK(a.status == 409 && a.latest == 3);
	/* on to 9 with a proof from 3 */
	free(req);
	CHECK_OK(sdx_witness_request(&req, &rlen, log, 3, 9));
	/* a flipped proof byte: 422, and nothing stored */
	bad = strdup(req);
	bad[7] = bad[7] == 'A' ? 'B' : 'A';
	CHECK_OK(sdx_witness_add_checkpoint(&a, w, wk, bad, rlen));
	CHECK(a.status == 422);
	CHECK_OK(sdx_witness_add_checkpoint(&a, w, wk, req, rlen));
	CHECK(a.status == 200);
	CHECK_OK(sdx_ledger_cosignature_add(NULL, log, 9, c, a.body, a.body_len));
	free(a.body);
	/* old size past the checkpoint: 400 */
	free(bad);
	bad = join("old 10\n", 7, strstr(req, "\n\n") + 1);
	CHECK_OK(sdx_witness_add_checkpoint(&a, w, wk, bad, strlen(bad)));
	CHECK(a.status == 400);
	CHECK(strstr(a.message, "past the checkpoint"));
	/* the same size again with the same root: cosigned again */
	free(bad);
	bad = join("old 9\n", 6, strstr(req, "\n\n") + 1);
	CHECK_OK(sdx_witness_add_checkpoint(&a, w, wk, bad, strlen(bad)));
	CHECK(a.status == 200);
	free(a.body);
	/* a fork: the same key, size 9, another root: 409 */
	{
		sdx_ledger *fork = make_log("fork.db", lk, sizes, "b");
		char *freq = NULL;
		size_t flen = 0;
		CHECK(fork);
		CHECK_OK(sdx_witness_request(&freq, &flen, fork, 9, 9));
		CHECK_OK(sdx_witness_add_checkpoint(&a, w, wk, freq, flen));
		CHECK(a.status == 409 && a.latest == 9);
		CHECK(strstr(a.message, "another root"));
		free(freq);
		sdx_ledger_free(fork);
	}

	/* the policy: 1 of 2 witnesses cosigned */
	CHECK_OK(sdx_ledger_cosigned_checkpoint(&note, &nlen, NULL, log, 9));
	pt = policy_text(lk, wk, w2k, "one");
	CHECK_OK(sdx_policy_parse(&p, pt, strlen(pt), "p.txt"));
	CHECK_OK(sdx_policy_check(&names, p, note, nlen));
	CHECK_STR(names, "witness.example/w1");
	sdx_policy_free(p);
	free(pt);
	free(names);
	pt = policy_text(lk, wk, w2k, "both");
	CHECK_OK(sdx_policy_parse(&p, pt, strlen(pt), "p.txt"));
	CHECK_ERR(sdx_policy_check(&names, p, note, nlen), SDX_EUNTRUSTED);
	CHECK(strstr(sdx_error_last(), "quorum 'both' not met"));
	free(names);
	/* a cosignature from w2 added by hand: 2 of 2 */
	{
		char *text_end = strstr(note, "\n\n"), *l2 = NULL, *both;
		CHECK(text_end);
		CHECK_OK(sdx_cosign(&l2, w2k, note, (size_t)(text_end - note) + 1, 1700000000));
		both = join(note, nlen, l2);
		CHECK_OK(sdx_policy_check(&names, p, both, strlen(both)));
		CHECK_STR(names, "witness.example/w1, witness.example/w2");
		free(names);
		/* a flipped byte in w2's signature: a bad signature by a policy key */
		both[strlen(both) - 3] ^= 1;
		CHECK(sdx_policy_check(&names, p, both, strlen(both)) < 0);
		free(both);
		free(l2);
	}
	sdx_policy_free(p);
	free(pt);
	/* policy text errors name the line */
	CHECK_ERR(sdx_policy_parse(&p, "log x\nquorum none\n", 18, "p.txt"), SDX_EFORMAT);
	CHECK(strncmp(sdx_error_last(), "p.txt:1:", 8) == 0);
	CHECK_ERR(sdx_policy_parse(&p, "quorum q\n", 9, "p.txt"), SDX_EFORMAT);
	CHECK_ERR(sdx_policy_parse(&p, "frob\n", 5, "p.txt"), SDX_EFORMAT);
	CHECK(strstr(sdx_error_last(), "p.txt:1: unknown keyword"));

	free(note);
	free(req);
	free(bad);
	free(vkey);
	sdx_cosigner_free(c);
	sdx_verifier_free(lv);
	sdx_ledger_free(other);
	sdx_ledger_free(w);
	sdx_ledger_free(log);
	sdx_signer_free(lk);
	sdx_signer_free(wk);
	sdx_signer_free(w2k);
}

/* A remote log read from a ledger's own tiles; flip: a byte of every tile changed. */
struct served {
	sdx_ledger *l;
	uint64_t size;
	int flip, fetched;
};

static int serve_tile(void *ctx, const char *path, unsigned char **out, size_t *len)
{
	struct served *sv = ctx;
	uint64_t index;
	unsigned width;
	int level, err;

	if ((err = sdx_tile_parse_path(&level, &index, &width, path)) < 0)
		return err;
	if ((err = sdx_ledger_tile(out, len, sv->l, level, index, width, sv->size)) < 0)
		return err;
	sv->fetched++;
	if (sv->flip)
		(*out)[*len / 2] ^= 1;
	return 0;
}

/* sdx_remote_consistent(): from many held sizes to a remote tree of 700, a fork, lies. */
static void remote_consistency(void)
{
	static const unsigned sizes[] = { 1, 255, 256, 257, 511, 512, 600, 700, 0 };
	static const unsigned fsizes[] = { 600, 700, 0 };
	sdx_signer *lk = key_of("example.com/log", 1);
	sdx_ledger *log = NULL, *fork = NULL;
	sdx_verifier *v = NULL;
	sdx_remote_report rr;
	struct served sv;
	char *note = NULL, *fnote = NULL;
	size_t nlen = 0, flen = 0, i;
	sdx_checkpoint cp;
	unsigned char root[32];

	CHECK(lk);
	log = make_log("log.db", lk, sizes, "a");
	CHECK(log);
	CHECK_OK(sdx_signer_verifier(&v, lk));
	CHECK_OK(sdx_ledger_get_checkpoint(&note, &nlen, &cp, log, 0));
	CHECK(cp.size == 700);
	memset(&sv, 0, sizeof(sv));
	sv.l = log;
	sv.size = 700;
	for (i = 0; sizes[i]; i++) {
		CHECK_OK(sdx_ledger_root(root, log, sizes[i]));
		CHECK_OK(sdx_remote_consistent(&rr, sizes[i], root, note, nlen, &v, 1, serve_tile,
					       &sv));
		CHECK(!rr.behind && rr.remote_size == 700 && rr.held_size == sizes[i]);
	}
	CHECK(sv.fetched > 0);
	/* a tile that lies leads to no proof of the signed root */
	CHECK_OK(sdx_ledger_root(root, log, 300));
	sv.flip = 1;
	CHECK(sdx_remote_consistent(&rr, 300, root, note, nlen, &v, 1, serve_tile, &sv) ==
	      SDX_ECONFLICT);
	sv.flip = 0;
	/* behind: not judged here */
	CHECK_OK(sdx_ledger_root(root, log, 700));
	{
		char *old = NULL;
		size_t olen = 0;
		sdx_checkpoint oc;
		CHECK_OK(sdx_ledger_get_checkpoint(&old, &olen, &oc, log, 600));
		if (oc.size == 600) {
			CHECK_OK(sdx_remote_consistent(&rr, 700, root, old, olen, &v, 1, serve_tile, &sv));
			CHECK(rr.behind);
		}
		free(old);
	}
	/* a fork: the same key, other entries: neither equal nor extending */
	fork = make_log("fork.db", lk, fsizes, "b");
	CHECK(fork);
	CHECK_OK(sdx_ledger_get_checkpoint(&fnote, &flen, NULL, fork, 0));
	CHECK_OK(sdx_ledger_root(root, log, 700));
	CHECK_ERR(sdx_remote_consistent(&rr, 700, root, fnote, flen, &v, 1, serve_tile, &sv),
		  SDX_ECONFLICT);
	CHECK(strstr(sdx_error_last(), "a fork"));
	sv.l = fork;
	CHECK_OK(sdx_ledger_root(root, log, 300));
	CHECK_ERR(sdx_remote_consistent(&rr, 300, root, fnote, flen, &v, 1, serve_tile, &sv),
		  SDX_ECONFLICT);
	/* signed by a key not given */
	{
		sdx_signer *other = key_of("example.com/log", 2);
		sdx_verifier *ov = NULL;
		CHECK_OK(sdx_signer_verifier(&ov, other));
		CHECK_ERR(sdx_remote_consistent(&rr, 300, root, note, nlen, &ov, 1, serve_tile, &sv),
			  SDX_EUNTRUSTED);
		sdx_verifier_free(ov);
		sdx_signer_free(other);
	}
	free(note);
	free(fnote);
	sdx_verifier_free(v);
	sdx_ledger_free(fork);
	sdx_ledger_free(log);
	sdx_signer_free(lk);
}

/* The add-checkpoint request of torchwood's litewitness test suite (a Sigsum
 * log's checkpoint; tests/data/upstream/litewitness): sdx's witness accepts it
 * and its cosignature verifies with the witness's cosigner key. */
static void upstream_request(void)
{
	sdx_signer *wk = key_of("witness.example/w1", 3);
	sdx_ledger *w = NULL;
	sdx_verifier *lv = NULL;
	sdx_cosigner *c = NULL;
	sdx_witness_answer a;
	char *body = test_read_file(test_data("upstream/litewitness/add-checkpoint.body"), NULL);
	char *hex = test_read_file(test_data("upstream/litewitness/log.pubkey.hex"), NULL);
	char *vkey = NULL, *note = NULL;
	unsigned char pk[32];
	uint64_t t = 0;
	size_t blen;

	CHECK(wk && body && hex);
	CHECK(sodium_hex2bin(pk, 32, hex, 64, NULL, NULL, NULL) == 0);
	CHECK_OK(sdx_verifier_new(&lv, "sigsum.org/v1/tree/985ea163f5af026723561354f51f2ebcdcf2af809ce254ccfb64aa9aadd80f90", pk));
	CHECK(sdx_verifier_keyid(lv) == 0xec1293d2); /* the key id its signature line carries */
	CHECK_OK(sdx_verifier_format(&vkey, lv));
	CHECK_OK(sdx_ledger_create(&w, "witness.db", wk));
	CHECK_OK(sdx_witness_add_log(w, vkey));
	blen = strlen(body);
	CHECK_OK(sdx_witness_add_checkpoint(&a, w, wk, body, blen));
	CHECK(a.status == 200);
	/* the checkpoint (after "old 0\n\n") with the cosignature appended */
	note = join(body + 7, blen - 7, a.body);
	CHECK_OK(sdx_cosigner_from_signer(&c, wk));
	CHECK_OK(sdx_note_cosignatures(&t, note, strlen(note), &c, 1));
	CHECK(t > 0);
	/* the same request again: a stale old size now */
	free(a.body);
	CHECK_OK(sdx_witness_add_checkpoint(&a, w, wk, body, blen));
	CHECK(a.status == 409 && a.latest == 1);
	free(note);
	free(vkey);
	free(body);
	free(hex);
	sdx_cosigner_free(c);
	sdx_verifier_free(lv);
	sdx_ledger_free(w);
	sdx_signer_free(wk);
}

static const struct test_case cases[] = {
	{ "cosigner keys (type 0x04)", cosigner_keys },
	{ "cosignature/v1 bytes", cosign_bytes },
	{ "add-checkpoint, kept cosignatures, policies", witness_protocol },
	{ "a remote log's tiles against a checkpoint held", remote_consistency },
	{ "litewitness's add-checkpoint request, cosigned", upstream_request },
	{ NULL, NULL }
};

TEST_MAIN(cases)
