#!/bin/sh
# The three-party flow: supplier declarations -> manufacturer batch ->
# exporter shipment; provenance bundles, trace, check, where-used.
. "$(dirname "$0")/lib.sh"
# judged with the format 1 profiles (tests/data/profiles-v1): what they meant, they still mean
V1P=$DATA/profiles-v1

D=$EXAMPLES/data
R=$D/reports
leaf() { sdx log -L "$1" --json | jq -r --arg m "$2" 'select(.summary | contains($m)) | .leaf_hash' | tail -n 1; }

for p in haixing redstone toys export; do
	sdx init -L $p.db --origin example.com/$p --unencrypted > /dev/null
	sdx key show -L $p.db --vkey > $p.vkey
done
sdx declare -L haixing.db "$D/pvc-toy-grade-declaration.json" --attach "$R/cnas-l1234-report-2026-1006.txt" > /dev/null 2>&1
sdx declare -L redstone.db "$D/pigment-declaration.json" --attach "$R/cnas-l5678-report-2026-0821.txt" > /dev/null 2>&1
sdx declare -L redstone.db "$D/yellow-pigment-declaration.json" --attach "$R/cnas-l5678-report-2026-0909.txt" > /dev/null 2>&1
sdx export -L haixing.db --all -o h.sdxb > /dev/null
sdx export -L redstone.db --all -o r.sdxb > /dev/null
sdx trust add -L toys.db haixing.vkey > /dev/null
sdx trust add -L toys.db redstone.vkey > /dev/null
sdx import -L toys.db h.sdxb > /dev/null
sdx import -L toys.db r.sdxb > /dev/null
pvc=$(leaf haixing.db "toy grade"); yellow=$(leaf redstone.db yellow); red=$(leaf redstone.db red)

# batches
jq --arg a "$pvc" --arg b "$yellow" --arg c "$red" '.inputs[0].entry=$a | .inputs[1].entry=$b | .inputs[2].entry=$c' \
	"$D/bath-duck-batch.json" > batch.json
expect 2 "a batch citing a report that is not stored is refused" sdx batch -L toys.db batch.json
golden batch-missing-report "naming the attachment"
expect 0 "a batch from a JSON file" sdx batch -L toys.db batch.json --attach "$R/cnas-l9012-product-report-2026-1020.txt"
golden batch "is appended"
duck=$(leaf toys.db LH2610-0315)
expect 2 "an input nobody holds is refused" sdx batch -L toys.db --id B2 --product Duck --hs 9503.00 \
	--date 2026-10-16 --manufacturer "Cixi Little Harbour Toys Co., Ltd." \
	--manufacturer-id USCI:91330282MA2CX7LH5B --manufacturer-country CN --site Hall \
	--quantity 10:H87 --input "abcdef12:L1:1:KGM"
golden batch-unknown-input "naming the reference"
expect 2 "a lot the declaration does not cover is refused" sdx batch -L toys.db --id B2 --product Duck \
	--hs 9503.00 --date 2026-10-16 --manufacturer "Cixi Little Harbour Toys Co., Ltd." \
	--manufacturer-id USCI:91330282MA2CX7LH5B --manufacturer-country CN --site Hall --quantity 10:H87 \
	--input "$pvc:NOPE:1:KGM"
golden batch-unknown-lot "naming the field"
expect 2 "a malformed --input" sdx batch -L toys.db --id B2 --product Duck --hs 9503.00 \
	--date 2026-10-16 --manufacturer "Cixi Little Harbour Toys Co., Ltd." \
	--manufacturer-id USCI:91330282MA2CX7LH5B --manufacturer-country CN --site Hall \
	--quantity 10:H87 --input "$pvc:1:KGM"
golden batch-bad-input "says the form"
expect 0 "a dry run prints the record" sdx batch -L toys.db --dry-run --id B2 --product Duck --hs 9503.00 \
	--date 2026-10-16 --manufacturer "Cixi Little Harbour Toys Co., Ltd." \
	--manufacturer-id USCI:91330282MA2CX7LH5B --manufacturer-country CN --site Hall \
	--quantity 10:H87 --input "$duck::240:H87"
golden batch-dry-run "with the resolved sub-assembly"
check "and writes nothing" test "$(sdx log -L toys.db | wc -l)" = 4
expect 0 "a sub-assembly batch" sdx batch -L toys.db --id GIFT-1 --product "Gift set" --hs 9503.00 \
	--date 2026-10-20 --manufacturer "Cixi Little Harbour Toys Co., Ltd." \
	--manufacturer-id USCI:91330282MA2CX7LH5B --manufacturer-country CN --site Hall \
	--quantity 240:H87 --input "$duck::240:H87"
golden batch-sub "is appended"

# provenance bundle to the exporter
expect 0 "export --provenance" sdx export -L toys.db --provenance "$duck" -o p.sdxb
golden export-provenance "carries the batch, 3 declarations and 4 reports"
sdx trust add -L export.db toys.vkey > /dev/null
expect 3 "import without the suppliers' keys is refused" sdx import -L export.db p.sdxb
golden import-untrusted "names a supplier"
sdx trust add -L export.db haixing.vkey > /dev/null
sdx trust add -L export.db redstone.vkey > /dev/null
expect 0 "import with every key trusted" sdx import -L export.db p.sdxb
golden import "from the manufacturer"
expect 2 "ship: an item must be a batch" sdx ship -L export.db --id S1 --date 2026-11-20 \
	--exporter "Ningbo Export" --exporter-id USCI:91330201MA2AH8XK4L --exporter-country CN --to US \
	--port CNNGB --consignee Buyer --item "$pvc:1:TNE"
golden ship-not-batch "says so"
expect 2 "ship: a bad port code" sdx ship -L export.db --id S1 --date 2026-11-20 \
	--exporter "Ningbo Export" --exporter-id USCI:91330201MA2AH8XK4L --exporter-country CN --to US \
	--port NINGBO --consignee Buyer --item "$duck:24000:H87"
golden ship-bad-port "names the field"
expect 0 "ship" sdx ship -L export.db --id S1 --date 2026-11-20 \
	--exporter "Ningbo Export" --exporter-id USCI:91330201MA2AH8XK4L --exporter-country CN --to US \
	--port CNNGB --consignee Buyer --item "$duck:24000:H87"
golden ship "is appended"
ship=$(leaf export.db "shipment S1")
check "the item's HS code defaults to the batch's" test "$(sdx show -L export.db "$ship" --json | jq -r '.payload.body.items[0].hs_code // .body.items[0].hs_code')" = "9503.00"
expect 0 "export the shipment's provenance" sdx export -L export.db --provenance "$ship" -o s.sdxb
golden export-shipment "five entries from four ledgers"

# what a broker does with it, without a ledger
keys="--trust export.vkey --trust toys.vkey --trust haixing.vkey --trust redstone.vkey"
# shellcheck disable=SC2086
expect 0 "trace a bundle" sdx trace s.sdxb $keys -L none.db
golden trace "shipment on top, the supplier lots under the batch, the lab reports under them"
expect 3 "trace of a bundle with an untrusted key" sdx trace s.sdxb --trust export.vkey -L none.db
golden trace-untrusted "names the key"
# shellcheck disable=SC2086
expect 0 "trace --json" sdx trace s.sdxb $keys -L none.db --json
check "is the tree" test "$(jq -r '.inputs[0].record.inputs | length' "$out")" = 3
golden trace-json "the tree as JSON"
# shellcheck disable=SC2086
expect 0 "green clearance passes" sdx check -p "$V1P/cn-green-clearance-infant.json" s.sdxb $keys -L none.db
golden check-green "passes, with the report's age: 31 days"
# shellcheck disable=SC2086
expect 6 "a later date: the report is too old, unknown" sdx check -p "$V1P/cn-green-clearance-infant.json" s.sdxb $keys -L none.db --date 2027-01-20
golden check-green-late "says why"
# shellcheck disable=SC2086
expect 5 "CPSIA fails on the yellow pigment" sdx check -p "$V1P/us-cpsia.json" s.sdxb $keys -L none.db
golden check-cpsia "naming declaration, lot, value and limit"
# shellcheck disable=SC2086
expect 5 "check --json" sdx check -p "$V1P/us-cpsia.json" -p "$V1P/eu-packaging-heavy-metals.json" s.sdxb $keys -L none.db --json
check "one report per profile" test "$(jq length "$out")" = 2
check "the worst verdict first profile" test "$(jq -r '.[0].verdict' "$out")" = fail
check "EU packaging: the red pigment and the PVC pass, the yellow pigment fails" \
	test "$(jq -r '.[1].counts | "\(.pass) \(.fail) \(.unknown)"' "$out")" = "2 1 0"
golden check-json "both reports as JSON"
expect 2 "an unknown profile" sdx check -p mars-import S1 -L export.db
golden check-unknown-profile "says where to look"
expect 0 "check --list" sdx check --list
golden check-list "lists the shipped profiles"
printf '{"format":"sdx-profile/1","name":"mine","title":"t","sources":["s"],"rules":[{"id":"r","title":"t","regulation":"g","applies_to":"declaration","check":"substance_each","substances":[{"name":"lead","cas":"7439-92-1"}],"limit":{"value":50,"unit":"mg/kg","comparison":"<="}}]}' > mine.json
expect 5 "a profile of one's own (Pb <= 50 mg/kg)" sdx check -p ./mine.json "$ship" -L export.db
golden check-own-profile "fails the red pigment too"

# recall
expect 0 "where-used by lot" sdx where-used -L export.db --lot RSY42-260905
golden where-used-lot "reaches the batch and the shipment"
expect 0 "where-used in the manufacturer's ledger (sub-assembly)" sdx where-used -L toys.db "$yellow"
golden where-used-sub "reaches the gift set through the duck batch"
expect 2 "where-used of an unknown lot" sdx where-used -L export.db --lot NOPE
golden where-used-unknown "says so"

# a withdrawal reaches everything downstream
sed "s/7a6242d25bbad1ce01e4305ec70edaf5826be64104d3bd00fc1e9bb3a803447f/$yellow/" "$D/withdrawal.json" > w.json
sdx declare -L redstone.db --type withdrawal w.json > /dev/null 2>&1
sdx export -L redstone.db --all -o r2.sdxb > /dev/null
expect 0 "the manufacturer imports the withdrawal" sdx import -L toys.db r2.sdxb
golden import-withdrawal "one entry more"
expect 0 "trace marks the batch" sdx trace -L toys.db "$duck"
golden trace-withdrawn "the batch affected, the declaration withdrawn"
expect 5 "and check fails it" sdx check -p "$V1P/eu-packaging-heavy-metals.json" -L toys.db "$duck"
golden check-withdrawn "saying why"
expect 0 "a new provenance bundle carries the withdrawal" sdx export -L toys.db --provenance "$duck" -o p2.sdxb
golden export-provenance-withdrawn "five entries now"

# what a manufacturer reads to fill in --input
expect 0 "inbox --entries lists imported declarations" sdx inbox -L toys.db --entries example.com/redstone
golden inbox-entries "with leaf hash and lot numbers"
expect 2 "check --date must be a real date" sdx check -p "$V1P/us-cpsia.json" -L toys.db "$duck" --date 2026-13-45
golden check-bad-date "saying so"
