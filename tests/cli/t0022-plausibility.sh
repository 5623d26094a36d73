#!/bin/sh
# Plausibility (formats/plausibility.md) with three ledgers - a supplier, a
# manufacturer and an exporter - and a second manufacturer buying from the
# same lot.  Each refusal on write names the record, the field and the
# conflicting entry, exits 2 and writes nothing; --dry-run makes the same
# checks and writes nothing; units that do not compare are noted as
# unchecked; sdx check reports what was written elsewhere; a supplier
# contradicting itself is a conflict (verify: exit 7), a renewal and a
# topic-specific declaration are not; and the small things of #14 item 8.
. "$(dirname "$0")/lib.sh"

D=$EXAMPLES/data
R=$D/reports
HX_ID=USCI:91330206MA2H7K5Q3E LH_ID=USCI:91330282MA2CX7LH5B NB_ID=USCI:91330201MA2AH8XK4L
FS_ID=USCI:91440604MA4UQ2RX7N
for p in s m f e; do
	sdx init -L $p.db --origin example.com/$p --unencrypted > /dev/null
	sdx key show -L $p.db --vkey > $p.vkey
done
sdx party set -L s.db --name "Ningbo Haixing Polymer Materials Co., Ltd." --id $HX_ID --role supplier > /dev/null
sdx party set -L m.db --name "Cixi Little Harbour Toys Co., Ltd." --id $LH_ID --role manufacturer > /dev/null
sdx party set -L f.db --name "Foshan Redstone Toys Co., Ltd." --id $FS_ID --role manufacturer > /dev/null
sdx party set -L e.db --name "Ningbo Harbour Export Agency Co., Ltd." --id $NB_ID --role exporter > /dev/null
for p in m f e; do
	sdx trust add -L $p.db s.vkey --name "Ningbo Haixing Polymer Materials Co., Ltd." --id $HX_ID \
		--role supplier > /dev/null
done
sdx trust add -L e.db m.vkey --name "Cixi Little Harbour Toys Co., Ltd." --id $LH_ID --role manufacturer > /dev/null
sdx trust add -L e.db f.vkey --name "Foshan Redstone Toys Co., Ltd." --id $FS_ID --role manufacturer > /dev/null
leafof() { sdx show -L "$1" "$2" --json | jq -r .leaf_hash; }
state() { sha256sum "$1" | cut -d' ' -f1; }

# --- #14 item 8: --attach fills in a hash the JSON leaves out
jq '.evidence[0].attachment |= del(.sha256)' "$D/pvc-compound-declaration.json" > by-name.json
expect 0 "evidence citing its report by file name: --attach fills in the SHA-256" \
	sdx declare -L s.db by-name.json --attach "$R/cnas-l1234-report-2026-0917.txt"
golden declare-by-name "attached, then the entry"
check "the hash in the entry is the file's" test "$(sdx show -L s.db HX-DOC-2026-0920-01 --json | jq -r .payload.body.evidence[0].attachment.sha256)" = "$(sha256sum "$R/cnas-l1234-report-2026-0917.txt" | cut -d' ' -f1)"
n=$(state s.db)
jq '.declaration_id = "HX-DOC-X"' by-name.json > by-name-2.json
expect 2 "a file name no --attach file has" sdx declare -L s.db by-name-2.json \
	--attach "$R/cnas-l1234-report-2026-1006.txt"
golden declare-by-name-missing "names the evidence and what to do; no 'attached' line"
check "and nothing is written" test "$(state s.db)" = "$n"
m0=$(state f.db)
expect 2 "a cited hash no file given has" sdx declare -L f.db "$D/pvc-compound-declaration.json" \
	--attach "$R/cnas-l1234-report-2026-1006.txt"
golden declare-wrong-hash "names the hash the given file has; no 'attached' line"
check "nothing is written" test "$(state f.db)" = "$m0"
jq '.declaration_id = "HX-DOC-PPM" | .claims[2].measurements[0].unit = "ppm" | .material.lots = [.material.lots[1]] | .material.lots[0].lot_number = "HX2609-0499" | .evidence[0].sampled_lots = ["HX2609-0499"]' \
	"$D/pvc-compound-declaration.json" > ppm.json
expect 0 "the unit ppm is accepted (as mg/kg)" sdx declare -L s.db --dry-run ppm.json
golden declare-ppm-dry "a dry run of it: every check, nothing written"
check "the dry run wrote nothing" test "$(state s.db)" = "$n"

# --- P7: evidence naming a sampled lot produced after the report's issue date
jq '.declaration_id = "HX-DOC-LATE" | .material.lots[1].production_date = "2026-09-18"' \
	"$D/pvc-compound-declaration.json" > late.json
expect 2 "a report on a lot produced after it was issued" sdx declare -L s.db late.json
golden evidence-late-lot "names the sampled lot, the lot and both dates"

# --- the manufacturer takes from the lot of 20 TNE
sdx export -L s.db --all -o s.sdxb > /dev/null
sdx import -L m.db s.sdxb > /dev/null
sdx import -L f.db s.sdxb > /dev/null
decl=$(leafof s.db HX-DOC-2026-0920-01)
batch() { # LEDGER ID DATE INPUT QUANTITY [OPTION...]
	l=$1 id=$2 date=$3 input=$4 q=$5; shift 5
	sdx batch -L $l.db --id "$id" --product "Bath duck" --hs 9503.00 --date "$date" \
		--manufacturer "Cixi Little Harbour Toys Co., Ltd." --manufacturer-id $LH_ID \
		--manufacturer-country CN --quantity "$q" --input "$input" "$@"
}
expect 0 "12 TNE of lot HX2609-0417" batch m B1 2026-10-01 "$decl:HX2609-0417:12:TNE:material" 24000:H87
b1=$(leafof m.db B1)
n=$(state m.db) log=$(sdx log -L m.db)
expect 2 "10 TNE more: over the 20 TNE the declaration says the lot holds" \
	batch m B2 2026-10-02 "$decl:HX2609-0417:10:TNE:material" 20000:H87
golden mass-balance "names the field, what was taken, the last batch and the declaration"
check "nothing is written" test "$(state m.db)" = "$n"
expect 2 "--dry-run refuses it the same way" \
	batch m B2 2026-10-02 "$decl:HX2609-0417:10:TNE:material" 20000:H87 --dry-run
golden mass-balance-dry "the record, then the same refusal"
expect 0 "--dry-run of 8000 KGM: every check of the write passes" \
	batch m B2 2026-10-02 "$decl:HX2609-0417:8000:KGM:material" 20000:H87 --dry-run
golden dry-run-ok "the record, and that nothing was written"
check "a dry run writes nothing: the file" test "$(state m.db)" = "$n"
check "nor the log" test "$(sdx log -L m.db)" = "$log"
expect 2 "made before the lot was produced" batch m B3 2026-09-10 "$decl:HX2609-0417:1:TNE" 100:H87
golden made-before-lot "names production_date, the lot, its date and the declaration"
expect 2 "a batch id the manufacturer used already" batch m B1 2026-10-03 "$decl:HX2609-0418:1:TNE" 100:H87
golden repeated-batch-id "names the earlier entry and says to supersede it"
batch m B1 2026-10-03 "$decl:HX2609-0417:15:TNE" 24000:H87 --dry-run 2> /dev/null |
	jq --arg b "$b1" '.supersedes = $b' > b1-fix.json
expect 0 "a correction of B1 (15 TNE instead of 12) repeats the id: it supersedes B1" \
	sdx batch -L m.db b1-fix.json
check "and B1's 12 TNE no longer count: 15 of 20" test "$(sdx log -L m.db | grep -c batch)" = 2
expect 0 "pieces of a lot declared in tonnes: written, noted as unchecked" \
	batch m B4 2026-10-05 "$decl:HX2609-0418:500:H87" 500:H87
golden unchecked-units "a note: mass balance unchecked"
b1fix=$(sdx log -L m.db --json | jq -r 'select(.type == "batch") | .leaf_hash' | head -n 2 | tail -n 1)

# --- the exporter ships the corrected B1 (24000 pieces)
sdx export -L m.db --provenance "$b1fix" -o b1.sdxb > /dev/null
sdx import -L e.db b1.sdxb > /dev/null
ship() { # ID DATE ITEM [OPTION...]
	id=$1 date=$2 item=$3; shift 3
	sdx ship -L e.db --id "$id" --date "$date" --exporter "Ningbo Harbour Export Agency Co., Ltd." \
		--exporter-id $NB_ID --exporter-country CN --to US --port CNNGB \
		--consignee "Pacific Kids Supply Inc." --item "$item" "$@"
}
expect 0 "20000 of the 24000 pieces" ship S1 2026-11-20 "$b1fix:20000:H87"
n=$(state e.db)
expect 2 "5000 more than the batch made" ship S2 2026-11-21 "$b1fix:5000:H87"
golden ship-over "names items[0].quantity, the other shipment and the batch"
expect 2 "shipped before the batch was made" ship S3 2026-09-30 "$b1fix:100:H87"
golden ship-before "names ship_date and the batch's production date"
expect 2 "a shipment id the exporter used already" ship S1 2026-11-22 "$b1fix:100:H87"
golden repeated-shipment-id "names the earlier shipment"
check "none of them is written" test "$(state e.db)" = "$n"
expect 2 "--dry-run of a refused shipment" ship S2 2026-11-21 "$b1fix:5000:H87" --dry-run
check "writes nothing either" test "$(state e.db)" = "$n"
expect 0 "an HS code differing from the batch's at six digits: shown, not refused" \
	ship S4 2026-11-22 "$b1fix:100:H87:9504.90"
golden ship-hs "a note naming both codes"
expect 6 "check of a market profile shows the misclassification (unknown)" \
	sdx check -L e.db S4 --profile us-cpsia --json
check "as hs-classification, on the shipment" test "$(jq -r '[.[0].results[] | select(.rule == "hs-classification")][0] | .verdict + " " + .subject.type' "$out")" = "unknown shipment"

# --- what another ledger wrote: a second manufacturer takes 12 TNE of the same lot
sdx batch -L f.db --id F1 --product "Bath duck" --hs 9503.00 --date 2026-10-10 \
	--manufacturer "Foshan Redstone Toys Co., Ltd." --manufacturer-id $FS_ID \
	--manufacturer-country CN --quantity 5000:H87 --input "$decl:HX2609-0417:12:TNE" > /dev/null
sdx export -L f.db --provenance F1 -o f1.sdxb > /dev/null
sdx import -L e.db f1.sdxb > /dev/null
ship S5 2026-11-22 "$(leafof f.db F1):5000:H87" > /dev/null
expect 5 "check: the exporter holds two manufacturers' batches, 27 TNE of a 20 TNE lot" \
	sdx check -L e.db S5 --profile us-cpsia
golden check-plausibility "a plausibility fail naming the other batch"
expect 6 "the batch B1 its correction replaced is not counted, nor judged, twice" \
	sdx check -L e.db "$b1" --profile us-cpsia --json
check "no plausibility result on it" test "$(jq '[.[0].results[] | select(.rule == "plausibility")] | length' "$out")" = 0
expect 5 "check --json: the result" sdx check -L e.db S5 --profile us-cpsia --json
check "rule plausibility, fail, on the batch F1" test "$(jq -r '[.[0].results[] | select(.rule == "plausibility")][0] | .verdict + " " + .subject.label' "$out" | cut -c1-13)" = "fail batch F1"

# --- a party contradicting itself
jq '.declaration_id = "HX-DOC-2026-0925-02" | .issue_date = "2026-09-25" | .valid_from = "2026-09-25" | .claims[2].measurements[0].value = 30 | .claims[2].declared_sum.value = 30' \
	"$D/pvc-compound-declaration.json" > again.json
jq '.declaration_id = "HX-DOC-2027-0917-01" | .valid_from = "2027-09-17" | .valid_until = "2028-09-16" | .claims[2].measurements[0].value = 30 | .claims[2].declared_sum.value = 30' \
	"$D/pvc-compound-declaration.json" > renewal.json
jq '.declaration_id = "HX-DOC-2026-0920-PH" | .claims = [.claims[0]]' \
	"$D/pvc-compound-declaration.json" > phthalates.json
for f in renewal phthalates; do
	sdx declare -L s.db $f.json --attach "$R/cnas-l1234-report-2026-0917.txt" > /dev/null 2>&1
done
expect 0 "an annual renewal and a topic-specific declaration of the lot: no conflict" sdx verify -L s.db
sdx declare -L s.db again.json --attach "$R/cnas-l1234-report-2026-0917.txt" > /dev/null 2>&1
expect 7 "the supplier declares lead 30 mg/kg of the same lot, overlapping, superseding nothing" \
	sdx verify -L s.db
golden verify-self "the conflict, both entries and the values"
expect 7 "verify --json" sdx verify -L s.db --json
check "kind self, both entries" test "$(jq -r '.attribution.conflicts[0] | .kind + " " + .own.ref' "$out")" = "self $decl"
sdx export -L s.db --all -o s2.sdxb > /dev/null
sdx import -L e.db s2.sdxb > /dev/null
expect 0 "trace of the earlier declaration names the later one" sdx trace -L e.db HX-DOC-2026-0920-01
golden trace-self "CONFLICT with another record of the same issuer"
expect 7 "the exporter's verify too" sdx verify -L e.db

# --- #14 item 8: a supplier's own does_not_conform in trace
jq '.declaration_id = "HX-DOC-NC" | .claims[2].conformance = "does_not_conform" | .material.lots = [.material.lots[1]] | .material.lots[0].lot_number = "HX2609-0498" | .evidence[0].sampled_lots = ["HX2609-0498"]' \
	"$D/pvc-compound-declaration.json" > nc.json
sdx declare -L s.db nc.json --attach "$R/cnas-l1234-report-2026-0917.txt" > /dev/null 2>&1
expect 0 "trace shows what the supplier declares does not conform" sdx trace -L s.db HX-DOC-NC
golden trace-nonconforming "DOES NOT CONFORM, as its supplier declares"
