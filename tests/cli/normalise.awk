# tests/cli/normalise.awk - turn one run's output into golden-file text.
#
# Used by golden() in tests/cli/lib.sh.  Rewrites only what differs from run
# to run; the wording around it is compared as printed.  SDX_TIME is fixed by
# lib.sh, so times are left alone; keys are made fresh by every `sdx init`, so
# everything derived from them (key ids, public keys, fingerprints, signatures,
# leaf and tree hashes) is replaced by a placeholder numbered in order of first
# appearance in the file: the same value gets the same name, so a reader still
# sees which entry or key a line is about.
#
#   paths       $TMP, $EXAMPLES, $DATA, $SDX          (-v tmp= examples= data= sdx=)
#   key id      <key1>    8 hex after "+", "key id:", "key_id", "retired-"
#   public key  <pub1>    the base64 after ORIGIN+KEYID+ in a verifier key
#   fingerprint <fp1>     16 groups of 4 hex
#   hash        <hash1>   64 hex, except the SHA-256 of a file in examples/data
#                         and hex the test script spells out (-v stable=FILE,
#                         one per line): evidence keeps its name
#   prefix      <hash1:16> a hex run of 8+ that starts a hash seen in this test
#   base64      <base64-1> 40+ characters with an upper-case letter or =
#   threads     "with N threads" where the default (every core) was used
#
# -v reg=FILE carries the key ids and hashes seen by earlier golden files of
# the same test, so a prefix or key id is recognised even without context.

function lit(s, from, to,    i, r) {
	if (from == "")
		return s
	r = ""
	while ((i = index(s, from)) > 0) {
		r = r substr(s, 1, i - 1) to
		s = substr(s, i + length(from))
	}
	return r s
}

function alnum(c) { return c ~ /[0-9A-Za-z]/ }

# the character before position i of s, where the letter of an escape such as
# \n in a JSON string counts as a separator, not as part of the next word
function before(s, i) {
	if (i < 2)
		return ""
	if (i > 2 && substr(s, i - 2, 1) == "\\")
		return " "
	return substr(s, i - 1, 1)
}

function name(kind, v) {
	if (!((kind, v) in num))
		num[kind, v] = ++count[kind]
	return num[kind, v]
}

# collect key ids (from their context) and full hashes before rewriting
function collect(s,    rest, pre, tok, b, a) {
	rest = s; pre = ""
	while (match(rest, /[0-9a-f]+/)) {
		tok = substr(rest, RSTART, RLENGTH)
		pre = pre substr(rest, 1, RSTART - 1)
		b = before(pre "x", length(pre) + 1)
		a = substr(rest, RSTART + RLENGTH, 1)
		rest = substr(rest, RSTART + RLENGTH)
		if (!alnum(b) && !alnum(a)) {
			if (tok in stablehash)
				;
			else if (length(tok) == 8 && (b == "+" || pre ~ /(retired-|key id: *|"key_id": ")$/))
				key[tok] = 1
			else if (length(tok) == 64)
				full[tok] = 1
		}
		pre = pre tok
	}
}

# one hex run with word boundaries on both sides
function hex(tok,    h, n) {
	n = length(tok)
	if (n < 8 || n > 64 || (tok in stablehash))
		return tok
	if (n == 8 && (tok in key))
		return "<key" name("key", tok) ">"
	if (n == 64)
		return "<hash" name("hash", tok) ">"
	for (h in full)
		if (substr(h, 1, n) == tok)
			return "<hash" name("hash", h) ":" n ">"
	if (n == 16 && !(tok in stable16))
		return "<hash" name("hash", tok) ":16>"
	return tok
}

function hexes(s,    r, tok, b, a) {
	r = ""
	while (match(s, /[0-9a-f]+/)) {
		tok = substr(s, RSTART, RLENGTH)
		b = before(r substr(s, 1, RSTART), length(r) + RSTART)
		a = substr(s, RSTART + RLENGTH, 1)
		r = r substr(s, 1, RSTART - 1) ((alnum(b) || alnum(a)) ? tok : hex(tok))
		s = substr(s, RSTART + RLENGTH)
	}
	return r s
}

function fingerprints(s,    r, tok, b, a, g) {
	g = "[0-9a-f][0-9a-f][0-9a-f][0-9a-f]"
	r = ""
	while (match(s, g "( " g ")+")) {
		tok = substr(s, RSTART, RLENGTH)
		b = RSTART > 1 ? substr(s, RSTART - 1, 1) : ""
		a = substr(s, RSTART + RLENGTH, 1)
		if (length(tok) == 79 && !alnum(b) && !alnum(a))
			tok = "<fp" name("fp", tok) ">"
		r = r substr(s, 1, RSTART - 1) tok
		s = substr(s, RSTART + RLENGTH)
	}
	return r s
}

# ORIGIN+KEYID+PUBLICKEY: the public key part
function vkeys(s,    r, tok, i) {
	r = ""
	while (match(s, /\+[0-9a-f]+\+[A-Za-z0-9+\/]+=*/)) {
		tok = substr(s, RSTART, RLENGTH)
		i = index(substr(tok, 2), "+") + 1
		if (i == 10 && length(tok) - i >= 40)
			tok = substr(tok, 1, i) "<pub" name("pub", substr(tok, i + 1)) ">"
		r = r substr(s, 1, RSTART - 1) tok
		s = substr(s, RSTART + RLENGTH)
	}
	return r s
}

function base64s(s,    r, tok, esc) {
	r = ""
	while (match(s, /[A-Za-z0-9+\/]+=*/)) {
		tok = substr(s, RSTART, RLENGTH)
		esc = ""
		if (RSTART > 1 && substr(s, RSTART - 1, 1) == "\\") {
			esc = substr(tok, 1, 1)
			tok = substr(tok, 2)
		}
		if (length(tok) >= 40 && tok ~ /[A-Z=]/)
			tok = "<base64-" name("base64", tok) ">"
		r = r substr(s, 1, RSTART - 1) esc tok
		s = substr(s, RSTART + RLENGTH)
	}
	return r s
}

BEGIN {
	while (stable != "" && (getline h < stable) > 0) {
		stablehash[h] = 1
		if (length(h) == 64)
			stable16[substr(h, 1, 16)] = 1
	}
	while (reg != "" && (getline h < reg) > 0) {
		split(h, f, " ")
		if (f[1] == "key")
			key[f[2]] = 1
		else
			full[f[2]] = 1
		known[f[1], f[2]] = 1
	}
	close(reg)
	close(stable)
}

{
	s = lit($0, tmp, "$TMP")
	s = lit(s, examples, "$EXAMPLES")
	s = lit(s, data, "$DATA")
	s = lit(s, sdx, "$SDX")
	line[NR] = s
	collect(s)
}

END {
	default_threads = line[1] !~ /--threads| -j /
	for (i = 1; i <= NR; i++) {
		s = fingerprints(line[i])
		s = vkeys(s)
		s = base64s(s)
		s = hexes(s)
		if (default_threads) {
			sub(/with [0-9]+ threads/, "with N threads", s)
			sub(/"threads": [0-9]+/, "\"threads\": N", s)
		}
		print s
	}
	if (reg != "") {
		for (k in key)
			if (!(("key", k) in known))
				print "key", k >> reg
		for (k in full)
			if (!(("hash", k) in known))
				print "hash", k >> reg
	}
}
