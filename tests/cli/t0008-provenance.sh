#!/bin/sh
# The three-party flow: supplier declarations -> manufacturer batch ->
# exporter shipment; provenance bundles, trace, check, where-used.
. "$(dirname "$0")/lib.sh"

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
expect_err "naming the attachment" "attachment 60c692b0.* is not stored"
expect 0 "a batch from a JSON file" sdx batch -L toys.db batch.json --attach "$R/cnas-l9012-product-report-2026-1020.txt"
expect_out "is appended" "^entry 3 [0-9a-f]{64} batch.json"
duck=$(leaf toys.db LH2610-0315)
expect 2 "an input nobody holds is refused" sdx batch -L toys.db --id B2 --product Duck --hs 9503.00 \
	--date 2026-10-16 --site Hall --site-country CN --quantity 10:H87 --input "abcdef12:L1:1:KGM"
expect_err "naming the reference" "no entry, own or imported, matches 'abcdef12'"
expect 2 "a lot the declaration does not cover is refused" sdx batch -L toys.db --id B2 --product Duck \
	--hs 9503.00 --date 2026-10-16 --site Hall --site-country CN --quantity 10:H87 --input "$pvc:NOPE:1:KGM"
expect_err "naming the field" "inputs\[0\].lot_number: lot 'NOPE' is not one of the lots"
expect 2 "a malformed --input" sdx batch -L toys.db --id B2 --product Duck --hs 9503.00 \
	--date 2026-10-16 --site Hall --site-country CN --quantity 10:H87 --input "$pvc:1:KGM"
expect_err "says the form" "expected REF:LOT:N:UNIT"
expect 0 "a dry run prints the record" sdx batch -L toys.db --dry-run --id B2 --product Duck --hs 9503.00 \
	--date 2026-10-16 --site Hall --site-country CN --quantity 10:H87 --input "$duck::240:H87"
expect_out "with the resolved sub-assembly" "\"entry\": \"$duck\""
check "and writes nothing" test "$(sdx log -L toys.db | wc -l)" = 4
expect 0 "a sub-assembly batch" sdx batch -L toys.db --id GIFT-1 --product "Gift set" --hs 9503.00 \
	--date 2026-10-20 --site Hall --site-country CN --quantity 240:H87 --input "$duck::240:H87"

# provenance bundle to the exporter
expect 0 "export --provenance" sdx export -L toys.db --provenance "$duck" -o p.sdxb
expect_out "carries the batch, 3 declarations and 4 reports" "wrote p.sdxb: 4 entries, 4 attachments"
sdx trust add -L export.db toys.vkey > /dev/null
expect 3 "import without the suppliers' keys is refused" sdx import -L export.db p.sdxb
sdx trust add -L export.db haixing.vkey > /dev/null
sdx trust add -L export.db redstone.vkey > /dev/null
expect 0 "import with every key trusted" sdx import -L export.db p.sdxb
expect 2 "ship: an item must be a batch" sdx ship -L export.db --id S1 --date 2026-11-20 --to US --port CNNGB \
	--consignee Buyer --item "$pvc:1:TNE"
expect_err "says so" "is a declaration, not a batch"
expect 2 "ship: a bad port code" sdx ship -L export.db --id S1 --date 2026-11-20 --to US --port NINGBO \
	--consignee Buyer --item "$duck:24000:H87"
expect_err "names the field" "port_of_loading"
expect 0 "ship" sdx ship -L export.db --id S1 --date 2026-11-20 --to US --port CNNGB --consignee Buyer \
	--item "$duck:24000:H87"
ship=$(leaf export.db "shipment S1")
check "the item's HS code defaults to the batch's" test "$(sdx show -L export.db "$ship" --json | jq -r '.payload.body.items[0].hs_code // .body.items[0].hs_code')" = "9503.00"
expect 0 "export the shipment's provenance" sdx export -L export.db --provenance "$ship" -o s.sdxb
expect_out "five entries from four ledgers" "wrote s.sdxb: 5 entries"

# what a broker does with it, without a ledger
keys="--trust export.vkey --trust toys.vkey --trust haixing.vkey --trust redstone.vkey"
# shellcheck disable=SC2086
expect 0 "trace a bundle" sdx trace s.sdxb $keys -L none.db
expect_out "shipment on top" "^shipment S1: 2026-11-20 to US from CNNGB"
expect_out "the supplier lot under the batch" "lot RSY42-260905, 14.4 KGM: declaration RS-CoC-2026-0912"
expect_out "the lab report under it" "report PRAL-26-09-1377"
expect 3 "trace of a bundle with an untrusted key" sdx trace s.sdxb --trust export.vkey -L none.db
# shellcheck disable=SC2086
expect 0 "trace --json" sdx trace s.sdxb $keys -L none.db --json
check "is the tree" test "$(jq -r '.inputs[0].record.inputs | length' "$out")" = 3
# shellcheck disable=SC2086
expect 0 "green clearance passes" sdx check -p cn-green-clearance-infant s.sdxb $keys -L none.db
expect_out "with the report's age" "PASS .*LH2610-0315"
expect_out "31 days" "issued 2026-10-20 \(31 days before 2026-11-20\)"
# shellcheck disable=SC2086
expect 6 "a later date: the report is too old, unknown" sdx check -p cn-green-clearance-infant s.sdxb $keys -L none.db --date 2027-01-20
expect_out "says why" "issued 2026-10-20, 92 days before 2027-01-20; at most 90"
# shellcheck disable=SC2086
expect 5 "CPSIA fails on the yellow pigment" sdx check -p us-cpsia s.sdxb $keys -L none.db
expect_out "naming lot, value and limit" "lead \(Pb\) 120 mg/kg over the limit \(<= 100 mg/kg each\)"
expect_out "and the lot" "FAIL .*RS-CoC-2026-0912.*lot RSY42-260905"
# shellcheck disable=SC2086
expect 5 "check --json" sdx check -p us-cpsia -p eu-packaging-heavy-metals s.sdxb $keys -L none.db --json
check "one report per profile" test "$(jq length "$out")" = 2
check "the worst verdict first profile" test "$(jq -r '.[0].verdict' "$out")" = fail
check "EU packaging: the red pigment and the PVC pass, the yellow pigment fails" \
	test "$(jq -r '.[1].counts | "\(.pass) \(.fail) \(.unknown)"' "$out")" = "2 1 0"
expect 2 "an unknown profile" sdx check -p mars-import S1 -L export.db
expect_err "says where to look" "no profile named 'mars-import'"
expect 0 "check --list" sdx check --list
expect_out "lists the shipped profiles" "^us-toxics-in-packaging"
printf '{"format":"sdx-profile/1","name":"mine","title":"t","sources":["s"],"rules":[{"id":"r","title":"t","regulation":"g","applies_to":"declaration","check":"substance_each","substances":[{"name":"lead","cas":"7439-92-1"}],"limit":{"value":50,"unit":"mg/kg","comparison":"<="}}]}' > mine.json
expect 5 "a profile of one's own (Pb <= 50 mg/kg)" sdx check -p ./mine.json "$ship" -L export.db
expect_out "fails the red pigment too" "FAIL .*RS-CoC-2026-0825"

# recall
expect 0 "where-used by lot" sdx where-used -L export.db --lot RSY42-260905
expect_out "reaches the batch" "batch LH2610-0315"
expect_out "and the shipment" "shipment S1"
expect 0 "where-used in the manufacturer's ledger (sub-assembly)" sdx where-used -L toys.db "$yellow"
expect_out "reaches the gift set through the duck batch" "batch GIFT-1.*2 steps away"
expect 2 "where-used of an unknown lot" sdx where-used -L export.db --lot NOPE
expect_err "says so" "no declaration or batch covers lot 'NOPE'"

# a withdrawal reaches everything downstream
sed "s/7a6242d25bbad1ce01e4305ec70edaf5826be64104d3bd00fc1e9bb3a803447f/$yellow/" "$D/withdrawal.json" > w.json
sdx declare -L redstone.db --type withdrawal w.json > /dev/null 2>&1
sdx export -L redstone.db --all -o r2.sdxb > /dev/null
expect 0 "the manufacturer imports the withdrawal" sdx import -L toys.db r2.sdxb
expect 0 "trace marks the batch" sdx trace -L toys.db "$duck"
expect_out "affected" "batch LH2610-0315.*\[AFFECTED\]"
expect_out "and the declaration withdrawn" "RS-CoC-2026-0912.*\[WITHDRAWN\]"
expect 5 "and check fails it" sdx check -p eu-packaging-heavy-metals -L toys.db "$duck"
expect_out "saying why" "was withdrawn by its supplier from 2026-10-05"
expect 0 "a new provenance bundle carries the withdrawal" sdx export -L toys.db --provenance "$duck" -o p2.sdxb
expect_out "five entries now" "wrote p2.sdxb: 5 entries"

# what a manufacturer reads to fill in --input
expect 0 "inbox --entries lists imported declarations" sdx inbox -L toys.db --entries example.com/redstone
expect_out "with leaf hash and lot numbers" "declaration +${yellow%"${yellow#????????????????}"}  Iron oxide yellow.* — lot RSY42-260905"
expect 2 "check --date must be a real date" sdx check -p us-cpsia -L toys.db "$duck" --date 2026-13-45
expect_err "saying so" "date '2026-13-45': expected a calendar date"
