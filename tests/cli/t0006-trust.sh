#!/bin/sh
# sdx trust add/list/remove and bundle verification against the keyring.
. "$(dirname "$0")/lib.sh"

D=$EXAMPLES/data
sdx init -L s.db --origin example.com/acme --unencrypted > /dev/null
sdx declare -L s.db "$D/pvc-compound-declaration.json" --attach "$D/reports/cnas-l1234-report-2026-0917.txt" > /dev/null 2>&1
sdx key show -L s.db --vkey > acme.vkey
sdx export -L s.db --all -o b.sdxb > /dev/null
sdx init -L m.db --origin example.com/maker --unencrypted > /dev/null

expect 3 "an empty keyring trusts nobody" sdx verify -L m.db b.sdxb
golden empty-keyring "names the untrusted origin"
expect 0 "trust add from a file" sdx trust add -L m.db acme.vkey --label "PVC supplier"
golden trust-add "prints the key and its fingerprint"
expect 2 "adding twice is refused" sdx trust add -L m.db "$(cat acme.vkey)"
golden trust-add-again "says it is trusted already"
expect 0 "trust list" sdx trust list -L m.db
golden trust-list "lists the key with its label"
expect 0 "trust list --json" sdx trust list -L m.db --json
check "one key" test "$(jq length "$out")" = 1
golden trust-list-json "the same as JSON"
expect 0 "the keyring is used" sdx verify -L m.db b.sdxb
expect 2 "a malformed key is refused" sdx trust add -L m.db "example.com/x+00000000+AAAA"
golden trust-add-malformed "says what is wrong"
expect 2 "trust add needs a key" sdx trust add -L m.db
golden trust-add-nothing "says what is missing"
expect 0 "trust remove" sdx trust remove -L m.db example.com/acme
golden trust-remove "says how many"
expect 2 "removing an unknown key" sdx trust remove -L m.db example.com/acme
golden trust-remove-unknown "names it"
expect 3 "removed keys are not trusted" sdx verify -L m.db b.sdxb
expect 0 "trust on first use records the key" sdx verify -L m.db b.sdxb --trust-on-first-use
golden tofu "says so"
expect 0 "and it is trusted afterwards" sdx verify -L m.db b.sdxb
expect 0 "the manufacturer's own ledger still verifies" sdx verify -L m.db

# revocation: the key is refused from now on, whoever vouches for it
sdx init -L r.db --origin example.com/recipient --unencrypted > /dev/null
sdx trust add -L r.db acme.vkey --label "PVC supplier" > /dev/null
expect 0 "before revocation the bundle is accepted" sdx verify -L r.db b.sdxb
expect 0 "revoke by name" sdx trust revoke -L r.db "PVC supplier" --reason "laptop stolen"
golden revoke "names the key"
expect 3 "verify refuses what the revoked key signed" sdx verify -L r.db b.sdxb
golden verify-revoked "saying it was revoked"
expect 3 "even when passed with --trust" sdx verify -L r.db b.sdxb --trust acme.vkey
golden verify-revoked-trust "the same way"
expect 3 "import refuses it" sdx import -L r.db b.sdxb
golden import-revoked "the same way"
expect 3 "trust-on-first-use does not bring it back" sdx import -L r.db b.sdxb --trust-on-first-use
expect 3 "nor adding it again" sdx trust add -L r.db acme.vkey
golden trust-add-revoked "a revoked key is never trusted again"
expect 0 "list shows the revocation" sdx trust list -L r.db
golden trust-list-revoked "with the time and the reason"
expect 2 "revoking twice" sdx trust revoke -L r.db acme.vkey
golden revoke-again "says when"
check "a revocation cannot be deleted with SQL" sh -c "! sqlite3 r.db 'DELETE FROM revoked_keys' 2>/dev/null"
check "the row is still there" test "$(sqlite3 r.db 'SELECT count(*) FROM revoked_keys')" = 1
