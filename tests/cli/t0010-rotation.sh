#!/bin/sh
# Key rotation: the supplier's old key signs its new key into the ledger;
# customers who trusted the old key follow it; what was signed before stays
# verifiable; a revoked key's rotation is not followed.
. "$(dirname "$0")/lib.sh"

D=$EXAMPLES/data
R=$D/reports
export SDX_PASSPHRASE="rotation test"
sdx init -L s.db --origin example.com/s > /dev/null
sdx declare -L s.db "$D/pvc-compound-declaration.json" --attach "$R/cnas-l1234-report-2026-0917.txt" > /dev/null 2>&1
sdx key show -L s.db --vkey > old.vkey
sdx export -L s.db --all -o b1.sdxb > /dev/null
for p in m r q z; do sdx init -L $p.db --origin example.com/$p --unencrypted > /dev/null; done
sdx trust add -L m.db old.vkey --label "supplier" > /dev/null
sdx import -L m.db b1.sdxb > /dev/null

expect 0 "rotate the key" sdx key rotate -L s.db --reason "yearly rotation"
golden rotate "names the new key and where the old one went"
check "the old secret key is kept aside" sh -c 'ls s.key.retired-* > /dev/null'
check "the new key file is mode 600" test "$(stat -c %a s.key)" = 600
sdx key show -L s.db --vkey > new.vkey
check "it is another key" sh -c '! cmp -s old.vkey new.vkey'
expect 0 "key show lists the earlier key" sdx key show -L s.db
golden key-show "with the entries the earlier key signed"
expect 0 "the new key signs declarations" sdx declare -L s.db "$D/pigment-declaration.json" --attach "$R/cnas-l5678-report-2026-0821.txt"
expect 0 "the ledger verifies across the rotation" sdx verify -L s.db
golden verify "4 entries"
expect 0 "old entries still check against the old key" sdx show -L s.db 1
old_id=$(cut -d+ -f2 old.vkey)
check "signed by the old key" grep -qx "signed by: example.com/s+$old_id (signature valid)" "$out"
expect 2 "the rotation record type is reserved" sdx declare -L s.db --type key "$D/pvc-compound-declaration.json"
golden declare-key "says it is reserved"
sdx export -L s.db --all -o b2.sdxb > /dev/null
sdx export -L s.db 3 -o b3.sdxb > /dev/null
expect 0 "a customer trusting only the old key follows the rotation" sdx verify b2.sdxb --trust old.vkey
golden verify-b2-old "follows the rotation"
expect 0 "even for a bundle of one new entry (the rotation travels with it)" sdx verify b3.sdxb --trust old.vkey
expect 0 "a customer trusting only the new key accepts new entries" sdx verify b3.sdxb --trust new.vkey
expect 3 "but not the old ones: the new key does not vouch for the old" sdx verify b2.sdxb --trust new.vkey
golden verify-b2-new "names the untrusted key"
expect 0 "the manufacturer imports across the rotation" sdx import -L m.db b2.sdxb
expect 0 "and now trusts the new key" sdx trust list -L m.db
golden trust-list "labelled as a rotation"
expect 0 "its file verifies, the supplier's entries under both keys" sdx verify -L m.db
# forging a rotation needs the old key
sdx init -L evil.db --origin example.com/s --unencrypted > /dev/null
sdx declare -L evil.db "$D/pvc-compound-declaration.json" --attach "$R/cnas-l1234-report-2026-0917.txt" > /dev/null 2>&1
sdx export -L evil.db --all -o evil.sdxb > /dev/null
expect 3 "another key claiming the origin is not trusted" sdx verify evil.sdxb --trust old.vkey
golden verify-evil "names the origin"
# a revoked key's rotation is not followed
sdx trust add -L r.db old.vkey > /dev/null
sdx trust revoke -L r.db old.vkey --reason "leaked" > /dev/null
expect 3 "after revoking the old key, bundles it signed are refused" sdx verify -L r.db b2.sdxb
expect 3 "and its rotation does not vouch for the new key" sdx verify -L r.db b3.sdxb
golden verify-b3-revoked "says the key was revoked"
sdx trust add -L r.db new.vkey > /dev/null
expect 0 "trusting the new key by hand accepts the new entries" sdx verify -L r.db b3.sdxb
