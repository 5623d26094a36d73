/*
 * sdx/dsse.h - DSSE envelopes (github.com/secure-systems-lab/dsse).
 *
 * The signature covers PAE(payloadType, payload):
 *   "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body
 * with LEN the ASCII decimal byte length.  The envelope is the JSON object
 *   {"payload":b64,"payloadType":type,"signatures":[{"keyid":id,"sig":b64}]}
 * written compact with sorted keys (standard padded base64).  sdx writes one
 * signature per envelope; readers accept exactly one too.
 */
#ifndef SDX_DSSE_H
#define SDX_DSSE_H

#include "sdx/api.h"

#include <stddef.h>

#include "sdx/note.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SDX_DSSE_MAX_ENVELOPE 65535 /* fits a C2SP entry bundle record */

/** PAE bytes. *out is malloc'd. */
SDX_API int sdx_dsse_pae(unsigned char **out, size_t *out_len, const char *type,
			 const void *body, size_t len);

/**
 * Sign payload and return the envelope bytes (malloc'd, NUL-terminated).
 * keyid is the string put in signatures[0].keyid.
 */
SDX_API int sdx_dsse_sign(char **out, size_t *out_len, const char *type,
			  const void *payload, size_t len, const char *keyid,
			  const sdx_signer *s);

/** A parsed envelope; free with sdx_dsse_envelope_free. */
typedef struct sdx_dsse_envelope {
	char *payload_type;
	unsigned char *payload; /* decoded, NUL-terminated for convenience */
	size_t payload_len;
	char *keyid;
	unsigned char sig[64];
} sdx_dsse_envelope;

/** Parse (not verify) an envelope of at most SDX_DSSE_MAX_ENVELOPE bytes.
 *  SDX_EFORMAT names the bad field; SDX_ELIMIT if it is larger. */
SDX_API int sdx_dsse_parse(sdx_dsse_envelope **out, const void *data, size_t len);
/** The same with another size limit (bundle manifests are larger). */
SDX_API int sdx_dsse_parse_max(sdx_dsse_envelope **out, const void *data, size_t len, size_t max);
SDX_API void sdx_dsse_envelope_free(sdx_dsse_envelope *e);

/** Verify the envelope's signature with v: 0 or SDX_EVERIFY. */
SDX_API int sdx_dsse_verify(const sdx_dsse_envelope *e, const sdx_verifier *v);

#ifdef __cplusplus
}
#endif
#endif
