/*
 * formats/age/internal.h - the age header parser and unpadded base64,
 * shared by formats/age/ and the fuzz target; not installed.
 */
#ifndef SDX_FORMATS_AGE_INTERNAL_H
#define SDX_FORMATS_AGE_INTERNAL_H

#include <stddef.h>

#define SDX__AGE_STANZAS_MAX 64
#define SDX__AGE_HEADER_MAX (64 * 1024)
#define SDX__AGE_LINE_MAX 8192

enum sdx__age_type { SDX__AGE_OTHER, SDX__AGE_X25519, SDX__AGE_SCRYPT };

struct sdx__age_stanza {
	enum sdx__age_type type;
	unsigned char share[32]; /* X25519: the ephemeral share */
	unsigned char body[32];  /* X25519: the wrapped file key (16 + 16 tag) */
};

/* A parsed header; valid when sdx__age_header_parse() returned 0. */
struct sdx__age_header {
	size_t n;                /* stanzas */
	struct sdx__age_stanza st[SDX__AGE_STANZAS_MAX];
	size_t mac_covers;       /* the MAC covers buf[0..mac_covers): up to and including "---" */
	unsigned char mac[32];
	size_t len;              /* the header's length, through the MAC line's LF */
};

/*
 * Parse the whole header at buf[0..len) (len may run past it: the payload
 * follows).  Strict: the ABNF of C2SP age.md, canonical unpadded base64,
 * X25519 stanzas of exactly two arguments, a 32-byte share and a 32-byte
 * body, scrypt never beside another stanza.  Returns 0, SDX_EFORMAT (the
 * message names `what` and the header line), or SDX_ELIMIT.
 */
int sdx__age_header_parse(struct sdx__age_header *h, const unsigned char *buf, size_t len,
			  const char *what);

/* Unpadded base64 of data into out (4*len/3+1 bytes suffice with the NUL); its length. */
size_t sdx__age_b64_encode(char *out, const unsigned char *data, size_t len);
/* Canonical unpadded base64 s[0..len) into out (cap bytes): its length, or -1. */
long sdx__age_b64_decode(unsigned char *out, size_t cap, const char *s, size_t len);

#endif
