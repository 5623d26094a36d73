#!/bin/sh
# sdx due (formats/due.md): what expires within a window, or has expired, and
# the batches and shipments that lean on it; the exit code a cron job reads.
. "$(dirname "$0")/lib.sh"

D=$EXAMPLES/data
R=$D/reports

for p in sup maker; do
	sdx init -L $p.db --origin example.com/$p --unencrypted > /dev/null
	sdx key show -L $p.db --vkey > $p.vkey
done
# the supplier's declaration is valid to 2026-12-13; its lab report only to 2026-11-25
jq '.valid_until = "2026-12-13" | .evidence[0].valid_until = "2026-11-25"' \
	"$D/pvc-toy-grade-declaration.json" > pvc.json
# a second declaration, withdrawn: no one's evidence, never listed
jq '.declaration_id = "HX-OLD-1" | .valid_until = "2026-12-01" | .material.lots[0].lot_number = "HX-OLD"
    | .claims[].applies_to_lots |= empty | .evidence[].sampled_lots = ["HX-OLD"]' pvc.json > old.json
expect 0 "the supplier declares" sdx declare -L sup.db pvc.json old.json --attach "$R/cnas-l1234-report-2026-1006.txt"
old=$(sdx show -L sup.db HX-OLD-1 --json | jq -r .leaf_hash)
expect 0 "and withdraws one" sdx declare -L sup.db "$(jq -n --arg e "$old" '{ withdraws: $e,
	effective_date: "2026-10-10", reason_code: "data_error", reason: "replaced by HX-DOC-2026-1008-02",
	signatory: { name: "Li Wei", role: "Quality manager" } }' |
	tee wd.json >/dev/null; echo wd.json)" --type withdrawal
sdx export -L sup.db --all -o sup.sdxb > /dev/null
sdx trust add -L maker.db sup.vkey --name "Ningbo Haixing Polymer Materials Co., Ltd." --role supplier > /dev/null
expect 0 "the maker imports it" sdx import -L maker.db sup.sdxb
expect 0 "makes a batch of the lot" sdx batch -L maker.db --id DUCK-1 --product "Bath duck" \
	--hs 9503.00 --date 2026-10-15 --quantity 1000:H87 --site "Moulding hall 2" \
	--manufacturer "Cixi Little Harbour Toys Co., Ltd." --manufacturer-id USCI:91330282MA2CX7LH5B \
	--manufacturer-country CN --input HX2610-0102:HX2610-0102:0.04:TNE:material
expect 0 "and ships it on 2026-12-20" sdx ship -L maker.db --id S-1 --date 2026-12-20 --to US \
	--port CNNGB --consignee Buyer --exporter "Cixi Little Harbour Toys Co., Ltd." --exporter-id USCI:91330282MA2CX7LH5B \
	--exporter-country CN --item DUCK-1:1000:H87

# --- the report expired 8 days ago, the declaration expires in 10
expect 5 "an expired report is overdue: exit 5" sdx due -L maker.db --date 2026-12-03 --within 30
expect_out "the report is named, expired" "EXPIRED 2026-11-25 \(8 days ago\)  report NBET-2026-1006-0455"
expect_out "the declaration falls due in 10 days" "DUE     2026-12-13 \(in 10 days\)  declaration HX-DOC-2026-1008-02"
expect_out "grouped under its supplier" "^Ningbo Haixing Polymer Materials Co., Ltd.$"
expect_out "the batch that used the lot is named" "<- batch DUCK-1"
expect_out "and the open shipment with its date" "shipment S-1.*, ships 2026-12-20"
check "the withdrawn declaration is not listed" sh -c "! grep -q HX-OLD-1 '$out'"
golden due-overdue "the overdue list"

# --- before both expiry dates: due, not overdue
expect 6 "due within the window but nothing expired: exit 6" sdx due -L maker.db --date 2026-11-20 --within 30
expect_out "the report is due in 5 days" "DUE     2026-11-25 \(in 5 days\)"
expect 0 "a window that ends before both: exit 0" sdx due -L maker.db --date 2026-11-20 --within 4d
expect_out "and says so" "0 expired, 0 falling due"

# --- long expired, but an open shipment still leans on it: still listed
expect 5 "expired 16 days ago, shipment still open" sdx due -L maker.db --date 2026-12-11 --within 2
expect_out "listed because the shipment is open" "EXPIRED 2026-11-25 \(16 days ago\)"
# --- once the goods have left and the window is past, it is history
expect 0 "after shipping, old expiries are history" sdx due -L maker.db --date 2027-01-20 --within 5

# --- a profile's evidence-age rule: the batch's report ages out at issue + 90 days
pvc=$(sdx show -L sup.db HX-DOC-2026-1008-02 --json | jq -r .leaf_hash)
jq -n --arg sha "$(sha256sum "$R/cnas-l1234-report-2026-1006.txt" | cut -d' ' -f1)" --arg p "$pvc" '{
  format: "sdx-batch/2", batch_id: "DUCK-2",
  manufacturer: { name: "Cixi Little Harbour Toys Co., Ltd.", country: "CN",
    identifiers: [ { scheme: "USCI", id: "91330282MA2CX7LH5B" } ] },
  product: { name: "Bath duck", hs_code: "9503.00" }, production_date: "2026-10-15",
  site: { name: "Moulding hall 2", country: "CN" }, quantity: { value: 10, unit: "H87" },
  inputs: [ { entry: $p, lot_number: "HX2610-0102", quantity: { value: 0.001, unit: "TNE" }, role: "material" } ],
  evidence: [ { id: "P1", lab_name: "Zhejiang Cixi Product Quality Testing Institute",
    accreditation: { body: "CNAS", number: "CNAS L9012" }, report_number: "CXQT-1",
    issue_date: "2026-10-20", valid_until: "2027-10-19", standards: ["GB 31701-2026"], test_items: ["Pb"],
    attachment: { sha256: $sha, media_type: "text/plain", file_name: "r.txt" } } ] }' > duck2.json
expect 0 "a batch with its own product report" sdx batch -L maker.db duck2.json --attach "$R/cnas-l1234-report-2026-1006.txt"
expect 6 "green clearance's 90 days fall due" sdx due -L maker.db --date 2027-01-10 --within 10 \
	--profile cn-green-clearance-infant --json
check "the report ages out on 2027-01-18 under the profile" test "$(jq -r '.items[] |
	select(.what == "report_age") | [.date, .report_number, .profile, .rule] | join(" ")' "$out")" = \
	"2027-01-18 CXQT-1 cn-green-clearance-infant full-test-report"
expect 0 "a profile without age rules adds nothing" sdx due -L maker.db --date 2027-01-10 --within 10 \
	--profile eu-rohs

# --- accreditations: a register whose entry is suspended
sed 's/^CNAS,CNAS L1234,\(.*\),2024-03-01,2030-02-28,active,,/CNAS,CNAS L1234,\1,2024-03-01,2030-02-28,suspended,2026-11-30,/' \
	"$D/labs/example-register.csv" > labs.csv
check "the test register suspends L1234" grep -q "suspended,2026-11-30" labs.csv
expect 5 "a suspended accreditation is overdue" sdx due -L maker.db --date 2026-12-03 --within 5 --labs labs.csv
expect_out "named with its lab and date" "accreditation CNAS L1234 of Ningbo Eastport Testing Center Co., Ltd. is suspended since 2026-11-30"

# --- bad input
expect 2 "a bad window is refused" sdx due -L maker.db --within 1y
expect_err "naming the option" "--within '1y': expected a number of days"
expect 2 "a bad date is refused" sdx due -L maker.db --date 2026-13-01
expect_err "naming the date" "date '2026-13-01'"
