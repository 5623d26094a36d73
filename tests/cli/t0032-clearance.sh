#!/bin/sh
# Clearance records (formats/clearance.md): what customs answered about a
# shipment, shown by trace and where-used, and listed by due while waiting.
. "$(dirname "$0")/lib.sh"

D=$EXAMPLES/data
R=$D/reports
sdx init -L x.db --origin example.com/export --unencrypted > /dev/null
sdx party set -L x.db --name "Ningbo Harbour Export Agency Co., Ltd." \
	--id USCI:91330201MA2AH8XK4L --country CN --role exporter > /dev/null
sdx declare -L x.db "$D/pvc-toy-grade-declaration.json" --attach "$R/cnas-l1234-report-2026-1006.txt" > /dev/null 2>&1
sdx batch -L x.db --id B1 --product "Bath duck" --hs 9503.00 --date 2026-10-15 --quantity 1000:H87 \
	--site "Hall 2" --manufacturer "Cixi Little Harbour Toys Co., Ltd." \
	--manufacturer-id USCI:91330282MA2CX7LH5B --manufacturer-country CN \
	--input HX2610-0102:HX2610-0102:0.04:TNE:material > /dev/null
sdx ship -L x.db --id S1 --date 2026-11-20 --to US --port CNNGB --consignee Buyer \
	--exporter "Ningbo Harbour Export Agency Co., Ltd." --exporter-id USCI:91330201MA2AH8XK4L \
	--exporter-country CN --customs-declaration 310420261100087 --item B1:1000:H87 > /dev/null

expect 0 "customs holds it for review" sdx clearance -L x.db S1 --status manual_review \
	--time 2026-11-19T08:00:00Z --office 3104 --reason "documents check"
expect_out "one entry, named by the declaration number" "^entry [0-9]+ [0-9a-f]{64} clearance '310420261100087'$"
expect 0 "trace" sdx trace -L x.db S1
expect_out "shows the status under the shipment" "customs: manual_review at 2026-11-19T08:00:00Z, declaration 310420261100087: documents check"
expect 6 "due lists the shipment as waiting" sdx due -L x.db --date 2026-11-20
expect_out "with its status" "WAITING 2026-11-19  shipment S1 waits for customs: manual_review since 2026-11-19T08:00:00Z"
expect 0 "a green clearance code" sdx clearance -L x.db S1 --status green_code_issued \
	--time 2026-11-19T10:30:00Z --code GC-3104-0087
expect 0 "trace --json" sdx trace -L x.db S1 --json
check "the latest answer, with the history" test "$(jq -r '.. | objects | select(.clearance?) | .clearance |
	[.status, .green_clearance_code, (.history | length)] | join(" ")' "$out")" = "green_code_issued GC-3104-0087 2"
expect 0 "where-used" sdx where-used -L x.db --lot HX2610-0102
expect_out "shows the shipment still waiting" "customs: green_code_issued at 2026-11-19T10:30:00Z, declaration 310420261100087 \(still waiting\)"
expect 0 "released" sdx clearance -L x.db S1 --status released --time 2026-11-20T06:00:00Z
expect 0 "due has nothing left" sdx due -L x.db --date 2026-11-20 --within 1
check "no shipment waits" sh -c "! grep -q WAITING '$out'"
# an answer recorded late, with an earlier time, does not undo the release
expect 0 "a late record of an earlier answer" sdx clearance -L x.db S1 --status submitted --time 2026-11-18T09:00:00Z
expect 0 "trace" sdx trace -L x.db S1
expect_out "the status is the latest by time" "customs: released at 2026-11-20T06:00:00Z.*\(latest of 4 answers\)"

# --- bad input: named, nothing written
n=$(sdx log -L x.db | wc -l)
expect 2 "refused needs a reason" sdx clearance -L x.db S1 --status refused
expect_err "says so" "missing required field 'reason'"
expect 2 "a status customs does not give" sdx clearance -L x.db S1 --status lost
expect_err "lists the statuses" "status: 'lost' is not one of: submitted, green_code_issued"
expect 2 "a batch is not a shipment" sdx clearance -L x.db B1 --status released
expect_err "says what it is" "'B1' is a batch, not a shipment"
expect 2 "a bad time" sdx clearance -L x.db S1 --status released --time 2026-11-20
expect_err "names the field" "time"
check "nothing was written" test "$(sdx log -L x.db | wc -l)" = "$n"
expect 0 "the ledger verifies" sdx verify -L x.db
