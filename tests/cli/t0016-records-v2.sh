#!/bin/sh
# Record version 2 (formats/batch.md, shipment.md, declaration.md, "Versions"):
# batches and shipments are written as version 2 only, naming their
# manufacturer or exporter; version 1 batches and shipments are refused on
# write, saying what to add, while version 1 declarations are still written
# and every version 1 record already in a ledger or bundle reads, verifies and
# imports as before; a format this sdx does not read is refused; a batch may
# supersede an earlier batch of its own ledger, never another ledger's entry.
. "$(dirname "$0")/lib.sh"

D=$EXAMPLES/data
R=$D/reports
V1R=$DATA/v1-records
leaf() { sdx log -L "$1" --json | jq -r --arg m "$2" 'select(.summary | contains($m)) | .leaf_hash' | tail -n 1; }
size() { sdx log -L "$1" | wc -l; }

for p in s m x; do
	sdx init -L $p.db --origin example.com/$p --unencrypted > /dev/null
	sdx key show -L $p.db --vkey > $p.vkey
done

# declarations: version 2 (the examples) and version 1 are both written
expect 0 "a version 2 declaration" sdx declare -L s.db "$D/pvc-toy-grade-declaration.json" \
	--attach "$R/cnas-l1234-report-2026-1006.txt"
golden declare-v2 "is appended"
expect 0 "a version 1 declaration is still accepted" sdx declare -L s.db \
	"$V1R/pvc-compound-declaration.json" --attach "$R/cnas-l1234-report-2026-0917.txt"
golden declare-v1 "is appended"
check "and has no format member" \
	test "$(sdx show -L s.db 2 --json | jq -r '.payload.body.format // "none"')" = none
sdx export -L s.db --all -o s.sdxb > /dev/null
sdx trust add -L m.db s.vkey > /dev/null
sdx import -L m.db s.sdxb > /dev/null
toy=$(leaf s.db "toy grade")
gp=$(leaf s.db "Shore A 70")

# batches from options: version 2, with the manufacturer and input roles
expect 0 "a batch from options" sdx batch -L m.db --id LH2611-0001 --product "Bath duck" \
	--hs 9503.00 --date 2026-11-02 --manufacturer "Cixi Little Harbour Toys Co., Ltd." \
	--manufacturer-id USCI:91330282MA2CX7LH5B --manufacturer-id DUNS:123456789 \
	--manufacturer-country CN --site "Moulding hall 2" --quantity 5000:H87 \
	--input "$toy:HX2610-0102:0.2:TNE:material" --input "$gp:HX2609-0417:0.01:TNE:additive"
golden batch-options "is appended"
b1=$(leaf m.db LH2611-0001)
sdx show -L m.db "$b1" --json | jq .payload.body > b1.json
check "is version 3 (version 2 and a product model it may cite)" test "$(jq -r .format b1.json)" = sdx-batch/3
check "names its manufacturer with both identifiers" \
	test "$(jq -r '[.manufacturer.name, (.manufacturer.identifiers | length)] | join(" ")' b1.json)" = \
	"Cixi Little Harbour Toys Co., Ltd. 2"
check "and each input's role" test "$(jq -r '[.inputs[].role] | join(" ")' b1.json)" = "material additive"
expect 2 "a batch from options without its manufacturer" sdx batch -L m.db --id B9 --product Duck \
	--hs 9503.00 --date 2026-11-02 --site Hall --site-country CN --quantity 1:H87 \
	--input "$toy:HX2610-0102:1:KGM"
golden batch-no-manufacturer "names the options"
expect 2 "an identifier that is not SCHEME:ID" sdx batch -L m.db --id B9 --product Duck --hs 9503.00 \
	--date 2026-11-02 --manufacturer M --manufacturer-id 91330282MA2CX7LH5B --manufacturer-country CN \
	--quantity 1:H87 --input "$toy:HX2610-0102:1:KGM"
golden batch-bad-id "says the form"
expect 2 "an input role that is not one" sdx batch -L m.db --id B9 --product Duck --hs 9503.00 \
	--date 2026-11-02 --manufacturer M --manufacturer-id DUNS:123456789 --manufacturer-country CN \
	--quantity 1:H87 --input "$toy:HX2610-0102:1:KGM:paint"
golden batch-bad-role "lists the roles"
expect 0 "batch --help" sdx batch --help
golden batch-help "says version 2 and the manufacturer options"

# batches from JSON: version 2 is written, version 1 is refused saying what to add
jq --arg a "$toy" '.inputs = [.inputs[0] | .entry = $a]' "$D/bath-duck-batch.json" > v2.json
jq --arg a "$toy" '.inputs = [.inputs[0] | .entry = $a]' "$V1R/bath-duck-batch.json" > v1.json
n=$(size m.db)
expect 2 "a version 1 batch is refused on write" sdx batch -L m.db v1.json \
	--attach "$R/cnas-l9012-product-report-2026-1020.txt"
golden batch-v1 "saying to add format and manufacturer"
check "and nothing is written" test "$(size m.db)" = "$n"
jq '.format = "sdx-batch/4"' v2.json > v3.json
expect 2 "a format version this sdx does not read" sdx batch -L m.db v3.json \
	--attach "$R/cnas-l9012-product-report-2026-1020.txt"
golden batch-v3 "names the versions it reads"
jq '.format = "sdx-shipment/2"' v2.json > other.json
expect 2 "the format of another type" sdx batch -L m.db other.json \
	--attach "$R/cnas-l9012-product-report-2026-1020.txt"
golden batch-other-format "says whose it is"
expect 0 "a version 2 batch from JSON" sdx batch -L m.db v2.json \
	--attach "$R/cnas-l9012-product-report-2026-1020.txt"
golden batch-v2 "is appended"
b2=$(leaf m.db LH2610-0315)

# corrections: a batch supersedes an earlier batch of the same ledger
jq --arg b "$b2" '.supersedes = $b | .quantity.value = 24200' v2.json > fix.json
expect 0 "a batch superseding another" sdx batch -L m.db fix.json \
	--attach "$R/cnas-l9012-product-report-2026-1020.txt"
golden batch-supersedes "is appended"
b3=$(sdx log -L m.db --json | jq -r 'select(.type == "batch") | .leaf_hash' | tail -n 1)
check "the graph index has the supersedes edge" test "$(sqlite3 m.db "SELECT count(*) FROM graph_edges \
	WHERE lower(hex(src)) = '$b3' AND lower(hex(dst)) = '$b2' AND lot IS NULL")" = 1
expect 0 "trace shows what it supersedes" sdx trace -L m.db "$b3" --json
check "by leaf hash" test "$(jq -r .supersedes "$out")" = "$b2"
expect 0 "where-used: the correction is not made from the batch it corrects" \
	sdx where-used -L m.db --lot HX2610-0102
golden where-used "each batch one step from the lot"
jq --arg d "$toy" '.supersedes = $d' v2.json > foreign.json
n=$(size m.db)
expect 2 "a supersedes naming another ledger's entry is refused" sdx batch -L m.db foreign.json \
	--attach "$R/cnas-l9012-product-report-2026-1020.txt"
golden batch-supersedes-foreign "names the entry's origin"
check "and nothing is written" test "$(size m.db)" = "$n"

# shipments: version 2 only
expect 0 "a shipment from options" sdx ship -L m.db --id NBX-2611-0101 --date 2026-11-20 \
	--exporter "Ningbo Harbour Export Agency Co., Ltd." --exporter-id USCI:91330201MA2AH8XK4L \
	--exporter-country CN --to DE --port CNNGB --consignee "Kinderwelt GmbH" --item "$b1:5000:H87"
golden ship-options "is appended"
jq --arg d "$(leaf m.db NBX-2611-0101)" '.supersedes = $d' v2.json > ship-fix.json
expect 2 "a batch superseding a shipment is refused" sdx batch -L m.db ship-fix.json \
	--attach "$R/cnas-l9012-product-report-2026-1020.txt"
golden batch-supersedes-type "says what it is"
expect 2 "a shipment from options without its exporter" sdx ship -L m.db --id S9 --date 2026-11-20 \
	--to DE --port CNNGB --consignee Buyer --item "$b1:5000:H87"
golden ship-no-exporter "names the options"
expect 0 "ship --help" sdx ship --help
golden ship-help "says version 2 and the exporter options"
jq --arg b "$b3" '.items[0].batch = $b' "$V1R/shipment.json" > s1.json
expect 2 "a version 1 shipment is refused on write" sdx ship -L m.db s1.json
golden ship-v1 "saying to add format and exporter"
jq '.format = "sdx-shipment/2" | .exporter = { "name": "Ningbo Harbour Export Agency Co., Ltd.",
	"identifiers": [ { "scheme": "USCI", "id": "91330201MA2AH8XK4L" } ], "country": "CN" } |
	.items[0].value = { "amount": 31200, "currency": "USD" }' s1.json > s2.json
expect 0 "a version 2 shipment from JSON" sdx ship -L m.db s2.json
golden ship-v2 "is appended"
expect 0 "trace of a version 2 shipment" sdx trace -L m.db "$(leaf m.db NBX-2611-0087)" --no-evidence
golden trace "names the exporter, the manufacturer and the input's role"
expect 0 "the ledger verifies, its index too" sdx verify -L m.db
golden verify "every entry and the index"

# version 2 records travel: a provenance bundle verifies and imports
sdx export -L m.db --provenance "$(leaf m.db NBX-2611-0087)" -o p.sdxb > /dev/null
sdx trust add -L x.db m.vkey > /dev/null
sdx trust add -L x.db s.vkey > /dev/null
expect 0 "a bundle of version 2 records imports" sdx import -L x.db p.sdxb
golden import-v2 "with the batch it supersedes"
expect 0 "the importer verifies" sdx verify -L x.db

# version 1 ledgers and bundles (tests/data/v1, tests/data/v2) read as before
gzip -dc "$DATA/v1/v1.db.gz" > v1.db
gzip -dc "$DATA/v2/v2-maker.db.gz" > v2m.db
expect 0 "an old supplier ledger verifies" sdx verify -L v1.db
expect 0 "an old manufacturer ledger (version 1 batch and shipment) verifies" sdx verify -L v2m.db
sdx init -L y.db --origin example.com/y --unencrypted > /dev/null
sdx key show -L v1.db --vkey > v1.vkey
sdx key show -L v2m.db --vkey > v2m.vkey
for k in v1.vkey v2m.vkey "$DATA/v2/v2-supplier.vkey"; do sdx trust add -L y.db "$k" > /dev/null; done
expect 0 "an old supplier bundle imports" sdx import -L y.db "$DATA/v1/v1.sdxb"
expect 0 "an old provenance bundle of a version 1 batch and shipment imports" \
	sdx import -L y.db "$DATA/v2/v2-maker.sdxb"
expect 0 "its version 1 shipment traces as before" sdx trace -L y.db 21085994561d --no-evidence
golden trace-v1 "no manufacturer, no exporter, no roles"
expect 0 "the importer verifies" sdx verify -L y.db
