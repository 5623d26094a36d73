#!/bin/sh
# t0038: sdx export --cn-customs over the demo's shipment (examples/demo.sh
# steps 1-8): the China customs document lines of its one item in CSV and JSON
# (golden files; the CSV read back as RFC 4180 with CRLF, the JSON checked
# against formats/schemas/cn-customs.schema.json with ajv), the lab register
# from --labs or from the ledger; an item whose reports do not count (lab not
# listed, suspended, no register at all) named on stderr with nothing written
# and exit 5; and bad arguments, exit 2.
. "$(dirname "$0")/lib.sh"

d=$EXAMPLES/data
labs=$d/labs/example-register.csv
export SDX_PASSPHRASE="t0038"
leaf() { sdx log -L "$1" --json | jq -r --arg m "$2" 'select(.summary | contains($m)) | .leaf_hash' | tail -n 1; }

# ---- the demo's chain, quietly ----
{
	sdx init --origin haixing-polymer.example/ledger -L haixing.db
	sdx init --origin redstone-pigments.example/ledger -L redstone.db
	sdx party set -L haixing.db --name "Ningbo Haixing Polymer Materials Co., Ltd." \
		--id USCI:91330206MA2H7K5Q3E --id GLN:6901234500011 --country CN --role supplier
	sdx party set -L redstone.db --name "Foshan Redstone Inorganic Pigments Co., Ltd." \
		--id USCI:91440604MA4W2XR614 --country CN --role supplier
	sdx declare -L haixing.db "$d/pvc-toy-grade-declaration.json" \
		--attach "$d/reports/cnas-l1234-report-2026-1006.txt"
	sdx declare -L redstone.db "$d/pigment-declaration.json" \
		--attach "$d/reports/cnas-l5678-report-2026-0821.txt"
	sdx declare -L redstone.db "$d/yellow-pigment-declaration.json" \
		--attach "$d/reports/cnas-l5678-report-2026-0909.txt"
	sdx export -L haixing.db --all -o haixing.sdxb
	sdx export -L redstone.db --all -o redstone.sdxb
	sdx key show -L haixing.db --vkey > haixing.vkey
	sdx key show -L redstone.db --vkey > redstone.vkey
	sdx init --origin littleharbour-toys.example/ledger -L toys.db
	sdx trust add -L toys.db haixing.vkey
	sdx trust add -L toys.db redstone.vkey
	sdx import -L toys.db haixing.sdxb
	sdx import -L toys.db redstone.sdxb
	jq --arg pvc "$(leaf haixing.db "toy grade")" --arg yellow "$(leaf redstone.db yellow)" \
		--arg red "$(leaf redstone.db red)" \
		'.inputs[0].entry = $pvc | .inputs[1].entry = $yellow | .inputs[2].entry = $red' \
		"$d/bath-duck-batch.json" > batch.json
	sdx batch -L toys.db batch.json --attach "$d/reports/cnas-l9012-product-report-2026-1020.txt"
	sdx export -L toys.db --provenance LH2610-0315 -o duck.sdxb
	sdx key show -L toys.db --vkey > toys.vkey
	sdx init --origin ningbo-export.example/ledger -L export.db
	sdx party set -L export.db --name "Ningbo Harbour Export Agency Co., Ltd." \
		--id USCI:91330201MA2AH8XK4L --country CN --role exporter
	sdx trust add -L export.db toys.vkey
	sdx trust add -L export.db haixing.vkey
	sdx trust add -L export.db redstone.vkey
	sdx import -L export.db duck.sdxb
	sdx ship -L export.db --id NBX-2611-0087 --date 2026-11-20 \
		--exporter "Ningbo Harbour Export Agency Co., Ltd." --exporter-id USCI:91330201MA2AH8XK4L \
		--exporter-country CN --to US --port CNNGB --discharge USLAX \
		--consignee "Pacific Kids Supply Inc." --mode sea --item "LH2610-0315:24000:H87"
} > setup.log 2>&1
check "the demo's chain is built" grep -q NBX-2611-0087 setup.log
schemas=$(cd "$DATA/../../formats/schemas" && pwd)
batch=$(leaf toys.db LH2610-0315)

# ---- the demo shipment's lines ----
expect 0 "--cn-customs writes the shipment's lines as CSV, noting each report that does not count" \
	sdx export -L export.db --cn-customs NBX-2611-0087 --labs "$labs" -o lines.csv
golden csv-export
expect 0 "the CSV: a header and one line, for the product report of the batch" \
	sh -c "tr -d '\\r' < lines.csv"
golden csv-lines
check "every CSV record ends in CRLF (RFC 4180)" \
	test "$(tr -cd '\r' < lines.csv | wc -c)" -eq "$(wc -l < lines.csv)"
check "its document number is the lab's accreditation and the report number" \
	grep -q ',630,CNAS L9012/CXQT-2026-10-2207,46,' lines.csv
check "its evidence hash is the report file's SHA-256" grep -q \
	",$(sha256sum "$d/reports/cnas-l9012-product-report-2026-1020.txt" | cut -d' ' -f1),batch," lines.csv
check "it names the batch's ledger and leaf hash" \
	grep -q ",littleharbour-toys.example/ledger,[0-9]*,$batch" lines.csv

expect 0 "--format json writes the same lines as JSON" \
	sdx export -L export.db --cn-customs NBX-2611-0087 --labs "$labs" --format json -o lines.out
golden json-export
expect 0 "the JSON document" cat lines.out
golden json-lines
check "the CSV and the JSON hold the same lines" test \
	"$(jq -r '.lines[] | [.item, .hs_code, .batch_id, .lot, .document_number, .evidence_sha256, .origin, .index, .leaf_hash] | map(tostring) | join(",")' lines.out)" = \
	"$(tr -d '\r' < lines.csv | tail -n +2 | cut -d, -f1-4,7,15,17-19)"
node_dir=$(cd "$DATA/../node" && pwd)
if [ -d "$node_dir/node_modules/ajv" ]; then
	check "the JSON validates against formats/schemas/cn-customs.schema.json (ajv)" \
		sh -c "node '$node_dir/check.mjs' schema '$schemas/cn-customs.schema.json' lines.out > ajv.log 2>&1"
	jq '.lines[0].licence_category = "six-thirty"' lines.out > bad.json
	check "and ajv refuses a line whose licence category is not a code" \
		sh -c "! node '$node_dir/check.mjs' schema '$schemas/cn-customs.schema.json' bad.json > ajv.log 2>&1"
else
	nok "ajv installed" "tests/node/node_modules is missing: run 'make test' (npm ci in tests/node)"
fi
expect 0 "without --format, a name ending in .json gives JSON" \
	sdx export -L export.db --cn-customs NBX-2611-0087 --labs "$labs" -o byname.json
check "a JSON document of the same lines" sh -c \
	"jq -e '.format == \"sdx-cn-customs/1\"' byname.json > /dev/null && cmp -s byname.json lines.out"
expect 0 "the shipment named by its leaf-hash prefix gives the same JSON" \
	sdx export -L export.db --cn-customs "$(leaf export.db NBX-2611-0087 | cut -c1-12)" \
	--labs "$labs" --json -o again.json
check "byte for byte" cmp lines.out again.json
check "--json says what was written" sh -c \
	"jq -e '.file == \"again.json\" and .format == \"json\" and .items == 1 and .lines == 1 and .reports == 4 and .not_counted == 3' '$out' > /dev/null"

# ---- items without an accredited report: named, nothing written, exit 5 ----
grep -v 'CNAS L9012' "$labs" > no-l9012.csv
expect 5 "a register that does not list the batch's lab: no report counts, the item is named" \
	sdx export -L export.db --cn-customs NBX-2611-0087 --labs no-l9012.csv -o missing.csv
golden missing-not-listed
check "and nothing is written" test ! -e missing.csv
sed 's/^\(CNAS,CNAS L9012,.*,\)active,,/\1suspended,2026-10-01,/' "$labs" > suspended.csv
check "(a register where CNAS L9012 is suspended from 2026-10-01)" grep -q 'L9012.*suspended,2026-10-01' suspended.csv
expect 5 "a lab suspended before the report's issue date does not count either" \
	sdx export -L export.db --cn-customs NBX-2611-0087 --labs suspended.csv --format json -o missing.json
expect_err "the reason is the register's" "report CXQT-2026-10-2207 \\(batch LH2610-0315\\): accreditation CNAS L9012 \\(Zhejiang Cixi Product Quality Testing Institute\\) was suspended from 2026-10-01"
check "and nothing is written" test ! -e missing.json
expect 5 "no register given and none stored: no report can be checked" \
	sdx export -L export.db --cn-customs NBX-2611-0087 -o missing.csv
golden no-register
check "and nothing is written" test ! -e missing.csv

sdx lab import -L export.db "$labs" > /dev/null 2>&1
expect 0 "without --labs, the registers stored in the ledger are used" \
	sdx export -L export.db --cn-customs NBX-2611-0087 -o stored.csv
check "and give the same lines" cmp lines.csv stored.csv

# ---- bad arguments: exit 2, nothing written ----
expect 2 "--format other than csv or json" \
	sdx export -L export.db --cn-customs NBX-2611-0087 --labs "$labs" --format xml -o x.csv
golden bad-format
expect 2 "a record that is not a shipment" \
	sdx export -L export.db --cn-customs LH2610-0315 --labs "$labs" -o x.csv
golden not-shipment
expect 2 "a shipment the ledger does not hold" \
	sdx export -L export.db --cn-customs NBX-0000-0000 --labs "$labs" -o x.csv
golden unknown-shipment
expect 2 "a lab register file that does not exist" \
	sdx export -L export.db --cn-customs NBX-2611-0087 --labs nowhere.csv -o x.csv
golden no-labs-file
expect 2 "no -o" sdx export -L export.db --cn-customs NBX-2611-0087
expect_err "it says what -o is for" "^sdx: -o FILE is required: the CSV or JSON file to write$"
expect 2 "an output that exists already" \
	sdx export -L export.db --cn-customs NBX-2611-0087 --labs "$labs" -o lines.csv
expect_err "it is named" "^sdx: 'lines.csv' already exists$"
expect 2 "a second shipment" \
	sdx export -L export.db --cn-customs NBX-2611-0087 NBX-2611-0088 -o x.csv
expect_err "it is named" "^sdx: --cn-customs exports one shipment: 'NBX-2611-0088' is one too many$"
expect 2 "--cn-customs with --epcis" \
	sdx export -L export.db --cn-customs NBX-2611-0087 --epcis NBX-2611-0087 -o x.csv
expect_err "one at a time" "^sdx: --epcis, --untp and --cn-customs: give one$"
expect 2 "--format without --cn-customs" sdx export -L export.db --all --format csv -o x.sdxb
expect_err "it says what --format is for" "^sdx: --format is for --cn-customs$"
expect 2 "--labs without --cn-customs" sdx export -L export.db --all --labs "$labs" -o x.sdxb
check "nothing was written by any of them" sh -c "! ls x.* > /dev/null 2>&1"
