#!/bin/sh
# EN 71-3 (eu-en71-3): migration of 19 elements from toy materials, the limit
# by the material's category (I, II, III from its declared classes), judged on
# migration values only: a pass under the Category III limits, a fail naming
# the element and its limit, total content only is unknown, a Category II
# material held to its lower limits, and goods or markets out of scope.
. "$(dirname "$0")/lib.sh"

D=$EXAMPLES/data
R=$D/reports
P=eu-en71-3
sdx init -L s.db --origin example.com/sup --unencrypted > /dev/null
# the ledger's party: what it signs is then the supplier's own word
sdx party set -L s.db --name "Ningbo Haixing Polymer Materials Co., Ltd." \
	--id USCI:91330206MA2H7K5Q3E --role supplier --role manufacturer > /dev/null

# The 19 lines of an EN 71-3 report, in mg/kg: values well under the
# Category III limits (Pb 5 of 23, Cr(VI) 0.02 of 0.053, organic tin 0.5 of 12),
# but over Category II's for lead (0.5), chromium (VI) (0.005), organic tin (0.2).
under='{ "Aluminium (Al)": 120, "Antimony (Sb)": 3, "Arsenic (As)": 1, "Barium (Ba)": 250,
  "Boron (B)": 40, "Cadmium (Cd)": 0.8, "Chromium (III)": 2, "Chromium (VI)": 0.02,
  "Cobalt (Co)": 1.5, "Copper (Cu)": 30, "Lead (Pb)": 5, "Manganese (Mn)": 12,
  "Mercury (Hg)": 0.5, "Nickel (Ni)": 4, "Selenium (Se)": 2, "Strontium (Sr)": 15,
  "Tin (Sn)": 10, "Organic tin": 0.5, "Zinc (Zn)": 60 }'
# ID LOT CLASSES-JSON VALUES-JSON [MEASURE]: the toy-grade compound with an EN 71-3 claim
decl() {
	jq --arg id "$1" --arg lot "$2" --argjson cl "$3" --argjson v "$4" --arg ms "${5:-migration}" '
	  .declaration_id = $id | .material.classes = $cl
	  | .material.lots[0].lot_number = $lot | .material.lots |= .[:1]
	  | .claims[].applies_to_lots |= empty | .evidence[].sampled_lots = [$lot]
	  | .claims += [ { id: "M1", topic: "heavy_metals", regulations: ["EN 71-3:2019+A1:2021"],
	      conformance: "conforms", basis: "laboratory_test", test_methods: ["EN 71-3:2019+A1:2021"],
	      evidence_ids: ["E1"],
	      measurements: [ $v | to_entries[] | { substance: .key, value: .value, unit: "mg/kg" }
	        + (if $ms == "total" then {} else { measure: $ms } end) ] } ]' \
	  "$D/pvc-toy-grade-declaration.json"
}
decl EN-OK EN-LOT-1 '["polymer", "plasticised"]' "$under" > ok.json
decl EN-PB EN-LOT-2 '["polymer", "plasticised"]' "$(echo "$under" | jq '."Lead (Pb)" = 30')" > pb.json
decl EN-TOT EN-LOT-3 '["polymer", "plasticised"]' "$under" total > tot.json
decl EN-PAINT EN-LOT-4 '["coating", "liquid"]' "$under" > paint.json
decl EN-SN EN-LOT-5 '["polymer"]' "$(echo "$under" | jq 'del(."Tin (Sn)")')" > sn.json
decl EN-PIG EN-LOT-6 '["pigment"]' "$under" > pig.json
decl EN-ANY EN-LOT-7 '["polymer"]' "$under" | jq 'del(.material.classes)' > any.json
expect 0 "the supplier declares seven lots" sdx declare -L s.db ok.json pb.json tot.json paint.json sn.json \
	pig.json any.json \
	--attach "$R/cnas-l1234-report-2026-1006.txt"
leaf() { sdx show -L s.db "$1" --json | jq -r .leaf_hash; }
toy() { # ID DECLARATION LOT [HS]
	jq -n --arg id "$1" --arg e "$(leaf "$2")" --arg lot "$3" --arg hs "${4:-9503.00}" '{
	  format: "sdx-batch/2", batch_id: $id,
	  manufacturer: { name: "Ningbo Haixing Polymer Materials Co., Ltd.", identifiers: [ { scheme: "USCI", id: "91330206MA2H7K5Q3E" } ], country: "CN" },
	  product: { name: "Stacking rings", hs_code: $hs }, production_date: "2026-10-20",
	  site: { name: "Hall 1", country: "CN" }, quantity: { value: 500, unit: "H87" },
	  inputs: [ { entry: $e, lot_number: $lot, quantity: { value: 0.02, unit: "TNE" }, role: "material" } ] }' > "$1.json"
	sdx batch -L s.db "$1.json" > /dev/null || echo "batch $1 refused" >&2
}
ship() { # ID BATCH TO
	sdx ship -L s.db --id "$1" --date 2026-11-20 --to "$3" --port CNNGB --consignee Buyer \
		--exporter "Ningbo Haixing Polymer Materials Co., Ltd." --exporter-id USCI:91330206MA2H7K5Q3E \
		--exporter-country CN --item "$2:500:H87" > /dev/null || echo "shipment $1 refused" >&2
}
toy T-OK EN-OK EN-LOT-1; toy T-PB EN-PB EN-LOT-2; toy T-TOT EN-TOT EN-LOT-3
toy T-PAINT EN-PAINT EN-LOT-4; toy T-SN EN-SN EN-LOT-5; toy CABLE EN-PB EN-LOT-2 8544.42; toy T-US EN-PB EN-LOT-2
toy T-PIG EN-PIG EN-LOT-6; toy T-ANY EN-ANY EN-LOT-7
for b in T-OK T-PB T-TOT T-PAINT T-SN CABLE T-PIG T-ANY; do ship "S-$b" "$b" DE; done
ship S-US T-US US
check "every batch and shipment is written" test "$(sdx log -L s.db | grep -c 'batch\|shipment')" -eq 18

# --- a polymer is Category III: every element under its limit passes
expect 0 "a polymer toy under the Category III limits passes" sdx check -L s.db S-T-OK -p $P
golden pass "each element against its own limit; categories I and II not applicable"
expect_out "judged under Category III" "PASS +Category III \(scraped-off material\)"
expect_out "with every element's value" "lead \(Pb\) 5 mg/kg, manganese \(Mn\) 12 mg/kg"
expect_out "Category I says why not" "the rule judges powder, pliable, brittle materials; declaration EN-OK"

# --- one element over: fail, naming it and the limit
expect 5 "lead migrating at 30 mg/kg fails" sdx check -L s.db S-T-PB -p $P
expect_out "naming the element, its value and the limit" "lead \(Pb\) 30 mg/kg over its limit \(<= 23 mg/kg\)"
expect_out "and the lot" "lot EN-LOT-2 \(in batch T-PB\)"
check "only lead is named" sh -c "! grep -q 'cadmium (Cd) [0-9.]* mg/kg over' '$out'"

# --- total content is no evidence for a migration limit
expect 6 "a lot with total content only is unknown" sdx check -L s.db S-T-TOT -p $P
expect_out "saying why" "claim M1 gives total content values only, and the rule judges migration"
check "and not a pass" sh -c "! grep -q '^ *PASS' '$out'"

# --- a liquid coating (a paint) is Category II: the same values fail there
expect 5 "a liquid paint is held to the Category II limits" sdx check -L s.db S-T-PAINT -p $P
expect_out "lead over 0.5" "lead \(Pb\) 5 mg/kg over its limit \(<= 0.5 mg/kg\)"
expect_out "chromium (VI) over 0.005" "chromium \(VI\) 0.02 mg/kg over its limit \(<= 0.005 mg/kg\)"
expect_out "organic tin over 0.2" "organic tin 0.5 mg/kg over its limit \(<= 0.2 mg/kg\)"
expect_out "not judged as scraped-off material too" "the rule does not judge powder, pliable, brittle, liquid, sticky materials; declaration EN-PAINT"
check "tin within its limit is not named" sh -c "! grep -q 'tin (Sn) [0-9.]* mg/kg over' '$out'"

# --- an organic tin line is not a tin value
expect 6 "a report without a tin line is unknown" sdx check -L s.db S-T-SN -p $P
expect_out "for tin" "no reliable value for tin \(Sn\)$"

# --- out of scope
expect 0 "a cable is not a toy: not applicable" sdx check -L s.db S-CABLE -p $P
expect_out "says why" "HS 8544.42 is not in any of the profile's categories"
expect 0 "a toy shipped to the US: not applicable" sdx check -L s.db S-US -p $P
expect_out "says why" "destination US is not among the markets the profile covers \(EU, IS, LI, NO\)"

# --- a class no category names, and no classes at all
expect 0 "a pigment is no toy material EN 71-3 tests: not applicable" sdx check -L s.db S-T-PIG -p $P
expect_out "naming the classes judged" "the rule judges polymer, plasticised, rubber, silicone, textile, leather, paper, wood, metal, glass, ceramic, glaze, coating, ink, adhesive, other materials; declaration EN-PIG, lot EN-LOT-6 is pigment"
expect 5 "a declaration without classes is judged under all three categories" sdx check -L s.db S-T-ANY -p $P
expect_out "Category II fails it" "FAIL +Category II"
expect_out "Category III passes it" "PASS +Category III"
expect_out "saying the classes are missing" "\\[judged as in scope: declaration EN-ANY, lot EN-LOT-7 records no material classes, and the rule judges liquid, sticky materials\\]"
