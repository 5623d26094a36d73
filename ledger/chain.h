/*
 * ledger/chain.h - the checks that follow one ledger's entries in order
 * (formats/ledger.md): which key signs each entry, the seq and prev links,
 * genesis, and key rotations.  Private to libsdx; ledger verify and bundle
 * verify (and so import) use it alike.
 *
 * Order of calls: sdx__chain_init(), sdx__chain_add_key() per key, then per
 * entry read with ledger/entry.h: sdx__chain_signer() and sdx__chain_entry()
 * (these only read the chain, so worker threads may run them side by side),
 * then sdx__chain_step() in index order on one thread; at the end
 * sdx__chain_unintroduced() (a ledger's own key list) or
 * sdx__chain_trusted() (a bundle's); sdx__chain_free().
 *
 * A ledger's own list knows from which entry each key signs (`history`);
 * a bundle's manifest only lists the keys, so any of them may sign, and a
 * rotation naming a key it does not list signs nothing in.
 */
#ifndef SDX_LEDGER_CHAIN_H
#define SDX_LEDGER_CHAIN_H

#include <stddef.h>
#include <stdint.h>

#include "ledger/entry.h"
#include "sdx/note.h"

struct sdx__chain_key {
	char keyid[SDX_NAME_MAX + 16];  /* "origin+hex8", as envelopes name it */
	char vkey[SDX_NAME_MAX + 64];   /* as genesis and rotation bodies name it */
	uint64_t since;                 /* the first entry it signs (history only) */
	int introduced;                 /* a rotation entry named it (history only) */
};

struct sdx__chain {
	char origin[SDX_NAME_MAX + 1];
	int history;
	sdx_verifier **v;               /* the keys, in order; owned */
	struct sdx__chain_key *k;       /* what is known of each */
	size_t nkeys, cap;
	/* the rotations seen, in entry order: entry, signing key, key named */
	struct sdx__chain_rotation { uint64_t seq; size_t from, to; } *rot;
	size_t nrot, rotcap;
	int have_prev;
	uint64_t prev_index;
	unsigned char prev_leaf[32];
	unsigned char prev_payload[32]; /* SHA-256 of the previous payload (version 3 links) */
};

/* What the checks of one entry found that the in-order ones need. */
struct sdx__chain_link {
	uint64_t index, seq;
	int version;                    /* 3: prev names the previous payload's hash */
	unsigned char leaf[32], prev[32];
	unsigned char payload[32];      /* SHA-256 of this entry's payload */
	size_t signer;                  /* index of the key that signed it */
	size_t rotates_to;              /* a rotation: the key it signs in; else SIZE_MAX */
};

/* origin is the ledger's; history: keys come with `since`.  Cannot fail. */
void sdx__chain_init(struct sdx__chain *c, const char *origin, int history);
/* Add a copy of v, which signs from entry `since` (history), in order.
 * Returns 0, SDX_ENOMEM, or SDX_EFORMAT (cannot format the key). */
int sdx__chain_add_key(struct sdx__chain *c, const sdx_verifier *v, uint64_t since);
/* Frees what init and add_key took; a zeroed chain too. */
void sdx__chain_free(struct sdx__chain *c);

/* The key that signs entry idx, or a checkpoint of size idx (history). */
size_t sdx__chain_key_at(const struct sdx__chain *c, uint64_t idx);

/* Entry idx's signature by the key that signs it (history) or by one of the
 * keys; *signer gets its index.  0 or SDX_EVERIFY with e->fault set. */
int sdx__chain_signer(const struct sdx__chain *c, struct sdx__entry *e, uint64_t idx,
		      size_t *signer);

/*
 * The checks of entry idx that need the chain's keys but not its
 * neighbours: genesis only at 0, its body naming the origin and (history)
 * the first key; a rotation naming the key that signs next.  Genesis and
 * key entries must have been read with SDX__ENTRY_STRICT.  Fills *out.
 * 0 or SDX_EVERIFY with e->fault set.
 */
int sdx__chain_entry(const struct sdx__chain *c, struct sdx__entry *e, uint64_t idx,
		     size_t signer, const unsigned char leaf[32], struct sdx__chain_link *out);

/* 1 if entry idx of this type must be read with its body for sdx__chain_entry. */
int sdx__chain_needs_body(uint64_t idx, const char *type);

/*
 * In index order: seq is the index, prev the leaf hash of the entry before
 * (version 3: the SHA-256 of its payload) where it is the one before (a
 * bundle may skip entries; entry 0's is zero), and the rotation is remembered.  0 or SDX_EVERIFY with *f set (no
 * error message: the caller names the entry).
 */
int sdx__chain_step(struct sdx__chain *c, const struct sdx__chain_link *lk,
		    struct sdx__entry_fault *f);

/* History: the first key after the first that no rotation among the first
 * `entries` entries signed in; SIZE_MAX if there is none. */
size_t sdx__chain_unintroduced(const struct sdx__chain *c, uint64_t entries);

/* Bit k is key k: the keys in `trusted`, then, rotation by rotation in entry
 * order, each key a trusted key signed in, unless it is in `revoked`. */
unsigned sdx__chain_trusted(const struct sdx__chain *c, unsigned trusted, unsigned revoked);

#endif
