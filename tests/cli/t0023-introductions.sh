#!/bin/sh
# Key introductions (formats/trust.md, "Introductions"), with three ledgers: a
# supplier, a manufacturer that trusts it, an exporter that trusts only the
# manufacturer.  The manufacturer introduces the supplier's key and forwards
# the supplier's declaration with the introduction: by default the exporter's
# import says what would be trusted and is refused (exit 3); a policy for
# another role refuses it too; a policy accepting the manufacturer's
# introductions of suppliers imports it, and trust list, trace and verify say
# "introduced by".  An introduction by a key itself only introduced does not
# count (depth 1), and revoking the introducer undoes what the exporter held
# only from the revocation on (its own import time, never a signed date).
. "$(dirname "$0")/lib.sh"

D=$EXAMPLES/data
R=$D/reports
HX="Ningbo Haixing Polymer Materials Co., Ltd." HX_ID=USCI:91330206MA2H7K5Q3E
LH="Cixi Little Harbour Toys Co., Ltd." LH_ID=USCI:91330282MA2CX7LH5B
for p in s m e l; do
	sdx init -L $p.db --origin example.com/$p --unencrypted > /dev/null
	sdx key show -L $p.db --vkey > $p.vkey
done
sdx party set -L s.db --name "$HX" --id $HX_ID --country CN --role supplier > /dev/null
sdx party set -L m.db --name "$LH" --id $LH_ID --role manufacturer > /dev/null
sdx party set -L l.db --name "Shenzhen Testing Lab" --role lab > /dev/null

# --- the manufacturer trusts the supplier, holds its declaration, introduces its key
sdx trust add -L m.db s.vkey --name "$HX" --id $HX_ID --role supplier > /dev/null
sdx declare -L s.db "$D/pvc-compound-declaration.json" --attach "$R/cnas-l1234-report-2026-0917.txt" > /dev/null 2>&1
sdx export -L s.db --all -o s.sdxb > /dev/null
expect 0 "the manufacturer imports the supplier's bundle" sdx import -L m.db s.sdxb
expect 2 "an introduction names how the fingerprint was compared" sdx trust introduce -L m.db \
	example.com/s --name "$HX" --id $HX_ID --role supplier
golden introduce-no-method "names the methods"
expect 2 "only a key it trusts" sdx trust introduce -L m.db e.vkey --name "X" --role supplier \
	--method in-person
golden introduce-untrusted "says to trust it first"
expect 2 "only for the party it is bound to" sdx trust introduce -L m.db example.com/s \
	--name "Foshan Redstone" --role supplier --method in-person
golden introduce-other-party "names the binding"
expect 2 "only for the roles it is bound for" sdx trust introduce -L m.db example.com/s \
	--name "$HX" --id $HX_ID --role lab --method in-person
golden introduce-other-role "names the role"
expect 0 "the manufacturer introduces the supplier's key" sdx trust introduce -L m.db example.com/s \
	--name "$HX" --id $HX_ID --country CN --role supplier --method in-person --checked 2026-11-20 \
	--detail "at their plant in Ningbo, with their QA manager"
golden introduce "an entry of the own ledger"
expect 0 "the introduction is in its log" sdx log -L m.db
golden log-m "introduces ... (checked, method)"
expect 0 "it forwards the supplier's entries" sdx export -L m.db --imported -o fwd.sdxb
check "the bundle carries the introduction" sh -c "\"$SDX\" verify fwd.sdxb --trust m.vkey --trust s.vkey > /dev/null"

# --- the exporter trusts only the manufacturer
sdx trust add -L e.db m.vkey --name "$LH" --id $LH_ID --role manufacturer > /dev/null
expect 0 "the policy is none by default" sdx trust policy -L e.db
golden policy-default "none"
expect 3 "default policy: what would be trusted, and refused" sdx import -L e.db fwd.sdxb
golden import-default "would trust ... introduced by ... run sdx trust add"
expect 3 "verify of the bundle against the ledger says the same" sdx verify -L e.db fwd.sdxb
golden verify-default "NOT trusted, and what would be"
expect 2 "a depth other than 1 is refused" sdx trust policy -L e.db accept --from "$LH" \
	--roles supplier --depth 2
expect 2 "a role that is not one" sdx trust policy -L e.db accept --from "$LH" --roles buyer
golden policy-bad-role "names the role"
expect 0 "a policy for labs only" sdx trust policy -L e.db accept --from "$LH" --roles lab
golden policy-lab "set"
expect 3 "a role outside the policy is refused" sdx import -L e.db fwd.sdxb
golden import-role "the role the policy does not accept"
for c in e2 e3; do cp e.db $c.db; cp e.key $c.key; done
expect 0 "accept the manufacturer's introductions of suppliers" sdx trust policy -L e.db \
	accept --from "$LH" --roles supplier
expect 0 "the policy" sdx trust policy -L e.db --json
golden policy-json "the supplier rule replaced the lab rule"
expect 0 "verify of the bundle: trusted through the introduction, nothing written" \
	sdx verify -L e.db fwd.sdxb
golden verify-introduced "trusted 1 key through introductions"
expect 0 "the import is accepted" sdx import -L e.db fwd.sdxb
golden import-accepted "imported"
expect 0 "trust list: the supplier's key, introduced by the manufacturer" sdx trust list -L e.db
golden trust-list "introduced: by ..."
expect 0 "trace: signed by the supplier, key introduced by the manufacturer" sdx trace -L e.db \
	HX-DOC-2026-0920-01
golden trace "(key introduced by ...)"
expect 0 "verify" sdx verify -L e.db
golden verify-e "the supplier's records signed by it, its key introduced"
expect 0 "a bundle of the supplier itself is trusted now" sdx verify -L e.db s.sdxb
golden verify-s "trusted"

# --- the supplier rotates its key: the new key is trusted through the introduction too
sdx key rotate -L s.db --reason "yearly rotation" --unencrypted > /dev/null
sdx export -L s.db --all -o s-rotated.sdxb > /dev/null
expect 0 "the exporter follows the rotation" sdx import -L e.db s-rotated.sdxb
sdx trust list -L e.db --json > list.json
check "the rotated key is introduced too, by the same introduction" jq -e '[.[] |
	select(.label == "signed in by a key rotation") | .introduced[].origin] == ["example.com/m"]' list.json > /dev/null

# --- depth 1: the supplier (trusted only through the introduction) introduces a lab
sdx export -L l.db --all -o l.sdxb > /dev/null
sdx trust add -L s.db l.vkey --name "Shenzhen Testing Lab" --role lab > /dev/null
sdx import -L s.db l.sdxb > /dev/null
sdx trust introduce -L s.db example.com/l --name "Shenzhen Testing Lab" --role lab \
	--method video-call --checked 2026-11-21 > /dev/null
sdx export -L s.db --imported -o lab.sdxb > /dev/null
sdx trust policy -L e.db accept --from any-direct --roles supplier,lab > /dev/null
expect 3 "an introduction by a key itself only introduced does not count" sdx import -L e.db lab.sdxb
golden import-depth "depth 1 only"
expect 2 "a key trusted only through an introduction is not introduced further" \
	sdx trust introduce -L e.db example.com/s --name "$HX" --role supplier --method other

# --- revocation of the introducer: the exporter's own import time decides
sdx trust policy -L e2.db accept --from "$LH" --roles supplier > /dev/null
sdx trust policy -L e3.db accept --from "$LH" --roles supplier > /dev/null
SDX_TIME=2026-11-25T00:00:00Z sdx import -L e2.db fwd.sdxb > /dev/null 2>&1
sdx import -L e3.db fwd.sdxb > /dev/null 2>&1
expect 0 "revoked after the exporter held the introduction: it still counts" \
	env SDX_TIME=2026-11-24T00:00:00Z "$SDX" trust revoke -L e3.db example.com/m --reason stolen
golden revoke-before "still trusted"
expect 0 "verify of the supplier's bundle: still trusted" sdx verify -L e3.db s.sdxb
expect 0 "trust add of a key trusted through an introduction trusts it directly" \
	sdx trust add -L e3.db s.vkey --label "fingerprint compared ourselves"
sdx trust list -L e3.db --json > list3.json
check "no longer introduced" jq -e '[.[] | select(.introduced)] == [] and
	[.[] | .label] == ["fingerprint compared ourselves"]' list3.json > /dev/null
expect 0 "revoked before the exporter held it (the signed dates are earlier): it does not count" \
	env SDX_TIME=2026-11-24T00:00:00Z "$SDX" trust revoke -L e2.db example.com/m --reason stolen
golden revoke-after "no longer trusted"
expect 3 "verify of the supplier's bundle: untrusted" sdx verify -L e2.db s.sdxb
expect 0 "trust list: the supplier's key is gone" sdx trust list -L e2.db
golden trust-list-revoked "only the revocation"

# --- the manufacturer withdraws its introduction: a new recipient does not accept it
expect 0 "the manufacturer withdraws its introduction" sdx trust introduce -L m.db example.com/s \
	--withdraw --detail "no longer our supplier"
golden withdraw "an entry that supersedes the introduction"
expect 2 "withdrawn already" sdx trust introduce -L m.db example.com/s --withdraw
golden withdraw-again "says so"
sdx export -L m.db --imported -o fwd2.sdxb > /dev/null
sdx init -L e4.db --origin example.com/e4 --unencrypted > /dev/null
sdx trust add -L e4.db m.vkey --name "$LH" --id $LH_ID --role manufacturer > /dev/null
sdx trust policy -L e4.db accept --from "$LH" --roles supplier > /dev/null
expect 3 "a withdrawn introduction is not accepted" sdx import -L e4.db fwd2.sdxb
golden import-withdrawn "withdrew"
