/*
 * tests/fuzz/fuzz_age.c - the age v1 header parser and reader
 * (formats/age/).
 *
 * The input is parsed as an age header, then read as a whole age file with
 * the test identity of C2SP CCTV's age vectors (public test data, which the
 * seeds in corpus/age/ are encrypted to), handed over in reads of varying
 * size.  Invariants: a header that parses lies inside the input, has
 * between 1 and 64 stanzas and a MAC that covers less than the header;
 * the reader fails only with the documented codes; the plaintext it hands
 * out is smaller than the input.
 */
#include <string.h>

#include "common.h"
#include "formats/age/internal.h"
#include "sdx/age.h"

#define CCTV_IDENTITY "AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0"

struct src {
	const uint8_t *p;
	size_t len, pos, step;
};

static int src_read(void *ctx, void *buf, size_t cap, size_t *got)
{
	struct src *s = ctx;
	size_t k = s->len - s->pos < cap ? s->len - s->pos : cap;

	/* reads of 1..17 bytes, then whatever is asked: chunk edges at odd places */
	if (k > s->step)
		k = s->step;
	s->step = s->step < 17 ? s->step + 1 : (size_t)-1;
	memcpy(buf, s->p + s->pos, k);
	s->pos += k;
	*got = k;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sdx__age_header h;
	static unsigned char sk[32];
	static int have_sk;
	static unsigned char buf[70000];
	struct src s = { data, size, 0, 1 };
	sdx_age_reader *r = NULL;
	size_t got, total = 0;
	int err;

	if (!have_sk) {
		if (sdx_age_identity_parse(sk, CCTV_IDENTITY) != 0)
			abort();
		have_sk = 1;
	}
	err = sdx__age_header_parse(&h, data, size, "'fuzz'");
	FUZZ_ASSERT(err == 0 || err == SDX_EFORMAT || err == SDX_ELIMIT);
	if (err == 0)
		FUZZ_ASSERT(h.len <= size && h.n >= 1 && h.n <= SDX__AGE_STANZAS_MAX &&
			    h.mac_covers + 45 == h.len && data[h.len - 1] == '\n');
	err = sdx_age_reader_new(&r, sk, src_read, &s, "'fuzz'");
	FUZZ_ASSERT(err == 0 || err == SDX_EFORMAT || err == SDX_ELIMIT ||
		    err == SDX_ENOTFOUND || err == SDX_EVERIFY);
	if (err == 0) {
		do {
			err = sdx_age_reader_read(r, buf, sizeof(buf), &got);
			total += got;
		} while (err == 0 && got > 0);
		FUZZ_ASSERT(err == 0 || err == SDX_EVERIFY);
		FUZZ_ASSERT(total < size);
	}
	sdx_age_reader_free(r);
	return 0;
}
