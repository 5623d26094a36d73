/*
 * cmd/serve/tiles.c - the public face of sdx serve: the checkpoint and the
 * C2SP tlog-tiles tiles, straight from the ledger (the bytes sdx publish
 * writes), and the OpenAPI description compiled in from formats/openapi.json.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd/serve/serve.h"

/* formats/openapi.json, embedded by the Makefile as the schemas are */
struct sdx_embedded_schema {
	const char *name;
	const char *text;
	size_t len;
};
extern const struct sdx_embedded_schema sdx_embedded_openapi[];

#define CACHE_IMMUTABLE "public, max-age=31536000, immutable"
#define CACHE_SHORT "public, max-age=10"

int h_openapi(struct request *r, struct reply *out)
{
	(void)r;
	if (!(out->body = malloc(sdx_embedded_openapi[0].len + 1)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	memcpy(out->body, sdx_embedded_openapi[0].text, sdx_embedded_openapi[0].len);
	out->len = sdx_embedded_openapi[0].len;
	out->status = 200;
	out->type = "application/json";
	out->cache = "public, max-age=300";
	return 0;
}

int h_checkpoint(struct request *r, struct reply *out)
{
	char *note = NULL;
	size_t len = 0;
	int err;

	/* with the witnesses' cosignatures kept for it (formats/witness.md) */
	if ((err = sdx_ledger_cosigned_checkpoint(&note, &len, NULL, r->l, 0)) < 0)
		return err;
	out->body = note;
	out->len = len;
	out->status = 200;
	out->type = "text/plain; charset=utf-8";
	out->cache = CACHE_SHORT;
	return 0;
}

int h_tile(struct request *r, struct reply *out)
{
	char path[300];
	unsigned char *tile = NULL;
	sdx_checkpoint cp;
	uint64_t index;
	unsigned width;
	size_t len;
	int level, err;

	if ((size_t)snprintf(path, sizeof(path), "%s%s", r->route->arg ? "entries/" : "",
			     r->rest) >= sizeof(path) ||
	    sdx_tile_parse_path(&level, &index, &width, path) < 0)
		return reply_problem(out, MHD_HTTP_NOT_FOUND, "ENOTFOUND", "'%s' is not a tile "
				     "path (C2SP tlog-tiles: tile/L/N[.p/W], tile/entries/N[.p/W])",
				     r->rest);
	if ((err = sdx_ledger_get_checkpoint(NULL, NULL, &cp, r->l, 0)) < 0)
		return err;
	if ((err = sdx_ledger_tile(&tile, &len, r->l, level, index, width, cp.size)) < 0)
		return err == SDX_EINVAL ? reply_problem(out, MHD_HTTP_NOT_FOUND, "ENOTFOUND", "'%s' "
							 "is not a tile path: %s", r->rest,
							 sdx_error_last()) : err;
	out->body = (char *)tile;
	out->len = len;
	out->status = 200;
	out->type = "application/octet-stream";
	out->cache = width == SDX_TILE_WIDTH ? CACHE_IMMUTABLE : CACHE_SHORT;
	return 0;
}
