#!/bin/sh
# The eligibility engine (formats/profiles.md §2a): does a rule apply, is the
# shipment eligible, and why.  A supplier ledger and a maker ledger that also
# ships; each case differs from a good one in the member it is about.
. "$(dirname "$0")/lib.sh"

D=$EXAMPLES/data
R=$D/reports
E=$DATA/eligibility
sha() { sha256sum "$1" | cut -d' ' -f1; }

for p in sup maker; do
	sdx init -L $p.db --origin example.com/$p --unencrypted > /dev/null
	sdx key show -L $p.db --vkey > $p.vkey
done

# --- the supplier: a toy-grade PVC compound, a glaze, a carton, two cable compounds
sdx declare -L sup.db "$D/pvc-toy-grade-declaration.json" --attach "$R/cnas-l1234-report-2026-1006.txt" > /dev/null 2>&1
jq '.declaration_id = "GZ-DOC-2026-01" | .material.name = "Transparent ceramic glaze, low lead"
    | .material.classes = ["glaze"] | .material.hs_code = "3207.20"
    | .material.lots = [ { "lot_number": "GZ2610-01", "production_date": "2026-08-10", "quantity": { "value": 500, "unit": "KGM" } } ]
    | .claims[].applies_to_lots |= empty | .evidence[].sampled_lots = ["GZ2610-01"]' "$D/pigment-declaration.json" > glaze.json
jq '.declaration_id = "CT-DOC-2026-01" | .material.name = "Corrugated carton, printed"
    | .material.classes = ["paper", "ink"] | .material.hs_code = "4819.10"
    | .material.lots = [ { "lot_number": "CT2610-01", "production_date": "2026-08-11", "quantity": { "value": 10000, "unit": "H87" } } ]
    | .claims[].applies_to_lots |= empty | .evidence[].sampled_lots = ["CT2610-01"]' "$D/pigment-declaration.json" > carton.json
# RoHS: the heavy-metal claim also gives PBB and PBDE not detected
rohs='.claims[2].measurements += [
	{ "substance": "polybrominated biphenyls (PBB)", "below_detection": true, "detection_limit": 5, "unit": "mg/kg" },
	{ "substance": "polybrominated diphenyl ethers (PBDE)", "below_detection": true, "detection_limit": 5, "unit": "mg/kg" } ]'
jq "$rohs | .declaration_id = \"HX-CABLE-01\" | .material.lots |= .[:1]
    | .material.lots[0].lot_number = \"HXC-01\" | .claims[].applies_to_lots |= empty
    | .evidence[].sampled_lots = [\"HXC-01\"]" \
	"$D/pvc-compound-declaration.json" > cable-ok.json
jq "$rohs | .declaration_id = \"HX-CABLE-02\" | .material.lots |= .[:1]
    | .material.lots[0].lot_number = \"HXC-02\" | .claims[].applies_to_lots |= empty
    | .evidence[].sampled_lots = [\"HXC-02\"]
    | .claims[0].measurements[0].value = 3200 | .claims[0].declared_sum.value = 3200
    | .claims[0].conformance = \"does_not_conform\"" \
	"$D/pvc-compound-declaration.json" > cable-bad.json
for f in glaze carton; do
	expect 0 "the supplier declares the $f" sdx declare -L sup.db $f.json --attach "$R/cnas-l5678-report-2026-0821.txt"
done
for f in cable-ok cable-bad; do
	expect 0 "the supplier declares $f" sdx declare -L sup.db $f.json --attach "$R/cnas-l1234-report-2026-0917.txt"
done
sdx export -L sup.db --all -o sup.sdxb > /dev/null
# the supplier ledger declares for Haixing and Redstone: its key is bound to both
# identifiers, so that the rules counting supplier-signed declarations count them
sdx trust add -L maker.db sup.vkey --name "Test supplier" --id USCI:91330206MA2H7K5Q3E \
	--id USCI:91440604MA4W2XR614 --role supplier > /dev/null
expect 0 "the maker imports them" sdx import -L maker.db sup.sdxb
expect 0 "and its lab register (example data)" sdx lab import -L maker.db "$D/labs/example-register.csv"
# records are named by the ids people know: a declaration id, a lot number
leafof() { sdx show -L sup.db "$1" --json | jq -r .leaf_hash; }
pvc=$(leafof HX2610-0102); glaze=$(leafof GZ-DOC-2026-01); carton=$(leafof CT2610-01)
cok=$(leafof HX-CABLE-01); cbad=$(leafof HXC-02)

# --- the maker's batches: a product report per case
report() { # ID FILE ISSUED STANDARD ACCREDITATION CLAUSES-JSON
	jq -n --arg f "$2" --arg sha "$(sha "$E/$2")" --arg d "$3" --arg s "$4" --arg a "$5" --argjson c "$6" '{
	  id: "P1", lab_name: "Zhejiang Cixi Product Quality Testing Institute", lab_country: "CN",
	  accreditation: { body: "CNAS", number: $a }, report_number: ("CXQT-" + $d),
	  issue_date: $d, valid_until: "2027-12-31", standards: [$s],
	  test_items: ["Pb", "Cd", "Hg", "Cr(VI)", "DEHP", "DBP", "BBP", "DIBP", "DINP", "DIDP", "DNOP"],
	  attachment: { sha256: $sha, media_type: "text/plain", file_name: $f } }
	  | if ($c | length) > 0 then .clauses = $c else . end'
}
all='[{"clause":"4.8","result":"pass"},{"clause":"4.11","result":"pass"},{"clause":"4.12","result":"pending"}]'
batch() { # ID NAME HS REPORT-JSON INPUTS-JSON
	jq -n --arg id "$1" --arg n "$2" --arg hs "$3" --argjson ev "$4" --argjson in "$5" '{
	  format: "sdx-batch/2", batch_id: $id,
	  manufacturer: { name: "Cixi Little Harbour Toys Co., Ltd.", identifiers: [ { scheme: "USCI", id: "91330282MA2CX7LH5B" } ], country: "CN" },
	  product: { name: $n, hs_code: $hs }, production_date: "2026-10-15",
	  site: { name: "Moulding hall 2", country: "CN" }, quantity: { value: 1000, unit: "H87" },
	  inputs: $in, evidence: [$ev] }'
}
duck_in=$(jq -n --arg p "$pvc" --arg c "$carton" '[
	{ entry: $p, lot_number: "HX2610-0102", quantity: { value: 0.04, unit: "TNE" }, role: "material" },
	{ entry: $c, lot_number: "CT2610-01", quantity: { value: 1000, unit: "H87" }, role: "packaging" } ]')
mk() { # ID NAME HS REPORTFILE ISSUED STANDARD ACCREDITATION CLAUSES INPUTS
	batch "$1" "$2" "$3" "$(report P1 "$4" "$5" "$6" "$7" "$8")" "$9" > "$1.json"
	sdx batch -L maker.db "$1.json" --attach "$E/$4" > /dev/null 2>&1 || echo "batch $1 refused" >&2
}
mk DUCK-OK "Bath duck" 9503.00 report-ok.txt 2026-10-20 "GB 31701-2026" "CNAS L9012" "$all" "$duck_in"
mk DUCK-OLD "Bath duck" 9503.00 report-old.txt 2026-06-01 "GB 31701-2026" "CNAS L9012" "$all" "$duck_in"
mk DUCK-2015 "Bath duck" 9503.00 report-2015.txt 2026-10-20 "GB 31701-2015" "CNAS L9012" "$all" "$duck_in"
mk DUCK-CL "Bath duck" 9503.00 report-clauses.txt 2026-10-20 "GB 31701-2026" "CNAS L9012" \
	'[{"clause":"4.12","result":"pending"}]' "$duck_in"
mk DUCK-LAB "Bath duck" 9503.00 report-lab.txt 2026-10-20 "GB 31701-2026" "CNAS L7777" "$all" "$duck_in"
mk ORN "Ceramic ornament, glazed" 6913.90 report-ornament.txt 2026-10-20 "EN 71-3:2019" "CNAS L9012" "[]" \
	"$(jq -n --arg g "$glaze" --arg c "$carton" '[
	{ entry: $g, lot_number: "GZ2610-01", quantity: { value: 20, unit: "KGM" }, role: "coating" },
	{ entry: $c, lot_number: "CT2610-01", quantity: { value: 1000, unit: "H87" }, role: "packaging" } ]')"
mk WIRE "Insulated copper wire" 8544.42 report-wire.txt 2026-10-20 "IEC 62321-5:2013" "CNAS L9012" "[]" \
	"$(jq -n --arg w "$cok" '[ { entry: $w, lot_number: "HXC-01", quantity: { value: 1, unit: "TNE" }, role: "material" } ]')"
mk WIRE-BAD "Insulated copper wire" 8544.42 report-wire.txt 2026-10-20 "IEC 62321-5:2013" "CNAS L9012" "[]" \
	"$(jq -n --arg w "$cbad" '[ { entry: $w, lot_number: "HXC-02", quantity: { value: 1, unit: "TNE" }, role: "material" } ]')"
ship() { # ID BATCH TO [HS]
	sdx ship -L maker.db --id "$1" --date 2026-11-20 --to "$3" --port CNNGB --consignee Buyer \
		--exporter "Cixi Little Harbour Toys Co., Ltd." --exporter-id USCI:91330282MA2CX7LH5B \
		--exporter-country CN --item "$2:500:H87${4:+:$4}" > /dev/null ||
		echo "shipment $1 refused" >&2
}
for b in DUCK-OK DUCK-OLD DUCK-2015 DUCK-CL DUCK-LAB; do ship "S-$b" "$b" US; done
ship S-ORN ORN DE; ship S-MIS ORN DE 6913.10; ship S-WIRE WIRE DE; ship S-WIRE-BAD WIRE-BAD DE
check "every batch and shipment is written" test "$(sdx log -L maker.db | grep -c 'batch\|shipment')" -ge 17

GC=cn-green-clearance-infant
# --- green clearance (a programme): eligible, and each way of not being
expect 0 "green clearance: the complete, recent, verified report is eligible" sdx check -L maker.db S-DUCK-OK -p $GC
golden gc-eligible "naming the report, its standard, age and clauses, and the pending one"
expect 5 "a report older than 90 days at the ship date is not eligible" sdx check -L maker.db S-DUCK-OLD -p $GC -q
golden gc-old "naming batch, report and age"
expect 5 "a report against GB 31701-2015 is not eligible" sdx check -L maker.db S-DUCK-2015 -p $GC -q
golden gc-2015 "another version than the rule requires"
expect 5 "a report missing required clauses is not eligible" sdx check -L maker.db S-DUCK-CL -p $GC -q
golden gc-clauses "listing 4.8 and 4.11 with their titles"
expect 5 "an expired accreditation is not eligible" sdx check -L maker.db S-DUCK-LAB -p $GC -q
golden gc-lab "with the register's reason"
head -n 2 "$D/labs/example-register.csv" > one-lab.csv
expect 5 "a register that does not list the lab: not eligible" \
	sdx check -L maker.db S-DUCK-OK -p $GC -q --labs one-lab.csv
golden gc-not-listed "naming the register"
expect 0 "--labs FILE verifies against that file" \
	sdx check -L maker.db S-DUCK-OK -p $GC -q --labs "$D/labs/example-register.csv"
expect 0 "insulated wire (HS 8544.42) under the infant-products programme: not applicable" \
	sdx check -L maker.db S-WIRE -p $GC
golden gc-wire "8544.42 is not an infant-product category"
check "its verdict is not_applicable" test "$(sdx check -L maker.db S-WIRE -p $GC --json | jq -r '.[0].verdict')" = not_applicable

# --- the GACC pilot: listed codes, misclassification
expect 5 "a code sharing a listed heading but not listed, differing from its batch: misclassified" \
	sdx check -L maker.db S-MIS -p cn-gacc-pilot-2026 -q
golden gacc-misclassified "both reasons"
check "both reasons are given" test "$(sdx check -L maker.db S-MIS -p cn-gacc-pilot-2026 --json | jq '[.[0].results[] | select(.rule == "hs-classification")] | length')" = 2

# --- market rules: scope by role and destination
expect 0 "EU packaging on the ornament: the glaze (coating) is not applicable, the carton passes" \
	sdx check -L maker.db S-ORN -p eu-packaging-heavy-metals
golden packaging-glaze "the rule judges packaging; the glaze is used as coating"
check "the glaze is not applicable" test "$(sdx check -L maker.db S-ORN -p eu-packaging-heavy-metals --json | jq -r '.[0].results[] | select(.subject.lot == "GZ2610-01") | .verdict')" = not_applicable
expect 0 "RoHS passes the wire" sdx check -L maker.db S-WIRE -p eu-rohs
golden rohs-pass "every substance under its limit"
expect 5 "RoHS fails the wire whose compound has 0.32 % DEHP" sdx check -L maker.db S-WIRE-BAD -p eu-rohs -q
golden rohs-fail "naming the lot and the value"
expect 0 "RoHS is not applicable to a shipment to the US" sdx check -L maker.db S-DUCK-OK -p eu-rohs

# --- a lot in several batches: each with what it took
expect 0 "where-used: the toy-grade PVC lot went into five batches" sdx where-used -L maker.db --lot HX2610-0102
check "each with the quantity it took of the lot" test "$(grep -c 'took 0.04 TNE of lot HX2610-0102' "$out")" = 5

# --- what applies to this shipment?
expect 6 "no --profile: the matrix of every shipped profile" sdx check -L maker.db S-DUCK-OK
golden matrix "a verdict per profile with the worst reason"
expect 6 "--explain prints every rule of every profile" sdx check -L maker.db S-DUCK-OK --explain
check "with the not applicable ones and why" test "$(grep -c '^  N/A' "$out")" -ge 3
expect 6 "--json carries it all" sdx check -L maker.db S-DUCK-OK --json
check "one report per shipped profile" test "$(jq length "$out")" = "$(sdx check --list | wc -l)"

