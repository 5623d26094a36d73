#!/bin/sh
# Drafts (sdx check --draft): an unsigned declaration or batch judged with
# what the ledger holds, nothing written; and the flame-retardant profile
# (eu-toys-flame-retardants, Directive 2014/79/EU) on a lot over its limit.
. "$(dirname "$0")/lib.sh"

D=$EXAMPLES/data
R=$D/reports
sdx init -L s.db --origin example.com/sup --unencrypted > /dev/null
# the ledger's party: what it signs is then the supplier's own word
sdx party set -L s.db --name "Ningbo Haixing Polymer Materials Co., Ltd." \
	--id USCI:91330206MA2H7K5Q3E --role supplier --role manufacturer > /dev/null
fr() { # ID LOT TCEP(mg/kg): the toy-grade compound with a flame-retardant claim
	jq --arg id "$1" --arg lot "$2" --argjson v "$3" '.declaration_id = $id
	  | .material.lots[0].lot_number = $lot | .material.lots |= .[:1]
	  | .claims[].applies_to_lots |= empty | .evidence[].sampled_lots = [$lot]
	  | .claims += [ { id: "FR", topic: "flame_retardants", regulations: ["Directive 2014/79/EU"],
	      conformance: (if $v > 5 then "does_not_conform" else "conforms" end),
	      basis: "laboratory_test", test_methods: ["GC-MS"], evidence_ids: ["E1"],
	      measurements: [
	        { substance: "tris(2-chloroethyl) phosphate (TCEP)", cas_number: "115-96-8", value: $v, unit: "mg/kg" },
	        { substance: "TCPP", cas_number: "13674-84-5", below_detection: true, detection_limit: 1, unit: "mg/kg" },
	        { substance: "TDCP", cas_number: "13674-87-8", below_detection: true, detection_limit: 1, unit: "mg/kg" } ] } ]' \
	  "$D/pvc-toy-grade-declaration.json"
}
fr FR-OK FR-LOT-1 2 > ok.json
fr FR-BAD FR-LOT-2 12 > bad.json
expect 0 "the supplier declares two lots" sdx declare -L s.db ok.json bad.json --attach "$R/cnas-l1234-report-2026-1006.txt"
ok=$(sdx show -L s.db FR-OK --json | jq -r .leaf_hash) bad=$(sdx show -L s.db FR-BAD --json | jq -r .leaf_hash)
toy() { # ID DECL-LEAF LOT
	jq -n --arg id "$1" --arg e "$2" --arg lot "$3" '{ format: "sdx-batch/2", batch_id: $id,
	  manufacturer: { name: "Ningbo Haixing Polymer Materials Co., Ltd.", identifiers: [ { scheme: "USCI", id: "91330206MA2H7K5Q3E" } ], country: "CN" },
	  product: { name: "Teething ring", hs_code: "9503.00" }, production_date: "2026-10-20",
	  site: { name: "Hall 1", country: "CN" }, quantity: { value: 500, unit: "H87" },
	  inputs: [ { entry: $e, lot_number: $lot, quantity: { value: 0.02, unit: "TNE" }, role: "material" } ] }'
}
toy TR-OK "$ok" FR-LOT-1 > tr-ok.json
toy TR-BAD "$bad" FR-LOT-2 > tr-bad.json

# --- a draft batch is judged against the declarations the ledger holds, and nothing is written
before=$(sha256sum s.db | cut -d' ' -f1); n=$(sdx log -L s.db | wc -l)
expect 0 "a draft toy of the good lot passes" sdx check -L s.db --draft tr-ok.json --profile eu-toys-flame-retardants
expect_out "judged on the held declaration's values" "^ +TCEP 2 mg/kg, TCPP not detected, TDCP not detected \(each <= 5 mg/kg\)$"
expect 5 "a draft toy of the lot over 5 mg/kg fails" sdx check -L s.db --draft tr-bad.json --profile eu-toys-flame-retardants
expect_out "naming the lot" "lot FR-LOT-2 \(in batch TR-BAD\)"
expect_out "the substance and the limit" "TCEP 12 mg/kg over the limit \(<= 5 mg/kg each\)"
check "nothing was written: the file is unchanged" test "$(sha256sum s.db | cut -d' ' -f1)" = "$before"
check "and holds the same entries" test "$(sdx log -L s.db | wc -l)" = "$n"
expect 2 "a draft is not a record afterwards" sdx trace -L s.db TR-BAD

# --- a draft declaration: what the supplier is about to sign
fr FR-NEXT FR-LOT-3 40 > next.json
expect 5 "a draft declaration is judged before it is signed" sdx check -L s.db --draft next.json --profile eu-toys-flame-retardants
expect_out "the draft's own values" "TCEP 40 mg/kg over the limit"
jq '.claims[0].declared_sum.value = 1' next.json > broken.json
expect 2 "a draft that breaks the schema rules" sdx check -L s.db --draft broken.json
expect_err "is named, with the field" "'broken.json': declaration: claims\[0\].declared_sum.value"
echo '{"hello": 1}' > what.json
expect 2 "a JSON file that is no record" sdx check -L s.db --draft what.json
expect_err "says what sdx needs" "'what.json': not a record sdx knows"
expect 2 "--draft with a REF" sdx check -L s.db --draft next.json FR-OK
expect_err "is refused" "--draft FILE.json is the subject: give no REF"

# --- the real batches: the profile outside its HS scope says N/A
expect 0 "the good toy is recorded" sdx batch -L s.db tr-ok.json
jq '.batch_id = "CABLE-1" | .product = { name: "Cable", hs_code: "8544.42" }' tr-bad.json > cable.json
expect 0 "a cable of the bad lot is recorded" sdx batch -L s.db cable.json
expect 0 "a cable is not a toy: not applicable" sdx check -L s.db CABLE-1 --profile eu-toys-flame-retardants
expect_out "says why" "^ +HS 8544.42 is not among the HS codes the profile covers$"
