#!/bin/sh
# Substance lists users keep current (formats/lists.md): import, versions,
# diff with the lots an update hits, and REACH Art. 33 (reach-svhc-article33)
# judged per lot and, above 0.1 %, per article from the batch's masses.
. "$(dirname "$0")/lib.sh"

D=$EXAMPLES/data
L=$DATA/lists

sdx init -L m.db --origin example.com/maker --unencrypted > /dev/null
mkdecl() { # ID LOT DEHP(mg/kg) LEAD(mg/kg)
	jq --arg id "$1" --arg lot "$2" --argjson dehp "$3" --argjson pb "$4" '
	  .declaration_id = $id | .material.lots = [ { lot_number: $lot, production_date: "2026-09-12",
	    quantity: { value: 20, unit: "TNE" } } ]
	  | .claims |= map(.applies_to_lots |= empty | .measurements |= map(
	      if .cas_number == "117-81-7" then .value = $dehp | del(.below_detection)
	      elif .cas_number == "7439-92-1" then .value = $pb | del(.below_detection) else . end))
	  | .claims |= map(if .declared_sum then .declared_sum.value = ([.measurements[] | .value // 0] | add) else . end)
	  | .claims |= map(if .topic == "phthalates" and ($dehp > 1000) then .conformance = "does_not_conform" else . end)
	  | .evidence[].sampled_lots = [$lot]' "$D/pvc-compound-declaration.json" > "$1.json"
}
mkdecl LOW HX-LOW 41.6 12.4
mkdecl HIGH HX-HIGH 3200 12.4
# a formulation declaration: "no SVHC" as of March 2018, before lead was listed
jq '.declaration_id = "OLD-SVHC" | .valid_from = "2018-03-01" | .material.lots = [ { lot_number: "PG-OLD",
      production_date: "2018-02-01", quantity: { value: 500, unit: "KGM" } } ]
    | .claims = [ { id: "S1", topic: "svhc", regulations: ["REACH Article 33"], conformance: "conforms",
      basis: "formulation", evidence_ids: ["R1"] } ] | .evidence[].sampled_lots = ["PG-OLD"]' "$D/pigment-declaration.json" > old.json
expect 0 "the maker declares its lots" sdx declare -L m.db LOW.json HIGH.json \
	--attach "$EXAMPLES/data/reports/cnas-l1234-report-2026-0917.txt"
expect 0 "and an old pigment" sdx declare -L m.db old.json \
	--attach "$EXAMPLES/data/reports/cnas-l5678-report-2026-0821.txt"

# --- the list, version 1 and 2
expect 0 "a list is imported" sdx list import -L m.db reach-svhc "$L/svhc-sample-2018-01.csv"
expect_out "stored, dated by its latest inclusion" "stored list 'reach-svhc' version 1 of 2017-01-12: 6 substances, sha256 [0-9a-f]{64}"
expect 0 "the update" sdx list import -L m.db reach-svhc "$L/svhc-sample-2018-06.csv" --date 2018-06-27
expect_out "is version 2" "stored list 'reach-svhc' version 2 of 2018-06-27: 8 substances"
expect 0 "the same file again" sdx list import -L m.db reach-svhc "$L/svhc-sample-2018-06.csv" --date 2018-06-27
expect_out "stores nothing" "^unchanged: list 'reach-svhc' version 2"
expect 0 "the versions are listed" sdx list -L m.db
expect_out "the newest marked" "^reach-svhc +version 2 \(newest\)"
expect 0 "show --json" sdx list show -L m.db reach-svhc --version 1 --json
check "version 1 holds six substances, DEHP by its CAS number" test \
	"$(jq -r '[.version, (.substances | length), (.substances[] | select(.cas == ["117-81-7"]) | .added)] | join(" ")' "$out")" = "1 6 2008-10-28"

# --- what the update added, and which lots it hits
expect 0 "diff" sdx list diff -L m.db reach-svhc
expect_out "names the versions" "version 2 of 2018-06-27 against version 1 of 2017-01-12: 2 added, 0 removed"
expect_out "lead is added" "^  \+ Lead \(CAS 7439-92-1\), listed 2018-06-27$"
expect_out "and hits the lot that measures it" "hits declaration LOW: .*: 12.4 mg/kg \(0.00124 % w/w\), lot HX-LOW"
check "not the lot where nothing was measured" sh -c "! grep -q 'hits declaration OLD-SVHC' '$out'"
expect 0 "diff --json" sdx list diff -L m.db reach-svhc --json
check "DCHP was added and hits nothing (not detected)" test \
	"$(jq -r '.added[] | select(.name | startswith("Dicyclohexyl")) | .hits | length' "$out")" = 0

# --- bad input: named, nothing stored
printf '"Substance name","CAS No."\r\n"DEHP","117-81-8"\r\n' > bad.csv
expect 2 "a wrong CAS check digit" sdx list import -L m.db reach-svhc bad.csv
expect_err "is named with line and column" "'bad.csv': line 2, column 'CAS No.': '117-81-8' is not a CAS number \(check digit 7 expected\)"
printf 'substance,number\nDEHP,117-81-7\n' > nocas.csv
expect 2 "a list without a CAS column" sdx list import -L m.db x nocas.csv --date 2026-01-01
expect_err "says which columns it needs" "needs the columns 'name' and 'cas'"
expect 0 "nothing was stored" sdx list -L m.db
check "still two versions" test "$(grep -c version "$out")" = 2

# --- REACH Art. 33, per article: batches of the lots, by mass and by pieces
leaf() { sdx show -L m.db "$1" --json | jq -r .leaf_hash; }
low=$(leaf LOW) high=$(leaf HIGH) old=$(leaf OLD-SVHC)
mkbatch() { # ID INPUT-LEAF LOT TAKEN-KG PRODUCT-QTY PRODUCT-UNIT
	jq -n --arg id "$1" --arg e "$2" --arg lot "$3" --argjson kg "$4" --argjson q "$5" --arg u "$6" '{
	  format: "sdx-batch/2", batch_id: $id, product: { name: "Bath mat", hs_code: "3918.10" },
	  production_date: "2026-10-15",
	  manufacturer: { name: "Maker", identifiers: [ { scheme: "USCI", id: "91330282MA2CX7LH5B" } ], country: "CN" },
	  site: { name: "Hall 2", country: "CN" }, quantity: { value: $q, unit: $u },
	  inputs: [ { entry: $e, lot_number: $lot, quantity: { value: $kg, unit: "KGM" }, role: "material" } ] }' > "$1.json"
	sdx batch -L m.db "$1.json" > /dev/null || echo "batch $1 refused" >&2
}
mkbatch MAT-LOW "$low" HX-LOW 50 100 KGM
mkbatch MAT-DILUTE "$high" HX-HIGH 2 100 KGM
mkbatch MAT-RICH "$high" HX-HIGH 50 100 KGM
mkbatch MAT-PCS "$high" HX-HIGH 50 1000 H87
mkbatch MAT-OLD "$old" PG-OLD 1 100 KGM
P=reach-svhc-article33
expect 6 "the low lot: measured within, other listed substances not covered" sdx check -L m.db MAT-LOW --profile $P
expect_out "says what is not covered" "no measurement or 'svhc' claim covers the other 3 substances of list 'reach-svhc' \(version 2\)"
expect 0 "a lot above 0.1 % diluted in the article" sdx check -L m.db MAT-DILUTE --profile $P --json
check "is judged per article: 2 kg of 0.32 % in 100 kg is 0.0064 %" sh -c "jq -r '.[0].results[] | select(.verdict != \"unknown\") | .reason' '$out' | grep -q 'article MAT-DILUTE takes 2 kg of it in 100 kg: 0.0064 % w/w, within 0.1 %'"
expect 5 "the same lot as half of the article" sdx check -L m.db MAT-RICH --profile $P
expect_out "fails, with the computation" "Bis\(2-ethylhexyl\) phthalate \(DEHP\) at 0.32 % w/w; article MAT-RICH takes 50 kg of it in 100 kg: 0.16 % w/w, above 0.1 %"
expect 5 "the same in Simplified Chinese (t0042, po/README)" sdx check -L m.db MAT-RICH --profile $P --lang zh-CN
expect_out "the computation in Chinese, the substance as listed" "含 Bis\(2-ethylhexyl\) phthalate \(DEHP\)，质量分数 0.32 %；物品 MAT-RICH 在 100 kg 中使用其 50 kg：质量分数 0.16 %，高于 0.1 %"
expect 6 "an article counted in pieces" sdx check -L m.db MAT-PCS --profile $P
expect_out "is unknown, saying why" "whether article MAT-PCS does depends on its mass, and the batch counts it in H87"
expect 6 "a 'no SVHC' claim from before lead was listed" sdx check -L m.db MAT-OLD --profile $P
expect_out "does not cover what was added since" "claim S1 \(from 2018-03-01\) predates what list 'reach-svhc' version 2 added since: .*Lead \(2018-06-27\)"
sdx init -L bare.db --origin example.com/bare --unencrypted > /dev/null
sdx export -L m.db --provenance MAT-OLD -o old.sdxb > /dev/null
sdx key show -L m.db --vkey > m.vkey
expect 6 "without the list loaded" sdx check old.sdxb -L bare.db --trust m.vkey --profile $P
expect_out "says how to load it" "the substance list 'reach-svhc' is not loaded: 'sdx list import reach-svhc FILE' stores it"
