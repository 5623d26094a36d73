#!/bin/sh
# Who stands behind each record (formats/trust.md), with three ledgers: a
# supplier, a manufacturer and an exporter, each bound to its party.  The
# manufacturer restates the supplier's declaration under its own key (same
# declaration_id and lot, a lower lead value): the exporter's verify, trace
# and check say "restated by" it, a rule counting supplier-signed evidence
# does not count it, and once the supplier's genuine declaration is held too
# the conflict is reported with both entries (verify: exit 7).  A chain signed
# by the parties it names says "signed by"; a key trusted without a binding is
# unbound; a binding without the role the record speaks for is a role mismatch.
. "$(dirname "$0")/lib.sh"

D=$EXAMPLES/data
R=$D/reports
HX_ID=USCI:91330206MA2H7K5Q3E LH_ID=USCI:91330282MA2CX7LH5B NB_ID=USCI:91330201MA2AH8XK4L
for p in s m e x; do
	sdx init -L $p.db --origin example.com/$p --unencrypted > /dev/null
	sdx key show -L $p.db --vkey > $p.vkey
done
leafof() { sdx show -L "$1" "$2" ${3:+--party "$3"} --json | jq -r .leaf_hash; }

# --- the parties and their bindings
expect 0 "the supplier says whom it signs for" sdx party set -L s.db \
	--name "Ningbo Haixing Polymer Materials Co., Ltd." --id $HX_ID --id GLN:6901234500011 \
	--country CN --role supplier
golden party-set "its party, identifiers and roles"
expect 0 "party show" sdx party show -L s.db
golden party-show "the same"
sdx party set -L m.db --name "Cixi Little Harbour Toys Co., Ltd." --id $LH_ID --role manufacturer > /dev/null
sdx party set -L e.db --name "Ningbo Harbour Export Agency Co., Ltd." --id $NB_ID --role exporter > /dev/null
expect 2 "a party without a role is refused" sdx party set -L x.db --name "Foshan Redstone"
golden party-no-role "says which roles there are"
expect 2 "an identifier of a scheme's wrong form" sdx party set -L x.db --name X --id GLN:123 --role supplier
golden party-bad-id "names the member"
check "x has no party yet" sh -c "\"$SDX\" party show -L x.db --json | grep -qx null"

expect 0 "the manufacturer trusts the supplier's key, bound to it" sdx trust add -L m.db s.vkey \
	--name "Ningbo Haixing Polymer Materials Co., Ltd." --id $HX_ID --role supplier
golden trust-add-bound "trusted and bound"
expect 2 "--name without --role is refused (--name was the label)" sdx trust add -L m.db x.vkey --name "Redstone"
golden trust-name-no-role "points at --label"
expect 2 "binding a key nobody trusts" sdx trust bind -L m.db x.vkey --name Redstone --role supplier
golden trust-bind-untrusted "says to trust it first"
expect 2 "--role is for add and bind" sdx trust list -L m.db --role supplier
golden trust-list-role "refused"

# --- the supplier's genuine declaration, and its bundle to the manufacturer
sdx declare -L s.db "$D/pvc-compound-declaration.json" --attach "$R/cnas-l1234-report-2026-0917.txt" > /dev/null 2>&1
sdx export -L s.db --all -o s.sdxb > /dev/null
expect 0 "the manufacturer imports it" sdx import -L m.db s.sdxb
genuine=$(leafof s.db HX-DOC-2026-0920-01)

# --- the manufacturer restates it under its own key: same id and lot, lead 4.1 instead of 12.4
jq '.claims[2].measurements[0].value = 4.1 | .claims[2].declared_sum.value = 4.1' \
	"$D/pvc-compound-declaration.json" > restated.json
expect 0 "the manufacturer records the restatement" sdx declare -L m.db restated.json \
	--attach "$R/cnas-l1234-report-2026-0917.txt"
restated=$(leafof m.db HX-DOC-2026-0920-01 example.com/m)
batch() { # ID INPUT
	sdx batch -L m.db --id "$1" --product "Bath duck" --hs 9503.00 --date 2026-10-15 \
		--manufacturer "Cixi Little Harbour Toys Co., Ltd." --manufacturer-id $LH_ID \
		--manufacturer-country CN --quantity 24000:H87 --input "$2:HX2609-0417:0.96:TNE:material" > /dev/null
}
batch B-RESTATED "$restated"
batch B-GENUINE "$genuine"
expect 7 "the manufacturer's own verify: its restatement contradicts the supplier's own" sdx verify -L m.db
golden verify-m "restated by the manufacturer itself, and the conflict"
sdx export -L m.db --provenance B-RESTATED -o restated.sdxb > /dev/null
sdx export -L m.db --provenance B-GENUINE -o genuine.sdxb > /dev/null

# --- the exporter trusts the manufacturer and ships the batch made from the restatement
sdx trust add -L e.db m.vkey --name "Cixi Little Harbour Toys Co., Ltd." --id $LH_ID --role manufacturer > /dev/null
expect 0 "the exporter imports the batch and what it was made from" sdx import -L e.db restated.sdxb
ship() { # ID BATCH
	sdx ship -L e.db --id "$1" --date 2026-11-20 --exporter "Ningbo Harbour Export Agency Co., Ltd." \
		--exporter-id $NB_ID --exporter-country CN --to US --port CNNGB \
		--consignee "Pacific Kids Supply Inc." --item "$2:24000:H87" > /dev/null
}
ship S-RESTATED "$(leafof m.db B-RESTATED)"
expect 0 "verify: ok, the restated record listed" sdx verify -L e.db
golden verify-restated "restated by the manufacturer; signed by the others"
expect 0 "verify --json lists it" sdx verify -L e.db --json
check "restated in the JSON" test "$(jq -r '.attribution.records[] | select(.outcome == "restated") | .by' "$out")" = "Cixi Little Harbour Toys Co., Ltd."
check "no conflict yet" test "$(jq '.attribution.conflicts | length' "$out")" = 0
expect 0 "trace says who stands behind each record" sdx trace -L e.db S-RESTATED
golden trace-restated "shipment and batch signed by their parties, the declaration restated"
expect 0 "trace --json: an attribution member per node" sdx trace -L e.db S-RESTATED --json
check "the declaration's outcome" test "$(jq -r '.inputs[0].record.inputs[0].record.attribution.outcome' "$out")" = restated
check "the batch's" test "$(jq -r '.inputs[0].record.attribution.outcome' "$out")" = signed
check "the shipment's" test "$(jq -r '.attribution | .outcome + " " + .by' "$out")" = "signed Ningbo Harbour Export Agency Co., Ltd."
expect 6 "check: CPSIA counts only supplier-signed declarations (unknown)" \
	sdx check -L e.db --profile us-cpsia S-RESTATED
golden check-restated "the restated declaration does not count"
printf '%s' '{"format":"sdx-profile/2","name":"lead","title":"Pb at most 90 mg/kg","sources":["s"],"kind":"programme","rules":[{"id":"pb","title":"Lead","regulation":"r","applies_to":"declaration","check":"substance_each","substances":[{"name":"lead","cas":"7439-92-1"}],"limit":{"value":90,"unit":"mg/kg","comparison":"<="},"evidence":{"signed_by":"issuer"}}]}' > lead.json
expect 5 "in a programme: not eligible" sdx check -L e.db --profile ./lead.json S-RESTATED
expect_out "saying why" "only a declaration signed by the supplier it names .*restated by Cixi Little Harbour Toys"
jq '.rules[0].evidence = {}' lead.json > lead-any.json
expect 0 "without signed_by the restatement is judged, and says by whom" \
	sdx check -L e.db --profile ./lead-any.json S-RESTATED
golden check-restated-judged "pass, restated by the manufacturer"

# --- the supplier's genuine declaration is held too: the conflict
sdx trust add -L e.db s.vkey --name "Ningbo Haixing Polymer Materials Co., Ltd." --id $HX_ID --role supplier > /dev/null
cp e.db e-json.db
expect 7 "import: imported, and the conflict it brought, exit 7" sdx import -L e.db s.sdxb
golden import-conflict "names the supplier's own entry against the restatement held"
check "the bundle was imported all the same" sh -c "\"$SDX\" inbox -L e.db | grep -q example.com/s"
expect 0 "importing it again brings nothing and reports nothing" sdx import -L e.db s.sdxb
expect_out "nothing to do" "was imported before"
expect 7 "import --json: the conflicts member" sdx import -L e-json.db -k e.key s.sdxb --json
check "it names both entries" test "$(jq -r '.conflicts[0] | .restatement.ref + " " + .own.ref' "$out")" = "$restated $genuine"
check "one conflict" test "$(jq '.conflicts | length' "$out")" = 1
expect 7 "verify: the conflict, exit 7" sdx verify -L e.db
golden verify-conflict "names the restatement, the supplier's own entry and the values"
expect 7 "verify --json" sdx verify -L e.db --json
check "the conflict names both entries" test "$(jq -r '.attribution.conflicts[0] | .restatement.ref + " " + .own.ref' "$out")" = "$restated $genuine"
check "and what differs" sh -c "jq -r '.attribution.conflicts[0].what' '$out' | grep -q '4.1 mg/kg in the restatement, 12.4 mg/kg'"
expect 0 "trace names the conflict" sdx trace -L e.db S-RESTATED
golden trace-conflict "CONFLICT with the supplier's own entry"
expect 0 "and from the supplier's side" sdx trace -L e.db HX-DOC-2026-0920-01 --party example.com/s
golden trace-conflict-own "CONFLICT with a restatement"
expect 0 "check names it in every verdict on the restatement" sdx check -L e.db --profile ./lead-any.json S-RESTATED
golden check-conflict "restated by, and the conflict"

# --- a chain signed by the parties it names
expect 0 "the exporter imports the batch made from the genuine declaration" sdx import -L e.db genuine.sdxb
ship S-GENUINE "$(leafof m.db B-GENUINE)"
expect 0 "trace: signed by, all the way down" sdx trace -L e.db S-GENUINE
golden trace-signed "every record signed by the party it names"
expect 6 "CPSIA counts the supplier-signed declaration (its phthalates are unknown)" \
	sdx check -L e.db --profile us-cpsia S-GENUINE
expect_out "lead judged" "PASS +Lead in substrate"
expect_out "the phthalates for want of values, not of a signature" "no reliable value for di-n-pentyl"

# --- a key trusted without a binding: unbound
sdx declare -L x.db "$D/pigment-declaration.json" --attach "$R/cnas-l5678-report-2026-0821.txt" > /dev/null 2>&1
sdx export -L x.db --all -o x.sdxb > /dev/null
sdx trust add -L e.db x.vkey --label "Redstone, not yet bound" > /dev/null
sdx import -L e.db x.sdxb > /dev/null
expect 0 "trace of its declaration: unbound" sdx trace -L e.db RS-CoC-2026-0825
golden trace-unbound "bound to no party: attribution unknown"
expect 6 "CPSIA does not count it" sdx check -L e.db --profile us-cpsia RS-CoC-2026-0825
expect_out "saying why" "only a declaration signed by the supplier it names .*bound to no party"
expect 0 "trust list shows who is bound" sdx trust list -L e.db
golden trust-list "a party per key, or none"

# --- a role mismatch: the manufacturer's key bound for supplier only
expect 0 "trust bind replaces the binding" sdx trust bind -L e.db example.com/m \
	--name "Cixi Little Harbour Toys Co., Ltd." --id $LH_ID --role supplier
golden trust-bind "bound, with the roles"
expect 0 "trace: the batch is signed outside its party's roles" sdx trace -L e.db S-GENUINE
golden trace-role "bound to sign as supplier, not as the manufacturer"
expect 7 "verify counts it" sdx verify -L e.db
expect_out "role counted" "0 of 3 records signed by the party they name, 1 restated, 0 unbound, 2 signed outside the roles of its party's binding"
expect 0 "trust add of a key trusted already rebinds it" sdx trust add -L e.db m.vkey \
	--name "Cixi Little Harbour Toys Co., Ltd." --id $LH_ID --role manufacturer
expect_out "saying so" "^already trusted example.com/m\+"
expect 0 "bound back: signed" sdx trace -L e.db S-GENUINE --json
check "the batch signed again" test "$(jq -r '.inputs[0].record.attribution.outcome' "$out")" = signed

# --- removing the key removes its binding; a rotation carries it over
sdx trust remove -L e.db example.com/x > /dev/null
check "no binding left behind" test "$(sqlite3 e.db "SELECT count(*) FROM bindings b WHERE NOT EXISTS (SELECT 1 FROM trusted_keys t WHERE t.pubkey = b.pubkey) AND length(b.pubkey) = 32")" = 0
sdx key rotate -L s.db --unencrypted --reason "yearly" > /dev/null
sdx declare -L s.db "$D/pvc-toy-grade-declaration.json" --attach "$R/cnas-l1234-report-2026-1006.txt" > /dev/null 2>&1
sdx export -L s.db --all -o s2.sdxb > /dev/null
expect 0 "the rotated supplier's bundle imports" sdx import -L e.db s2.sdxb
expect 0 "its new key speaks for the same party" sdx trust list -L e.db --json
check "both keys of the supplier bound to it" test "$(jq '[.[] | select(.vkey | startswith("example.com/s+")) | .party.name] | unique | length' "$out")" = 1
